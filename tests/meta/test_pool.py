"""trialcompare.meta against R metafor 3.8-1 (tests/fixtures/meta_reference.R → meta_reference.json).

Tolerances (relative, with a small absolute floor for values near 0):
1e-6 for closed forms (DL, HE, HS, SJ, transforms, Q, I² from closed-form τ²), 1e-4 for iterative fits
against metafor's default stopping rules, 1e-6 against the same fits rerun in R with a tight tolerance
(``control = list(threshold = 1e-12)`` / ``tol = 1e-12``), 1e-3 for the GLMM (lme4 glmer, nAGQ = 7).
"""

from __future__ import annotations

import contextlib
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest

from trialcompare.meta import (
    MetaResult,
    back_transform,
    pool_effects,
    pool_proportions,
    subgroup_analysis,
    transform_proportions,
)

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "meta_reference.json"
REF: dict[str, Any] = json.loads(FIXTURE.read_text())
_VECTOR_KEYS = {"events", "totals", "yi", "vi"}


def _unbox_vectors(node: Any) -> None:
    """jsonlite's auto_unbox writes length-1 vectors (k = 1) as scalars; make them lists again."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in _VECTOR_KEYS and not isinstance(value, list):
                node[key] = [value]
            else:
                _unbox_vectors(value)


_unbox_vectors(REF)
MEASURE_TO_TRANSFORM = {"PLO": "logit", "PAS": "arcsine", "PFT": "freeman-tukey", "PR": "raw"}
ITERATIVE = {"REML", "ML", "PM", "EB"}
TIGHT = {"rel": 1e-6, "abs": 1e-9}
CLOSED = {"rel": 1e-6, "abs": 1e-9}
LOOSE = {"rel": 1e-4, "abs": 1e-5}
QPROFILE_DEFAULT = {"rel": 1e-4, "abs": 2e-4}  # metafor's uniroot tol is eps^0.25 ≈ 1.2e-4 on τ²
GLMM_TOL = {"rel": 1e-3, "abs": 1e-3}


def _num(x: Any) -> float:
    return float("nan") if x is None else float(x)


def _approx(expected: Any, tol: dict[str, float]) -> Any:
    if isinstance(expected, list):
        return pytest.approx([_num(e) for e in expected], nan_ok=True, **tol)
    return pytest.approx(_num(expected), nan_ok=True, **tol)


# metafor's Paule-Mandel uses uniroot(tol = eps^0.25 ≈ 1.2e-4) on τ², so its default output is only that
# accurate; the tight-tolerance rerun is compared at 1e-6.
PM_DEFAULT = {"rel": 5e-4, "abs": 2e-4}


def _tol(method: str) -> dict[str, float]:
    if method == "PM":
        return PM_DEFAULT
    return LOOSE if method in ITERATIVE else CLOSED


def _prop_cases() -> list[Any]:
    cases = []
    for name, data in REF["proportions"].items():
        for measure, entry in data["measures"].items():
            for key in entry["fits"]:
                method, test = key.split("/")
                cases.append(pytest.param(name, measure, method, test, id=f"{name}-{measure}-{method}-{test}"))
    return cases


def _fit_proportions(name: str, measure: str, method: str, test: str) -> MetaResult:
    data = REF["proportions"][name]
    with pytest.warns(UserWarning) if (len(data["events"]) == 1 and test == "knha") else contextlib.nullcontext():
        return pool_proportions(
            data["events"], data["totals"], transform=MEASURE_TO_TRANSFORM[measure], method=method, test=test
        )


def _check_summary(res: MetaResult, ref: dict[str, Any], tol: dict[str, float]) -> None:
    assert res.k == ref["k"]
    assert res.test == ref["test"]
    assert res.estimate == _approx(ref["estimate"], tol)
    assert res.se == _approx(ref["se"], tol)
    assert list(res.ci) == _approx([ref["ci_low"], ref["ci_high"]], tol)
    assert list(res.pi) == _approx([ref["pi_low"], ref["pi_high"]], tol)
    assert res.tau2 == _approx(ref["tau2"], tol)
    assert res.tau2 >= 0.0
    assert res.q == _approx(ref["q"], CLOSED)
    assert res.q_p == _approx(ref["q_p"], CLOSED)
    # I² and H² carry the τ² error divided by the typical variance vt (≈ 1/(4n) on the arcsine scales);
    # for metafor's loose default Paule-Mandel root, scale the absolute tolerance accordingly.
    vt = res.tau2 / (res.h2 - 1.0) if res.h2 > 1.0 + 1e-12 else 1.0
    scaled = {"rel": tol["rel"], "abs": tol["abs"] / min(vt, 1.0)} if tol is PM_DEFAULT else tol
    assert res.i2 == _approx(ref["i2"], {"rel": tol["rel"], "abs": 100 * scaled["abs"]})
    assert res.h2 == _approx(ref["h2"], scaled)


def _check_confint(res: MetaResult, ref: dict[str, Any]) -> None:
    if res.k == 1:
        assert res.tau2_ci is None and res.i2_ci is None and res.h2_ci is None
        return
    # metafor's default uniroot tolerance (≈1.2e-4 on τ²) is amplified by 1/vt in I² and H², so those
    # are compared with the tight-tolerance rerun only.
    assert list(res.tau2_ci) == _approx(ref["confint"]["tau2"][1:], QPROFILE_DEFAULT)
    tight = ref["confint_tight"]
    assert list(res.tau2_ci) == _approx(tight["tau2"][1:], TIGHT)
    assert list(res.i2_ci) == _approx(tight["i2"][1:], TIGHT)
    assert list(res.h2_ci) == _approx(tight["h2"][1:], TIGHT)


# ------------------------------------------------------------------------------------------------
# escalc transforms
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(REF["proportions"]))
@pytest.mark.parametrize("measure", list(MEASURE_TO_TRANSFORM))
def test_transform_matches_escalc(name: str, measure: str) -> None:
    data = REF["proportions"][name]
    entry = data["measures"][measure]
    yi, vi = transform_proportions(data["events"], data["totals"], MEASURE_TO_TRANSFORM[measure])
    assert list(yi) == _approx(entry["yi"], CLOSED)
    assert list(vi) == _approx(entry["vi"], CLOSED)


def test_continuity_correction_only_for_logit_and_raw() -> None:
    """escalc default add=1/2, to="only0" for PLO/PR; PAS/PFT use add=0 (checked in metafor's escalc)."""
    yi, vi = transform_proportions([0, 5], [10, 10], "logit")
    assert yi[0] == pytest.approx(math.log(0.5 / 10.5))
    assert vi[0] == pytest.approx(1 / 0.5 + 1 / 10.5)
    assert vi[1] == pytest.approx(1 / 5 + 1 / 5)  # untouched study
    yi, _ = transform_proportions([0, 5], [10, 10], "raw")
    assert yi[0] == pytest.approx(0.5 / 11)
    yi, vi = transform_proportions([0], [10], "arcsine")
    assert yi[0] == 0.0 and vi[0] == pytest.approx(1 / 40)


# ------------------------------------------------------------------------------------------------
# rma(): estimates, predict(), confint()
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "measure", "method", "test"), _prop_cases())
def test_pool_proportions_matches_rma(name: str, measure: str, method: str, test: str) -> None:
    ref = REF["proportions"][name]["measures"][measure]["fits"][f"{method}/{test}"]
    res = _fit_proportions(name, measure, method, test)
    _check_summary(res, ref, _tol(method))
    if "tight" in ref:
        _check_summary(res, ref["tight"], TIGHT)
    _check_confint(res, ref)
    expected = list(ref["proportion"])
    if measure == "PR":  # trialcompare clips raw proportions to [0, 1]; metafor does not
        expected = list(np.clip(np.array(expected, dtype=float), 0.0, 1.0))
    assert list(res.proportion) == _approx(expected, _tol(method))


