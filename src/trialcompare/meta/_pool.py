"""Random-effects meta-analysis of proportions and generic effects, pinned to R metafor 3.8.

Everything here reproduces a named metafor function for the intercept-only model:

========================  =========================================================================
trialcompare              metafor
========================  =========================================================================
transform_proportions     ``escalc(measure = "PLO" | "PAS" | "PFT" | "PR", xi, ni)`` (``add = 1/2``,
                          ``to = "only0"``: the 0.5 correction is applied to studies with 0 or n events
                          for PLO and PR only; escalc sets ``add = 0`` for PAS and PFT)
pool_effects              ``rma(yi, vi, method, test)`` + ``predict()`` + ``confint()`` (Q-profile)
pool_proportions          the same on the transformed proportions, or ``rma.glmm(measure = "PLO")``
back_transform            ``transf.ilogit``, ``transf.iarcsin``, ``transf.ipft.hm`` (harmonic-mean n);
                          raw proportions are clipped to [0, 1]
MetaResult.leave_one_out  ``leave1out()``
MetaResult.influence      ``influence()``: rstudent, cook.d, hat, weight
========================  =========================================================================

Numerical differences from metafor, on purpose: iterative τ² estimators (REML, ML, EB, PM) and the
Q-profile bounds are iterated to the numerical solution (metafor stops at |Δτ²| < 1e-5 or a uniroot
tolerance of 1.2e-4), and the Paule-Mandel bracket is widened beyond τ² = 100 instead of stopping.

Failure policy: a τ² algorithm that does not converge returns its last iterate with
``MetaResult.converged = False`` and emits :class:`MetaConvergenceWarning`. A GLMM that has no finite
maximum-likelihood estimate (k = 1, all studies with 0 events, all with n events) raises
:class:`MetaError`. Invalid input raises ``ValueError``.

This module holds the public functions; the rest is in :mod:`~trialcompare.meta._pool_input` (input checks,
``escalc`` and back-transformations), :mod:`~trialcompare.meta._pool_fit` (the intercept-only fits, the errors)
and :mod:`~trialcompare.meta._pool_result` (:class:`MetaResult`), all re-exported here.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import polars as pl
from scipy import stats

from trialcompare.meta._pool_fit import EQUAL_EFFECTS as EQUAL_EFFECTS
from trialcompare.meta._pool_fit import MetaConvergenceWarning, MetaError, _Fit, _fit_glmm, _fit_uni
from trialcompare.meta._pool_input import (
    TRANSFORMS,
    _as_vector,
    _check_choice,
    _check_counts,
    _check_labels,
    _check_level,
    back_transform,
    transform_proportions,
)
from trialcompare.meta._pool_result import MetaResult
from trialcompare.meta._tau2 import METHODS, q_profile
from trialcompare.options import POOLING_METHODS, TESTS

__all__ = [
    "METHODS",
    "TESTS",
    "TRANSFORMS",
    "MetaConvergenceWarning",
    "MetaError",
    "MetaResult",
    "back_transform",
    "pool_effects",
    "pool_proportions",
    "transform_proportions",
]

_ALL_METHODS: tuple[str, ...] = (*POOLING_METHODS, "EE")
_FT_NOTE = (
    "Freeman-Tukey double-arcsine results are back-transformed with the harmonic mean of the sample "
    "sizes (Miller 1978, metafor transf.ipft.hm); the back-transformation can mislead when sample sizes "
    "differ, so treat them as a sensitivity analysis and use logit or GLMM as the primary analysis."
)


def _qprofile_cis(fit: _Fit, y: np.ndarray, v: np.ndarray, method: str, level: float) -> tuple[Any, Any, Any]:
    if y.size < 2 or method in ("GLMM", EQUAL_EFFECTS):
        return None, None, None
    lb, ub = q_profile(y, v, fit.tau2, level)
    vt = fit.vt
    return (lb, ub), (100 * lb / (vt + lb), 100 * ub / (vt + ub)), (lb / vt + 1, ub / vt + 1)


def _studies_frame(y: np.ndarray, v: np.ndarray, weights: np.ndarray, labels: list[str], level: float) -> pl.DataFrame:
    z = float(stats.norm.isf((1 - level) / 2))
    half = z * np.sqrt(v)
    return pl.DataFrame(
        {
            "label": labels,
            "yi": y,
            "vi": v,
            "ci_low": y - half,
            "ci_high": y + half,
            "weight": 100.0 * weights / np.sum(weights),
        }
    )


def _warn_if_not_converged(fit: _Fit, method: str) -> None:
    if not fit.converged:
        warnings.warn(
            f"the {method} estimator did not converge; results are from the last iterate "
            "(MetaResult.converged is False)",
            MetaConvergenceWarning,
            stacklevel=3,
        )


def _assemble(fit: _Fit, y: np.ndarray, v: np.ndarray, method: str, level: float, labels: list[str]) -> MetaResult:
    tau2_ci, i2_ci, h2_ci = _qprofile_cis(fit, y, v, method, level)
    _warn_if_not_converged(fit, method)
    return MetaResult(
        estimate=fit.estimate, se=fit.se, ci=fit.ci, pi=fit.pi, tau2=fit.tau2, tau2_ci=tau2_ci, i2=fit.i2,
        i2_ci=i2_ci, h2=fit.h2, h2_ci=h2_ci, q=fit.q, q_p=fit.q_p, df=fit.df, k=y.size, method=method,
        test=fit.test, level=level, transform=None, converged=fit.converged,
        studies=_studies_frame(y, v, fit.weights, labels, level), q_wald=fit.q_wald, tau2_boundary=fit.tau2_boundary,
        _y=y, _v=v,
    )  # fmt: skip


def _check_options(method: str, test: str, level: float) -> float:
    _check_choice(method, _ALL_METHODS, "method")
    _check_choice(test, TESTS, "test")
    if method == "GLMM" and test == "knha":
        raise ValueError("test='knha' is not defined for the GLMM; use test='z'")
    return _check_level(level)


def pool_effects(
    yi: Any,
    vi: Any,
    method: str = "REML",
    test: str = "z",
    level: float = 0.95,
    labels: Sequence[str] | None = None,
) -> MetaResult:
    """Random- or equal-effects meta-analysis of generic effect sizes (metafor ``rma(yi, vi, ...)``).

    Every τ² estimator of ``rma.uni`` is available, and ``method="EE"`` is the equal-effects (inverse-variance,
    "fixed-effect") model: τ² = 0, weights 1/vᵢ, I² = (Q − (k − 1))/Q and H² = Q/(k − 1) as metafor reports for
    EE models, the prediction interval equal to the confidence interval, and no Q-profile intervals. ``test="knha"``
    with ``"EE"`` is computed as metafor computes it (which warns that Knapp-Hartung is not meant for EE models).

    Parameters
    ----------
    yi, vi : array_like
        Effect sizes and their sampling variances (``vi > 0``).
    method : {"REML", "DL", "PM", "ML", "SJ", "HE", "HS", "EB", "EE"}
        τ² estimator, or ``"EE"`` for the equal-effects model.
    test : {"z", "knha"}
        Normal-based inference or Knapp-Hartung (t with k − 1 df, also for the prediction interval).
    level : float
        Confidence level for all intervals.
    labels : sequence of str, optional
        Study labels (default ``"Study 1"``, ...).

    Returns
    -------
    MetaResult
        Pooled estimate, heterogeneity, intervals; no back-transformation.

    Examples
    --------
    >>> r = pool_effects([0.1, 0.3, 0.5], [0.01, 0.02, 0.03], method="DL")
    >>> round(r.estimate, 4)
    0.2674
    """
    y = _as_vector(yi, "yi")
    v = _as_vector(vi, "vi")
    if y.size != v.size:
        raise ValueError(f"yi and vi differ in length ({y.size} vs {v.size})")
    if np.any(v <= 0):
        raise ValueError(f"sampling variances must be positive; not at positions {np.flatnonzero(v <= 0).tolist()}")
    level = _check_options(method, test, level)
    if method == "GLMM":
        raise ValueError("method='GLMM' needs counts: use pool_proportions")
    names = _check_labels(labels, y.size)
    return _assemble(_fit_uni(y, v, method, test, level), y, v, method, level, names)


def _proportion_columns(frame: pl.DataFrame, x: np.ndarray, n: np.ndarray, transform: str) -> pl.DataFrame:
    def back_each(col: str) -> np.ndarray:
        vals = frame[col].to_numpy()
        if transform != "freeman-tukey":
            return back_transform(vals, transform)
        return np.array([back_transform([a], transform, [b])[0] for a, b in zip(vals, n, strict=True)])

    return frame.with_columns(
        pl.Series("events", x),
        pl.Series("totals", n),
        pl.Series("proportion", x / n),
        pl.Series("proportion_ci_low", back_each("ci_low")),
        pl.Series("proportion_ci_high", back_each("ci_high")),
    )


def pool_proportions(
    events: Any,
    totals: Any,
    transform: str = "logit",
    method: str = "REML",
    test: str = "z",
    level: float = 0.95,
    labels: Sequence[str] | None = None,
    tau_prior: Sequence[Any] = ("halfnormal", 0.5),
    mu_prior: Sequence[Any] | None = None,
) -> Any:
    """Pool single proportions across studies by meta-analysis (metafor ``escalc`` + ``rma`` or ``rma.glmm``).

    ``method="bayes"`` fits the Bayesian normal-normal model on the transformed proportions (default logit) by
    :func:`~trialcompare.meta.bayes_pool` with ``tau_prior`` and ``mu_prior`` and returns its
    :class:`~trialcompare.meta.BayesResult` (with ``proportion`` back-transformed); every other method returns a
    :class:`MetaResult`.

    Parameters
    ----------
    events, totals : array_like
        Event counts and sample sizes per study.
    transform : {"logit", "arcsine", "freeman-tukey", "raw"}
        Model scale (escalc PLO, PAS, PFT, PR). Ignored for ``method="GLMM"`` (always logit, no
        continuity correction).
    method : {"REML", "DL", "PM", "ML", "SJ", "HE", "HS", "EB", "EE", "GLMM", "bayes"}
        τ² estimator, ``"EE"`` (equal effects, τ² = 0), the binomial-normal GLMM fitted by ML with 7-node
        adaptive Gauss-Hermite quadrature (``rma.glmm(measure = "PLO")``), or ``"bayes"`` (see above).
    test : {"z", "knha"}
        Normal-based inference or Knapp-Hartung (not available for the GLMM).
    level : float
        Confidence level.
    labels : sequence of str, optional
        Study labels.
    tau_prior, mu_prior : tuple
        Priors of ``method="bayes"`` (see :func:`~trialcompare.meta.bayes_pool`); ignored otherwise.

    Returns
    -------
    MetaResult or BayesResult
        Model-scale results plus ``proportion = (estimate, ci_low, ci_high, pi_low, pi_high)`` (for
        ``"bayes"``: posterior median, credible interval and posterior predictive interval).

    Raises
    ------
    ValueError
        Invalid counts or options.
    MetaError
        GLMM without finite maximum-likelihood estimate (k = 1, all 0 events, all n events).

    Examples
    --------
    >>> r = pool_proportions([4, 6, 9], [20, 22, 25], method="DL")
    >>> round(r.proportion[0], 3)
    0.288
    >>> b = pool_proportions([4, 6, 9], [20, 22, 25], method="bayes", tau_prior=("halfnormal", 0.5))
    >>> b.method, b.transform, 0.2 < b.proportion[0] < 0.35
    ('bayes', 'logit', True)
    """
    x, n = _check_counts(events, totals)
    _check_choice(transform, tuple(TRANSFORMS), "transform")
    if method == "bayes":
        return _pool_bayes(x, n, transform, test, level, labels, tau_prior, mu_prior)
    level = _check_options(method, test, level)
    names = _check_labels(labels, x.size)
    if method == "GLMM":
        transform = "logit"
    y, v = transform_proportions(x, n, transform)
    fit = _fit_glmm(x, n, level) if method == "GLMM" else _fit_uni(y, v, method, test, level)
    res = _assemble(fit, y, v, method, level, names)
    prop = back_transform([fit.estimate, *fit.ci, *fit.pi], transform, n)
    note = _FT_NOTE if transform == "freeman-tukey" else None
    return _replace(
        res, transform=transform, proportion=_five(prop), back_transform_note=note,
        studies=_proportion_columns(res.studies, x, n, transform), _events=x, _totals=n,
    )  # fmt: skip


def _replace(res: MetaResult, **changes: Any) -> MetaResult:
    from dataclasses import replace

    return replace(res, **changes)


def _five(values: np.ndarray) -> tuple[float, float, float, float, float]:
    """(estimate, ci_low, ci_high, pi_low, pi_high) as floats: the ``proportion`` of a result."""
    estimate, ci_low, ci_high, pi_low, pi_high = (float(v) for v in values)
    return estimate, ci_low, ci_high, pi_low, pi_high


def _pool_bayes(
    x: np.ndarray, n: np.ndarray, transform: str, test: str, level: float, labels: Sequence[str] | None,
    tau_prior: Sequence[Any], mu_prior: Sequence[Any] | None,
) -> Any:
    """``pool_proportions(method="bayes")``: bayes_pool on the transformed proportions, quantiles back-transformed."""
    from dataclasses import replace

    from ._bayes import bayes_pool

    if test != "z":
        raise ValueError("test applies to frequentist pooling only; method='bayes' gives credible intervals")
    y, v = transform_proportions(x, n, transform)
    res = bayes_pool(y, v, tau_prior=tau_prior, mu_prior=mu_prior, level=level, labels=_check_labels(labels, x.size))
    q = [res.mu.median, res.mu.lower, res.mu.upper, res.predictive.lower, res.predictive.upper]
    prop = back_transform(q, transform, n)
    return replace(res, transform=transform, proportion=_five(prop))
