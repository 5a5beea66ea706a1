"""Issue 10, data layer: a two-arm randomised study (tests/fixtures/randomised/) loaded, checked and in the frame;
the `new --arms` scaffold; every descriptor of trials/ still loads."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

import trialcompare as tc
from trialcompare.cli import main
from trialcompare.descriptor.scaffold_arms import scaffold_arms
from trialcompare.options import to_months

HERE = Path(__file__).resolve().parent
FIXTURE = HERE / "fixtures" / "randomised"
TRIALS = HERE.parent / "trials"


@pytest.fixture(scope="module")
def cohorts() -> tc.CohortSet:
    return tc.load(FIXTURE)


@pytest.fixture(scope="module")
def frame(cohorts: tc.CohortSet) -> pl.DataFrame:
    return cohorts.to_frame()


def test_every_descriptor_of_the_repository_still_loads():
    files = sorted(TRIALS.rglob("*.yaml"))
    assert len(files) >= 11
    for path in files:
        tc.load(path)  # raises DescriptorError otherwise
    assert main(["validate", str(TRIALS)]) == 0


def test_the_fixture_pair_validates_clean(cohorts: tc.CohortSet):
    assert cohorts.ids == ["trial-x-drug", "trial-x-placebo"]
    assert [f for f in tc.check(cohorts) if f.severity != "info"] == []


def test_effect_rows(frame: pl.DataFrame):
    eff = frame.filter(pl.col("section") == "effect").sort("cohort", "variable")
    hr = eff.row(0, named=True)
    assert (hr["cohort"], hr["variable"], hr["statistic"], hr["versus"]) == ("trial-x-drug", "PFS", "HR",
                                                                            "trial-x-placebo")
    assert (hr["value"], hr["lower"], hr["upper"], hr["interval_type"]) == (0.42, 0.21, 0.85, "95% CI")
    assert (hr["printed"], hr["p_printed"], hr["p_value"], hr["p_bound"], hr["p_decimals"]) == (
        "0.42 (95% CI 0.21-0.85)", "P = .017", 0.017, None, 3)
    assert (hr["sided"], hr["analysis_set"], hr["method"]) == ("two-sided", "itt", "Cox model stratified by centre")
    assert (hr["scope"], hr["study"]) == ("arm", "TRIAL-X")
    rd = eff.row(1, named=True)
    assert (rd["variable"], rd["statistic"], rd["p_printed"]) == ("pfs_8w", "RD", None)
    placebo = eff.filter(pl.col("cohort") == "trial-x-placebo").row(0, named=True)
    assert (placebo["value"], placebo["versus"]) == (2.4, "trial-x-drug")


def test_eight_week_rates_keep_their_unit(frame: pl.DataFrame):
    rates = frame.filter(pl.col("section") == "endpoint", pl.col("statistic") == "rate")
    assert rates["time"].to_list() == [8.0, 8.0] and rates["unit"].to_list() == ["weeks", "weeks"]
    assert rates["months"].to_list() == pytest.approx([56 / 30.4375] * 2)
    assert rates["time_months"].to_list() == rates["months"].to_list()
    assert to_months(8, "weeks") == pytest.approx(1.8398, abs=1e-4)


def test_medians_in_weeks_with_a_not_estimable_bound(frame: pl.DataFrame):
    med = frame.filter(pl.col("statistic") == "median", pl.col("section") == "endpoint").sort("cohort")
    drug = med.row(0, named=True)
    assert (drug["value"], drug["lower"], drug["upper"], drug["unit"]) == (16.4, 10.1, None, "weeks")
    assert (drug["upper_nr"], drug["upper_status"], drug["lower_status"]) == (True, "not-estimable", "value")
    assert drug["value_months"] == pytest.approx(16.4 * 7 / 30.4375)
    assert drug["upper_months"] is None
    assert med.row(1, named=True)["upper_status"] == "not-estimable"  # "4.1 (3.9-NE)"


def test_printed_orr_is_usable_without_level_counts(frame: pl.DataFrame):
    orr = frame.filter(pl.col("section") == "rate", pl.col("variable") == "ORR", pl.col("statistic") == "count")
    rows = {r["cohort"]: r for r in orr.to_dicts()}
    drug, placebo = rows["trial-x-drug"], rows["trial-x-placebo"]
    assert (drug["n"], drug["denominator"], drug["as_printed"], drug["count_basis"]) == (3, 22, True, "printed")
    assert (placebo["n"], placebo["denominator"], placebo["as_printed"], placebo["count_basis"]) == (
        0, 20, False, "implied-by-percentage")
    assert placebo["printed"] == "0%"


def test_level_note_and_assessment_time(frame: pl.DataFrame):
    br = frame.filter(pl.col("variable") == "best_response").sort("level")
    cr = br.filter(pl.col("level") == "CR").row(0, named=True)
    assert cr["level_note"] == "all responses were partial (Results)" and cr["n"] == 0
    assert set(br["time"].to_list()) == {8.0} and set(br["unit"].to_list()) == {"weeks"}


def test_study_level_facts_are_recorded_once_and_never_compared(frame: pl.DataFrame):
    study = frame.filter(pl.col("scope") == "study")
    assert set(study["section"].to_list()) == {"study_baseline"}
    assert set(study["cohort"].to_list()) == {"trial-x-drug"} and set(study["study"].to_list()) == {"TRIAL-X"}
    age = study.filter(pl.col("variable") == "age").row(0, named=True)
    assert (age["value"], age["lower"], age["upper"], age["interval_type"], age["n"]) == (37.0, 18.0, 76.0,
                                                                                        "range", 42)
    sex = study.filter(pl.col("variable") == "sex").sort("level")
    assert sex["denominator"].to_list() == [42, 42] and sex["denominator_origin"].to_list() == ["study_n"] * 2
    assert study["smd_eligible"].to_list() == [False] * study.height
    assert frame.filter(pl.col("section") == "baseline").height == 0  # nothing copied into the arms
    cmp = tc.compare(tc.load(FIXTURE), reference="trial-x-drug")
    assert cmp.smd.height == 0


def test_inconsistent_p_in_a_copy_is_found(tmp_path: Path):
    for f in FIXTURE.glob("*.yaml"):
        (tmp_path / f.name).write_text(f.read_text().replace('p: "P = .017", versus: trial-x-placebo',
                                                             'p: "P = .17", versus: trial-x-placebo'))
    codes = {f.code for f in tc.check(tc.load(tmp_path))}
    assert {"EFF-P-INCONSISTENT", "EFF-ARMS-DISAGREE"} <= codes


def test_an_effect_names_exactly_one_compared_quantity(tmp_path: Path, capsys):
    text = (FIXTURE / "trial-x-placebo.yaml").read_text()
    path = tmp_path / "x.yaml"
    path.write_text(text.replace("{endpoint: PFS, measure: HR", "{endpoint: PFS, outcome: orr, measure: HR"))
    assert main(["validate", str(path)]) == 2
    assert "exactly one of 'endpoint' or 'outcome'" in capsys.readouterr().err
    path.write_text(text.replace("{endpoint: PFS, measure: HR", "{outcome: pfs_8x, measure: HR"))
    assert main(["validate", str(path)]) == 2
    assert "unknown outcome 'pfs_8x'" in capsys.readouterr().err


def test_a_study_block_needs_its_arm(tmp_path: Path, capsys):
    text = (FIXTURE / "trial-x-drug.yaml").read_text()
    path = tmp_path / "x.yaml"
    path.write_text(text.replace("study:\n  id: TRIAL-X", "study:\n  id: TRIAL-Y"))
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    line = next(i for i, ln in enumerate(path.read_text().splitlines(), 1) if "TRIAL-Y" in ln)
    assert f":{line}:" in err and "is not design.arm_of.study" in err


def test_arms_scaffold_loads_but_does_not_validate_clean(tmp_path: Path, capsys, monkeypatch):
    texts = scaffold_arms("sarc024", 2)
    assert list(texts) == ["sarc024-experimental", "sarc024-control"]
    assert "\neffects:" in texts["sarc024-experimental"] and "\neffects:" not in texts["sarc024-control"]
    assert "\nstudy:" in texts["sarc024-experimental"] and "\nstudy:" not in texts["sarc024-control"]
    assert "arm_of: {study: SARC024, arm: control, randomised: true}" in texts["sarc024-control"]
    assert main(["new", "sarc024", "--arms", "2", "-o", str(tmp_path)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sarc024-control.yaml", "sarc024-experimental.yaml"]
    capsys.readouterr()
    assert main(["validate", str(tmp_path), "--json"]) == 1
    findings = json.loads(capsys.readouterr().out)["findings"]
    assert {f["code"] for f in findings} == {"PLACEHOLDER"}
    assert {f["cohort"] for f in findings} == {"sarc024-experimental", "sarc024-control"}
    assert main(["new", "sarc024", "--arms", "2", "-o", str(tmp_path)]) == 2  # never overwrites
    assert main(["new", "sarc024", "--arms", "1", "-o", str(tmp_path)]) == 2


def test_arms_scaffold_with_placeholders_filled_validates(tmp_path: Path):
    for cid, text in scaffold_arms("trial-z", 2).items():
        (tmp_path / f"{cid}.yaml").write_text(text.replace("TODO-", "x-").replace("TODO", "filled"))
    assert [f for f in tc.check(tc.load(tmp_path)) if f.severity == "error"] == []


@pytest.mark.parametrize(("name", "endpoint", "rate", "time", "unit", "months"), [
    ("pfs_8w", "PFS", None, 8.0, "weeks", 56 / 30.4375),
    ("os_12m", "OS", None, 12.0, "months", 12.0),
    ("tte_6m", None, None, 6.0, "months", 6.0),
    ("orr", None, "ORR", None, None, None),
    ("DCR", None, "DCR", None, None, None),
    ("cbr", None, "CBR", None, None, None),
    ("cbr_6m", None, "CBR", 6.0, "months", 6.0),
    ("efs_1y", "EFS", None, 1.0, "years", 12.0),
    ("pfs_4.5m", "PFS", None, 4.5, "months", 4.5),
])
def test_outcome_names(name, endpoint, rate, time, unit, months):
    from trialcompare.outcomes import outcome_name, parse_outcome_name

    o = parse_outcome_name(name)
    assert (o.endpoint, o.rate, o.time, o.unit) == (endpoint, rate, time, unit)
    assert o.months == (None if months is None else pytest.approx(months))
    assert o.compared_endpoint is (name == "tte_6m")
    assert parse_outcome_name(o.name) == o and o.name == name.lower()
    if endpoint:
        assert outcome_name(endpoint, time, unit) == o.name


@pytest.mark.parametrize(("name", "message"), [("pfs", "needs a time point"), ("orr_6m", "only cbr"),
                                                ("xyz_6m", "unknown outcome"), ("pfs_8x", "unknown outcome")])
def test_outcome_names_refused(name, message):
    from trialcompare.outcomes import parse_outcome_name

    with pytest.raises(ValueError, match=message):
        parse_outcome_name(name)


def test_library_printed_orr_as_counts():
    """CABONE's ORR "12% (95% CI 4-26)" of 42 implies 5/42 (the source prints 5/42); lenvatinib's "6.7%" names no
    denominator (the doubt 30 vs 31 is kept): no count is implied, and 6.7% is no whole count of 31."""
    from trialcompare.frame import implied_count

    frame = tc.load(TRIALS / "library").to_frame()
    orr = frame.filter(pl.col("variable") == "ORR", pl.col("statistic") == "count",
                       pl.col("cohort") != "tian2019-apatinib")  # Tian's 25.93% of 27 (7/27): its own library test
    assert orr.select("cohort", "n", "denominator", "as_printed", "count_basis").rows() == [
        ("cabone-cabozantinib", 5, 42, False, "implied-by-percentage")]
    assert implied_count(6.7, 1, 30) == 2 and implied_count(6.7, 1, 31) is None
