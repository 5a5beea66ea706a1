"""Kaplan-Meier estimate, its quantiles and restricted mean, matching R survival 3.5 (private module).

The public entry points are re-exported by :mod:`trialcompare.survival`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import polars as pl
from numpy.typing import ArrayLike, NDArray
from scipy.stats import norm

from trialcompare.survival._input import _as_float, _choice, _is_real, _level, _time_event

__all__ = ["KaplanMeier", "kaplan_meier", "rmst"]

CONF_TYPES = ("log-log", "log", "plain")
# R: quantile.survfit(tolerance = sqrt(.Machine$double.eps))
_QUANTILE_TOL = math.sqrt(np.finfo(float).eps)


def _none_if_nan(value: float) -> float | None:
    return None if math.isnan(value) else float(value)


@dataclass(frozen=True)
class _Steps:
    """Counts and estimates at every distinct observed time (events and censorings)."""

    time: NDArray[np.float64]
    n_risk: NDArray[np.float64]
    n_event: NDArray[np.float64]
    n_censor: NDArray[np.float64]
    survival: NDArray[np.float64]
    se_log: NDArray[np.float64]  # R's survfit()$std.err: standard error of -log S(t); inf once S = 0


def _steps(time: NDArray[np.float64], event: NDArray[np.float64]) -> _Steps:
    """Kaplan-Meier product limit with Greenwood variance (events precede censorings at a tied time)."""
    return _weighted_steps(time, event, np.ones(time.size), robust=False)


def _sums(index: NDArray[np.intp], weights: NDArray[np.float64], size: int) -> NDArray[np.float64]:
    """Weights summed per index (``np.bincount`` with weights: floats, which numpy's stub types as integers)."""
    return np.asarray(np.bincount(index, weights=weights, minlength=size), dtype=np.float64)


def _weighted_steps(
    time: NDArray[np.float64], event: NDArray[np.float64], weights: NDArray[np.float64], *, robust: bool
) -> _Steps:
    """Product limit on case-weighted counts, with Greenwood or infinitesimal-jackknife (robust) variance.

    Counts at risk and events are sums of weights, as R ``survfitKM``. The robust variance of
    ``log S(t_j)`` is ``sum_i (w_i D_ij)^2`` with ``D_ij`` the influence of one unit of subject ``i``'s
    weight on ``log S(t_j)``: ``sum_{k <= j} (Y_i(t_k) h_k - dN_i(t_k)) / (Y_k - d_k)`` (``h_k = d_k / Y_k``).
    For a subject whose time has index ``m``, ``D_ij = C_j`` for ``j < m`` and
    ``C_m - e_i / (Y_m - d_m)`` for ``j >= m`` (``C`` the cumulative sum of ``h_k / (Y_k - d_k)``), which
    gives the variance at every time with cumulative sums.
    """
    uniq, inverse = np.unique(time, return_inverse=True)
    n_event = _sums(inverse, weights * event, uniq.size)
    n_total = _sums(inverse, weights, uniq.size)
    n_risk = np.cumsum(n_total[::-1])[::-1]  # summed from the end: S = 0 exactly when all at risk have the event
    survival = np.cumprod(1.0 - n_event / n_risk, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        alive = n_risk > n_event
        if robust:
            g = np.where(alive, 1.0 / (n_risk - n_event), np.inf)
            c_cum = np.cumsum(np.where(n_event == 0, 0.0, n_event / n_risk * g))
            b = c_cum[inverse] - np.where(event == 1, g[inverse], 0.0)
            w2 = weights**2
            later = w2.sum() - np.cumsum(_sums(inverse, w2, uniq.size))
            done = np.cumsum(_sums(inverse, w2 * b**2, uniq.size))
            variance = c_cum**2 * later + done
        else:
            greenwood = np.where(alive, n_event / (n_risk * (n_risk - n_event)), np.inf)
            variance = np.cumsum(np.where(n_event == 0, 0.0, greenwood))
        se_log = np.sqrt(variance)
    if robust:  # R: the robust se is of S itself, and 0 once S = 0 (then the limits are NA)
        se_log = np.where(survival == 0, 0.0, se_log)
    return _Steps(uniq, n_risk, n_event, n_total - n_event, survival, se_log)


def _confint(
    surv: NDArray[np.float64], se_log: NDArray[np.float64], conf_type: str, level: float
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Pointwise limits as R ``survfit_confint`` (NaN where R gives NA)."""
    z = norm.ppf(1.0 - (1.0 - level) / 2.0)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        if conf_type == "plain":
            half = z * se_log * surv
            low, high = np.maximum(surv - half, 0.0), np.minimum(surv + half, 1.0)
            undefined = ~np.isfinite(half)
        elif conf_type == "log":
            log_s = np.log(surv)
            low, high = np.exp(log_s - z * se_log), np.minimum(np.exp(log_s + z * se_log), 1.0)
            undefined = surv == 0
        else:  # log-log
            loglog = np.log(-np.log(surv))
            half = z * se_log / np.log(surv)
            low, high = np.exp(-np.exp(loglog - half)), np.exp(-np.exp(loglog + half))
            undefined = (surv == 0) | (surv == 1)
    low = np.where(undefined, np.nan, low)
    high = np.where(undefined, np.nan, high)
    return low, high


def _first_index_at_least(values: NDArray[np.float64], idx: NDArray[np.intp], p: float) -> int | None:
    """R ``approx(values, idx, p, method="constant", f=1)``: index of the smallest value >= p, or None."""
    order = np.argsort(values, kind="stable")
    sorted_values = values[order]
    if sorted_values.size == 0 or p < sorted_values[0] or p > sorted_values[-1]:
        return None
    return int(idx[order][np.searchsorted(sorted_values, p, side="left")])


def _findq(x: NDArray[np.float64], y: NDArray[np.float64], p: float) -> float | None:
    """Port of R survival's internal ``findq`` (used by ``quantile.survfit``) for one probability.

    ``x`` are the times preceded by the start time, ``y`` the cumulative failure ``1 - S`` preceded by 0
    (NaN where undefined). Returns None where R returns NA (quantile not reached).
    """
    if np.all(np.isnan(y)) or np.nanmax(y) < p:
        return None
    xmax = x[-1]
    keep = _not_duplicated(y)
    x, y = x[keep], y[keep]
    idx = np.arange(y.size)
    finite = ~np.isnan(y)
    i1 = _first_index_at_least(y[finite] + _QUANTILE_TOL, idx[finite], p)
    i2 = _first_index_at_least(y[finite] - _QUANTILE_TOL, idx[finite], p)
    quant = None if i1 is None or i2 is None else float((x[i1] + x[i2]) / 2.0)
    if p == 0:
        quant = float(x[0])
    if not np.isnan(y[-1]) and abs(p - y[-1]) < _QUANTILE_TOL:
        # the curve ends flat exactly at the requested level: midpoint up to the last observed time
        quant = None if i1 is None else float((x[i1] + xmax) / 2.0)
    return quant


def _not_duplicated(y: NDArray[np.float64]) -> NDArray[np.bool_]:
    """R ``!duplicated(y)`` for doubles (NaN duplicates NaN)."""
    keep = np.zeros(y.size, dtype=bool)
    seen: set[float] = set()
    seen_nan = False
    for i, value in enumerate(y):
        if math.isnan(value):
            keep[i], seen_nan = not seen_nan, True
        elif value not in seen:
            keep[i] = True
            seen.add(float(value))
    return keep


@dataclass(frozen=True)
class KaplanMeier:
    """Result of :func:`kaplan_meier`.

    Attributes
    ----------
    table : polars.DataFrame
        One row per distinct observed time (event or censoring), as R ``survfit``: ``time``, ``n_risk``,
        ``n_event``, ``n_censor``, ``survival``, ``std_err``, ``ci_low``, ``ci_high``. ``std_err`` is the
        Greenwood (or, with ``robust``, the infinitesimal-jackknife) standard error of S(t) itself, i.e. the
        ``std.err`` column of R ``summary(survfit(...))``
        (R's ``survfit(...)$std.err`` is on the log scale: ``std_err / survival``). Values R reports as NA
        (limits at S = 0 or, for log-log, at S = 1) are null.
    conf_type : str
        Type of the pointwise intervals (``"log-log"``, ``"log"`` or ``"plain"``).
    level : float
        Confidence level of the intervals.
    n : int
        Number of observations.
    n_events : int
        Number of events (unweighted).
    weighted : bool
        True when case weights were given; ``n_risk``, ``n_event`` and ``n_censor`` are then sums of weights
        (floats).
    robust : bool
        True when ``std_err`` is the robust (infinitesimal-jackknife) standard error, not Greenwood's.
    """

    table: pl.DataFrame
    conf_type: str
    level: float
    n: int
    n_events: int
    _steps: _Steps = field(repr=False)
    _low: NDArray[np.float64] = field(repr=False)
    _high: NDArray[np.float64] = field(repr=False)
    weighted: bool = False
    robust: bool = False

    @property
    def median(self) -> float | None:
        """Median survival time as R ``quantile.survfit``; None if not reached.

        ``print.survfit`` uses a different tolerance at a flat stretch exactly at 0.5 and can differ from
        ``quantile.survfit`` (4 of the 167 reference cases); this follows ``quantile.survfit``.
        """
        return self.quantile(0.5)[0]

    @property
    def median_ci(self) -> tuple[float | None, float | None]:
        """Confidence limits of the median (R ``quantile.survfit``); a limit not reached is None."""
        _, low, high = self.quantile(0.5)
        return low, high

    def quantile(self, p: float) -> tuple[float | None, float | None, float | None]:
        """Time by which a fraction ``p`` of subjects has had the event, with its confidence limits.

        Same convention as R ``quantile.survfit(fit, probs = p)``: the first time the curve is at or
        below ``1 - p``; if the curve is flat exactly at ``1 - p`` (within ``sqrt(.Machine$double.eps)``)
        the midpoint of that flat stretch (its end being the next drop or, if none, the last observed time).
        The limits apply the same rule to the pointwise confidence band (lower limit from the lower band).

        Parameters
        ----------
        p : float
            Probability in [0, 1] on the cumulative-failure scale (0.5 = median, 0.25 = first quartile).

        Returns
        -------
        tuple
            ``(estimate, low, high)``; each is None when not reached.
        """
        if not _is_real(p) or not 0.0 <= float(p) <= 1.0:
            raise ValueError(f"p must be a probability in [0, 1], got {p!r}")
        x = np.concatenate(([0.0], self._steps.time))
        curves = (self._steps.survival, self._low, self._high)
        est, low, high = (_findq(x, np.concatenate(([0.0], 1.0 - c)), float(p)) for c in curves)
        return est, low, high

    def survival_at(self, t: float) -> tuple[float, float | None, float | None]:
        """Survival probability and confidence limits at time ``t`` (right-continuous step function).

        As R ``summary(fit, times = t, extend = TRUE)``: before the first observed time the estimate and
        both limits are 1; after the last observed time the last values are carried forward. A limit R
        reports as NA is None.

        Parameters
        ----------
        t : float
            Time (same unit as the input times).

        Returns
        -------
        tuple
            ``(survival, ci_low, ci_high)``.
        """
        if not _is_real(t):
            raise ValueError(f"t must be a finite number, got {t!r}")
        i = int(np.searchsorted(self._steps.time, float(t), side="right")) - 1
        if i < 0:
            return 1.0, 1.0, 1.0
        return float(self._steps.survival[i]), _none_if_nan(self._low[i]), _none_if_nan(self._high[i])


def _case_weights(weights: ArrayLike | None, n: int) -> NDArray[np.float64] | None:
    """Validate case weights: one finite value >= 0 per observation, with a positive total."""
    if weights is None:
        return None
    w = _as_float(weights, "weights", nonnegative=True)
    if w.size != n:
        raise ValueError(f"weights must have one value per observation ({n}), got {w.size}")
    if not w.sum() > 0:
        raise ValueError("weights must have a positive sum")
    return w


def kaplan_meier(
    time: ArrayLike,
    event: ArrayLike,
    conf_type: str = "log-log",
    level: float = 0.95,
    *,
    weights: ArrayLike | None = None,
    robust: bool | None = None,
) -> KaplanMeier:
    """Kaplan-Meier estimate with Greenwood or robust variance and pointwise confidence intervals, as R ``survfit``.

    At a time with both events and censorings the events are counted first (censored subjects are still at
    risk), as in R survival. With case ``weights`` the counts at risk and the events are sums of weights
    (R ``survfit(Surv(time, status) ~ 1, weights = w)``); R then uses the robust (infinitesimal-jackknife)
    variance when any weight is not a whole number and Greenwood's formula on the weighted counts otherwise,
    and so does this function unless ``robust`` says which.

    Parameters
    ----------
    time : array_like
        Follow-up times (finite, >= 0).
    event : array_like
        1 (or True) for an event, 0 (or False) for a censored time.
    conf_type : {"log-log", "log", "plain"}
        Scale of the pointwise confidence intervals. The default here is ``"log-log"``; note that R's
        ``survfit`` default is ``"log"``, so pass the type explicitly when comparing with R.
    level : float
        Confidence level, default 0.95.
    weights : array_like, optional
        Case weights (finite, >= 0, positive sum), e.g. MAIC weights; any scale.
    robust : bool, optional
        Robust (infinitesimal-jackknife) variance, ``sum_i (w_i U_i(t))^2`` with ``U_i`` the influence of
        subject ``i`` on ``S(t)`` (R ``survfit(..., robust = TRUE)``). Default as R: True when a weight is
        not a whole number.

    Returns
    -------
    KaplanMeier
        ``table`` (polars DataFrame), ``median``, ``median_ci``, ``quantile(p)``, ``survival_at(t)``.

    Raises
    ------
    ValueError
        On empty, non-finite or negative times, events other than 0/1, mismatched lengths, bad weights, or
        an unknown ``conf_type``/``level``.

    Examples
    --------
    >>> km = kaplan_meier([1, 2, 2, 3, 4], [1, 1, 0, 1, 1], conf_type="log")
    >>> km.table["survival"].round(6).to_list()
    [0.8, 0.6, 0.3, 0.0]
    >>> km.median
    3.0
    >>> round(km.survival_at(2.5)[0], 6)
    0.6

    Weighted: S(1) = 1 - 2/5 (weight 2 of 5 at risk has the event), S(2) = 0.6 * (1 - 1/3).

    >>> wkm = kaplan_meier([1, 2, 2, 3], [1, 1, 0, 0], conf_type="log", weights=[2, 1, 1, 1])
    >>> wkm.table["survival"].round(6).to_list(), wkm.robust
    ([0.6, 0.4, 0.4], False)
    >>> kaplan_meier([1, 2, 2, 3], [1, 1, 0, 0], weights=[0.5, 1, 1, 1]).robust
    True
    """
    t, e = _time_event(time, event)
    conf_type = _choice(conf_type, "conf_type", CONF_TYPES)
    level = _level(level)
    w = _case_weights(weights, t.size)
    if robust is None:
        robust = w is not None and bool(np.any(w != np.floor(w)))
    if not isinstance(robust, bool | np.bool_):
        raise ValueError(f"robust must be True, False or None, got {robust!r}")
    steps = _weighted_steps(t, e, np.ones(t.size) if w is None else w, robust=bool(robust))
    low, high = _confint(steps.survival, steps.se_log, conf_type, level)
    with np.errstate(invalid="ignore"):
        std_err = steps.survival * steps.se_log
    counts = pl.Float64 if w is not None else pl.Int64
    table = pl.DataFrame(
        {
            "time": steps.time,
            "n_risk": steps.n_risk,
            "n_event": steps.n_event,
            "n_censor": steps.n_censor,
            "survival": steps.survival,
            "std_err": std_err,
            "ci_low": low,
            "ci_high": high,
        }
    ).with_columns(pl.col("std_err", "ci_low", "ci_high").fill_nan(None),
                   pl.col("n_risk", "n_event", "n_censor").cast(counts))
    return KaplanMeier(table, conf_type, level, int(t.size), int(e.sum()), steps, low, high,
                       weighted=w is not None, robust=bool(robust))


def rmst(time: ArrayLike, event: ArrayLike, tau: float) -> tuple[float, float]:
    """Restricted mean survival time up to ``tau`` and its standard error, as R survival.

    Equal to ``print(survfit(Surv(time, event) ~ 1), rmean = tau)`` columns ``rmean`` and ``se(rmean)``:
    the area under the Kaplan-Meier curve on [0, tau] (the curve is carried forward beyond the last
    observed time) and the standard error of that estimate,
    ``sqrt(sum_j A_j^2 d_j / (n_j (n_j - d_j)))`` with ``A_j`` the area under the curve between event
    time ``t_j`` and ``tau`` (terms with ``n_j = d_j`` contribute 0, as in R). This is the variance of
    the estimator, not the variance of ``min(T, tau)``.

    Parameters
    ----------
    time : array_like
        Follow-up times (finite, >= 0).
    event : array_like
        1 for an event, 0 for censored.
    tau : float
        Truncation time, > 0.

    Returns
    -------
    tuple of float
        ``(estimate, se)``.

    Examples
    --------
    >>> est, se = rmst([1, 2, 3, 4], [1, 1, 1, 1], tau=4)
    >>> est  # 1 + 0.75 + 0.5 + 0.25
    2.5
    """
    t, e = _time_event(time, event)
    if not _is_real(tau) or tau <= 0:
        raise ValueError(f"tau must be a finite number > 0, got {tau!r}")
    steps = _steps(t, e)
    keep = steps.time <= tau
    times = np.concatenate((steps.time[keep], [tau]))
    surv = np.concatenate((steps.survival[keep], steps.survival[keep][-1:] if keep.any() else [1.0]))
    d, n = steps.n_event[keep], steps.n_risk[keep]
    with np.errstate(divide="ignore", invalid="ignore"):
        hazard_var = np.where(n > d, d / (n * (n - d)), 0.0)
    rectangles = np.diff(np.concatenate(([0.0], times))) * np.concatenate(([1.0], surv[:-1]))
    area_after = np.cumsum(rectangles[1:][::-1])[::-1]  # area from each kept time to tau
    variance = float(np.sum(area_after**2 * hazard_var))
    return float(rectangles.sum()), math.sqrt(variance)
