"""The harmonized frame keeps what the source printed: row labels per level, units, corrections beside values."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

import trialcompare as tc
from trialcompare.cli import main

REPO = Path(__file__).resolve().parents[1]


def test_level_labels_reach_the_frame(write, valid_text):
    text = valid_text.replace('      female: "17 (56.7)"\n',
                              '      female: "17 (56.7)"\n    level_labels: {male: "Men", female: "Women"}\n', 1)
    frame = tc.load(write(text)).to_frame()
    rows = frame.filter(pl.col("variable") == "sex").sort("level")
    assert rows["label"].to_list() == ["Sex, n (%) / Women", "Sex, n (%) / Men"]


def test_level_labels_must_name_reported_levels(capsys, write, valid_text):
    text = valid_text.replace('      female: "17 (56.7)"\n',
                              '      female: "17 (56.7)"\n    level_labels: {other: "Other"}\n', 1)
    path = write(text)
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    line = next(i for i, ln in enumerate(text.splitlines(), 1) if "level_labels" in ln)
    assert f":{line}:" in err and "not among the levels" in err


def test_errata_fill_corrected_columns_and_leave_the_printed_value(write, valid_text):
    text = valid_text.replace("errata: []", (
        "errata:\n  - target: {variable: best_response, level: PR, at: \"Table 2\"}\n"
        "    corrected: {n: 7}\n    why: \"erratum\"\n    source: \"Journal 2025\""), 1)
    frame = tc.load(write(text)).to_frame()
    pr = frame.filter(pl.col("variable") == "best_response", pl.col("level") == "PR").row(0, named=True)
    assert (pr["n"], pr["corrected_n"], pr["printed"]) == (6, 7, "6 (20.0)")
    assert pr["erratum"] == "erratum [Journal 2025]"


# --- issue 10: time points with units, new continuous kinds ---------------------------------------------------



def _with_rate(valid_text: str, rate: str) -> str:
    return valid_text.replace('  - {name: ORR, value: "6/30 (20.0%)", at: "Abstract"}\n',
                              f'  - {{name: ORR, value: "6/30 (20.0%)", at: "Abstract"}}\n  - {rate}\n', 1)


def test_rate_time_point_in_weeks(write, valid_text):
    text = _with_rate(valid_text, '{name: CBR, time: 16, unit: weeks, value: "50.0%", at: "Table 2"}')
    cbr = tc.load(write(text)).to_frame().filter(pl.col("variable") == "CBR").row(0, named=True)
    assert (cbr["time"], cbr["unit"]) == (16.0, "weeks")
    assert cbr["months"] == pytest.approx(16 * 7 / 30.4375) == cbr["time_months"]


def test_months_is_time_in_months(write, valid_text):
    text = _with_rate(valid_text, '{name: CBR, months: 6, value: "50.0%", at: "Table 2"}')
    cbr = tc.load(write(text)).to_frame().filter(pl.col("variable") == "CBR").row(0, named=True)
    assert (cbr["time"], cbr["unit"], cbr["months"], cbr["time_months"]) == (6.0, "months", 6.0, 6.0)


@pytest.mark.parametrize(("rate", "message"), [
    ('{name: CBR, time: 16, value: "50.0%", at: "T"}', "needs its 'unit'"),
    ('{name: CBR, months: 6, time: 26, unit: weeks, value: "50.0%", at: "T"}', "give the time point once"),
    ('{name: CBR, unit: weeks, value: "50.0%", at: "T"}', "'unit' is the unit of 'time'"),
])
def test_time_point_mistakes(capsys, write, valid_text, rate, message):
    assert main(["validate", str(write(_with_rate(valid_text, rate)))]) == 2
    assert message in capsys.readouterr().err


def test_landmark_rate_in_weeks_and_the_old_months(write, valid_text):
    text = valid_text.replace("      - {statistic: rate, months: 6,",
                              "      - {statistic: rate, time: 8, unit: weeks, value: \"60.0%\", at: \"Results\"}\n"
                              "      - {statistic: rate, months: 6,", 1)
    rates = tc.load(write(text)).to_frame().filter(pl.col("statistic") == "rate").sort("time_months")
    assert rates.select("time", "unit").rows() == [(8.0, "weeks"), (6.0, "months")]
    assert rates["months"].to_list() == pytest.approx([1.8398, 6.0], abs=1e-4)


def test_follow_up_in_weeks_gains_months(write, valid_text):
    text = valid_text.replace('{value: "12.0 (8.0, 16.0)", interval: IQR, unit: months',
                              '{value: "52 (26, 78)", interval: IQR, unit: weeks', 1)
    fu = tc.load(write(text)).to_frame().filter(pl.col("variable") == "follow_up").row(0, named=True)
    assert (fu["value"], fu["unit"]) == (52.0, "weeks")
    assert (fu["value_months"], fu["lower_months"], fu["upper_months"]) == pytest.approx(
        (52 * 7 / 30.4375, 26 * 7 / 30.4375, 78 * 7 / 30.4375))


@pytest.mark.parametrize(("kind", "value", "rows"), [
    ("mean", "35.24", [("mean", 35.24, None, None, None)]),
    ("mean_range", "mean 35.24 (range 11-73)", [("mean", 35.24, 11.0, 73.0, "range")]),
    ("median_iqr_range", "median 42 (IQR 30-55; range 18-76)",
     [("median", 42.0, 30.0, 55.0, "IQR"), ("median", 42.0, 18.0, 76.0, "range")]),
    ("median_range", "16.0 (3.0, 48.0)", [("median", 16.0, 3.0, 48.0, "range")]),
])
def test_continuous_kinds(write, valid_text, kind, value, rows):
    text = valid_text.replace('    kind: median_range        #             median_range | median_ci\n'
                              '    value: "16.0 (3.0, 48.0)" # as printed\n',
                              f'    kind: {kind}\n    value: "{value}"\n', 1)
    age = tc.load(write(text)).to_frame().filter(pl.col("variable") == "age")
    assert age.select("statistic", "value", "lower", "upper", "interval_type").rows() == rows
    assert age["smd_eligible"].to_list() == [True] * len(rows) and set(age["scope"]) == {"arm"}


@pytest.mark.parametrize(("kind", "value", "message"), [
    ("mean", "35.24 (11-73)", "kind mean is a mean printed alone"),
    ("mean_range", "35.24", "needs an interval"),
    ("median_iqr_range", "42 (30-55)", "needs an IQR and a range"),
    ("median_range", "42 (IQR 30-55; range 18-76)", "use kind median_iqr_range"),
])
def test_continuous_kind_mistakes(capsys, write, valid_text, kind, value, message):
    text = valid_text.replace('    kind: median_range        #             median_range | median_ci\n'
                              '    value: "16.0 (3.0, 48.0)" # as printed\n',
                              f'    kind: {kind}\n    value: "{value}"\n', 1)
    assert main(["validate", str(write(text))]) == 2
    assert message in capsys.readouterr().err


def test_existing_columns_are_kept():
    from trialcompare.frame import SCHEMA

    old = ["cohort", "section", "variable", "level", "statistic", "n", "denominator", "value", "lower", "upper",
           "interval_type", "time_months", "printed", "source", "location", "label", "decimals", "bound",
           "lower_nr", "upper_nr", "unit", "estimator", "denominator_origin", "file", "line", "column",
           "corrected_n", "corrected_denominator", "corrected_value", "erratum"]
    assert list(SCHEMA)[: len(old)] == old


@pytest.mark.parametrize("folder", ["trials", "tests/fixtures/anchored", "tests/fixtures/randomised"])
def test_rows_are_the_frame_as_dicts(folder):
    """The checks read frame.rows (no polars); it must be the frame, value for value and type for type."""
    from trialcompare.frame import rows, to_frame

    cohorts = tc.load(REPO / folder)
    ours, theirs = rows(cohorts), to_frame(cohorts).to_dicts()
    assert len(ours) == len(theirs) > 0
    for a, b in zip(ours, theirs, strict=True):
        assert list(a) == list(b)
        assert [(type(v), repr(v)) for v in a.values()] == [(type(v), repr(v)) for v in b.values()]


def test_checks_read_the_dataframe_as_the_rows():
    """The families take the rows (validate) or the polars DataFrame (caveats): the same findings."""
    from trialcompare.checks.families import ALL
    from trialcompare.frame import rows, to_frame

    cohorts = tc.load(REPO / "trials")
    table, frame = rows(cohorts), to_frame(cohorts)
    for family in ALL:
        assert list(family(table, cohorts)) == list(family(frame, cohorts)), family.__name__
