"""Issue 24, item 4: a response read at a stated time is kept apart from best overall response, time points are
printed in their own unit, and a cohort's primary endpoint always reaches a table.

The cohorts are copies of the shipped apatinib descriptor (Xie 2019: ORR 16/37 as best overall response, CR 0 +
PR 16 in Table IV) with one line added; the added numbers are made up for the test and say so in their labels.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

import trialcompare as tc
from trialcompare.meta.suite import outcome_data
from trialcompare.render.tables import table_iv

ROOT = Path(__file__).resolve().parents[1]
ANCHOR = "rates:\n"


def _cohort(tmp_path: Path, name: str, cid: str, extra_rate: str) -> Path:
    text = (ROOT / "trials" / "apatinib.yaml").read_text(encoding="utf-8")
    assert text.count(ANCHOR) == 1
    text = text.replace("id: apatinib\n", f"id: {cid}\n", 1).replace(ANCHOR, ANCHOR + extra_rate, 1)
    text = text.replace('label: "Apatinib"', f'label: "Apatinib {cid}"', 1)
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


TWELVE_WEEKS = '  - {name: ORR, time: 12, unit: weeks, value: "10/37 (27.0%)", at: "Abstract", label: "made up"}\n'


@pytest.fixture
def both(tmp_path: Path) -> tc.CohortSet:
    """apatinib-ie (reference) and an apatinib copy printing a 12-week ORR beside its best overall response."""
    _cohort(tmp_path, "b.yaml", "apatinib-12w", TWELVE_WEEKS)
    return tc.load(ROOT / "trials" / "apatinib-ie.yaml", tmp_path / "b.yaml")


def test_both_responses_are_held_and_kept_apart(both: tc.CohortSet) -> None:
    """ORR is best overall response (16/37 from CR 0 + PR 16); ORR@12w is the 12-week 10/37, never merged."""
    out = tc.compare(both).outcomes.filter(pl.col("cohort") == "apatinib-12w", pl.col("outcome").str.starts_with("ORR"))
    got = {r["outcome"]: (r["n"], r["denominator"], r["time"], r["unit"]) for r in out.iter_rows(named=True)}
    assert got == {"ORR": (16, 37, None, None), "ORR@12w": (10, 37, 12.0, "weeks")}


def test_table_shows_both_rows_with_the_time_in_its_unit(both: tc.CohortSet) -> None:
    """12 weeks = 84 / 30.4375 = 2.76 months: the row is "ORR at 12 weeks (2.8 months)", never "2.75975"."""
    table = table_iv(tc.compare(both))
    rows = table.filter(pl.col("section") == "Outcomes")["row"].to_list()
    assert "ORR at 12 weeks (2.8 months)" in rows
    assert any(r.startswith("ORR (CR + PR") for r in rows)
    assert "2.75975" not in str(table.to_dicts())


def test_pooling_takes_best_overall_response_only(both: tc.CohortSet) -> None:
    data = {r["cohort"]: r for r in outcome_data(both, "orr").iter_rows(named=True)}
    assert (data["apatinib-12w"]["events"], data["apatinib-12w"]["total"]) == (16, 37)


def test_a_response_only_at_a_time_point_is_named_so(tmp_path: Path) -> None:
    """A cohort whose only ORR is at 12 weeks: its cell in the best-response row says when, and pooling leaves it
    out (other-time-point) with the time in words."""
    text = (ROOT / "trials" / "library" / "cabone-cabozantinib.yaml").read_text(encoding="utf-8")
    text = text.replace("    months: 6\n    value: \"12% (95% CI 4-26)\"",
                        "    time: 26\n    unit: weeks\n    value: \"12% (95% CI 4-26)\"", 1)
    (tmp_path / "c.yaml").write_text(text, encoding="utf-8")
    cs = tc.load(ROOT / "trials" / "apatinib-ie.yaml", tmp_path / "c.yaml")
    cell = table_iv(tc.compare(cs)).filter(pl.col("row").str.starts_with("ORR"))
    assert cell.height == 1 and cell.row(0)[-1].endswith("— at 26 weeks (6.0 months)")
    row = outcome_data(cs, "orr").filter(pl.col("cohort") == "cabone-cabozantinib").row(0, named=True)
    assert row["reason"] == "other-time-point" and "read at 26 weeks (6.0 months)" in row["note"]


def test_a_time_point_rate_above_best_response_is_a_ceiling_error(tmp_path: Path) -> None:
    """20/37 responding at 12 weeks cannot exceed CR 0 + PR 16 = 16 best responses: RATE-ABOVE-CEILING, field
    rate.ORR.12w (the time in its printed unit); 10/37 gives no rate finding."""
    bad = TWELVE_WEEKS.replace("10/37 (27.0%)", "20/37 (54.1%)")
    cs = tc.load(_cohort(tmp_path, "bad.yaml", "bad", bad), _cohort(tmp_path, "ok.yaml", "ok", TWELVE_WEEKS))
    rate = [f for f in tc.check(cs) if f.code.startswith("RATE-")]
    assert [(f.cohort, f.code, f.field) for f in rate] == [("bad", "RATE-ABOVE-CEILING", "rate.ORR.12w")]
    assert "the ORR at 12 weeks cannot exceed 16/37 = 43.2%" in rate[0].message


def test_a_primary_rate_reaches_the_table_even_alone(tmp_path: Path) -> None:
    """A clinical benefit rate at 18 weeks, the study's primary endpoint, printed by one cohort of three: its row is
    shown. The same CBR not marked primary is not (below the table's two-cohort minimum)."""
    primary = '  - {name: CBR, time: 18, unit: weeks, value: "12/37", primary: true, at: "Abstract", label: "x"}\n'
    for flag, shown in ((True, 1), (False, 0)):
        rate = primary.replace("primary: true", f"primary: {str(flag).lower()}")
        cs = tc.load(_cohort(tmp_path, f"p{flag}.yaml", f"p{str(flag).lower()}", rate), ROOT / "trials" / "ie.yaml",
                     ROOT / "trials" / "apatinib-camrelizumab.yaml")
        out = tc.compare(cs).outcomes
        assert out.filter(pl.col("outcome") == "CBR")["primary"].to_list() == [flag]
        cbr = table_iv(tc.compare(cs)).filter(pl.col("row").str.starts_with("CBR"))
        assert cbr.height == shown
    assert cbr.height == 0
    cs = tc.load(tmp_path / "pTrue.yaml", ROOT / "trials" / "ie.yaml", ROOT / "trials" / "apatinib-camrelizumab.yaml")
    cell = table_iv(tc.compare(cs)).filter(pl.col("row").str.starts_with("CBR")).row(0)[2]
    assert cell.startswith("12/37") and cell.endswith("— at 18 weeks (4.1 months)")


def test_every_primary_endpoint_of_the_shipped_cohorts_reaches_the_table() -> None:
    """Every rate or endpoint report a shipped descriptor marks primary is in the comparison table of all cohorts."""
    cs = tc.load(ROOT / "trials")
    cmp = tc.compare(cs)
    primary = cmp.outcomes.filter(pl.col("primary"))
    assert primary.height > 10
    table = table_iv(cmp)
    shown = {c: set(table[c].to_list()) for c in table.columns[2:]}
    for cid in primary["cohort"].unique().to_list():
        column = next(c for c in shown if c.startswith(cs[cid].descriptor.label))
        printed = primary.filter(pl.col("cohort") == cid, pl.col("statistic") != "events")["printed"].to_list()
        assert any(any(p in cell for cell in shown[column]) for p in printed if p), cid


def test_a_count_beyond_2_53_at_a_time_point_never_stops_the_table(tmp_path: Path) -> None:
    """Found by the mutation property test: a second, time-point ORR of 10^17/10^17 (a typo) reached the interval
    code, which refuses counts beyond 2^53, and `table` ended in a traceback. It keeps its number, with no interval."""
    huge = TWELVE_WEEKS.replace("10/37 (27.0%)", "99999999999999999/99999999999999999")
    cmp = tc.compare(tc.load(_cohort(tmp_path, "h.yaml", "h", huge)))
    row = cmp.outcomes.filter(pl.col("outcome") == "ORR@12w").row(0, named=True)
    assert (row["n"], row["ci_low"], row["ci_high"]) == (10**17, None, None)
    assert "99999999999999999/99999999999999999" in str(table_iv(cmp).to_dicts())
