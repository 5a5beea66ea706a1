"""The published cohorts of ``trials/library/``, checked against their source.

Reference: ``shared/sources/published-cohorts.md``, sections "Other published cohorts (TKI alone or with
chemotherapy)" and "Verified on 2026-12-01" (corrections, additions and the further published cohorts Tian 2019,
Palmerini 2020 and Palmerini 2016). Each expected value below is copied by hand from published-cohorts.md, as
printed; the location is the one the descriptors use for it ("Abstract" for numbers not marked "(review)",
"review table" for numbers marked "(review)", "secondary report" for numbers the "Verified" section marks
"secondary"). The descriptors must carry them unchanged, doubts ("?") included, and the harmonized frame must
parse them into the right numbers. Counts the source marks "derived" are never written as printed counts.
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
    "tian2019-apatinib",
    "palmerini2020-hd-ifosfamide",
    "palmerini2016-gem-docetaxel",
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
    Cell("itcc050-lenvatinib-ie", "endpoint", "PFS", "median", "8.7", "secondary", location="secondary report",
         value=8.7),
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
    Cell("isg-sorafenib-everolimus", "outcome", "best_response", "count", "2 (10%)", "secondary",
         location="secondary report", level="PR", n=2, denominator=38, value=10.0),
    Cell("isg-sorafenib-everolimus", "outcome", "best_response", "count", "20 (53%)", "secondary",
         location="secondary report", level="SD", n=20, denominator=38, value=53.0),
    Cell("isg-sorafenib-everolimus", "endpoint", "PFS", "rate", "45% (95% CI 28-61)", "grignani2015", months=6.0,
         denominator=38, value=45.0, lower=28.0, upper=61.0),
    Cell("isg-sorafenib-everolimus", "endpoint", "PFS", "median", "5 (95% CI 2-7)", "grignani2015", value=5.0,
         lower=2.0, upper=7.0),
    Cell("isg-sorafenib-everolimus", "endpoint", "OS", "median", "11", "review", location="review table", value=11.0),
]

# "Verified on 2026-12-01": corrections and additions for the cohorts above.
VERIFIED: list[Cell] = [
    # REGOBONE: "12 placebo patients were evaluable (secondary: "38 evaluable ... regorafenib (n = 26) or placebo
    # (n = 12)")"; "Regorafenib-arm PFS 62% at 12 weeks and 35% at 24 weeks (secondary)" (kept in weeks).
    Cell("regobone-placebo", "population", "n", "n", "12", "secondary", location="secondary report",
         level="evaluable", n=12, value=12.0),
    Cell("regobone-regorafenib", "endpoint", "PFS", "rate", "62%", "secondary", location="secondary report",
         months=to_months(12, "weeks"), value=62.0),
    Cell("regobone-regorafenib", "endpoint", "PFS", "rate", "35%", "secondary", location="secondary report",
         months=to_months(24, "weeks"), value=35.0),
    # ITCC-050 lenvatinib + IE: "PFS-4 binomial "51% (95% CI 34%-69%) in 18 patients" (secondary)"; "Median PFS 8.7
    # confirmed only in a secondary report".
    Cell("itcc050-lenvatinib-ie", "endpoint", "PFS", "rate", "51% (95% CI 34%-69%)", "secondary",
         location="secondary report", months=4.0, value=51.0, lower=34.0, upper=69.0),
    # ISG sorafenib: "35 enrolled".
    Cell("isg-sorafenib", "population", "n", "n", "35", "grignani2012", level="enrolled", n=35, value=35.0),
]

# "Further published cohorts" of the "Verified on 2026-12-01" section (abstracts).
FURTHER: list[Cell] = [
    # Tian 2019: "27 patients (Jan 2016-Aug 2017). "ORR ... and DCR were 25.93% and 66.67%" (7/27 and 18/27,
    # derived). Median PFS 3.5 (95% CI 2.5-4.8) months; median OS 9.5 (7.8-10.5)."
    Cell("tian2019-apatinib", "population", "n", "declared_n", "27 patients", "tian2019", level="unclear", n=27,
         value=27.0),
    Cell("tian2019-apatinib", "rate", "ORR", "proportion", "25.93%", "tian2019", denominator=27, value=25.93),
    Cell("tian2019-apatinib", "rate", "DCR", "proportion", "66.67%", "tian2019", denominator=27, value=66.67),
    Cell("tian2019-apatinib", "endpoint", "PFS", "median", "3.5 (95% CI 2.5-4.8)", "tian2019", value=3.5, lower=2.5,
         upper=4.8),
    Cell("tian2019-apatinib", "endpoint", "OS", "median", "9.5 (7.8-10.5)", "tian2019", value=9.5, lower=7.8,
         upper=10.5),
    # Palmerini 2020: "51 patients. "ORR was 20% (1 CR + 9 PR)"; median duration of response 5 months (2-7); median
    # PFS 6 months (4-9); 6-month PFS 51%; median OS 15 months (10-19); 2-year OS 30%; second complete surgical
    # remission in 26 (51%)."
    Cell("palmerini2020-hd-ifosfamide", "population", "n", "declared_n", "51 patients", "palmerini2020",
         level="unclear", n=51, value=51.0),
    Cell("palmerini2020-hd-ifosfamide", "outcome", "best_response", "count", "1", "palmerini2020", level="CR", n=1,
         denominator=51),
    Cell("palmerini2020-hd-ifosfamide", "outcome", "best_response", "count", "9", "palmerini2020", level="PR", n=9,
         denominator=51),
    Cell("palmerini2020-hd-ifosfamide", "rate", "ORR", "proportion", "20%", "palmerini2020", value=20.0),
    Cell("palmerini2020-hd-ifosfamide", "endpoint", "DOR", "median", "5 (2-7)", "palmerini2020", value=5.0, lower=2.0,
         upper=7.0),
    Cell("palmerini2020-hd-ifosfamide", "endpoint", "PFS", "median", "6 (4-9)", "palmerini2020", value=6.0, lower=4.0,
         upper=9.0),
    Cell("palmerini2020-hd-ifosfamide", "endpoint", "PFS", "rate", "51%", "palmerini2020", months=6.0, value=51.0),
    Cell("palmerini2020-hd-ifosfamide", "endpoint", "OS", "median", "15 (10-19)", "palmerini2020", value=15.0,
         lower=10.0, upper=19.0),
    Cell("palmerini2020-hd-ifosfamide", "endpoint", "OS", "rate", "30%", "palmerini2020", months=24.0, value=30.0),
    Cell("palmerini2020-hd-ifosfamide", "outcome", "surgical_remission", "count", "26 (51%)", "palmerini2020",
         level="yes", n=26, denominator=51, value=51.0),
    # Palmerini 2016: "51 patients (40 osteosarcoma, 11 high-grade spindle-cell sarcoma of bone); median age 17
    # (8-71). 4-month PFS 46% overall (osteosarcoma 56% vs spindle cell 18%). Of 46 measurable: 6 (13%) PR, 20 (43%)
    # SD, 20 (43%) PD. 1-year OS 30%."
    Cell("palmerini2016-gem-docetaxel", "population", "n", "declared_n", "40 osteosarcoma", "palmerini2016",
         level="unclear", n=40, value=40.0),
    Cell("palmerini2016-gem-docetaxel", "population", "n", "n", "51", "palmerini2016", level="unclear", n=51,
         value=51.0),
    Cell("palmerini2016-gem-docetaxel", "baseline", "age", "median", "17 (8-71)", "palmerini2016", n=51, value=17.0,
         lower=8.0, upper=71.0),
    Cell("palmerini2016-gem-docetaxel", "endpoint", "PFS", "rate", "56%", "palmerini2016", months=4.0,
         denominator=40, value=56.0),
    Cell("palmerini2016-gem-docetaxel", "outcome", "best_response", "count", "6 (13%)", "palmerini2016", level="PR",
         n=6, denominator=46, value=13.0),
    Cell("palmerini2016-gem-docetaxel", "outcome", "best_response", "count", "20 (43%)", "palmerini2016", level="SD",
         n=20, denominator=46, value=43.0),
    Cell("palmerini2016-gem-docetaxel", "outcome", "best_response", "count", "20 (43%)", "palmerini2016", level="PD",
         n=20, denominator=46, value=43.0),
    Cell("palmerini2016-gem-docetaxel", "endpoint", "OS", "rate", "30%", "palmerini2016", months=12.0, value=30.0),
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


@pytest.mark.parametrize(
    "cell", CELLS + VERIFIED + FURTHER, ids=lambda c: f"{c.cohort}:{c.variable}:{c.level}:{c.statistic}:{c.printed}"
)
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
    assert {c.cohort for c in CELLS + VERIFIED + FURTHER} == IDS


def test_regobone_arms_are_one_randomised_study(cohorts: tc.CohortSet) -> None:
    arms = {cid: cohorts[cid].descriptor.design for cid in ("regobone-regorafenib", "regobone-placebo")}
    studies = {d.arm_of.study for d in arms.values() if d.arm_of is not None}
    assert studies == {"REGOBONE"}
    assert all(d.arm_of is not None and d.arm_of.randomised is True for d in arms.values())
    assert {d.arm_of.arm for d in arms.values() if d.arm_of is not None} == {"regorafenib", "placebo"}
    assert {r.id for d in arms.values() for r in d.registrations} == {"NCT02389244"}
    assert arms["regobone-placebo"].arm_of.control == "placebo"  # type: ignore[union-attr]
    assert arms["regobone-regorafenib"].arm_of.control is None  # type: ignore[union-attr]
    itcc = {"itcc050-lenvatinib", "itcc050-lenvatinib-ie"}  # two non-randomised cohorts of one study (issue 19, K1)
    assert {cohorts[c].descriptor.design.arm_of.study for c in itcc} == {"ITCC-050"}  # type: ignore[union-attr]
    assert not any(cohorts[c].descriptor.design.arm_of.randomised for c in itcc)  # type: ignore[union-attr]
    others = [c for c in cohorts if c.id not in {*arms, *itcc}]
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
        "tian2019-apatinib": [],
        "palmerini2020-hd-ifosfamide": [],
        "palmerini2016-gem-docetaxel": [],
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
    assert sorted((r.set, r.n, r.source or "") for r in placebo.reports) == [
        ("evaluable", 12, ""),
        ("evaluable", 12, "secondary"),
        ("evaluable", 14, "other-report"),
    ]
    orr = frame.filter(pl.col("cohort") == "itcc050-lenvatinib", pl.col("variable") == "ORR").row(0, named=True)
    assert (orr["n"], orr["denominator"], orr["interval_type"]) == (None, None, "95% CI")
    assert cohorts["itcc050-lenvatinib"].descriptor.population.n == 31
    binomial = frame.filter(
        pl.col("cohort") == "itcc050-lenvatinib-ie", pl.col("estimator") == "binomial", pl.col("time_months") == 4.0
    )
    assert binomial.height == 2  # the abstract's and the secondary report's "in 18 patients"
    assert binomial.select("n", "denominator").unique().rows() == [(None, None)]


def test_printed_orrs_are_pooled_with_their_basis_said(cohorts: tc.CohortSet) -> None:
    """Issue 10, item 10: ITCC-050's "6.7% (95% CI 0.8-22.1)" is pooled; CABONE's ORR, read at 6 months, is not.

    Lenvatinib prints no denominator: 2/30 is the only count up to N = 31 that gives 6.7% with the exact interval
    0.8-22.1 (see test_comparison), so it is pooled as 2/30 and the note says the denominator was not printed. The
    descriptor still has no denominator (test_doubts_are_kept_not_resolved). CABONE states its denominator (5/42 =
    11.9% → "12%") but its ORR is the response at 6 months, not best overall response (issue 24, item 4): it is left
    out of an ORR pool with the code other-time-point, and its note says when it was read.
    """
    from trialcompare.meta.suite import outcome_data

    data = {r["cohort"]: r for r in outcome_data(cohorts, "orr").iter_rows(named=True)}
    cabone = data["cabone-cabozantinib"]
    assert (cabone["events"], cabone["reason"], cabone["time_months"]) == (None, "other-time-point", 6.0)
    assert "read at 6 months, not as best overall response; 5/42" in cabone["note"]
    lenvatinib = data["itcc050-lenvatinib"]
    assert (lenvatinib["events"], lenvatinib["total"]) == (2, 30)
    assert "not printed" in lenvatinib["note"]


def test_source_inconsistencies_are_acknowledged_not_fixed(cohorts: tc.CohortSet) -> None:
    """2/38 printed as 10% and the other source conflicts fail nothing once acknowledged, and stay visible."""
    findings = tc.check(cohorts)
    assert [f for f in findings if f.severity == "error" and not f.acknowledged] == []
    acked = {(f.cohort, f.code, f.field) for f in findings if f.acknowledged}
    assert ("isg-sorafenib-everolimus", "PCT-MISMATCH", "outcome.best_response.PR") in acked
    assert ("regobone-placebo", "CONFLICT-VALUE", "population.n.evaluable") in acked
    assert ("itcc050-lenvatinib-ie", "CONFLICT-VALUE", "endpoint.PFS.median") in acked


def test_no_baseline_invented(cohorts: tc.CohortSet) -> None:
    """Only the median ages of the lenvatinib expansion and of the gemcitabine-docetaxel series are baseline facts."""
    with_baseline = {c.id: [b.variable for b in c.descriptor.baseline] for c in cohorts if c.descriptor.baseline}
    assert with_baseline == {"itcc050-lenvatinib": ["age"], "palmerini2016-gem-docetaxel": ["age"]}


def test_descriptors_point_editors_at_the_schema() -> None:
    files = sorted(LIBRARY.glob("*.yaml"))
    assert {p.stem for p in files} == IDS
    for path in files:
        assert path.read_text().startswith("# yaml-language-server: $schema=../descriptor.schema.json\n"), path


# ---- "Verified on 2026-12-01": identifiers, design facts, doubts ------------------------------------------------

TRIALS = LIBRARY.parent
SEED_PAPER = "Xie L, Xu J, Sun X, Li X, Liu K, Liang X, Zhou Z, Zhuang H, Sun K, Wu Y, Gu J, Guo W."


@pytest.fixture(scope="module")
def everything() -> tc.CohortSet:
    """The seed descriptors of trials/ and the library together."""
    return tc.load(TRIALS)


def _text(cohort: tc.CohortSet, cid: str) -> str:
    """Every note, acknowledgement, label and description of a descriptor, as one string."""
    d = cohort[cid].descriptor
    parts = [*d.notes, *(a.note for a in d.acknowledged), d.design.description or "", d.regimen.text]
    parts += [s.note or "" for s in d.sources]
    for group in (d.baseline, d.outcomes, d.rates):
        parts += [f"{e.label or ''} {e.note or ''}" for e in group]
    parts += [f"{r.label or ''} {r.note or ''}" for e in d.endpoints for r in e.reports]
    parts += [f"{r.label or ''} {r.note or ''}" for r in d.population.reports]
    return " ".join(" ".join(parts).split())


def test_seed_paper_cited_in_full_wherever_it_is_a_source(everything: tc.CohortSet) -> None:
    """Xie L et al., Oncol Lett 2021;22(1):552, doi:10.3892/ol.2021.12813, PMID 34093773."""
    cited = {}
    for c in everything:
        for s in c.descriptor.sources:
            assert "journal details not in the supplied text" not in s.citation, (c.id, s.key)
            if s.key == "paper":
                cited[c.id] = s
    assert set(cited) == {"apatinib-ie", "ie", "apatinib", "apatinib-camrelizumab", "itcc050-lenvatinib"}
    for cid, s in cited.items():
        assert " ".join(s.citation.split()).startswith(SEED_PAPER), cid
        assert "Oncol Lett 2021;22(1):552" in s.citation, cid
        assert (s.doi, s.pmid) == ("10.3892/ol.2021.12813", "34093773"), cid


def test_verified_identifiers(everything: tc.CohortSet) -> None:
    expected = {
        ("apatinib", "xie2019"): ("10.1634/theoncologist.2018-0542", "30559126", "PMC6656465"),
        ("apatinib-camrelizumab", "xie2020"): ("10.1136/jitc-2020-000798", "32376724", "PMC7223462"),
        ("regobone-regorafenib", "duffaud2019"): ("10.1016/S1470-2045(18)30742-3", None, None),
        ("regobone-placebo", "duffaud2019"): ("10.1016/S1470-2045(18)30742-3", None, None),
        ("tian2019-apatinib", "tian2019"): ("10.1097/MD.0000000000015650", None, "PMC6531132"),
        ("palmerini2016-gem-docetaxel", "palmerini2016"): ("10.1186/s12885-016-2312-3", "27098543", "PMC4839113"),
        ("palmerini2020-hd-ifosfamide", "palmerini2020"): (None, None, None),
    }
    for (cid, key), ids in expected.items():
        s = next(s for s in everything[cid].descriptor.sources if s.key == key)
        assert (s.doi, s.pmid, s.pmcid) == ids, cid


def test_new_citations(cohorts: tc.CohortSet) -> None:
    cite = {c.id: " ".join(c.descriptor.sources[0].citation.split()) for c in cohorts}
    assert cite["tian2019-apatinib"].startswith("Tian Z, Gu Z, Wang X, Liu Z, Yao W, Wang J, Zhang P, Cai Q, Ge H.")
    assert "Medicine (Baltimore) 2019" in cite["tian2019-apatinib"]
    assert (
        "High Dose Ifosfamide in Relapsed and Unresectable High-Grade Osteosarcoma Patients: A Retrospective "
        "Series" in cite["palmerini2020-hd-ifosfamide"]
    )
    assert "31 Oct 2020" in cite["palmerini2020-hd-ifosfamide"]
    assert "journal not recorded in the source reached" in cite["palmerini2020-hd-ifosfamide"]
    assert "BMC Cancer 2016;16:280" in cite["palmerini2016-gem-docetaxel"]


def test_verified_design_and_regimen(everything: tc.CohortSet) -> None:
    d = {c.id: c.descriptor for c in everything}
    apfao = d["apatinib-camrelizumab"].design
    assert (apfao.n_centres, apfao.centres[0].startswith("Peking University People's Hospital")) == (1, True)
    for arm in ("regobone-regorafenib", "regobone-placebo"):
        design = d[arm].design
        assert (design.n_centres, design.country, design.accrual_start, design.accrual_end) == (
            13,
            "France",
            "2014-10",
            "2017-04",
        )
        assert "stratified by age (< 18 vs >= 18)" in " ".join((design.description or "").split())
    rego = d["regobone-regorafenib"].regimen.agents[0]
    assert (rego.name, rego.dose, rego.schedule) == ("regorafenib", "160 mg/day", "21 of 28 days")
    assert d["cabone-cabozantinib"].regimen.agents[0].dose == "60 mg (adults); 40 mg/m2 (under 16)"
    evero = d["isg-sorafenib-everolimus"]
    assert [(a.name, a.dose) for a in evero.regimen.agents] == [("sorafenib", "800 mg"), ("everolimus", "5 mg")]
    assert (evero.design.n_centres, evero.design.accrual_start, evero.design.accrual_end) == (3, "2011-06", "2013-06")
    assert "Simon two-stage" in (d["isg-sorafenib"].design.description or "")
    assert "age >= 16" in (d["apatinib"].design.description or "")
    assert d["itcc050-lenvatinib"].design.phase == "II"
    tian = d["tian2019-apatinib"].design
    assert (tian.type, tian.accrual_start, tian.accrual_end) == ("retrospective", "2016-01", "2017-08")
    hd = d["palmerini2020-hd-ifosfamide"].regimen.agents[0]
    assert (hd.name, hd.dose, hd.schedule) == ("ifosfamide", "3 g/m2/day", "days 1-5 every 21 days")
    assert "continuous" in (hd.route or "")
    assert all(
        d[c].design.type == "retrospective" for c in ("palmerini2016-gem-docetaxel", "palmerini2020-hd-ifosfamide")
    )


def test_primary_endpoints(everything: tc.CohortSet) -> None:
    """CABONE: 6-month objective response and non-progression are co-primary; apatinib II: ORR and 4-month PFS."""
    cabone = everything["cabone-cabozantinib"].descriptor
    assert next(e for e in cabone.endpoints if e.name == "PFS").primary is True
    assert "co-primary" in (cabone.rates[0].label or "")
    assert "co-primary" in _text(everything, "cabone-cabozantinib")
    apatinib = everything["apatinib"].descriptor
    assert next(e for e in apatinib.endpoints if e.name == "PFS").primary is True
    assert "primary endpoints ORR and 4-month PFS" in " ".join((apatinib.design.description or "").split())


def test_apfao_table_1(everything: tc.CohortSet) -> None:
    """Table 1 of APFAO (efficacy set, n = 41): male 30 / female 11; child 5 / adolescent 16 / adult 20."""
    frame = everything.to_frame().filter(pl.col("cohort") == "apatinib-camrelizumab", pl.col("location") == "Table 1")
    got = sorted(frame.select("variable", "level", "printed", "n", "denominator", "source").rows())
    assert got == sorted(
        [
            ("sex", "male", "30", 30, 41, "xie2020"),
            ("sex", "female", "11", 11, 41, "xie2020"),
            ("age_group", "child", "5", 5, 41, "xie2020"),
            ("age_group", "adolescent", "16", 16, 41, "xie2020"),
            ("age_group", "adult", "20", 20, 41, "xie2020"),
        ]
    )


# (cohort, fragment that a note, acknowledgement, label or description must contain), from published-cohorts.md
FACTS_IN_TEXT = [
    ("apatinib", "25/37 (67.57%)"),  # dose reduced or interrupted
    ("apatinib-camrelizumab", "24/43 (55.8%)"),  # dose reduced or interrupted
    ("apatinib-camrelizumab", "metastatic 39 (95.1%)"),
    ("apatinib-camrelizumab", "17.2-46.1"),  # the exact interval of 13/43; 40.1 is the paper's slip
    ("apatinib-camrelizumab", "the slip is the paper's"),
    ("regobone-placebo", "43 treated - 29 regorafenib"),  # the "14" most likely the treated placebo arm (derived)
    ("regobone-regorafenib", "no between-arm hazard ratio"),
    ("regobone-placebo", "17/26 (regorafenib) vs 0/12"),
    ("cabone-cabozantinib", "34.5 (13-74)"),  # ESMO 2018 interim, another data cut
    ("itcc050-lenvatinib", "2/30"),  # ORR denominator probably 30
    ("itcc050-lenvatinib", "0.8-21.4"),  # the exact interval of 2/31
    ("itcc050-lenvatinib", "without a denominator"),
    ("itcc050-lenvatinib-ie", "18/35"),
    ("itcc050-lenvatinib-ie", "included in the denominator but not the numerator"),
    ("itcc050-lenvatinib-ie", "confirmed only in a secondary report"),
    ("isg-sorafenib", "clinical benefit rate"),
    ("isg-sorafenib", "16 (46%)"),  # dose reduced or interrupted
    ("isg-sorafenib", "Kaplan-Meier"),
    ("isg-sorafenib-everolimus", "2/38 is 5.3%"),
    ("isg-sorafenib-everolimus", "two minor responses (10%)"),
    ("tian2019-apatinib", "7/27 = 25.93% (derived)"),
    ("tian2019-apatinib", "18/27 = 66.67% (derived)"),
    ("tian2019-apatinib", "36.36% vs 18.75%"),
    ("palmerini2020-hd-ifosfamide", "journal is not recorded in the source reached"),
    ("palmerini2020-hd-ifosfamide", "10/51 = 19.6% (derived)"),
    ("palmerini2016-gem-docetaxel", "MIXES TWO HISTOLOGIES"),
    ("palmerini2016-gem-docetaxel", "spindle cell 18%"),
    ("palmerini2016-gem-docetaxel", "overall 46%"),
]


@pytest.mark.parametrize(("cohort", "fragment"), FACTS_IN_TEXT, ids=[f"{c}:{f}" for c, f in FACTS_IN_TEXT])
def test_fact_or_doubt_is_said(everything: tc.CohortSet, cohort: str, fragment: str) -> None:
    """Facts the schema cannot hold and doubts of the source stay visible in notes, labels or acknowledgements."""
    assert fragment in _text(everything, cohort)


def test_verified_doubts_stay_doubts(cohorts: tc.CohortSet, frame: pl.DataFrame) -> None:
    """Derived counts are not written as printed counts; the mixed-histology counts are labelled and acknowledged."""
    tian = frame.filter(pl.col("cohort") == "tian2019-apatinib", pl.col("section") == "rate",
                        pl.col("as_printed"))
    assert tian.select("variable", "printed", "n").sort("variable").rows() == [
        ("DCR", "66.67%", None),
        ("ORR", "25.93%", None),
    ]
    # the counts 7/27 and 18/27 are derived from the percentages by the frame, never marked as printed
    implied = frame.filter(pl.col("cohort") == "tian2019-apatinib", pl.col("section") == "rate",
                           ~pl.col("as_printed"))
    assert sorted(implied.select("variable", "n", "denominator").rows()) == [("DCR", 18, 27), ("ORR", 7, 27)]
    assert set(implied["count_basis"]) == {"implied-by-percentage"}
    assert frame.filter(pl.col("printed").str.contains("7/27|18/27|18/35|2/30")).height == 0
    gd = cohorts["palmerini2016-gem-docetaxel"].descriptor
    assert gd.population.n == 40
    assert all("osteosarcoma AND spindle cell sarcoma" in (e.label or "") for e in [*gd.outcomes, *gd.baseline])
    findings = tc.check(cohorts)
    acked = {(f.cohort, f.code) for f in findings if f.acknowledged}
    assert ("palmerini2016-gem-docetaxel", "CAT-DENOM-ABOVE-N") in acked
    # the median PFS printed in weeks is compared in months: no false contradiction with the 24-week rate
    assert not [f for f in findings if (f.cohort, f.code) == ("regobone-regorafenib", "TTE-MEDIAN-RATE")]


def test_shared_centre_of_apfao_and_the_seed_series_is_acknowledged(everything: tc.CohortSet) -> None:
    findings = [f for f in tc.check(everything) if f.code == "XC-SHARED-CENTRE"]
    assert [(f.cohort, f.acknowledged) for f in findings] == [("apatinib-camrelizumab", True)]
