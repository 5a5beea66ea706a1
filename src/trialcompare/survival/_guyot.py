"""Reconstruction of individual patient data from a digitised Kaplan-Meier curve (private module).

Algorithm of Guyot P, Ades AE, Ouwens MJNM, Welton NJ. Enhanced secondary analysis of survival data:
reconstructing the data from published Kaplan-Meier survival curves. BMC Med Res Methodol 2012;12:9.
This is a port of the authors' published R code, with 0-based indices and these guards (which only act
where the original would divide by zero, loop forever or produce negative counts): the number of events
at a point is clipped to [0, number at risk]; the censoring-adjustment loops stop after a fixed number of
rounds; a division by a zero survival or a zero-width interval places no censoring.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import polars as pl
from numpy.typing import ArrayLike, NDArray

from trialcompare.survival._input import _as_float

__all__ = ["reconstruct_ipd"]

_MAX_ROUNDS = 1000


@dataclass
class _State:
    """Working arrays of the algorithm (per digitised point)."""

    t: NDArray[np.float64]  # digitised times (t.S)
    s: NDArray[np.float64]  # digitised survival (S)
    n_hat: NDArray[np.float64]  # estimated number at risk at each point (length n + 1)
    cen: NDArray[np.float64]  # censorings between point k and k + 1
    d: NDArray[np.float64]  # events at point k
    km_hat: NDArray[np.float64]  # reconstructed KM at point k


def _check_curve(times: ArrayLike, survival: ArrayLike) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    t = _as_float(times, "times", nonnegative=True)
    s = _as_float(survival, "survival")
    if t.size != s.size:
        raise ValueError(f"times and survival must have the same length, got {t.size} and {s.size}")
    if t.size == 0:
        raise ValueError("times must contain at least one digitised point")
    if np.any(np.diff(t) < 0):
        raise ValueError("times must be non-decreasing (sort the digitised points by time)")
    if np.any((s < 0) | (s > 1)):
        raise ValueError("survival must be probabilities in [0, 1] (divide percentages by 100)")
    if np.any(np.diff(s) > 0):
        raise ValueError("survival must be non-increasing over time (clean up the digitised points)")
    if t[0] != 0 or s[0] != 1:
        t, s = np.concatenate(([0.0], t)), np.concatenate(([1.0], s))
    return t, s


def _check_risk(
    risk_times: ArrayLike, n_at_risk: ArrayLike, total_events: int | None
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    rt = _as_float(risk_times, "risk_times", nonnegative=True)
    nr = _as_float(n_at_risk, "n_at_risk", nonnegative=True)
    if rt.size != nr.size:
        raise ValueError(f"risk_times and n_at_risk must have the same length, got {rt.size} and {nr.size}")
    if rt.size == 0 or rt[0] != 0:
        raise ValueError("risk_times must start at 0 (n_at_risk[0] is the number of patients)")
    if np.any(np.diff(rt) <= 0):
        raise ValueError("risk_times must be strictly increasing")
    if np.any(nr != np.round(nr)) or np.any(np.diff(nr) > 0):
        raise ValueError("n_at_risk must be whole numbers, non-increasing over time")
    if nr[0] < 1:
        raise ValueError("n_at_risk[0] (number of patients at time 0) must be at least 1")
    if total_events is not None and (
        isinstance(total_events, bool)
        or not isinstance(total_events, int | np.integer)
        or not 0 <= total_events <= nr[0]
    ):
        raise ValueError(f"total_events must be None or a whole number in [0, {int(nr[0])}]")
    return rt, nr


def _align(
    t: NDArray[np.float64], s: NDArray[np.float64], rt: NDArray[np.float64], nr: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Drop risk times after the last digitised point; give every risk interval a digitised point.

    A risk interval without any digitised point lies on a flat stretch of the curve, so the point
    ``(risk time, survival of the previous point)`` is inserted.
    """
    keep = rt <= t[-1]
    rt, nr = rt[keep], nr[keep]
    for j, r in enumerate(rt):
        end = rt[j + 1] if j + 1 < rt.size else np.inf
        nxt = int(np.searchsorted(t, r, side="left"))
        if t[nxt] >= end:
            t, s = np.insert(t, nxt, r), np.insert(s, nxt, s[nxt - 1])
    return t, s, rt, nr


