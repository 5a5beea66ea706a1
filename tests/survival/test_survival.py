"""Kaplan-Meier, quantiles, RMST, log-rank and Cox pinned to R survival 3.5.

Reference values: tests/fixtures/survival_reference.json, written by tests/fixtures/survival_reference.R
(R survival's ``aml``, ``ovarian`` and ``lung`` data, status recoded to 0/1, plus small edge cases; the
data are stored in the JSON so these tests never need R).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from trialcompare.survival import cox_ph, kaplan_meier, logrank_test, rmst

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "survival_reference.json"
REF = json.loads(FIXTURE.read_text())
DATA = REF["datasets"]

CLOSED_FORM = 1e-10  # relative tolerance for closed forms (KM, Greenwood, CIs, RMST, log-rank)
COX = 1e-6  # relative tolerance for the iterative Cox fit


def _case_id(case: dict) -> str:
    return f"{case['dataset']}-{case['conf_type']}-{case['level']}"


def _same(got: list, expected: list, rel: float = CLOSED_FORM) -> None:
    """Elementwise comparison where R's NA (JSON null) must be None/NaN here, and numbers must agree."""
    assert len(got) == len(expected)
    for g, e in zip(got, expected, strict=True):
        if e is None:
            assert g is None or math.isnan(g), (got, expected)
        else:
            assert g == pytest.approx(e, rel=rel, abs=1e-12), (got, expected)


def _km(case: dict):
    d = DATA[case["dataset"]]
    return kaplan_meier(d["time"], d["event"], conf_type=case["conf_type"], level=case["level"])


@pytest.mark.parametrize("case", REF["km"], ids=_case_id)
def test_km_table_matches_r_survfit(case: dict) -> None:
    table = _km(case).table
    ref = case["table"]
    for column in ("time", "n_risk", "n_event", "n_censor", "survival", "std_err", "ci_low", "ci_high"):
        _same(table[column].to_list(), ref[column])


@pytest.mark.parametrize("case", REF["km"], ids=_case_id)
def test_km_quantiles_match_r_quantile_survfit(case: dict) -> None:
    km = _km(case)
    ref = case["quantile"]
    for i, p in enumerate(ref["probs"]):
        est, low, high = km.quantile(p)
        _same([est, low, high], [ref["estimate"][i], ref["lower"][i], ref["upper"][i]])
    i50 = ref["probs"].index(0.5)
    _same([km.median], [ref["estimate"][i50]])
    _same(list(km.median_ci), [ref["lower"][i50], ref["upper"][i50]])


@pytest.mark.parametrize("case", REF["km"], ids=_case_id)
def test_km_landmarks_match_r_summary_times(case: dict) -> None:
    km = _km(case)
    ref = case["landmarks"]
    for i, t in enumerate(ref["times"]):
        _same(list(km.survival_at(t)), [ref["survival"][i], ref["ci_low"][i], ref["ci_high"][i]])


@pytest.mark.parametrize("case", REF["rmst"], ids=lambda c: f"{c['dataset']}-tau{c['tau']}")
def test_rmst_matches_r_print_survfit_rmean(case: dict) -> None:
    d = DATA[case["dataset"]]
    est, se = rmst(d["time"], d["event"], case["tau"])
    assert est == pytest.approx(case["rmean"], rel=CLOSED_FORM)
    assert se == pytest.approx(case["se"], rel=CLOSED_FORM, abs=1e-12)


@pytest.mark.parametrize("case", REF["logrank"], ids=lambda c: c["dataset"])
def test_logrank_matches_r_survdiff(case: dict) -> None:
    d = DATA[case["dataset"]]
    res = logrank_test(d["time"], d["event"], d["group"])
    assert res.chisq == pytest.approx(case["chisq"], rel=CLOSED_FORM)
    assert res.df == case["df"]
    assert res.p == pytest.approx(case["p"], rel=1e-8)
    _same(list(res.observed), case["observed"])
    _same(list(res.expected), case["expected"])