@pytest.mark.parametrize(
    ("name", "measure", "method", "test"),
    [c for c in _prop_cases() if "loo" in REF["proportions"][c.values[0]]["measures"][c.values[1]]["fits"][
        f"{c.values[2]}/{c.values[3]}"]],
)  # fmt: skip
def test_leave_one_out_and_influence_match_metafor(name: str, measure: str, method: str, test: str) -> None:
    ref = REF["proportions"][name]["measures"][measure]["fits"][f"{method}/{test}"]["loo"]
    res = _fit_proportions(name, measure, method, test)
    _check_loo(res, ref, _tol(method))


def _check_loo(res: MetaResult, ref: dict[str, Any], tol: dict[str, float]) -> None:
    loo = res.leave_one_out()
    assert loo.height == res.k
    assert loo["study"].to_list() == res.studies["label"].to_list()
    for col, key in [("estimate", "estimate"), ("se", "se"), ("ci_low", "ci_low"), ("ci_high", "ci_high"),
                     ("q", "q"), ("q_p", "q_p"), ("tau2", "tau2"), ("i2", "i2"), ("h2", "h2")]:  # fmt: skip
        assert loo[col].to_list() == _approx(ref[key], {**tol, "abs": max(tol["abs"], 1e-6)}), col
    inf = res.influence()
    assert inf.columns == ["study", "rstudent", "cooks_distance", "hat", "weight"]
    for col, key in [("rstudent", "rstudent"), ("cooks_distance", "cooks_distance"), ("hat", "hat"),
                     ("weight", "weight")]:  # fmt: skip
        assert inf[col].to_list() == _approx(ref[key], {**tol, "abs": max(tol["abs"], 1e-6)}), col


