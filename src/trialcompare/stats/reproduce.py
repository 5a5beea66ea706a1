"""Reproducing printed, rounded statistics: which method gives a printed proportion CI, and whether a printed
mean ± SD and its t-interval can all hold — the statistics behind the interval checks of ``validate``.

Pure Python (no numpy, no scipy): ``validate`` must start in 0.6 s and scipy alone costs more (see
:mod:`trialcompare.stats._special`, which holds the quantiles and the reasons). The interval formulas are written
once, here, over a small backend (:class:`Backend`): these functions evaluate them on Python floats with the
pure-Python quantiles; :func:`trialcompare.stats.proportions.proportion_ci`, the library the reports use,
evaluates the same formulas on numpy arrays with ``scipy.special`` (the reference). The results agree to 1e-10
(``tests/stats/test_special.py``); they are compared here only with printed decimals, within half a unit.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable
from typing import Any, NamedTuple, TypeGuard

from ..options import CI_METHODS, CIMethod
from . import _special
from ._counts import MAX_COUNT, check_counts

__all__ = ["FORMULAS", "SCALAR", "Backend", "check_level", "interval", "mean_ci_consistent", "mean_ci_t",
           "which_ci_method"]



class Backend(NamedTuple):
    """The operations the interval formulas need (for Python scalars, or for numpy arrays).

    Attributes
    ----------
    sqrt, where, clip, betaincinv : callable
        ``sqrt(v)``, ``where(cond, a, b)``, ``clip(v, lo, hi)`` and ``betaincinv(a, b, p)`` (NaN, not an error, for
        a parameter ≤ 0: ``where`` may evaluate both branches).
    """

    sqrt: Callable[[Any], Any]
    where: Callable[[Any, Any, Any], Any]
    clip: Callable[[Any, float, float], Any]
    betaincinv: Callable[[Any, Any, Any], Any]


SCALAR = Backend(math.sqrt, lambda c, a, b: a if c else b, lambda v, lo, hi: min(max(v, lo), hi),
                 _special.betaincinv)


def _ci_exact(x: Any, n: Any, z: float, alpha: float, xp: Backend) -> tuple[Any, Any]:
    lo = xp.where(x > 0, xp.betaincinv(x, n - x + 1, alpha / 2), 0.0)
    hi = xp.where(x < n, xp.betaincinv(x + 1, n - x, 1 - alpha / 2), 1.0)
    return lo, hi


def _ci_wilson(x: Any, n: Any, z: float, alpha: float, xp: Backend) -> tuple[Any, Any]:
    p = x / n
    denom = 1 + z**2 / n
    centre = (p + z**2 / (2 * n)) / denom
    half = z * xp.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / denom
    lo = xp.where(x > 0, centre - half, 0.0)
    hi = xp.where(x < n, centre + half, 1.0)
    return lo, hi


def _ci_wald(x: Any, n: Any, z: float, alpha: float, xp: Backend) -> tuple[Any, Any]:
    p = x / n
    half = z * xp.sqrt(p * (1 - p) / n)
    return xp.clip(p - half, 0.0, 1.0), xp.clip(p + half, 0.0, 1.0)


def _ci_agresti_coull(x: Any, n: Any, z: float, alpha: float, xp: Backend) -> tuple[Any, Any]:
    n_t = n + z**2
    p_t = (x + z**2 / 2) / n_t
    half = z * xp.sqrt(p_t * (1 - p_t) / n_t)
    return xp.clip(p_t - half, 0.0, 1.0), xp.clip(p_t + half, 0.0, 1.0)


def _ci_jeffreys(x: Any, n: Any, z: float, alpha: float, xp: Backend) -> tuple[Any, Any]:
    lo = xp.where(x > 0, xp.betaincinv(x + 0.5, n - x + 0.5, alpha / 2), 0.0)
    hi = xp.where(x < n, xp.betaincinv(x + 0.5, n - x + 0.5, 1 - alpha / 2), 1.0)
    return lo, hi


FORMULAS: dict[str, Callable[..., tuple[Any, Any]]] = {
    "exact": _ci_exact,
    "wilson": _ci_wilson,
    "wald": _ci_wald,
    "agresti-coull": _ci_agresti_coull,
    "jeffreys": _ci_jeffreys,
}


def check_level(level: Any) -> float:
    """A confidence level strictly between 0 and 1 (a Python or numpy number, not a boolean), else ValueError.

    Parameters
    ----------
    level : object

    Returns
    -------
    float
        ``level`` itself.

    Examples
    --------
    >>> check_level(0.95)
    0.95
    """
    if isinstance(level, bool) or not _is_number(level) or not 0.0 < level < 1.0:
        raise ValueError(f"level must lie strictly between 0 and 1, got {level!r}")
    return level


def _is_number(value: object) -> TypeGuard[float]:
    """Whether ``value`` is a Python or numpy real number (the number itself is kept: a numpy float stays one)."""
    np = sys.modules.get("numpy")  # a numpy number can only exist once numpy is imported
    kinds: tuple[type, ...] = (int, float) if np is None else (int, float, np.floating, np.integer)
    return isinstance(value, kinds)


def _counts(x: Any, n: Any) -> tuple[float, float]:
    if type(x) is int and type(n) is int and 0 <= x <= n and 0 < n <= MAX_COUNT:
        return float(x), float(n)
    # anything else: the library's validation (numpy), and its message
    xs, ns = check_counts(x, n)
    return float(xs), float(ns)


def interval(x: int, n: int, method: CIMethod = "exact", level: float = 0.95) -> tuple[float, float]:
    """Two-sided CI for x/n on Python floats: :func:`trialcompare.stats.proportions.proportion_ci` for one count.

    Parameters
    ----------
    x, n : int
        Events and total.
    method : str
        One of :data:`~trialcompare.options.CI_METHODS`.
    level : float

    Returns
    -------
    tuple of float
        ``(lo, hi)``.

    Examples
    --------
    >>> [round(v, 4) for v in interval(13, 33)]
    [0.2291, 0.5786]
    """
    if method not in FORMULAS:
        raise ValueError(f"unknown method {method!r}; choose one of {', '.join(CI_METHODS)}")
    xf, nf = _counts(x, n)
    z = _special.ndtri(0.5 + check_level(level) / 2.0)
    return FORMULAS[method](xf, nf, z, 1.0 - level, SCALAR)


def _matches(value: float, printed: float, decimals: int) -> bool:
    """True when ``value`` rounds (half-up or half-even: the boundary is accepted) to ``printed``."""
    return abs(value - printed) <= 0.5 * 10.0 ** (-decimals) * (1 + 1e-9) + 1e-12


def which_ci_method(
    x: int, n: int, lower: float, upper: float, decimals: int, level: float = 0.95, scale: float = 100.0
) -> list[str]:
    """Which interval methods reproduce a printed confidence interval for x/n.

    Parameters
    ----------
    x, n : int
        Events and trials behind the printed interval.
    lower, upper : float
        The printed bounds, **in percent by default** (``scale=100``), e.g. ``22.9`` and ``57.9`` for
        "39.4% (22.9–57.9)". Pass ``scale=1`` when the bounds are printed as proportions (0.229, 0.579).
    decimals : int
        Number of decimals the bounds were printed with (1 for ``22.9``).
    level : float
        Confidence level of the printed interval, default 0.95.
    scale : float
        Multiplier from proportion to the printed unit; 100 (percent) unless told otherwise.

    Returns
    -------
    list of str
        The methods of :func:`proportion_ci` (in the order of ``CI_METHODS``: ``"exact"`` = Clopper-Pearson,
        ``"wilson"``, ``"wald"``, ``"agresti-coull"``, ``"jeffreys"``) whose bounds, times ``scale``, round to both
        printed bounds. A bound exactly on a rounding boundary counts as a match. Empty when none reproduces it.

    Examples
    --------
    >>> which_ci_method(13, 33, 22.91, 57.86, 2)
    ['exact']
    """
    found: list[str] = []
    for method in CI_METHODS:
        lo, hi = interval(x, n, method=method, level=level)
        if _matches(lo * scale, lower, decimals) and _matches(hi * scale, upper, decimals):
            found.append(method)
    return found


def mean_ci_t(mean: float, sd: float, n: int, level: float = 0.95) -> tuple[float, float]:
    """Compute the t-based confidence interval of a mean from its summary statistics.

    Parameters
    ----------
    mean, sd : float
        Sample mean and standard deviation.
    n : int
        Sample size (>= 2).
    level : float
        Confidence level, default 0.95.

    Returns
    -------
    tuple of float
        ``(lo, hi)``: ``mean ± t_{n-1, (1+level)/2} · sd / sqrt(n)``.

    Examples
    --------
    >>> [round(v, 2) for v in mean_ci_t(19.1, 8.5, 33)]
    [16.09, 22.11]
    """
    if n < 2:
        raise ValueError("n must be at least 2 for a t interval")
    check_level(level)
    half = float(_special.stdtrit(n - 1, 0.5 + level / 2)) * sd / math.sqrt(n)
    return mean - half, mean + half


def _line_values(s: float, lines: list[tuple[float, float]]) -> list[float]:
    return [a + b * s for a, b in lines]


def mean_ci_consistent(
    mean: float,
    sd: float,
    n: int,
    lower: float,
    upper: float,
    decimals: int,
    level: float = 0.95,
    mean_decimals: int | None = None,
    sd_decimals: int | None = None,
) -> bool:
    """Whether a printed mean, SD and t-interval can all be true at once.

    Consistent means: some mean m' and SD s' that round to the printed mean and SD give a t-interval
    m' ± c·s' (c = t_{n-1}/√n) whose bounds round to the printed bounds. The feasible set is the intersection of
    four strips in the (s', m') plane, so the check is exact: the slack function
    min(upper constraints) − max(lower constraints) is concave and piecewise linear in s', and is evaluated at every
    breakpoint and at both ends of the SD interval.

    Parameters
    ----------
    mean, sd, n : float, float, int
        Printed mean, printed SD, sample size.
    lower, upper : float
        Printed interval bounds.
    decimals : int
        Decimals of the printed bounds; also used for mean and SD unless given separately.
    level : float
        Confidence level of the printed interval.
    mean_decimals, sd_decimals : int, optional
        Decimals of the printed mean and SD when they differ from those of the bounds.

    Returns
    -------
    bool

    Examples
    --------
    >>> mean_ci_consistent(19.1, 8.5, 33, 16.1, 22.1, 1)
    True
    >>> mean_ci_consistent(19.1, 8.5, 33, 16.0, 22.2, 1)
    False
    """
    c = float(_special.stdtrit(n - 1, 0.5 + level / 2)) / math.sqrt(n)
    tol = 1e-9

    def half(d: int | None) -> float:
        return 0.5 * 10.0 ** (-(decimals if d is None else d)) + tol

    hm, hs, hb = half(mean_decimals), half(sd_decimals), half(decimals)
    s_lo, s_hi = max(sd - hs, 0.0), sd + hs
    # m' >= each (a + b s) in `lows`, m' <= each in `highs`
    lows = [(mean - hm, 0.0), (lower - hb, c), (upper - hb, -c)]
    highs = [(mean + hm, 0.0), (lower + hb, c), (upper + hb, -c)]
    candidates = {s_lo, s_hi}
    everything = lows + highs
    for i, (a1, b1) in enumerate(everything):
        for a2, b2 in everything[i + 1 :]:
            if b1 != b2:
                s = (a2 - a1) / (b1 - b2)
                if s_lo <= s <= s_hi:
                    candidates.add(s)
    return any(min(_line_values(s, highs)) >= max(_line_values(s, lows)) for s in candidates)
