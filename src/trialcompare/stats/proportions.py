"""Confidence intervals and 2×2-table comparisons for binomial proportions.

Pure functions on counts: one-sample intervals (Clopper-Pearson, Wilson, Wald, Agresti-Coull, Jeffreys), the
reverse question "which interval method reproduces this printed interval?", t-intervals for a mean and their
consistency with printed, rounded numbers, and two-group comparisons (risk difference, odds ratio, Fisher's exact
test) matching the conventions of R's ``binom.test``, ``prop.test``, ``fisher.test`` and the published worked
examples cited in each function.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import partial
from typing import Literal

import numpy as np
from scipy import special

from trialcompare.options import CI_METHODS, CIMethod

from ._counts import check_counts
from .reproduce import FORMULAS, Backend, check_level, mean_ci_consistent, mean_ci_t, which_ci_method

__all__ = [
    "CI_METHODS",
    "check_counts",
    "fisher_exact",
    "mean_ci_consistent",
    "mean_ci_t",
    "odds_ratio",
    "proportion_ci",
    "risk_difference",
    "which_ci_method",
]



_EPS = np.finfo(float).eps


def _brentq(*args, **kwargs) -> float:
    """scipy.optimize.brentq, imported on first use (keeps ``trialcompare validate`` start-up light)."""
    from scipy import optimize

    return optimize.brentq(*args, **kwargs)


def _z(level: float) -> float:
    return float(special.ndtri(0.5 + check_level(level) / 2.0))


def _as_counts(x, n) -> tuple[np.ndarray, np.ndarray]:
    return check_counts(x, n)


def _betaincinv(a, b, p):
    with np.errstate(invalid="ignore"):  # a parameter of 0 (x = 0 or x = n) gives NaN, not used by np.where
        return special.betaincinv(a, b, p)


_NUMPY = Backend(np.sqrt, np.where, np.clip, _betaincinv)


# the formulas are written once, in .reproduce (the checks evaluate them on floats without numpy)
_CI_FUNCS: dict[str, Callable[..., tuple[np.ndarray, np.ndarray]]] = {
    method: partial(formula, xp=_NUMPY) for method, formula in FORMULAS.items()
}


def _scalar_or_array(a: np.ndarray):
    return float(a) if np.ndim(a) == 0 else a


def proportion_ci(x, n, method: CIMethod = "exact", level: float = 0.95):
    """Two-sided confidence interval for a binomial proportion.

    Parameters
    ----------
    x, n : int or array_like
        Number of events and number of trials (broadcast together); ``0 <= x <= n``, ``n > 0``.
    method : {"exact", "wilson", "wald", "agresti-coull", "jeffreys"}
        ``"exact"`` is Clopper-Pearson (R ``binom.test``); ``"wilson"`` is the score interval without continuity
        correction (R ``prop.test(correct=FALSE)``); ``"wald"`` is p ± z·sqrt(p(1-p)/n) clipped to [0, 1];
        ``"agresti-coull"`` adds z²/2 successes and failures (Agresti & Coull 1998), clipped to [0, 1];
        ``"jeffreys"`` uses Beta(x+½, n−x+½) quantiles with the Brown, Cai & DasGupta (2001) convention that
        the lower bound is 0 at x = 0 and the upper bound 1 at x = n.
    level : float
        Confidence level, default 0.95.

    Returns
    -------
    tuple of float, or of ndarray when any input is an array
        ``(lo, hi)``: bounds on the proportion scale. At x = 0 every method except Wald and Agresti-Coull returns a
        lower bound of exactly 0 and an honest, non-zero upper bound (Clopper-Pearson: 1 − (α/2)^(1/n));
        symmetrically at x = n. Wald degenerates to (0, 0) or (1, 1) there, which is the reason not to use it.

    Examples
    --------
    >>> lo, hi = proportion_ci(0, 10)
    >>> round(hi, 4)
    0.3085
    """
    if method not in _CI_FUNCS:
        raise ValueError(f"unknown method {method!r}; choose one of {', '.join(CI_METHODS)}")
    x_arr, n_arr = _as_counts(x, n)
    z = _z(level)
    lo, hi = _CI_FUNCS[method](x_arr, n_arr, z, 1.0 - level)
    return _scalar_or_array(lo), _scalar_or_array(hi)


# ---------------------------------------------------------------------------------------------------------------
# Risk difference
# ---------------------------------------------------------------------------------------------------------------


def _check_2x2(x1: int, n1: int, x2: int, n2: int) -> tuple[int, int, int, int]:
    """Validate a 2x2 table (two single counts and totals); the counts as Python ints."""
    for x, n in ((x1, n1), (x2, n2)):
        if np.ndim(x) or np.ndim(n):
            raise ValueError(f"counts of a 2x2 table must be single numbers, got x={x!r}, n={n!r}")
        check_counts(x, n)
    return int(x1), int(n1), int(x2), int(n2)


def _rd_newcombe(x1, n1, x2, n2, level) -> tuple[float, float]:
    p1, p2 = x1 / n1, x2 / n2
    l1, u1 = proportion_ci(x1, n1, "wilson", level)
    l2, u2 = proportion_ci(x2, n2, "wilson", level)
    d = p1 - p2
    return d - math.hypot(p1 - l1, u2 - p2), d + math.hypot(u1 - p1, p2 - l2)


def _rd_wald(x1, n1, x2, n2, level) -> tuple[float, float]:
    p1, p2 = x1 / n1, x2 / n2
    half = _z(level) * math.sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2)
    return max(p1 - p2 - half, -1.0), min(p1 - p2 + half, 1.0)


def _restricted_mle(p1: float, n1: int, p2: float, n2: int, delta: float) -> tuple[float, float]:
    """Maximum-likelihood (p1, p2) under p1 − p2 = delta (Miettinen & Nurminen 1985, appendix; cubic root)."""
    theta = n2 / n1
    a = 1 + theta
    b = -(1 + theta + p1 + theta * p2 + delta * (theta + 2))
    c = delta**2 + delta * (2 * p1 + theta + 1) + p1 + theta * p2
    d = -p1 * delta * (1 + delta)
    v = (b / (3 * a)) ** 3 - b * c / (6 * a * a) + d / (2 * a)
    u = math.copysign(math.sqrt(max((b / (3 * a)) ** 2 - c / (3 * a), 0.0)), v)
    ratio = 0.0 if u == 0 else max(-1.0, min(1.0, v / u**3))
    w = (math.pi + math.acos(ratio)) / 3
    q1 = min(max(2 * u * math.cos(w) - b / (3 * a), 0.0), 1.0)
    q2 = min(max(q1 - delta, 0.0), 1.0)
    return q1, q2


def _mn_excess(delta: float, p1: float, n1: int, p2: float, n2: int, chi2: float) -> float:
    """Miettinen-Nurminen score statistic squared minus the critical value, at a hypothesised difference."""
    diff = p1 - p2 - delta
    if diff == 0:
        return -chi2
    q1, q2 = _restricted_mle(p1, n1, p2, n2, delta)
    var = (q1 * (1 - q1) / n1 + q2 * (1 - q2) / n2) * (n1 + n2) / (n1 + n2 - 1)
    if var <= 0:
        return math.inf
    return diff**2 / var - chi2


def _rd_miettinen_nurminen(x1, n1, x2, n2, level) -> tuple[float, float]:
    p1, p2 = x1 / n1, x2 / n2
    d = p1 - p2
    chi2 = _z(level) ** 2
    args = (p1, n1, p2, n2, chi2)
    edge = 1 - 1e-12
    lo = (
        -1.0
        if d <= -edge or _mn_excess(-edge, *args) <= 0
        else _brentq(_mn_excess, -edge, d, args=args, xtol=1e-13)
    )
    hi = (
        1.0
        if d >= edge or _mn_excess(edge, *args) <= 0
        else _brentq(_mn_excess, d, edge, args=args, xtol=1e-13)
    )
    return lo, hi


_RD_FUNCS = {
    "newcombe": _rd_newcombe,
    "miettinen-nurminen": _rd_miettinen_nurminen,
    "wald": _rd_wald,
}


def risk_difference(
    x1: int,
    n1: int,
    x2: int,
    n2: int,
    method: Literal["newcombe", "miettinen-nurminen", "wald"] = "newcombe",
    level: float = 0.95,
) -> tuple[float, float, float]:
    """Difference of two independent proportions, x1/n1 − x2/n2, with a confidence interval.

    Parameters
    ----------
    x1, n1, x2, n2 : int
        Events and totals of group 1 and group 2.
    method : {"newcombe", "miettinen-nurminen", "wald"}
        ``"newcombe"``: hybrid score interval, method 10 of Newcombe (1998, Stat Med 17:873), built from the two
        Wilson intervals (l_i, u_i): (d − sqrt((p1−l1)² + (u2−p2)²), d + sqrt((u1−p1)² + (p2−l2)²)).
        ``"miettinen-nurminen"``: inversion of the Miettinen & Nurminen (1985) score test, whose variance uses the
        restricted MLE and the factor N/(N−1), N = n1 + n2; solved to 1e-13.
        ``"wald"``: d ± z·SE, clipped to [−1, 1].
    level : float
        Confidence level, default 0.95.

    Returns
    -------
    tuple of float
        ``(rd, lo, hi)``.

    Examples
    --------
    Newcombe (1998), Table II, example (a):

    >>> [round(v, 4) for v in risk_difference(56, 70, 48, 80)]
    [0.2, 0.0524, 0.3339]
    """
    x1, n1, x2, n2 = _check_2x2(x1, n1, x2, n2)
    if method not in _RD_FUNCS:
        raise ValueError(f"unknown method {method!r}; choose one of {', '.join(_RD_FUNCS)}")
    lo, hi = _RD_FUNCS[method](x1, n1, x2, n2, level)
    return x1 / n1 - x2 / n2, float(lo), float(hi)


# ---------------------------------------------------------------------------------------------------------------
# Odds ratio and Fisher's exact test (conditional, non-central hypergeometric; as R fisher.test)
# ---------------------------------------------------------------------------------------------------------------


class _NoncentralHypergeometric:
    """Distribution of the (1,1) cell given all margins, as in R's ``fisher.test``."""

    def __init__(self, x1: int, n1: int, x2: int, n2: int) -> None:
        events, nonevents = x1 + x2, (n1 - x1) + (n2 - x2)
        self.lo, self.hi = max(0, n1 - nonevents), min(n1, events)
        self.support = np.arange(self.lo, self.hi + 1)
        from scipy import stats  # lazy: scipy.stats costs ~0.7 s at start-up

        self.logdc = stats.hypergeom.logpmf(self.support, events + nonevents, events, n1)

    def pmf(self, ncp: float) -> np.ndarray:
        d = self.logdc + math.log(ncp) * self.support
        d = np.exp(d - d.max())
        return d / d.sum()

    def mean(self, ncp: float) -> float:
        if ncp == 0:
            return float(self.lo)
        if math.isinf(ncp):
            return float(self.hi)
        return float(np.sum(self.support * self.pmf(ncp)))

    def tail(self, q: int, ncp: float, upper: bool) -> float:
        if ncp == 0:
            return float(q <= self.lo) if upper else float(q >= self.lo)
        if math.isinf(ncp):
            return float(q <= self.hi) if upper else float(q >= self.hi)
        d = self.pmf(ncp)
        return float(d[self.support >= q].sum() if upper else d[self.support <= q].sum())


