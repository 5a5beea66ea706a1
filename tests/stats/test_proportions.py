"""Tests for trialcompare.stats.proportions.

References: tests/fixtures/proportions_reference.json, written by tests/fixtures/proportions_reference.R (R base
``binom.test``, ``prop.test(correct=FALSE)``, ``fisher.test``, ``qbeta``; metafor ``escalc``), and the published
worked examples cited in each test.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from trialcompare.stats.proportions import (
    CI_METHODS,
    fisher_exact,
    mean_ci_consistent,
    mean_ci_t,
    odds_ratio,
    proportion_ci,
    risk_difference,
    which_ci_method,
)

FIXTURE = Path(__file__).parent.parent / "fixtures" / "proportions_reference.json"
REF = json.loads(FIXTURE.read_text())
R_KEY = {"exact": "exact", "wilson": "wilson", "wald": "wald", "agresti-coull": "agresti_coull", "jeffreys": "jeffreys"}


def _num(values) -> list[float]:
    return [float(v) for v in np.atleast_1d(values)]


def _case_id(case: dict) -> str:
    return f"{case['x']}/{case['n']}@{case['level']}"


# ------------------------------------------------------------------ one-sample intervals


@pytest.mark.parametrize("case", REF["single"], ids=_case_id)
@pytest.mark.parametrize("method", CI_METHODS)
def test_proportion_ci_matches_r(case, method):
    """binom.test (exact), prop.test(correct=FALSE) (wilson), qbeta (jeffreys) and the closed forms (wald,
    agresti-coull) evaluated in R, on a grid including 0/n and n/n and two confidence levels."""
    lo, hi = proportion_ci(case["x"], case["n"], method=method, level=case["level"])
    assert (lo, hi) == pytest.approx(_num(case[R_KEY[method]]), rel=1e-10, abs=1e-12)


def test_proportion_ci_boundaries_are_honest():
    """0/n: lower bound exactly 0 and Clopper-Pearson upper bound 1 − (α/2)^(1/n) (hand formula)."""
    lo, hi = proportion_ci(0, 20)
    assert lo == 0.0
    assert hi == pytest.approx(1 - 0.025 ** (1 / 20), rel=1e-12)
    lo, hi = proportion_ci(20, 20)
    assert hi == 1.0
    assert lo == pytest.approx(0.025 ** (1 / 20), rel=1e-12)
    for method in ("exact", "wilson", "jeffreys"):
        lo, hi = proportion_ci(0, 20, method=method)
        assert lo == 0.0 and 0.0 < hi < 1.0


def test_proportion_ci_vectorised():
    x = np.array([0, 5, 10])
    lo, hi = proportion_ci(x, 10, method="wilson")
    assert lo.shape == (3,)
    for i, xi in enumerate(x):
        assert (lo[i], hi[i]) == pytest.approx(proportion_ci(int(xi), 10, method="wilson"))


@pytest.mark.parametrize(
    ("x", "n", "method", "level"),
    [
        (11, 10, "exact", 0.95),
        (-1, 10, "exact", 0.95),
        (1, 0, "exact", 0.95),
        (1, 10, "bogus", 0.95),
        (1, 10, "exact", 1.5),
    ],
)
def test_proportion_ci_rejects_bad_input(x, n, method, level):
    with pytest.raises(ValueError):
        proportion_ci(x, n, method=method, level=level)


# ------------------------------------------------------------------ which method printed this interval?


def test_which_ci_method_identifies_each_method():
    """For 13/33 the five methods give distinct intervals at 2 decimals of percent, so each printed interval
    (rounded from the R reference) is attributed to its own method only."""
    case = next(c for c in REF["single"] if c["x"] == 11 and c["n"] == 33 and c["level"] == 0.95)
    for method in CI_METHODS:
        lo, hi = _num(case[R_KEY[method]])
        printed = (round(lo * 100, 2), round(hi * 100, 2))
        assert which_ci_method(11, 33, *printed, decimals=2) == [method]


def test_which_ci_method_proportion_scale_and_ambiguity():
    """At one decimal of a proportion all five intervals for 13/33 print as (0.2, 0.6) (R fixture: exact
    0.229-0.579, wilson 0.247-0.563, wald 0.227-0.561, agresti-coull 0.246-0.564, jeffreys 0.242-0.564); all are
    listed, and an interval no method gives is attributed to none."""
    assert which_ci_method(13, 33, 0.2, 0.6, decimals=1, scale=1) == list(CI_METHODS)
    assert which_ci_method(13, 33, 10.0, 90.0, decimals=1) == []


def test_which_ci_method_boundary_rounding_counts_as_match():
    lo, hi = proportion_ci(13, 33, "wilson")
    assert "wilson" in which_ci_method(13, 33, round(lo * 100, 3), round(hi * 100, 3), decimals=3)


# ------------------------------------------------------------------ mean and its t interval


def test_mean_ci_t_hand_derivation():
    """t_{32, 0.975} = 2.036933343 (R qt(0.975, 32)); 19.1 ± 2.036933343 · 8.5/√33 = (16.086031, 22.113969)."""
    assert mean_ci_t(19.1, 8.5, 33) == pytest.approx((16.086031, 22.113969), abs=1e-6)


def test_mean_ci_consistent():
    """19.1 ± 8.5, n = 33 gives (16.09, 22.11): printed (16.1, 22.1) is consistent, (16.0, 22.2) is not —
    the printed bounds need a half-width in [3.05, 3.15], but with the SD in [8.45, 8.55] it is at most
    c · 8.55 = 3.0317 (c = t_{32, 0.975}/√33 = 0.354584)."""
    assert mean_ci_consistent(19.1, 8.5, 33, 16.1, 22.1, 1)
    assert not mean_ci_consistent(19.1, 8.5, 33, 16.0, 22.2, 1)
    # With the SD printed as an integer (9 → [8.5, 9.5]) an SD in [8.602, 8.884] gives a half-width in
    # [3.05, 3.15], so the same bounds become consistent.
    assert mean_ci_consistent(19.1, 9.0, 33, 16.0, 22.2, 1, sd_decimals=0)


def test_mean_ci_consistent_needs_both_rounding_windows():
    """The interval is only consistent through the rounding slack of the mean: with a true t interval from
    mean 10.04, SD 2.0, n = 25 (10.04 ± 0.8256 = 9.2144, 10.8656 → 9.21, 10.87), printing the mean as 10.0
    (within its window) stays consistent, printing 9.9 does not."""
    lo, hi = mean_ci_t(10.04, 2.0, 25)
    assert (round(lo, 2), round(hi, 2)) == (9.21, 10.87)
    assert mean_ci_consistent(10.0, 2.0, 25, 9.21, 10.87, 2, mean_decimals=1, sd_decimals=1)
    assert not mean_ci_consistent(9.9, 2.0, 25, 9.21, 10.87, 2, mean_decimals=1, sd_decimals=1)


# ------------------------------------------------------------------ risk difference

NEWCOMBE_TABLE_II = [
    # (x1, n1, x2, n2, lower, upper): Newcombe RG (1998) Stat Med 17:873-890, Table II, method 10
    (56, 70, 48, 80, 0.0524, 0.3339),
    (9, 10, 3, 10, 0.1705, 0.8090),
    (6, 7, 2, 7, 0.0582, 0.8062),
    (5, 56, 0, 29, -0.0381, 0.1926),
    (0, 10, 0, 20, -0.1611, 0.2775),
    (0, 10, 0, 10, -0.2775, 0.2775),
    (10, 10, 0, 20, 0.6791, 1.0000),
    (10, 10, 0, 10, 0.6075, 1.0000),
]


@pytest.mark.parametrize("case", NEWCOMBE_TABLE_II)
def test_newcombe_hybrid_score_table_ii(case):
    """Newcombe (1998) Table II, method 10 (hybrid score, no continuity correction), printed to 4 decimals."""
    x1, n1, x2, n2, lower, upper = case
    rd, lo, hi = risk_difference(x1, n1, x2, n2, method="newcombe")
    assert rd == pytest.approx(x1 / n1 - x2 / n2)
    assert (round(lo, 4), round(hi, 4)) == (lower, upper)


def test_newcombe_fagerland_example():
    """Fagerland, Lydersen & Laake (2017), Statistical Analysis of Contingency Tables, ch. 4: Perondi et al. (2004),
    7/34 vs 1/34: Newcombe hybrid score 0.1765 (0.0189 to 0.3404); Wald 0.0292 to 0.3238."""
    rd, lo, hi = risk_difference(7, 34, 1, 34)
    assert (round(rd, 4), round(lo, 4), round(hi, 4)) == (0.1765, 0.0189, 0.3404)
    _, lo, hi = risk_difference(7, 34, 1, 34, method="wald")
    assert (round(lo, 4), round(hi, 4)) == (0.0292, 0.3238)


MIETTINEN_NURMINEN = [
    # Fagerland et al. (2017) ch. 4, Ritland et al. (2007): 0/16 vs 15/72 → −0.2083 (−0.3164 to −0.0056)
    (0, 16, 15, 72, -0.3164, -0.0056),
    # Newcombe (1998) Table II, method 6 (Miettinen-Nurminen score interval)
    (56, 70, 48, 80, 0.0528, 0.3382),
    (9, 10, 3, 10, 0.1700, 0.8406),
    (6, 7, 2, 7, 0.0342, 0.8534),
    (5, 56, 0, 29, -0.0326, 0.1933),
    (0, 10, 0, 20, -0.1658, 0.2844),
    (0, 10, 0, 10, -0.2879, 0.2879),
    (10, 10, 0, 20, 0.7156, 1.0000),
    (10, 10, 0, 10, 0.6636, 1.0000),
]


@pytest.mark.parametrize("case", MIETTINEN_NURMINEN)
def test_miettinen_nurminen(case):
    """Published 4-decimal values (sources in the table comments)."""
    x1, n1, x2, n2, lower, upper = case
    _, lo, hi = risk_difference(x1, n1, x2, n2, method="miettinen-nurminen")
    assert (round(lo, 4), round(hi, 4)) == (lower, upper)


def test_miettinen_nurminen_is_wider_than_mee():
    """MN differs from the Mee (Farrington-Manning) interval only by the variance factor N/(N−1) > 1, so it must
    contain it. Mee for 7/34 vs 1/34 is 0.0284 to 0.3439 (Fagerland et al. 2017)."""
    _, lo, hi = risk_difference(7, 34, 1, 34, method="miettinen-nurminen")
    assert lo < 0.0284 and hi > 0.3439
    assert lo > 0.0284 - 0.005 and hi < 0.3439 + 0.005


def test_risk_difference_antisymmetric_and_level():
    for method in ("newcombe", "miettinen-nurminen", "wald"):
        rd, lo, hi = risk_difference(13, 33, 8, 40, method=method)
        rd2, lo2, hi2 = risk_difference(8, 40, 13, 33, method=method)
        assert (rd2, lo2, hi2) == pytest.approx((-rd, -hi, -lo), abs=1e-9)
        _, lo90, hi90 = risk_difference(13, 33, 8, 40, method=method, level=0.90)
        assert lo < lo90 < rd < hi90 < hi


def test_risk_difference_rejects_bad_input():
    with pytest.raises(ValueError):
        risk_difference(5, 4, 1, 4)
    with pytest.raises(ValueError):
        risk_difference(1, 4, 1, 4, method="mee")


# ------------------------------------------------------------------ odds ratio and Fisher


def _tid(t: dict) -> str:
    return f"{t['x1']}/{t['n1']}-vs-{t['x2']}/{t['n2']}"


@pytest.mark.parametrize("t", REF["two_by_two"], ids=_tid)
def test_fisher_exact_matches_r(t):
    assert fisher_exact(t["x1"], t["n1"], t["x2"], t["n2"]) == pytest.approx(t["fisher_p"], rel=1e-10)


@pytest.mark.parametrize("t", REF["two_by_two"], ids=_tid)
def test_exact_odds_ratio_matches_r(t):
    """Conditional MLE and interval. fisher.test solves with uniroot's default tolerance (~1e-4 on the search
    scale), so it is matched to 1e-2 relative; the same quantities solved in R to 1e-13 are matched to 1e-9."""
    got = odds_ratio(t["x1"], t["n1"], t["x2"], t["n2"], method="exact")
    assert got == pytest.approx(_num(t["or_exact"]), rel=1e-2, abs=1e-12)
    assert got == pytest.approx(_num(t["or_exact_precise"]), rel=1e-9, abs=1e-12)
    got90 = odds_ratio(t["x1"], t["n1"], t["x2"], t["n2"], method="exact", level=0.90)
    assert got90 == pytest.approx(_num(t["or_exact_90"]), rel=1e-2, abs=1e-12)


@pytest.mark.parametrize("t", REF["two_by_two"], ids=_tid)
def test_woolf_odds_ratio_matches_metafor(t):
    """metafor escalc(measure="OR") adds 1/2 to every cell only in tables with a zero cell (to = "only0")."""
    got = odds_ratio(t["x1"], t["n1"], t["x2"], t["n2"], method="woolf")
    assert got == pytest.approx(_num(t["or_woolf"]), rel=1e-10)


def test_fisher_published_example():
    """Fagerland et al. (2017) ch. 4, Ritland et al. (2007), 0/16 vs 15/72: Fisher exact test P = 0.06287."""
    assert round(fisher_exact(0, 16, 15, 72), 5) == 0.06287


def test_odds_ratio_rejects_bad_method():
    with pytest.raises(ValueError):
        odds_ratio(1, 4, 2, 4, method="cornfield")
    assert not math.isnan(odds_ratio(0, 4, 0, 4)[0])
