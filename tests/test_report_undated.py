"""Newcomer friction 20: a report without a spec date shows no date (it read "1980-01-01" on the title line); the
PDF metadata keeps a fixed date, so reruns stay byte-identical."""

from __future__ import annotations

import io
from pathlib import Path

import pypdf
import pytest

from trialcompare.analysis import analyse
from trialcompare.render.report import render_html, render_pdf, render_supplement
from trialcompare.spec import default_spec_for, load_spec

REPO = Path(__file__).resolve().parents[1]
PATHS = [REPO / "trials" / "apatinib-ie.yaml", REPO / "trials" / "ie.yaml"]


@pytest.fixture(scope="module")
def undated():
    return analyse(default_spec_for(PATHS))


def test_an_undated_report_shows_no_date(undated):
    assert not undated.spec.dated
    html, supplement = render_html(undated), render_supplement(undated)
    assert "1980" not in html and "1980" not in supplement
    assert "reference cohort: " in html
    facts = [f.code for lim in undated.limitations for f in lim.facts]
    assert "report-date-before-cited" not in facts  # an undated report is not "dated before" what it cites


def test_a_dated_spec_shows_its_date():
    spec = load_spec(REPO / "reports" / "table-iv.yaml")
    assert spec.dated
    html = render_html(analyse(spec))
    assert f"reference cohort: Apatinib + IE · {spec.date}</p>" in html


def test_an_undated_pdf_is_byte_identical_on_rerun(undated):
    first = render_pdf(undated)
    assert render_pdf(analyse(default_spec_for(PATHS))) == first
    reader = pypdf.PdfReader(io.BytesIO(first))
    assert reader.metadata["/CreationDate"].startswith("D:19800101")
    assert "1980" not in reader.pages[0].extract_text()
