"""Family 8: between-arm effects (P from the CI, log-scale symmetry, the other arm), study facts, placeholders."""

from __future__ import annotations

import math
from typing import Any

import pytest

from trialcompare.checks.effects import p_from_ci

ARM = {"type": "prospective", "at": "Methods"}


def _arm(cohort, cid: str, arm: str, effects: list[dict[str, Any]] | None = None, study_id: str = "TRIAL-X",
         randomised: bool = True, **parts: Any):
    design = ARM | {"arm_of": {"study": study_id, "arm": arm, "randomised": randomised}}
    return cohort(cid, n=20, design=design, effects=effects or [], **parts)


def _effect(value: str = "0.42 (95% CI 0.21-0.85)", p: str | None = "P = .017", versus: str = "arm-b",
            **extra: Any) -> dict[str, Any]:
    e = {"endpoint": "PFS", "measure": "HR", "value": value, "versus": versus, "at": "Abstract", **extra}
    return e | ({"p": p} if p is not None else {})


def _pair(cohort, a_effects, b_effects=None, **kw):
    return _arm(cohort, "arm-a", "drug", a_effects, **kw), _arm(cohort, "arm-b", "placebo", b_effects, **kw)


def test_worked_example_of_the_docstring():
    """HR 0.42 (95% CI 0.21-0.85): SE = (ln .85 - ln .21)/3.92 = 0.357, z = -2.43, P = 0.015."""
    se = (math.log(0.85) - math.log(0.21)) / (2 * 1.959964)
    assert se == pytest.approx(0.3567, abs=1e-4)
    assert math.log(0.42) / se == pytest.approx(-2.432, abs=1e-3)
    assert p_from_ci(0.42, 0.21, 0.85, "HR") == pytest.approx(0.0150, abs=1e-4)
    # a difference on the natural scale: MD 2.0 (95% CI 0.04-3.96) has SE 1, z 2, P 0.0455
    assert p_from_ci(2.0, 0.04, 3.96, "MD") == pytest.approx(0.0455, abs=1e-4)


def test_consistent_pair_is_clean(cohort, run):
    a, b = _pair(cohort, [_effect()], [_effect("2.4 (95% CI 1.2-4.8)", versus="arm-a")])
    assert run(a, b, prefix="EFF") == []


@pytest.mark.parametrize(("p", "flagged"), [("P = .017", False), ("P = .17", True), ("p<0.001", True),
                                              ("p < 0.05", False), ("0.008 (one-sided)", False),
                                              ("0.02 (one-sided)", True)])
def test_p_value_against_the_interval(cohort, run, p, flagged):
    a, b = _pair(cohort, [_effect(p=p)])
    codes = [f.code for f in run(a, b, prefix="EFF")]
    assert (codes == ["EFF-P-INCONSISTENT"]) is flagged, codes


def test_p_of_a_difference(cohort, run):
    a, b = _pair(cohort, [_effect("2.0 (95% CI 0.04-3.96)", "P = 0.05", measure="MD")])
    assert run(a, b, prefix="EFF") == []
    a, b = _pair(cohort, [_effect("2.0 (95% CI 0.04-3.96)", "P = 0.5", measure="MD")])
    assert [f.code for f in run(a, b, prefix="EFF")] == ["EFF-P-INCONSISTENT"]


def test_asymmetric_ratio_interval_is_a_typo(cohort, run):
    a, b = _pair(cohort, [_effect("0.42 (95% CI 0.21-8.5)", p=None)])
    found = run(a, b, prefix="EFF")
    assert [f.code for f in found] == ["EFF-ASYMMETRIC"]
    assert "0.21-8.5" in found[0].message and found[0].severity == "warning"


def test_symmetry_allows_rounding(cohort, run):
    # 0.5 (0.3-0.8): ln-centre 0.49, inside the rounding of a one-decimal print
    a, b = _pair(cohort, [_effect("0.5 (95% CI 0.3-0.8)", p=None)])
    assert run(a, b, prefix="EFF") == []


def test_ratio_must_be_positive_and_estimate_inside(cohort, run):
    a, b = _pair(cohort, [_effect("0.00 (95% CI 0.00-0.85)", p=None)])
    assert "EFF-RATIO-NONPOSITIVE" in [f.code for f in run(a, b, prefix="EFF")]
    a, b = _pair(cohort, [_effect("0.95 (95% CI 0.21-0.85)", p=None)])
    assert "INT-OUTSIDE" in [f.code for f in run(a, b, prefix="INT")]


