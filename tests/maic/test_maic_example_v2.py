"""The regenerated example (issue 21, item 9): examples/maic/apatinib-ie-v2/simulated-ipd.csv.

Pinned to the published numbers of apatinib + IE (trials/apatinib-ie.yaml, Oncol Lett 2021;22:552): 33 patients;
sex 14/19 (Table I); ECOG 0/1/2 = 20/11/2, lesions lung 13 / musculoskeletal 3 / lung + musculoskeletal 16 /
lung + bone + other 1, prior lines 15/16/2, 21 responders (Table IV); age mean 19.1 ± 8.5 (Table IV), median 16.0,
range 3.0-48.0 (Table I); EFS with 24 events, median 11.4 months, 6-month 78.5%, 12-month 39.5% (Table IV),
4-month 90.9% (Table III). With 33 patients a KM step is 1/33 = 3.0 points: the landmarks are within one step.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import polars as pl
import pytest

import trialcompare as tc
from trialcompare.maic import load_mapping, maic_analysis, read_ipd_csv
from trialcompare.survival import kaplan_meier

REPO = Path(__file__).resolve().parents[2]
FOLDER = REPO / "examples" / "maic" / "apatinib-ie-v2"
IPD = FOLDER / "simulated-ipd.csv"


@pytest.fixture(scope="module")
def ipd() -> pl.DataFrame:
    return read_ipd_csv(IPD).frame


def test_first_line_says_simulated() -> None:
    assert IPD.read_text(encoding="utf-8").splitlines()[0].startswith("# SIMULATED")


def test_published_margins_exactly(ipd: pl.DataFrame) -> None:
    ecog2 = ((ipd["ecog_0"] == 0) & (ipd["ecog_1"] == 0)).sum()
    other = ((ipd["lesion_lung"] + ipd["lesion_msk"] + ipd["lesion_lung_msk"]) == 0).sum()
    lines3 = ((ipd["prior_lines_1"] == 0) & (ipd["prior_lines_2"] == 0)).sum()
    assert ipd.height == 33 and ipd["sex_male"].sum() == 14
    assert (ipd["ecog_0"].sum(), ipd["ecog_1"].sum(), ecog2) == (20, 11, 2)
    assert (ipd["lesion_lung"].sum(), ipd["lesion_msk"].sum(), ipd["lesion_lung_msk"].sum(), other) == (13, 3, 16, 1)
    assert (ipd["prior_lines_1"].sum(), ipd["prior_lines_2"].sum(), lines3) == (15, 16, 2)
    assert ipd["response"].sum() == 21 and ipd["event"].sum() == 24


def test_age_margins(ipd: pl.DataFrame) -> None:
    age = ipd["age"].to_numpy()
    assert age.mean() == pytest.approx(19.1, abs=0.05) and age.std(ddof=1) == pytest.approx(8.5, abs=0.05)
    assert (np.median(age), age.min(), age.max()) == (16.0, 3.0, 48.0)


def test_unweighted_km_reproduces_the_published_efs(ipd: pl.DataFrame) -> None:
    """S(4) = 30/33 = 90.9%, S(6) = 26/33 = 78.8% (78.5% printed), median 11.4, S(12) = 13/33 = 39.4% (39.5%)."""
    km = kaplan_meier(ipd["time"].to_numpy(), ipd["event"].to_numpy(), "log")
    assert km.quantile(0.5)[0] == pytest.approx(11.4, abs=0.05)
    for t, published in ((4, 0.909), (6, 0.785), (12, 0.395)):
        assert abs(km.survival_at(t)[0] - published) < 1 / 33


def test_the_script_reproduces_the_files(tmp_path: Path) -> None:
    """scripts/make_synthetic_ipd.py writes the same bytes (run in a copy of the folders it writes)."""
    for rel in ("examples/maic/anchored", "examples/maic/apatinib-ie-v2"):
        (tmp_path / rel).mkdir(parents=True)
    subprocess.run([sys.executable, str(REPO / "scripts" / "make_synthetic_ipd.py")], cwd=tmp_path, check=True,
                   capture_output=True)
    for rel in ("examples/maic/apatinib-ie-synthetic-ipd.csv", "examples/maic/apatinib-ie-v2/simulated-ipd.csv",
                "examples/maic/anchored/two-arm-synthetic-ipd.csv"):
        assert (tmp_path / rel).read_bytes() == (REPO / rel).read_bytes(), rel


def test_example_analysis(ipd: pl.DataFrame) -> None:
    """16 patients are younger than 16 (the trial's minimum age), 1 more is at ECOG 2 and 1 has lung + bone + other
    lesions (the trial's 0% levels): 15 remain; the MAIC is uninformative (ESS below 10)."""
    a = maic_analysis(ipd, tc.load(REPO / "trials"), "apatinib", load_mapping(FOLDER / "mapping.yaml"),
                      ipd_endpoint="EFS")
    assert int((ipd["age"] < 16).sum()) == 16
    assert a.eligibility.criteria.select("criterion", "removed").rows() == [
        ("age", 16), ("resectable", 0), ("lesion_site = lung+bone+other", 1), ("ecog = 2", 1)]
    assert a.weights.n == 15 and a.verdict == "uninformative" and a.diagnostics.ess < 10
    every = a.survival.filter(pl.col("source") == "IPD, all patients", pl.col("statistic") == "median")
    assert every["estimate"].to_list() == pytest.approx([11.4])
