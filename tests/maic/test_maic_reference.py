"""MAIC weights, weighted Cox, sandwich OR/RR/RD and STC pinned to R.

Reference values: tests/fixtures/maic_reference.json, written by tests/fixtures/maic_reference.R (base R optim
BFGS for the weights, survival::coxph with weights and robust = TRUE, sandwich::vcovHC on quasi-binomial GLMs,
glm/survreg for the STC). The simulated data sets are stored in the JSON, so these tests never need R.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from trialcompare.maic import (
    maic_weights,
    stc_binary,
    stc_survival,
    weighted_hazard_ratio,
    weighted_odds_ratio,
    weighted_risk_difference,
    weighted_risk_ratio,
)
from trialcompare.maic._effects import _binary_effect
from trialcompare.survival import cox_ph

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "maic_reference.json"
REF = json.loads(FIXTURE.read_text())
CASES = REF["cases"]
IDS = [c["name"] for c in CASES]

CLOSED = 1e-10  # closed forms (sandwich OR/RR/RD given the weights)
ITER = 1e-6  # iterative fits (R optim BFGS stops at |gradient| ~ 1e-7; coxph at its default 1e-9)


def _stacked(case: dict, weights: list[float]) -> tuple[list, list, list, list]:
    d, r = case["data"], case["ref"]
    n0 = len(r["time"])
    arm = [1.0] * len(d["time"]) + [0.0] * n0
    return d["time"] + r["time"], d["event"] + r["event"], arm, list(weights) + [1.0] * n0


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_weights_match_r_optim(case: dict) -> None:
    w = maic_weights(case["data"], case["targets"])
    assert w.converged
    assert w.weights == pytest.approx(case["weights"], rel=ITER)
    assert w.ess == pytest.approx(case["ess"], rel=ITER)
    assert w.rescaled.sum() == pytest.approx(w.n, rel=1e-12)
    assert w.ess == pytest.approx(w.weights.sum() ** 2 / np.sum(w.weights**2), rel=1e-12)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_weighted_moments_equal_targets_and_r(case: dict) -> None:
    w = maic_weights(case["data"], case["targets"])
    bal = {(r["covariate"], r["statistic"]): r for r in w.balance.iter_rows(named=True)}
    for cov, spec in case["targets"].items():
        r_bal = case["balance"][cov]
        x = np.asarray(case["data"][cov])
        assert bal[(cov, "mean" if "mean" in spec else "proportion")]["before"] == pytest.approx(
            r_bal["mean_before"], rel=1e-12)
        for stat, value in spec.items():
            key = "p_above_median" if stat == "median" else stat
            row = bal[(cov, key)]
            target = 0.5 if stat == "median" else value
            assert row["target"] == target
            assert row["after"] == pytest.approx(target, rel=1e-9, abs=1e-12)
            r_after = {"mean": "mean_after", "proportion": "mean_after", "sd": "sd_after",
                       "median": "above_median_after"}[stat]
            assert row["after"] == pytest.approx(r_bal[r_after], rel=ITER)
        assert np.all(np.isfinite(x))


@pytest.mark.parametrize("ties", ["efron", "breslow"])
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_weighted_cox_robust_matches_r_coxph(case: dict, ties: str) -> None:
    ref = case["cox"][ties]
    t, e, arm, w = _stacked(case, case["weights"])  # R's weights: the Cox fit alone is compared
    fit = cox_ph(t, e, arm, ties=ties, weights=w, robust=True)
    assert fit.coef == pytest.approx(ref["coef"], rel=1e-9)
    assert fit.se == pytest.approx(ref["robust_se"], rel=1e-9)
    assert fit.naive_se == pytest.approx(ref["naive_se"], rel=1e-9)
    assert fit.ci_low == pytest.approx(ref["lower"], rel=1e-9)
    assert fit.ci_high == pytest.approx(ref["upper"], rel=1e-9)
    assert fit.loglik[1] == pytest.approx(ref["loglik"][1], rel=1e-10)
    hr = weighted_hazard_ratio(case["data"]["time"], case["data"]["event"], case["weights"], case["ref"]["time"],
                               case["ref"]["event"], ties=ties)
    assert hr == pytest.approx((ref["hr"], ref["lower"], ref["upper"]), rel=1e-9)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_weighted_cox_score_residuals_match_r(case: dict) -> None:
    from trialcompare.survival._cox import _risk_sets, _score_residuals

    t, e, arm, w = _stacked(case, case["weights"])
    fit = cox_ph(t, e, arm, weights=w)
    rs = _risk_sets(np.asarray(t, float), np.asarray(e, float), np.asarray(arm, float))
    resid = np.empty(len(t))
    resid[rs.order] = _score_residuals(fit.coef, rs, np.asarray(w)[rs.order], True)
    assert resid == pytest.approx(case["cox"]["efron"]["score_resid"], rel=1e-8, abs=1e-12)


@pytest.mark.parametrize("ties", ["efron", "breslow"])
def test_weighted_cox_on_lung_matches_r(ties: str) -> None:
    lung = REF["lung"]
    fit = cox_ph(lung["time"], lung["event"], lung["x"], ties=ties, weights=lung["weights"], robust=True)
    ref = lung["cox"][ties]
    assert fit.coef == pytest.approx(ref["coef"], rel=ITER)
    assert fit.se == pytest.approx(ref["robust_se"], rel=ITER)
    assert fit.naive_se == pytest.approx(ref["naive_se"], rel=ITER)


def test_cox_end_to_end_with_python_weights() -> None:
    case = CASES[0]
    w = maic_weights(case["data"], case["targets"])
    d, r = case["data"], case["ref"]
    hr = weighted_hazard_ratio(d["time"], d["event"], w.weights, r["time"], r["event"])
    assert hr.estimate == pytest.approx(case["cox"]["efron"]["hr"], rel=ITER)


@pytest.mark.parametrize("vcov", ["HC0", "HC3"])
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_sandwich_or_rr_rd_match_r_vcovhc(case: dict, vcov: str) -> None:
    ref = case["binary"][vcov]
    y, w, e, n = case["data"]["response"], case["weights"], case["ref"]["events"], case["ref"]["n"]
    for measure, key in (("OR", "or"), ("RR", "rr"), ("RD", "rd")):
        coef, se = _binary_effect(measure, y, w, e, n, vcov)
        assert coef == pytest.approx(ref[f"{key}_coef"], rel=CLOSED)
        assert se == pytest.approx(ref[f"{key}_se"], rel=CLOSED)
    z = 1.959963984540054
    est = weighted_odds_ratio(y, w, e, n, vcov=vcov)
    c, s = ref["or_coef"], ref["or_se"]
    assert est == pytest.approx((math.exp(c), math.exp(c - z * s), math.exp(c + z * s)), rel=CLOSED)
    rr = weighted_risk_ratio(y, w, e, n, vcov=vcov)
    assert rr.estimate == pytest.approx(math.exp(ref["rr_coef"]), rel=CLOSED)
    rd = weighted_risk_difference(y, w, e, n, vcov=vcov)
    assert rd.lower == pytest.approx(ref["rd_coef"] - z * ref["rd_se"], rel=CLOSED)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_stc_matches_r_glm_and_survreg(case: dict) -> None:
    d, s, r = case["data"], case["stc"], case["ref"]
    centre = dict(zip(s["covariates"], s["centre"], strict=True))
    b = stc_binary(d, d["response"], centre, r["events"], r["n"])
    p0 = r["events"] / r["n"]
    assert math.log(b.estimate) + math.log(p0 / (1 - p0)) == pytest.approx(s["logit_intercept"], rel=1e-9)
    var_ref = 1 / r["events"] + 1 / (r["n"] - r["events"])
    assert b.log_se**2 - var_ref == pytest.approx(s["logit_intercept_se"] ** 2, rel=1e-8)
    assert (b.measure, b.scale, b.non_collapsible, b.model) == ("OR", "conditional", True, "logistic")
    h = stc_survival(d, d["time"], d["event"], centre, r["time"], r["event"])
    rate0 = sum(r["event"]) / sum(r["time"])
    assert math.log(h.estimate) + math.log(rate0) == pytest.approx(s["exp_log_rate"], rel=1e-9)
    assert h.log_se**2 - 1 / sum(r["event"]) == pytest.approx(s["exp_log_rate_se"] ** 2, rel=1e-8)
    assert h.non_collapsible and h.measure == "HR" and "prognostic" in h.assumption
