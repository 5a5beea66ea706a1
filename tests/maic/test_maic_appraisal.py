"""Eligibility first, balance of every variable and level, weight diagnostics and the verdict (issue 21, items 2-5
and 7). Every number is derived by hand in the test's docstring or from the published margins the simulated example
was drawn to (scripts/make_synthetic_ipd.py: ECOG 0/1/2 = 20/11/2, lesions lung 13 / musculoskeletal 3 /
lung + musculoskeletal 16 / lung + bone + other 1 of 33)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import polars as pl
import pytest

import trialcompare as tc
from trialcompare.cli import main
from trialcompare.maic import MaicInputError, load_mapping, maic_analysis, read_ipd_csv
from trialcompare.maic._diagnostics import Verdict, weight_diagnostics
from trialcompare.maic._eligibility import Criterion, apply_eligibility, comparator_criteria

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "maic"
TRIALS = REPO / "trials"


@pytest.fixture(scope="module")
def cohorts():
    return tc.load(TRIALS)


@pytest.fixture(scope="module")
def example(cohorts):
    ipd = read_ipd_csv(EXAMPLE / "apatinib-ie-synthetic-ipd.csv").frame
    return maic_analysis(ipd, cohorts, "apatinib", load_mapping(EXAMPLE / "mapping.yaml"))


def test_criteria_count_sequentially() -> None:
    """Ages 12, 15, 16, 20, 30, 45, 17, 14 with min 16: 12, 15 and 14 fail (3). ECOG 0/1 columns: patients 4 and 8
    are in neither (ECOG 2 when the comparator reports 0/1/2); patient 8 (age 14) is already removed, so the level
    removes 1 more though 2 fail it. resectable has no column: listed, not applied."""
    ipd = pl.DataFrame({"age": [12.0, 15, 16, 20, 30, 45, 17, 14], "ecog_0": [1.0, 1, 0, 0, 1, 0, 1, 0],
                        "ecog_1": [0.0, 0, 1, 0, 0, 1, 0, 0]})
    crit = [Criterion("age", "age", minimum=16),
            Criterion("ecog = 2", None, source="zero_level", variable="ecog", level="2", others=("ecog_0", "ecog_1")),
            Criterion("resectable", "resectable", equals=0, source="descriptor")]
    kept, res = apply_eligibility(ipd, crit)
    assert kept["age"].to_list() == [16.0, 30.0, 45.0, 17.0]
    assert (res.n_before, res.n_after) == (8, 4)
    assert res.criteria.select("failing", "removed", "applied").rows() == [(3, 3, True), (2, 1, True),
                                                                          (0, 0, False)]
    assert res.not_applied["reason"].to_list() == ["no_column"]
    crit[1] = Criterion("ecog = 2", None, source="zero_level", variable="ecog", level="2", others=())
    assert apply_eligibility(ipd, crit)[1].criteria["reason"].to_list() == [None, "level_not_identified",
                                                                             "no_column"]


def found_mapping():
    return load_mapping(EXAMPLE / "mapping.yaml")


def test_comparator_criteria_from_the_descriptor(cohorts) -> None:
    """The apatinib trial's descriptor: resectable disease excluded (design.eligibility), ECOG 2 printed "0 (0.00)"
    and lung + bone + other lesions "0 (0.00)" in Table IV."""
    found = comparator_criteria(cohorts, "apatinib", load_mapping(EXAMPLE / "mapping.yaml"))
    assert [(c.name, c.source, c.column) for c in found] == [
        ("resectable", "descriptor", "resectable"), ("lesion_site = lung+bone+other", "zero_level", None),
        ("ecog = 2", "zero_level", None)]  # in the descriptor's order
    assert found[2].others == ("ecog_0", "ecog_1") and found[2].why == "0 (0.00) (Table IV)"
    assert found[1].others == ("lesion_lung", "lesion_msk", "lesion_lung_msk")
    # without lesion columns in the mapping the 0% level is still listed, as not identifiable
    bare = comparator_criteria(cohorts, "apatinib", [e for e in found_mapping() if e.variable != "lesion_site"])
    _, res = apply_eligibility(read_ipd_csv(EXAMPLE / "apatinib-ie-synthetic-ipd.csv").frame, bare)
    assert res.criteria.filter(pl.col("variable") == "lesion_site")["reason"].to_list() == ["level_not_identified"]


def test_example_removes_the_levels_the_trial_did_not_enrol(example) -> None:
    """2 patients at ECOG 2 and 1 with lung + bone + other lesions (the published margins) of 33: 30 weighted."""
    e = example.eligibility
    assert (e.n_before, e.n_after, e.zero_levels) == (33, 30, "removed")
    assert e.criteria.select("criterion", "applied", "removed").rows() == [
        ("resectable", False, 0), ("lesion_site = lung+bone+other", True, 1), ("ecog = 2", True, 2)]
    assert example.weights.n == 30


def test_full_balance_of_the_example(example) -> None:
    """Matched rows reach their targets; ECOG 2 was 2/33 before eligibility and is 0 after (excluded, derived);
    lung + musculoskeletal (not matched) is implied: 1 - 27/37 - 4/37 = 6/37 once lung + bone + other is gone;
    sex is not reported by the trial; subtype is not in the IPD."""
    b = {(r["variable"], r["level"], r["statistic"]): r for r in example.balance.iter_rows(named=True)}
    for r in example.balance.filter(pl.col("matched")).iter_rows(named=True):
        assert r["after"] == pytest.approx(r["target"], abs=1e-9)
    assert example.balance.filter(pl.col("matched")).height == 6
    ecog2 = b[("ecog", "2", "proportion")]
    assert (ecog2["ipd_all"], ecog2["before"], ecog2["after"], ecog2["status"], ecog2["derived"]) == pytest.approx(
        (2 / 33, 0.0, 0.0, "excluded", True))
    assert b[("lesion_site", "lung+musculoskeletal", "proportion")]["after"] == pytest.approx(6 / 37, abs=1e-9)
    assert b[("lesion_site", "lung+musculoskeletal", "proportion")]["before"] == pytest.approx(15 / 30)
    assert b[("sex", "male", "proportion")]["status"] == "not_reported"
    assert b[("sex", "male", "proportion")]["ipd_all"] == pytest.approx(14 / 33)
    assert b[("subtype", "canonical", "proportion")]["status"] == "not_in_ipd"
    assert b[("subtype", "canonical", "proportion")]["target"] == pytest.approx(35 / 37)


@pytest.mark.parametrize(
    ("weights", "ess", "code", "reasons", "primary"),
    [
        # 19^2 / (100 + 9) = 3.31: below 10; 3.31/10 = 33% is not below 20%
        ([10.0] + [1.0] * 9, 361 / 109, "uninformative", ("ess_below_min",), True),
        # 100 patients, 12 of weight 1, 88 of weight ~0: ESS ~ 12 (>= 10) but 12% < 20%
        ([1.0] * 12 + [1e-9] * 88, 12.0, "uninformative", ("ess_share_below_min",), True),
        ([1.0] * 10, 10.0, "informative", (), True),  # ESS exactly 10 and 100%: not below either threshold
        ([2.0] * 40, 40.0, "informative", (), False),
    ],
)
def test_verdict_rule(weights: list, ess: float, code: str, reasons: tuple, primary: bool) -> None:
    d = weight_diagnostics(weights)
    assert d.ess == pytest.approx(ess, rel=1e-6)
    assert (d.verdict.code, d.verdict.reasons, d.verdict.bootstrap_primary) == (code, reasons, primary)
    assert (d.verdict.min_ess, d.verdict.min_ess_share, d.verdict.bootstrap_below) == (10.0, 0.2, 30.0)
    assert sum(d.histogram_counts) == len(weights)


def test_weight_shares() -> None:
    """Weights 5, 4, 3, 2, 1, 1, 1, 1, 1, 1 (total 20): largest 5/20 = 0.25, five largest 15/20 = 0.75."""
    d = weight_diagnostics([5.0, 4, 3, 2, 1, 1, 1, 1, 1, 1])
    assert (d.max_share, d.top5_share) == pytest.approx((0.25, 0.75), rel=1e-12)
    assert d.histogram_edges[0] == 0.0 and d.histogram_edges[-1] == pytest.approx(5 / 2)  # 5 rescaled to mean 1
    with pytest.raises(ValueError, match="finite numbers > 0"):
        weight_diagnostics([1.0, 0.0])


def test_verdict_is_a_typed_fact_without_sentences() -> None:
    fields = Verdict.__dataclass_fields__
    assert set(fields) == {"code", "reasons", "ess", "n", "ess_share", "min_ess", "min_ess_share",
                           "bootstrap_primary", "bootstrap_below"}
    v = weight_diagnostics([1.0] * 5).verdict
    assert all(" " not in c for c in (v.code, *v.reasons))
    with pytest.raises(AttributeError):
        v.code = "informative"  # frozen


def test_example_is_uninformative_and_the_bootstrap_is_primary(example) -> None:
    """ESS 8.3 of 30 (< 10): uninformative; ESS < 30: a bootstrap is drawn (2000 resamples) and its row is primary;
    more than 10% of its resamples cannot reach the 3 musculoskeletal-only patients' target, so it is withheld."""
    d = example.diagnostics
    assert d.verdict.code == "uninformative" and example.verdict == "uninformative"
    assert d.ess == pytest.approx(example.weights.ess, rel=1e-12) and d.ess < 10
    primary = example.effects.filter(pl.col("primary"))
    assert primary["method"].to_list() == ["MAIC bootstrap"]
    assert example.bootstrap.n_boot == 2000 and not example.bootstrap.valid
    assert example.bootstrap.n_failed > 0.10 * 2000
    assert primary["lower"].is_null().all() or primary["lower"].is_nan().all()


