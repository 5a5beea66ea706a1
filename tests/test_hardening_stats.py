"""Public statistics functions refuse degenerate input with ValueError (as pool_proportions does)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from trialcompare.meta.suite import risk_ratio
from trialcompare.stats.proportions import fisher_exact, odds_ratio, proportion_ci, risk_difference
from trialcompare.stats.sensitivity import e_value, fragility_index, reverse_fragility_index
from trialcompare.survival._logrank import logrank_test

NAN = float("nan")
BAD_2X2 = [
    ((5, 4, 1, 10), "0 <= x <= n"),          # x > n
    ((-1, 10, 1, 10), "0 <= x <= n"),
    ((1, 0, 1, 10), "n > 0"),
    ((2.5, 10, 1, 10), "whole numbers"),
    ((NAN, 10, 1, 10), "finite"),
    ((1, math.inf, 1, 10), "finite"),
    ((True, 10, 1, 10), "booleans"),
    (("3", 10, 1, 10), "whole numbers"),
    (([1, 2], 10, 1, 10), "single numbers"),
]
TWO_BY_TWO = [risk_ratio, fisher_exact, risk_difference, odds_ratio, fragility_index, reverse_fragility_index]


@pytest.mark.parametrize("func", TWO_BY_TWO, ids=lambda f: f.__name__)
@pytest.mark.parametrize(("counts", "fragment"), BAD_2X2, ids=[str(c[0]) for c in BAD_2X2])
def test_two_by_two_functions_validate_counts(func, counts, fragment):
    with pytest.raises(ValueError, match=fragment.replace("(", r"\(")):
        func(*counts)


def test_whole_floats_are_accepted_as_counts():
    assert fisher_exact(2.0, 10, 1, 10) == fisher_exact(2, 10, 1, 10)  # was an IndexError
    assert risk_ratio(10.0, 20, 5, 20) == risk_ratio(10, 20, 5, 20)
    assert fragility_index(np.int64(2), 40, 15, 40) == fragility_index(2, 40, 15, 40)


@pytest.mark.parametrize(("x", "n"), [(NAN, 10), (3, NAN), (3.5, 10), (11, 10), (-1, 10), (1, 0), ([1, NAN], [5, 5])])
def test_proportion_ci_validates(x, n):
    with pytest.raises(ValueError):
        proportion_ci(x, n)


@pytest.mark.parametrize("level", [0, 1, 1.5, -0.1, NAN, True, "0.95"])
def test_levels_are_validated(level):
    with pytest.raises(ValueError, match="level"):
        proportion_ci(3, 10, level=level)
    with pytest.raises(ValueError, match="level"):
        risk_ratio(3, 10, 4, 10, level=level)


@pytest.mark.parametrize("alpha", [0, 1, NAN, True])
def test_alpha_is_validated(alpha):
    with pytest.raises(ValueError, match="alpha"):
        fragility_index(2, 40, 15, 40, alpha=alpha)


@pytest.mark.parametrize(("args", "fragment"), [((NAN,), "positive finite"), ((0.0,), "positive finite"),
                                                 ((2.0, NAN, 3.0), "0 < lo"), ((2.0, 1.0), "both")])
def test_e_value_validates(args, fragment):
    with pytest.raises(ValueError, match=fragment):
        e_value(*args)


def test_logrank_refuses_missing_labels_and_no_events():
    with pytest.raises(ValueError, match="missing"):
        logrank_test([1, 2, 3, 4], [1, 0, 1, 1], ["a", "b", NAN, "a"])
    with pytest.raises(ValueError, match="missing"):
        logrank_test([1, 2, 3, 4], [1, 0, 1, 1], [0.0, 1.0, NAN, 1.0])
    with pytest.raises(ValueError, match="no events"):
        logrank_test([1, 2, 3, 4], [0, 0, 0, 0], ["a", "b", "a", "b"])
    assert logrank_test([1, 2, 3, 4], [1, 1, 1, 1], ["a", "b", "a", "b"]).df == 1
