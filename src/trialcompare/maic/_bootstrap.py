"""Seeded, vectorised bootstrap of MAIC effects (private module).

Each resample draws the IPD patients with replacement (multinomial multiplicities), re-estimates the MAIC
weights on it and re-estimates the effect; the comparator's aggregate or pseudo-IPD stays fixed. All resamples
are solved together with numpy (batched Newton for the weights; one batched Cox fit sharing the sort order).
A resample with no finite weights or effect is counted in ``n_failed`` and left out of the percentiles.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from trialcompare.survival._cox import _cox_coef_batch

from ._effects import _aggregate, _binary, _stacked, weighted_hazard_ratio, weighted_odds_ratio
from ._weights import _bootstrap_weights, maic_weights

__all__ = ["BootstrapResult", "bootstrap_hazard_ratio", "bootstrap_odds_ratio"]

_CHUNK = 250  # resamples solved together (bounds memory)
MAX_BOOT = 100_000  # resamples at most (10^5 x weights + Cox at n = 500 take about a minute)
MAX_FAILED_SHARE = 0.10  # above this share of failed resamples the percentile interval is not valid


@dataclass(frozen=True)
class BootstrapResult:
    """A bootstrap percentile interval of a MAIC effect.

    Attributes
    ----------
    measure : str
        ``"OR"`` or ``"HR"``.
    estimate : float
        The estimate on the original data (weights estimated once).
    lower, upper : float
        Percentile limits of the resampled estimates.
    level : float
        Confidence level.
    n_boot : int
        Resamples drawn.
    n_failed : int
        Resamples without finite weights or effect (left out of the percentiles).
    seed : int
        Seed of ``numpy.random.default_rng``.
    valid : bool
        False when more than 10% of resamples failed: the percentiles of the others are conditional on the
        resample being matchable and should not be reported as an interval.
    replicates : numpy.ndarray
        The resampled estimates (NaN for failed resamples).
    """

    measure: str
    estimate: float
    lower: float
    upper: float
    level: float
    n_boot: int
    n_failed: int
    seed: int
    valid: bool
    replicates: NDArray[np.float64] = field(repr=False)


def _check(n_boot: int, seed: int, level: float) -> None:
    if isinstance(n_boot, bool) or not isinstance(n_boot, int) or not 1 <= n_boot <= MAX_BOOT:
        raise ValueError(f"n_boot must be a whole number from 1 to {MAX_BOOT:,}, got {n_boot!r}")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed must be a whole number >= 0, got {seed!r}")
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must be strictly between 0 and 1, got {level!r}")


def _counts(rng: np.random.Generator, n: int, size: int) -> NDArray[np.float64]:
    return rng.multinomial(n, np.full(n, 1.0 / n), size=size).astype(float)


def _result(measure: str, estimate: float, reps: NDArray[np.float64], level: float, seed: int) -> BootstrapResult:
    ok = np.isfinite(reps)
    alpha = (1.0 - level) / 2.0
    lo, hi = (np.quantile(reps[ok], [alpha, 1.0 - alpha]) if ok.any() else (math.nan, math.nan))
    failed = int((~ok).sum())
    valid = bool(ok.any()) and failed <= MAX_FAILED_SHARE * reps.size
    return BootstrapResult(measure, estimate, float(lo), float(hi), level, int(reps.size), failed, seed, valid, reps)


def bootstrap_odds_ratio(
    ipd: Any,
    targets: Mapping[str, Mapping[str, float]],
    response: ArrayLike,
    ref_events: int,
    ref_n: int,
    n_boot: int = 1000,
    seed: int = 0,
    level: float = 0.95,
) -> BootstrapResult:
    """Bootstrap percentile interval of the MAIC odds ratio, re-estimating the weights in every resample.

    Parameters
    ----------
    ipd : polars.DataFrame or mapping
        IPD with the covariates named in ``targets``.
    targets : mapping
        As :func:`~trialcompare.maic.maic_weights`.
    response : array_like
        0/1 response per IPD patient.
    ref_events, ref_n : int
        Comparator responders and patients.
    n_boot, seed : int
        Number of resamples and the seed (results are reproducible).
    level : float
        Confidence level.

    Returns
    -------
    BootstrapResult

    Examples
    --------
    >>> ipd = {"AGE": [40, 45, 50, 55, 60, 65, 42, 58]}
    >>> b = bootstrap_odds_ratio(ipd, {"AGE": {"mean": 52}}, [1, 0, 1, 1, 0, 1, 0, 1], 4, 10, n_boot=200, seed=1)
    >>> b.n_boot, b.lower < b.estimate < b.upper
    (200, True)
    """
    _check(n_boot, seed, level)
    y = _binary(response)
    events, n = _aggregate(ref_events, ref_n)
    w = maic_weights(ipd, targets)
    estimate = weighted_odds_ratio(y, w.weights, events, n).estimate
    p0 = events / n
    rng = np.random.default_rng(seed)
    reps = []
    for size in _chunks(n_boot):
        counts = _counts(rng, y.size, size)
        bw, ok = _bootstrap_weights(ipd, targets, counts)
        cw = bw * counts  # weights x multiplicities
        p1 = (cw @ y) / cw.sum(axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            odds = (p1 / (1 - p1)) / (p0 / (1 - p0))
        reps.append(np.where(ok & (p1 > 0) & (p1 < 1), odds, np.nan))
    return _result("OR", estimate, np.concatenate(reps), level, seed)


def bootstrap_hazard_ratio(
    ipd: Any,
    targets: Mapping[str, Mapping[str, float]],
    time: ArrayLike,
    event: ArrayLike,
    ref_time: ArrayLike,
    ref_event: ArrayLike,
    n_boot: int = 1000,
    seed: int = 0,
    level: float = 0.95,
    ties: str = "efron",
) -> BootstrapResult:
    """Bootstrap percentile interval of the MAIC hazard ratio, re-estimating the weights in every resample.

    Parameters
    ----------
    ipd : polars.DataFrame or mapping
        IPD with the covariates named in ``targets``.
    targets : mapping
        As :func:`~trialcompare.maic.maic_weights`.
    time, event : array_like
        IPD follow-up times and 0/1 events.
    ref_time, ref_event : array_like
        Comparator (pseudo-)IPD (kept fixed).
    n_boot, seed : int
        Number of resamples and the seed.
    level : float
        Confidence level.
    ties : {"efron", "breslow"}
        Tie handling of the Cox model; a patient drawn ``c`` times counts as ``c`` tied rows.

    Returns
    -------
    BootstrapResult

    Examples
    --------
    >>> ipd = {"AGE": [40, 45, 50, 55, 60, 65, 42, 58]}
    >>> b = bootstrap_hazard_ratio(ipd, {"AGE": {"mean": 52}}, [3, 5, 2, 8, 6, 9, 4, 7], [1, 1, 0, 1, 1, 0, 1, 1],
    ...                            [1, 2, 3, 4, 5, 6], [1, 1, 1, 0, 1, 1], n_boot=100, seed=2)
    >>> b.measure, b.n_boot
    ('HR', 100)
    """
    _check(n_boot, seed, level)
    w = maic_weights(ipd, targets)
    t, e, arm, _ = _stacked(time, event, w.weights, ref_time, ref_event)
    estimate = weighted_hazard_ratio(time, event, w.weights, ref_time, ref_event, level, ties).estimate
    n1 = w.n
    rng = np.random.default_rng(seed)
    reps = []
    for size in _chunks(n_boot):
        counts = _counts(rng, n1, size)
        bw, ok = _bootstrap_weights(ipd, targets, counts)
        ones = np.ones((size, t.size - n1))
        coef = _cox_coef_batch(t, e, arm, np.hstack((bw, ones)), np.hstack((counts, ones)), ties)
        reps.append(np.where(ok, np.exp(coef), np.nan))
    return _result("HR", estimate, np.concatenate(reps), level, seed)


def _chunks(n_boot: int) -> list[int]:
    return [min(_CHUNK, n_boot - i) for i in range(0, n_boot, _CHUNK)]
