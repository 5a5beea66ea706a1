"""Report templates: the ``templates/`` folder and the Jinja2 environment (autoescaping, ``StrictUndefined``).

Kept apart from :mod:`trialcompare.render.pdf` so that writing the HTML does not import WeasyPrint: the command
line lays the PDF out in a second process (:mod:`trialcompare.render.pdf_process`) and the HTML is made here.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import Any

import jinja2

__all__ = ["TEMPLATES_ENV_VAR", "TemplatesNotFoundError", "make_environment", "render_template", "templates_dir"]

#: Environment variable that, when set, names the templates folder (overrides the bundled one).
TEMPLATES_ENV_VAR = "TRIALCOMPARE_TEMPLATES"

_MARKER = "base.html.j2"


class TemplatesNotFoundError(FileNotFoundError):
    """The report templates folder could not be located (a broken install, or a wrong ``TRIALCOMPARE_TEMPLATES``)."""


# --------------------------------------------------------------------------------------------------
# templates folder and Jinja2 environment
# --------------------------------------------------------------------------------------------------


def templates_dir() -> Path:
    """Locate the report templates folder (templates, stylesheet and bundled fonts).

    The folder named by the environment variable ``TRIALCOMPARE_TEMPLATES`` wins when set; otherwise the
    package resource: ``trialcompare/_data/templates/`` in an installed wheel, or the ``templates/`` folder at
    the repository root, beside ``src/``, in a checkout or an editable install (``pip install -e .``); see
    :func:`trialcompare.resources.data_dir`. A folder only counts if it holds ``base.html.j2``.

    Returns
    -------
    pathlib.Path
        Absolute, symlink-resolved path of the folder.

    Raises
    ------
    TemplatesNotFoundError
        If no candidate folder exists; the message lists the places looked at.

    Examples
    --------
    >>> (templates_dir() / "report.css").is_file()
    True
    """
    from trialcompare.resources import DataNotFoundError, data_dir

    override = os.environ.get(TEMPLATES_ENV_VAR)
    if not override:
        try:
            return data_dir("templates")
        except DataNotFoundError as exc:
            raise TemplatesNotFoundError(f"{exc}; or set {TEMPLATES_ENV_VAR} to the folder") from None
    candidate = Path(override)
    if (candidate / _MARKER).is_file():
        return candidate.resolve()
    raise TemplatesNotFoundError(
        f"trialcompare templates folder (containing {_MARKER}) not found; looked in: {candidate}; "
        f"check {TEMPLATES_ENV_VAR}"
    )


def _resolve_root(root: str | os.PathLike[str] | None) -> Path:
    """Return the templates folder to use: ``root`` if given (must exist), else :func:`templates_dir`."""
    if root is None:
        return templates_dir()
    path = Path(root).resolve()
    if not path.is_dir():
        raise TemplatesNotFoundError(f"templates folder not found: {path}")
    return path


def make_environment(templates_dir: str | os.PathLike[str] | None = None) -> jinja2.Environment:
    """Create the Jinja2 environment used for reports.

    Parameters
    ----------
    templates_dir : str or os.PathLike, optional
        Folder to load templates from; default: the project's ``templates/`` (see
        :func:`templates_dir`).

    Returns
    -------
    jinja2.Environment
        Autoescaping on (``.j2``, ``.html`` and every other template), ``StrictUndefined``, and the
        filter ``svg_data_uri`` (SVG text → ``data:`` URI for an ``<img src>``).

    Examples
    --------
    >>> env = make_environment()
    >>> env.from_string("{{ x }}").render(x="<b>")
    '&lt;b&gt;'
    """
    from trialcompare.render.plots import svg_data_uri

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(_resolve_root(templates_dir))),
        autoescape=jinja2.select_autoescape(
            enabled_extensions=("j2", "html", "htm", "xml"), default_for_string=True, default=True
        ),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["svg_data_uri"] = svg_data_uri
    return env


@functools.lru_cache(maxsize=4)
def _cached_environment(root: Path) -> jinja2.Environment:
    return make_environment(root)


def render_template(name: str, /, **context: Any) -> str:
    """Render the template ``name`` from the project's ``templates/`` folder.

    Parameters
    ----------
    name : str
        Template file name relative to ``templates/``, e.g. ``"report.html.j2"``.
    **context
        Template variables. A variable used by the template but not given raises
        :class:`jinja2.UndefinedError`.

    Returns
    -------
    str
        The rendered (autoescaped) text.

    Examples
    --------
    >>> html = render_template("base.html.j2", title="A & B", lang="en")
    >>> "<title>A &amp; B</title>" in html
    True
    """
    return _cached_environment(templates_dir()).get_template(name).render(**context)
