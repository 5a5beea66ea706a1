"""Tests for trialcompare.stats.smd.

R tableone (ExtractSmd) is not packaged for Debian, so the SMDs are pinned to hand derivations written out in each
docstring; the Wan et al. (2014) constants come from R ``qnorm`` (tests/fixtures/proportions_reference.json).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from trialcompare.stats.smd import estimate_mean_sd, smd_binary, smd_categorical, smd_continuous

REF = json.loads((Path(__file__).parent.parent / "fixtures" / "proportions_reference.json").read_text())


# ------------------------------------------------------------------ continuous


def test_smd_continuous_average_pooling_hand():
    """(19.1 − 15.0) / sqrt((8.5² + 6.5²)/2) = 4.1 / sqrt(57.25) = 4.1 / 7.566373 = 0.541871."""
    assert smd_continuous(19.1, 8.5, 33, 15.0, 6.5, 40) == pytest.approx(0.541871, abs=1e-6)


def test_smd_continuous_weighted_pooling_hand():
    """Pooled SD² = (32·72.25 + 39·42.25)/71 = (2312 + 1647.75)/71 = 55.771127; 4.1/7.468007 = 0.549009."""
    expected = 4.1 / math.sqrt((32 * 8.5**2 + 39 * 6.5**2) / 71)
    assert expected == pytest.approx(0.549009, abs=1e-6)
    assert smd_continuous(19.1, 8.5, 33, 15.0, 6.5, 40, pooling="weighted") == pytest.approx(expected, rel=1e-12)


def test_smd_continuous_sign_vectorised_and_degenerate():
    got = smd_continuous([1.0, 2.0, 3.0], [1.0, 0.0, 0.0], 10, [2.0, 2.0, 2.0], [1.0, 0.0, 0.0], 10)
    assert got[0] == pytest.approx(-1.0)
    assert got[1] == 0.0  # zero variance, equal means
    assert got[2] == math.inf  # zero variance, different means: perfectly separated
    assert smd_continuous(1.0, 0.0, 5, 2.0, 0.0, 5) == -math.inf


def test_smd_continuous_rejects_bad_input():
    with pytest.raises(ValueError):
        smd_continuous(1, -1, 5, 1, 1, 5)
    with pytest.raises(ValueError):
        smd_continuous(1, 1, 5, 1, 1, 5, pooling="pooled")


# ------------------------------------------------------------------ binary


def test_smd_binary_hand():
    """(0.3 − 0.2) / sqrt((0.21 + 0.16)/2) = 0.1 / sqrt(0.185) = 0.232495."""
    assert smd_binary(0.3, 0.2) == pytest.approx(0.232495, abs=1e-6)
    assert smd_binary(0.2, 0.3) == pytest.approx(-0.232495, abs=1e-6)


def test_smd_binary_degenerate_and_vectorised():
    got = smd_binary([0.0, 1.0, 0.0, 0.5], [0.0, 1.0, 1.0, 0.5])
    assert got.tolist() == [0.0, 0.0, -math.inf, 0.0]
    with pytest.raises(ValueError):
        smd_binary(1.2, 0.5)
    with pytest.raises(ValueError):
        smd_binary(float("nan"), 0.5)


# ------------------------------------------------------------------ categorical (Yang & Dalton 2012)


def test_smd_categorical_three_level_hand_derivation():
    """p1 = (0.5, 0.3, 0.2), p2 = (0.4, 0.4, 0.2); drop level 1: T = (−0.1, 0),
    S = ([[0.21, −0.06], [−0.06, 0.16]] + [[0.24, −0.08], [−0.08, 0.16]])/2 = [[0.225, −0.07], [−0.07, 0.16]],
    det = 0.0311, T'S⁻¹T = 0.01·0.16/0.0311 = 0.0514469, SMD = 0.226819."""
    assert smd_categorical([0.5, 0.3, 0.2], [0.4, 0.4, 0.2]) == pytest.approx(0.226819, abs=1e-6)


def test_smd_categorical_four_level_hand_derivation():
    """p1 = (0.25, 0.25, 0.25, 0.25), p2 = (0.25, 0.5, 0.125, 0.125).
    Drop level 1: T = (−0.25, 0.125, 0.125).
    S1 = diag(0.25) − 0.0625·J: diagonal 0.1875, off-diagonal −0.0625.
    S2 = diag(0.5, 0.125, 0.125) − q q', q = (0.5, 0.125, 0.125): diagonal (0.25, 0.109375, 0.109375),
    off-diagonal (1,2) = (1,3) = −0.0625, (2,3) = −0.015625.
    S = (S1 + S2)/2: diagonal (0.21875, 0.1484375, 0.1484375), (1,2) = (1,3) = −0.0625, (2,3) = −0.0390625.
    By symmetry S⁻¹T = (u, v, v): 0.21875u − 0.125v = −0.25 and −0.0625u + 0.109375v = 0.125 give
    u = −8/11, v = 8/11 (check: (−1.75 − 1)/11 = −0.25; (0.5 + 0.875)/11 = 0.125).
    T'S⁻¹T = 0.25·8/11 + 2·0.125·8/11 = 4/11, SMD = sqrt(4/11) = 0.603023."""
    got = smd_categorical([0.25, 0.25, 0.25, 0.25], [0.25, 0.5, 0.125, 0.125])
    assert got == pytest.approx(math.sqrt(4 / 11), rel=1e-12)


