"""Weighted Kaplan-Meier (``kaplan_meier(..., weights=)``) pinned to R ``survfit(Surv(time, status) ~ 1, weights = w)``.

Reference values: tests/survival/fixtures/weighted_km_reference.json, written by
tests/survival/fixtures/weighted_km_reference.R (R survival 3.5; the data are stored in the JSON, so R is not needed).
Cases: the simulated MAIC example weighted to the apatinib trial (weights by R optim), three random data sets with
ties, censoring and non-integer weights (one ending at S = 0), and integer (frequency) weights. Every case is
fitted with Greenwood and robust variance and the three interval types.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from trialcompare.maic import maic_weights
from trialcompare.survival import kaplan_meier

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "weighted_km_reference.json"
REF = json.loads(FIXTURE.read_text())
CASES = REF["cases"]
VARIANTS = [(rob, ct) for rob in (False, True) for ct in ("log", "log-log", "plain")]
TOL = 1e-9


def _arr(values: list) -> np.ndarray:
    return np.array([math.nan if v is None else v for v in values], dtype=float)


def _same(actual: np.ndarray, expected: list) -> None:
    exp = _arr(expected)
    act = np.asarray(actual, dtype=float)
    assert np.array_equal(np.isnan(act), np.isnan(exp))
    assert act[~np.isnan(act)] == pytest.approx(exp[~np.isnan(exp)], rel=TOL, abs=1e-12)


def _ref(case: dict, robust: bool, conf_type: str) -> dict:
    return case[("robust_" if robust else "greenwood_") + conf_type.replace("-", "")]


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
@pytest.mark.parametrize(("robust", "conf_type"), VARIANTS)
def test_weighted_km_table_matches_r_survfit(case: dict, robust: bool, conf_type: str) -> None:
    r = _ref(case, robust, conf_type)
    km = kaplan_meier(case["time"], case["event"], conf_type, weights=case["weights"], robust=robust)
    t = km.table.fill_null(math.nan)
    for mine, theirs in (("time", "time"), ("n_risk", "n_risk"), ("n_event", "n_event"),
                         ("n_censor", "n_censor"), ("survival", "surv"), ("ci_low", "lower"),
                         ("ci_high", "upper")):
        _same(t[mine].to_numpy(), r[theirs])
    # R stores the se of -log S (Greenwood) or of S itself (robust: logse FALSE); std_err here is always of S
    se_r = _arr(r["std_err"]) if not r["logse"] else _arr(r["std_err"]) * t["survival"].to_numpy()
    _same(t["std_err"].to_numpy(), list(np.where(np.isinf(se_r), math.nan, se_r)))
    assert km.robust is robust and km.weighted


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
@pytest.mark.parametrize(("robust", "conf_type"), VARIANTS)
def test_weighted_km_median_and_landmarks_match_r(case: dict, robust: bool, conf_type: str) -> None:
    r = _ref(case, robust, conf_type)
    km = kaplan_meier(case["time"], case["event"], conf_type, weights=case["weights"], robust=robust)
    est, low, high = km.quantile(0.5)
    for mine, theirs in ((est, "median"), (low, "median_lower"), (high, "median_upper")):
        expected = theirs and r[theirs][0]
        assert (mine is None) == (expected is None)
        if mine is not None:
            assert mine == pytest.approx(expected, rel=TOL)
    at = [km.survival_at(t) for t in case["landmarks"]]
    _same(np.array([a[0] for a in at]), r["landmark_surv"])
    _same(np.array([math.nan if a[1] is None else a[1] for a in at]), r["landmark_lower"])
    _same(np.array([math.nan if a[2] is None else a[2] for a in at]), r["landmark_upper"])


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_default_variance_follows_r(case: dict) -> None:
    """R chooses robust for non-integer weights, Greenwood for whole-number weights; conf.type "log"."""
    km = kaplan_meier(case["time"], case["event"], "log", weights=case["weights"])
    assert km.robust is (not case["default_logse"])
    _same(km.table["ci_low"].fill_null(math.nan).to_numpy(), case["default_lower"])
    _same(km.table["ci_high"].fill_null(math.nan).to_numpy(), case["default_upper"])


def test_example_weights_are_the_maic_weights() -> None:
    """The example's weights in the fixture (R optim) are what maic_weights gives for the same targets."""
    import polars as pl

    case = CASES[0]
    root = Path(__file__).resolve().parents[2]
    ipd = pl.read_csv(root / "examples" / "maic" / "apatinib-ie-synthetic-ipd.csv", comment_prefix="#")
    targets = {"age": {"mean": 21.7, "sd": 11.5}, "ecog_0": {"proportion": 27 / 37},
               "lesion_lung": {"proportion": 27 / 37}, "lesion_msk": {"proportion": 4 / 37},
               "prior_lines_1": {"proportion": 31 / 37}}
    w = maic_weights(ipd, targets)
    scale = w.weights.sum() / np.sum(case["weights"])
    assert w.weights / scale == pytest.approx(case["weights"], rel=1e-5, abs=1e-9)


def test_unit_weights_equal_the_unweighted_estimate() -> None:
    case = CASES[1]
    plain = kaplan_meier(case["time"], case["event"], "log")
    ones = kaplan_meier(case["time"], case["event"], "log", weights=np.ones(len(case["time"])))
    assert not ones.robust
    for col in ("survival", "std_err", "ci_low", "ci_high", "n_risk"):
        assert ones.table[col].to_list() == pytest.approx(plain.table[col].to_list(), rel=1e-12)


def test_weights_scale_does_not_change_survival_or_robust_se() -> None:
    case = CASES[1]
    a = kaplan_meier(case["time"], case["event"], "log", weights=case["weights"])
    b = kaplan_meier(case["time"], case["event"], "log", weights=np.asarray(case["weights"]) * 7.3, robust=True)
    assert b.table["survival"].to_list() == pytest.approx(a.table["survival"].to_list(), rel=1e-12)
    assert b.table["std_err"].to_list() == pytest.approx(a.table["std_err"].to_list(), rel=1e-10)


@pytest.mark.parametrize(("weights", "message"), [
    ([1.0, 2.0], "one value per observation"),
    ([1.0, -1.0, 1.0], ">= 0"),
    ([1.0, math.nan, 1.0], "finite"),
    ([0.0, 0.0, 0.0], "positive sum"),
])
def test_bad_weights_raise(weights: list, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        kaplan_meier([1, 2, 3], [1, 0, 1], weights=weights)


def test_robust_must_be_boolean() -> None:
    with pytest.raises(ValueError, match="robust"):
        kaplan_meier([1, 2, 3], [1, 0, 1], weights=[1, 1, 1], robust="yes")  # type: ignore[arg-type]


def test_integer_weights_equal_replicated_rows() -> None:
    """Frequency weights: the weighted estimate (Greenwood) is the KM of every row repeated w times."""
    rng = np.random.default_rng(7)
    time = rng.integers(1, 12, 30).astype(float)
    event = rng.integers(0, 2, 30)
    w = rng.integers(1, 4, 30)
    weighted = kaplan_meier(time, event, "log", weights=w)
    expanded = kaplan_meier(np.repeat(time, w), np.repeat(event, w), "log")
    assert not weighted.robust
    for col in ("time", "n_risk", "n_event", "survival", "std_err", "ci_low", "ci_high"):
        assert weighted.table[col].fill_null(-1.0).to_list() == pytest.approx(
            expanded.table[col].cast(float).fill_null(-1.0).to_list(), rel=1e-12)
    assert weighted.median == expanded.median
