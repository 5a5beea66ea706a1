"""Weighted (population-adjusted) effects against a comparator's aggregate or pseudo-IPD (private module).

The IPD arm carries the MAIC weights, the comparator weight 1; the IPD arm is coded 1, so ratios are
IPD arm versus comparator. Hazard ratios come from the case-weighted Cox model with R's robust variance
(:func:`trialcompare.survival.cox_ph`); odds ratios, risk ratios and risk differences are those of the
saturated quasi-binomial GLM of response on arm (logit, log and identity links) with a sandwich variance
(``sandwich::vcovHC`` HC0 or HC3). With one binary regressor the GLM has a closed form, used here: the fitted
values are the weighted proportions and the HC3 hat value of a patient is its weight over its arm's total.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import ndtri

from trialcompare.survival._cox import cox_ph

__all__ = ["Estimate", "weighted_hazard_ratio", "weighted_odds_ratio", "weighted_risk_difference",
           "weighted_risk_ratio"]

VCOV_TYPES = ("HC0", "HC3")


class Estimate(NamedTuple):
    """A point estimate with its confidence limits (unpacks as ``est, lo, hi``).

    Attributes
    ----------
    estimate, lower, upper : float
    """

    estimate: float
    lower: float
    upper: float


def _z(level: float) -> float:
    if isinstance(level, bool) or not isinstance(level, int | float) or not 0.0 < level < 1.0:
        raise ValueError(f"level must be a number strictly between 0 and 1, got {level!r}")
    return float(ndtri(1.0 - (1.0 - level) / 2.0))


def _weights(weights: ArrayLike, n: int) -> NDArray[np.float64]:
    w = np.asarray(weights, dtype=float)
    if w.ndim != 1 or w.size != n:
        raise ValueError(f"weights must be one-dimensional with one value per patient ({n}), got shape {w.shape}")
    if not np.all(np.isfinite(w)) or np.any(w <= 0):
        raise ValueError("weights must be finite and > 0")
    return w


def _binary(response: ArrayLike) -> NDArray[np.float64]:
    y = np.asarray(response, dtype=float)
    if y.ndim != 1 or y.size == 0:
        raise ValueError("response must be a non-empty one-dimensional sequence of 0/1")
    if not np.all(np.isin(y, (0.0, 1.0))):
        raise ValueError("response must contain only 0/1 (1 = responder)")
    return y


def _aggregate(ref_events: int, ref_n: int) -> tuple[int, int]:
    for name, v in (("ref_events", ref_events), ("ref_n", ref_n)):
        if isinstance(v, bool) or not isinstance(v, int | np.integer):
            raise ValueError(f"{name} must be a whole number, got {v!r}")
    if not 0 <= ref_events <= ref_n or ref_n < 2:
        raise ValueError(f"need 0 <= ref_events <= ref_n and ref_n >= 2, got {ref_events} of {ref_n}")
    return int(ref_events), int(ref_n)


def _arm_variance(y: NDArray[np.float64], w: NDArray[np.float64], vcov: str) -> tuple[float, float]:
    """Weighted proportion of one arm and its sandwich variance (HC0, or HC3 with hat values w_i / sum w)."""
    total = w.sum()
    p = float(np.sum(w * y) / total)
    r2 = (w * (y - p)) ** 2
    if vcov == "HC3":
        r2 = r2 / (1.0 - w / total) ** 2
    return p, float(r2.sum() / total**2)


def _binary_effect(
    measure: str, response: ArrayLike, weights: ArrayLike, ref_events: int, ref_n: int, vcov: str
) -> tuple[float, float]:
    """Coefficient (log OR, log RR or RD) and its sandwich standard error."""
    if vcov not in VCOV_TYPES:
        raise ValueError(f"vcov must be one of {', '.join(VCOV_TYPES)}; got {vcov!r}")
    y = _binary(response)
    w = _weights(weights, y.size)
    events, n = _aggregate(ref_events, ref_n)
    y0 = np.concatenate((np.ones(events), np.zeros(n - events)))
    p1, v1 = _arm_variance(y, w, vcov)
    p0, v0 = _arm_variance(y0, np.ones(n), vcov)
    if measure == "RD":
        return p1 - p0, math.sqrt(v1 + v0)
    extreme = (p1 in (0.0, 1.0) or p0 in (0.0, 1.0)) if measure == "OR" else (p1 == 0.0 or p0 == 0.0)
    if extreme:
        raise ValueError(f"the {measure} is not finite: a weighted proportion is {p1:g} (IPD) or {p0:g} (comparator)")
    if measure == "OR":
        coef = math.log(p1 / (1 - p1)) - math.log(p0 / (1 - p0))
        return coef, math.sqrt(v1 / (p1 * (1 - p1)) ** 2 + v0 / (p0 * (1 - p0)) ** 2)
    return math.log(p1 / p0), math.sqrt(v1 / p1**2 + v0 / p0**2)


def _ratio(coef: float, se: float, level: float) -> Estimate:
    z = _z(level)
    return Estimate(math.exp(coef), math.exp(coef - z * se), math.exp(coef + z * se))


def weighted_odds_ratio(
    response: ArrayLike, weights: ArrayLike, ref_events: int, ref_n: int, vcov: str = "HC3", level: float = 0.95
) -> Estimate:
    """Population-adjusted odds ratio (IPD arm versus comparator) with a sandwich confidence interval.

    Equal to the arm coefficient of R ``glm(y ~ arm, family = quasibinomial, weights = w)`` on the stacked data
    (the IPD with its weights; the comparator expanded to ``ref_events`` ones and ``ref_n - ref_events`` zeros
    with weight 1) with ``sandwich::vcovHC(fit, type = vcov)``.

    Parameters
    ----------
    response : array_like
        0/1 response of each IPD patient.
    weights : array_like
        MAIC weights of the IPD patients (any scale; > 0).
    ref_events, ref_n : int
        Responders and patients of the comparator.
    vcov : {"HC3", "HC0"}
        Sandwich variance type.
    level : float
        Confidence level.

    Returns
    -------
    Estimate
        ``(estimate, lower, upper)``.

    Examples
    --------
    >>> est, lo, hi = weighted_odds_ratio([1, 0, 1, 1, 0, 1], [1, 1, 1, 1, 1, 1], 3, 6, vcov="HC0")
    >>> round(est, 6)  # (4/2) / (3/3)
    2.0
    """
    return _ratio(*_binary_effect("OR", response, weights, ref_events, ref_n, vcov), level)


def weighted_risk_ratio(
    response: ArrayLike, weights: ArrayLike, ref_events: int, ref_n: int, vcov: str = "HC3", level: float = 0.95
) -> Estimate:
    """Population-adjusted risk ratio: weighted proportion over the comparator's, sandwich interval (log link).

    Parameters and return value as :func:`weighted_odds_ratio` (R ``quasibinomial(link = "log")``).

    Parameters
    ----------
    response, weights : array_like
    ref_events, ref_n : int
    vcov : {"HC3", "HC0"}
    level : float

    Returns
    -------
    Estimate

    Examples
    --------
    >>> round(weighted_risk_ratio([1, 0, 1, 1], [1, 1, 1, 1], 1, 4).estimate, 6)
    3.0
    """
    return _ratio(*_binary_effect("RR", response, weights, ref_events, ref_n, vcov), level)


def weighted_risk_difference(
    response: ArrayLike, weights: ArrayLike, ref_events: int, ref_n: int, vcov: str = "HC3", level: float = 0.95
) -> Estimate:
    """Population-adjusted risk difference (IPD minus comparator), sandwich interval (identity link).

    Parameters and return value as :func:`weighted_odds_ratio` (R ``quasibinomial(link = "identity")``).

    Parameters
    ----------
    response, weights : array_like
    ref_events, ref_n : int
    vcov : {"HC3", "HC0"}
    level : float

    Returns
    -------
    Estimate

    Examples
    --------
    >>> round(weighted_risk_difference([1, 0, 1, 1], [1, 1, 1, 1], 1, 4).estimate, 6)
    0.5
    """
    coef, se = _binary_effect("RD", response, weights, ref_events, ref_n, vcov)
    z = _z(level)
    return Estimate(coef, coef - z * se, coef + z * se)


def _stacked(
    time: ArrayLike, event: ArrayLike, weights: ArrayLike, ref_time: ArrayLike, ref_event: ArrayLike
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    t1, t0 = np.asarray(time, dtype=float), np.asarray(ref_time, dtype=float)
    e1, e0 = np.asarray(event, dtype=float), np.asarray(ref_event, dtype=float)
    if t1.ndim != 1 or t0.ndim != 1 or t1.size == 0 or t0.size == 0:
        raise ValueError("time and ref_time must be non-empty one-dimensional sequences")
    if e1.shape != t1.shape or e0.shape != t0.shape:
        raise ValueError("event must match time and ref_event must match ref_time in length")
    w = _weights(weights, t1.size)
    arm = np.concatenate((np.ones(t1.size), np.zeros(t0.size)))
    return np.concatenate((t1, t0)), np.concatenate((e1, e0)), arm, np.concatenate((w, np.ones(t0.size)))


def weighted_hazard_ratio(
    time: ArrayLike,
    event: ArrayLike,
    weights: ArrayLike,
    ref_time: ArrayLike,
    ref_event: ArrayLike,
    level: float = 0.95,
    ties: str = "efron",
) -> Estimate:
    """Population-adjusted hazard ratio (IPD arm versus comparator) with a robust confidence interval.

    Equal to R ``coxph(Surv(time, event) ~ arm, weights = w, robust = TRUE)`` on the stacked data: the IPD
    (arm 1) with its MAIC weights and the comparator's (pseudo-)IPD (arm 0) with weight 1.

    Parameters
    ----------
    time, event : array_like
        IPD follow-up times and 0/1 events.
    weights : array_like
        MAIC weights of the IPD patients (> 0).
    ref_time, ref_event : array_like
        Comparator (pseudo-)IPD, e.g. reconstructed from a digitised curve.
    level : float
        Confidence level.
    ties : {"efron", "breslow"}
        Tie handling (R's default Efron).

    Returns
    -------
    Estimate
        ``(estimate, lower, upper)``.

    Examples
    --------
    >>> hr, lo, hi = weighted_hazard_ratio([2, 4, 6, 8], [1, 1, 0, 1], [1, 2, 1, 1], [1, 2, 3, 5], [1, 1, 1, 0])
    >>> lo < hr < hi
    True
    """
    t, e, arm, w = _stacked(time, event, weights, ref_time, ref_event)
    fit = cox_ph(t, e, arm, ties=ties, level=level, weights=w, robust=True)
    return Estimate(fit.hr, fit.ci_low, fit.ci_high)