# ------------------------------------------------------------------------------------------------
# generic effects: dat.bcg log risk ratios
# ------------------------------------------------------------------------------------------------

BCG = REF["effects"]


@pytest.mark.parametrize("key", list(BCG["fits"]))
def test_pool_effects_bcg_matches_rma(key: str) -> None:
    method, test = key.split("/")
    ref = BCG["fits"][key]
    res = pool_effects(BCG["yi"], BCG["vi"], method=method, test=test, labels=BCG["labels"])
    assert res.proportion is None and res.transform is None
    _check_summary(res, ref, _tol(method))
    if "tight" in ref:
        _check_summary(res, ref["tight"], TIGHT)
    _check_confint(res, ref)
    _check_loo(res, ref["loo"], _tol(method))


# ------------------------------------------------------------------------------------------------
# GLMM: rma.glmm(measure = "PLO")
# ------------------------------------------------------------------------------------------------

GLMM_OK = [name for name, g in REF["glmm"].items() if g.get("error") is None]


@pytest.mark.parametrize("name", GLMM_OK)
def test_glmm_matches_rma_glmm(name: str) -> None:
    ref = REF["glmm"][name]
    res = pool_proportions(ref["events"], ref["totals"], method="GLMM")
    assert res.converged
    assert res.estimate == _approx(ref["estimate"], GLMM_TOL)
    assert res.se == _approx(ref["se"], GLMM_TOL)
    assert list(res.ci) == _approx([ref["ci_low"], ref["ci_high"]], GLMM_TOL)
    assert list(res.pi) == _approx([ref["pi_low"], ref["pi_high"]], GLMM_TOL)
    assert res.tau2 == _approx(ref["tau2"], GLMM_TOL)
    assert res.i2 == _approx(ref["i2"], {"rel": 1e-3, "abs": 0.05})
    assert res.h2 == _approx(ref["h2"], GLMM_TOL)
    assert res.q == _approx(ref["q_lrt"], CLOSED)
    assert res.q_p == _approx(ref["q_p_lrt"], CLOSED)
    assert list(res.proportion) == _approx(ref["proportion"], GLMM_TOL)
    assert res.tau2_ci is None


@pytest.mark.parametrize("name", [n for n in GLMM_OK if "loo" in REF["glmm"][n]])
def test_glmm_leave_one_out_matches_refits(name: str) -> None:
    ref = REF["glmm"][name]
    loo = pool_proportions(ref["events"], ref["totals"], method="GLMM").leave_one_out()
    assert loo["estimate"].to_list() == _approx(ref["loo"]["estimate"], GLMM_TOL)
    assert loo["se"].to_list() == _approx(ref["loo"]["se"], GLMM_TOL)
    assert loo["tau2"].to_list() == _approx(ref["loo"]["tau2"], GLMM_TOL)


def test_glmm_wald_heterogeneity_without_zero_cells() -> None:
    ref = REF["glmm"]["debruin2009"]
    res = pool_proportions(ref["events"], ref["totals"], method="GLMM")
    assert res.q_wald == _approx(ref["q_wald"], {"rel": 1e-6, "abs": 1e-6})


@pytest.mark.parametrize("name", [n for n, g in REF["glmm"].items() if g.get("error") is not None])
def test_glmm_without_finite_mle_raises(name: str) -> None:
    """metafor errors here too (fixture records its message)."""
    from trialcompare.meta import MetaError

    ref = REF["glmm"][name]
    with pytest.raises(MetaError):
        pool_proportions(ref["events"], ref["totals"], method="GLMM")


# ------------------------------------------------------------------------------------------------
# subgroup differences
# ------------------------------------------------------------------------------------------------


