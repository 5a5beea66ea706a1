"""Digitised curves → reconstructed IPD → KM / RMST / HR against the reference.

Reference values: the same analyses on the original simulated patients (kaplan_meier, rmst, cox_ph are pinned to
R survival in tests/stats). Reconstruction from an exact KM step function with numbers at risk every 3 months
should recover them closely.
"""

from __future__ import annotations

import math

import numpy as np
import polars as pl
import pytest

import trialcompare as tc
from trialcompare.descriptor.scaffold import example
from trialcompare.survival import cox_ph, kaplan_meier, rmst
from trialcompare.survival.cohorts import curve_data, curve_summary

GRID = [0.0, 3.0, 6.0, 9.0, 12.0, 15.0, 18.0]


def _simulate(rate: float, n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    event_time = rng.exponential(1 / rate, n)
    censor_time = rng.uniform(6, 24, n)
    time = np.round(np.minimum(event_time, censor_time), 2)
    return time, (event_time <= censor_time).astype(int)


def _write_cohort(tmp_path, cid: str, time: np.ndarray, event: np.ndarray) -> None:
    km = kaplan_meier(time, event).table
    points = ["time,survival", "0,1"]
    previous = 1.0
    for t, s in zip(km["time"].to_list(), km["survival"].to_list(), strict=True):
        points += [f"{t},{previous}", f"{t},{s}"]  # both corners of every step, as a careful digitiser would
        previous = s
    (tmp_path / f"{cid}.csv").write_text("\n".join(points) + "\n")
    at_risk = [int((time >= g).sum()) for g in GRID if g <= time.max()]
    curve = (f"    curve: {{file: {cid}.csv, at: Figure 2, risk_times: {GRID[: len(at_risk)]}, "
             f"n_at_risk: {at_risk}, total_events: {int(event.sum())}}}\n    #")
    text = example(cid).replace("    curve: null ", curve, 1).replace("  n: 30 ", f"  n: {len(time)} ", 1)
    (tmp_path / f"{cid}.yaml").write_text(text)


@pytest.fixture
def two_cohorts(tmp_path):
    truth = {"ref": _simulate(0.10, 120, 1), "new": _simulate(0.18, 110, 2)}
    for cid, (time, event) in truth.items():
        _write_cohort(tmp_path, cid, time, event)
    return tc.load(tmp_path), truth


def test_reconstruction_recovers_hr_and_rmst(two_cohorts):
    cohorts, truth = two_cohorts
    curves = curve_data(cohorts)
    assert {c.cohort for c in curves} == {"ref", "new"}
    summary = curve_summary(curves, reference="ref", tau=12.0)
    ref = summary.filter(pl.col("cohort") == "ref").row(0, named=True)
    new = summary.filter(pl.col("cohort") == "new").row(0, named=True)
    assert ref["hr_vs_reference"] is None and new["evidence"] == "unanchored" and new["ipd"] == "reconstructed"

    time = np.concatenate([truth["ref"][0], truth["new"][0]])
    event = np.concatenate([truth["ref"][1], truth["new"][1]])
    group = np.r_[np.zeros(len(truth["ref"][0])), np.ones(len(truth["new"][0]))]
    true_hr = cox_ph(time, event, group).hr
    assert abs(math.log(new["hr_vs_reference"]) - math.log(true_hr)) < 0.03
    for row, (t, e) in ((ref, truth["ref"]), (new, truth["new"])):
        true_rmst, _ = rmst(t, e, 12.0)
        assert row["rmst"] == pytest.approx(true_rmst, rel=0.005)
        assert row["events"] == int(e.sum())


def test_no_curves_no_rows(tmp_path):
    (tmp_path / "x.yaml").write_text(example("x"))
    assert curve_summary(curve_data(tc.load(tmp_path))).height == 0
