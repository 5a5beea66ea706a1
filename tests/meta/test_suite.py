"""Sensitivity suite over cohorts (trialcompare.meta.suite), pinned to metafor and to stats.* references.

R references: tests/fixtures/metasuite_reference.R -> metasuite_reference.json (metafor 3.8.1). The counts used
there are the shipped cohorts' counts in load order (apatinib-camrelizumab, apatinib-ie, apatinib, ie).
"""

from __future__ import annotations

import json
import math
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import polars as pl
import pytest

import trialcompare as tc
from trialcompare.meta import MetaError, pool_proportions
from trialcompare.meta.suite import (
    DATA_SCHEMA,
    available_outcomes,
    outcome_data,
    risk_ratio,
    sensitivity_suite,
    validate_scenario,
)
from trialcompare.render.meta import suite_forest_svg, suite_text
from trialcompare.stats.proportions import fisher_exact, risk_difference
from trialcompare.stats.sensitivity import e_value, fragility_index, reverse_fragility_index

REPO = Path(__file__).resolve().parents[2]
TRIALS = REPO / "trials"
REF = json.loads((REPO / "tests" / "fixtures" / "metasuite_reference.json").read_text())
IDS = ["apatinib-camrelizumab", "apatinib-ie", "apatinib", "ie"]
# the four shipped Table IV cohorts, named one by one (other descriptors may be added to trials/ later)
FILES = [TRIALS / f"{i}.yaml" for i in IDS]
ORR = ([9, 21, 16, 13], [41, 33, 37, 46])
DCR = ([35, 33, 24, 41], [41, 33, 37, 46])


@pytest.fixture(scope="module")
def cs() -> tc.CohortSet:
    return tc.load(*FILES)


@pytest.fixture(scope="module")
def orr_suite(cs):
    return sensitivity_suite(cs, "orr")


@pytest.fixture(scope="module")
def dcr_suite(cs):
    scenarios = [
        {"name": "no-ie", "description": "IE may overlap with apatinib + IE", "exclude": ["ie"]},
        {"name": "enrolled", "description": "43 enrolled", "denominators": {"apatinib-camrelizumab": 43}},
    ]
    return sensitivity_suite(cs, "dcr", scenarios=scenarios)


def _close(a: float, b: float, tol: float = 1e-6) -> bool:
    return math.isclose(a, b, rel_tol=tol, abs_tol=tol)


# --------------------------------------------------------------------------------------------------
# outcome data
# --------------------------------------------------------------------------------------------------


def test_orr_counts_are_those_of_the_comparison(cs):
    data = outcome_data(cs, "orr")
    assert data.schema == pl.Schema(DATA_SCHEMA)
    assert data["cohort"].to_list() == IDS
    assert data["events"].to_list() == ORR[0] and data["total"].to_list() == ORR[1]
    assert data["design"].to_list() == ["prospective", "retrospective", "prospective", "retrospective"]
    assert not any(data["approximate"].to_list())
    cmp = tc.compare(cs)
    for row in data.iter_rows(named=True):
        ref = cmp.outcomes.filter(pl.col("cohort") == row["cohort"], pl.col("outcome") == "ORR").row(0, named=True)
        assert (row["events"], row["total"]) == (ref["n"], ref["denominator"])


def test_denominators_and_exclusions_are_honoured(cs):
    data = outcome_data(cs, "dcr", denominators={"apatinib-camrelizumab": 43}, exclude=["ie"])
    row = data.row(0, named=True)
    assert (row["events"], row["total"]) == (35, 43)
    ie = data.filter(pl.col("cohort") == "ie").row(0, named=True)
    assert ie["events"] is None and "excluded" in ie["note"]