def test_versus_must_be_the_other_arm_of_the_same_study(cohort, run):
    a = _arm(cohort, "arm-a", "drug", [_effect()])
    b = _arm(cohort, "arm-b", "placebo", study_id="OTHER")
    found = run(a, b, prefix="EFF-VERSUS")
    assert [f.code for f in found] == ["EFF-VERSUS-OTHER-STUDY"] and "OTHER" in found[0].message
    a = _arm(cohort, "arm-a", "drug", [_effect(versus="arm-z")])
    assert [f.code for f in run(a, prefix="EFF-VERSUS")] == ["EFF-VERSUS-UNKNOWN"]
    a = _arm(cohort, "arm-a", "drug", [_effect(versus="arm-a")])
    assert [f.code for f in run(a, prefix="EFF-VERSUS")] == ["EFF-VERSUS-SELF"]
    single = cohort("arm-c", effects=[_effect(versus="arm-b")])
    assert [f.code for f in run(single, b, prefix="EFF-VERSUS")] == ["EFF-VERSUS-OTHER-STUDY"]


def test_not_randomised_is_said(cohort, run):
    a, b = _pair(cohort, [_effect()], randomised=False)
    assert [(f.code, f.severity) for f in run(a, b, prefix="EFF")] == [("EFF-NOT-RANDOMISED", "info")]


@pytest.mark.parametrize(("theirs", "what"), [("2.4 (95% CI 1.2-4.8)", None), ("0.42 (95% CI 0.21-0.85)", "estimate"),
                                               ("2.4 (95% CI 1.5-4.8)", "upper bound (against the other's lower)")])
def test_effect_printed_in_both_arms_agrees(cohort, run, theirs, what):
    a, b = _pair(cohort, [_effect(p=None)], [_effect(theirs, p=None, versus="arm-a")])
    found = [f for f in run(a, b, prefix="EFF") if f.code == "EFF-ARMS-DISAGREE"]
    assert (what is None and found == []) or (what in found[0].message and "inverse" in found[0].message)


def test_differences_agree_when_negated(cohort, run):
    rd = {"measure": "RD", "p": None}
    a, b = _pair(cohort, [_effect("0.25 (95% CI 0.05-0.45)", **rd)],
                 [_effect("-0.25 (95% CI -0.45 to -0.05)", versus="arm-a", **rd)])
    assert run(a, b, prefix="EFF-ARMS") == []
    a, b = _pair(cohort, [_effect("0.25 (95% CI 0.05-0.45)", **rd)],
                 [_effect("0.25 (95% CI 0.05-0.45)", versus="arm-a", **rd)])
    assert [f.code for f in run(a, b, prefix="EFF-ARMS")] == ["EFF-ARMS-DISAGREE"]


def test_study_facts_written_once(cohort, run):
    study = {"id": "TRIAL-X", "n": 40, "at": "Table 1",
             "baseline": [{"variable": "age", "kind": "median", "value": "37", "at": "Table 1"}]}
    a, b = _arm(cohort, "arm-a", "drug", study=study), _arm(cohort, "arm-b", "placebo", study=study)
    assert [f.code for f in run(a, b, prefix="STUDY")] == ["STUDY-RECORDED-TWICE"]
    b = _arm(cohort, "arm-b", "placebo")
    assert run(a, b, prefix="STUDY") == []


def test_placeholders_are_findings(cohort, run):
    path = cohort("demo", regimen={"text": "TODO: the regimen as printed"})
    found = run(path, prefix="PLACEHOLDER")
    assert [(f.code, f.severity, f.field) for f in found] == [("PLACEHOLDER", "error", "regimen.text")]


def test_rate_not_a_count_and_unit_ignored(cohort, run):
    path = cohort("demo", n=31, rates=[{"name": "ORR", "value": "6.7%", "denominator": 31, "at": "Abstract"}])
    found = run(path, prefix="RATE")
    assert [f.code for f in found] == ["RATE-NOT-A-COUNT"] and "2/31 = 6.45%" in found[0].message
    path = cohort("demo", n=30, rates=[{"name": "ORR", "value": "6.7%", "denominator": 30, "at": "Abstract"}])
    assert run(path, prefix="RATE") == []
    ep = {"name": "PFS", "reports": [{"statistic": "rate", "months": 8, "unit": "weeks", "value": "50%",
                                      "at": "Abstract"}]}
    path = cohort("demo", endpoints=[ep])
    found = run(path, prefix="RATE")
    assert [f.code for f in found] == ["RATE-UNIT-IGNORED"] and "time: 8, unit: weeks" in found[0].message


def test_printed_rate_against_level_counts(cohort, run, entry):
    br = entry("best_response", {"CR": "0", "PR": "3", "SD": "10", "PD": "9"}, at="Table 2")
    ok = cohort("demo", n=22, outcomes=[br], rates=[{"name": "ORR", "value": "3/22", "at": "Table 2"}])
    assert run(ok, prefix="RATE") == []
    bad = cohort("demo", n=22, outcomes=[br], rates=[{"name": "ORR", "value": "4/22", "at": "Table 2"}])
    assert [f.code for f in run(bad, prefix="RATE")] == ["RATE-MISMATCH"]
    pct = cohort("demo", n=22, outcomes=[br],
                 rates=[{"name": "ORR", "value": "18.2%", "denominator": 22, "at": "Table 2"}])
    found = run(pct, prefix="RATE")
    assert [f.code for f in found] == ["RATE-MISMATCH"]  # the implied count row is not checked twice
