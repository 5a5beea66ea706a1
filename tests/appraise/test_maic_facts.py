"""What the MAIC example's report must say (reader items M1-M13), as facts and in the body."""

from __future__ import annotations

from pathlib import Path

import pytest

import trialcompare as tc
from trialcompare.render import phrasebook as pb

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def a():
    return tc.analyse(REPO / "reports" / "maic-example.yaml", with_meta=False)


def test_diagnostics_follow_the_maic_rule(a):
    """The v2 example: 33 simulated patients, 15 meet the trial's eligibility (16 younger than 16, one with disease at
    three sites, one with ECOG 2 removed), ESS 6.4 < 10: uninformative by the rule stated in the MAIC package."""
    d = next(f for f in a.maic_facts if f.code == "maic-diagnostics")
    assert (d["n_ipd"], d["n_eligible"]) == (33, 15)
    assert d["ess"] == pytest.approx(a.maic.diagnostics.ess, abs=0.05) and d["informative"] is False
    assert (d["min_ess"], d["min_share"]) == (10, 20)
    text = pb.say(d, pb.Words(a.labels))
    assert "uninformative" in text and "6.4" in text


def test_what_weighting_cannot_fix_is_said(a):
    codes = {f.code for f in a.maic_facts}
    assert {"maic-population", "maic-unmatched", "maic-endpoint-mismatch", "maic-assessment",
            "maic-overlap"} <= codes
    unmatched = next(f for f in a.maic_facts if f.code == "maic-unmatched")
    assert "refractory" in unmatched["unreported"]


def test_page_one_says_simulated_and_uninformative_never_no_ipd(a):
    f = next(f for f in (*a.verdict.supports, *a.verdict.cannot) if f.code == "population-adjustment")
    assert f["available"] and f["simulated"] and not f["informative"]
    text = pb.say(f, pb.Words(a.labels))
    assert "SIMULATED" in text and "uninformative" in text and "none is available" not in text


def test_maic_limitations_join_the_ranked_list(a):
    themes = [lim.theme for lim in a.limitations]
    assert "population-adjustment" in themes
    lim = next(lim for lim in a.limitations if lim.theme == "population-adjustment")
    assert {f.code for f in lim.facts} >= {"maic-diagnostics", "maic-unmatched"}


def test_the_body_labels_every_maic_table_and_figure_simulated(a):
    from trialcompare.render.report import render_html

    html = render_html(a)
    section = html[html.index('<section id="maic">'):]
    section = section[:section.index("</section>")]
    captions = section.count("<caption>") + section.count("<figcaption>")
    assert captions >= 4 and section.count("SIMULATED data.") == captions
    assert "none is available here" not in html