@pytest.mark.parametrize("case", REF["cox"], ids=lambda c: f"{c['dataset']}-{c['covariate']}-{c['ties']}")
def test_cox_matches_r_coxph(case: dict) -> None:
    d = DATA[case["dataset"]]
    res = cox_ph(d["time"], d["event"], d[case["covariate"]], ties=case["ties"])
    for name in ("coef", "se", "z", "p", "hr", "ci_low", "ci_high"):
        assert getattr(res, name) == pytest.approx(case[name], rel=COX), name
    _same(list(res.loglik), case["loglik"], rel=COX)


def test_default_conf_type_is_log_log() -> None:
    """The default differs from R's ("log"): check it explicitly against the log-log fixture."""
    case = next(c for c in REF["km"] if c["dataset"] == "aml" and c["conf_type"] == "log-log")
    km = kaplan_meier(DATA["aml"]["time"], DATA["aml"]["event"])
    assert km.conf_type == "log-log"
    _same(km.table["ci_low"].to_list(), case["table"]["ci_low"])


def test_km_estimate_agrees_with_scikit_survival() -> None:
    """Independent implementation of the product-limit estimate (sksurv, log-log CI passed explicitly)."""
    sksurv_nonparametric = pytest.importorskip("sksurv.nonparametric")
    d = DATA["lung"]
    t, s, (low, high) = sksurv_nonparametric.kaplan_meier_estimator(
        np.asarray(d["event"], dtype=bool), np.asarray(d["time"], dtype=float), conf_type="log-log"
    )
    km = kaplan_meier(d["time"], d["event"], conf_type="log-log")
    np.testing.assert_allclose(km.table["time"].to_numpy(), t)
    np.testing.assert_allclose(km.table["survival"].to_numpy(), s, rtol=1e-12)
    defined = km.table["ci_low"].is_not_null().to_numpy()
    np.testing.assert_allclose(km.table["ci_low"].to_numpy()[defined], low[defined], rtol=1e-8)
    np.testing.assert_allclose(km.table["ci_high"].to_numpy()[defined], high[defined], rtol=1e-8)


def test_accepts_polars_series_booleans_and_numpy_scalars() -> None:
    d = DATA["aml"]
    a = kaplan_meier(pl.Series(d["time"]), pl.Series([bool(v) for v in d["event"]]), conf_type="log")
    b = kaplan_meier(d["time"], d["event"], conf_type="log")
    assert a.table.equals(b.table)
    assert a.survival_at(np.int64(12)) == b.survival_at(12.0)
    assert rmst(d["time"], d["event"], np.int64(30)) == rmst(d["time"], d["event"], 30.0)


# ---- edge cases (also in the R fixture; here the hand-derivable values are spelled out) -----------------


def test_no_events() -> None:
    """No events: S = 1 throughout, median and all quantiles not reached, RMST = tau with SE 0."""
    km = kaplan_meier([2, 3, 5, 7], [0, 0, 0, 0], conf_type="log")
    assert km.table["survival"].to_list() == [1.0] * 4
    assert km.median is None and km.median_ci == (None, None)
    assert rmst([2, 3, 5, 7], [0, 0, 0, 0], 10) == (10.0, 0.0)


def test_all_events() -> None:
    """Every subject has the event; S reaches 0 where std_err and limits are undefined (R NA)."""
    km = kaplan_meier([1, 2, 2, 4, 6], [1, 1, 1, 1, 1], conf_type="log-log")
    assert km.table["survival"].to_list()[-1] == 0.0
    assert km.table.row(-1, named=True)["std_err"] is None
    assert km.table["n_event"].to_list() == [1, 2, 1, 1]
    assert km.median == 2.0  # S(2) = 0.4 <= 0.5 and S(1) = 0.8


def test_ties_between_events_and_censorings() -> None:
    """At time 2: two events and one censoring among 9 at risk; the censored subject is still at risk."""
    km = kaplan_meier([1, 2, 2, 2, 3, 3, 4, 5, 5, 6], [1, 1, 0, 1, 0, 1, 1, 0, 1, 0], conf_type="plain")
    row = km.table.row(1, named=True)
    assert (row["time"], row["n_risk"], row["n_event"], row["n_censor"]) == (2.0, 9, 2, 1)
    assert row["survival"] == pytest.approx(0.9 * 7 / 9, rel=1e-15)


