"""Friction 16: numbers read in secondary reports or reviews (``role: secondary`` / ``review``) are a limitation
(``secondary-source-numbers``, theme ``sources``), shown on page 1's list of limitations and in the limitations
section; the risk-of-bias table and GRADE ratings do not change (appraise/provenance.py says why)."""

from __future__ import annotations

from pathlib import Path

import trialcompare as tc
from trialcompare.appraise.limitations import FACT_THEMES, THEME_RANK
from trialcompare.appraise.provenance import secondary_source_facts
from trialcompare.render import phrasebook as pb

REPO = Path(__file__).resolve().parents[2]
NEWCOMER = REPO / "tests" / "fixtures" / "newcomer"
LIBRARY = REPO / "trials" / "library"


def _words(cohorts: tc.CohortSet) -> pb.Words:
    return pb.Words({c.id: c.descriptor.label for c in cohorts})


def test_the_newcomer_sarc024_descriptors_trigger_it():
    """SARC024's arms: the N, ORR, 8/16-week PFS rates, OS median and HR, follow-up and some AEs are from The ASCO
    Post; the PFS median and HR, age and grade 3-4 AEs from the abstract. Liao 2020 read only its abstract."""
    cohorts = tc.load(NEWCOMER)
    (f,) = secondary_source_facts(cohorts)
    assert f.code == "secondary-source-numbers" and FACT_THEMES[f.code] == "sources" and "sources" in THEME_RANK
    assert f.rows("cohorts") == (("sarc024-placebo", 8, 9), ("sarc024-regorafenib", 9, 13))
    assert set(f.evidence) == {f"{c}/sources.ascopost{i}" for c in ("sarc024-placebo", "sarc024-regorafenib")
                               for i in (1, 2)}
    assert pb.say(f, _words(cohorts)) == (
        "Some numbers were read in secondary reports or reviews (a news report, a presentation, another paper's "
        "table), not in the publication itself: Placebo (SARC024), 8 of its 9 numbers; Regorafenib (SARC024), 9 of "
        "its 13 numbers. They are used like the publication's numbers; a secondary report may round, shorten or "
        "mistranscribe them, so check them against the publication.")


def test_it_reaches_the_limitations_and_page_one():
    a = tc.analyse(NEWCOMER, with_meta=False)
    (lim,) = [lim for lim in a.limitations if lim.theme == "sources"]
    assert [f.code for f in lim.facts] == ["secondary-source-numbers"]
    from trialcompare.render.verdict import verdict_context

    assert pb.THEME_WORDS["sources"] in verdict_context(a)["limitations"]


def test_the_risk_of_bias_table_is_unchanged_by_it():
    """ROBINS-I's reported-result domain judges the study's selection of results, not where a reviewer read them."""
    a = tc.analyse(NEWCOMER, with_meta=False)
    rob = a.risk_of_bias.filter(domain="reported-result")
    assert "secondary" not in " ".join(str(r) for r in rob["reason"].to_list())


def test_shipped_library_cohorts_wording():
    cohorts = tc.load(LIBRARY / "regobone-regorafenib.yaml", LIBRARY / "regobone-placebo.yaml",
                      LIBRARY / "itcc050-lenvatinib.yaml")
    (f,) = secondary_source_facts(cohorts)
    assert f.rows("cohorts") == (("regobone-regorafenib", 3, 9), ("regobone-placebo", 3, 8),
                                 ("itcc050-lenvatinib", 1, 8))
    assert ": Regorafenib (REGOBONE), 3 of its 9 numbers; Placebo (REGOBONE), 3 of its 8 numbers; Lenvatinib " \
           "(ITCC-050), 1 of its 8 numbers. They are used" in pb.say(f, _words(cohorts))


def test_the_table_iv_cohorts_read_in_their_publications_do_not_trigger_it():
    """The Table IV cohorts' numbers come from their papers (a comparator-table source is not secondary here)."""
    a = tc.analyse(with_meta=False)
    assert "sources" not in {lim.theme for lim in a.limitations}


def test_no_theme_is_pushed_off_the_list_by_it():
    from trialcompare.appraise.limitations import MAX_LIMITATIONS

    assert len(THEME_RANK) <= MAX_LIMITATIONS
