"""R maicplus's own example (its data and reference values in tests/fixtures/maicplus/, README there).

The reference implementation's headline example needs standardised coefficients up to about 70; a MAIC that caps
them refuses it as "outside the convex hull". Reference: maicplus_reference.json, written by maicplus_reference.R
(maicplus 0.1.2.9000 on R 4.2.2): ESS 121.8326 (its BFGS stops early; the exact optimum of the same moment equations
is 121.8304), unanchored OS HR 0.262284 (0.181554, 0.378912) by weighted Cox with robust SE, response OR 1.222338
(0.776856, 1.923278) with HC3 against 280/400.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from trialcompare.maic import maic_weights, weighted_hazard_ratio, weighted_odds_ratio
from trialcompare.maic._solver import feasibility
from trialcompare.maic._weights import _moments, _standardise

HERE = Path(__file__).resolve().parents[1] / "fixtures" / "maicplus"
REF = json.loads((HERE / "maicplus_reference.json").read_text(encoding="utf-8"))


def _targets() -> dict[str, dict[str, float]]:
    """maicplus's aggregate file: N 300, AGE mean 51 / median 49 / SD 3.25, 147 male, 105 ECOG 0, 58 smokers,
    median 2 prior therapies."""
    agd = pl.read_csv(HERE / "aggregate_data_example_1.csv").row(0, named=True)
    n = agd["N"]
    return {
        "AGE": {"mean": agd["AGE_MEAN"], "sd": agd["AGE_SD"], "median": agd["AGE_MEDIAN"]},
        "SEX_MALE": {"proportion": agd["SEX_MALE_COUNT"] / n},
        "ECOG0": {"proportion": agd["ECOG0_COUNT"] / n},
        "SMOKE": {"proportion": agd["SMOKE_COUNT"] / n},
        "N_PR_THER": {"median": agd["N_PR_THER_MEDIAN"]},
    }


@pytest.fixture(scope="module")
def example() -> dict:
    adsl = pl.read_csv(HERE / "adsl.csv")
    ipd = pl.DataFrame({
        "USUBJID": adsl["USUBJID"].cast(pl.Int64),
        "AGE": adsl["AGE"].cast(pl.Float64),
        "SEX_MALE": (adsl["SEX"] == "Male").cast(pl.Float64),
        "ECOG0": adsl["ECOG0"].cast(pl.Float64),
        "SMOKE": adsl["SMOKE"].cast(pl.Float64),
        "N_PR_THER": adsl["N_PR_THER"].cast(pl.Float64),
    })
    return {"ipd": ipd, "weights": maic_weights(ipd, _targets())}


def _by_subject(ipd: pl.DataFrame, w: np.ndarray, frame: pl.DataFrame) -> np.ndarray:
    where = {int(u): i for i, u in enumerate(ipd["USUBJID"].to_list())}
    return w[[where[int(u)] for u in frame["USUBJID"].to_list()]]


def test_targets_read_as_maicplus_reads_them() -> None:
    t = REF["target"]
    assert _targets()["SMOKE"]["proportion"] == pytest.approx(t["SMOKE_PROP"], rel=1e-14)
    assert _targets()["SEX_MALE"]["proportion"] == t["SEX_MALE_PROP"]


def test_the_linear_program_finds_the_targets_strictly_inside(example: dict) -> None:
    xs, _ = _standardise(_moments(example["ipd"], _targets()).matrix)
    assert feasibility(xs).status == "inside"


def test_ess_and_balance_match_maicplus(example: dict) -> None:
    w = example["weights"]
    assert w.converged and w.n == 500
    assert abs(w.ess - REF["ess"]) < 5e-3
    assert w.ess >= REF["ess"] - 5e-3 and abs(w.ess - 121.8304) < 1e-4  # the exact optimum (issue 21)
    ipd, sw = example["ipd"], w.weights / w.weights.sum()
    assert float(sw @ ipd["AGE"].to_numpy()) == pytest.approx(51.0, abs=1e-8)
    assert float(sw @ ipd["AGE"].to_numpy() ** 2) == pytest.approx(3.25**2 + 51**2, rel=1e-12)
    assert float(sw @ (ipd["AGE"].to_numpy() > 49)) == pytest.approx(0.5, abs=1e-8)
    for col, key in (("SEX_MALE", "SEX_MALE"), ("ECOG0", "ECOG0"), ("SMOKE", "SMOKE")):
        assert float(sw @ ipd[col].to_numpy()) == pytest.approx(_targets()[col]["proportion"], abs=1e-8)
        assert float(sw @ ipd[col].to_numpy()) == pytest.approx(REF["weighted_means"][key], abs=1e-5)
    assert float(sw @ (ipd["N_PR_THER"].to_numpy() <= 2)) == pytest.approx(0.5, abs=1e-8)
    assert np.abs(w.coefficients).max() > 0  # finite coefficients, no cap
    assert w.balance["after"].to_list() == pytest.approx(w.balance["target"].to_list(), abs=1e-8)


def test_hazard_ratio_matches_maicplus(example: dict) -> None:
    tte = pl.read_csv(HERE / "adtte.csv")
    pseudo = pl.read_csv(HERE / "psuedo_IPD.csv")
    w = _by_subject(example["ipd"], example["weights"].weights, tte)
    hr = weighted_hazard_ratio(tte["AVAL"].to_numpy(), tte["EVNT"].to_numpy(), w, pseudo["Time"].to_numpy(),
                               pseudo["Event"].to_numpy())
    assert hr == pytest.approx((REF["hr_weighted"], *REF["hr_weighted_ci"]), abs=1e-4)
    assert REF["hr_weighted"] == pytest.approx(0.262284, abs=1e-6)
    ones = weighted_hazard_ratio(tte["AVAL"].to_numpy(), tte["EVNT"].to_numpy(), np.ones(tte.height),
                                 pseudo["Time"].to_numpy(), pseudo["Event"].to_numpy())
    assert ones.estimate == pytest.approx(REF["hr_unweighted"], rel=1e-9)


def test_odds_ratio_matches_maicplus(example: dict) -> None:
    rs = pl.read_csv(HERE / "adrs.csv")
    w = _by_subject(example["ipd"], example["weights"].weights, rs)
    est = weighted_odds_ratio(rs["AVAL"].to_numpy(), w, 280, 400, vcov="HC3")
    ref = REF["binary_summary"][1]
    assert est == pytest.approx((ref["OR"], ref["LCL"], ref["UCL"]), abs=1e-4)
    unweighted = weighted_odds_ratio(rs["AVAL"].to_numpy(), np.ones(rs.height), 280, 400)
    assert unweighted.estimate == pytest.approx(REF["binary_summary"][0]["OR"], rel=1e-9)
