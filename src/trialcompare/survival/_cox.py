"""Cox proportional-hazards model with one covariate, as R ``coxph`` (private module).

One implementation serves three uses: the plain fit (:func:`cox_ph`), the case-weighted fit with R's robust
(sandwich) variance (``cox_ph(..., weights=w, robust=True)``, R ``coxph(..., weights = w, robust = TRUE)``), and
a batch of fits that share one sort order (:func:`_cox_coef_batch`, used by the MAIC bootstrap: many weight
vectors and resampling multiplicities at once, vectorised with numpy).

Ties follow R's ``coxfit6``: with case weights, the ``d`` tied events of a time each carry the mean case weight
of the tied set, and Efron's approximation removes the fraction ``l/d`` of the tied set's risk for the ``l``-th.
A resampling multiplicity ``c`` counts as ``c`` identical rows (so a bootstrap fit equals the fit of the
resampled rows, Efron ties included).
"""

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
        Standard error of ``coef``: model-based (inverse observed information), or the robust sandwich
        standard error when the fit was ``robust`` (R ``summary(fit)$coefficients[, "robust se"]``).
    hr : float
        Hazard ratio ``exp(coef)``.
    ci_low, ci_high : float
        Wald confidence limits of the hazard ratio (from ``se``).
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
    robust : bool
        True when ``se`` is the robust sandwich standard error.
    naive_se : float
        Model-based standard error (equal to ``se`` unless ``robust``; R ``sqrt(fit$naive.var)``).
    weighted : bool
        True when case weights were given.
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
    robust: bool = False
    naive_se: float = math.nan
    weighted: bool = False


@dataclass(frozen=True)
class _RiskSets:
    """Sorted data and, per distinct event time, the at-risk boundary and the tied events' position."""

    start: NDArray[np.intp]  # at-risk set of event time k = sorted observations [start[k]:]
    group_start: NDArray[np.intp]  # first position of event time k among the (sorted) event observations
    is_event: NDArray[np.bool_]
    x: NDArray[np.float64]  # centred covariate, sorted by time
    time: NDArray[np.float64]  # sorted times
    event_times: NDArray[np.float64]
    order: NDArray[np.intp]  # sorted position -> input position


def _risk_sets(t: NDArray[np.float64], e: NDArray[np.float64], x: NDArray[np.float64]) -> _RiskSets:
    order = np.argsort(t, kind="stable")
    t, ev, x = t[order], e[order].astype(bool), x[order] - x.mean()
    event_times = np.unique(t[ev])
    start = np.searchsorted(t, event_times, side="left")
    group_start = np.searchsorted(t[ev], event_times, side="left")
    return _RiskSets(start, group_start, ev, x, t, event_times, order)


@dataclass(frozen=True)
class _Ties:
    """The coefficient-free part of a batch of fits: tied-event counts and weights per event time.

    Efron's step ``l = 0`` of every event time is kept in (B, K) arrays; the further steps ``l = 1..d-1`` of
    times with tied events are listed flat (``extra_*``), so that untied data cost no more than Breslow.
    """

    step_wt: NDArray[np.float64]  # (B, K): weight of step 0 (Efron: mean case weight; Breslow: all tied weight)
    n_steps: NDArray[np.float64]  # (B, K): Efron d, Breslow 1 (0 where no event in that fit)
    event_x: NDArray[np.float64]  # (B,): sum over events of weight * multiplicity * x
    extra_ix: NDArray[np.intp]  # flat index into (B, K) of each further Efron step
    extra_frac: NDArray[np.float64]  # its l / d
    extra_wt: NDArray[np.float64]  # its weight (mean case weight of the tied events)


