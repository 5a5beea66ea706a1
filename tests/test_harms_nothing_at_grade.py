"""Newcomer friction 6: harms at a grade nothing is compared at. ``table --what harms`` says why on stderr (exit 0, as
``--what differences`` does) and names the grades that have data; the report says it once, keeps no panel of cohorts
that report nothing, and names those cohorts in one sentence.

Fixtures: the newcomer's SARC024 arms and Liao 2020 (``tests/fixtures/newcomer``) print hand-foot syndrome and
hypertension at any grade only.
"""

from __future__ import annotations

from pathlib import Path

import trialcompare as tc
from trialcompare.cli import main
from trialcompare.harms import nothing_at_grade
from trialcompare.render.harms import nothing_at_grade_words

NEWCOMER = Path(__file__).parent / "fixtures" / "newcomer"
REPO = Path(__file__).resolve().parents[1]


def test_the_sentence_names_the_grades_with_data_and_how_to_ask():
    gap = nothing_at_grade(tc.load(NEWCOMER), ">=3")
    assert gap is not None
    text = nothing_at_grade_words(gap, "use --grade {band}")
    assert text.startswith("no adverse event is reported at grade ≥3 by 2 or more cohorts; ")
    assert "reported at any grade: hypertension (3 cohorts), palmar-plantar erythrodysesthesia syndrome (3 cohorts)" \
        in text
    assert text.endswith("; use --grade any")
    assert nothing_at_grade(tc.load(NEWCOMER), "any") is None
    assert nothing_at_grade(tc.load(NEWCOMER), ">=3", terms=["hypertension"]) is None  # terms chosen: as asked


def test_no_hint_when_no_grade_compares_anything():
    one = tc.load(NEWCOMER / "liao2020-apatinib.yaml")
    gap = nothing_at_grade(one, ">=3")
    assert gap is not None and gap.comparable == ()
    text = nothing_at_grade_words(gap, "use --grade {band}")
    assert "reported at any grade: " in text and "use --grade" not in text


def test_table_harms_says_why_it_is_empty(capsys):
    assert main(["table", str(NEWCOMER), "--what", "harms"]) == 0
    out, err = capsys.readouterr()
    assert err.startswith("trialcompare: no adverse event is reported at grade ≥3") and "use --grade any" in err
    assert main(["table", str(NEWCOMER), "--what", "harms", "--grade", "any"]) == 0
    out, err = capsys.readouterr()
    assert "hypertension" in out and err == ""
    assert main(["table", str(NEWCOMER), "--what", "harms", "--terms", "hypertension"]) == 0
    assert capsys.readouterr().err == ""  # terms chosen: nothing to explain


def test_the_report_has_no_empty_panel_and_says_it_once():
    from trialcompare.render.report import build_context

    table_iv = sorted(str(p) for p in (REPO / "trials").glob("*.yaml"))  # the four Table IV cohorts, no library
    a = tc.analyse([*table_iv, str(NEWCOMER)], with_meta=False)
    harms = build_context(a)["harms"]
    assert harms["note"].endswith("set harms: {grade: any} in the spec")
    assert all(block["table"].height for block in harms["blocks"])
    assert sorted(harms["silent"]) == ["Apatinib (Liao 2020)", "IE", "Placebo (SARC024)", "Regorafenib (SARC024)"]
    assert not any(label in harms["table"].columns for label in harms["silent"])