def test_landmark_rates_are_never_turned_into_counts(cs):
    """N1-N3, T16: a landmark rate printed without a count stays a rate with its estimator and its printed interval
    (none here); only a count printed as such (APFAO's 13/43, binomial) is a count. APFAO prints both: both rows."""
    data = outcome_data(cs, "tte_6m")
    rows = data.select("cohort", "endpoint", "estimator", "events", "total", "estimate", "reason").rows()
    assert rows == [
        ("apatinib-camrelizumab", "PFS", "unspecified", None, None, 0.509, "estimator-unspecified"),
        ("apatinib-camrelizumab", "PFS", "binomial", 13, 43, 13 / 43, None),
        ("apatinib-ie", "EFS", "unspecified", None, None, 0.785, "estimator-unspecified"),
        ("apatinib", "PFS", "unspecified", None, None, 0.368, "estimator-unspecified"),
        ("ie", "EFS", "unspecified", None, None, pytest.approx(0.717), "estimator-unspecified"),
    ]
    assert not data["approximate"].any() and data["ci_low"].null_count() == 4


def test_a_rate_without_a_count_ignores_the_chosen_denominator(cs):
    """The old pseudo-count 50.9% × 43 -> 22 is gone: a denominator choice changes counts, never a rate."""
    data = outcome_data(cs, "pfs_6m", denominators={"apatinib-camrelizumab": 43})
    first = data.row(0, named=True)
    assert (first["events"], first["total"], first["estimate"]) == (None, None, 0.509)


def test_kaplan_meier_rate_keeps_its_printed_interval_and_logit_se():
    """ITCC-050 lenvatinib + IE prints PFS at 4 months both ways: binomial 51% (34-69) without its count, and
    Kaplan-Meier 80% (60-90). By hand: logit(0.9) = 2.197225, logit(0.6) = 0.405465, SE = 1.791759 / (2 ×
    1.959964) = 0.457090."""
    from trialcompare.meta._data import logit_se

    cohorts = tc.load(TRIALS / "library" / "itcc050-lenvatinib-ie.yaml")
    data = outcome_data(cohorts, "pfs_4m")
    km = data.filter(pl.col("estimator") == "kaplan-meier").row(0, named=True)
    assert (km["estimate"], km["ci_low"], km["ci_high"], km["ci_level"], km["events"]) == (0.8, 0.6, 0.9, 0.95, None)
    assert km["logit_se"] == pytest.approx(0.457090, abs=1e-6) == logit_se(0.6, 0.9)
    binom = data.filter(pl.col("estimator") == "binomial").row(0, named=True)
    assert (binom["estimate"], binom["events"], binom["reason"]) == (0.51, None, "no-count")


def test_a_bound_is_not_a_number(cs):
    data = outcome_data(cs, "pfs_12m")
    assert data["events"].null_count() == 4
    bounded = data.filter(pl.col("cohort").is_in(["apatinib-camrelizumab", "apatinib"]))
    assert all("bound" in n and "<10%" in n for n in bounded["note"].to_list())
    with pytest.raises(ValueError, match="no cohort has a usable count"):
        sensitivity_suite(cs, "pfs_12m")


def test_named_endpoint_only_where_reported(cs):
    data = outcome_data(cs, "efs_6m")
    assert data["estimate"].to_list() == [None, 0.785, None, pytest.approx(0.717)]
    assert data["reason"].to_list() == ["not-reported", "estimator-unspecified", "not-reported",
                                        "estimator-unspecified"]
    assert data["events"].null_count() == 4 and "no rate at 6 months" in data.row(0, named=True)["note"]


def test_unknown_outcome_lists_the_valid_ones(cs):
    valid = available_outcomes(cs)
    assert {"orr", "dcr", "csr", "efs_6m", "pfs_6m", "tte_6m"} <= set(valid)
    for bad in ("os_12m", "xyz", "tte_7m", "foo_6m"):
        with pytest.raises(ValueError, match=r"unknown outcome .*valid: orr, dcr"):
            outcome_data(cs, bad)


def test_unknown_ids_are_rejected(cs):
    with pytest.raises(ValueError, match="'nope', not a cohort"):
        outcome_data(cs, "orr", exclude=["nope"])
    with pytest.raises(ValueError, match="denominators names 'nope'"):
        outcome_data(cs, "orr", denominators={"nope": 40})
    with pytest.raises(ValueError, match="positive whole number"):
        outcome_data(cs, "orr", denominators={"ie": 0})
    with pytest.raises(ValueError, match="cohort 'ie' has no endpoint 'PFS'"):
        outcome_data(cs, "tte_6m", substitute_endpoint={"ie": "PFS"})


