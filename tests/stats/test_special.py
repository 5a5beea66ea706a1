"""The pure-Python quantiles of validate (trialcompare.stats._special) against scipy.special, their reference,
over dense grids: relative agreement 1e-10 (the checks compare with printed decimals, half a unit wide)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import special

from trialcompare.options import CI_METHODS
from trialcompare.stats import _special
from trialcompare.stats.proportions import proportion_ci
from trialcompare.stats.reproduce import interval

RTOL = 1e-10

_NS = [*range(1, 120), 150, 199, 250, 333, 500, 777, 1000, 2000, 5000]
_PS = [0.5005, 0.501, 0.51, 0.55, 0.6, 0.75, 0.8, 0.9, 0.95, 0.975, 0.99, 0.995, 0.9975, 0.999, 0.9995, 0.9999]


def _counts(n: int) -> list[int]:
    return sorted({0, 1, 2, 3, n // 3, n // 2, n - 2, n - 1, n, *range(0, n + 1, max(1, n // 12))} & set(range(n + 1)))


def _rel(ours: float, ref: float) -> float:
    return abs(ours - ref) / abs(ref)


@pytest.mark.parametrize("n", _NS)
def test_beta_quantiles_of_clopper_pearson_and_jeffreys(n):
    worst = 0.0
    for x in _counts(n):
        for alpha in (0.01, 0.05, 0.1, 0.2):
            for a, b, p in ((x, n - x + 1, alpha / 2), (x + 1, n - x, 1 - alpha / 2),
                            (x + 0.5, n - x + 0.5, alpha / 2), (x + 0.5, n - x + 0.5, 1 - alpha / 2)):
                if a > 0 and b > 0:
                    worst = max(worst, _rel(_special.betaincinv(a, b, p), float(special.betaincinv(a, b, p))))
    assert worst <= RTOL


def test_beta_edges_are_those_of_scipy():
    assert np.isnan(_special.betaincinv(0, 5, 0.025)) and np.isnan(special.betaincinv(0, 5, 0.025))
    assert _special.betaincinv(2, 3, 0.0) == 0.0 and _special.betaincinv(2, 3, 1.0) == 1.0
    for a, b, x in ((2.0, 3.0, 0.3), (0.5, 40.0, 0.01), (40.0, 0.5, 0.99), (13.0, 21.0, 0.4)):
        assert _rel(_special.betainc(a, b, x), float(special.betainc(a, b, x))) <= RTOL


@pytest.mark.parametrize("df", [*range(1, 130), *range(130, 3000, 37), *range(3000, 50001, 997), 0.5, 1.5, 2.5, 3.7])
def test_t_quantiles(df):
    for p in _PS:
        for q in (p, 1 - p):
            assert _rel(_special.stdtrit(df, q), float(special.stdtrit(df, q))) <= RTOL, (df, q)


def test_normal_quantiles():
    ps = np.linspace(1e-6, 1 - 1e-6, 20001)
    ours = np.array([_special.ndtri(float(p)) for p in ps])
    np.testing.assert_allclose(ours, special.ndtri(ps), rtol=1e-14, atol=1e-15)


@pytest.mark.parametrize("method", CI_METHODS)
@pytest.mark.parametrize("level", [0.8, 0.9, 0.95, 0.99])
def test_the_checks_intervals_are_the_librarys(method, level):
    """reproduce.interval (floats, pure Python) and proportion_ci (numpy, scipy) evaluate the same formulas."""
    for n in (1, 2, 5, 13, 33, 60, 101, 250, 1000):
        x = np.array(_counts(n))
        lo, hi = proportion_ci(x, np.full(x.shape, n), method=method, level=level)
        ours = np.array([interval(int(k), n, method=method, level=level) for k in x])
        np.testing.assert_allclose(ours[:, 0], lo, rtol=RTOL, atol=1e-15)
        np.testing.assert_allclose(ours[:, 1], hi, rtol=RTOL, atol=1e-15)


def test_interval_refuses_what_proportion_ci_refuses():
    for x, n in ((-1, 5), (6, 5), (1, 0), (True, 5), (1.5, 5), ("3", 5), (2**54, 2**55)):
        with pytest.raises(ValueError) as ours:
            interval(x, n)
        with pytest.raises(ValueError) as theirs:
            proportion_ci(x, n)
        assert str(ours.value) == str(theirs.value)
    for level in (0, 1, 1.5, True, "0.95"):
        with pytest.raises(ValueError, match="level must lie strictly between 0 and 1"):
            interval(3, 10, level=level)
    with pytest.raises(ValueError, match="unknown method"):
        interval(3, 10, method="score")
