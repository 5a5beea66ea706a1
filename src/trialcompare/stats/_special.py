"""Beta and Student-t quantiles in pure Python, for the checks of ``trialcompare validate``.

Why not scipy here: the checks need three scalar quantiles — the normal (z of a level), the inverse regularized
incomplete beta (Clopper-Pearson and Jeffreys bounds) and Student's t (a mean's t-interval). Any import of scipy
imports numpy (0.2 s on the benchmark machine), and ``scipy.special`` costs 0.5–0.7 s more (its array-API
backends), whatever ufunc one asks for: ``from scipy.special import _ufuncs`` runs the package ``__init__``
first (measured with ``python -X importtime``). That alone exceeds the 0.6 s budget of ``validate``. These
functions are used only where a check compares a result with printed, rounded decimals (a tolerance of half a
unit of the last digit); scipy stays the reference of the statistics library the reports use
(:mod:`trialcompare.stats.proportions`), and ``tests/stats/test_special.py`` asserts agreement with
``scipy.special`` (``betaincinv``, ``stdtrit``, ``ndtri``) to a relative 1e-10 over a dense grid.

Methods: the normal quantile is :meth:`statistics.NormalDist.inv_cdf` (Wichura's AS 241, ~1e-16). The
regularized incomplete beta is the continued fraction of Numerical Recipes (modified Lentz), on the side of
``(a + 1) / (a + b + 2)`` where it converges, with the log prefactor from :func:`math.lgamma`. Its inverse is a
Halley iteration from the Numerical Recipes starting point, safeguarded by a bisection bracket that every
evaluation narrows (it cannot leave (0, 1) or diverge). Student's t quantile is the beta inverse through
``P(|T| > t) = I_{ν/(ν+t²)}(ν/2, 1/2)``, started from the Cornish-Fisher expansion (A&S 26.7.5).
"""

from __future__ import annotations

import math
from functools import lru_cache
from statistics import NormalDist

__all__ = ["betainc", "betaincinv", "ndtri", "stdtrit"]

_EPS = 2.220446049250313e-16
_TINY = 1e-300
_MAX_TERMS = 10_000


def ndtri(p: float) -> float:
    """Quantile of the standard normal distribution (``scipy.special.ndtri``).

    Examples
    --------
    >>> round(ndtri(0.975), 9)
    1.959963985
    """
    if not 0.0 < p < 1.0:
        return -math.inf if p == 0.0 else math.inf if p == 1.0 else math.nan
    return NormalDist().inv_cdf(p)


def _continued_fraction(a: float, b: float, x: float) -> float:
    """The continued fraction of I_x(a, b) (Numerical Recipes ``betacf``, modified Lentz)."""
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > _TINY else _TINY)
    h = d
    for m in range(1, _MAX_TERMS):
        m2 = m + m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > _TINY else _TINY)
        c = 1.0 + aa / c
        if abs(c) < _TINY:
            c = _TINY
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > _TINY else _TINY)
        c = 1.0 + aa / c
        if abs(c) < _TINY:
            c = _TINY
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < _EPS:
            return h
    raise ArithmeticError(f"incomplete beta: no convergence for a={a}, b={b}, x={x}")  # pragma: no cover


def _log_prefactor(a: float, b: float, x: float) -> float:
    """log of x^a (1-x)^b / B(a, b)."""
    return math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)


def betainc(a: float, b: float, x: float) -> float:
    """Regularized incomplete beta function I_x(a, b) (``scipy.special.betainc``), a, b > 0.

    Examples
    --------
    >>> round(betainc(2.0, 3.0, 0.5), 12)  # 1 - (1 + 3·0.5) · 0.5**3 ... = 11/16
    0.6875
    """
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    if x < (a + 1.0) / (a + b + 2.0):
        return math.exp(_log_prefactor(a, b, x)) * _continued_fraction(a, b, x) / a
    return 1.0 - math.exp(_log_prefactor(a, b, x)) * _continued_fraction(b, a, 1.0 - x) / b


def _start(a: float, b: float, p: float) -> float:
    """First guess of the beta quantile (Numerical Recipes 3rd ed., ``invbetai``)."""
    if a >= 1.0 and b >= 1.0:
        pp = p if p < 0.5 else 1.0 - p
        t = math.sqrt(-2.0 * math.log(pp))
        x = (2.30753 + t * 0.27061) / (1.0 + t * (0.99229 + t * 0.04481)) - t
        x = -x if p < 0.5 else x
        al = (x * x - 3.0) / 6.0
        h = 2.0 / (1.0 / (2.0 * a - 1.0) + 1.0 / (2.0 * b - 1.0))
        skew = (1.0 / (2.0 * b - 1.0) - 1.0 / (2.0 * a - 1.0)) * (al + 5.0 / 6.0 - 2.0 / (3.0 * h))
        w = x * math.sqrt(al + h) / h - skew
        return a / (a + b * math.exp(2.0 * w))
    lna, lnb = math.log(a / (a + b)), math.log(b / (a + b))
    t, u = math.exp(a * lna) / a, math.exp(b * lnb) / b
    w = t + u
    return (a * w * p) ** (1.0 / a) if p < t / w else 1.0 - (b * w * (1.0 - p)) ** (1.0 / b)