def test_errata_are_used_only_when_asked(tmp_path):
    text = (TRIALS / "apatinib-camrelizumab.yaml").read_text()
    erratum = (
        'errata:\n  - {target: {section: outcome, variable: best_response, level: PR, at: "Table IV"},\n'
        '     corrected: {n: 10}, why: "test erratum", source: paper}\n'
    )
    (tmp_path / "a.yaml").write_text(text.replace("errata: []\n", erratum))
    cs = tc.load(tmp_path)
    assert outcome_data(cs, "orr")["events"].to_list() == [9]
    assert outcome_data(cs, "orr", use_errata=True)["events"].to_list() == [10]


def test_a_landmark_rate_printed_as_a_count_is_exact(tmp_path):
    text = (TRIALS / "ie.yaml").read_text()
    assert 'value: "71.7%"' in text
    (tmp_path / "ie.yaml").write_text(text.replace('value: "71.7%"', 'value: "33/46 (71.7%)"'))
    row = outcome_data(tc.load(tmp_path), "tte_6m").row(0, named=True)
    assert (row["events"], row["total"], row["approximate"]) == (33, 46, False)
    assert "printed as a count" in row["note"]


# --------------------------------------------------------------------------------------------------
# primary analysis and grid
# --------------------------------------------------------------------------------------------------


def test_primary_equals_pool_proportions_and_metafor(orr_suite):
    for suite, counts, ref in ((orr_suite, ORR, REF["orr_reml"]),):
        direct = pool_proportions(*counts, transform="logit", method="REML")
        assert suite.primary.estimate == pytest.approx(direct.estimate, abs=1e-12)
        assert suite.primary.estimate == pytest.approx(ref["estimate"], abs=1e-4)
        assert suite.primary.tau2 == pytest.approx(ref["tau2"], abs=1e-4)
        p = suite.primary.proportion
        for value, key in zip(p, ("proportion", "ci_low", "ci_high", "pi_low", "pi_high"), strict=True):
            assert value == pytest.approx(ref[key], abs=1e-4)


def test_grid_shape_primary_row_and_freeman_tukey_note(orr_suite):
    grid = orr_suite.grid
    assert grid.height == 4 * 8 * 2 + 2  # 8 τ² methods × 4 transforms × 2 tests, + GLMM on the logit row (z, knha)
    assert grid.filter(pl.col("method") == "GLMM", pl.col("test") == "knha").height == 1
    glmm_knha = grid.filter(pl.col("method") == "GLMM", pl.col("test") == "knha").row(0, named=True)
    assert "not defined for the GLMM" in glmm_knha["error"] and glmm_knha["proportion"] is None
    primary = grid.filter(pl.col("primary"))
    assert primary.height == 1 and primary["proportion"][0] == pytest.approx(orr_suite.primary.proportion[0])
    ft = grid.filter(pl.col("transform") == "freeman-tukey")
    assert all("harmonic-mean back-transformation can mislead" in n for n in ft["note"].to_list())
    dl = grid.filter(pl.col("transform") == "logit", pl.col("method") == "DL", pl.col("test") == "knha")
    ref = REF["orr_dl_knha"]
    assert dl["proportion"][0] == pytest.approx(ref["proportion"], abs=1e-6)
    assert dl["ci_low"][0] == pytest.approx(ref["ci_low"], abs=1e-6)
    assert dl["pi_high"][0] == pytest.approx(ref["pi_high"], abs=1e-6)
    ok = grid.filter(pl.col("error").is_null())
    assert ok.height == grid.height - 1 and all(ok["converged"].to_list())


def test_grid_rows_equal_direct_fits(orr_suite):
    for row in orr_suite.grid.filter(pl.col("error").is_null()).iter_rows(named=True):
        direct = pool_proportions(*ORR, transform=row["transform"], method=row["method"], test=row["test"])
        assert row["proportion"] == pytest.approx(direct.proportion[0], abs=1e-12)
        assert row["tau2"] == pytest.approx(direct.tau2, abs=1e-12)


