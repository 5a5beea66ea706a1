"""Anchored MAIC: two-arm IPD, weights on both arms pooled, within-IPD contrast pinned to R, Bucher by hand.

Reference values: tests/maic/fixtures/anchored_reference.json, written by tests/maic/fixtures/anchored_reference.R
(glm quasibinomial + sandwich::vcovHC HC0/HC3, coxph(weights =, robust = TRUE), optim BFGS for the weights, Bucher
in R arithmetic). The Bucher step itself is also derived by hand in the docstring of ``anchored_bucher`` (doctest).
"""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import numpy as np
import polars as pl
import pytest

import trialcompare as tc
from trialcompare.cli import main
from trialcompare.maic import MaicInputError, load_mapping, maic_analysis, read_ipd_csv
from trialcompare.maic._anchored import (
    anchored_bucher,
    arm_treatments,
    within_ipd_hazard_ratio,
    within_ipd_odds_ratio,
)

REPO = Path(__file__).resolve().parents[2]
FOLDER = REPO / "examples" / "maic" / "anchored"
IPD = FOLDER / "two-arm-synthetic-ipd.csv"
TRIALS = (str(REPO / "trials"), str(FOLDER / "trials"))
REF = json.loads((Path(__file__).resolve().parent / "fixtures" / "anchored_reference.json").read_text())
EXAMPLE, RANDOM = REF["cases"][0], REF["cases"][1:]
GLM = 1e-7  # closed form here; R glm stops its IRLS at a deviance change of 1e-8
ITER = 1e-5  # through the weights of two optimisers


@pytest.fixture(scope="module")
def cohorts():
    return tc.load(*TRIALS)


@pytest.fixture(scope="module")
def frame() -> pl.DataFrame:
    return read_ipd_csv(IPD).frame


@pytest.mark.parametrize("case", RANDOM, ids=[c["name"] for c in RANDOM])
@pytest.mark.parametrize("weighted", ["weighted", "unweighted"])
def test_within_ipd_contrasts_match_r(case: dict, weighted: str) -> None:
    d, r = case["data"], case[weighted]
    w = case["weights"] if weighted == "weighted" else np.ones(len(d["arm"]))
    for vcov, key in (("HC0", "se_hc0"), ("HC3", "se_hc3")):
        log_or, se = within_ipd_odds_ratio(d["response"], d["arm"], w, vcov)
        assert log_or == pytest.approx(r["log_or"], rel=GLM)
        assert se == pytest.approx(r[key], rel=GLM)
    log_hr, se = within_ipd_hazard_ratio(d["time"], d["event"], d["arm"], w)
    assert log_hr == pytest.approx(r["log_hr"], rel=1e-7)
    assert se == pytest.approx(r["se_robust"], rel=1e-7)


def test_pooled_weights_match_r(cohorts, frame) -> None:
    a = maic_analysis(frame, cohorts, "sim-drugb-ie", load_mapping(FOLDER / "mapping.yaml"))
    w = a.anchored_result.weights
    assert w.n == 120  # both arms
    scale = w.weights.sum() / np.sum(EXAMPLE["weights"])
    assert w.weights / scale == pytest.approx(EXAMPLE["weights"], rel=ITER)
    assert w.ess == pytest.approx(EXAMPLE["ess"], rel=ITER)
    # the unanchored part weights the treatment arm alone
    assert a.weights.n == 60


@pytest.mark.parametrize(("outcome", "bucher_key", "log_key", "se_key"),
                         [("orr", "bucher_or_hc3", "log_or", "se_hc3"), ("PFS", "bucher_hr", "log_hr", "se_robust")])
def test_anchored_table_matches_r(cohorts, frame, outcome: str, bucher_key: str, log_key: str, se_key: str) -> None:
    a = maic_analysis(frame, cohorts, "sim-drugb-ie", load_mapping(FOLDER / "mapping.yaml"), outcome)
    t = {r["method"]: r for r in a.anchored.iter_rows(named=True)}
    for method, which in (("MAIC, within IPD", "weighted"), ("unadjusted, within IPD", "unweighted")):
        assert t[method]["log_estimate"] == pytest.approx(EXAMPLE[which][log_key], rel=ITER)
        assert t[method]["se"] == pytest.approx(EXAMPLE[which][se_key], rel=ITER)
        assert t[method]["evidence"] == "within IPD"
    for method, which in (("Bucher, MAIC (anchored MAIC)", "weighted"), ("Bucher, unadjusted", "unweighted")):
        ref = EXAMPLE[bucher_key][which]
        row = t[method]
        assert row["evidence"] == "anchored"
        assert (row["log_estimate"], row["se"]) == pytest.approx((ref["d"], ref["se"]), rel=ITER)
        assert (row["estimate"], row["lower"], row["upper"]) == pytest.approx(
            (ref["estimate"], ref["lower"], ref["upper"]), rel=ITER)
    published = t["published"]
    assert published["evidence"] == "randomised"
    ref = EXAMPLE[bucher_key]["weighted"]
    assert (published["log_estimate"], published["se"]) == pytest.approx((ref["d_bc"], ref["se_bc"]), rel=1e-12)


