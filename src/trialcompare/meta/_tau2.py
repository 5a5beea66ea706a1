"""Between-study variance (τ²) estimators for the intercept-only random-effects model.

Private helpers of :mod:`trialcompare.meta._pool`. Every estimator mirrors the formula used by
R metafor's ``rma.uni()`` (version 3.8) for a model without moderators (``p = 1``), written with
weight sums instead of k×k projection matrices: for weights ``w`` the projection matrix
``P = W - w wᵀ / Σw`` enters only through

* ``yᵀPy = Σ w (y - ȳ_w)²`` (Cochran's Q for ``w = 1/v``),
* ``tr(P) = Σw - Σw²/Σw``,
* ``tr(PP) = Σw² - 2 Σw³/Σw + (Σw²)²/(Σw)²``,
* ``yᵀPPy = Σ w² (y - ȳ_w)²``.

All estimators are truncated at 0 (metafor's ``tau2.min = 0``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import optimize

from trialcompare.options import TAU2_METHODS

__all__ = [
    "METHODS",
    "Tau2Fit",
    "estimate_tau2",
    "q_profile",
    "q_statistic",
]

METHODS: tuple[str, ...] = TAU2_METHODS

# metafor's defaults for the ll0check (rma.uni control: tol = .Machine$double.eps^0.25, threshold = 1e-5)
_LL0_TOL = np.finfo(float).eps ** 0.25
_LL0_THRESHOLD = 1e-5
# Our (tighter) stopping rules: metafor stops Fisher scoring when |Δτ²| < 1e-5 and uses uniroot with
# tol ≈ 1.2e-4; we iterate to the numerical solution.
_FS_THRESHOLD = 1e-12
_FS_MAXITER = 1000
_ROOT_XTOL = 1e-14


@dataclass(frozen=True)
class Tau2Fit:
    """Result of a τ² estimator: value, whether the algorithm converged, iterations used."""

    tau2: float
    converged: bool
    iterations: int
    boundary: bool = False
    """τ² was set to 0 because the (restricted) likelihood at 0 beats the iterative solution (metafor ll0check)."""


def _wmean(y: np.ndarray, w: np.ndarray) -> float:
    return float(np.sum(w * y) / np.sum(w))


def q_statistic(y: np.ndarray, v: np.ndarray, tau2: float = 0.0) -> float:
    """Generalised Q statistic ``Σ wᵢ (yᵢ - ȳ_w)²`` with ``wᵢ = 1/(vᵢ + τ²)``."""
    w = 1.0 / (v + tau2)
    return float(np.sum(w * (y - _wmean(y, w)) ** 2))


def _tr_p(w: np.ndarray) -> float:
    sw = np.sum(w)
    return float(sw - np.sum(w**2) / sw)


def _hs(y: np.ndarray, v: np.ndarray) -> float:
    w = 1.0 / v
    return (q_statistic(y, v) - y.size) / float(np.sum(w))


def _he(y: np.ndarray, v: np.ndarray) -> float:
    k = y.size
    rss = float(np.sum((y - y.mean()) ** 2))
    tr_pv = float(np.sum(v)) * (k - 1) / k
    return (rss - tr_pv) / (k - 1)


def _dl(y: np.ndarray, v: np.ndarray) -> float:
    return (q_statistic(y, v) - (y.size - 1)) / _tr_p(1.0 / v)


def _sj(y: np.ndarray, v: np.ndarray) -> float:
    k = y.size
    tau2_0 = float(np.mean((y - y.mean()) ** 2))
    return tau2_0 * q_statistic(y, v, tau2_0) / (k - 1)


def _pm(y: np.ndarray, v: np.ndarray) -> Tau2Fit:
    """Paule-Mandel: root of Q(τ²) = k - 1, bracket [0, 100] widened if needed (metafor stops instead)."""
    target = y.size - 1

    def f(t: float) -> float:
        return q_statistic(y, v, t) - target

    if f(0.0) < 0:
        return Tau2Fit(0.0, True, 0)
    upper = 100.0
    while f(upper) > 0:
        upper *= 10.0
        if upper > 1e12:
            return Tau2Fit(upper, False, 0)
    root, info = optimize.brentq(f, 0.0, upper, xtol=_ROOT_XTOL, rtol=4 * np.finfo(float).eps, full_output=True)
    return Tau2Fit(float(root), bool(info.converged), int(info.iterations))


def _scoring_step(y: np.ndarray, v: np.ndarray, tau2: float, method: str) -> float:
    """One Fisher-scoring step of metafor's ML / REML / EB algorithms."""
    w = 1.0 / (v + tau2)
    sw = np.sum(w)
    resid = y - np.sum(w * y) / sw
    if method == "ML":
        return float((np.sum(w**2 * resid**2) - sw) / np.sum(w**2))
    if method == "REML":
        sw2 = np.sum(w**2)
        tr_pp = sw2 - 2.0 * np.sum(w**3) / sw + sw2**2 / sw**2
        return float((np.sum(w**2 * resid**2) - (sw - sw2 / sw)) / tr_pp)
    k = y.size
    return float((np.sum(w * resid**2) * k / (k - 1) - k) / sw)


