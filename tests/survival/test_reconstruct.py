"""IPD reconstruction from a digitised Kaplan-Meier curve (Guyot et al. 2012, BMC Med Res Methodol 12:9).

Round trip: simulate individual data with a fixed numpy seed, compute its exact Kaplan-Meier step function,
"digitise" it without error (both corners of every step) together with numbers at risk on a grid,
reconstruct, and compare the reconstructed Kaplan-Meier curve with the true one.
"""

from __future__ import annotations

import doctest
import warnings

import numpy as np
import pytest

from trialcompare.survival import _guyot, kaplan_meier, reconstruct_ipd

SEED = 20120209  # fixed: the test is deterministic
# Reconstructed KM vs true KM at the risk-table times, absolute difference in survival probability. Even with
# error-free digitisation the algorithm spreads censoring evenly and rounds events, so it is not exact.
KM_TOLERANCE = 0.025


def _simulate(seed: int, n: int = 150) -> tuple[np.ndarray, np.ndarray]:
    """Exponential event times (median 12 months), uniform censoring, administrative cut-off at 30."""
    rng = np.random.default_rng(seed)
    event_time = rng.exponential(12 / np.log(2), n)
    censor_time = np.minimum(rng.uniform(0, 40, n), 30)
    return np.round(np.minimum(event_time, censor_time), 3), (event_time <= censor_time).astype(int)


def _digitise(time: np.ndarray, event: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Exact step points of the KM curve: (t, S(t-)) and (t, S(t)) at every event time, plus the end."""
    km = kaplan_meier(time, event, conf_type="log").table
    steps = km.filter(km["n_event"] > 0)
    s_after = steps["survival"].to_numpy()
    s_before = np.concatenate(([1.0], s_after[:-1]))
    t = np.repeat(steps["time"].to_numpy(), 2)
    s = np.column_stack((s_before, s_after)).ravel()
    return np.concatenate(([0.0], t, [time.max()])), np.concatenate(([1.0], s, [s_after[-1]]))


def _at_risk(time: np.ndarray, grid: np.ndarray) -> np.ndarray:
    return np.array([(time >= g).sum() for g in grid])


def _max_km_difference(time, event, ipd, grid) -> float:
    truth = kaplan_meier(time, event)
    rebuilt = kaplan_meier(ipd["time"], ipd["event"])
    return max(abs(truth.survival_at(float(g))[0] - rebuilt.survival_at(float(g))[0]) for g in grid)


@pytest.mark.parametrize("seed", [SEED, SEED + 1, SEED + 2])
def test_round_trip_with_three_monthly_risk_table(seed: int) -> None:
    time, event = _simulate(seed)
    grid = np.arange(0, 31, 3.0)
    times, surv = _digitise(time, event)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # total_events may be off by one or two here
        ipd = reconstruct_ipd(times, surv, grid, _at_risk(time, grid))
    assert ipd.height == time.size
    assert set(ipd["event"].unique().to_list()) <= {0, 1}
    assert _max_km_difference(time, event, ipd, grid) < KM_TOLERANCE
    # events within +-3 of the truth (rounding of events at each point is the only source of error)
    assert abs(int(ipd["event"].sum()) - int(event.sum())) <= 3


def test_total_events_is_matched_when_risk_table_stops_early() -> None:
    """Published risk tables often stop before the curve does; on that long last interval the censoring
    rate is a guess, and total_events fixes the number of events exactly."""
    time, event = _simulate(SEED)
    grid = np.array([0.0, 6.0, 12.0, 18.0])
    times, surv = _digitise(time, event)
    n_at_risk = _at_risk(time, grid)
    without = reconstruct_ipd(times, surv, grid, n_at_risk)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        ipd = reconstruct_ipd(times, surv, grid, n_at_risk, total_events=int(event.sum()))
    assert int(ipd["event"].sum()) == int(event.sum())
    assert int(without["event"].sum()) != int(event.sum())  # the adjustment did something
    assert ipd.height == time.size
    assert _max_km_difference(time, event, ipd, grid) < KM_TOLERANCE
    assert _max_km_difference(time, event, ipd, np.arange(0, 31, 3.0)) < 0.1


def test_unreachable_total_events_warns() -> None:
    """Two events happen before month 4; asking for one event cannot be honoured on the last interval."""
    with pytest.warns(RuntimeWarning, match="total_events"):
        ipd = reconstruct_ipd([0, 1, 1, 4, 6, 6, 8], [1, 1, 0.8, 0.8, 0.8, 0.6, 0.6], [0, 4], [10, 8], 1)
    assert int(ipd["event"].sum()) == 2


def test_docstring_hand_worked_example() -> None:
    """The example in reconstruct_ipd's docstring is worked by hand there; run it as a doctest."""
    result = doctest.testmod(_guyot, verbose=False)
    assert result.attempted >= 3 and result.failed == 0


def test_hand_worked_example_keeps_the_digitised_curve() -> None:
    """In the docstring example the reconstructed KM equals the digitised one: 0.9 from 1, 0.6 from 6."""
    ipd = reconstruct_ipd([0, 1, 1, 4, 6, 6, 8], [1, 1, 0.9, 0.9, 0.9, 0.6, 0.6], [0, 4], [10, 8])
    km = kaplan_meier(ipd["time"], ipd["event"])
    assert [round(km.survival_at(t)[0], 12) for t in (0.5, 1, 5, 6, 8)] == [1.0, 0.9, 0.9, 0.6, 0.6]


def test_first_point_is_prepended_and_flat_intervals_get_a_point() -> None:
    """Without (0, 1) and with no digitised point in [2, 4), the results equal the explicit input."""
    explicit = reconstruct_ipd([0, 1, 1, 2, 4, 4, 6], [1, 1, 0.9, 0.9, 0.9, 0.6, 0.6], [0, 2, 4], [10, 9, 8])
    implicit = reconstruct_ipd([1, 1, 4, 4, 6], [1, 0.9, 0.9, 0.6, 0.6], [0, 2, 4, 10], [10, 9, 8, 0])
    assert implicit.equals(explicit)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (([0, 1], [1], [0], [10]), "same length"),
        (([0, 2, 1], [1, 0.9, 0.8], [0], [10]), "non-decreasing"),
        (([0, 1, 2], [1, 0.8, 0.9], [0], [10]), "non-increasing"),
        (([0, 1], [1, 80], [0], [10]), r"\[0, 1\]"),
        (([0, 1], [1, -0.1], [0], [10]), r"\[0, 1\]"),
        (([0, 1], [1, 0.9], [0, 1], [10]), "same length"),
        (([0, 1], [1, 0.9], [1, 2], [10, 9]), "start at 0"),
        (([0, 1], [1, 0.9], [0, 0], [10, 9]), "strictly increasing"),
        (([0, 1], [1, 0.9], [0, 1], [10, 11]), "non-increasing"),
        (([0, 1], [1, 0.9], [0, 1], [10, 8.5]), "whole numbers"),
        (([0, 1], [1, 0.9], [0], [0]), "at least 1"),
        (([0, 1], [1, 0.9], [0], [10], 11), "total_events"),
        (([0, 1], [1, 0.9], [0], [10], 2.5), "total_events"),
        (([0, float("nan")], [1, 0.9], [0], [10]), "finite"),
        (([], [], [0], [10]), "at least one"),
    ],
)
def test_invalid_input_raises_value_error(args: tuple, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        reconstruct_ipd(*args)