def test_subgroup_analysis_matches_fe_rma_on_subgroup_estimates() -> None:
    ref = REF["subgroup"]
    groups, q, df, p = subgroup_analysis(ref["events"], ref["totals"], ref["groups"], method="REML")
    assert set(groups) == set(ref["groups_fit"])
    for g, r in groups.items():
        assert r.estimate == _approx(ref["groups_fit"][g]["estimate"], LOOSE)
        assert r.se == _approx(ref["groups_fit"][g]["se"], LOOSE)
        assert r.tau2 == _approx(ref["groups_fit"][g]["tau2"], LOOSE)
    assert q == _approx(ref["q_between"], LOOSE)
    assert df == ref["df"]
    assert p == _approx(ref["p"], LOOSE)


# ------------------------------------------------------------------------------------------------
# back-transformations
# ------------------------------------------------------------------------------------------------


def test_back_transforms() -> None:
    assert back_transform([0.0], "logit")[0] == 0.5
    assert back_transform([-0.1, np.pi / 4, 2.0], "arcsine").tolist() == pytest.approx([0.0, 0.5, 1.0])
    assert back_transform([-0.2, 0.3, 1.4], "raw").tolist() == [0.0, 0.3, 1.0]
    with pytest.raises(ValueError, match="sample sizes"):
        back_transform([0.5], "freeman-tukey")


def test_freeman_tukey_note_and_inverse() -> None:
    """transf.ipft.hm inverts transf.pft exactly when all n are equal (Miller 1978)."""
    n = np.array([40.0, 40.0])
    p = 0.3
    x = p * n[0]
    t = 0.5 * (np.arcsin(np.sqrt(x / (n[0] + 1))) + np.arcsin(np.sqrt((x + 1) / (n[0] + 1))))
    assert back_transform([t], "freeman-tukey", n)[0] == pytest.approx(p, rel=1e-12)
    res = pool_proportions([12, 20], [40, 50], transform="freeman-tukey", method="DL")
    assert res.back_transform_note is not None and "sensitivity" in res.back_transform_note
    assert pool_proportions([12, 20], [40, 50]).back_transform_note is None


# ------------------------------------------------------------------------------------------------
# edge cases
# ------------------------------------------------------------------------------------------------


def test_k1_has_no_heterogeneity_and_no_qprofile() -> None:
    res = pool_proportions([12], [40], method="REML")
    assert res.k == 1 and res.tau2 == 0.0 and res.q == 0.0 and res.q_p == 1.0 and res.i2 == 0.0
    assert res.tau2_ci is None and res.i2_ci is None and res.h2_ci is None
    assert res.ci == res.pi
    assert "not available" in res.summary()
    from trialcompare.meta import MetaError

    with pytest.raises(MetaError, match="k = 1"):
        res.leave_one_out()
    with pytest.raises(MetaError):
        res.influence()


def test_k1_knha_falls_back_to_z_with_warning() -> None:
    with pytest.warns(UserWarning, match='test="z"'):
        res = pool_proportions([12], [40], test="knha")
    assert res.test == "z"


@pytest.mark.parametrize("method", ["REML", "DL", "PM", "ML", "HE", "HS", "EB"])
def test_tau2_truncated_at_zero_never_negative(method: str) -> None:
    """Homogeneous data: Q < k - 1, so the untruncated DL/HS/HE moments are negative.

    (SJ is positive by construction, τ²_SJ = τ²₀ Q(τ²₀)/(k − 1) with τ²₀ > 0; it is checked against R in
    test_pool_proportions_matches_rma[homogeneous-*-SJ-*].)
    """
    data = REF["proportions"]["homogeneous"]
    res = pool_proportions(data["events"], data["totals"], method=method)
    assert res.tau2 == 0.0
    assert res.i2 == 0.0 and res.h2 == 1.0
    assert res.tau2_ci == (0.0, 0.0)


@pytest.mark.parametrize("transform", ["logit", "arcsine", "freeman-tukey", "raw"])
def test_all_zero_and_all_n_events(transform: str) -> None:
    zero = pool_proportions([0, 0, 0], [10, 20, 15], transform=transform)
    full = pool_proportions([10, 20, 15], [10, 20, 15], transform=transform)
    assert 0.0 <= zero.proportion[0] < 0.1
    assert 0.9 < full.proportion[0] <= 1.0
    assert all(0.0 <= p <= 1.0 for p in zero.proportion + full.proportion)