def _fisher_scoring(y: np.ndarray, v: np.ndarray, method: str) -> Tau2Fit:
    tau2 = max(0.0, _he(y, v))
    for iteration in range(1, _FS_MAXITER + 1):
        adj = _scoring_step(y, v, tau2, method)
        if not np.isfinite(adj):
            adj = 0.0
        while tau2 + adj < 0:
            adj /= 2.0
        old, tau2 = tau2, tau2 + adj
        if abs(old - tau2) <= _FS_THRESHOLD * max(1.0, tau2):
            return Tau2Fit(tau2, True, iteration)
    return Tau2Fit(tau2, False, _FS_MAXITER)


def _loglik(y: np.ndarray, v: np.ndarray, tau2: float, reml: bool) -> float:
    w = 1.0 / (v + tau2)
    rss = float(np.sum(w * (y - _wmean(y, w)) ** 2))
    k = y.size
    if reml:
        return -0.5 * (k - 1) * np.log(2 * np.pi) - 0.5 * np.sum(np.log(v + tau2)) - 0.5 * np.log(np.sum(w)) - 0.5 * rss
    return -0.5 * k * np.log(2 * np.pi) - 0.5 * np.sum(np.log(v + tau2)) - 0.5 * rss


def _ll0check(y: np.ndarray, v: np.ndarray, fit: Tau2Fit, method: str) -> Tau2Fit:
    """metafor's check that the Fisher-scoring solution beats τ² = 0 (else τ² is set to 0)."""
    reml = method == "REML"
    ll0 = _loglik(y, v, 0.0, reml)
    ll = _loglik(y, v, fit.tau2, reml)
    if ll0 - ll > _LL0_TOL and fit.tau2 > _LL0_THRESHOLD:
        return Tau2Fit(0.0, fit.converged, fit.iterations, boundary=True)
    return fit


_CLOSED_FORM = {"HS": _hs, "HE": _he, "DL": _dl, "SJ": _sj}


def estimate_tau2(y: np.ndarray, v: np.ndarray, method: str) -> Tau2Fit:
    """Estimate τ² by ``method`` (one of :data:`METHODS`), truncated at 0.

    Parameters
    ----------
    y, v : numpy.ndarray
        Observed effects and their sampling variances (all ``v > 0``), ``k ≥ 2``.
    method : str
        One of ``REML, DL, PM, ML, SJ, HE, HS, EB``.

    Returns
    -------
    Tau2Fit
        Estimate, convergence flag, iterations (0 for closed forms).
    """
    if method in _CLOSED_FORM:
        return Tau2Fit(max(0.0, float(_CLOSED_FORM[method](y, v))), True, 0)
    if method == "PM":
        fit = _pm(y, v)
    else:
        fit = _fisher_scoring(y, v, method)
        if fit.converged and method in ("ML", "REML"):
            fit = _ll0check(y, v, fit, method)
    return Tau2Fit(max(0.0, fit.tau2), fit.converged, fit.iterations)


def _q_root(y: np.ndarray, v: np.ndarray, target: float, upper: float) -> float:
    return float(optimize.brentq(lambda t: q_statistic(y, v, t) - target, 0.0, upper, xtol=_ROOT_XTOL, rtol=1e-15))


def q_profile(y: np.ndarray, v: np.ndarray, tau2: float, level: float) -> tuple[float, float]:
    """Q-profile confidence interval for τ² (Viechtbauer 2007), as metafor ``confint.rma.uni``.

    The search interval is ``[0, max(100, 10 τ̂²)]``; a bound that lies beyond it is reported as the
    interval end (metafor prints it with ``>``), a bound below 0 as 0.

    Parameters
    ----------
    y, v : numpy.ndarray
        Effects and sampling variances, ``k ≥ 2``.
    tau2 : float
        The model's τ² estimate (only used to set the search interval).
    level : float
        Confidence level, e.g. 0.95.

    Returns
    -------
    tuple of float
        ``(lower, upper)``.
    """
    from scipy import stats

    df = y.size - 1
    alpha = 1.0 - level
    crit_u = float(stats.chi2.isf(alpha / 2, df))
    crit_l = float(stats.chi2.ppf(alpha / 2, df))
    upper_lim = max(100.0, 10.0 * tau2)
    q_min = q_statistic(y, v, 0.0)
    q_max = q_statistic(y, v, upper_lim)
    if q_min < crit_l:
        return 0.0, 0.0
    if q_max > crit_u:
        return upper_lim, upper_lim
    ub = upper_lim if q_max > crit_l else _q_root(y, v, crit_l, upper_lim)
    lb = 0.0 if q_min < crit_u else _q_root(y, v, crit_u, upper_lim)
    return lb, ub