def test_glmm_primary(cs):
    suite = sensitivity_suite(cs, "orr", primary_method="GLMM", methods=("REML", "GLMM"), transforms=("logit",))
    direct = pool_proportions(*ORR, method="GLMM")
    assert suite.primary.method == "GLMM"
    assert suite.primary.proportion[0] == pytest.approx(direct.proportion[0], abs=1e-10)
    with pytest.raises(ValueError, match="knha"):
        sensitivity_suite(cs, "orr", primary_method="GLMM", primary_test="knha")


def test_bad_options_are_rejected(cs):
    with pytest.raises(ValueError, match="unknown method 'XX'"):
        sensitivity_suite(cs, "orr", methods=("REML", "XX"))
    with pytest.raises(ValueError, match="unknown transform"):
        sensitivity_suite(cs, "orr", primary_transform="probit")
    with pytest.raises(ValueError, match="level"):
        sensitivity_suite(cs, "orr", level=95)
    with pytest.raises(TypeError, match="unexpected keyword"):
        sensitivity_suite(cs, "orr", denominator={"ie": 40})


# --------------------------------------------------------------------------------------------------
# leave-one-out, scenarios, subgroups
# --------------------------------------------------------------------------------------------------


def test_scenario_excluding_a_cohort_equals_pooling_without_it(dcr_suite):
    scen = dcr_suite.scenarios
    assert scen["name"].to_list() == ["no-ie", "enrolled"]
    no_ie = scen.row(0, named=True)
    direct = pool_proportions(DCR[0][:3], DCR[1][:3])
    assert no_ie["k"] == 3 and no_ie["cohorts"] == "apatinib-camrelizumab, apatinib-ie, apatinib"
    assert no_ie["proportion"] == pytest.approx(direct.proportion[0], abs=1e-12)
    assert no_ie["change"] == pytest.approx(direct.proportion[0] - dcr_suite.primary.proportion[0], abs=1e-12)
    loo = dcr_suite.leave_one_out.filter(pl.col("omitted") == "ie").row(0, named=True)
    assert loo["proportion"] == pytest.approx(no_ie["proportion"], abs=1e-10)


def test_scenario_denominator_and_substitution(cs, dcr_suite):
    enrolled = dcr_suite.scenarios.row(1, named=True)
    assert enrolled["proportion"] == pytest.approx(pool_proportions([35, 33, 24, 41], [43, 33, 37, 46]).proportion[0])
    data = outcome_data(cs, "tte_6m", substitute_endpoint={"apatinib-ie": "PFS"})
    row = data.filter(pl.col("cohort") == "apatinib-ie").row(0, named=True)
    assert row["endpoint"] == "PFS" and row["reason"] == "not-reported" and "PFS substituted" in row["note"]


def test_leave_one_out_matches_refits(orr_suite):
    loo = orr_suite.leave_one_out
    assert loo["omitted"].to_list() == IDS and loo["k"].to_list() == [3] * 4
    for i, row in enumerate(loo.iter_rows(named=True)):
        keep = [j for j in range(4) if j != i]
        direct = pool_proportions([ORR[0][j] for j in keep], [ORR[1][j] for j in keep])
        assert row["proportion"] == pytest.approx(direct.proportion[0], abs=1e-10)


@pytest.mark.parametrize(
    "bad, message",
    [
        ({"description": "x"}, "needs a non-empty 'name'"),
        ({"name": "a", "exclude_ids": ["ie"]}, "unknown key.*'exclude_ids'"),
        ({"name": "a", "exclude": ["nope"]}, "scenario 'a': exclude names 'nope'"),
        ({"name": "a", "denominators": {"nope": 3}}, "scenario 'a': denominators names 'nope'"),
        ({"name": "a", "substitute_endpoint": {"ie": "PFS"}}, "cohort 'ie' has no endpoint 'PFS'"),
        ({"name": "a", "use_errata": "yes"}, "use_errata must be true or false"),
        ({"name": "a", "exclude": "ie"}, "exclude must be a list"),
        ("no-ie", "must be a mapping"),
    ],
)
def test_bad_scenarios(cs, bad, message):
    with pytest.raises(ValueError, match=message):
        validate_scenario(bad, cs)
    with pytest.raises(ValueError, match=message):
        sensitivity_suite(cs, "orr", scenarios=[bad])


