"""The four seed cohorts of Table IV, checked cell by cell against the paper.

Reference: the supplied text of the apatinib + IE paper (``shared/sources/apatinib-ie-osteosarcoma-paper.txt``),
Tables I, III and IV and its text, and the primary-source facts of ``shared/sources/published-cohorts.md``.
The expected values below are written out by hand from those texts, as printed: the descriptors must carry
them unchanged (never "fixed") and the harmonized frame must parse them into the right numbers.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, NamedTuple

import polars as pl
import pytest

import trialcompare as tc

TRIALS = Path(__file__).resolve().parents[1] / "trials"

IDS = {"apatinib-ie", "apatinib", "apatinib-camrelizumab", "ie"}


class Cell(NamedTuple):
    """One printed cell: where it belongs in the frame, its printed text and the numbers it must parse to."""

    cohort: str
    section: str
    variable: str
    level: str | None
    statistic: str
    printed: str
    n: int | None = None
    value: float | None = None
    lower: float | None = None
    upper: float | None = None
    interval: str | None = None
    months: float | None = None
    bound: str | None = None
    upper_nr: bool = False
    location: str = "Table IV"
    source: str = "paper"


def _counts(cohort: str, section: str, variable: str, cells: dict[str, str], **kw: Any) -> list[Cell]:
    """Count cells ``{level: "13 (39.39)"}`` -> Cells with n and the printed percentage."""
    out = []
    for level, printed in cells.items():
        n, pct = printed.replace(")", "").split(" (")
        out.append(Cell(cohort, section, variable, level, "count", printed, int(float(n)), float(pct), **kw))
    return out


def _age(cohort: str, printed: str, mean: float, sd: float, lo: float, hi: float) -> list[Cell]:
    return [
        Cell(cohort, "baseline", "age", None, "mean", printed, value=mean, lower=lo, upper=hi, interval="95% CI"),
        Cell(cohort, "baseline", "age", None, "sd", printed, value=sd),
    ]


def _column(
    cohort: str,
    n: str,
    refers_to: str,
    age: list[Cell],
    lesions: dict,
    lines: dict,
    ecog: dict,
    canonical: str,
    response: dict,
    surgical: str,
) -> list[Cell]:
    """The baseline and response cells of one Table IV column."""
    declared = int(n.split("=")[1])
    return [
        *age,
        *_counts(cohort, "baseline", "lesion_site", lesions),
        *_counts(cohort, "baseline", "prior_lines", lines),
        *_counts(cohort, "baseline", "ecog", ecog),
        *_counts(cohort, "baseline", "subtype", {"canonical": canonical}),
        *_counts(cohort, "outcome", "best_response", response),
        *_counts(cohort, "outcome", "surgical_remission", {"yes": surgical}),
        Cell(cohort, "population", "n", refers_to, "declared_n", n, declared, float(declared)),
    ]


def _survival(
    cohort: str, endpoint: str, censored: str, median: tuple, rate6: str, rate12: str, os_median: tuple
) -> list[Cell]:
    """The survival cells of one Table IV column: censored, KM median (Q1, Q3), 6/12-month rates, OS median."""
    n, pct = censored.replace(")", "").split(" (")
    cells = [Cell(cohort, "endpoint", endpoint, None, "censored", censored, int(n), float(pct))]
    cells.append(
        Cell(
            cohort,
            "endpoint",
            endpoint,
            None,
            "median",
            median[0],
            value=median[1],
            lower=median[2],
            upper=median[3],
            interval="IQR",
        )
    )
    for months, printed in ((6.0, rate6), (12.0, rate12)):
        bound = "<" if printed.startswith("<") else None
        cells.append(
            Cell(
                cohort,
                "endpoint",
                endpoint,
                None,
                "rate",
                printed,
                value=float(printed.strip("<%")),
                months=months,
                bound=bound,
            )
        )
    printed, value, lo, hi = os_median
    cells.append(
        Cell(
            cohort,
            "endpoint",
            "OS",
            None,
            "median",
            printed,
            value=value,
            lower=lo,
            upper=hi,
            interval="IQR",
            upper_nr=hi is None,
        )
    )
    return cells


_BR = ("CR", "PR", "SD", "PD")

TABLE_IV: list[Cell] = [
    # ---- Apatinib+IE, n=33 ----
    *_column(
        "apatinib-ie",
        "n=33",
        "itt",
        _age("apatinib-ie", "19.1±8.5 (16.0, 22.2)", 19.1, 8.5, 16.0, 22.2),
        {
            "lung": "13 (39.39)",
            "musculoskeletal": "3 (9.09)",
            "lung+musculoskeletal": "16 (48.48)",
            "lung+bone+other": "1 (3.03)",
        },
        {"1": "15 (45.45)", "2": "16 (48.48)", "3": "2 (6.06)"},
        {"0": "20 (60.60)", "1": "11 (33.33)", "2": "2 (6.06)"},
        "32 (96.97)",
        dict(zip(_BR, ("0 (0.0)", "21 (63.6)", "12 (36.4)", "0 (0.0)"), strict=True)),
        "16 (48.5)",
    ),
    *_survival(
        "apatinib-ie",
        "EFS",
        "9 (27.3)",
        ("11.4 (7.5, 17.1)", 11.4, 7.5, 17.1),
        "78.5%",
        "39.5%",
        ("19.8 (9.4,51.8)", 19.8, 9.4, 51.8),
    ),
    # ---- Apatinib (11), n=37: the "ITT event-free survival" rows are this trial's PFS ----
    *_column(
        "apatinib",
        "n=37",
        "efficacy",
        _age("apatinib", "21.7±11.5 (17.9, 25.6)", 21.7, 11.5, 17.9, 25.6),
        {
            "lung": "27 (72.97)",
            "musculoskeletal": "4 (10.81)",
            "lung+musculoskeletal": "6 (16.22)",
            "lung+bone+other": "0 (0.00)",
        },
        {"1": "31 (83.78)", "2": "5 (13.52)", "3": "1 (2.70)"},
        {"0": "27 (72.97)", "1": "10 (27.03)", "2": "0 (0.00)"},
        "35 (94.59)",
        dict(zip(_BR, ("0 (0.0)", "16 (43.2)", "8 (21.6)", "13 (35.1)"), strict=True)),
        "0.0 (0.0)",
    ),
    *_survival(
        "apatinib",
        "PFS",
        "11 (29.7)",
        ("4.5 (3.5, 6.3)", 4.5, 3.5, 6.3),
        "36.8%",
        "<10%",
        ("9.9 (8.0, 19.0)", 9.9, 8.0, 19.0),
    ),
    # ---- Apatinib+Camrelizumab (12,13), N=41: blank cells omitted ----
    *_column(
        "apatinib-camrelizumab",
        "N=41",
        "efficacy",
        _age("apatinib-camrelizumab", "19.7±9.0 (17.1, 22.4)", 19.7, 9.0, 17.1, 22.4),
        {"lung": "18 (41.86)", "musculoskeletal": "3 (6.98)", "lung+musculoskeletal": "22 (51.16)"},
        {"1": "37 (86.05)", "2": "6 (13.95)"},
        {"0": "34 (79.07)", "1": "9 (20.93)", "2": "0 (0.00)"},
        "42 (97.67)",
        dict(zip(_BR, ("0 (0.0)", "9 (20.9)", "26 (60.5)", "8 (18.6)"), strict=True)),
        "0.0 (0.0)",
    ),
    *_survival(
        "apatinib-camrelizumab",
        "PFS",
        "7 (16.3)",
        ("6.2 (3.6, 8.9)", 6.2, 3.6, 8.9),
        "50.9%",
        "<10%",
        ("11.3 (8.1, 14.8)", 11.3, 8.1, 14.8),
    ),
    # ---- IE, n=46 ----
    *_column(
        "ie",
        "n=46",
        "treated",
        _age("ie", "17.7±9.3 (14.9, 20.5)", 17.7, 9.3, 14.9, 20.5),
        {
            "lung": "39 (84.78)",
            "musculoskeletal": "1 (2.17)",
            "lung+musculoskeletal": "6 (13.04)",
            "lung+bone+other": "0 (0.00)",
        },
        {"1": "40 (86.96)", "2": "5 (10.87)", "3": "1 (2.17)"},
        {"0": "44 (95.65)", "1": "2 (4.35)", "2": "0 (0.00)"},
        "46 (100.00)",
        dict(zip(_BR, ("0 (0.0)", "13 (26.1)", "28 (60.9)", "5 (10.9)"), strict=True)),
        "23 (50.0)",
    ),
    *_survival(
        "ie",
        "EFS",
        "12 (42.9)",
        ("11.7 (7.6, 15.7)", 11.7, 7.6, 15.7),
        "71.7%",
        "56.8%",
        ("30.4 (26.9, NR)", 30.4, 26.9, None),
    ),
]

# Table I / Table III / text of the apatinib + IE paper (a selection, each from a different place).
PAPER_OTHER: list[Cell] = [
    Cell(
        "apatinib-ie",
        "baseline",
        "age",
        None,
        "median",
        "16.0 (3.0, 48.0)",
        value=16.0,
        lower=3.0,
        upper=48.0,
        interval="range",
        location="Table I",
    ),
    *_counts("apatinib-ie", "baseline", "sex", {"male": "14 (42.4)", "female": "19 (57.6)"}, location="Table I"),
    *_counts("apatinib-ie", "baseline", "prior_lines", {"1": "15 (45.4)"}, location="Table I"),
    *_counts(
        "apatinib-ie", "baseline", "subtype", {"small_cell": "0 (0.0)", "telangiectatic": "1 (3.0)"}, location="Table I"
    ),
    *_counts("apatinib-ie", "baseline", "resistance_ie", {"yes": "12 (36.4)", "no": "21 (63.6)"}, location="Table I"),
    *_counts(
        "apatinib-ie",
        "outcome",
        "status_last_follow_up",
        {"NED": "4 (12.1)", "AWD": "13 (39.4)", "DOD": "16 (48.5)"},
        location="Table III",
    ),
    Cell(
        "apatinib-ie",
        "rate",
        "CBR",
        None,
        "proportion",
        "81.8% (68.7%, 95.0%)",
        value=81.8,
        lower=68.7,
        upper=95.0,
        interval="95% CI",
        months=6.0,
        location="Table III",
    ),
    Cell(
        "apatinib-ie",
        "endpoint",
        "EFS",
        None,
        "median",
        "11.4 (7.5, 17.1)",
        value=11.4,
        lower=7.5,
        upper=17.1,
        interval="95% CI",
        location="Table III",
    ),
    Cell(
        "apatinib-ie",
        "endpoint",
        "EFS",
        None,
        "rate",
        "90.9 (74.4, 97.0)",
        value=90.9,
        lower=74.4,
        upper=97.0,
        interval="95% CI",
        months=4.0,
        location="Table III",
    ),
    Cell(
        "apatinib-ie",
        "endpoint",
        "OS",
        None,
        "median",
        "19.8 (10.1, 29.4)",
        value=19.8,
        lower=10.1,
        upper=29.4,
        interval="IQR",
        location="Table III",
    ),
    Cell("apatinib-ie", "rate", "ORR", None, "count", "21/33 (63.6%)", 21, 63.6, location="Abstract"),
    Cell("apatinib-ie", "baseline", "prior_lines", "2|3", "count", "31/33 (93.9%)", 31, 93.9, location="Abstract"),
    Cell(
        "apatinib-ie",
        "endpoint",
        "EFS",
        None,
        "median",
        "11.4 (IQR, 6.7-18.4)",
        value=11.4,
        lower=6.7,
        upper=18.4,
        interval="IQR",
        location="Abstract",
    ),
    Cell(
        "apatinib-ie",
        "endpoint",
        "OS",
        None,
        "median",
        "19.8 (IQR, 13.1-30.6)",
        value=19.8,
        lower=13.1,
        upper=30.6,
        interval="IQR",
        location="Abstract",
    ),
    Cell(
        "apatinib-ie",
        "design",
        "follow_up",
        None,
        "median",
        "28.4 (IQR, 16.1-38.3)",
        value=28.4,
        lower=16.1,
        upper=38.3,
        interval="IQR",
        location="Abstract",
    ),
    Cell(
        "apatinib-ie",
        "design",
        "follow_up",
        None,
        "median",
        "19.8 (IQR, 9.4,51.8)",
        value=19.8,
        lower=9.4,
        upper=51.8,
        interval="IQR",
        location="Patients and methods",
    ),
    Cell(
        "apatinib-ie",
        "baseline",
        "ecog",
        "1|2",
        "count",
        "13/33 (39.4%)",
        13,
        39.4,
        location="Results: Patient characteristics",
    ),
    Cell(
        "apatinib-ie",
        "baseline",
        "lesion_site",
        "lung+musculoskeletal|lung+bone+other",
        "count",
        "17/33 (51.5%)",
        17,
        51.5,
        location="Results: Patient characteristics",
    ),
    Cell(
        "apatinib-ie",
        "baseline",
        "prior_lines",
        "2|3",
        "count",
        "18/33 (54.6%)",
        18,
        54.6,
        location="Results: Patient characteristics",
    ),
    Cell(
        "apatinib-ie",
        "endpoint",
        "PFS",
        None,
        "median",
        "12.6 (95% CI, 6.4-18.9)",
        value=12.6,
        lower=6.4,
        upper=18.9,
        interval="95% CI",
        location="Results: Assessment of efficacy",
    ),
    Cell(
        "apatinib-ie",
        "endpoint",
        "PFS",
        None,
        "censored",
        "22/33 (66.7%)",
        22,
        66.7,
        location="Results: Assessment of efficacy",
    ),
    Cell(
        "apatinib-ie",
        "endpoint",
        "EFS",
        None,
        "rate",
        "78.5% (95% CI, 60.0-89.1%)",
        value=78.5,
        lower=60.0,
        upper=89.1,
        interval="95% CI",
        months=6.0,
        location="Results: Assessment of efficacy",
    ),
    Cell("apatinib-ie", "endpoint", "EFS", None, "n_analysed", "31", 31, location="Figure 2 caption"),
    Cell("apatinib-ie", "endpoint", "OS", None, "n_analysed", "31", 31, location="Figure 3 caption"),
    Cell(
        "apatinib-ie", "outcome", "surgical_remission", "yes", "count", "16/33 (48.5%)", 16, 48.5, location="Discussion"
    ),
    Cell("ie", "outcome", "surgical_remission", "yes", "count", "23/46 (50.0%)", 23, 50.0, location="Discussion"),
    Cell("apatinib", "rate", "ORR", None, "proportion", "43%", value=43.0, location="Introduction"),
    Cell("apatinib", "endpoint", "PFS", None, "rate", "36.8%", value=36.8, months=6.0, location="Introduction"),
]

PRIMARY: list[Cell] = [
    Cell("apatinib", "population", "n", "efficacy", "n", "37", 37, 37.0, location="Abstract", source="xie2019"),
    Cell("apatinib", "rate", "ORR", None, "count", "16/37 (43.24%)", 16, 43.24, location="Abstract", source="xie2019"),
    Cell(
        "apatinib",
        "endpoint",
        "PFS",
        None,
        "rate",
        "56.76% (95% CI 39.43-70.84)",
        value=56.76,
        lower=39.43,
        upper=70.84,
        interval="95% CI",
        months=4.0,
        location="Abstract",
        source="xie2019",
    ),
    Cell(
        "apatinib",
        "endpoint",
        "PFS",
        None,
        "median",
        "4.50 (95% CI 3.47-6.27)",
        value=4.5,
        lower=3.47,
        upper=6.27,
        interval="95% CI",
        location="Abstract",
        source="xie2019",
    ),
    Cell(
        "apatinib",
        "endpoint",
        "OS",
        None,
        "median",
        "9.87 (95% CI 7.97-18.93)",
        value=9.87,
        lower=7.97,
        upper=18.93,
        interval="95% CI",
        location="Abstract",
        source="xie2019",
    ),
]
_XIE2020 = {"location": "PMC7223462 (section not recorded)", "source": "xie2020"}
PRIMARY += [
    Cell("apatinib-camrelizumab", "population", "n", "enrolled", "n", "43", 43, 43.0, **_XIE2020),
    Cell("apatinib-camrelizumab", "population", "n", "efficacy", "n", "41", 41, 41.0, **_XIE2020),
    Cell(
        "apatinib-camrelizumab",
        "baseline",
        "age",
        None,
        "median",
        "19 (11-43)",
        41,
        19.0,
        11.0,
        43.0,
        "range",
        **_XIE2020,
    ),
    Cell("apatinib-camrelizumab", "rate", "ORR", None, "count", "9/43 (20.9%)", 9, 20.9, **_XIE2020),
    Cell(
        "apatinib-camrelizumab",
        "endpoint",
        "PFS",
        None,
        "rate",
        "13/43 (30.23%, 95% CI 17.2-40.1)",
        n=13,
        value=30.23,
        lower=17.2,
        upper=40.1,
        interval="95% CI",
        months=6.0,
        **_XIE2020,
    ),
    Cell(
        "apatinib-camrelizumab",
        "endpoint",
        "PFS",
        None,
        "rate",
        "50.9% (95% CI 34.6-65.0)",
        value=50.9,
        lower=34.6,
        upper=65.0,
        interval="95% CI",
        months=6.0,
        **_XIE2020,
    ),
    Cell(
        "apatinib-camrelizumab",
        "design",
        "follow_up",
        None,
        "median",
        "48.3 (Q1-Q3 30.6-66.6)",
        value=48.3,
        lower=30.6,
        upper=66.6,
        interval="IQR",
        **_XIE2020,
    ),
]


@pytest.fixture(scope="module")
def cohorts() -> tc.CohortSet:
    """The four seed descriptors, loaded by file (trials/ also holds trials/library/)."""
    return tc.load(*sorted(TRIALS / f"{cohort_id}.yaml" for cohort_id in IDS))


@pytest.fixture(scope="module")
def frame(cohorts: tc.CohortSet) -> pl.DataFrame:
    """The harmonized long frame of trials/."""
    return cohorts.to_frame()


def _eq(column: str, value: Any) -> pl.Expr:
    return pl.col(column).is_null() if value is None else pl.col(column) == value


def _row(frame: pl.DataFrame, cell: Cell) -> dict[str, Any]:
    """The single frame row a cell maps to (same place, same printed text when several reports match)."""
    keys = {
        "cohort": cell.cohort,
        "section": cell.section,
        "variable": cell.variable,
        "level": cell.level,
        "statistic": cell.statistic,
        "location": cell.location,
        "time_months": cell.months,
        "source": cell.source,
    }
    rows = frame.filter(*[_eq(k, v) for k, v in keys.items()])
    if rows.height > 1:
        rows = rows.filter(pl.col("printed") == cell.printed)
    assert rows.height == 1, f"{cell}: expected one row, found {rows.height}"
    return rows.row(0, named=True)


def _check(frame: pl.DataFrame, cell: Cell) -> None:
    row = _row(frame, cell)
    assert row["printed"] == cell.printed
    assert row["n"] == cell.n
    for col in ("value", "lower", "upper"):
        expected = getattr(cell, col)
        assert row[col] == (None if expected is None else pytest.approx(expected)), col
    if cell.statistic not in ("count", "declared_n", "n", "censored", "n_analysed", "sd"):
        assert row["interval_type"] == cell.interval
    assert row["bound"] == cell.bound
    assert row["upper_nr"] is cell.upper_nr


def test_ids_are_the_four_seed_cohorts(cohorts: tc.CohortSet) -> None:
    assert set(cohorts.ids) == IDS
    assert len(cohorts) == 4


@pytest.mark.parametrize("cell", TABLE_IV, ids=lambda c: f"{c.cohort}:{c.variable}:{c.level}:{c.statistic}:{c.months}")
def test_table_iv_cell(frame: pl.DataFrame, cell: Cell) -> None:
    _check(frame, cell)


def test_table_iv_has_no_other_cells(frame: pl.DataFrame) -> None:
    """Every frame row read at Table IV is one of the expected cells (nothing invented, blanks omitted)."""
    got = frame.filter(pl.col("location") == "Table IV")
    assert got.height == len(TABLE_IV)
    per_cohort = got.group_by("cohort").len().sort("cohort").rows()
    expected = sorted({c.cohort: sum(d.cohort == c.cohort for d in TABLE_IV) for c in TABLE_IV}.items())
    assert per_cohort == expected


def test_camrelizumab_blank_cells_are_omitted_not_zero(frame: pl.DataFrame) -> None:
    rows = frame.filter((pl.col("cohort") == "apatinib-camrelizumab") & (pl.col("location") == "Table IV"))
    levels = set(zip(rows["variable"].to_list(), rows["level"].to_list(), strict=True))
    assert ("lesion_site", "lung+bone+other") not in levels
    assert ("prior_lines", "3") not in levels


def test_table_iv_denominators_are_the_header_n(frame: pl.DataFrame) -> None:
    """Nothing is corrected: the camrelizumab percentages (computed over 43) stay against N=41."""
    counts = frame.filter((pl.col("location") == "Table IV") & (pl.col("statistic").is_in(["count", "censored"])))
    header = {"apatinib-ie": 33, "apatinib": 37, "apatinib-camrelizumab": 41, "ie": 46}
    for cohort, den, origin in counts.select("cohort", "denominator", "denominator_origin").iter_rows():
        assert (den, origin) == (header[cohort], "declared_n")


def test_table_iv_design_cells(cohorts: tc.CohortSet) -> None:
    """Study type and trial registration number rows of Table IV."""
    expected = {
        "apatinib-ie": ("retrospective", "NCT04690231"),
        "apatinib": ("prospective", "NCT02711007"),
        "apatinib-camrelizumab": ("prospective", "NCT03359018"),
        "ie": ("retrospective", "NCT04690231"),
    }
    for cohort, (study_type, nct) in expected.items():
        design = cohorts[cohort].descriptor.design
        assert design.type == study_type
        assert [r.id for r in design.registrations if r.at == "Table IV"] == [nct]


@pytest.mark.parametrize("cell", PAPER_OTHER, ids=lambda c: f"{c.cohort}:{c.location}:{c.variable}:{c.level}")
def test_paper_tables_and_text(frame: pl.DataFrame, cell: Cell) -> None:
    _check(frame, cell)


def test_status_denominator_79_kept_as_printed(frame: pl.DataFrame) -> None:
    rows = frame.filter(
        (pl.col("variable") == "status_last_follow_up") & (pl.col("location") == "Results: Assessment of efficacy")
    )
    assert sorted(zip(rows["level"], rows["n"], rows["denominator"], strict=True)) == [
        ("AWD", 27, 79),
        ("DOD", 32, 79),
        ("NED", 20, 79),
    ]


@pytest.mark.parametrize("cell", PRIMARY, ids=lambda c: f"{c.cohort}:{c.source}:{c.variable}:{c.statistic}")
def test_primary_source_reports(frame: pl.DataFrame, cell: Cell) -> None:
    _check(frame, cell)


def test_camrelizumab_follow_up_in_weeks(frame: pl.DataFrame) -> None:
    row = _row(frame, PRIMARY[-1])
    assert row["unit"] == "weeks"


def test_source_roles(cohorts: tc.CohortSet) -> None:
    roles = {c.id: {s.key: s.role for s in c.descriptor.sources} for c in cohorts}
    assert roles["apatinib-ie"] == {"paper": "primary"}
    assert roles["ie"] == {"paper": "primary"}
    assert roles["apatinib"] == {"xie2019": "primary", "paper": "comparator-table"}
    assert roles["apatinib-camrelizumab"] == {"xie2020": "primary", "paper": "comparator-table"}


def test_every_row_has_location_and_known_source(cohorts: tc.CohortSet, frame: pl.DataFrame) -> None:
    assert frame.height > 0
    assert frame.filter(pl.col("location").is_null() | (pl.col("location").str.strip_chars() == "")).height == 0
    for cohort, source in frame.select("cohort", "source").unique().iter_rows():
        keys = {s.key for s in cohorts[cohort].descriptor.sources}
        assert source in keys, (cohort, source)
