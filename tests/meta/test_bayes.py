"""bayes_pool against R (tests/fixtures/bayes_reference.R → bayes_reference.json).

Two references per case (bayes_moments.R → bayes_moments.json adds means and SDs by integrate()):
bayesmeta 3.4 (τ posterior by integrate(); μ, predictive and shrinkage quantiles by its
DIRECT grid tightened to delta = 1e-6, epsilon = 1e-10) and base R integrate() + uniroot() over the same posterior
written from the model's formulas. Both agree with bayes_pool to 1e-6 (relative, absolute floor 1e-6 on values near
0). bayesmeta's default DIRECT grid (delta = 0.01) is ~1e-5 from the exact integral: the documented example is
checked against it at 1e-4.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from trialcompare.meta import BayesResult, bayes_pool, pool_proportions
from trialcompare.meta._bayes import mixture_quantiles, tau_prior_logpdf

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "bayes_reference.json"
ALL: list[dict[str, Any]] = json.loads(FIXTURE.read_text())
CASES = [c for c in ALL if "integrate" in c]
DOCUMENTED = next(c for c in ALL if c["name"] == "crins-documented-defaults")
TOL = {"rel": 1e-6, "abs": 1e-6}


def _prior(p: dict[str, Any]) -> tuple[Any, ...]:
    return (p["name"], p["scale"], p["df"]) if p["name"] == "halft" else (p["name"], p["scale"])


def _mu_prior(m: dict[str, Any] | None) -> tuple[Any, ...] | None:
    return None if not m else ("normal", m["mean"], m["sd"])


def _fit(case: dict[str, Any]) -> BayesResult:
    return bayes_pool(case["y"], case["v"], tau_prior=_prior(case["prior"]), mu_prior=_mu_prior(case["mu"]),
                      level=case["level"])  # fmt: skip


def _q(s: Any) -> list[float]:
    return [s.median, s.lower, s.upper]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c["name"])
@pytest.mark.parametrize("ref", ["integrate", "bayesmeta"])
def test_posterior_quantiles(case: dict[str, Any], ref: str) -> None:
    """1e-9 against integrate() (agreement is ~5e-13), 1e-6 against bayesmeta's tightened DIRECT grid (~6e-7)."""
    r = _fit(case)
    want = case[ref]
    tol = {"rel": 1e-9, "abs": 1e-9} if ref == "integrate" else TOL
    assert _q(r.tau) == pytest.approx(want["tau"], **tol)
    assert _q(r.mu) == pytest.approx(want["mu"], **tol)
    assert _q(r.predictive) == pytest.approx(want["pred"], **tol)
    for i, theta in enumerate(want["theta"]):
        row = r.shrinkage.row(i, named=True)
        assert [row["median"], row["ci_low"], row["ci_high"]] == pytest.approx(theta, **tol)
    assert r.tau.mean == pytest.approx(want["tau_mean"], **TOL)


MOMENTS = {m["name"]: m for m in json.loads((FIXTURE.parent / "bayes_moments.json").read_text())}


@pytest.mark.parametrize("case", CASES, ids=lambda c: c["name"])
def test_posterior_moments(case: dict[str, Any]) -> None:
    """Means and SDs against integrate() over (0, ∞) (bayes_moments.R) at 1e-6. bayesmeta's μ and predictive
    moments come from its DIRECT grid, which stops at the 1e-10/2 tail quantile of τ: under a half-Cauchy prior
    the neglected tail moves the SDs by up to ~1e-5, so they are compared at 1e-4."""
    r = _fit(case)
    m = MOMENTS[case["name"]]
    assert (r.tau.mean, r.tau.sd) == pytest.approx((m["tau_mean"], m["tau_sd"]), **TOL)
    assert (r.mu.mean, r.mu.sd) == pytest.approx((m["mu_mean"], m["mu_sd"]), **TOL)
    assert r.predictive.sd == pytest.approx(m["pred_sd"], **TOL)
    b = case["bayesmeta"]
    assert r.tau.sd == pytest.approx(b["tau_sd"], **TOL)
    assert (r.mu.mean, r.mu.sd, r.predictive.sd) == pytest.approx((b["mu_mean"], b["mu_sd"], b["pred_sd"]), rel=1e-4)
    assert r.shrinkage["mean"].to_list() == pytest.approx(b["theta_mean"], **TOL)
    assert r.shrinkage["sd"].to_list() == pytest.approx(b["theta_sd"], **TOL)