def _halley(a: float, b: float, p: float, x: float, lo: float, hi: float, steps: int = 200) -> float:
    """Safeguarded Halley iteration for I_x(a, b) = p inside the bracket (lo, hi); ``steps`` < 200 stops after
    that many steps (for a start known to be accurate: each step triples the number of correct digits)."""
    log_norm = math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b)
    for i in range(steps):
        err = betainc(a, b, x) - p
        if err == 0.0:
            return x
        lo, hi = (x, hi) if err < 0.0 else (lo, x)
        density = math.exp(log_norm + (a - 1.0) * math.log(x) + (b - 1.0) * math.log1p(-x))
        u = err / density
        step = u / (1.0 - 0.5 * min(1.0, u * ((a - 1.0) / x - (b - 1.0) / (1.0 - x))))
        if abs(step) <= 4.0 * _EPS * x or i + 1 == steps < 200:
            return x - step
        new = x - step
        x = new if lo < new < hi else 0.5 * (lo + hi)
        if hi - lo <= 4.0 * _EPS * hi:
            return x
    raise ArithmeticError(f"beta quantile: no convergence for a={a}, b={b}, p={p}")  # pragma: no cover


def betaincinv(a: float, b: float, p: float, start: float | None = None, steps: int = 200) -> float:
    """Inverse of the regularized incomplete beta function in x (``scipy.special.betaincinv``).

    Parameters
    ----------
    a, b : float
        Shape parameters, > 0 (NaN otherwise, as scipy).
    p : float
        Probability in [0, 1].
    start : float, optional
        A first guess in (0, 1) (the iteration is safeguarded: only speed depends on it).
    steps : int
        Halley steps at most; fewer than the default only with a ``start`` accurate to ~1e-6 (one step then
        reaches the precision of the incomplete beta).

    Returns
    -------
    float
        The x in [0, 1] with I_x(a, b) = p.

    Examples
    --------
    >>> round(betaincinv(13, 21, 0.025), 10)  # Clopper-Pearson lower bound of 13/33 (R binom.test: 0.2290662)
    0.2290662384
    """
    if not (a > 0.0 and b > 0.0 and 0.0 <= p <= 1.0):
        return math.nan
    if p == 0.0 or p == 1.0:
        return p
    x = start if start is not None and 0.0 < start < 1.0 else _start(a, b, p)
    x = min(max(x, 1e-300), 1.0 - _EPS)
    return _halley(a, b, p, x, 0.0, 1.0, steps)


def _cornish_fisher(df: float, z: float) -> float:
    """Student's t quantile from the normal one, to order 1/ν⁵ (Abramowitz & Stegun 26.7.5 and its next term,
    Fisher & Cornish 1960); the error is O(ν⁻⁶)."""
    z2 = z * z
    g1 = (z2 + 1.0) * z / 4.0
    g2 = ((5.0 * z2 + 16.0) * z2 + 3.0) * z / 96.0
    g3 = (((3.0 * z2 + 19.0) * z2 + 17.0) * z2 - 15.0) * z / 384.0
    g4 = ((((79.0 * z2 + 776.0) * z2 + 1482.0) * z2 - 1920.0) * z2 - 945.0) * z / 92160.0
    g5 = (((((27.0 * z2 + 339.0) * z2 + 930.0) * z2 - 1782.0) * z2 - 765.0) * z2 + 17955.0) * z / 368640.0
    return z + (g1 + (g2 + (g3 + (g4 + g5 / df) / df) / df) / df) / df


_CF_EXACT, _CF_START = 100.0, 10.0


@lru_cache(maxsize=4096)
def stdtrit(df: float, p: float) -> float:
    """Quantile of Student's t distribution with ``df`` degrees of freedom (``scipy.special.stdtrit``).

    Examples
    --------
    >>> round(stdtrit(32, 0.975), 9)  # R qt(0.975, 32)
    2.036933343
    """
    if not df > 0.0 or not 0.0 <= p <= 1.0:
        return math.nan
    if p == 0.5:
        return 0.0
    if p < 0.5:
        return -stdtrit(df, 1.0 - p)
    if p == 1.0:
        return math.inf
    if df < 3.0 or p > 0.9995:
        return _t_from_beta(df, p, None, 200)
    guess = _cornish_fisher(df, ndtri(p))
    if df >= _CF_EXACT:  # the expansion's error, O(ν⁻⁶), is below 3e-11 there (3e-13 at p = 0.975)
        return guess
    return _t_from_beta(df, p, guess, 1 if df >= _CF_START else 200)  # from ~3e-5 (ν ≥ 10) one Halley step


def _t_from_beta(df: float, p: float, guess: float | None, steps: int) -> float:
    """t > 0 with P(T ≤ t) = p through the beta inverse, solving for whichever of y = t²/(ν+t²) and
    x = 1 − y is the smaller (the other, 1 minus it, would lose digits)."""
    if guess is not None and guess * guess < df:  # y < 1/2: I_y(1/2, ν/2) = 2p − 1
        y = betaincinv(0.5, df / 2.0, 2.0 * p - 1.0, guess * guess / (df + guess * guess), steps)
        return math.sqrt(df * (y / (1.0 - y)))
    x = betaincinv(df / 2.0, 0.5, 2.0 * (1.0 - p), None if guess is None else df / (df + guess * guess), steps)
    return math.sqrt(df * ((1.0 - x) / x))