def _bounds(t: NDArray[np.float64], rt: NDArray[np.float64]) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """First and last digitised point of each risk interval (R ``lower``/``upper``, 0-based)."""
    lower = np.searchsorted(t, rt, side="left")
    upper = np.append(lower[1:] - 1, t.size - 1)
    return lower, upper


def _spread(state: _State, lo: int, hi: int, n_cens: int) -> None:
    """Spread ``n_cens`` censorings evenly over ``(t[lo], t[hi])`` into ``cen[lo:hi]`` (R ``hist`` counts)."""
    state.cen[lo:hi] = 0
    width = state.t[hi] - state.t[lo]
    if n_cens <= 0 or width <= 0:
        return
    cen_t = state.t[lo] + np.arange(1, n_cens + 1) * width / (n_cens + 1)
    bins = np.searchsorted(state.t[lo : hi + 1], cen_t, side="left") - 1  # right-closed bins, like hist()
    state.cen[lo:hi] = np.bincount(bins, minlength=hi - lo)


def _events_at(state: _State, k: int, last: int) -> None:
    """Events at point k so that the reconstructed KM agrees with the digitised survival."""
    n, km_last = state.n_hat[k], state.km_hat[last]
    d = 0.0 if km_last == 0 or n <= 0 else float(np.rint(n * (1.0 - state.s[k] / km_last)))
    state.d[k] = min(max(d, 0.0), max(n, 0.0))
    state.km_hat[k] = km_last * (1.0 - state.d[k] / n) if n > 0 else km_last


def _walk(state: _State, lo: int, up: int, n_start: float, last: int, *, first: bool, clip: bool) -> int:
    """Events and numbers at risk through points ``lo..up``; returns the index of the last drop."""
    state.n_hat[lo] = n_start
    for k in range(lo, up + 1):
        if first and k == lo:
            state.d[k], state.km_hat[k] = 0.0, 1.0
        else:
            _events_at(state, k, last)
        state.n_hat[k + 1] = state.n_hat[k] - state.d[k] - state.cen[k]
        if clip and state.n_hat[k + 1] < 0:  # the number at risk cannot be negative
            state.n_hat[k + 1] = 0.0
            state.cen[k] = state.n_hat[k] - state.d[k]
        if state.d[k] != 0:
            last = k
    return last


def _inner_intervals(
    state: _State, lower: NDArray[np.intp], upper: NDArray[np.intp], nr: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.intp]]:
    """Intervals 1..m-1: adjust censoring until the estimated number at risk matches the published one."""
    m = lower.size
    n_censor = np.zeros(m)
    last_i = np.zeros(m, dtype=np.intp)
    for i in range(m - 1):
        ratio = state.s[lower[i + 1]] / state.s[lower[i]] if state.s[lower[i]] > 0 else 0.0
        n_censor[i] = np.rint(nr[i] * ratio - nr[i + 1])
        nxt = lower[i + 1]
        last = last_i[i]
        for _ in range(_MAX_ROUNDS):
            if not (state.n_hat[nxt] > nr[i + 1] or (state.n_hat[nxt] < nr[i + 1] and n_censor[i] > 0)):
                break
            n_censor[i] = max(n_censor[i], 0.0)
            _spread(state, lower[i], nxt, int(n_censor[i]))
            last = _walk(state, lower[i], upper[i], nr[i], last_i[i], first=i == 0, clip=False)
            n_censor[i] += state.n_hat[nxt] - nr[i + 1]
        else:
            warnings.warn(
                f"reconstruct_ipd: censoring on risk interval {i + 1} did not settle", RuntimeWarning, stacklevel=3
            )
        nr[i + 1] = min(nr[i + 1], state.n_hat[nxt])
        last_i[i + 1] = last
    return n_censor, last_i


