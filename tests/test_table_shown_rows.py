"""Newcomer friction 13: ``table`` (the Table IV layout, ``--what baseline``) shows the reference's own rows, and
names the rows it leaves out (reported by one comparator alone) with the rule; ``--what smd`` counts comparators.

The fixtures are the newcomer's transcriptions (``tests/fixtures/newcomer``): Liao 2020 (apatinib) reports age and
sex and a response at 12 weeks; the two SARC024 arms report no per-arm baseline.
"""

from __future__ import annotations

from pathlib import Path

import trialcompare as tc
from trialcompare.cli import main
from trialcompare.render.tables import hidden_rows

NEWCOMER = Path(__file__).parent / "fixtures" / "newcomer"


def test_the_reference_alone_reporting_a_variable_keeps_its_rows():
    cmp = tc.compare(tc.load(NEWCOMER), "liao2020-apatinib", reference_rows=True)
    assert {"age", "sex"} <= set(cmp.baseline.filter(reported=True)["variable"].to_list())
    rows = cmp.table()["row"].to_list()
    assert "Sex, n (%)" in rows and "Age, years" in rows
    assert any(r.startswith("Best overall response: PR") for r in rows) and "DCR" in rows
    assert hidden_rows(cmp) == {}


def test_rows_of_one_comparator_are_left_out_and_named(capsys):
    cmp = tc.compare(tc.load(NEWCOMER), "sarc024-placebo", reference_rows=True)
    hidden = hidden_rows(cmp)
    assert hidden["age"] == hidden["sex"] == hidden["DCR"] == ("liao2020-apatinib",)
    assert "Age, years" not in cmp.table()["row"].to_list()
    assert main(["table", str(NEWCOMER), "--reference", "sarc024-placebo", "--what", "baseline"]) == 0
    err = capsys.readouterr().err
    assert "no baseline rows: no variable is reported by the reference 'sarc024-placebo' or by 2 cohorts" in err
    assert "not shown: age, sex (reported by liao2020-apatinib only): a row is shown when the reference" in err
    assert "report nothing" not in err


def test_a_report_leaves_out_the_rows_of_the_reference_alone():
    """A report compares: a row only the reference reports compares nothing and stays out (it is named)."""
    cmp = tc.compare(tc.load(NEWCOMER), "liao2020-apatinib")
    assert cmp.baseline.is_empty() and set(cmp.hidden_baseline) == {"age", "sex"}
    assert "Age, years" not in cmp.table()["row"].to_list()


def test_the_default_table_of_the_first_cohort_names_nothing_hidden(capsys):
    assert main(["table", str(NEWCOMER), "--what", "baseline", "--format", "csv"]) == 0
    out, err = capsys.readouterr()
    assert "liao2020-apatinib,age," in out and "liao2020-apatinib,sex,categorical,male" in out
    assert err == ""


def test_smd_with_nothing_shared_counts_comparators(capsys):
    arms = [str(NEWCOMER / f"sarc024-{arm}.yaml") for arm in ("placebo", "regorafenib")]
    assert main(["table", *arms, "--what", "smd"]) == 0
    err = capsys.readouterr().err
    assert "(1 comparator against the reference)" in err and "compared)" not in err
