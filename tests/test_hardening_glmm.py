"""The binomial-normal GLMM against R metafor on seeded random data sets (sparse, 0 % and 100 % cells).

Reference: tests/fixtures/glmm_reference.R → glmm_reference.json (rma.glmm(measure = "PLO", method = "ML"),
lme4 glmer, nAGQ = 7); the data sets are in the JSON, so these tests need no R.
"""

from __future__ import annotations

import functools
import json
import warnings
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from trialcompare.meta import _glmm, pool_proportions
from trialcompare.meta._pool import transform_proportions
from trialcompare.meta._tau2 import estimate_tau2

REF = [d for d in json.loads((Path(__file__).parent / "fixtures" / "glmm_reference.json").read_text())
       if "events" in d]
# Where R's own answer cannot be matched, and why (checked: our log-likelihood is at least R's at every one):
#   random-05, random-34: τ² runs off to > 10⁴ (flat likelihood; not identifiable) — we flag converged=False;
#   random-15: R's SE 0.019 with τ² = 12.5 is a failed Hessian (the SE of μ must exceed ~τ/√k = 1.6);
#   random-16: τ² = 82 on a flat likelihood; R stops 0.25 % short of the maximum.
UNMATCHED = {"random-05", "random-34", "random-15", "random-16"}


def _fit(d: dict) -> _glmm.GlmmFit:
    return _fit_named(d["name"])


@functools.cache
def _fit_named(name: str) -> _glmm.GlmmFit:
    d = next(d for d in REF if d["name"] == name)
    x, n = np.array(d["events"], float), np.array(d["totals"], float)
    y, v = transform_proportions(x, n, "logit")
    return _glmm.fit_glmm(x, n, estimate_tau2(y, v, "DL").tau2)


def _agrees(fit: _glmm.GlmmFit, d: dict) -> bool:
    return (abs(fit.estimate - d["estimate"]) <= 2e-3 * max(1.0, abs(d["estimate"]))
            and abs(fit.tau2 - d["tau2"]) <= 2e-3 * max(1.0, d["tau2"])
            and abs(fit.se - d["se"]) <= 1e-2 * d["se"])


def test_reference_has_enough_sets_with_sparse_and_extreme_cells():
    assert len(REF) >= 51
    x = [np.array(d["events"]) for d in REF]
    n = [np.array(d["totals"]) for d in REF]
    assert sum(np.any(a == 0) for a in x) >= 10
    assert sum(np.any(a == b) for a, b in zip(x, n, strict=True)) >= 10


def test_the_diverging_newton_case_agrees_with_metafor():
    d = next(d for d in REF if d["name"] == "diverging-newton")
    fit = _fit(d)
    assert fit.converged
    assert fit.estimate == pytest.approx(d["estimate"], abs=5e-5)  # plain Newton from 0 gave 2.11311
    assert fit.se == pytest.approx(d["se"], abs=5e-4)
    assert fit.tau2 == pytest.approx(d["tau2"], rel=5e-4)


@pytest.mark.parametrize("d", [d for d in REF if d["name"] not in UNMATCHED], ids=lambda d: d["name"])
def test_agrees_with_metafor(d):
    fit = _fit(d)
    assert fit.converged, d["name"]
    assert _agrees(fit, d), (fit, d)


def test_at_least_50_sets_agree():
    assert sum(_agrees(_fit(d), d) for d in REF) >= 50


@pytest.mark.parametrize("name", ["random-05", "random-34"])
def test_flat_likelihood_is_flagged(name):
    d = next(d for d in REF if d["name"] == name)
    assert d["tau2"] > 1e4
    assert not _fit(d).converged


def test_conditional_modes_converge_per_study():
    x, n = np.array([22.0, 20.0, 8.0, 0.0]), np.array([22.0, 45.0, 9.0, 100.0])
    for mu, tau in [(2.2, 2.1), (-8.0, 10.0), (8.0, 30.0), (0.0, 1e-3)]:
        b, sigma, ok = _glmm._modes(x, n, mu, tau)
        p = 1 / (1 + np.exp(-(mu + b)))
        assert ok and np.all(np.isfinite(sigma))
        assert np.max(np.abs(x - n * p - b / tau**2)) < 1e-8


@pytest.mark.parametrize(("events", "totals", "fragment"), [
    ([3.0], [10.0], "at least 2 studies"),
    ([0.0, 0.0], [10.0, 5.0], "no finite estimate"),
    ([2.5, 3.0], [10.0, 5.0], "whole numbers"),
    ([11.0, 3.0], [10.0, 5.0], "0 ≤ events ≤ totals"),
    ([np.nan, 3.0], [10.0, 5.0], "whole numbers"),
])
def test_non_identifiable_or_invalid_data_is_refused(events, totals, fragment):
    with pytest.raises(ValueError, match=fragment):
        _glmm.fit_glmm(np.array(events), np.array(totals), 0.1)


def test_leave_one_out_frames_carry_converged():
    res = pool_proportions([22, 20, 8, 5], [22, 45, 9, 30], method="GLMM")
    loo = res.leave_one_out()
    assert "converged" in loo.columns and loo["converged"].dtype == pl.Boolean
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        uni = pool_proportions([0, 1, 30, 2], [10, 40, 31, 20], method="REML").leave_one_out()
    assert uni["converged"].to_list() == [True] * 4
