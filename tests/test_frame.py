"""The harmonized frame keeps what the source printed: row labels per level, units, corrections beside values."""

from __future__ import annotations

import polars as pl

import trialcompare as tc
from trialcompare.cli import main


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
