"""Cox proportional-hazards model with one covariate, as R ``coxph`` (private module)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.stats import norm

from trialcompare.survival._input import _as_float, _choice, _level, _time_event

__all__ = ["CoxResult", "cox_ph"]

_MAX_ITER = 50
_TOL = 1e-12


@dataclass(frozen=True)
class CoxResult:
    """Result of :func:`cox_ph`.

    Attributes
    ----------
    coef : float
        Log hazard ratio per unit of ``x``.
    se : float
        Model-based standard error of ``coef`` (inverse observed information).
    hr : float
        Hazard ratio ``exp(coef)``.
    ci_low, ci_high : float
        Wald confidence limits of the hazard ratio.
    z : float
        Wald statistic ``coef / se``.
    p : float
        Two-sided Wald p-value.
    loglik : tuple of float
        Log partial likelihood at 0 and at the estimate (R ``fit$loglik``).
    ties : str
        Tie handling used (``"efron"`` or ``"breslow"``).
    n, n_events : int
        Number of observations and of events.
    """

    coef: float
    se: float
    hr: float
    ci_low: float
    ci_high: float
    z: float
    p: float
    loglik: tuple[float, float]
    ties: str
    n: int
    n_events: int


@dataclass(frozen=True)
class _RiskSets:
    """Per distinct event time: tied-event sums and the at-risk index boundary."""

    start: NDArray[np.intp]  # at-risk set = sorted observations [start:] (sorted by time)
    d: NDArray[np.float64]  # number of tied events
    x_event_sum: NDArray[np.float64]
    event_idx: NDArray[np.intp]  # event-time index of each event observation (sorted order)
    is_event: NDArray[np.bool_]
    x: NDArray[np.float64]  # centred covariate, sorted by time


def _risk_sets(t: NDArray[np.float64], e: NDArray[np.float64], x: NDArray[np.float64]) -> _RiskSets:
    order = np.argsort(t, kind="stable")
    t, e, x = t[order], e[order].astype(bool), x[order] - x.mean()
    event_times, event_idx = np.unique(t[e], return_inverse=True)
    start = np.searchsorted(t, event_times, side="left")
    d = np.bincount(event_idx, minlength=event_times.size).astype(float)
    x_event_sum = np.bincount(event_idx, weights=x[e], minlength=event_times.size)
    return _RiskSets(start, d, x_event_sum, event_idx.reshape(-1), e, x)


def _risk_set_sums(values: NDArray[np.float64], start: NDArray[np.intp]) -> NDArray[np.float64]:
    """Sum of ``values[start:]`` for each start index (values sorted by time)."""
    return np.cumsum(values[::-1])[::-1][start]


def _loglik_score_info(beta: float, rs: _RiskSets, efron: bool) -> tuple[float, float, float]:
    """Log partial likelihood, score and observed information at ``beta``."""
    w = np.exp(beta * rs.x)
    s0, s1, s2 = (_risk_set_sums(v, rs.start) for v in (w, w * rs.x, w * rs.x**2))
    k = rs.d.size
    we, xe = w[rs.is_event], rs.x[rs.is_event]
    d0 = np.bincount(rs.event_idx, weights=we, minlength=k)
    d1 = np.bincount(rs.event_idx, weights=we * xe, minlength=k)
    d2 = np.bincount(rs.event_idx, weights=we * xe**2, minlength=k)
    # Efron: the l-th of d tied deaths (l = 0..d-1) removes the fraction l/d of the tied set's weight
    reps = rs.d.astype(np.intp)
    time_of = np.repeat(np.arange(k), reps)
    frac = np.arange(reps.sum()) - np.repeat(np.cumsum(reps) - reps, reps)
    frac = frac / np.repeat(rs.d, reps) if efron else np.zeros(reps.sum())
    a0 = s0[time_of] - frac * d0[time_of]
    a1 = s1[time_of] - frac * d1[time_of]
    a2 = s2[time_of] - frac * d2[time_of]
    mean = a1 / a0
    loglik = float(beta * rs.x_event_sum.sum() - np.log(a0).sum())
    score = float(rs.x_event_sum.sum() - mean.sum())
    info = float((a2 / a0 - mean**2).sum())
    return loglik, score, info


def _newton(rs: _RiskSets, efron: bool) -> tuple[float, float, float, float]:
    """Newton-Raphson with step halving; returns (beta, information, loglik at 0, loglik at beta)."""
    beta = 0.0
    loglik0, score, info = _loglik_score_info(beta, rs, efron)
    loglik = loglik0
    if info <= 0:
        raise ValueError("the Cox model information is zero: x does not vary within any risk set")
    for _ in range(_MAX_ITER):
        if not info > 0:
            break
        step = score / info
        new = _loglik_score_info(beta + step, rs, efron)
        while new[0] < loglik - 1e-12 * abs(loglik) and abs(step) > 1e-12:
            step /= 2.0
            new = _loglik_score_info(beta + step, rs, efron)
        beta += step
        converged = abs(new[0] - loglik) <= _TOL * abs(loglik) and abs(step) <= 1e-9 * max(1.0, abs(beta))
        loglik, score, info = new
        if converged:
            return beta, info, loglik0, loglik
    raise ValueError("the Cox model did not converge (the coefficient may be infinite, e.g. no events in one group)")


def cox_ph(time: ArrayLike, event: ArrayLike, x: ArrayLike, ties: str = "efron", level: float = 0.95) -> CoxResult:
    """Cox proportional-hazards regression on a single covariate, equal to R ``coxph(Surv(time, event) ~ x)``.

    The partial likelihood is maximised by Newton-Raphson from 0 to full convergence; the standard error is
    the inverse square root of the observed information at the estimate (R ``vcov(fit)``).

    Parameters
    ----------
    time : array_like
        Follow-up times (finite, >= 0).
    event : array_like
        1 for an event, 0 for censored.
    x : array_like
        Numeric covariate (e.g. 0/1 treatment indicator).
    ties : {"efron", "breslow"}
        Handling of tied event times; R's default is Efron.
    level : float
        Confidence level of the hazard-ratio interval, default 0.95.

    Returns
    -------
    CoxResult
        ``coef``, ``se``, ``hr``, ``ci_low``, ``ci_high``, ``z``, ``p`` (and log-likelihoods).

    Raises
    ------
    ValueError
        On invalid input, no events, a constant covariate, or a monotone likelihood (infinite estimate,
        e.g. all events in one group: R ``coxph`` warns and returns a large coefficient; here it is an error).

    Examples
    --------
    >>> r = cox_ph([1, 2, 3, 4, 5, 6], [1, 1, 1, 1, 1, 0], [1, 0, 1, 0, 1, 0])
    >>> round(r.coef, 4) > 0
    True
    """
    t, e = _time_event(time, event)
    xv = _as_float(x, "x")
    if xv.size != t.size:
        raise ValueError(f"time and x must have the same length, got {t.size} and {xv.size}")
    ties = _choice(ties, "ties", ("efron", "breslow"))
    level = _level(level)
    if e.sum() == 0:
        raise ValueError("the Cox model needs at least one event")
    if np.ptp(xv) == 0:
        raise ValueError("x is constant: the Cox model coefficient is not identifiable")
    beta, info, loglik0, loglik = _newton(_risk_sets(t, e, xv), ties == "efron")
    se = 1.0 / math.sqrt(info)
    z = beta / se
    zq = norm.ppf(1.0 - (1.0 - level) / 2.0)
    return CoxResult(
        coef=beta,
        se=se,
        hr=math.exp(beta),
        ci_low=math.exp(beta - zq * se),
        ci_high=math.exp(beta + zq * se),
        z=z,
        p=float(2.0 * norm.sf(abs(z))),
        loglik=(loglik0, loglik),
        ties=ties,
        n=int(t.size),
        n_events=int(e.sum()),
    )