def test_duplicate_scenario_names(cs):
    with pytest.raises(ValueError, match="unique"):
        sensitivity_suite(cs, "orr", scenarios=[{"name": "a"}, {"name": "a"}])


def test_scenario_defaults_and_spec_style_none():
    """A spec's Scenario.model_dump() has use_errata None: it means 'as the primary analysis'."""
    s = validate_scenario({"name": "a", "use_errata": None, "exclude": []}, tc.load(*FILES))
    assert s == {"name": "a", "description": "", "exclude": [], "denominators": {}, "use_errata": None,
                 "substitute_endpoint": {}}  # fmt: skip


def test_subgroup_q_between_by_hand_and_metafor(orr_suite):
    """Q_between = Σ wᵢ (θᵢ − θ̄)², wᵢ = 1/SEᵢ², θ̄ = Σ wᵢθᵢ / Σ wᵢ over the per-design logit-REML estimates."""
    sub = orr_suite.subgroups.filter(pl.col("by") == "design")
    assert sub["group"].to_list() == ["prospective", "retrospective"]
    pro = pool_proportions([9, 16], [41, 37])
    retro = pool_proportions([21, 13], [33, 46])
    theta = np.array([pro.estimate, retro.estimate])
    w = 1 / np.array([pro.se, retro.se]) ** 2
    q = float(np.sum(w * (theta - np.sum(w * theta) / np.sum(w)) ** 2))
    assert sub["q_between"][0] == pytest.approx(q, rel=1e-12)
    assert sub["q_between"][0] == pytest.approx(REF["orr_design"]["q_between"], rel=1e-4)
    assert sub["p"][0] == pytest.approx(REF["orr_design"]["p"], rel=1e-4)
    assert sub["df"].to_list() == [1, 1]
    assert sub["proportion"][0] == pytest.approx(pro.proportion[0])
    # ORR has a single "endpoint": no endpoint subgroups
    assert orr_suite.subgroups.filter(pl.col("by") == "endpoint").is_empty()


def test_landmark_suite_pools_counts_only(cs):
    """A landmark suite pools binomial counts only: of the four shipped cohorts' 6-month rates only APFAO's 13/43 is
    a count, so k = 1, and every other rate is named in the notes with its reason."""
    suite = sensitivity_suite(cs, "tte_6m")
    assert suite.primary.k == 1 and suite.primary.proportion[0] == pytest.approx(13 / 43)
    assert sum("estimator-unspecified" in n for n in suite.notes) == 4
    assert suite.subgroups.is_empty()


# --------------------------------------------------------------------------------------------------
# pairwise
# --------------------------------------------------------------------------------------------------


def test_risk_ratio_equals_metafor_escalc():
    for case in REF["risk_ratios"]:
        rr, lo, hi = risk_ratio(case["x1"], case["n1"], case["x2"], case["n2"])
        assert (rr, lo, hi) == pytest.approx((case["rr"], case["low"], case["high"]), rel=1e-10)


