"""The PDF laid out, and its figures drawn, in a second Python process started before the analysis.

A report spends almost half of its import time on WeasyPrint (with fontTools, tinyhtml5, cssselect2, pydyf) and
matplotlib, and none of the analysis needs them. The ``report`` command therefore starts :class:`PdfProcess`
first: a fresh interpreter that imports both and draws a one-line page and a one-row figure (fonts, stylesheet)
while this process imports polars and scipy and runs the analysis; then it receives the HTML with its figures
deferred (:func:`~trialcompare.render.plots.deferred_figures`), draws them, lays out the PDF and returns it. The
bytes are those of :func:`~trialcompare.render.pdf.html_to_pdf` in process (tested): the same function runs on
the same input.

With one core free this takes those imports off the report's wall time; with none it costs a second
interpreter's start (~30 ms). Where WeasyPrint is already imported (a notebook, the test suite) rendering in
process is faster, and :func:`pdf_renderer` gives :func:`~trialcompare.render.pdf.html_to_pdf` itself.

Protocol (private to this module, between two processes of the same installation): a pickled dict of
:func:`~trialcompare.render.pdf.html_to_pdf`'s arguments on the worker's standard input; the PDF on its standard
output, exit status 0; else exit status 2 with the message of a
:class:`~trialcompare.render.templating.TemplatesNotFoundError`, or 1 with a traceback, on its standard error.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import subprocess
import sys
from collections.abc import Callable, Iterator, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .plots import FigureCall

__all__ = ["PdfProcess", "PdfRenderer", "pdf_renderer"]

#: ``to_pdf(html, created=..., title=...) -> bytes``, as :func:`~trialcompare.render.pdf.html_to_pdf`.
PdfRenderer = Callable[..., bytes]

_EXIT_TEMPLATES = 2
_WARM_UP = '<link rel="stylesheet" href="asset:report.css"><p>trialcompare</p><img src="figure:0">'


class PdfProcess:
    """A worker process that renders one HTML document to PDF; call it once, then it is finished.

    Examples
    --------
    >>> with PdfProcess() as to_pdf:
    ...     pdf = to_pdf("<p>Hello</p>", created="2024-01-01", title="Hello")
    >>> pdf[:5]
    b'%PDF-'
    """

    def __init__(self) -> None:
        package_root = str(Path(__file__).resolve().parents[2])  # the folder holding trialcompare/
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in (package_root, os.environ.get("PYTHONPATH"))
                                                            if p))  # fmt: skip
        self._process = subprocess.Popen(
            [sys.executable, "-m", "trialcompare.render.pdf_process"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
        )  # fmt: skip

    def __call__(self, html: str, *, created: datetime | date | str, title: str,
                 figures: Sequence[FigureCall] = ()) -> bytes:
        """Send ``html`` to the worker and return the PDF (arguments as :func:`~trialcompare.render.pdf.html_to_pdf`).

        Raises
        ------
        TemplatesNotFoundError
            The worker found no templates folder.
        RuntimeError
            The worker failed otherwise (its traceback is the message).
        """
        from .templating import TemplatesNotFoundError

        request = {"html": html, "created": created, "title": title, "figures": list(figures)}
        out, err = self._process.communicate(pickle.dumps(request))
        message = err.decode("utf-8", errors="replace").strip()
        if self._process.returncode == _EXIT_TEMPLATES:
            raise TemplatesNotFoundError(message)
        if self._process.returncode != 0:
            raise RuntimeError(f"the PDF process failed (exit status {self._process.returncode}):\n{message}")
        if message:  # WeasyPrint's warnings (a refused resource...), shown as they would be in process
            print(message, file=sys.stderr)
        return out

    def close(self) -> None:
        """Stop the worker if it is still running (the analysis failed, or nothing was sent)."""
        if self._process.poll() is None:
            self._process.kill()
        self._process.communicate()

    def __enter__(self) -> PdfProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@contextlib.contextmanager
def pdf_renderer() -> Iterator[PdfRenderer]:
    """The fastest way to render the PDF from here: a :class:`PdfProcess`, or in process when WeasyPrint is loaded.

    Yields
    ------
    callable
        ``to_pdf(html, created=..., title=...) -> bytes``.

    Examples
    --------
    >>> import weasyprint  # already imported: render in process
    >>> with pdf_renderer() as to_pdf:
    ...     to_pdf.__name__
    'html_to_pdf'
    """
    process = None
    if "weasyprint" not in sys.modules and sys.executable:  # (an embedded interpreter may have no executable)
        with contextlib.suppress(OSError):  # no second interpreter can be started: render in process
            process = PdfProcess()
    if process is None:
        from .pdf import html_to_pdf

        yield html_to_pdf
        return
    with process:
        yield process


def _serve() -> int:
    """The worker: warm up, read one document, write its PDF (see the module's protocol)."""
    from .pdf import html_to_pdf
    from .plots import FigureCall
    from .templating import TemplatesNotFoundError

    warm_up_figure = FigureCall("forest_plot_svg", (["trialcompare"], [0.5], [0.4], [0.6]), {"xlim": (0.0, 1.0)})
    with contextlib.suppress(Exception):  # a failure here recurs, and is reported, below
        html_to_pdf(_WARM_UP, created="2000-01-01", title="", figures=[warm_up_figure])
    message = pickle.load(sys.stdin.buffer)
    try:
        pdf = html_to_pdf(**message)
    except TemplatesNotFoundError as exc:
        sys.stderr.write(str(exc))
        return _EXIT_TEMPLATES
    sys.stdout.buffer.write(pdf)
    return 0


if __name__ == "__main__":
    status = _serve()
    sys.stdout.flush()
    sys.stderr.flush()
    # End without the interpreter's teardown: collecting WeasyPrint's boxes and styles takes most of a second,
    # during which the report waits for this process to end. Everything written is flushed above.
    os._exit(status)
