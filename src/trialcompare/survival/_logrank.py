"""Log-rank test, as R ``survdiff`` with ``rho = 0`` (private module)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.stats import chi2

from trialcompare.survival._input import _time_event

__all__ = ["LogRankResult", "logrank_test"]


@dataclass(frozen=True)
class LogRankResult:
    """Result of :func:`logrank_test`.

    Attributes
    ----------
    chisq : float
        Log-rank chi-square statistic (R ``survdiff(...)$chisq``).
    df : int
        Degrees of freedom: number of groups with a positive expected count, minus one.
    p : float
        Upper-tail chi-square p-value.
    groups : tuple
        Group labels in sorted order.
    observed : tuple of float
        Observed events per group.
    expected : tuple of float
        Expected events per group under the null hypothesis.
    """

    chisq: float
    df: int
    p: float
    groups: tuple[object, ...]
    observed: tuple[float, ...]
    expected: tuple[float, ...]


def _group_codes(group: ArrayLike, n: int) -> tuple[NDArray[np.intp], tuple[object, ...]]:
    g = np.asarray(group)
    if g.ndim != 1 or g.size != n:
        raise ValueError(f"group must be one-dimensional with the same length as time ({n})")
    raw = np.asarray(group, dtype=object).ravel().tolist()
    if any(v is None or (isinstance(v, float | np.floating) and not np.isfinite(v)) for v in raw):
        raise ValueError("group labels must not be missing (None, NaN) or infinite")
    try:
        labels, codes = np.unique(g, return_inverse=True)
    except TypeError as exc:
        raise ValueError(f"group labels must be mutually comparable: {exc}") from None
    if labels.size < 2:
        raise ValueError("group must contain at least two distinct groups")
    return codes.reshape(-1), tuple(labels.tolist())


def _observed_expected_variance(
    t: NDArray[np.float64], e: NDArray[np.float64], codes: NDArray[np.intp], k: int
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Observed, expected and hypergeometric covariance of the per-group event counts."""
    uniq, inverse = np.unique(t, return_inverse=True)
    at_time = np.zeros((uniq.size, k))
    events = np.zeros((uniq.size, k))
    np.add.at(at_time, (inverse, codes), 1.0)
    np.add.at(events, (inverse, codes), e)
    n_gk = at_time[::-1].cumsum(axis=0)[::-1]  # at risk: time >= t
    n_k, d_k = n_gk.sum(axis=1), events.sum(axis=1)
    share = n_gk / n_k[:, None]
    expected = (share * d_k[:, None]).sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        factor = np.where(n_k > 1, d_k * (n_k - d_k) / (n_k - 1), 0.0)
    cov = np.einsum("t,tg,th->gh", factor, share, share)
    var = np.diag((factor[:, None] * share).sum(axis=0)) - cov
    return events.sum(axis=0), expected, var


def logrank_test(time: ArrayLike, event: ArrayLike, group: ArrayLike) -> LogRankResult:
    """Log-rank test of equal survival across groups, equal to R ``survdiff(Surv(time, event) ~ group)``.

    Parameters
    ----------
    time : array_like
        Follow-up times (finite, >= 0).
    event : array_like
        1 for an event, 0 for censored.
    group : array_like
        Group label of each observation (at least two distinct labels).

    Returns
    -------
    LogRankResult
        ``chisq``, ``df``, ``p`` (and observed/expected counts per group).

    Raises
    ------
    ValueError
        On invalid times/events, missing (None/NaN) group labels, fewer than two groups, or no events at all
        (the test is undefined).

    Examples
    --------
    >>> r = logrank_test([1, 2, 3, 4], [1, 1, 1, 1], ["a", "b", "a", "b"])
    >>> r.df, r.observed
    (1, (2.0, 2.0))
    """
    t, e = _time_event(time, event)
    codes, labels = _group_codes(group, t.size)
    if not np.any(e > 0):
        raise ValueError("no events: the log-rank test is undefined")
    observed, expected, var = _observed_expected_variance(t, e, codes, len(labels))
    used = np.flatnonzero(expected > 0)
    df = used.size - 1
    if df < 1:
        chisq = 0.0
    else:
        diff = (observed - expected)[used][1:]
        sub = var[np.ix_(used, used)][1:, 1:]
        chisq = float(diff @ np.linalg.solve(sub, diff))
    p = float(chi2.sf(chisq, df)) if df >= 1 else 1.0
    return LogRankResult(chisq, int(df), p, labels, tuple(observed.tolist()), tuple(expected.tolist()))