def _ties(rs: _RiskSets, wt: NDArray[np.float64], cnt: NDArray[np.float64], efron: bool) -> _Ties:
    ev, gs = rs.is_event, rs.group_start
    d = np.add.reduceat(cnt[:, ev], gs, axis=1)  # tied events per time (multiplicities counted)
    dw = np.add.reduceat((wt * cnt)[:, ev], gs, axis=1)
    event_x = ((wt * cnt)[:, ev] * rs.x[ev]).sum(axis=1)
    mean_wt = np.divide(dw, d, out=np.zeros_like(dw), where=d > 0)
    if not efron:
        empty = np.zeros(0)
        return _Ties(dw, (d > 0).astype(float), event_x, np.zeros(0, dtype=np.intp), empty, empty)
    reps = np.maximum(d.ravel() - 1, 0).astype(np.intp)
    ix = np.repeat(np.arange(d.size), reps)
    steps = np.arange(reps.sum()) - np.repeat(np.cumsum(reps) - reps, reps) + 1.0
    return _Ties(mean_wt, d, event_x, ix, steps / d.ravel()[ix], mean_wt.ravel()[ix])


def _sums(
    beta: NDArray[np.float64], rs: _RiskSets, wt: NDArray[np.float64], cnt: NDArray[np.float64]
) -> tuple[NDArray[np.float64], tuple[NDArray[np.float64], ...], tuple[NDArray[np.float64], ...]]:
    """exp(eta) per observation, risk-set sums (s0, s1, s2) and tied-event sums (d0, d1, d2), all (B, K)."""
    with np.errstate(over="ignore", invalid="ignore"):
        risk = np.exp(beta[:, None] * rs.x[None, :])
        r = wt * cnt * risk
        rx, rxx = r * rs.x, r * rs.x**2
        s = tuple(np.cumsum(v[:, ::-1], axis=1)[:, ::-1][:, rs.start] for v in (r, rx, rxx))
    ev = rs.is_event
    dsum = tuple(np.add.reduceat(v[:, ev], rs.group_start, axis=1) for v in (r, rx, rxx))
    return risk, s, dsum


def _extra_sums(ties: _Ties, s: tuple, dsum: tuple) -> tuple[NDArray[np.float64], ...]:
    """Risk-set sums of the further Efron steps: s - (l/d) * (tied-event sums)."""
    return tuple(sv.ravel()[ties.extra_ix] - ties.extra_frac * dv.ravel()[ties.extra_ix]
                 for sv, dv in zip(s, dsum, strict=True))


