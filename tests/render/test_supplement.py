"""The audit supplement beside the PDF: complete (every transcribed number with its provenance, every finding),
self-contained (nothing fetched, nothing external), with anchors and a search box, written beside the report and
the same bytes on rerun."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from trialcompare.analysis import analyse
from trialcompare.cli import main
from trialcompare.render.report import render_supplement, supplement_path
from trialcompare.spec import load_spec

REPO = Path(__file__).resolve().parents[2]
SPEC = REPO / "reports" / "table-iv.yaml"


@pytest.fixture(scope="module")
def analysis():
    return analyse(load_spec(SPEC), with_meta=False)


@pytest.fixture(scope="module")
def text(analysis) -> str:
    return html.unescape(render_supplement(analysis))


def test_every_transcribed_number_is_there_with_its_provenance(analysis, text):
    """Each row of the harmonized frame (what the tables show) appears as printed, with its file:line and location,
    under an anchor of its cohort and line."""
    for r in analysis.frame.iter_rows(named=True):
        if r["printed"] is None:
            continue
        line = f"{Path(r['file']).name}:{r['line']}"
        assert line in text, line
        assert f'id="n-{r["cohort"]}-{r["line"]}"' in text, (r["cohort"], r["line"])
        assert str(r["printed"]) in text, r["printed"]
        if r["location"]:
            assert str(r["location"]) in text


def test_every_finding_with_its_severity(analysis, text):
    for f in analysis.findings:
        assert f.code in text and f.message in text
        assert f.severity.upper() in text


def test_anchors_per_cohort(analysis, text):
    for c in analysis.cohorts:
        assert f'id="cohort-{c.id}"' in text and f'id="findings-{c.id}"' in text
        assert f'href="#cohort-{c.id}"' in text


def test_self_contained(text):
    """No external resource: no src= or href= other than in-page anchors, no link or import, one inline script."""
    assert re.findall(r'\b(?:src|href)="(?!#)[^"]*"', text) == []
    assert "<link" not in text and "@import" not in text and "url(" not in text
    assert text.count("<script>") == 1 and '<input id="q"' in text


def test_written_beside_the_report_and_identical_on_rerun(tmp_path: Path):
    out = tmp_path / "x.pdf"
    assert main(["report", str(SPEC), "-o", str(out)]) == 0
    first = supplement_path(out).read_bytes()
    assert supplement_path(out).name == "x.supplement.html"
    assert main(["report", str(SPEC), "-o", str(out)]) == 0
    assert supplement_path(out).read_bytes() == first


def test_supplement_in_the_pdf_when_the_spec_asks(tmp_path: Path):
    import shutil

    shutil.copytree(REPO / "trials", tmp_path / "trials")
    spec = tmp_path / "reports" / "s.yaml"
    spec.parent.mkdir()
    spec.write_text(SPEC.read_text(encoding="utf-8") + "supplement: pdf\n", encoding="utf-8")
    a = analyse(load_spec(spec), with_meta=False)
    from trialcompare.render.report import render_html

    body = render_html(a)
    assert "Annex A: integrity of the published numbers" in body
    out = tmp_path / "s.pdf"
    assert main(["report", str(spec), "-o", str(out)]) == 0
    assert not supplement_path(out).exists()


def test_the_benchmark_exclusions_are_listed():
    """Issue 19 item 8: the body says only that nothing is pooled (k = 1); the supplement says who was left out and by
    which rule: apatinib + camrelizumab (shared centre, overlapping accrual) and IE (shared registration)."""
    text = html.unescape(render_supplement(analyse(load_spec(SPEC))))
    section = text[text.index('id="benchmark-exclusions"'):text.index('id="rob-evidence"')]
    assert "Apatinib + camrelizumab is not pooled: it shares a centre and accrual period with Apatinib + IE" in section
    assert "IE is not pooled: it shares a trial registration with Apatinib + IE" in section