def _last_interval(
    state: _State,
    bounds: tuple[NDArray[np.intp], NDArray[np.intp]],
    nr: NDArray[np.float64],
    n_censor: NDArray[np.float64],
    last_i: NDArray[np.intp],
) -> None:
    """Last interval: censoring at the average rate of the earlier intervals."""
    lower, upper = bounds
    lo, up, m = int(lower[-1]), int(upper[-1]), lower.size
    if m > 1:
        span = state.t[upper[-2]] - state.t[lower[0]]
        rate = n_censor[:-1].sum() * (state.t[up] - state.t[lo]) / span if span > 0 else 0.0
        n_censor[-1] = min(np.rint(rate), nr[-1])
    n_censor[-1] = max(n_censor[-1], 0.0)
    _spread(state, lo, up, int(n_censor[-1]))
    _walk(state, lo, up, nr[-1], last_i[-1], first=m == 1, clip=True)


def _match_total_events(
    state: _State,
    bounds: tuple[NDArray[np.intp], NDArray[np.intp]],
    nr: NDArray[np.float64],
    n_censor: NDArray[np.float64],
    last_i: NDArray[np.intp],
    total_events: int,
) -> None:
    """Adjust censoring on the last interval until the total number of events is the published one."""
    lower, upper = bounds
    lo, up, m = int(lower[-1]), int(upper[-1]), lower.size
    before = state.d[: upper[-2] + 1].sum() if m > 1 else 0.0
    if m > 1 and before >= total_events:
        # already enough events before the last interval: nothing more happens on it
        state.d[lo : up + 1] = 0.0
        state.cen[lo:up] = 0.0
        state.n_hat[lo + 1 : up + 2] = nr[-1]
        return
    for _ in range(_MAX_ROUNDS):
        total = state.d[: up + 1].sum()
        if not (total > total_events or (total < total_events and n_censor[-1] > 0)):
            return
        n_censor[-1] = max(n_censor[-1] + total - total_events, 0.0)
        _spread(state, lo, up, int(n_censor[-1]))
        _walk(state, lo, up, nr[-1], last_i[-1], first=m == 1, clip=True)


def _to_frame(state: _State, n_patients: int) -> pl.DataFrame:
    """Individual data: events at their point, censorings midway to the next point, the rest at the end."""
    d = state.d.astype(np.int64)
    cen = state.cen[:-1].astype(np.int64)
    event_times = np.repeat(state.t, d)
    cens_times = np.repeat((state.t[:-1] + state.t[1:]) / 2.0, cen)
    rest = max(n_patients - event_times.size - cens_times.size, 0)
    time = np.concatenate((event_times, cens_times, np.full(rest, state.t[-1])))
    event = np.concatenate((np.ones(event_times.size), np.zeros(cens_times.size + rest))).astype(np.int64)
    frame = pl.DataFrame({"time": time, "event": event})
    return frame.sort(["time", "event"], descending=[False, True], maintain_order=True)


