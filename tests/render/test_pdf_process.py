"""The PDF laid out in a second process: the same bytes as in process, errors that say what failed, no stray process."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from trialcompare.render.pdf import html_to_pdf
from trialcompare.render.pdf_process import PdfProcess, pdf_renderer
from trialcompare.render.plots import FigureCall, svg_data_uri
from trialcompare.render.templating import TEMPLATES_ENV_VAR, TemplatesNotFoundError

HTML = ('<html><head><link rel="stylesheet" href="asset:report.css"></head>'
        '<body><h1>Cohorts &amp; counts</h1><p class="num">13/43 (30.2%)</p><img src="figure:0"></body></html>')
FOREST = FigureCall("forest_plot_svg", (["Apatinib + IE (21/33)", "IE (13/46)"], [0.64, 0.28], [0.45, 0.16],
                                        [0.80, 0.43]), {"xlim": (0.0, 1.0)})


@pytest.mark.parametrize("created", [date(2021, 3, 4), "2021-03-04T10:00:00+02:00"])
def test_worker_gives_the_bytes_of_html_to_pdf(created: date | str) -> None:
    with PdfProcess() as to_pdf:
        pdf = to_pdf(HTML, created=created, title="Table IV", figures=[FOREST])
    assert pdf == html_to_pdf(HTML, created=created, title="Table IV", figures=[FOREST])
    inline = HTML.replace("figure:0", svg_data_uri(FOREST.svg()))  # the figure drawn here and inlined
    assert pdf == html_to_pdf(inline, created=created, title="Table IV")


def test_worker_without_templates_raises_templates_not_found(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(TEMPLATES_ENV_VAR, str(tmp_path / "nowhere"))
    with PdfProcess() as to_pdf, pytest.raises(TemplatesNotFoundError, match="nowhere"):
        to_pdf(HTML, created="2021-03-04", title="x")


def test_worker_failure_is_an_error_with_its_traceback() -> None:
    with PdfProcess() as to_pdf, pytest.raises(RuntimeError, match="created must be an ISO 8601"):
        to_pdf(HTML, created="the fourth of March", title="x")


def test_an_unused_worker_is_stopped() -> None:
    process = PdfProcess()
    process.close()
    assert process._process.returncode is not None


def test_in_process_when_weasyprint_is_already_imported() -> None:
    import weasyprint  # noqa: F401

    with pdf_renderer() as to_pdf:
        assert to_pdf is html_to_pdf


def test_the_command_line_lays_out_the_pdf_elsewhere_with_the_same_bytes(tmp_path: Path) -> None:
    """A fresh ``report`` imports neither WeasyPrint nor matplotlib itself, and writes what :func:`render_pdf`
    gives in process."""
    from trialcompare.analysis import analyse
    from trialcompare.render.report import render_pdf

    out = tmp_path / "r.pdf"
    code = ("import sys\nfrom trialcompare.cli import main\nrc = main(['report', '-o', sys.argv[1]])\n"
            "print(rc, 'weasyprint' in sys.modules, 'matplotlib' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code, str(out)], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["0", "False", "False"]
    assert out.read_bytes() == render_pdf(analyse(None), output=out)  # the body names r.supplement.html



def test_in_process_when_no_second_interpreter_can_start(monkeypatch: pytest.MonkeyPatch) -> None:
    """No executable to start (an embedded interpreter), or starting it fails: the PDF is laid out here."""
    monkeypatch.delitem(sys.modules, "weasyprint")  # as in a fresh process, where the worker would be used
    monkeypatch.setattr(sys, "executable", "")
    with pdf_renderer() as to_pdf:
        assert to_pdf is html_to_pdf
    monkeypatch.setattr(sys, "executable", "/nonexistent/python")
    with pdf_renderer() as to_pdf:
        assert to_pdf is html_to_pdf
