"""Tests for trialcompare.stats.sensitivity.

Fragility indices are pinned to step-by-step derivations in tests/fixtures/proportions_reference.R, which records
the R ``fisher.test`` p-value after each changed patient; the E-value to VanderWeele & Ding (2017) and hand
arithmetic.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from trialcompare.stats.proportions import fisher_exact
from trialcompare.stats.sensitivity import e_value, fragility_index, reverse_fragility_index

REF = json.loads((Path(__file__).parent.parent / "fixtures" / "proportions_reference.json").read_text())


def _tid(c: dict) -> str:
    return f"{c['x1']}/{c['n1']}-vs-{c['x2']}/{c['n2']}"


@pytest.mark.parametrize("case", REF["fragility"], ids=_tid)
def test_fragility_index_matches_r_derivation(case):
    """Walsh et al. (2014) procedure run in R: the p-value path crosses 0.05 after exactly ``index`` patients."""
    path = np.atleast_1d(case["p_path"])
    assert path[-1] >= 0.05 and np.all(path[:-1] < 0.05)
    assert fragility_index(case["x1"], case["n1"], case["x2"], case["n2"]) == case["index"] == len(path) - 1


def test_fragility_index_path_uses_r_fisher_p_values():
    """1/50 vs 12/48: R fisher.test p = 0.00075, 0.00348, 0.01135, 0.02931, 0.06365 for 1..5 events in group 1,
    so the fragility index is 4 (the fourth extra event loses significance)."""
    case = next(c for c in REF["fragility"] if (c["x1"], c["n1"], c["x2"], c["n2"]) == (1, 50, 12, 48))
    for k, p in enumerate(case["p_path"]):
        assert fisher_exact(1 + k, 50, 12, 48) == pytest.approx(p, rel=1e-10)
    assert fragility_index(1, 50, 12, 48) == 4
    assert fragility_index(12, 48, 1, 50) == 4  # symmetric in the groups


def test_fragility_index_of_non_significant_result_is_zero():
    assert fragility_index(3, 20, 6, 20) == 0
    assert fragility_index(5, 10, 5, 10) == 0


def test_fragility_index_alpha():
    """1/50 vs 12/48 at alpha = 0.01: the path 0.00075, 0.00348, 0.01135 crosses 0.01 after 2 patients."""
    assert fragility_index(1, 50, 12, 48, alpha=0.01) == 2


@pytest.mark.parametrize("case", REF["reverse_fragility"], ids=_tid)
def test_reverse_fragility_index_matches_r_derivation(case):
    options = [v for v in (case["add_to_higher"], case["remove_from_lower"]) if v is not None]
    expected = min(options) if options else None
    assert reverse_fragility_index(case["x1"], case["n1"], case["x2"], case["n2"]) == expected


def test_reverse_fragility_index_of_significant_result_is_zero():
    assert reverse_fragility_index(1, 50, 12, 48) == 0


@pytest.mark.parametrize("bad", [(5, 4, 1, 4), (-1, 4, 1, 4), (1, 0, 1, 4)])
def test_fragility_rejects_bad_counts(bad):
    with pytest.raises(ValueError):
        fragility_index(*bad)
    with pytest.raises(ValueError):
        reverse_fragility_index(*bad)


def test_e_value_paper_example():
    """VanderWeele & Ding (2017), breastfeeding and infant death from respiratory infection: RR = 3.9 gives
    E = 3.9 + sqrt(3.9 · 2.9) = 7.26. Limit 2.8: 2.8 + sqrt(2.8 · 1.8) = 5.045 (hand arithmetic)."""
    e_point, e_ci = e_value(3.9, 2.8, 5.4)
    assert round(e_point, 2) == 7.26
    assert e_ci == pytest.approx(2.8 + math.sqrt(2.8 * 1.8), rel=1e-12)
    assert e_ci == pytest.approx(5.045, abs=5e-4)


def test_e_value_hand_values():
    """RR = 2: 2 + sqrt(2) = 3.414214; limit 1.8: 1.8 + sqrt(1.44) = 3.0 exactly."""
    assert e_value(2.0) == (pytest.approx(2 + math.sqrt(2)), None)
    assert e_value(3.9, 1.8, 8.7)[1] == pytest.approx(3.0, rel=1e-12)


def test_e_value_protective_inverted():
    """RR = 0.5 (0.3, 0.8) is treated as 2 (1.25, 3.33): the limit closest to 1 is hi = 0.8 → 1/0.8 = 1.25,
    E = 1.25 + sqrt(1.25 · 0.25) = 1.809017."""
    e_point, e_ci = e_value(0.5, 0.3, 0.8)
    assert e_point == pytest.approx(e_value(2.0)[0], rel=1e-12)
    assert e_ci == pytest.approx(1.809017, abs=1e-6)


def test_e_value_interval_crossing_one_and_null_estimate():
    assert e_value(1.4, 0.9, 2.2)[1] == 1.0
    assert e_value(0.8, 0.5, 1.3)[1] == 1.0
    assert e_value(1.0, 0.7, 1.4) == (1.0, 1.0)


@pytest.mark.parametrize(
    ("rr", "lo", "hi"),
    [(0.0, None, None), (-1.0, None, None), (2.0, 2.5, 3.0), (2.0, 1.5, None), (math.inf, None, None)],
)
def test_e_value_rejects_bad_input(rr, lo, hi):
    with pytest.raises(ValueError):
        e_value(rr, lo, hi)