def test_a_large_ess_keeps_the_sandwich_primary_and_draws_no_bootstrap(cohorts) -> None:
    """ECOG 1 alone, 11 of 33 weighted to the trial's 10/37: weight ratio a = (10 * 22) / (27 * 11) = 0.7407 for
    ECOG 1 against 1 for the rest, ESS = (11 a + 22)^2 / (11 a^2 + 22) = 32.42 >= 30: no automatic bootstrap."""
    from trialcompare.maic._targets import MappingEntry

    ipd = read_ipd_csv(EXAMPLE / "apatinib-ie-synthetic-ipd.csv").frame
    a = maic_analysis(ipd, cohorts, "apatinib", [MappingEntry("ecog_1", "ecog", "1")], eligibility=())
    assert a.weights.ess == pytest.approx((11 * 220 / 297 + 22) ** 2 / (11 * (220 / 297) ** 2 + 22), rel=1e-9)
    assert a.bootstrap is None and a.verdict == "informative"
    assert a.effects.filter(pl.col("primary"))["method"].to_list() == ["MAIC"]


def test_json_carries_eligibility_balance_diagnostics_and_verdict(capsys) -> None:
    code = main(["maic", "--ipd", str(EXAMPLE / "apatinib-ie-synthetic-ipd.csv"), "--target", "apatinib",
                 str(TRIALS), "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    d = json.loads(out)
    assert (d["eligibility"]["n_before"], d["eligibility"]["n_after"]) == (33, 30)
    assert [c["removed"] for c in d["eligibility"]["criteria"]] == [0, 1, 2]
    assert d["verdict"]["code"] == "uninformative" and d["informative"] is False
    assert d["verdict"]["min_ess"] == 10 and d["verdict"]["min_ess_share"] == 0.2
    assert {"ess", "n", "ess_share", "max_share", "top5_share", "histogram_counts"} <= set(d["diagnostics"])
    assert {(r["variable"], r["level"]) for r in d["balance_full"]} >= {("ecog", "2"), ("sex", "male"),
                                                                       ("subtype", "canonical")}
    assert d["bootstrap"]["max_failed_share"] == 0.10
    assert sum(e["primary"] for e in d["effects"]) == 1


def test_mapping_eligibility_block(tmp_path: Path, cohorts) -> None:
    """``eligibility: {age: {min: 16}}`` in the mapping: the example IPD's patients younger than 16 are removed
    first (counted from the file by the csv module here), then the levels at 0%."""
    import csv

    with (EXAMPLE / "apatinib-ie-synthetic-ipd.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(line for line in fh if not line.startswith("#")))
    young = sum(float(r["age"]) < 16 for r in rows)
    text = (EXAMPLE / "mapping.yaml").read_text(encoding="utf-8") + "eligibility:\n  age: {min: 16, why: x}\n"
    (tmp_path / "mapping.yaml").write_text(text, encoding="utf-8")
    mapping = load_mapping(tmp_path / "mapping.yaml")
    assert mapping.eligibility == (Criterion("age", "age", minimum=16.0, why="x"),)
    ipd = read_ipd_csv(EXAMPLE / "apatinib-ie-synthetic-ipd.csv").frame
    _, res = apply_eligibility(ipd, [*mapping.eligibility, *comparator_criteria(cohorts, "apatinib", mapping)])
    assert res.criteria["removed"][0] == young and young > 0


@pytest.mark.parametrize(
    ("block", "line", "column", "fragment"),
    [
        ("  age: {min: 30, max: 16}\n", 2, 18, "min is above max"),
        ("  age: {minimum: 16}\n", 2, 9, "unknown key 'minimum'; did you mean 'min'?"),
        ("  age: {min: sixteen}\n", 2, 9, "min must be a number"),
        ("  age: {why: x}\n", 2, 3, "give min, max or equals"),
        ("  age: 16\n", 2, 3, "expected {min: A, max: B}"),
    ],
)
def test_bad_eligibility_block(tmp_path: Path, block: str, line: int, column: int, fragment: str) -> None:
    (tmp_path / "m.yaml").write_text("columns:\n  age: age\neligibility:\n" + block, encoding="utf-8")
    with pytest.raises(MaicInputError) as info:
        load_mapping(tmp_path / "m.yaml")
    m = re.match(r"^(.+?):(\d+):(\d+): (.*)$", str(info.value))
    assert m and (int(m[2]), int(m[3])) == (line + 2, column) and fragment in m[4], str(info.value)


def test_nothing_left_after_eligibility(cohorts) -> None:
    ipd = read_ipd_csv(EXAMPLE / "apatinib-ie-synthetic-ipd.csv").frame
    with pytest.raises(ValueError, match="no IPD patient meets the inclusion criteria"):
        maic_analysis(ipd, cohorts, "apatinib", load_mapping(EXAMPLE / "mapping.yaml"),
                      eligibility=[Criterion("age", "age", minimum=200)])
    assert np.isfinite(ipd["age"].to_numpy()).all()
