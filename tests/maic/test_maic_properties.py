"""Properties of the MAIC weights, the bootstrap and the result objects (seeded numpy loops; no R needed)."""

from __future__ import annotations

import numpy as np
import pytest

from trialcompare.maic import (
    MaicError,
    bootstrap_hazard_ratio,
    bootstrap_odds_ratio,
    maic_weights,
    weighted_odds_ratio,
)
from trialcompare.survival import cox_ph
from trialcompare.survival._cox import _cox_coef_batch


def _ipd(rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
    return {"AGE": rng.normal(50, 10, n), "MALE": rng.integers(0, 2, n).astype(float),
            "BMI": rng.gamma(9, 3, n)}


def test_weighted_moments_equal_targets_on_random_data() -> None:
    rng = np.random.default_rng(7)
    for _ in range(40):
        n = int(rng.integers(30, 400))
        ipd = _ipd(rng, n)
        age, bmi = ipd["AGE"], ipd["BMI"]
        targets = {
            "AGE": {"mean": float(rng.uniform(np.quantile(age, 0.3), np.quantile(age, 0.7))),
                    "sd": float(age.std() * rng.uniform(0.8, 1.1))},
            "MALE": {"proportion": float(np.clip(ipd["MALE"].mean() + rng.uniform(-0.1, 0.1), 0.1, 0.9))},
            "BMI": {"median": float(np.quantile(bmi, rng.uniform(0.35, 0.65)))},
        }
        try:
            w = maic_weights(ipd, targets)
        except MaicError:
            continue  # a random target may fall outside the hull; that is tested elsewhere
        sw = w.weights / w.weights.sum()
        mean = sw @ age
        assert mean == pytest.approx(targets["AGE"]["mean"], rel=1e-9)
        assert np.sqrt(sw @ age**2 - mean**2) == pytest.approx(targets["AGE"]["sd"], rel=1e-8)
        assert sw @ ipd["MALE"] == pytest.approx(targets["MALE"]["proportion"], rel=1e-9)
        assert sw @ (bmi > targets["BMI"]["median"]) == pytest.approx(0.5, rel=1e-9)
        assert 0 < w.ess <= n


@pytest.mark.parametrize(
    ("targets", "fragment"),
    [
        ({"AGE": {"mean": 200}}, "outside"),
        ({"AGE": {"mean": -5}}, "outside"),
        ({"MALE": {"proportion": 0.0}}, "outside"),
        ({"MALE": {"proportion": 1.0}}, "outside"),
        ({"AGE": {"mean": 50, "sd": 80}}, "sd 80 of 'AGE'"),  # E[x^2] beyond what the IPD's range allows
        ({"AGE": {"median": 1000}}, "outside"),
    ],
)
def test_targets_outside_the_hull_raise_maic_error(targets: dict, fragment: str) -> None:
    ipd = _ipd(np.random.default_rng(1), 80)
    with pytest.raises(MaicError, match=fragment) as info:
        maic_weights(ipd, targets)
    assert isinstance(info.value, ValueError)


def test_jointly_infeasible_targets_raise() -> None:
    """Each target is inside its own range, but no patient is both old and female enough.

    Hand derivation: with 10% men, at most 0.9 of the weight sits on women (ages 20-40) and 0.1 on men (up to 70),
    so the largest reachable mean age is 0.9 * 40 + 0.1 * 70 = 43; the linear program's nearest point keeps the
    proportion and moves the age there.
    """
    ipd = {"AGE": np.array([20.0, 30, 40, 50, 60, 70]), "MALE": np.array([0.0, 0, 0, 1, 1, 1])}
    with pytest.raises(MaicError, match=r"outside the convex hull.*mean 65 of 'AGE' \(nearest reachable 43\)"):
        maic_weights(ipd, {"AGE": {"mean": 65}, "MALE": {"proportion": 0.1}})


def test_targets_on_the_hull_boundary_raise() -> None:
    """The hull of (age, male) has the edge from (40, 0) to (70, 1): age = 40 + 30 * male. The target (55, 0.5)
    lies on it, so only the patients (40, 0) and (70, 1) can carry weight: no strictly positive weights exist."""
    ipd = {"AGE": np.array([20.0, 30, 40, 50, 60, 70]), "MALE": np.array([0.0, 0, 0, 1, 1, 1])}
    with pytest.raises(MaicError, match=r"boundary.*mean 55 of 'AGE', proportion 0.5 of 'MALE'.*weight 0"):
        maic_weights(ipd, {"AGE": {"mean": 55}, "MALE": {"proportion": 0.5}})
    # a hair inside the edge: weights exist and reproduce the targets
    w = maic_weights(ipd, {"AGE": {"mean": 54.9}, "MALE": {"proportion": 0.5}})
    assert w.balance["after"].to_list() == pytest.approx([54.9, 0.5], rel=1e-12)


@pytest.mark.parametrize(
    ("targets", "fragment"),
    [
        ({"AGE": {"sd": 3}}, "needs the mean"),
        ({"AGE": {"mode": 3}}, "must use"),
        ({"MALE": {"proportion": 0.4, "mean": 0.4}}, "cannot be combined"),
        ({"AGE": {"proportion": 0.4}}, "0/1 column"),
        ({"NOPE": {"mean": 1}}, "no column"),
        ({"AGE": {"mean": "50"}}, "finite number"),
        ({}, "non-empty"),
    ],
)
def test_malformed_targets(targets: dict, fragment: str) -> None:
    ipd = _ipd(np.random.default_rng(2), 50)
    with pytest.raises(ValueError, match=fragment):
        maic_weights(ipd, targets)


def test_collinear_moments() -> None:
    ipd = {"A": np.array([0.0, 1, 0, 1, 1]), "B": np.array([1.0, 0, 1, 0, 0])}
    with pytest.raises(MaicError, match="collinear"):
        maic_weights(ipd, {"A": {"proportion": 0.5}, "B": {"proportion": 0.5}})


def test_weights_with_targets_equal_to_ipd_moments_are_uniform() -> None:
    ipd = _ipd(np.random.default_rng(3), 120)
    w = maic_weights(ipd, {"AGE": {"mean": float(ipd["AGE"].mean())}, "MALE": {"proportion": ipd["MALE"].mean()}})
    assert w.rescaled == pytest.approx(np.ones(120), rel=1e-9)
    assert w.ess == pytest.approx(120, rel=1e-9)


def test_repr_and_html_are_readable_and_escaped() -> None:
    ipd = {"<b>AGE</b>": [40.0, 45, 50, 55, 60, 65]}
    w = maic_weights(ipd, {"<b>AGE</b>": {"mean": 52}})
    assert repr(w).startswith("MaicWeights(n=6, ess=")
    html = w._repr_html_()
    assert "&lt;b&gt;AGE&lt;/b&gt;" in html and "<b>AGE" not in html
    with pytest.raises(AttributeError):
        w.ess = 1.0  # frozen


def test_batched_cox_equals_row_duplication_with_efron_ties() -> None:
    rng = np.random.default_rng(11)
    n1, n0 = 40, 30
    t = np.round(rng.exponential(10, n1 + n0))  # many ties
    e = (rng.uniform(size=n1 + n0) < 0.8).astype(float)
    x = np.r_[np.ones(n1), np.zeros(n0)]
    w = np.r_[rng.uniform(0.2, 3, n1), np.ones(n0)]
    counts = np.r_[rng.multinomial(n1, np.full(n1, 1 / n1)), np.ones(n0)].astype(float)
    batch = _cox_coef_batch(t, e, x, w[None, :], counts[None, :])
    idx = np.repeat(np.arange(n1 + n0), counts.astype(int))
    single = cox_ph(t[idx], e[idx], x[idx], weights=w[idx])
    assert batch[0] == pytest.approx(single.coef, rel=1e-10)


def test_bootstrap_is_seeded_and_replicates_refit_the_weights() -> None:
    rng = np.random.default_rng(5)
    n = 80
    ipd = _ipd(rng, n)
    y = (rng.uniform(size=n) < 0.4).astype(float)
    targets = {"AGE": {"mean": 52.0}, "MALE": {"proportion": 0.45}}
    a = bootstrap_odds_ratio(ipd, targets, y, 20, 60, n_boot=300, seed=9)
    b = bootstrap_odds_ratio(ipd, targets, y, 20, 60, n_boot=300, seed=9)
    assert np.array_equal(a.replicates, b.replicates, equal_nan=True)
    assert a.valid and a.n_failed == 0 and a.lower < a.estimate < a.upper
    # replicate 0 = MAIC on the resampled rows
    counts = np.random.default_rng(9).multinomial(n, np.full(n, 1 / n), size=250)[0]
    idx = np.repeat(np.arange(n), counts)
    sub = {k: v[idx] for k, v in ipd.items()}
    w = maic_weights(sub, targets)
    assert a.replicates[0] == pytest.approx(weighted_odds_ratio(y[idx], w.weights, 20, 60).estimate, rel=1e-9)
    t = rng.exponential(12, n)
    ev = (rng.uniform(size=n) < 0.7).astype(float)
    h = bootstrap_hazard_ratio(ipd, targets, t, ev, rng.exponential(9, 50), np.ones(50), n_boot=100, seed=3)
    assert h.measure == "HR" and h.n_boot == 100 and h.valid
    assert h.lower < h.estimate < h.upper


def test_bootstrap_with_many_unmatchable_resamples_is_not_valid() -> None:
    ipd = {"RARE": np.r_[np.ones(2), np.zeros(28)]}
    y = np.r_[np.ones(10), np.zeros(20)]
    b = bootstrap_odds_ratio(ipd, {"RARE": {"proportion": 0.2}}, y, 10, 30, n_boot=200, seed=0)
    assert b.n_failed > 20 and not b.valid


def test_newton_certifies_infeasible_fits_early() -> None:
    """Three fits of the (age, male) example: targets (45, 0.5) inside; (65, 0.1) jointly outside although each
    coordinate straddles its target (caught by f < 0: Jensen gives f >= 0 whenever weights reach the targets);
    a resample without any man (proportion 0.1 unreachable, caught before Newton). Hand derivation of the first:
    by symmetry of the ages around 45 with men and women mirrored, equal weights are the solution (ESS = 6)."""
    from trialcompare.maic._solver import newton
    from trialcompare.maic._weights import _moments, _standardise

    ipd = {"AGE": np.array([20.0, 30, 40, 50, 60, 70]), "MALE": np.array([0.0, 0, 0, 1, 1, 1])}
    inside, _ = _standardise(_moments(ipd, {"AGE": {"mean": 45}, "MALE": {"proportion": 0.5}}).matrix)
    beta, ok, _ = newton(inside, np.ones((1, 6)))
    assert ok[0] and np.allclose(beta, 0, atol=1e-12)
    outside = _moments(ipd, {"AGE": {"mean": 65}, "MALE": {"proportion": 0.1}}).matrix
    xs = outside / outside.std(axis=0)
    counts = np.array([[1.0] * 6, [2.0, 2, 2, 0, 0, 0]])
    _, ok, iterations = newton(xs, counts)
    assert not ok.any() and iterations < 30
