"""Sensitivity measures for a between-cohort comparison: fragility of a 2×2 result and the E-value."""

from __future__ import annotations

import math

from trialcompare.stats.proportions import fisher_exact

__all__ = ["e_value", "fragility_index", "reverse_fragility_index"]


def _check_counts(x1: int, n1: int, x2: int, n2: int, alpha: float) -> tuple[int, int, int, int]:
    from .proportions import _check_2x2

    counts = _check_2x2(x1, n1, x2, n2)
    if isinstance(alpha, bool) or not isinstance(alpha, int | float) or not 0 < alpha < 1:
        raise ValueError(f"alpha must lie strictly between 0 and 1, got {alpha!r}")
    return counts


def fragility_index(x1: int, n1: int, x2: int, n2: int, alpha: float = 0.05) -> int:
    """Fragility index of a statistically significant 2×2 comparison (Walsh et al. 2014).

    Walsh M, et al. J Clin Epidemiol 2014;67:622-8: one patient at a time, a non-event in the group with fewer
    events becomes an event (group sizes fixed), and the two-sided Fisher exact p-value is recomputed, until
    p >= alpha. The index is the number of patients changed. "Fewer events" is read as the **lower event
    proportion** (identical for equal group sizes; for unequal sizes it is the group whose extra events move the
    two proportions together).

    A result that is not significant (p >= alpha) has fragility index **0** by this function: nothing has to change
    for it to be non-significant. Its counterpart is :func:`reverse_fragility_index`.

    Parameters
    ----------
    x1, n1, x2, n2 : int
        Events and totals of the two groups.
    alpha : float
        Significance threshold, default 0.05.

    Returns
    -------
    int
        Number of event changes needed to lose significance; 0 when the result is not significant.

    Examples
    --------
    >>> fragility_index(1, 50, 12, 48)
    4
    """
    x1, n1, x2, n2 = _check_counts(x1, n1, x2, n2, alpha)
    changed = 0
    while fisher_exact(x1, n1, x2, n2) < alpha:
        if x1 / n1 <= x2 / n2:
            x1 += 1
        else:
            x2 += 1
        changed += 1
    return changed


def _steps_to_significance(x1: int, n1: int, x2: int, n2: int, alpha: float, group: int, step: int) -> int | None:
    count = 0
    while True:
        if group == 1:
            x1 += step
            if not 0 <= x1 <= n1:
                return None
        else:
            x2 += step
            if not 0 <= x2 <= n2:
                return None
        count += 1
        if fisher_exact(x1, n1, x2, n2) < alpha:
            return count


def reverse_fragility_index(x1: int, n1: int, x2: int, n2: int, alpha: float = 0.05) -> int | None:
    """Reverse fragility index of a non-significant 2×2 comparison (after Khan et al. 2020).

    The smallest number of patients in **one** group whose outcome must flip for the two-sided Fisher exact test to
    become significant (p < alpha), moving the groups apart: either events are added to the group with the higher
    event proportion, or removed from the group with the lower one; the smaller of the two counts is returned.

    Parameters
    ----------
    x1, n1, x2, n2 : int
        Events and totals of the two groups.
    alpha : float
        Significance threshold, default 0.05.

    Returns
    -------
    int or None
        0 when the result is already significant; ``None`` when no such change within one group reaches
        significance (very small groups).

    Examples
    --------
    >>> reverse_fragility_index(3, 20, 6, 20)
    3
    """
    x1, n1, x2, n2 = _check_counts(x1, n1, x2, n2, alpha)
    if fisher_exact(x1, n1, x2, n2) < alpha:
        return 0
    high, low = (1, 2) if x1 / n1 >= x2 / n2 else (2, 1)
    options = [
        _steps_to_significance(x1, n1, x2, n2, alpha, group=high, step=+1),
        _steps_to_significance(x1, n1, x2, n2, alpha, group=low, step=-1),
    ]
    found = [k for k in options if k is not None]
    return min(found) if found else None


def _e(rr: float) -> float:
    rr = 1 / rr if rr < 1 else rr
    return rr + math.sqrt(rr * (rr - 1))


def e_value(rr: float, lo: float | None = None, hi: float | None = None) -> tuple[float, float | None]:
    """E-value for a risk ratio and for the confidence limit closest to the null (VanderWeele & Ding 2017).

    VanderWeele TJ, Ding P. Ann Intern Med 2017;167:268-74: the minimum strength of association (risk-ratio scale)
    that an unmeasured confounder would need with both exposure and outcome to explain the observed RR away,
    E = RR + sqrt(RR·(RR − 1)). A protective RR < 1 is first inverted (RR* = 1/RR). For the interval, the limit
    closest to 1 is used (``lo`` when RR > 1, ``hi`` when RR < 1); if the interval includes 1 its E-value is 1.

    Parameters
    ----------
    rr : float
        Point estimate of the risk ratio (> 0). Odds or hazard ratios must be converted by the caller (e.g. the
        square-root transformation for common outcomes), as the paper describes.
    lo, hi : float, optional
        Confidence limits of the risk ratio.

    Returns
    -------
    tuple of (float, float or None)
        ``(e_point, e_ci)``: the E-value of the estimate, and of the limit closest to the null (``None`` when no
        limits were given).

    Examples
    --------
    >>> [round(v, 3) for v in e_value(3.9, 1.8, 8.7)]
    [7.263, 3.0]
    """
    if not rr > 0 or not math.isfinite(rr):
        raise ValueError("rr must be a positive finite risk ratio")
    if (lo is None) != (hi is None):
        raise ValueError("give both confidence limits or neither")
    e_point = _e(rr)
    if lo is None or hi is None:
        return e_point, None
    if not 0 < lo <= rr <= hi:
        raise ValueError("confidence limits must satisfy 0 < lo <= rr <= hi")
    if lo <= 1 <= hi:
        return e_point, 1.0
    return e_point, _e(lo if rr > 1 else hi)
