"""The intercept-only model fitted once: ``rma.uni`` (any τ² estimator, z or Knapp-Hartung) and ``rma.glmm``.

:func:`_fit_uni` and :func:`_fit_glmm` return a :class:`_Fit` (estimate, intervals, τ², heterogeneity, weights)
that :mod:`trialcompare.meta._pool` assembles into a :class:`~trialcompare.meta.MetaResult` and that
:meth:`~trialcompare.meta.MetaResult.leave_one_out` refits. Also the errors of pooling: :class:`MetaError` (no
model can be fitted) and :class:`MetaConvergenceWarning`.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from scipy import stats

from trialcompare.meta import _glmm
from trialcompare.meta._pool_input import transform_proportions
from trialcompare.meta._tau2 import estimate_tau2, q_statistic

__all__ = ["EQUAL_EFFECTS", "MetaConvergenceWarning", "MetaError"]

EQUAL_EFFECTS = "EE"
"""metafor's ``method = "EE"`` (alias "FE"): τ² fixed at 0, inverse-variance weights 1/vᵢ."""


class MetaError(RuntimeError):
    """A meta-analytic model cannot be fitted to these data (e.g. GLMM without finite MLE)."""


class MetaConvergenceWarning(UserWarning):
    """An iterative estimator stopped before converging; ``MetaResult.converged`` is False."""


@dataclass(frozen=True)
class _Fit:
    estimate: float
    se: float
    ci: tuple[float, float]
    pi: tuple[float, float]
    tau2: float
    q: float
    q_p: float
    df: int
    i2: float
    h2: float
    vt: float
    weights: np.ndarray
    s2w: float
    test: str
    converged: bool
    q_wald: float | None = None
    tau2_boundary: bool = False


def _nan_fit() -> _Fit:
    """Placeholder row for a leave-one-out GLMM refit that has no finite estimate."""
    nan = float("nan")
    return _Fit(nan, nan, (nan, nan), (nan, nan), nan, nan, nan, 0, nan, nan, nan, np.empty(0), nan, "z", False)


def _typical_variance(v: np.ndarray) -> float:
    """metafor's 'typical' within-study variance (i2def = 1): (k - 1) / tr(P) with FE weights."""
    w = 1.0 / v
    return (v.size - 1) / float(np.sum(w) - np.sum(w**2) / np.sum(w))


def _heterogeneity(y: np.ndarray, v: np.ndarray, tau2: float) -> tuple[float, float, float, float, float]:
    """Q, its p-value, I², H² and the typical variance vt (all as metafor; k = 1 gives 0, 1, 0, 1, 0)."""
    k = y.size
    if k == 1:
        return 0.0, 1.0, 0.0, 1.0, 0.0
    q = max(0.0, q_statistic(y, v))
    vt = _typical_variance(v)
    return q, float(stats.chi2.sf(q, k - 1)), 100.0 * tau2 / (vt + tau2), tau2 / vt + 1.0, vt


def _critical(test: str, level: float, df: int) -> float:
    alpha = 1.0 - level
    if test == "knha":
        return float(stats.t.isf(alpha / 2, df)) if df > 0 else float("nan")
    return float(stats.norm.isf(alpha / 2))


def _tau2_for(y: np.ndarray, v: np.ndarray, method: str) -> tuple[float, bool, bool]:
    """(τ², converged, set to the τ² = 0 boundary by the likelihood check)."""
    if y.size == 1 or method == EQUAL_EFFECTS:
        return 0.0, True, False
    fit = estimate_tau2(y, v, method)
    return fit.tau2, fit.converged, fit.boundary


def _fit_uni(y: np.ndarray, v: np.ndarray, method: str, test: str, level: float) -> _Fit:
    """rma.uni(yi, vi, method, test) + predict() for the intercept-only model."""
    k = y.size
    if k == 1 and test != "z":
        warnings.warn('k = 1: setting test="z" (as metafor does)', UserWarning, stacklevel=3)
        test = "z"
    tau2, converged, boundary = _tau2_for(y, v, method)
    w = 1.0 / (v + tau2)
    est = float(np.sum(w * y) / np.sum(w))
    var = 1.0 / float(np.sum(w))
    s2w = 1.0
    if test == "knha":
        rss = float(np.sum(w * (y - est) ** 2))
        s2w = 0.0 if rss <= np.finfo(float).eps else rss / (k - 1)
        var *= s2w
    se = float(np.sqrt(var))
    crit = _critical(test, level, k - 1)
    half_pi = crit * float(np.sqrt(var + tau2))
    q, q_p, i2, h2, vt = _heterogeneity(y, v, tau2)
    if method == EQUAL_EFFECTS and k > 1:  # rma.uni for EE/FE models: I² and H² from Q, not from τ²
        i2, h2 = (max(0.0, 100.0 * (q - (k - 1)) / q) if q > 0 else 0.0), q / (k - 1)
    return _Fit(
        estimate=est, se=se, ci=(est - crit * se, est + crit * se), pi=(est - half_pi, est + half_pi),
        tau2=tau2, q=q, q_p=q_p, df=k - 1, i2=i2, h2=h2, vt=vt, weights=w, s2w=s2w, test=test,
        converged=converged, tau2_boundary=boundary,
    )  # fmt: skip


def _fit_glmm(events: np.ndarray, totals: np.ndarray, level: float) -> _Fit:
    """rma.glmm(measure = "PLO", xi, ni) + predict() (z-test)."""
    k = events.size
    if k < 2:
        raise MetaError("the GLMM needs at least 2 studies (metafor: more parameters than observations)")
    if np.all(events == 0) or np.all(events == totals):
        raise MetaError(
            "the GLMM has no finite maximum-likelihood estimate when every study has 0 events or every "
            "study has all events; use a transformation with continuity correction (e.g. transform='logit')"
        )
    y, v = transform_proportions(events, totals, "logit")
    start = estimate_tau2(y, v, "DL").tau2
    fit = _glmm.fit_glmm(events, totals, start)
    crit = _critical("z", level, k - 1)
    half_pi = crit * float(np.sqrt(fit.se**2 + fit.tau2))
    q = _glmm.heterogeneity_lrt(events, totals)
    vt = _typical_variance(v)
    return _Fit(
        estimate=fit.estimate, se=fit.se, ci=(fit.estimate - crit * fit.se, fit.estimate + crit * fit.se),
        pi=(fit.estimate - half_pi, fit.estimate + half_pi), tau2=fit.tau2, q=q,
        q_p=float(stats.chi2.sf(q, k - 1)), df=k - 1, i2=100 * fit.tau2 / (vt + fit.tau2),
        h2=fit.tau2 / vt + 1, vt=vt, weights=1.0 / (v + fit.tau2), s2w=1.0, test="z",
        converged=fit.converged, q_wald=_glmm.heterogeneity_wald(events, totals),
    )  # fmt: skip
