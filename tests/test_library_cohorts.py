"""The published TKI cohorts of ``trials/library/``, checked against their source.

Reference: ``shared/sources/published-cohorts.md``, section "Other published cohorts (TKI alone or with
chemotherapy)". The expected values below are copied by hand from that text, as printed; the location is the one
the descriptors use for it ("Abstract" for numbers not marked "(review)", "review table" for numbers marked
"(review)"). The descriptors must carry them unchanged, doubts ("?") included, and the harmonized frame must
parse them into the right numbers.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, NamedTuple

import polars as pl
import pytest

import trialcompare as tc
from trialcompare.options import to_months

LIBRARY = Path(__file__).resolve().parents[1] / "trials" / "library"

IDS = {
    "regobone-regorafenib",
    "regobone-placebo",
    "cabone-cabozantinib",
    "itcc050-lenvatinib",
    "itcc050-lenvatinib-ie",
    "isg-sorafenib",
    "isg-sorafenib-everolimus",
}


class Cell(NamedTuple):
    """One printed value: where it sits in the frame, its printed text and the numbers it must parse to."""

    cohort: str
    section: str
    variable: str
    statistic: str
    printed: str
    source: str
    location: str = "Abstract"
    level: str | None = None
    months: float | None = None
    n: int | None = None
    denominator: int | None = None
    value: float | None = None
    lower: float | None = None
    upper: float | None = None
    upper_nr: bool = False


EIGHT_WEEKS = to_months(8, "weeks")  # REGOBONE's 8-week time point, as the frame converts it (56 / 30.4375 days)

# fmt: off
CELLS: list[Cell] = [
    # REGOBONE: "Non-progression at 8 weeks (primary): 17/26 (65%) vs 0/12. Partial responses 2/26 vs 0.
    # Median PFS 16.4 vs 4.1 weeks. Median OS 11.3 vs 5.9 months (review)."
    Cell("regobone-regorafenib", "endpoint", "PFS", "rate", "17/26 (65%)", "duffaud2019", months=EIGHT_WEEKS, n=17,
         denominator=26, value=65.0),
    Cell("regobone-regorafenib", "endpoint", "PFS", "median", "16.4", "duffaud2019", value=16.4),
    Cell("regobone-regorafenib", "endpoint", "OS", "median", "11.3", "review", location="review table", value=11.3),
    Cell("regobone-regorafenib", "outcome", "best_response", "count", "2/26", "duffaud2019", level="PR", n=2,
         denominator=26),
    Cell("regobone-placebo", "endpoint", "PFS", "rate", "0/12", "duffaud2019", months=EIGHT_WEEKS, n=0,
         denominator=12),
    Cell("regobone-placebo", "endpoint", "PFS", "median", "4.1", "duffaud2019", value=4.1),
    Cell("regobone-placebo", "endpoint", "OS", "median", "5.9", "review", location="review table", value=5.9),
    Cell("regobone-placebo", "outcome", "best_response", "count", "0", "duffaud2019", level="PR", n=0, denominator=12),
    Cell("regobone-placebo", "population", "n", "declared_n", "12 placebo evaluable", "duffaud2019",
         level="evaluable", n=12, value=12.0),
    Cell("regobone-placebo", "population", "n", "n", "14", "other-report", location="secondary report",
         level="evaluable", n=14, value=14.0),
    # CABONE: "6-month objective response 5/42 (12%, 95% CI 4-26), all partial; stable disease 26 (62%).
    # 6-month non-progression 14/42 (33%, 95% CI 20-50). Median PFS 6.7 months; median OS 10.6 months;
    # median follow-up 31.1 months (95% CI 24.4-31.7)."
    Cell("cabone-cabozantinib", "rate", "ORR", "proportion", "12% (95% CI 4-26)", "italiano2020", months=6.0,
         denominator=42, value=12.0, lower=4.0, upper=26.0),
    Cell("cabone-cabozantinib", "outcome", "best_response", "count", "5/42 (12%)", "italiano2020", level="PR", n=5,
         denominator=42, value=12.0),
    Cell("cabone-cabozantinib", "outcome", "best_response", "count", "26 (62%)", "italiano2020", level="SD", n=26,
         denominator=42, value=62.0),
    Cell("cabone-cabozantinib", "endpoint", "PFS", "rate", "33% (95% CI 20-50)", "italiano2020", months=6.0,
         denominator=42, value=33.0, lower=20.0, upper=50.0),
    Cell("cabone-cabozantinib", "endpoint", "PFS", "median", "6.7", "italiano2020", value=6.7),
    Cell("cabone-cabozantinib", "endpoint", "OS", "median", "10.6", "italiano2020", value=10.6),
    Cell("cabone-cabozantinib", "design", "follow_up", "median", "31.1 (95% CI 24.4-31.7)", "italiano2020",
         value=31.1, lower=24.4, upper=31.7),
    # ITCC-050 lenvatinib: "31 patients, 14 mg/m2; median age 15. ORR 6.7% (95% CI 0.8-22.1) (... denominator 30 ?).
    # PFS-4 binomial 29.0% (95% CI 14.2-48.0; n = 31); PFS-4 Kaplan-Meier 37.8% (95% CI 20.0-55.4).
    # Median PFS 3.0 months (95% CI 1.8-5.4)."
    Cell("itcc050-lenvatinib", "rate", "ORR", "proportion", "6.7% (95% CI 0.8-22.1)", "gaspar2021esmo", value=6.7,
         lower=0.8, upper=22.1),
    Cell("itcc050-lenvatinib", "endpoint", "PFS", "rate", "29.0% (95% CI 14.2-48.0)", "gaspar2021esmo", months=4.0,
         denominator=31, value=29.0, lower=14.2, upper=48.0),
    Cell("itcc050-lenvatinib", "endpoint", "PFS", "rate", "37.8% (95% CI 20.0-55.4)", "gaspar2021esmo", months=4.0,
         value=37.8, lower=20.0, upper=55.4),
    Cell("itcc050-lenvatinib", "endpoint", "PFS", "median", "3.0 (95% CI 1.8-5.4)", "gaspar2021esmo", value=3.0,
         lower=1.8, upper=5.4),
    Cell("itcc050-lenvatinib", "baseline", "age", "median", "15", "gaspar2021esmo", value=15.0),
    Cell("itcc050-lenvatinib", "population", "n", "declared_n", "31 patients", "gaspar2021esmo", level="unclear",
         n=31, value=31.0),
    # ITCC-050 lenvatinib + IE: "4-month PFS binomial 51% (95% CI 34-69) (18/35 ?); Kaplan-Meier 4-month PFS 80%
    # (95% CI 60-90). Median PFS 8.7 months; median OS 16.3 months (95% CI 12.6-not estimable). The ESMO 2019
    # presentation cited in the paper gave median PFS 11.1 (95% CI 4.5-12.6) months."
    Cell("itcc050-lenvatinib-ie", "endpoint", "PFS", "rate", "51% (95% CI 34-69)", "gaspar2021lo", months=4.0,
         value=51.0, lower=34.0, upper=69.0),
    Cell("itcc050-lenvatinib-ie", "endpoint", "PFS", "rate", "80% (95% CI 60-90)", "gaspar2021lo", months=4.0,
         value=80.0, lower=60.0, upper=90.0),
    Cell("itcc050-lenvatinib-ie", "endpoint", "PFS", "median", "8.7", "gaspar2021lo", value=8.7),
    Cell("itcc050-lenvatinib-ie", "endpoint", "PFS", "median", "11.1 (95% CI 4.5-12.6)", "esmo2019",
         location="ESMO 2019 presentation", value=11.1, lower=4.5, upper=12.6),
    Cell("itcc050-lenvatinib-ie", "endpoint", "OS", "median", "16.3 (95% CI 12.6-not estimable)", "gaspar2021lo",
         value=16.3, lower=12.6, upper_nr=True),
    # ISG sorafenib: "35 patients. Partial responses 3 (8%) ... 4-month PFS 46% (95% CI 28-63) (primary); no
    # progression at 6 months 29% (95% CI 13-44). Median PFS 4 months (95% CI 2-5); median OS 7 months (95% CI 7-8)."
    Cell("isg-sorafenib", "outcome", "best_response", "count", "3 (8%)", "grignani2012", level="PR", n=3,
         denominator=35, value=8.0),
    Cell("isg-sorafenib", "endpoint", "PFS", "rate", "46% (95% CI 28-63)", "grignani2012", months=4.0, value=46.0,
         lower=28.0, upper=63.0),
    Cell("isg-sorafenib", "endpoint", "PFS", "rate", "29% (95% CI 13-44)", "grignani2012", months=6.0, value=29.0,
         lower=13.0, upper=44.0),
    Cell("isg-sorafenib", "endpoint", "PFS", "median", "4 (95% CI 2-5)", "grignani2012", value=4.0, lower=2.0,
         upper=5.0),
    Cell("isg-sorafenib", "endpoint", "OS", "median", "7 (95% CI 7-8)", "grignani2012", value=7.0, lower=7.0,
         upper=8.0),
    # ISG sorafenib + everolimus: "38 patients. Partial responses 2 ("10%" as reported, although 2/38 is 5%), stable
    # disease 20 (53%). 6-month PFS 17/38 (45%, 95% CI 28-61) (primary). Median PFS 5 months (95% CI 2-7); median
    # OS 11 months (review)."
    Cell("isg-sorafenib-everolimus", "outcome", "best_response", "count", "2 (10%)", "grignani2015", level="PR", n=2,
         denominator=38, value=10.0),
    Cell("isg-sorafenib-everolimus", "outcome", "best_response", "count", "20 (53%)", "grignani2015", level="SD",
         n=20, denominator=38, value=53.0),
    Cell("isg-sorafenib-everolimus", "endpoint", "PFS", "rate", "45% (95% CI 28-61)", "grignani2015", months=6.0,
         denominator=38, value=45.0, lower=28.0, upper=61.0),
    Cell("isg-sorafenib-everolimus", "endpoint", "PFS", "median", "5 (95% CI 2-7)", "grignani2015", value=5.0,
         lower=2.0, upper=7.0),
    Cell("isg-sorafenib-everolimus", "endpoint", "OS", "median", "11", "review", location="review table", value=11.0),
]
# fmt: on


@pytest.fixture(scope="module")
def cohorts() -> tc.CohortSet:
    """The descriptors of trials/library/."""
    return tc.load(LIBRARY)


@pytest.fixture(scope="module")
def frame(cohorts: tc.CohortSet) -> pl.DataFrame:
    """The harmonized long frame of trials/library/."""
    return cohorts.to_frame()


def _eq(column: str, value: Any) -> pl.Expr:
    return pl.col(column).is_null() if value is None else pl.col(column) == value


def _row(frame: pl.DataFrame, cell: Cell) -> dict[str, Any]:
    keys = {"cohort": cell.cohort, "section": cell.section, "variable": cell.variable, "level": cell.level,
            "statistic": cell.statistic, "location": cell.location, "source": cell.source,
            "time_months": cell.months, "printed": cell.printed}  # fmt: skip
    rows = frame.filter(*[_eq(k, v) for k, v in keys.items()])
    assert rows.height == 1, f"{cell}: expected one row, found {rows.height}"
    return rows.row(0, named=True)


def test_ids_are_the_seven_library_cohorts(cohorts: tc.CohortSet) -> None:
    assert set(cohorts.ids) == IDS
    assert len(cohorts) == len(IDS)


@pytest.mark.parametrize("cell", CELLS, ids=lambda c: f"{c.cohort}:{c.variable}:{c.level}:{c.statistic}:{c.printed}")
def test_printed_value(frame: pl.DataFrame, cell: Cell) -> None:
    """The printed text, its location and source, and the numbers it parses to."""
    row = _row(frame, cell)
    assert row["n"] == cell.n
    if cell.denominator is not None or cell.section in ("rate", "endpoint"):
        assert row["denominator"] == cell.denominator
    for col in ("value", "lower", "upper"):
        expected = getattr(cell, col)
        assert row[col] == (None if expected is None else pytest.approx(expected)), col
    assert row["upper_nr"] is cell.upper_nr


def test_every_cohort_has_a_checked_value() -> None:
    assert {c.cohort for c in CELLS} == IDS


def test_regobone_arms_are_one_randomised_study(cohorts: tc.CohortSet) -> None:
    arms = {cid: cohorts[cid].descriptor.design for cid in ("regobone-regorafenib", "regobone-placebo")}
    studies = {d.arm_of.study for d in arms.values() if d.arm_of is not None}
    assert studies == {"REGOBONE"}
    assert all(d.arm_of is not None and d.arm_of.randomised is True for d in arms.values())
    assert {d.arm_of.arm for d in arms.values() if d.arm_of is not None} == {"regorafenib", "placebo"}
    assert {r.id for d in arms.values() for r in d.registrations} == {"NCT02389244"}
    others = [c for c in cohorts if c.id not in arms]
    assert all(c.descriptor.design.arm_of is None for c in others)


def test_registrations(cohorts: tc.CohortSet) -> None:
    expected = {
        "regobone-regorafenib": ["NCT02389244"],
        "regobone-placebo": ["NCT02389244"],
        "cabone-cabozantinib": ["NCT02243605"],
        "itcc050-lenvatinib": ["NCT02432274"],
        "itcc050-lenvatinib-ie": ["NCT02432274"],
        "isg-sorafenib": [],
        "isg-sorafenib-everolimus": ["NCT01804374"],
    }
    assert {c.id: [r.id for r in c.descriptor.design.registrations] for c in cohorts} == expected


def test_every_row_has_location_and_known_source(cohorts: tc.CohortSet, frame: pl.DataFrame) -> None:
    assert frame.height > 0
    assert set(frame["cohort"].unique()) == IDS
    assert frame.filter(pl.col("location").is_null() | (pl.col("location").str.strip_chars() == "")).height == 0
    assert frame.filter(pl.col("source").is_null()).height == 0
    for cohort, source in frame.select("cohort", "source").unique().iter_rows():
        assert source in {s.key for s in cohorts[cohort].descriptor.sources}, (cohort, source)


def test_review_numbers_are_marked(cohorts: tc.CohortSet, frame: pl.DataFrame) -> None:
    """Numbers marked "(review)" come from a review source, at "review table", with the note the brief asks for."""
    review = frame.filter(pl.col("location") == "review table")
    assert sorted(review.select("cohort", "printed").rows()) == [
        ("isg-sorafenib-everolimus", "11"),
        ("regobone-placebo", "5.9"),
        ("regobone-regorafenib", "11.3"),
    ]
    for cohort, source in review.select("cohort", "source").iter_rows():
        desc = cohorts[cohort].descriptor
        assert {s.key: s.role for s in desc.sources}[source] == "review"
        reports = [r for e in desc.endpoints for r in e.reports if r.at == "review table"]
        assert reports and all("seen only in a review's table" in (r.note or "") for r in reports)


def test_weeks_are_kept_and_said(cohorts: tc.CohortSet, frame: pl.DataFrame) -> None:
    """REGOBONE medians are printed in weeks: kept as printed with unit weeks (not converted)."""
    for cid, printed in (("regobone-regorafenib", "16.4"), ("regobone-placebo", "4.1")):
        pfs = next(e for e in cohorts[cid].descriptor.endpoints if e.name == "PFS")
        median = next(r for r in pfs.reports if r.statistic == "median")
        assert median.value == printed and median.unit == "weeks"
        assert "weeks" in (median.label or "")
        row = frame.filter(pl.col("cohort") == cid, pl.col("statistic") == "median", pl.col("variable") == "PFS")
        assert row["unit"].to_list() == ["weeks"] and row["value"].to_list() == [float(printed)]
        rate = next(r for r in pfs.reports if r.statistic == "rate")
        assert rate.months is None and rate.time_point == (8, "weeks")
        assert "8 weeks" in (rate.note or "")
        landmark = frame.filter(pl.col("cohort") == cid, pl.col("statistic") == "rate").row(0, named=True)
        assert (landmark["time"], landmark["unit"]) == (8.0, "weeks")
        assert landmark["months"] == pytest.approx(1.8398, abs=1e-4) == landmark["time_months"]


def test_doubts_are_kept_not_resolved(cohorts: tc.CohortSet, frame: pl.DataFrame) -> None:
    """The "?" of published-cohorts.md: 12 vs 14 placebo, ORR denominator 30, 18/35 — none silently resolved."""
    placebo = cohorts["regobone-placebo"].descriptor.population
    assert placebo.n == 12
    assert sorted((r.set, r.n, r.source) for r in placebo.reports) == [
        ("evaluable", 12, None),
        ("evaluable", 14, "other-report"),
    ]
    orr = frame.filter(pl.col("cohort") == "itcc050-lenvatinib", pl.col("variable") == "ORR").row(0, named=True)
    assert (orr["n"], orr["denominator"], orr["interval_type"]) == (None, None, "95% CI")
    assert cohorts["itcc050-lenvatinib"].descriptor.population.n == 31
    binomial = frame.filter(
        pl.col("cohort") == "itcc050-lenvatinib-ie", pl.col("estimator") == "binomial", pl.col("time_months") == 4.0
    ).row(0, named=True)
    assert (binomial["n"], binomial["denominator"]) == (None, None)


def test_source_inconsistencies_are_acknowledged_not_fixed(cohorts: tc.CohortSet) -> None:
    """2/38 printed as 10% and the other source conflicts fail nothing once acknowledged, and stay visible."""
    findings = tc.check(cohorts)
    assert [f for f in findings if f.severity == "error" and not f.acknowledged] == []
    acked = {(f.cohort, f.code, f.field) for f in findings if f.acknowledged}
    assert ("isg-sorafenib-everolimus", "PCT-MISMATCH", "outcome.best_response.PR") in acked
    assert ("regobone-placebo", "CONFLICT-VALUE", "population.n.evaluable") in acked
    assert ("itcc050-lenvatinib-ie", "CONFLICT-VALUE", "endpoint.PFS.median") in acked


def test_no_baseline_invented(cohorts: tc.CohortSet) -> None:
    """Only the median age of the lenvatinib expansion is a baseline fact in the source."""
    with_baseline = {c.id: [b.variable for b in c.descriptor.baseline] for c in cohorts if c.descriptor.baseline}
    assert with_baseline == {"itcc050-lenvatinib": ["age"]}


def test_descriptors_point_editors_at_the_schema() -> None:
    files = sorted(LIBRARY.glob("*.yaml"))
    assert {p.stem for p in files} == IDS
    for path in files:
        assert path.read_text().startswith("# yaml-language-server: $schema=../descriptor.schema.json\n"), path