def _solve_ncp(fun: Callable[[float], float]) -> float:
    """Root in [0, ∞] of a function monotone in the odds ratio, searched on t in (0, 1) or on 1/t, as R does."""
    f1 = fun(1.0)
    if f1 == 0:
        return 1.0
    if np.sign(fun(0.0)) != np.sign(f1):
        return _brentq(fun, 0.0, 1.0, xtol=1e-15, rtol=1e-14)
    return 1.0 / _brentq(lambda t: fun(1.0 / t), _EPS, 1.0, xtol=1e-15, rtol=1e-14)


def fisher_exact(x1: int, n1: int, x2: int, n2: int) -> float:
    """Two-sided Fisher exact test p-value for two proportions, as R ``fisher.test``.

    The two-sided p-value sums the null hypergeometric probabilities of all tables no more likely than the observed
    one, with R's relative tolerance of 1e-7 on that comparison.

    Parameters
    ----------
    x1, n1, x2, n2 : int
        Events and totals of group 1 and group 2.

    Returns
    -------
    float
        Two-sided p-value.

    Examples
    --------
    >>> round(fisher_exact(0, 16, 15, 72), 5)
    0.06287
    """
    x1, n1, x2, n2 = _check_2x2(x1, n1, x2, n2)
    dist = _NoncentralHypergeometric(x1, n1, x2, n2)
    d = np.exp(dist.logdc)
    observed = d[x1 - dist.lo]
    return float(min(1.0, d[d <= observed * (1 + 1e-7)].sum()))


