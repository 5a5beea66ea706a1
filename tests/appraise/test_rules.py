"""The appraise rules on the shipped specs and on small variations: outcomes are not factors, imbalance beyond noise,
skewed medians, certainty per outcome, the verdict's facts and the limitations' themes."""

from __future__ import annotations

import math
from pathlib import Path

import polars as pl
import pytest

import trialcompare as tc
from trialcompare.appraise.certainty import optimal_information_size
from trialcompare.appraise.factors import NOISE_Z, bias_direction, smd_se
from trialcompare.appraise.limitations import MAX_LIMITATIONS, THEME_RANK
from trialcompare.render import phrasebook as pb

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def table_iv():
    return tc.analyse(REPO / "reports" / "table-iv.yaml", with_meta=False)


@pytest.fixture(scope="module")
def chemo():
    return tc.analyse(REPO / "reports" / "chemotherapy.yaml", with_meta=False)


def test_outcomes_are_never_factors(table_iv, chemo):
    for a in (table_iv, chemo):
        names = set(a.factors["factor"].to_list())
        assert not names & {"resection", "surgical_remission", "csr"}
        assert "resectable_at_entry" in names
        assert "surgical_remission" not in " ".join(str(p) for f in a.verdict.cannot + a.verdict.supports
                                                    for _, p in f.params)


def test_smd_se_by_hand():
    """SE = sqrt((n1 + n2)/(n1 n2) + d²/(2(n1 + n2))): d = 0.5, n = 33 and 46 → sqrt(79/1518 + 0.25/158)
    = sqrt(0.0520421 + 0.0015823) = 0.231570."""
    assert smd_se(0.5, 33, 46) == pytest.approx(0.231570, abs=1e-6)


def test_imbalance_needs_threshold_and_noise(table_iv):
    """Subtype vs IE: SMD +0.25 from one telangiectatic patient; SE with 46 and 33 patients ≈ 0.229, so 0.25 is far
    inside 1.96 SE (0.449): within noise, not an imbalance. ECOG ≥ 1 vs IE: −0.94, beyond both → reference worse."""
    f = table_iv.factors
    sub = f.filter(pl.col("factor") == "subtype", pl.col("cohort") == "ie").row(0, named=True)
    assert sub["smd"] == pytest.approx(0.25) and sub["direction"] == "within-noise"
    assert abs(sub["smd"]) < NOISE_Z * sub["se"]
    ecog = f.filter(pl.col("factor") == "ecog", pl.col("cohort") == "ie").row(0, named=True)
    assert ecog["direction"] == "reference-worse" and ecog["bias"] == "against-reference"


def test_skewed_median_is_not_converted(chemo):
    """Gemcitabine + docetaxel age 17 (8-71): (71 − 17)/(17 − 8) = 6 > 2, skewed; no SMD, medians side by side."""
    row = chemo.factors.filter(pl.col("factor") == "age", pl.col("cohort") == "palmerini2016-gem-docetaxel")
    r = row.row(0, named=True)
    assert r["direction"] == "skewed-median" and r["smd"] is None and r["detail"] == "17 (8-71)"


def test_bias_direction_is_unknown_when_something_is_unmeasured():
    f = pl.DataFrame({"factor": ["ecog", "prior_lines"], "bias": ["against-reference"] * 2, "reported": [True] * 2})
    assert bias_direction(f)["net"] == "against-reference"
    assert bias_direction(f, ("selection-of-series",))["net"] == "unknown"
    mixed = pl.DataFrame({"factor": ["ecog", "resectable_at_entry"], "bias": ["against-reference", "favours-reference"],
                          "reported": [True, True]})
    assert bias_direction(mixed)["net"] == "unknown"


def test_ois_by_hand():
    """p0 = 0.5, p1 = 0.625: 2 (1.959964 + 0.841621)² (0.25 + 0.234375) / 0.125² = 486.6."""
    assert optimal_information_size(0.5) == pytest.approx(2 * (1.959964 + 0.841621) ** 2 * 0.484375 / 0.015625)
    assert math.isinf(optimal_information_size(0.0))


def test_certainty_is_per_outcome_with_confounding_only_in_risk_of_bias(table_iv):
    rated = {c.outcome: c for c in table_iv.certainty}
    assert list(rated) == ["ORR", "DCR", "EFS/PFS", "OS", "Harms"]
    # harms: the reference's chart review against the trials' prospective grading (risk of bias: measurement)
    assert [r.code for r in rated.pop("Harms").domains[0].reasons] == ["harms-ascertainment"]
    for c in rated.values():
        domains = [d.domain for d in c.domains]
        assert domains == ["risk-of-bias", "inconsistency", "indirectness", "imprecision", "publication-bias"]
        codes = [r.code for d in c.domains for r in d.reasons]
        assert codes.count("rob-confounding") == 1
        assert "small-cohorts" not in codes
    # response assessment counts for responses only; endpoints differ for EFS/PFS, not OS
    assert "rob-assessment" in [r.code for r in rated["ORR"].domains[0].reasons]
    assert "rob-assessment" not in [r.code for r in rated["OS"].domains[0].reasons]
    assert "indirect-endpoints" in [r.code for r in rated["EFS/PFS"].domains[2].reasons]
    assert "indirect-endpoints" not in [r.code for r in rated["OS"].domains[2].reasons]
    assert rated["OS"].domains[3].rating == "not-assessable"