def test_pairwise_reproduces_stats_values(orr_suite):
    """Risk ratio 21/33 vs 9/41 against metafor's escalc; tests, fragility and E-values only between cohorts that
    cannot share patients: apatinib + IE shares its centre (overlapping accrual) with apatinib + camrelizumab, so
    that row has none (issue 19, item 4); apatinib (16/37) against 9/41 has them, Fisher p as scipy's."""
    from scipy.stats import fisher_exact as scipy_fisher

    pw = orr_suite.pairwise("apatinib-camrelizumab")
    assert pw["cohort"].to_list() == ["apatinib-ie", "apatinib", "ie"]
    assert set(pw["evidence"].to_list()) == {"unanchored"} and pw["exploratory"].all()
    row = pw.row(0, named=True)  # 21/33 vs 9/41
    ref = REF["risk_ratios"][0]
    assert (row["risk_ratio"], row["rr_low"], row["rr_high"]) == pytest.approx((ref["rr"], ref["low"], ref["high"]))
    assert (row["risk_difference"], row["rd_low"], row["rd_high"]) == pytest.approx(risk_difference(21, 33, 9, 41))
    assert row["overlap"] == "shares-centre"
    assert row["fisher_p"] is row["fragility_index"] is row["e_value"] is None
    other = pw.row(1, named=True)  # 16/37 vs 9/41
    rr, lo, hi = risk_ratio(16, 37, 9, 41)
    assert other["overlap"] is None
    assert (other["e_value"], other["e_value_ci"]) == pytest.approx(e_value(rr, lo, hi))
    assert other["fragility_index"] == fragility_index(16, 37, 9, 41)
    assert other["reverse_fragility_index"] == reverse_fragility_index(16, 37, 9, 41)
    assert other["fisher_p"] == pytest.approx(scipy_fisher([[16, 21], [9, 32]])[1], rel=1e-9)
    assert other["fisher_p"] == pytest.approx(fisher_exact(16, 37, 9, 41))


def test_pairwise_default_reference_and_errors(cs, orr_suite, dcr_suite):
    assert orr_suite.pairwise()["reference"].unique().to_list() == ["apatinib-camrelizumab"]
    assert not dcr_suite.pairwise("ie")["approximate"].any()
    suite = sensitivity_suite(cs, "orr", reference="ie")
    assert suite.pairwise()["reference"].unique().to_list() == ["ie"]
    with pytest.raises(ValueError, match="no usable count"):
        sensitivity_suite(cs, "orr", exclude=["ie"]).pairwise("ie")


def test_pairwise_with_a_zero_cell(cs):
    """DCR 33/33 (apatinib-ie) vs 35/41: escalc adds 0.5 to every cell (metafor fixture case 2)."""
    pw = sensitivity_suite(cs, "dcr").pairwise("apatinib-camrelizumab")
    row = pw.filter(pl.col("cohort") == "apatinib-ie").row(0, named=True)
    ref = REF["risk_ratios"][1]
    assert row["risk_ratio"] == pytest.approx(ref["rr"], rel=1e-10)
    assert row["rr_low"] == pytest.approx(ref["low"], rel=1e-10)


# --------------------------------------------------------------------------------------------------
# small k, output
# --------------------------------------------------------------------------------------------------


def test_k_equal_one_reports_clearly(cs):
    suite = sensitivity_suite(cs, "orr", exclude=["apatinib-ie", "apatinib", "ie"])
    assert suite.primary.k == 1
    assert suite.primary.proportion[0] == pytest.approx(9 / 41)
    assert suite.leave_one_out.is_empty() and suite.subgroups.is_empty()
    assert suite.pairwise().is_empty()
    glmm = suite.grid.filter(pl.col("method") == "GLMM", pl.col("test") == "z").row(0, named=True)
    assert "at least 2 studies" in glmm["error"]
    assert suite.grid.filter(pl.col("method") != "GLMM")["error"].null_count() == suite.grid.height - 2
    assert any("k = 1" in n for n in suite.notes)
    text = suite_text(suite, full=True)
    assert "Leave-one-out:" in text and "(none)" in text
    json.dumps(suite.to_dict(), allow_nan=False)
    assert suite_forest_svg(suite).lstrip().startswith("<?xml")
    with pytest.raises(MetaError, match="cannot be fitted"):
        sensitivity_suite(cs, "orr", exclude=["apatinib-ie", "apatinib", "ie"], primary_method="GLMM")


