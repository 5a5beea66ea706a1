"""Where the bundled data lives: report templates and fonts, the seed and library descriptors, the comparison specs.

The folders ``trials/``, ``reports/`` and ``templates/`` at the repository root are the only copies in git. A built
wheel carries them as package data, ``trialcompare/_data/{trials,reports,templates}/`` (``pyproject.toml`` maps the
root folders into the package at build time), found here with :mod:`importlib.resources`. A source checkout on
``PYTHONPATH`` and an editable install (``pip install -e .``) have no ``_data/``: they read the root folders, beside
``src/``.

>>> (data_dir("templates") / "base.html.j2").is_file()
True
>>> (data_dir("reports") / "table-iv.yaml") == packaged_spec("table-iv")
True
>>> sorted(p.name for p in data_dir("trials").glob("apatinib*.yaml"))
['apatinib-camrelizumab.yaml', 'apatinib-ie.yaml', 'apatinib.yaml']
"""

from __future__ import annotations

import importlib.resources
from pathlib import Path
from typing import Literal

__all__ = ["KINDS", "DataNotFoundError", "data_dir", "packaged_spec"]

Kind = Literal["trials", "reports", "templates"]
#: The bundled folders.
KINDS: tuple[Kind, ...] = ("trials", "reports", "templates")
# a folder only counts if it holds its marker file
_MARKERS = {"trials": "descriptor.schema.json", "reports": "table-iv.yaml", "templates": "base.html.j2"}


class DataNotFoundError(FileNotFoundError):
    """A bundled folder is neither in the installed package nor beside ``src/`` (a broken install)."""


def _candidates(kind: Kind) -> list[Path]:
    candidates = []
    packaged = importlib.resources.files("trialcompare") / "_data" / kind
    if isinstance(packaged, Path):  # an installed wheel; a zipped package could not hand files to WeasyPrint
        candidates.append(packaged)
    candidates.append(Path(__file__).resolve().parents[2] / kind)  # checkout or editable install: <repo>/<kind>
    return candidates


def data_dir(kind: Kind) -> Path:
    """The bundled folder ``kind``: the package resource of an installed wheel, else the repository's folder.

    Parameters
    ----------
    kind : {"trials", "reports", "templates"}

    Returns
    -------
    pathlib.Path
        Absolute, symlink-resolved path of the folder.

    Raises
    ------
    ValueError
        For another ``kind``.
    DataNotFoundError
        If neither place holds the folder; the message lists both.
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, got {kind!r}")
    candidates = _candidates(kind)
    for candidate in candidates:
        if (candidate / _MARKERS[kind]).is_file():
            return candidate.resolve()
    tried = ", ".join(str(c) for c in candidates)
    raise DataNotFoundError(
        f"trialcompare's bundled {kind}/ folder (containing {_MARKERS[kind]}) not found; looked in: {tried}; "
        "reinstall the package (pip install trialcompare-*.whl, or pip install -e . in a checkout)"
    )


def packaged_spec(name: str = "table-iv") -> Path:
    """Path of the bundled comparison spec ``reports/<name>.yaml`` (it may not exist for an unknown ``name``).

    Parameters
    ----------
    name : str

    Returns
    -------
    Path

    Examples
    --------
    >>> packaged_spec().name
    'table-iv.yaml'
    """
    return data_dir("reports") / f"{name}.yaml"
