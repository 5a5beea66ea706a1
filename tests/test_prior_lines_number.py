"""Friction 14: a number of prior lines printed as a summary ("an average of 2.3 prior therapy regimens") has a
continuous variable, ``prior_lines_number``, beside the categorical ``prior_lines``."""

from __future__ import annotations

from pathlib import Path

import pytest

import trialcompare as tc
from trialcompare.descriptor.vocabulary import VARIABLES, suggest_variable, vocabulary_text

NEWCOMER = Path(__file__).parent / "fixtures" / "newcomer"
_AGE = '''  - variable: age
    kind: mean_range
'''


def _entry(value: str, kind: str = "mean_sd") -> str:
    return f'  - {{variable: prior_lines_number, kind: {kind}, value: "{value}", at: "Table 1"}}\n'


def _two(tmp_path: Path, mine: str, theirs: str, kind: str = "mean_sd") -> tc.CohortSet:
    text = (NEWCOMER / "liao2020-apatinib.yaml").read_text(encoding="utf-8")
    assert _AGE in text
    (tmp_path / "a.yaml").write_text(text.replace(_AGE, _entry(mine, kind) + _AGE), encoding="utf-8")
    other = text.replace("id: liao2020-apatinib", "id: other").replace(_AGE, _entry(theirs, kind) + _AGE)
    other = other.replace('label: "Apatinib (Liao 2020)"', 'label: "Other"')
    (tmp_path / "b.yaml").write_text(other, encoding="utf-8")
    return tc.load(tmp_path)


def test_the_variable_is_continuous_and_listed():
    v = VARIABLES["prior_lines_number"]
    assert (v.kind, v.unit) == ("continuous", "lines")
    assert VARIABLES["prior_lines"].kind == "categorical"
    assert "prior_lines_number" in vocabulary_text()
    assert suggest_variable("mean prior lines") == "; did you mean 'prior_lines_number'?"


def test_two_cohorts_give_a_continuous_smd(tmp_path):
    cmp = tc.compare(_two(tmp_path, "2.0 ± 1.0", "2.5 ± 1.0"), "liao2020-apatinib")
    row = cmp.smd.filter(variable="prior_lines_number").to_dicts()
    assert len(row) == 1 and row[0]["kind"] == "continuous"
    assert row[0]["smd"] == pytest.approx(0.5)
    assert cmp.baseline.filter(variable="prior_lines_number", statistic="mean")["value"].to_list() == [2.0, 2.5]
    table = cmp.table()
    assert any("Number of previous systemic therapy lines" in str(label) for label in table[table.columns[1]])


def test_a_mean_alone_is_read_and_gives_no_measured_smd(tmp_path):
    cmp = tc.compare(_two(tmp_path, "2.3", "2.0", "mean"), "liao2020-apatinib")
    rows = cmp.baseline.filter(variable="prior_lines_number")
    assert sorted(rows["value"].to_list()) == [2.0, 2.3]
    (smd,) = cmp.smd.filter(variable="prior_lines_number").to_dicts()
    assert smd["smd"] is None and smd["note"].startswith("SMD not computed")


def test_a_study_level_mean_of_prior_lines_is_never_an_smd(tmp_path):
    text = (NEWCOMER / "sarc024-regorafenib.yaml").read_text(encoding="utf-8")
    marker = '       label: "Median age"}\n'
    entry = ('    - {variable: prior_lines_number, kind: mean, value: "2.3", at: "Abstract",\n'
             '       label: "an average of 2.3 prior therapy regimens"}\n')
    text = text.replace(marker, marker + entry)
    (tmp_path / "sarc024-regorafenib.yaml").write_text(text, encoding="utf-8")
    (tmp_path / "sarc024-placebo.yaml").write_text((NEWCOMER / "sarc024-placebo.yaml").read_text(encoding="utf-8"),
                                                   encoding="utf-8")
    cohorts = tc.load(tmp_path)
    rows = cohorts.to_frame().filter(variable="prior_lines_number").to_dicts()
    assert [(r["section"], r["scope"], r["smd_eligible"], r["value"], r["n"]) for r in rows] == [
        ("study_baseline", "study", False, 2.3, 42)]
    assert tc.compare(cohorts, "sarc024-regorafenib").smd.filter(variable="prior_lines_number").is_empty()
