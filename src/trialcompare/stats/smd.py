"""Standardized mean differences from published aggregates, and mean/SD from medians and quantiles.

All SMDs here are computed from summary statistics only (no individual data): continuous variables from means and
SDs, binary variables from proportions, categorical variables from proportion vectors (Yang & Dalton 2012).
"""

from __future__ import annotations

import math
from typing import Literal

import numpy as np
from scipy import stats

__all__ = ["estimate_mean_sd", "smd_binary", "smd_categorical", "smd_continuous"]


def _ratio(diff: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """diff / scale with 0/0 → 0 and x/0 → ±inf."""
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(scale > 0, diff / np.where(scale > 0, scale, 1.0), np.sign(diff) * np.inf)
    return np.where((scale == 0) & (diff == 0), 0.0, out)


def _scalar_or_array(a: np.ndarray):
    return float(a) if np.ndim(a) == 0 else a


def smd_continuous(m1, s1, n1, m2, s2, n2, pooling: Literal["average", "weighted"] = "average"):
    """Standardized mean difference (m1 − m2) / pooled SD of a continuous variable.

    Parameters
    ----------
    m1, s1, n1 : float or array_like
        Mean, standard deviation and size of group 1.
    m2, s2, n2 : float or array_like
        The same for group 2.
    pooling : {"average", "weighted"}
        ``"average"`` (default): sqrt((s1² + s2²)/2), as R tableone's ``ExtractSmd`` and Austin (2009, Stat Med
        28:3083); the sizes are then unused. ``"weighted"``: sqrt(((n1−1)s1² + (n2−1)s2²)/(n1+n2−2)), Cohen's d
        denominator.

    Returns
    -------
    float or ndarray
        Signed SMD (positive when group 1 has the larger mean; take ``abs`` for balance tables). When both SDs are
        zero the SMD is 0 if the means are equal and ±inf otherwise (the groups are perfectly separated); it is
        never NaN for valid input.

    Examples
    --------
    >>> round(smd_continuous(19.1, 8.5, 33, 15.0, 6.5, 40), 4)
    0.5419
    """
    m1, s1, n1, m2, s2, n2 = (np.asarray(v, dtype=float) for v in (m1, s1, n1, m2, s2, n2))
    if np.any(s1 < 0) or np.any(s2 < 0):
        raise ValueError("standard deviations must be non-negative")
    if pooling == "average":
        pooled = np.sqrt((s1**2 + s2**2) / 2)
    elif pooling == "weighted":
        if np.any(n1 + n2 <= 2):
            raise ValueError("weighted pooling needs n1 + n2 > 2")
        pooled = np.sqrt(((n1 - 1) * s1**2 + (n2 - 1) * s2**2) / (n1 + n2 - 2))
    else:
        raise ValueError(f"unknown pooling {pooling!r}; choose 'average' or 'weighted'")
    return _scalar_or_array(_ratio(m1 - m2, pooled))


def smd_binary(p1, p2):
    """Standardized difference of two proportions, (p1 − p2) / sqrt((p1(1−p1) + p2(1−p2)) / 2).

    Parameters
    ----------
    p1, p2 : float or array_like
        Proportions (0–1) of the two groups.

    Returns
    -------
    float or ndarray
        Signed SMD (Austin 2009). 0 when both proportions are equal and degenerate (both 0 or both 1); ±inf when
        they are 0 and 1.

    Examples
    --------
    >>> round(smd_binary(0.3, 0.2), 4)
    0.2325
    """
    p1, p2 = np.asarray(p1, dtype=float), np.asarray(p2, dtype=float)
    if np.any((p1 < 0) | (p1 > 1) | (p2 < 0) | (p2 > 1)) or np.any(np.isnan(p1) | np.isnan(p2)):
        raise ValueError("proportions must lie in [0, 1]")
    return _scalar_or_array(_ratio(p1 - p2, np.sqrt((p1 * (1 - p1) + p2 * (1 - p2)) / 2)))


def _check_level_vector(p: np.ndarray, name: str) -> None:
    missing = np.flatnonzero(np.isnan(p))
    if missing.size:
        raise ValueError(
            f"{name} has no value (NaN) for level position(s) {missing.tolist()}: a level missing from one cohort "
            "is unknown, not zero; supply 0 explicitly only if the cohort reports that nobody had that level"
        )
    if np.any(p < 0) or np.any(p > 1):
        raise ValueError(f"{name} contains proportions outside [0, 1]")
    if abs(p.sum() - 1) > 1e-6:
        raise ValueError(f"{name} sums to {p.sum():.6g}, not 1; normalise the proportions over the levels first")


def _multinomial_cov(p: np.ndarray) -> np.ndarray:
    return np.diag(p) - np.outer(p, p)


def smd_categorical(p1, p2) -> float:
    """Multivariate SMD of a categorical variable (Yang & Dalton 2012), as R tableone.

    With k levels, drop the first; T = p1[1:] − p2[1:], S = (S1 + S2)/2 where Sg is the multinomial covariance
    diag(pg) − pg pg' of group g on the remaining levels, and SMD = sqrt(T' S⁻ T) with S⁻ the Moore-Penrose
    inverse (so a level absent from both groups adds nothing). The result does not depend on which level is dropped.

    Hand derivation (3 levels): p1 = (0.5, 0.3, 0.2), p2 = (0.4, 0.4, 0.2). T = (−0.1, 0);
    S1 = [[0.21, −0.06], [−0.06, 0.16]], S2 = [[0.24, −0.08], [−0.08, 0.16]], S = [[0.225, −0.07], [−0.07, 0.16]],
    det S = 0.036 − 0.0049 = 0.0311, (S⁻¹)₁₁ = 0.16/0.0311, T'S⁻¹T = 0.01 · 0.16/0.0311 = 0.051447,
    SMD = 0.226819. With two levels the formula reduces to ``abs(smd_binary)`` of the second level.

    Parameters
    ----------
    p1, p2 : array_like
        Proportions of each level in group 1 and 2, over the **same ordered levels**, each summing to 1. A level that
        a cohort did not report must be NaN, and is refused (ValueError naming the position), never taken as 0.

    Returns
    -------
    float
        Non-negative SMD. ``inf`` when the groups differ on a direction in which neither varies — e.g. disjoint
        levels (group 1 only "a", group 2 only "b"): the groups are perfectly separated, and a pseudo-inverse alone
        would wrongly report 0.

    Examples
    --------
    >>> round(smd_categorical([0.5, 0.3, 0.2], [0.4, 0.4, 0.2]), 6)
    0.226819
    """
    a, b = np.asarray(p1, dtype=float).ravel(), np.asarray(p2, dtype=float).ravel()
    if a.shape != b.shape or a.size < 2:
        raise ValueError("p1 and p2 must be proportion vectors over the same (at least two) levels")
    _check_level_vector(a, "p1")
    _check_level_vector(b, "p2")
    t = a[1:] - b[1:]
    s = (_multinomial_cov(a[1:]) + _multinomial_cov(b[1:])) / 2
    s_inv = np.linalg.pinv(s, rcond=1e-12, hermitian=True)
    residual = t - s @ (s_inv @ t)
    if np.linalg.norm(residual) > 1e-9:
        return math.inf
    return float(math.sqrt(max(float(t @ s_inv @ t), 0.0)))


def _xi(n: float) -> float:
    return 2 * float(stats.norm.ppf((n - 0.375) / (n + 0.25)))


def _eta(n: float) -> float:
    return 2 * float(stats.norm.ppf((0.75 * n - 0.125) / (n + 0.25)))


def estimate_mean_sd(
    n: int,
    median: float,
    q1: float | None = None,
    q3: float | None = None,
    minimum: float | None = None,
    maximum: float | None = None,
) -> tuple[float, float, str]:
    """Estimate a mean and SD from a median with range and/or quartiles (Wan et al. 2014).

    Wan X, Wang W, Liu J, Tong T. BMC Med Res Methodol 2014;14:135. With a = min, b = max,
    ξ(n) = 2Φ⁻¹((n − 0.375)/(n + 0.25)) and η(n) = 2Φ⁻¹((0.75n − 0.125)/(n + 0.25)):

    * S1 (min, median, max): mean = (a + 2m + b)/4 (Hozo et al. 2005), SD = (b − a)/ξ(n).
    * S2 (min, q1, median, q3, max): mean = (a + 2q1 + 2m + 2q3 + b)/8, SD = (b − a)/(2ξ(n)) + (q3 − q1)/(2η(n)).
    * S3 (q1, median, q3): mean = (q1 + m + q3)/3, SD = (q3 − q1)/η(n).

    When all five numbers are given S2 is used. Hand check: as n → ∞, η(n) → 2Φ⁻¹(0.75) = 1.34898, the familiar
    SD ≈ IQR/1.35; for n = 50, η = 2Φ⁻¹(37.375/50.25) = 1.310093 and ξ = 2Φ⁻¹(49.625/50.25) = 4.486658.

    Parameters
    ----------
    n : int
        Sample size.
    median : float
        Sample median.
    q1, q3 : float, optional
        First and third quartiles.
    minimum, maximum : float, optional
        Sample minimum and maximum.

    Returns
    -------
    tuple of (float, float, str)
        ``(mean, sd, method)``.
        ``method`` is ``"wan2014-s1"``, ``"wan2014-s2"`` or ``"wan2014-s3"``.

    Examples
    --------
    >>> mean, sd, method = estimate_mean_sd(50, 11.4, q1=7.5, q3=17.1)
    >>> round(mean, 3), round(sd, 3), method
    (12.0, 7.328, 'wan2014-s3')
    """
    if n < 1:
        raise ValueError("n must be positive")
    extremes = (minimum, maximum) if minimum is not None and maximum is not None else None
    quartiles = (q1, q3) if q1 is not None and q3 is not None else None
    if extremes is not None and not extremes[0] <= median <= extremes[1]:
        raise ValueError("median must lie between minimum and maximum")
    if quartiles is not None and not quartiles[0] <= median <= quartiles[1]:
        raise ValueError("median must lie between q1 and q3")
    if extremes is not None and quartiles is not None:
        (a, b), (lower, upper) = extremes, quartiles
        mean = (a + 2 * lower + 2 * median + 2 * upper + b) / 8
        sd = (b - a) / (2 * _xi(n)) + (upper - lower) / (2 * _eta(n))
        return mean, sd, "wan2014-s2"
    if extremes is not None:
        a, b = extremes
        return (a + 2 * median + b) / 4, (b - a) / _xi(n), "wan2014-s1"
    if quartiles is not None:
        lower, upper = quartiles
        return (lower + median + upper) / 3, (upper - lower) / _eta(n), "wan2014-s3"
    raise ValueError("give both quartiles (q1, q3), both extremes (minimum, maximum), or all four")
