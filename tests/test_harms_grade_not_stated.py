"""Friction 15: an adverse event printed without its grade (``grade: not_stated``) is never read as a grade: it is
compared only when any grade is asked for, and its cell says "grade not stated"."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import trialcompare as tc
from trialcompare.cli import main
from trialcompare.descriptor.harms import COMPARED_BANDS, GRADE_BANDS, normalise_grade
from trialcompare.harms import harms_table, harms_terms
from trialcompare.render.harms import harms_cells

NEWCOMER = Path(__file__).parent / "fixtures" / "newcomer"


def _descriptor(cid: str, events: list[dict[str, Any]]) -> dict[str, Any]:
    return {"id": cid, "label": cid.upper(), "regimen": {"text": "drug"},
            "sources": [{"key": "paper", "citation": "The paper"}], "design": {"type": "prospective", "at": "Methods"},
            "population": {"n": 34, "n_refers_to": "treated", "at": "Abstract"},
            "adverse_events": {"population": {"n": 34, "refers_to": "treated", "at": "Abstract"}, "events": events}}


@pytest.fixture
def cohorts(tmp_path: Path) -> tc.CohortSet:
    """ref prints hand-foot syndrome without a grade (12/34) and at grade 3 (2/34, so fewer than the not-stated
    count is no order finding either way); b prints it at any grade (10/34) and grade >= 3 (3/34)."""
    ref = _descriptor("ref", [{"term": "hand-foot syndrome", "grade": "not stated", "value": "12/34", "at": "Abstract"},
                              {"term": "hand-foot syndrome", "grade": "3", "value": "2/34", "at": "Abstract"}])
    b = _descriptor("b", [{"term": "Hand-foot syndrome", "grade": "any", "value": "10/34", "at": "Table 2"},
                          {"term": "Hand-foot syndrome", "grade": ">=3", "value": "3/34", "at": "Table 2"}])
    for d in (ref, b):
        (tmp_path / f"{d['id']}.yaml").write_text(json.dumps(d), encoding="utf-8")
    return tc.load(tmp_path)


def test_not_stated_is_a_descriptor_band_but_not_a_compared_one():
    assert "not_stated" in GRADE_BANDS and "not_stated" not in COMPARED_BANDS
    assert normalise_grade("not stated") == normalise_grade("Not_Stated") == "not_stated"


def test_any_grade_uses_it_flagged(cohorts):
    t = harms_table(cohorts, "ref", grade="any")
    row = t.filter(cohort="ref", term="hand-foot syndrome").row(0, named=True)
    assert (row["grade"], row["grade_printed"], row["patients"], row["denominator"]) == ("any", "not_stated", 12, 34)
    cells = harms_cells(t)
    assert cells.filter(cells["item"] == "event: hand-foot syndrome")["ref"].item().endswith("[grade not stated]")
    assert "hand-foot syndrome" in harms_terms(cohorts, "any")


@pytest.mark.parametrize("grade", [">=3", "3-4", "4", "5"])
def test_a_grade_never_uses_it(cohorts, grade):
    t = harms_table(cohorts, "ref", terms=["hand-foot syndrome"], grade=grade)
    printed = t.filter(cohort="ref")["grade_printed"].to_list()
    assert "not_stated" not in printed


def test_grade_three_is_answered_by_the_graded_figure_only(cohorts):
    row = harms_table(cohorts, "ref", terms=["hand-foot syndrome"], grade=">=3").filter(cohort="ref").row(0, named=True)
    assert (row["grade_printed"], row["patients"]) == ("3", 2)


def test_no_grade_order_finding_against_it(cohorts):
    assert [f.code for f in tc.check(cohorts) if f.code.startswith("HARM-GRADE")] == []


def test_asking_for_not_stated_is_refused(cohorts, tmp_path, capsys):
    with pytest.raises(ValueError, match="not a band to compare"):
        harms_table(cohorts, "ref", grade="not_stated")
    with pytest.raises(ValueError, match="not a band to compare"):
        harms_table(cohorts, "ref", terms=[], grade="not_stated")
    folder = str(cohorts["ref"].path.parent)
    assert main(["table", folder, "--what", "harms", "--grade", "not_stated"]) == 2
    err = capsys.readouterr().err
    assert "not a band to compare" in err and "Traceback" not in err


def test_the_newcomer_liao_descriptor_can_say_it(tmp_path):
    text = (NEWCOMER / "liao2020-apatinib.yaml").read_text(encoding="utf-8")
    assert "grade: any" in text
    (tmp_path / "liao.yaml").write_text(text.replace("grade: any", "grade: not_stated"), encoding="utf-8")
    cohorts = tc.load(tmp_path)
    events = cohorts["liao2020-apatinib"].descriptor.adverse_events
    assert events is not None and {e.grade for e in events.events} == {"not_stated"}