def test_k_equal_two(cs):
    suite = sensitivity_suite(cs, "orr", exclude=["apatinib", "ie"])
    assert suite.primary.k == 2
    assert suite.leave_one_out.height == 2
    assert suite.leave_one_out["proportion"].to_list() == pytest.approx([21 / 33, 9 / 41], abs=1e-10)
    sub = suite.subgroups.filter(pl.col("by") == "design")
    assert sub["k"].to_list() == [1, 1] and sub["error"].null_count() == 2
    assert suite.pairwise().height == 1
    json.dumps(suite.to_dict(), allow_nan=False)
    assert "Subgroups:" in suite_text(suite, full=True)


@pytest.mark.parametrize("outcome", ["orr", "dcr", "csr"])
def test_shipped_cohorts_produce_tables(cs, outcome):
    suite = sensitivity_suite(cs, outcome)
    assert suite.primary.k == 4
    text = suite_text(suite, full=True)
    for title in ("Transform × method grid:", "Leave-one-out:", "Subgroups:", "Pairwise"):
        assert title in text
    failed = suite.grid.filter(pl.col("error").is_not_null())
    assert failed["method"].to_list() == ["GLMM"] and failed["test"].to_list() == ["knha"]
    d = json.loads(json.dumps(suite.to_dict(), allow_nan=False))
    assert d["primary"]["k"] == 4 and len(d["grid"]) == suite.grid.height
    svg = suite_forest_svg(suite)
    assert "prediction interval" in svg and "Apatinib + IE" in svg and "Weight" in svg
    plain = suite_forest_svg(suite, pooled=False)  # different regimens side by side: no diamond, no weights
    assert "prediction interval" not in plain and "Weight" not in plain and "Apatinib + IE" in plain


def test_forest_labels_each_rate_by_its_estimator_and_never_makes_a_count(cs):
    """T16/N1-N3: the 6-month figure shows APFAO's 13/43 (binomial, exact CI) beside its 50.9% (estimator not
    stated, printed without an interval: a point, "[not printed]"); no "≈" count anywhere."""
    suite = sensitivity_suite(cs, "tte_6m")
    texts = " ".join(" ".join(ET.fromstring(suite_forest_svg(suite, pooled=False).encode()).itertext()).split())
    assert "≈" not in texts and "(13/43, binomial)" in texts and "(estimator not stated)" in texts
    assert "0.30 [0.17, 0.46]" in texts and "0.51 [not printed]" in texts and "0.79 [not printed]" in texts


def test_summary_names_the_analysis(orr_suite):
    text = suite_text(orr_suite)
    assert text.startswith("Outcome: Objective response rate (orr); primary analysis: logit, REML, test z")
    assert "Proportion" in text and "apatinib-ie" in text
    assert "Transform × method grid" not in text


def test_one_scenario_model():
    """The suite validates scenarios with the spec's pydantic model: the keys are the same, once."""
    from trialcompare.meta.suite import SCENARIO_KEYS
    from trialcompare.spec import Scenario

    assert tuple(Scenario.model_fields) == SCENARIO_KEYS


def test_leave_one_out_of_the_suite_carries_converged(orr_suite):
    loo = orr_suite.leave_one_out
    assert "converged" in loo.columns and loo["converged"].all()


def test_forest_without_a_pool_shows_each_cohort_as_observed(cs):
    """No pooled estimate: DCR 33/33 is drawn at 1.00 with its Clopper-Pearson interval, as the tables print it.

    By hand: the exact lower bound at x = n = 33 is (α/2)^(1/n) = 0.025^(1/33) = exp(−3.68888/33) = 0.89424, the
    upper bound 1. (The pooling scale's continuity-corrected logit gives 33.5/34 = 0.985 → "0.99 [0.80, 1.00]",
    which the figure printed before.) 41/46 = 0.8913; its exact interval, R ``binom.test(41, 46)``:
    0.7643 to 0.9638.
    """
    suite = sensitivity_suite(cs, "dcr")
    obs = suite.observed().filter(pl.col("cohort").is_in(["apatinib-ie", "ie"])).sort("cohort")
    assert obs["estimate"].to_list() == pytest.approx([1.0, 41 / 46])
    assert obs["ci_low"].to_list() == pytest.approx([0.025 ** (1 / 33), 0.76428], abs=5e-5)
    assert obs["ci_high"].to_list() == pytest.approx([1.0, 0.96377], abs=5e-5)
    texts = "".join(ET.fromstring(suite_forest_svg(suite, pooled=False).encode()).itertext())
    assert "1.00 [0.89, 1.00]" in texts and "0.89 [0.76, 0.96]" in texts
    assert "0.99 [0.80, 1.00]" not in texts and "Weight" not in texts
    pooled = "".join(ET.fromstring(suite_forest_svg(suite).encode()).itertext())
    assert "0.99 [0.80, 1.00]" in pooled  # the pooled plot shows the studies on the pooling scale, with weights