def test_documented_example_at_bayesmeta_defaults() -> None:
    """?CrinsEtAl2014: bayesmeta(crins.es, tau.prior = function(t) dhalfcauchy(t, scale = 1)), default settings.

    bayesmeta reports shortest intervals by default, so only medians, means and SDs are compared; the μ values
    come from its default DIRECT grid (delta = 0.01), whose error caps the agreement at ~1e-5.
    """
    crins = next(c for c in CASES if c["name"] == "crins-halfcauchy-1")
    r = bayes_pool(crins["y"], crins["v"], tau_prior=("halfcauchy", 1.0))
    rows = DOCUMENTED["rows"]
    s = {col: dict(zip(rows, vals, strict=True)) for col, vals in DOCUMENTED["summary"].items()}
    assert r.tau.median == pytest.approx(s["tau"]["median"], rel=1e-6)
    assert r.tau.mean == pytest.approx(s["tau"]["mean"], rel=1e-6)
    assert r.mu.median == pytest.approx(s["mu"]["median"], rel=1e-4)
    assert r.mu.mean == pytest.approx(s["mu"]["mean"], rel=1e-4)
    # its predictive SD also stops at the default epsilon = 1e-4 tail quantile of τ: ~6e-4 below the integral
    assert r.predictive.sd == pytest.approx(MOMENTS["crins-halfcauchy-1"]["pred_sd"], rel=1e-6)
    assert r.predictive.sd == pytest.approx(s["theta"]["sd"], rel=1e-3)


def test_pool_proportions_bayes_is_bayes_pool_on_logits() -> None:
    case = next(c for c in CASES if c["name"] == "logit-k3-halfnormal-0.5")
    r = pool_proportions([21, 9, 12], [33, 41, 30], method="bayes", tau_prior=("halfnormal", 0.5))
    assert _q(r.mu) == pytest.approx(case["integrate"]["mu"], **TOL)
    expit = [1 / (1 + np.exp(-q)) for q in (*case["integrate"]["mu"], *case["integrate"]["pred"][1:])]
    assert r.proportion == pytest.approx(expit, **TOL)
    with pytest.raises(ValueError, match="credible intervals"):
        pool_proportions([21, 9, 12], [33, 41, 30], method="bayes", test="knha")


def test_one_study_posterior_of_tau_is_the_prior() -> None:
    """k = 1, flat μ: p(y | τ) is constant in τ, so τ's posterior is its prior (half-Cauchy(1): median 1, no
    mean); μ | τ ~ N(y, v + τ²) is symmetric about y, so its median is y."""
    r = bayes_pool([0.3], [0.04], tau_prior=("halfcauchy", 1.0))
    assert r.tau.median == pytest.approx(1.0, rel=1e-9)
    assert r.tau.upper == pytest.approx(np.tan(np.pi / 2 * 0.975), rel=1e-8)
    assert r.tau.mean == np.inf and np.isnan(r.mu.mean) and r.mu.sd == np.inf
    assert r.mu.median == pytest.approx(0.3, abs=1e-10)


def test_priors_and_mixture_quantiles_by_hand() -> None:
    # half-t with df = 1 is half-Cauchy; half-normal(2) at 0 is 2 φ(0) / 2
    t = np.array([0.0, 0.3, 2.0])
    assert tau_prior_logpdf(t, ("halft", 0.7, 1.0)) == pytest.approx(tau_prior_logpdf(t, ("halfcauchy", 0.7)))
    assert np.exp(tau_prior_logpdf(0.0, ("halfnormal", 2.0)))[0] == pytest.approx(1 / np.sqrt(2 * np.pi))
    # an equal mixture of N(-1, 1) and N(1, 1) has median 0
    q = mixture_quantiles(np.array([0.5, 0.5]), np.array([[-1.0], [1.0]]), np.ones((2, 1)), np.array([0.5]))
    assert q[0] == pytest.approx(0.0, abs=1e-12)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"tau_prior": ("uniform", 1.0)}, "unknown tau prior"),
        ({"tau_prior": ("halft", 1.0)}, "takes 2 parameter"),
        ({"tau_prior": ("halfnormal", -1.0)}, "positive and finite"),
        ({"mu_prior": ("normal", 0.0)}, "mu_prior must be"),
        ({"level": 1.0}, "level must be"),
    ],
)
def test_bad_input(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        bayes_pool([0.1, 0.2], [0.01, 0.02], **kwargs)


def test_benchmark_shows_bayesian_prediction_for_three_to_five_comparators() -> None:
    """The benchmark of 3 comparators (9/41, 16/37, 5/42: the shipped ORR counts) carries bayes_pool's prediction
    interval on their logits, back-transformed; its t(1) interval is essentially [0, 1]."""
    from trialcompare.meta._benchmark import benchmark_counts

    b = benchmark_counts([9, 16, 5], [41, 37, 42], reference=(21, 33))
    assert b.k == 3 and b.bayes_prior == ("halfnormal", 0.5)
    assert b.prediction is not None and b.prediction[1] - b.prediction[0] > 0.99
    ref = pool_proportions([9, 16, 5], [41, 37, 42], method="bayes", tau_prior=("halfnormal", 0.5))
    assert b.bayes_prediction == pytest.approx(ref.proportion[3:5], rel=1e-12)
    assert b.bayes_prediction[1] - b.bayes_prediction[0] < 0.6
    for x, n in (([9, 16], [41, 37]), ([9, 16, 5, 13, 7, 8], [41, 37, 42, 46, 30, 31])):
        other = benchmark_counts(x, n, reference=(21, 33))
        assert other.bayes_prediction is None and other.bayes_prior is None