def test_smd_categorical_two_levels_equals_binary():
    for a, b in [(0.3, 0.2), (0.9, 0.15), (0.05, 0.5)]:
        assert smd_categorical([1 - a, a], [1 - b, b]) == pytest.approx(abs(smd_binary(a, b)), rel=1e-12)


def test_smd_categorical_invariant_to_level_order():
    p1, p2 = np.array([0.1, 0.2, 0.3, 0.4]), np.array([0.25, 0.25, 0.4, 0.1])
    base = smd_categorical(p1, p2)
    for perm in ([1, 0, 2, 3], [3, 2, 1, 0], [2, 3, 0, 1]):
        assert smd_categorical(p1[perm], p2[perm]) == pytest.approx(base, rel=1e-10)


def test_smd_categorical_level_empty_in_both_groups_is_ignored():
    """A level both cohorts report as 0 makes S singular; the Moore-Penrose inverse gives the 3-level value."""
    assert smd_categorical([0.5, 0.3, 0.2, 0.0], [0.4, 0.4, 0.2, 0.0]) == pytest.approx(0.226819, abs=1e-6)
    assert smd_categorical([0.0, 0.5, 0.3, 0.2], [0.0, 0.4, 0.4, 0.2]) == pytest.approx(0.226819, abs=1e-6)


def test_smd_categorical_disjoint_levels_are_infinite():
    """Group 1 only in level a, group 2 only in b: perfect separation (binary SMD of level b is ±inf)."""
    assert smd_categorical([1.0, 0.0], [0.0, 1.0]) == math.inf
    assert smd_categorical([1.0, 0.0, 0.0], [0.0, 0.5, 0.5]) == math.inf
    assert smd_categorical([0.6, 0.4, 0.0, 0.0], [0.0, 0.0, 0.3, 0.7]) == math.inf
    assert smd_categorical([1.0, 0.0], [1.0, 0.0]) == 0.0


def test_smd_categorical_refuses_missing_level():
    with pytest.raises(ValueError, match=r"p2 has no value \(NaN\) for level position\(s\) \[2\]"):
        smd_categorical([0.5, 0.3, 0.2], [0.6, 0.4, float("nan")])


@pytest.mark.parametrize(
    ("p1", "p2"),
    [([0.5, 0.5], [0.2, 0.3, 0.5]), ([0.5, 0.6], [0.5, 0.5]), ([1.0], [1.0]), ([1.2, -0.2], [0.5, 0.5])],
)
def test_smd_categorical_rejects_malformed(p1, p2):
    with pytest.raises(ValueError):
        smd_categorical(p1, p2)


# ------------------------------------------------------------------ Wan et al. (2014)


@pytest.mark.parametrize("row", REF["wan"], ids=lambda r: f"n={r['n']}")
def test_estimate_mean_sd_matches_r_constants(row):
    """ξ(n) = 2·qnorm((n − 0.375)/(n + 0.25)) and η(n) = 2·qnorm((0.75n − 0.125)/(n + 0.25)) from R; the
    estimates are then the closed forms of Wan et al. (2014), eqs. for S1, S2, S3, written out here by hand."""
    n, xi, eta = row["n"], row["xi"], row["eta"]
    a, q1, m, q3, b = 2.0, 7.5, 11.4, 17.1, 30.0
    mean, sd, method = estimate_mean_sd(n, m, minimum=a, maximum=b)
    assert (mean, method) == (pytest.approx((a + 2 * m + b) / 4), "wan2014-s1")
    assert sd == pytest.approx((b - a) / xi, rel=1e-12)
    mean, sd, method = estimate_mean_sd(n, m, q1=q1, q3=q3, minimum=a, maximum=b)
    assert (mean, method) == (pytest.approx((a + 2 * q1 + 2 * m + 2 * q3 + b) / 8), "wan2014-s2")
    assert sd == pytest.approx((b - a) / (2 * xi) + (q3 - q1) / (2 * eta), rel=1e-12)
    mean, sd, method = estimate_mean_sd(n, m, q1=q1, q3=q3)
    assert (mean, method) == (pytest.approx((q1 + m + q3) / 3), "wan2014-s3")
    assert sd == pytest.approx((q3 - q1) / eta, rel=1e-12)


def test_estimate_mean_sd_large_n_limits():
    """As n → ∞, η(n) → 2Φ⁻¹(0.75) = 1.3489795 (SD ≈ IQR/1.35) — a textbook value independent of the code."""
    _, sd, _ = estimate_mean_sd(10**9, 0.0, q1=-1.3489795 / 2, q3=1.3489795 / 2)
    assert sd == pytest.approx(1.0, abs=1e-6)


@pytest.mark.parametrize(
    "kwargs",
    [{"q1": 5.0}, {"minimum": 1.0}, {}, {"q1": 12.0, "q3": 17.0}, {"minimum": 12.0, "maximum": 30.0}],
)
def test_estimate_mean_sd_rejects_incomplete_or_inconsistent(kwargs):
    with pytest.raises(ValueError):
        estimate_mean_sd(50, 11.4, **kwargs)