def test_an_inferred_count_is_flagged_in_the_data_and_the_forest_label():
    """ITCC-050's ORR is printed as "6.7% (95% CI 0.8-22.1)" without a count; 2/30 is the only count that reproduces
    both (the hand derivation is in tests/test_comparison.py). The pooling data say so, and the figure's label too."""
    cohorts = tc.load(*(TRIALS / f for f in ("apatinib-ie.yaml", "apatinib.yaml", "library/itcc050-lenvatinib.yaml")))
    suite = sensitivity_suite(cohorts, "orr")
    row = suite.data.filter(pl.col("cohort") == "itcc050-lenvatinib").row(0, named=True)
    assert (row["events"], row["total"], row["inferred"], row["approximate"]) == (2, 30, True, False)
    assert not suite.data.filter(pl.col("cohort") != "itcc050-lenvatinib")["inferred"].any()
    texts = "".join(ET.fromstring(suite_forest_svg(suite, pooled=False).encode()).itertext())
    assert "(2/30," in texts and "inferred)" in texts and "(21/33, binomial)" in texts  # long labels wrap


def test_a_landmark_figure_needs_no_pooled_fit():
    """tki-library's 4-month rates: no cohort prints a count, so no suite can be fitted, but the figure of the rates
    as printed is drawn from observed_rates: ITCC-050 lenvatinib + IE's binomial 51% (34-69) beside its Kaplan-Meier
    80% (60-90), each labelled."""
    from trialcompare.meta.suite import observed_rates
    from trialcompare.render.meta import observed_forest_svg

    cohorts = tc.load(TRIALS / "apatinib-ie.yaml", TRIALS / "library" / "itcc050-lenvatinib-ie.yaml")
    with pytest.raises(ValueError, match="no cohort has a usable count"):
        sensitivity_suite(cohorts, "tte_4m")
    obs = observed_rates(outcome_data(cohorts, "tte_4m"))
    assert obs.select("cohort", "estimator", "estimate").rows() == [
        ("apatinib-ie", "kaplan-meier", 0.909), ("itcc050-lenvatinib-ie", "binomial", 0.51),
        ("itcc050-lenvatinib-ie", "kaplan-meier", 0.8)]
    assert obs["ci_source"].to_list() == ["published"] * 3
    texts = " ".join(" ".join(ET.fromstring(observed_forest_svg(obs, "4 months").encode()).itertext()).split())
    assert "0.51 [0.34, 0.69]" in texts and "0.80 [0.60, 0.90]" in texts and "(Kaplan-Meier)" in texts


def test_pooled_cohorts_that_may_share_patients_are_named() -> None:
    """Second newcomer, friction 4: `meta --outcome orr` pooled apatinib + IE with IE (shared registration
    NCT04690231) and apatinib + camrelizumab (shared centre, overlapping accrual) without a word, although the
    report's benchmark leaves exactly these pairs out. The notes now name each pair, and only those."""
    from pathlib import Path

    import trialcompare as tc
    from trialcompare.meta.suite import sensitivity_suite

    root = Path(__file__).resolve().parents[2]
    suite = sensitivity_suite(tc.load(root / "trials"), "orr")
    shared = [n for n in suite.notes if "may share patients" in n]
    assert [n.split(" may share")[0] for n in shared] == ["apatinib-camrelizumab and apatinib-ie",
                                                          "apatinib-ie and ie"]
    assert "(shared registration)" in shared[1] and "(shared centre, overlapping accrual)" in shared[0]
