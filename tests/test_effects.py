"""Published between-arm effects and anchored indirect comparisons (Bucher 1997), checked by hand."""

from __future__ import annotations

import math
from pathlib import Path

import polars as pl
import pytest

import trialcompare as tc
from trialcompare.effects import anchored_comparisons, bucher, contrast_from_ci, published_effects

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def test_se_from_a_ratio_ci() -> None:
    """HR 0.42 (95% CI 0.21-0.85): log HR = ln 0.42 = −0.86750; SE = (ln 0.85 − ln 0.21)/(2·1.95996) = 0.35671."""
    d, se = contrast_from_ci(0.42, 0.21, 0.85, "HR")
    assert d == pytest.approx(math.log(0.42), abs=1e-12)
    assert se == pytest.approx((math.log(0.85) - math.log(0.21)) / (2 * 1.959963984540054), abs=1e-12)
    assert contrast_from_ci(0.68, 0.46, 0.83, "RD") == pytest.approx((0.68, (0.83 - 0.46) / 3.919927969080108))


def test_bucher_by_hand() -> None:
    """X vs placebo HR 0.42 (0.21-0.85), Y vs placebo HR 0.60 (0.40-0.90). By hand:
    d_XP = −0.867501, SE 0.356707; d_YP = ln 0.60 = −0.510826, SE (ln 0.9 − ln 0.4)/3.919928 = 0.206874;
    d_XY = −0.356675, SE = sqrt(0.356707² + 0.206874²) = 0.412353;
    HR_XY = exp(−0.356675) = 0.7000, 95% CI exp(−0.356675 ∓ 1.959964·0.412353) = 0.3120 to 1.5706."""
    hr, lo, hi = bucher(contrast_from_ci(0.42, 0.21, 0.85, "HR"), contrast_from_ci(0.60, 0.40, 0.90, "HR"), "HR")
    assert hr == pytest.approx(0.7, rel=1e-9)
    se = math.hypot((math.log(0.85) - math.log(0.21)) / 3.919927969080108,
                    (math.log(0.9) - math.log(0.4)) / 3.919927969080108)
    assert (lo, hi) == pytest.approx((0.7 * math.exp(-1.959963984540054 * se), 0.7 * math.exp(1.959963984540054 * se)))
    assert (round(lo, 4), round(hi, 4)) == (0.3120, 1.5706)


def test_network_of_two_placebo_controlled_trials() -> None:
    cs = tc.load(FIXTURES / "randomised", FIXTURES / "anchored")
    effects = published_effects(cs.to_frame(), cs)
    hr = effects.filter(pl.col("measure") == "HR")
    # TRIAL-X prints its HR in both arms (2.4 = 1/0.42 from the placebo side): kept once
    assert sorted(hr["cohort"].to_list()) == ["trial-x-drug", "trial-y-drug"]
    assert set(hr["evidence"]) == {"randomised"}
    anchored = anchored_comparisons(effects, cs)
    xy = anchored.filter(pl.col("treatment") == "drug-x", pl.col("versus") == "drug-y", pl.col("what") == "PFS")
    assert xy.height == 1
    r = xy.row(0, named=True)
    assert (r["common"], r["evidence"]) == ("placebo", "anchored")
    assert r["estimate"] == pytest.approx(0.7, rel=1e-9)
    assert (round(r["lower"], 4), round(r["upper"], 4)) == (0.3120, 1.5706)


def test_no_anchor_without_a_common_comparator() -> None:
    cs = tc.load(FIXTURES / "randomised")
    assert anchored_comparisons(published_effects(cs.to_frame(), cs), cs).is_empty()


def test_randomised_arms_are_randomised_in_the_comparison() -> None:
    """Two arms of one randomised study: the differences carry evidence "randomised", never "unanchored"."""
    cs = tc.load(FIXTURES / "randomised")
    cmp = tc.compare(cs, reference="trial-x-placebo")
    assert cmp.differences.height and set(cmp.differences["evidence"]) == {"randomised"}


def test_new_user_two_arm_trial_end_to_end(tmp_path: Path) -> None:
    """The two-arm trial of the README (tests/fixtures/randomised): no 'unanchored' claim about it anywhere, the
    control arm is not pooled as a single-arm cohort, the 8-week rate keeps its unit and the effect is on page 1."""
    from trialcompare.cli import main
    from trialcompare.meta.suite import outcome_data
    from trialcompare.render.report import render_html

    cs = tc.load(FIXTURES / "randomised")
    a = tc.analyse([FIXTURES / "randomised"], with_meta=False)
    assert a.verdict.evidence == ("randomised",) and a.verdict.start == "high"
    assert "NON-RANDOMISED" not in {c.code for c in a.caveats}
    html = render_html(a)
    assert "unanchored" not in html.split("Annex A")[0].lower()
    assert "HR 0.42 (95% CI 0.21-0.85), <span class=\"nowrap\">P = .017</span>" in html  # never wraps (friction 21)
    data = outcome_data(cs, "pfs_8w")
    placebo = data.filter(pl.col("cohort") == "trial-x-placebo").row(0, named=True)
    assert placebo["events"] is None and "control arm" in placebo["note"]
    out = tmp_path / "d.csv"
    assert main(["table", str(FIXTURES / "randomised"), "--reference", "trial-x-placebo", "--what", "differences",
                 "-o", str(out)]) == 0
    text = out.read_text()
    assert "PFS rate at 8 weeks (1.8 months)" in text and "randomised" in text and "unanchored" not in text


def test_network_of_the_randomised_effects() -> None:
    cs = tc.load(FIXTURES / "randomised", FIXTURES / "anchored")
    from trialcompare.effects import treatment_network

    net = treatment_network(published_effects(cs.to_frame(), cs), cs)
    assert net == {"nodes": ["drug-x", "drug-y", "placebo"],
                   "edges": [("drug-x", "placebo", "TRIAL-X"), ("drug-y", "placebo", "TRIAL-Y")]}


def test_arms_of_one_study_are_adjacent_and_marked() -> None:
    """Load order x-drug, x-placebo, y-drug, y-placebo with y-placebo as reference: its other arm comes next."""
    cs = tc.load(FIXTURES / "randomised", FIXTURES / "anchored")
    cmp = tc.compare(cs, reference="trial-y-placebo")
    assert list(cmp.cohorts[:2]) == ["trial-y-placebo", "trial-y-drug"]
    assert all("arm of TRIAL-" in c and "(randomised)" in c for c in cmp.table().columns[2:])


def test_study_level_facts_are_shown_once_per_study_and_never_give_an_smd() -> None:
    """TRIAL-X prints the median age of all 42 patients (both arms together): one row for the study, labelled so,
    and no between-arm SMD (the old layout copied it into each arm: a fake SMD 0.00)."""
    cmp = tc.compare(tc.load(FIXTURES / "randomised"), reference="trial-x-drug")
    assert cmp.smd.filter(pl.col("variable") == "age").is_empty()
    rows = cmp.table().filter(pl.col("row").str.contains("both arms together"))
    age = rows.filter(pl.col("row").str.starts_with("Age")).row(0)
    assert age[1] == "Age, years — TRIAL-X, both arms together"
    assert all(cell == "37 (18-76) [median; whole study]" for cell in age[2:])
