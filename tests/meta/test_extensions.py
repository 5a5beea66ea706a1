"""Issue 23 against R metafor 3.8 (tests/fixtures/meta_extensions.R → meta_extensions.json).

Equal effects, the GLMM edge case, meta-regression, subgroups and small-study effects. Closed forms and the
tightly iterated fits of the fixture are compared at 1e-6 relative (absolute floor 1e-9).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from trialcompare.meta import (
    MetaError,
    egger_test,
    meta_regression,
    pool_effects,
    pool_proportions,
    rank_test,
    subgroup_analysis,
    trim_and_fill,
)

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "meta_extensions.json"
REF: dict[str, Any] = json.loads(FIXTURE.read_text())
TOL = {"rel": 1e-6, "abs": 1e-9}
MEASURE = {"PLO": "logit", "PAS": "arcsine", "PFT": "freeman-tukey", "PR": "raw"}
TAU2_METHODS = ("REML", "DL", "PM", "ML", "SJ", "HE", "HS", "EB")


def _vec(x: Any) -> list[float]:
    return [] if x is None else [float(v) for v in np.atleast_1d(x)]


# --------------------------------------------------------------------------------------------------
# equal effects
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", REF["ee"], ids=lambda c: f"{c['data']}-{c['measure']}-{c['test']}")
def test_equal_effects_matches_rma_ee(case: dict[str, Any]) -> None:
    if case["data"] == "bcg":
        r = pool_effects(case["yi"], case["vi"], method="EE", test=case["test"])
    else:
        r = pool_proportions(case["events"], case["totals"], transform=MEASURE[case["measure"]], method="EE",
                             test=case["test"])  # fmt: skip
    assert r.tau2 == 0.0 and r.method == "EE"
    for name, got in (("estimate", r.estimate), ("se", r.se), ("ci_low", r.ci[0]), ("ci_high", r.ci[1]),
                      ("q", r.q), ("q_p", r.q_p), ("i2", r.i2), ("h2", r.h2)):  # fmt: skip
        assert got == pytest.approx(case[name], **TOL), name
    assert case["pi_low"] == {} and r.pi == r.ci  # predict() of an EE model has no prediction interval: τ² = 0
    assert r.tau2_ci is None and r.i2_ci is None
    assert "equal effects" in r.summary()


def test_equal_effects_weights_are_inverse_variance() -> None:
    """Hand derivation: weights 1/v = (100, 50, 25) → estimate (10 + 15 + 12.5)/175."""
    r = pool_effects([0.1, 0.3, 0.5], [0.01, 0.02, 0.04], method="EE")
    assert r.estimate == pytest.approx(37.5 / 175, rel=1e-12)
    assert r.se == pytest.approx(175**-0.5, rel=1e-12)
    assert r.studies["weight"].to_list() == pytest.approx([400 / 7, 200 / 7, 100 / 7], rel=1e-12)


@pytest.mark.parametrize("method", (*TAU2_METHODS, "EE"))
def test_intercept_only_regression_equals_pool_effects(method: str) -> None:
    """Two implementations: meta_regression's p-coefficient τ² formulas with X = 1 against pool_effects' weight-sum
    formulas (pinned to metafor in test_pool.py for every method), on dat.bcg."""
    d = REF["metareg_data"]
    r = meta_regression(d["yi"], d["vi"], {}, method=method)
    p = pool_effects(d["yi"], d["vi"], method=method)
    assert r.tau2 == pytest.approx(p.tau2, rel=1e-9, abs=1e-12)
    assert r.coefficients["estimate"][0] == pytest.approx(p.estimate, rel=1e-9)
    assert r.coefficients["se"][0] == pytest.approx(p.se, rel=1e-9)
    assert (r.i2, r.h2, r.qe) == pytest.approx((p.i2, p.h2, p.q), rel=1e-9)
    assert r.r2 is None and np.isnan(r.qm)


# --------------------------------------------------------------------------------------------------
# GLMM edge case (issue 23 item 6)
# --------------------------------------------------------------------------------------------------


def test_glmm_with_one_patient_per_study_matches_metafor() -> None:
    ref = REF["glmm_edge"]
    r = pool_proportions(ref["events"], ref["totals"], method="GLMM")
    assert r.estimate == pytest.approx(ref["estimate"], rel=1e-6)
    assert r.se == pytest.approx(ref["se"], rel=1e-6)
    assert r.tau2 == pytest.approx(ref["tau2"], abs=1e-9)
    assert r.converged
    # hand derivation: logit(3/4) and 1/sqrt(n p (1 - p)) with n = 4, p = 3/4
    assert r.estimate == pytest.approx(np.log(3.0), rel=1e-12)
    assert r.se == pytest.approx((4 * 0.75 * 0.25) ** -0.5, rel=1e-12)


# --------------------------------------------------------------------------------------------------
# meta-regression
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", REF["metareg"], ids=lambda c: f"{c['method']}-{c['test']}")
def test_meta_regression_matches_rma_mods(case: dict[str, Any]) -> None:
    d = REF["metareg_data"]
    r = meta_regression(d["yi"], d["vi"], {"ablat": d["ablat"], "alloc": d["alloc"]}, method=case["method"],
                        test=case["test"])  # fmt: skip
    c = r.coefficients
    assert c["term"].to_list() == case["terms"]
    for col in ("estimate", "se", "statistic", "p", "ci_low", "ci_high"):
        assert c[col].to_list() == pytest.approx(case[col], **TOL), col
    for name in ("tau2", "i2", "h2", "qm", "qm_p", "qe", "qe_p"):
        assert getattr(r, name) == pytest.approx(case[name], **TOL), name
    assert list(r.qm_df) == _vec(case["qm_df"])
    assert r.r2 == pytest.approx(case["r2"], **TOL)


@pytest.mark.parametrize("case", REF["permutation"], ids=lambda c: f"{c['method']}-{c['test']}")
def test_exact_permutation_test_matches_permutest(case: dict[str, Any]) -> None:
    r = meta_regression(case["yi"], case["vi"], {"ablat": case["ablat"]}, method=case["method"], test=case["test"],
                        permutations=1000)  # fmt: skip
    assert r.permutation is not None and r.permutation.exact
    assert r.permutation.n == case["n"] == 360  # 6!/2!: two trials share ablat = 44
    assert r.permutation.p == pytest.approx(case["p"], rel=1e-12)
    assert r.permutation.qm_p == pytest.approx(case["qm_p"], rel=1e-12)


def test_random_permutations_are_reproducible() -> None:
    d = REF["metareg_data"]
    a = meta_regression(d["yi"], d["vi"], {"ablat": d["ablat"]}, permutations=200, seed=7)
    b = meta_regression(d["yi"], d["vi"], {"ablat": d["ablat"]}, permutations=200, seed=7)
    assert a.permutation == b.permutation and a.permutation is not None and not a.permutation.exact
    assert a.permutation.n == 200 and 1 / 200 <= a.permutation.qm_p <= 1  # the observed order is one of them


def test_meta_regression_refuses_too_few_studies() -> None:
    with pytest.raises(ValueError, match="more studies than coefficients"):
        meta_regression([0.1, 0.2], [0.01, 0.01], {"x": [1.0, 2.0]})
    with pytest.raises(ValueError, match="not of full rank"):
        meta_regression([0.1, 0.2, 0.3, 0.4], [0.01] * 4, {"x": [1.0, 2, 3, 4], "z": [2.0, 4, 6, 8]})


# --------------------------------------------------------------------------------------------------
# subgroups
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", REF["subgroup"], ids=lambda c: f"{c['by']}-{c['method']}-{c['test']}")
def test_subgroup_analysis_both_tests(case: dict[str, Any]) -> None:
    r = subgroup_analysis(case["events"], case["totals"], case["groups"], method=case["method"], test=case["test"])
    for per in case["per"]:
        got = r.results[per["group"]]
        assert got.k == per["k"]
        assert got.estimate == pytest.approx(per["estimate"], **TOL)
        assert got.se == pytest.approx(per["se"], **TOL)
        assert got.tau2 == pytest.approx(per["tau2"], **TOL)
    assert r.q_between == pytest.approx(case["q_between"], **TOL)
    assert r.df == case["df"] and r.p == pytest.approx(case["p"], **TOL)
    assert r.mixed is not None
    assert r.mixed.qm == pytest.approx(case["qm"], **TOL)
    assert list(r.mixed.qm_df) == _vec(case["qm_df"])
    assert r.mixed.qm_p == pytest.approx(case["qm_p"], **TOL)
    assert r.mixed.tau2 == pytest.approx(case["tau2_common"], **TOL)
    small = {g: n for g, n in zip(r.table["group"], r.table["k"], strict=True) if n < 3}
    assert (r.caveat is None) == (not small)


def test_subgroup_result_unpacks_as_before() -> None:
    results, q, df, p = subgroup_analysis([4, 6, 9, 12, 3, 5], [20, 22, 25, 30, 18, 21], list("aabbab"))
    assert set(results) == {"a", "b"} and df == 1 and 0 <= p <= 1 and q >= 0


# --------------------------------------------------------------------------------------------------
# small-study effects
# --------------------------------------------------------------------------------------------------

SMALL = [(s, key) for s in REF["small"] for key in s["regtest"]]


@pytest.mark.parametrize(("case", "key"), SMALL, ids=[f"{s['name']}-{k}" for s, k in SMALL])
def test_egger_matches_regtest(case: dict[str, Any], key: str) -> None:
    method, test = key.split("_")
    ref = case["regtest"][key]
    r = egger_test(case["yi"], case["vi"], method=method, test=test)
    assert r.statistic == pytest.approx(ref["statistic"], **TOL)
    assert r.p == pytest.approx(ref["p"], **TOL)
    assert r.limit_estimate == pytest.approx(ref["est"], **TOL)
    assert r.limit_ci == pytest.approx((ref["ci_low"], ref["ci_high"]), **TOL)
    assert r.df == (ref["df"] if test == "knha" else None)
    k = len(case["yi"])
    assert r.caveat == (None if k >= 10 else {"code": "too-few-studies", "k": k, "min_k": 10})


@pytest.mark.parametrize(("case", "key"), SMALL, ids=[f"{s['name']}-{k}" for s, k in SMALL])
def test_trim_and_fill_matches_trimfill(case: dict[str, Any], key: str) -> None:
    method, test = key.split("_")
    ref = case["trimfill"][key]
    r = trim_and_fill(case["yi"], case["vi"], method=method, test=test)
    assert (r.k0, r.side) == (ref["k0"], ref["side"])
    assert r.se_k0 == pytest.approx(ref["se_k0"], **TOL)
    assert r.adjusted.estimate == pytest.approx(ref["estimate"], **TOL)
    if test == "z":  # metafor's trimfill refits with test = "z" whatever the input model's test
        assert r.adjusted.se == pytest.approx(ref["se"], **TOL)
        assert r.adjusted.ci == pytest.approx((ref["ci_low"], ref["ci_high"]), **TOL)
    else:
        assert r.adjusted.test == "knha"
    assert r.adjusted.tau2 == pytest.approx(ref["tau2"], **TOL)
    assert r.filled["yi"].to_list() == pytest.approx(_vec(ref["filled_yi"]), **TOL)
    assert r.filled["vi"].to_list() == pytest.approx(_vec(ref["filled_vi"]), **TOL)


@pytest.mark.parametrize("case", REF["small"], ids=lambda s: s["name"])
def test_trim_and_fill_r0_and_rank_test(case: dict[str, Any]) -> None:
    ref = case["trimfill_R0"]
    r = trim_and_fill(case["yi"], case["vi"], estimator="R0")
    assert (r.k0, r.side) == (ref["k0"], ref["side"])
    assert r.se_k0 == pytest.approx(ref["se_k0"], **TOL)
    assert r.adjusted.estimate == pytest.approx(ref["estimate"], **TOL)
    rk = rank_test(case["yi"], case["vi"])
    assert rk.tau == pytest.approx(case["ranktest"]["tau"], **TOL)
    assert rk.p == pytest.approx(case["ranktest"]["p"], **TOL)


def test_small_study_tests_refuse_when_undefined() -> None:
    for f in (egger_test, rank_test, trim_and_fill):
        with pytest.raises(MetaError, match="at least 3 studies"):
            f([0.1, 0.2], [0.01, 0.02])