def test_non_convergence_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    from trialcompare.meta import MetaConvergenceWarning, _tau2

    monkeypatch.setattr(_tau2, "_FS_MAXITER", 1)
    data = REF["proportions"]["pritz1997"]
    with pytest.warns(MetaConvergenceWarning, match="did not converge"):
        res = pool_proportions(data["events"], data["totals"], method="REML")
    assert res.converged is False
    assert "did not converge" in res.summary()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"events": [5, 12], "totals": [10, 10]}, "exceed"),
        ({"events": [-1, 2], "totals": [10, 10]}, "non-negative"),
        ({"events": [1, 2, 3], "totals": [10, 10]}, "differ in length"),
        ({"events": [1, 2], "totals": [10, 0]}, "positive"),
        ({"events": [], "totals": []}, "empty"),
        ({"events": [1, float("nan")], "totals": [10, 10]}, "non-finite"),
        ({"events": [1, 2], "totals": [10, 10], "method": "XYZ"}, "unknown method"),
        ({"events": [1, 2], "totals": [10, 10], "transform": "probit"}, "unknown transform"),
        ({"events": [1, 2], "totals": [10, 10], "test": "t"}, "unknown test"),
        ({"events": [1, 2], "totals": [10, 10], "level": 95}, "level"),
        ({"events": [1, 2], "totals": [10, 10], "labels": ["a"]}, "labels"),
        ({"events": [1, 2], "totals": [10, 10], "method": "GLMM", "test": "knha"}, "knha"),
    ],
)
def test_invalid_input_raises_value_error(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        pool_proportions(**kwargs)


def test_pool_effects_rejects_bad_variances() -> None:
    with pytest.raises(ValueError, match="positive"):
        pool_effects([0.1, 0.2], [0.01, 0.0])
    with pytest.raises(ValueError, match="GLMM"):
        pool_effects([0.1, 0.2], [0.01, 0.02], method="GLMM")


# ------------------------------------------------------------------------------------------------
# result object
# ------------------------------------------------------------------------------------------------


def test_studies_frame_and_presentation() -> None:
    data = REF["proportions"]["pritz1997"]
    res = pool_proportions(data["events"], data["totals"], labels=data["labels"])
    st = res.studies
    assert isinstance(st, pl.DataFrame)
    for col in ("label", "yi", "vi", "ci_low", "ci_high", "weight", "proportion", "proportion_ci_low"):
        assert col in st.columns
    assert st["weight"].sum() == pytest.approx(100.0)
    assert st["label"].to_list() == data["labels"]
    assert (st["proportion_ci_low"] <= st["proportion_ci_high"]).all()
    text = res.summary()
    assert "REML" in text and "I²" in text and "Proportion" in text
    html_text = res._repr_html_()
    assert html_text.startswith("<table") and "τ²" in html_text


def test_large_k_runs_vectorised() -> None:
    """k = 1000 must be routine (timing lives in benchmarks/bench_meta.py, not here)."""
    rng = np.random.default_rng(1)
    n = rng.integers(20, 200, size=1000)
    p = 1 / (1 + np.exp(-rng.normal(-1.0, 0.5, size=1000)))
    x = rng.binomial(n, p)
    for method in ("REML", "PM", "GLMM"):
        res = pool_proportions(x, n, method=method)
        assert res.k == 1000 and res.converged
        assert res.estimate == pytest.approx(-1.0, abs=0.1)
        assert res.tau2 == pytest.approx(0.25, abs=0.1)


def test_the_tau2_zero_boundary_is_said_not_silent():
    """metafor's ll0check: when the (restricted) likelihood at τ² = 0 beats the iterative solution, τ² is set to 0.
    The fit says so (``boundary``) and MetaResult's summary carries a note when it happens."""
    import numpy as np

    from trialcompare.meta._tau2 import Tau2Fit, _ll0check

    y, v = np.array([0.1, 0.1, 0.1]), np.array([0.04, 0.05, 0.06])  # identical effects: ll is highest at τ² = 0
    fit = _ll0check(y, v, Tau2Fit(0.5, True, 7), "REML")
    assert (fit.tau2, fit.boundary) == (0.0, True)
    assert _ll0check(y, v, Tau2Fit(0.0, True, 7), "REML").boundary is False
    res = pool_proportions([4, 6, 9], [20, 22, 25])
    assert res.tau2_boundary is False and "ll0check" not in res.summary()