def _or_exact(x1, n1, x2, n2, level) -> tuple[float, float, float]:
    dist = _NoncentralHypergeometric(x1, n1, x2, n2)
    alpha = (1 - level) / 2
    lo = 0.0 if x1 == dist.lo else _solve_ncp(lambda t: dist.tail(x1, t, upper=True) - alpha)
    hi = math.inf if x1 == dist.hi else _solve_ncp(lambda t: dist.tail(x1, t, upper=False) - alpha)
    if x1 == dist.lo:
        est = 0.0
    elif x1 == dist.hi:
        est = math.inf
    else:
        est = _solve_ncp(lambda t: dist.mean(t) - x1)
    return est, lo, hi


def _or_woolf(x1, n1, x2, n2, level) -> tuple[float, float, float]:
    cells = np.array([x1, n1 - x1, x2, n2 - x2], dtype=float)
    if np.any(cells == 0):
        cells = cells + 0.5
    a, b, c, d = cells
    log_or = math.log(a * d / (b * c))
    half = _z(level) * math.sqrt(np.sum(1.0 / cells))
    return math.exp(log_or), math.exp(log_or - half), math.exp(log_or + half)


def odds_ratio(
    x1: int,
    n1: int,
    x2: int,
    n2: int,
    method: Literal["woolf", "exact"] = "woolf",
    level: float = 0.95,
) -> tuple[float, float, float]:
    """Compute the odds ratio of group 1 versus group 2 with a confidence interval.

    Parameters
    ----------
    x1, n1, x2, n2 : int
        Events and totals of group 1 and group 2.
    method : {"woolf", "exact"}
        ``"woolf"``: sample odds ratio with the logit (Woolf 1955) interval; 0.5 is added to every cell only when
        a cell is 0 (Haldane), as metafor's ``escalc(measure="OR")`` default ``to="only0"``.
        ``"exact"``: conditional maximum-likelihood estimate and the conditional exact interval, as R
        ``fisher.test`` (0 or ∞ at the edges of the support).
    level : float
        Confidence level, default 0.95.

    Returns
    -------
    tuple of float
        ``(or, lo, hi)``.

    Examples
    --------
    >>> [round(v, 3) for v in odds_ratio(9, 13, 4, 14)]
    [5.625, 1.077, 29.371]
    """
    x1, n1, x2, n2 = _check_2x2(x1, n1, x2, n2)
    if method == "woolf":
        return _or_woolf(x1, n1, x2, n2, level)
    if method == "exact":
        _z(level)
        return _or_exact(x1, n1, x2, n2, level)
    raise ValueError(f"unknown method {method!r}; choose 'woolf' or 'exact'")
