"""Weighted Kaplan-Meier of the IPD in the MAIC output, beside the comparator's published figures.

The weighted numbers are pinned to R ``survfit(Surv(time, event) ~ 1, weights = w)`` (default robust variance,
``conf.type = "log"``) through tests/survival/fixtures/weighted_km_reference.json, whose first case is the
simulated example weighted to the apatinib trial with R optim's weights.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import polars as pl
import pytest

import trialcompare as tc
from trialcompare.cli import main
from trialcompare.maic import load_mapping, maic_analysis, read_ipd_csv

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "maic"
FIXTURE = REPO / "tests" / "survival" / "fixtures" / "weighted_km_reference.json"
R_EXAMPLE = json.loads(FIXTURE.read_text())["cases"][0]
ITER = 1e-5  # the weights come from two optimisers (R optim BFGS stops at |gradient| ~ 1e-7)


@pytest.fixture(scope="module")
def analysis():
    cohorts = tc.load(str(REPO / "trials"))
    ipd = read_ipd_csv(EXAMPLE / "apatinib-ie-synthetic-ipd.csv").frame
    # eligibility=(): all 33 patients, as the R fixture weights them
    return maic_analysis(ipd, cohorts, "apatinib", load_mapping(EXAMPLE / "mapping.yaml"), eligibility=())


def _get(frame: pl.DataFrame, source: str, statistic: str, time: float | None = None) -> dict:
    rows = frame.filter(pl.col("source") == source, pl.col("statistic") == statistic)
    if time is not None:
        rows = rows.filter(pl.col("time") == time)
    assert rows.height == 1
    return rows.row(0, named=True)


def test_weighted_median_matches_r(analysis) -> None:
    r = R_EXAMPLE["robust_log"]
    row = _get(analysis.survival, "IPD, MAIC-weighted", "median")
    assert row["estimate"] == pytest.approx(r["median"][0], rel=ITER)
    assert row["lower"] == pytest.approx(r["median_lower"][0], rel=ITER)
    assert (row["upper"] is None) == (r["median_upper"][0] is None)


@pytest.mark.parametrize(("time", "k"), [(6.0, 1), (12.0, 2)])
def test_weighted_landmarks_match_r(analysis, time: float, k: int) -> None:
    r = R_EXAMPLE["robust_log"]
    row = _get(analysis.survival, "IPD, MAIC-weighted", "rate", time)
    assert row["estimate"] == pytest.approx(r["landmark_surv"][k], rel=ITER)
    assert row["lower"] == pytest.approx(r["landmark_lower"][k], rel=ITER)
    upper = r["landmark_upper"][k]
    assert row["upper"] == pytest.approx(upper, rel=ITER)


def test_unweighted_rows_match_r_greenwood(analysis) -> None:
    """Unit weights: R survfit on the IPD alone (Greenwood, log scale) — from the same fixture's data."""
    from trialcompare.survival import kaplan_meier

    km = kaplan_meier(R_EXAMPLE["time"], R_EXAMPLE["event"], "log")
    row = _get(analysis.survival, "IPD", "median")
    assert (row["estimate"], row["lower"], row["upper"]) == km.quantile(0.5)
    assert _get(analysis.survival, "IPD", "rate", 6.0)["estimate"] == pytest.approx(km.survival_at(6.0)[0])


def test_comparator_published_figures_and_landmarks(analysis) -> None:
    published = analysis.survival.filter(pl.col("source") == "comparator (published)")
    assert set(published["endpoint"]) == {"PFS"}
    med = published.filter(pl.col("statistic") == "median", pl.col("location") == "Table IV").row(0, named=True)
    assert (med["estimate"], med["lower"], med["upper"], med["printed"]) == (4.5, 3.5, 6.3, "4.5 (3.5, 6.3)")
    six = published.filter(pl.col("time") == 6.0, pl.col("location") == "Table IV").row(0, named=True)
    assert six["estimate"] == pytest.approx(0.368)
    # the IPD is read at every landmark the comparator printed (4, 6 and 12 months)
    ipd_times = analysis.survival.filter(pl.col("source") == "IPD", pl.col("statistic") == "rate")["time"]
    assert ipd_times.to_list() == [4.0, 6.0, 12.0]