def test_median_not_reached() -> None:
    km = kaplan_meier([1, 2, 3, 4, 5, 6, 7, 8], [1, 0, 1, 0, 0, 0, 0, 0], conf_type="log-log")
    assert km.median is None
    assert km.median_ci[1] is None


def test_median_when_curve_is_flat_at_one_half() -> None:
    """S = 0.5 exactly on [2, 3): R takes the midpoint (2 + 3) / 2; if the curve ends flat at 0.5, the
    midpoint of the first time at 0.5 and the last observed time, (2 + 4) / 2."""
    assert kaplan_meier([1, 2, 3, 4], [1, 1, 1, 1], conf_type="log").median == 2.5
    assert kaplan_meier([1, 2, 3, 4], [1, 1, 0, 0], conf_type="log").median == 3.0


def test_single_observation() -> None:
    km = kaplan_meier([3], [1], conf_type="log")
    assert km.table.height == 1
    assert km.median == 3.0 and km.median_ci == (None, None)
    assert km.survival_at(2.0) == (1.0, 1.0, 1.0)
    assert rmst([3], [1], 5) == (3.0, 0.0)


def test_rmst_before_first_time_is_tau() -> None:
    """R refuses tau below the first time; mathematically the area under S = 1 on [0, tau] is tau."""
    assert rmst([3, 4], [1, 1], 2) == (2.0, 0.0)


def test_survival_at_is_right_continuous() -> None:
    km = kaplan_meier([1, 2, 3], [1, 1, 1], conf_type="log")
    assert km.survival_at(1.999)[0] == pytest.approx(2 / 3)
    assert km.survival_at(2.0)[0] == pytest.approx(1 / 3)


def test_cox_breslow_equals_efron_without_ties() -> None:
    t, e, x = [1, 2, 3, 4, 5, 6, 7], [1, 1, 1, 0, 1, 1, 0], [0, 1, 0, 1, 1, 0, 1]
    a, b = cox_ph(t, e, x, ties="efron"), cox_ph(t, e, x, ties="breslow")
    assert a.coef == pytest.approx(b.coef, rel=1e-12) and a.se == pytest.approx(b.se, rel=1e-12)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: kaplan_meier([], []), "at least one"),
        (lambda: kaplan_meier([1, 2], [1]), "same length"),
        (lambda: kaplan_meier([1, -2], [1, 1]), ">= 0"),
        (lambda: kaplan_meier([1, float("nan")], [1, 1]), "finite"),
        (lambda: kaplan_meier([1, 2], [1, 2]), "0/1"),
        (lambda: kaplan_meier(["a", "b"], [1, 1]), "numbers"),
        (lambda: kaplan_meier([[1, 2]], [[1, 1]]), "one-dimensional"),
        (lambda: kaplan_meier([1, 2], [1, 1], conf_type="logit"), "conf_type"),
        (lambda: kaplan_meier([1, 2], [1, 1], level=1.5), "level"),
        (lambda: kaplan_meier([1, 2], [1, 1]).quantile(1.5), "probability"),
        (lambda: kaplan_meier([1, 2], [1, 1]).survival_at(float("inf")), "finite"),
        (lambda: rmst([1, 2], [1, 1], 0), "tau"),
        (lambda: logrank_test([1, 2], [1, 1], ["a", "a"]), "two distinct"),
        (lambda: logrank_test([1, 2], [1, 1], ["a"]), "same length"),
        (lambda: cox_ph([1, 2], [1, 1], [1, 1]), "constant"),
        (lambda: cox_ph([1, 2], [0, 0], [0, 1]), "at least one event"),
        (lambda: cox_ph([1, 2], [1, 1], [0, 1], ties="exact"), "ties"),
        (lambda: cox_ph([1, 2, 3, 4], [1, 1, 0, 0], [1, 1, 0, 0]), "converge"),
    ],
)
def test_invalid_input_raises_value_error(call, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()