def _loglik_score_info(
    beta: NDArray[np.float64], rs: _RiskSets, wt: NDArray[np.float64], cnt: NDArray[np.float64], ties: _Ties
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Log partial likelihood, score and observed information at ``beta`` for each fit of the batch."""
    _, s, dsum = _sums(beta, rs, wt, cnt)
    used = ties.step_wt > 0
    n_fit = beta.size
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        a0 = np.where(used, s[0], 1.0)
        mean = np.where(used, s[1] / a0, 0.0)
        loglik = beta * ties.event_x - (ties.step_wt * np.log(a0)).sum(axis=1)
        score = ties.event_x - (ties.step_wt * mean).sum(axis=1)
        info = (ties.step_wt * (np.where(used, s[2] / a0, 0.0) - mean**2)).sum(axis=1)
        if ties.extra_ix.size:
            e0, e1, e2 = _extra_sums(ties, s, dsum)
            fit = ties.extra_ix // s[0].shape[1]
            emean = e1 / e0
            loglik -= np.bincount(fit, ties.extra_wt * np.log(e0), minlength=n_fit)
            score -= np.bincount(fit, ties.extra_wt * emean, minlength=n_fit)
            info += np.bincount(fit, ties.extra_wt * (e2 / e0 - emean**2), minlength=n_fit)
    return loglik, score, info


def _newton(
    rs: _RiskSets, wt: NDArray[np.float64], cnt: NDArray[np.float64], efron: bool
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64], NDArray[np.float64], NDArray[np.bool_]]:
    """Newton-Raphson with step halving for each fit of the batch.

    Returns (beta, information, loglik at 0, loglik at beta, converged); all of shape (B,).
    """
    ties = _ties(rs, wt, cnt, efron)
    beta = np.zeros(wt.shape[0])
    loglik0, score, info = _loglik_score_info(beta, rs, wt, cnt, ties)
    loglik = loglik0.copy()
    active = info > 0
    converged = np.zeros(beta.shape, dtype=bool)
    for _ in range(_MAX_ITER):
        active &= info > 0
        if not active.any():
            break
        step = np.where(active, np.divide(score, info, out=np.zeros_like(score), where=active), 0.0)
        new = _loglik_score_info(beta + step, rs, wt, cnt, ties)
        for _ in range(200):
            worse = active & (new[0] < loglik - 1e-12 * np.abs(loglik)) & (np.abs(step) > 1e-12)
            if not worse.any():
                break
            step = np.where(worse, step / 2.0, step)
            new = _loglik_score_info(beta + step, rs, wt, cnt, ties)
        beta = beta + step
        done = active & (np.abs(new[0] - loglik) <= _TOL * np.abs(loglik))
        done &= np.abs(step) <= 1e-9 * np.maximum(1.0, np.abs(beta))
        loglik = np.where(active, new[0], loglik)
        score, info = np.where(active, new[1], score), np.where(active, new[2], info)
        converged |= done
        active &= ~done
    return beta, info, loglik0, loglik, converged


def _score_residuals(beta: float, rs: _RiskSets, wt: NDArray[np.float64], efron: bool) -> NDArray[np.float64]:
    """Score residuals per (sorted) observation, as R ``residuals(fit, type = "score")`` (survival coxscore2)."""
    wt2, cnt = wt[None, :], np.ones((1, wt.size))
    ties = _ties(rs, wt2, cnt, efron)
    risk, s, dsum = _sums(np.array([beta]), rs, wt2, cnt)
    used = ties.step_wt[0] > 0
    a0 = np.where(used, s[0][0], 1.0)
    xbar = np.where(used, s[1][0] / a0, 0.0)
    hz = np.where(used, ties.step_wt[0] / a0, 0.0)  # hazard increment per unit weight of step 0
    h, g, xsum = hz.copy(), hz * xbar, xbar.copy()
    h2, g2 = hz.copy(), hz * xbar  # the tied events' own share (step 0 keeps all of it)
    if ties.extra_ix.size:
        e0, e1, _ = _extra_sums(ties, s, dsum)
        k, keep = ties.extra_ix, 1.0 - ties.extra_frac
        ehz, exbar = ties.extra_wt / e0, e1 / e0
        size = h.size
        h += np.bincount(k, ehz, minlength=size)
        g += np.bincount(k, ehz * exbar, minlength=size)
        h2 += np.bincount(k, keep * ehz, minlength=size)
        g2 += np.bincount(k, keep * ehz * exbar, minlength=size)
        xsum += np.bincount(k, exbar, minlength=size)
    n_steps = ties.n_steps[0]
    m = np.divide(xsum, n_steps, out=np.zeros_like(h), where=n_steps > 0)
    lt = np.searchsorted(rs.event_times, rs.time, side="left")
    cum_h, cum_g = np.concatenate(([0.0], np.cumsum(h))), np.concatenate(([0.0], np.cumsum(g)))
    big_h, big_g = cum_h[lt].copy(), cum_g[lt].copy()
    at = lt < rs.event_times.size
    at[at] = rs.event_times[lt[at]] == rs.time[at]
    k_at = lt[at]
    ev = rs.is_event[at]
    big_h[at] += np.where(ev, h2[k_at], h[k_at])
    big_g[at] += np.where(ev, g2[k_at], g[k_at])
    resid = -risk[0] * (rs.x * big_h - big_g)
    resid[at] += np.where(ev, rs.x[at] - m[k_at], 0.0)
    return resid


def _validate_weights(weights: ArrayLike, n: int) -> NDArray[np.float64]:
    wt = _as_float(weights, "weights")
    if wt.size != n:
        raise ValueError(f"time and weights must have the same length, got {n} and {wt.size}")
    if np.any(wt <= 0):
        raise ValueError("weights must be > 0 (as R coxph: 'Invalid weights, must be >0')")
    return wt


def cox_ph(
    time: ArrayLike,
    event: ArrayLike,
    x: ArrayLike,
    ties: str = "efron",
    level: float = 0.95,
    *,
    weights: ArrayLike | None = None,
    robust: bool = False,
) -> CoxResult:
    """Cox proportional-hazards regression on a single covariate, equal to R ``coxph(Surv(time, event) ~ x)``.

    The partial likelihood is maximised by Newton-Raphson from 0 to full convergence; the standard error is
    the inverse square root of the observed information at the estimate (R ``vcov(fit)``). With ``weights``
    the weighted partial likelihood is maximised (R ``coxph(..., weights = w)``); with ``robust=True`` the
    standard error is R's robust sandwich ``sqrt(sum((w * U)^2)) / I`` from the score residuals ``U``
    (R ``coxph(..., robust = TRUE)``, which is what inverse-probability or MAIC weights call for).

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
    weights : array_like, optional
        Case weights (finite, > 0); default all 1 (the unweighted fit, unchanged).
    robust : bool
        Use the robust sandwich standard error for ``se``, the interval and the test (default False).

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
    >>> rw = cox_ph([1, 2, 3, 4, 5, 6], [1, 1, 1, 1, 1, 0], [1, 0, 1, 0, 1, 0], weights=[2, 1, 1, 1, 1, 1],
    ...             robust=True)
    >>> rw.robust, rw.se != rw.naive_se
    (True, True)
    """
    t, e = _time_event(time, event)
    xv = _as_float(x, "x")
    if xv.size != t.size:
        raise ValueError(f"time and x must have the same length, got {t.size} and {xv.size}")
    ties = _choice(ties, "ties", ("efron", "breslow"))
    level = _level(level)
    wt = np.ones(t.size) if weights is None else _validate_weights(weights, t.size)
    if e.sum() == 0:
        raise ValueError("the Cox model needs at least one event")
    if np.ptp(xv) == 0:
        raise ValueError("x is constant: the Cox model coefficient is not identifiable")
    rs = _risk_sets(t, e, xv)
    wt_sorted = wt[rs.order]
    ones = np.ones((1, t.size))
    ties0 = _ties(rs, wt_sorted[None, :], ones, ties == "efron")
    if not _loglik_score_info(np.zeros(1), rs, wt_sorted[None, :], ones, ties0)[2][0] > 0:
        raise ValueError("the Cox model information is zero: x does not vary within any risk set")
    b, inf, ll0, ll, ok = _newton(rs, wt_sorted[None, :], ones, ties == "efron")
    if not ok[0]:
        raise ValueError(
            "the Cox model did not converge (the coefficient may be infinite, e.g. no events in one group)"
        )
    beta, info = float(b[0]), float(inf[0])
    naive = 1.0 / math.sqrt(info)
    se = naive
    if robust:
        resid = _score_residuals(beta, rs, wt_sorted, ties == "efron")
        se = math.sqrt(float(np.sum((wt_sorted * resid) ** 2))) / info
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
        loglik=(float(ll0[0]), float(ll[0])),
        ties=ties,
        n=int(t.size),
        n_events=int(e.sum()),
        robust=bool(robust),
        naive_se=naive,
        weighted=weights is not None,
    )


def _cox_coef_batch(
    time: NDArray[np.float64],
    event: NDArray[np.float64],
    x: NDArray[np.float64],
    weights: NDArray[np.float64],
    counts: NDArray[np.float64],
    ties: str = "efron",
) -> NDArray[np.float64]:
    """Log hazard ratios of a batch of weighted fits sharing one data set (NaN where a fit fails).

    ``weights`` and ``counts`` have shape (B, N): case weights and resampling multiplicities (a row with
    multiplicity ``c`` counts as ``c`` identical rows; 0 leaves it out). Inputs are trusted (private).
    """
    rs = _risk_sets(time, event, x)
    wt, cnt = weights[:, rs.order], counts[:, rs.order]
    beta, info, _, _, ok = _newton(rs, wt, cnt, ties == "efron")
    return np.where(ok & (info > 0), beta, np.nan)