def test_curves_frame_holds_both_curves(analysis) -> None:
    c = analysis.curves
    assert c["curve"].unique(maintain_order=True).to_list() == ["unweighted", "MAIC-weighted"]
    weighted = c.filter(pl.col("curve") == "MAIC-weighted")
    assert weighted["survival"].to_list() == pytest.approx(R_EXAMPLE["robust_log"]["surv"], rel=ITER, abs=1e-9)


def test_json_carries_the_survival_rows(capsys) -> None:
    code = main(["maic", "--ipd", str(EXAMPLE / "apatinib-ie-synthetic-ipd.csv"), "--target", "apatinib",
                 str(REPO / "trials"), "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    rows = json.loads(out)["survival"]
    # eligibility removed 3 patients (levels at 0% in the trial): the KM of all 33 is given too
    assert {r["source"] for r in rows} == {"IPD, all patients", "IPD", "IPD, MAIC-weighted", "comparator (published)"}
    assert all(r["estimate"] is None or math.isfinite(r["estimate"]) for r in rows)


def test_no_time_columns_no_survival(tmp_path: Path) -> None:
    ipd = read_ipd_csv(EXAMPLE / "apatinib-ie-synthetic-ipd.csv").frame.drop("time", "event")
    a = maic_analysis(ipd, tc.load(str(REPO / "trials")), "apatinib", load_mapping(EXAMPLE / "mapping.yaml"))
    assert a.survival.is_empty() and a.curves.is_empty()


def test_reconstructed_comparator_rows(monkeypatch) -> None:
    """With a comparator curve the pseudo-IPD's (unweighted) KM median and rates are set beside the IPD's."""
    from trialcompare.maic import _analysis
    from trialcompare.survival import kaplan_meier

    ref = pl.DataFrame({"time": [1.0, 2.5, 3.0, 4.2, 6.0, 7.5, 9.0, 12.0, 15.0, 20.0],
                        "event": [1, 1, 0, 1, 1, 1, 0, 1, 1, 0]})
    monkeypatch.setattr(_analysis, "_comparator_curve", lambda cohorts, cohort, endpoint: ref)
    ipd = read_ipd_csv(EXAMPLE / "apatinib-ie-synthetic-ipd.csv").frame
    a = maic_analysis(ipd, tc.load(str(REPO / "trials")), "apatinib", load_mapping(EXAMPLE / "mapping.yaml"), "PFS")
    km = kaplan_meier(ref["time"], ref["event"], "log")
    row = _get(a.survival, "comparator (reconstructed)", "median")
    assert (row["estimate"], row["lower"], row["upper"]) == km.quantile(0.5)
    assert _get(a.survival, "comparator (reconstructed)", "rate", 6.0)["estimate"] == km.survival_at(6.0)[0]
    assert set(a.survival["endpoint"].drop_nulls()) == {"PFS"}


def test_an_stc_that_cannot_be_fitted_does_not_sink_the_maic() -> None:
    """Perfect separation (every ECOG-0 patient responds, no other does): the logistic outcome model of the STC
    has no finite maximum (R's glm warns "fitted probabilities numerically 0 or 1"). The MAIC estimates stand; the
    STC is reported as not estimable, with its reason, in the result and in --json."""
    ipd = read_ipd_csv(REPO / "examples" / "maic" / "apatinib-ie-synthetic-ipd.csv").frame
    ipd = ipd.with_columns(pl.col("ecog_0").alias("response"))
    cohorts = tc.load(REPO / "trials")
    a = maic_analysis(ipd, cohorts, "apatinib", load_mapping(REPO / "examples" / "maic" / "mapping.yaml"))
    assert a.stc is None
    assert a.stc_error == "STC not estimable: the STC outcome model did not converge (separation or too few events)"
    assert a.to_dict()["stc_error"] == a.stc_error
    assert a.stc_failure.code == "no_finite_maximum" and a.to_dict()["stc_failure"]["code"] == "no_finite_maximum"
    assert "STC" not in set(a.effects["method"])
    assert set(a.effects["method"]) >= {"unadjusted", "MAIC"}