def test_imprecision_against_a_stated_threshold(table_iv):
    """ORR differences (cohort − reference, Newcombe): apatinib −20.4 (−40.7, +2.9), apatinib + camrelizumab −42.7
    (−59.8, −20.5), IE −35.4 (−53.3, −13.2). Threshold 10 points: only apatinib's interval contains −0.10;
    30 points: every interval contains −0.30; 70 points: none contains ±0.70."""
    from trialcompare.appraise.certainty import certainty

    a = table_iv

    def rate(t):
        return certainty(a.comparison, a.cohorts, a.findings, a.verdict.bias, ("ORR",), {"ORR": t})[0].domains[3]

    ten = rate(0.10)
    assert ten.rating == "serious" and ten.reasons[0]["cohorts"] == ("apatinib",) and ten.reasons[0]["all"] is False
    thirty = rate(0.30)
    assert thirty.reasons[0]["all"] is True and len(thirty.reasons[0]["cohorts"]) == 3
    assert rate(0.70).rating == "not-serious"


def test_verdict_facts_on_table_iv(table_iv):
    v = table_iv.verdict
    closest = next(f for f in v.context if f.code == "closest-comparator")
    assert closest["cohort"] == "ie" and closest["compares"] == "better"
    assert closest["medians"] == (("EFS", 11.4, 11.7), ("OS", 19.8, 30.4))
    sel = next(f for f in v.context if f.code == "selection-signal")
    assert (sel["progressions"], sel["n"]) == (0, 33)
    words = pb.Words(table_iv.labels)
    text = " ".join(pb.say(f, words) for f in (*v.supports, *v.cannot, *v.context))
    assert "complete surgical remission" not in text.lower()
    assert "net direction of bias is unknown" in text


def test_maic_report_does_not_say_no_ipd():
    a = tc.analyse(REPO / "reports" / "maic-example.yaml", with_meta=False)
    f = next(f for f in (*a.verdict.supports, *a.verdict.cannot) if f.code == "population-adjustment")
    assert f["available"] is True
    assert "none is available" not in pb.say(f, pb.Words(a.labels))


def test_limitations_merged_by_theme(table_iv):
    lims = table_iv.limitations
    assert 0 < len(lims) <= MAX_LIMITATIONS
    assert [lim.rank for lim in lims] == sorted(lim.rank for lim in lims)
    assert len({lim.theme for lim in lims}) == len(lims)
    assert {lim.theme for lim in lims} <= set(THEME_RANK) <= set(pb.THEME_WORDS)
    assert sum(len(lim.caveats) for lim in lims) == len(table_iv.caveats)


def test_a_report_dated_before_what_it_cites_says_so():
    """N7: table-iv was dated 2026-11-25 while its descriptors cite a verification of 2026-12-01."""
    from trialcompare.spec import load_spec

    spec = load_spec(REPO / "reports" / "table-iv.yaml")
    a = tc.analyse(spec.model_copy(update={"date": "2026-11-25"}), with_meta=False)
    facts = [f for lim in a.limitations for f in lim.facts if f.code == "report-date-before-cited"]
    assert len(facts) == 1 and facts[0]["cited"] >= "2026-12-01" and facts[0]["report"] == "2026-11-25"
    assert not [f for lim in tc.analyse(spec, with_meta=False).limitations for f in lim.facts
                if f.code == "report-date-before-cited"]


def test_the_regimen_analogue_is_named_when_it_is_not_the_closest_comparator():
    """K15: in tki-library, lenvatinib + IE shares ifosfamide, etoposide and the drug class (a VEGFR TKI) with
    apatinib + IE — three against at most two for any other comparator — while the closest comparator by centre and
    accrual is apatinib + camrelizumab: page 1 names both. In table-iv, IE, apatinib and apatinib + camrelizumab each
    share two: no unique analogue, nothing said."""
    tki = tc.analyse(REPO / "reports" / "tki-library.yaml", with_meta=False)
    (f,) = [f for f in tki.verdict.context if f.code == "regimen-analogue"]
    assert f["cohort"] == "itcc050-lenvatinib-ie" and f["agents"] == ("etoposide", "ifosfamide")
    assert f["classes"] == ("vegfr-tki",) and f["medians"][0] == ("EFS/PFS", 11.4, 8.7)
    table_iv = tc.analyse(REPO / "reports" / "table-iv.yaml", with_meta=False)
    assert not [f for f in table_iv.verdict.context if f.code == "regimen-analogue"]