def test_arms_and_connecting_effect(cohorts, frame) -> None:
    a = maic_analysis(frame, cohorts, "sim-drugb-ie", load_mapping(FOLDER / "mapping.yaml"))
    arms = a.anchored_result.arms
    assert (arms.treatment_label, arms.common_label) == ("apatinib-ie", "ie")
    assert arms.common == "etoposide + ifosfamide"
    assert arms.effect["printed"] == "2.45 (95% CI 1.15-5.22)" and not arms.effect["inverted"]
    assert a.to_dict()["anchored"]["weights_on"] == "both IPD arms pooled"


def test_bucher_is_additive_on_the_log_scale() -> None:
    hr, lo, hi, d, se = anchored_bucher((math.log(0.5), 0.2), (math.log(0.5), 0.0))
    assert hr == pytest.approx(1.0) and d == pytest.approx(0.0) and se == pytest.approx(0.2)
    assert math.log(hi) - math.log(lo) == pytest.approx(2 * 1.959963984540054 * 0.2)


def test_arm_labels_may_be_treatments(cohorts) -> None:
    out = arm_treatments(["ie", "Apatinib + Etoposide + Ifosfamide"], cohorts)
    assert out == {"ie": "etoposide + ifosfamide",
                   "Apatinib + Etoposide + Ifosfamide": "apatinib + etoposide + ifosfamide"}
    with pytest.raises(ValueError, match="same treatment"):
        arm_treatments(["ie", "sim-ie"], cohorts)


# ---- reading the arm column -------------------------------------------------------------------------------------

def _csv(tmp_path: Path, rows: list[str]) -> Path:
    p = tmp_path / "ipd.csv"
    p.write_text("\n".join(["id,arm,age,response", *rows]) + "\n", encoding="utf-8")
    return p


def test_single_arm_files_read_as_before() -> None:
    t = read_ipd_csv(REPO / "examples" / "maic" / "apatinib-ie-synthetic-ipd.csv")
    assert "arm" not in t.frame.columns and t.frame.height == 33


def test_arm_column_is_text(tmp_path: Path) -> None:
    t = read_ipd_csv(_csv(tmp_path, ["a,x,30,1", "b,y,40,0"]))
    assert t.frame["arm"].dtype == pl.String and t.frame["arm"].to_list() == ["x", "y"]


@pytest.mark.parametrize(("rows", "where", "message"), [
    (["a,x,30,1", "b,x,40,0"], (1, 4), "one label"),
    (["a,x,30,1", "b,y,40,0", "c,z,50,1"], (4, 3), "third arm 'z'"),
    (["a,x,30,1", "b,,40,0"], (3, 3), "empty cell"),
])
def test_bad_arm_columns_name_file_line_column(tmp_path: Path, rows: list[str], where: tuple, message: str) -> None:
    with pytest.raises(MaicInputError, match=message) as exc:
        read_ipd_csv(_csv(tmp_path, rows))
    assert (exc.value.line, exc.value.column) == where


# ---- command line -----------------------------------------------------------------------------------------------

def _run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["maic", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_json_includes_the_anchored_result(capsys) -> None:
    code, out, err = _run(capsys, "--ipd", str(IPD), "--target", "sim-drugb-ie", *TRIALS, "--json")
    assert code == 0, err
    data = json.loads(out)
    anchored = data["anchored"]
    assert anchored["evidence"] == "anchored" and anchored["common_arm"] == "ie"
    assert {r["evidence"] for r in anchored["estimates"]} == {"within IPD", "randomised", "anchored"}
    assert data["evidence"] == "unanchored"  # the IPD treatment arm against the comparator alone


def test_cli_text_shows_the_anchored_block(capsys) -> None:
    code, out, err = _run(capsys, "--ipd", str(IPD), "--target", "sim-drugb-ie", *TRIALS, "--outcome", "PFS")
    assert code == 0, err
    assert "ANCHORED MAIC through etoposide + ifosfamide" in out and "Bucher, MAIC (anchored MAIC)" in out
    # the first line says which part is unanchored, so the anchored block below is not contradicted
    assert out.splitlines()[0].endswith("the IPD treatment arm against it: unanchored (the anchored MAIC follows)")


def test_cli_unknown_arm_label(tmp_path: Path, capsys) -> None:
    bad = tmp_path / "ipd.csv"
    bad.write_text(IPD.read_text(encoding="utf-8").replace(",ie,", ",nobody,"), encoding="utf-8")
    shutil.copy(FOLDER / "mapping.yaml", tmp_path / "mapping.yaml")
    code, out, err = _run(capsys, "--ipd", str(bad), "--target", "sim-drugb-ie", *TRIALS)
    assert code == 2 and out == ""
    first = next(k for k, line in enumerate(bad.read_text().splitlines(), 1) if ",nobody," in line)
    assert err.startswith(f"{bad}:{first}:5: column 'arm': arm label 'nobody'")


def test_cli_no_connecting_effect(capsys) -> None:
    code, out, err = _run(capsys, "--ipd", str(IPD), "--target", "apatinib", *TRIALS)
    assert code == 2 and out == ""
    assert "no published randomised OR for orr links 'apatinib'" in err