def reconstruct_ipd(
    times: ArrayLike,
    survival: ArrayLike,
    risk_times: ArrayLike,
    n_at_risk: ArrayLike,
    total_events: int | None = None,
) -> pl.DataFrame:
    """Reconstruct individual patient data from a digitised Kaplan-Meier curve (Guyot et al. 2012).

    Within each interval between published numbers at risk, censorings are spread evenly and the events at
    each digitised point are those that make the reconstructed Kaplan-Meier curve follow the digitised one;
    the number of censorings is adjusted until the number at risk at the end of the interval equals the
    published one. On the last interval censoring continues at the average earlier rate, or, when
    ``total_events`` is given, is adjusted until the total number of events matches.

    Parameters
    ----------
    times : array_like
        Times of the digitised points, non-decreasing, >= 0. Digitise both corners of every step. If the
        first point is not ``(0, 1)`` that point is prepended.
    survival : array_like
        Survival probabilities (in [0, 1], not percentages) at ``times``, non-increasing.
    risk_times : array_like
        Times of the published numbers at risk, strictly increasing, starting at 0. Risk times after the
        last digitised point are ignored; a risk interval with no digitised point (a flat stretch) gets
        the point ``(risk time, survival just before)``.
    n_at_risk : array_like
        Published numbers at risk at ``risk_times`` (whole numbers, non-increasing); ``n_at_risk[0]`` is
        the number of patients.
    total_events : int, optional
        Published total number of events, if known. As in the original algorithm only the censoring on the
        last risk interval is adjusted to match it; if the earlier intervals already hold more events, or
        the match cannot be reached, a ``RuntimeWarning`` says so and the reconstruction is returned.

    Returns
    -------
    polars.DataFrame
        One row per patient: ``time`` (float) and ``event`` (1 = event, 0 = censored), sorted by time.
        Events are placed at the digitised time of the drop, censorings midway between two digitised
        points, and patients never accounted for are censored at the last digitised time.

    Raises
    ------
    ValueError
        If lengths differ, times or risk times are not ordered, survival is not a non-increasing
        probability, numbers at risk are not non-increasing whole numbers, or ``total_events`` is out of range.

    Warns
    -----
    RuntimeWarning
        If ``total_events`` is given but cannot be matched, or an adjustment loop does not settle.

    Notes
    -----
    Port of the R code published with Guyot P, Ades AE, Ouwens MJNM, Welton NJ (2012), BMC Med Res Methodol
    12:9, with guards where the original would divide by zero, loop without end or produce negative counts.

    Examples
    --------
    Ten patients; the curve drops to 0.9 at month 1 and to 0.6 at month 6 and ends at month 8; 8 are at
    risk at month 4. Worked by hand:

    * [0, 4): first guess of censorings ``round(10 * 0.9 / 1 - 8) = 1``, placed at 0 + 4/2 = 2, i.e.
      between the points at 1 and 4 (recorded at their midpoint 2.5). At month 1,
      ``round(10 * (1 - 0.9)) = 1`` event; 10 - 1 - 1 = 8 at risk at month 4, as published.
    * [4, 8]: censoring continues at the rate of the earlier points, ``round(1 * (8 - 4) / (1 - 0)) = 4``,
      placed at 4.8 and 5.6 (between 4 and 6, recorded at 5) and 6.4 and 7.2 (between 6 and 8, recorded at
      7). At month 6, 8 - 2 = 6 at risk and ``round(6 * (1 - 0.6 / 0.9)) = 2`` events: the curve is
      ``0.9 * 4 / 6 = 0.6``. The remaining 10 - 3 - 5 = 2 are censored at month 8.

    >>> ipd = reconstruct_ipd([0, 1, 1, 4, 6, 6, 8], [1, 1, 0.9, 0.9, 0.9, 0.6, 0.6], [0, 4], [10, 8])
    >>> ipd["time"].to_list()
    [1.0, 2.5, 5.0, 5.0, 6.0, 6.0, 7.0, 7.0, 8.0, 8.0]
    >>> ipd["event"].to_list()
    [1, 0, 0, 0, 1, 1, 0, 0, 0, 0]
    """
    t, s = _check_curve(times, survival)
    rt, nr = _check_risk(risk_times, n_at_risk, total_events)
    t, s, rt, nr = _align(t, s, rt, nr.copy())
    n_patients = int(nr[0])
    state = _State(
        t=t,
        s=s,
        n_hat=np.full(t.size + 1, nr[0] + 1.0),
        cen=np.zeros(t.size),
        d=np.zeros(t.size),
        km_hat=np.ones(t.size),
    )
    bounds = _bounds(t, rt)
    n_censor, last_i = _inner_intervals(state, *bounds, nr)
    _last_interval(state, bounds, nr, n_censor, last_i)
    if total_events is not None:
        _match_total_events(state, bounds, nr, n_censor, last_i, int(total_events))
        if state.d.sum() != total_events:
            warnings.warn(
                f"reconstruct_ipd: {int(state.d.sum())} events reconstructed, not total_events={total_events} "
                "(only the last risk interval is adjusted, as in Guyot et al.)",
                RuntimeWarning,
                stacklevel=2,
            )
    return _to_frame(state, n_patients)
