"""Cross-study contrasts are descriptive (issue 19, item 4; reader review T10, T11, H8, H10, K10).

Hand derivations on the Table IV cohorts (reports/table-iv.yaml reads apatinib + camrelizumab against 43):
best response CR/PR/SD/PD — apatinib + IE 0/21/12/0 of 33, apatinib 0/16/8/13 of 37, apatinib + camrelizumab
0/9/26/8 of 43, IE 0/13/28/5 of 46. CR = 0 everywhere, so PR = ORR (a repeated row); PD = N − DCR in every cohort
(no NE), so PD mirrors DCR; CR is 0 vs 0 in every pair (not estimable in every row). IE shares the registration
NCT04690231 with apatinib + IE; apatinib + camrelizumab shares its centre with overlapping accrual.
"""

from __future__ import annotations

import math
from pathlib import Path

import polars as pl
import pytest
from scipy import stats

import trialcompare as tc
from trialcompare.contrasts import BODY_OUTCOMES, DIFF_SCHEMA, contrast_facts
from trialcompare.render.phrasebook import Words, say
from trialcompare.render.tables import differences_table

REPO = Path(__file__).resolve().parents[1]
SEEDS = [REPO / "trials" / f"{c}.yaml" for c in ("apatinib-ie", "apatinib", "apatinib-camrelizumab", "ie")]
DEN = {"apatinib-camrelizumab": 43}


@pytest.fixture(scope="module")
def seed() -> tc.CohortSet:
    return tc.load(*SEEDS)


def test_body_shows_orr_and_dcr_risk_differences_only(seed: tc.CohortSet) -> None:
    d = tc.compare(seed, "apatinib-ie", denominators=DEN).differences
    assert d.schema == pl.Schema(DIFF_SCHEMA)
    assert set(d["outcome"]) == set(BODY_OUTCOMES) == {"ORR", "DCR"} and d.height == 6
    assert d["odds_ratio"].null_count() == d["fisher_p"].null_count() == d["or_method"].null_count() == 6
    assert not d["exploratory"].any() and set(d["estimator"]) == {"binomial"} and set(d["evidence"]) == {"unanchored"}
    overlap = dict(zip(d["cohort"], d["overlap"], strict=True))
    assert overlap == {"apatinib": None, "apatinib-camrelizumab": "shares-centre", "ie": "shares-registration"}
    orr = d.filter(pl.col("cohort") == "apatinib", pl.col("outcome") == "ORR").row(0, named=True)
    assert orr["risk_difference"] == pytest.approx(16 / 37 - 21 / 33)
    table = differences_table(tc.compare(seed, "apatinib-ie", denominators=DEN))
    assert not any("odds" in c or "Fisher" in c for c in table.columns)
    assert table["may share patients"].to_list().count("shared registration") == 2


def test_exploratory_tests_only_cohorts_that_cannot_share_patients_and_drop_repeats(seed: tc.CohortSet) -> None:
    """Odds ratio (Woolf) and Fisher p for apatinib only; none for IE or apatinib + camrelizumab. No PR (= ORR), no
    PD (mirrors DCR), no SD, no CR (0 vs 0 everywhere: every row not estimable). Of the 21 rows of the old table, the
    ORR, DCR and complete-surgical-remission rows remain (9).

    ORR 16/37 vs 21/33: OR = (16 × 12) / (21 × 21) = 0.43537; SE(log OR) = sqrt(1/16 + 1/21 + 1/21 + 1/12)
    = 0.49103; Fisher p from scipy.stats.fisher_exact."""
    d = tc.compare(seed, "apatinib-ie", denominators=DEN, exploratory=True).differences
    assert sorted(set(d["outcome"])) == ["DCR", "ORR", "surgical_remission:yes"] and d.height == 9
    tested = d.filter(pl.col("odds_ratio").is_not_null())
    assert set(tested["cohort"]) == {"apatinib"}
    assert d.filter(pl.col("overlap").is_not_null())["fisher_p"].null_count() == 6
    orr = d.filter(pl.col("cohort") == "apatinib", pl.col("outcome") == "ORR").row(0, named=True)
    se = math.sqrt(1 / 16 + 1 / 21 + 1 / 21 + 1 / 12)
    assert orr["odds_ratio"] == pytest.approx(16 * 12 / (21 * 21))
    assert (orr["or_low"], orr["or_high"]) == pytest.approx(
        (orr["odds_ratio"] * math.exp(-1.959964 * se), orr["odds_ratio"] * math.exp(1.959964 * se)), rel=1e-6)
    assert orr["fisher_p"] == pytest.approx(stats.fisher_exact([[16, 21], [21, 12]])[1], rel=1e-9)
    assert orr["exploratory"] and d.filter(pl.col("outcome") == "surgical_remission:yes")["exploratory"].all()
    table = differences_table(tc.compare(seed, "apatinib-ie", denominators=DEN, exploratory=True))
    assert "Fisher p, exploratory" in table.columns


def test_randomised_arms_keep_every_count_contrast_without_tests() -> None:
    """REGOBONE, regorafenib against placebo: 17/26 vs 0/12 without progression at 8 weeks is randomised evidence
    (kept, not exploratory); no Fisher p even when exploratory (the published effect is primary)."""
    cs = tc.load(REPO / "trials" / "library" / "regobone-regorafenib.yaml",
                 REPO / "trials" / "library" / "regobone-placebo.yaml")
    for exploratory in (False, True):
        d = tc.compare(cs, "regobone-regorafenib", exploratory=exploratory).differences
        rate = d.filter(pl.col("outcome") == "PFS:rate").row(0, named=True)
        assert (rate["n"], rate["denominator"], rate["ref_n"], rate["ref_denominator"]) == (0, 12, 17, 26)
        assert rate["evidence"] == "randomised" and not rate["exploratory"] and rate["fisher_p"] is None


def test_contrast_facts_are_worded_by_the_phrasebook(seed: tc.CohortSet) -> None:
    d = tc.compare(seed, "apatinib-ie", denominators=DEN).differences
    facts = contrast_facts(d, 0.95, exploratory=False)
    assert [f.code for f in facts] == ["contrasts-descriptive", "contrast-withheld", "contrast-withheld"]
    words = Words({"ie": "IE", "apatinib-ie": "Apatinib + IE", "apatinib-camrelizumab": "Apatinib + camrelizumab"})
    text = " ".join(say(f, words) for f in facts)
    assert "risk differences with 95% intervals for ORR and DCR; no tests." in text
    assert "IE and Apatinib + IE may share patients (they share a trial registration)" in text
