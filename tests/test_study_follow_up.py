"""Friction 14: a median follow-up printed for a whole randomised study (``study.follow_up``) counts for every arm of
the study, marked as the whole study's (never as one arm's own)."""

from __future__ import annotations

import shutil
from pathlib import Path

import trialcompare as tc
from trialcompare.appraise.caveats import derive_caveats
from trialcompare.descriptor.models import follow_up_of
from trialcompare.render import phrasebook as pb

NEWCOMER = Path(__file__).parent / "fixtures" / "newcomer"

_ARM_FU = """  follow_up:
    - {value: "7.4", unit: months, at: "ASCO Post", source: ascopost1,
       label: "Median follow-up among surviving patients was 7.4 months", note: "both arms together"}
"""
_STUDY_FU = """  follow_up:
    - {value: "7.4", unit: months, at: "ASCO Post", source: ascopost1,
       label: "Median follow-up among surviving patients was 7.4 months"}
"""


def _sarc024(tmp_path: Path, liao: bool = False) -> Path:
    """The newcomer's SARC024 arms with the follow-up moved from the regorafenib arm's design to ``study:``."""
    text = (NEWCOMER / "sarc024-regorafenib.yaml").read_text(encoding="utf-8")
    assert _ARM_FU in text
    text = text.replace(_ARM_FU, "")
    marker = '    - {variable: age, kind: median_range, value: "37 years (range, 18 to 76 years)", at: "Abstract",\n' \
             '       label: "Median age"}\n'
    assert marker in text
    text = text.replace(marker, marker + _STUDY_FU)
    (tmp_path / "sarc024-regorafenib.yaml").write_text(text, encoding="utf-8")
    shutil.copy(NEWCOMER / "sarc024-placebo.yaml", tmp_path)
    if liao:
        shutil.copy(NEWCOMER / "liao2020-apatinib.yaml", tmp_path)
    return tmp_path


def test_study_follow_up_validates_and_reaches_the_frame_once(tmp_path):
    cohorts = tc.load(_sarc024(tmp_path))
    rows = cohorts.to_frame().filter(section="design", variable="follow_up").to_dicts()
    assert [(r["cohort"], r["scope"], r["study"], r["value"], r["n"]) for r in rows] == [
        ("sarc024-regorafenib", "study", "SARC024", 7.4, 42)]
    assert rows[0]["line"] > 1


def test_study_follow_up_counts_for_each_arm_as_the_whole_studys(tmp_path):
    cohorts = tc.load(_sarc024(tmp_path))
    loaded = [c.descriptor for c in cohorts]
    for c in cohorts:
        assert [(f.value, scope) for f, scope in follow_up_of(c.descriptor, loaded)] == [("7.4", "study")]
    # the arm without the study block, loaded alone, has no follow-up
    placebo = cohorts["sarc024-placebo"].descriptor
    assert follow_up_of(placebo) == []


def test_no_arm_of_the_study_is_missing_its_follow_up(tmp_path):
    cohorts = tc.load(_sarc024(tmp_path, liao=True))
    caveats = derive_caveats(cohorts, reference="liao2020-apatinib")
    missing = [c.fact for c in caveats if c.fact.code == "follow-up-missing"]
    assert [f.tokens("cohorts") for f in missing] == [("liao2020-apatinib",)]


def test_follow_up_differs_words_mark_the_study_level_value(tmp_path):
    _sarc024(tmp_path, liao=True)
    liao = tmp_path / "liao2020-apatinib.yaml"
    text = liao.read_text(encoding="utf-8")
    liao.write_text(text.replace('  at: "Abstract"\n\npopulation:',
                                 '  at: "Abstract"\n  follow_up:\n    - {value: "20", at: "Abstract"}\n\npopulation:'),
                    encoding="utf-8")
    cohorts = tc.load(tmp_path)
    differs = [c.fact for c in derive_caveats(cohorts, reference="liao2020-apatinib")
               if c.fact.code == "follow-up-differs"]
    assert len(differs) == 1 and differs[0].tokens("study_level") == ("sarc024-placebo", "sarc024-regorafenib")
    words = pb.say(differs[0], pb.Words({c.id: c.descriptor.label for c in cohorts}))
    assert "Placebo (SARC024) 7.4 months" in words
    assert ("For Placebo (SARC024) and Regorafenib (SARC024) it is the follow-up printed for the whole randomised "
            "study (all arms together), not the arm's own.") in words
    assert "Apatinib (Liao 2020) 20.0 months," in words
    assert "sarc024-regorafenib/study.follow_up" in differs[0].evidence


def test_glance_and_factor_tables_show_the_study_level_follow_up(tmp_path):
    a = tc.analyse(_sarc024(tmp_path, liao=True), with_meta=False)
    fu = a.factors.filter(factor="follow_up")
    assert sorted(fu["detail"].to_list()) == ["7.4 months (whole study, all arms together)"] * 2
    from trialcompare.render.report import _glance

    cells = {g["id"]: g["follow_up"] for g in _glance(a.cohorts, {})}
    assert cells == {"liao2020-apatinib": "not reported",
                     "sarc024-regorafenib": "7.4 months (whole study, all arms together)",
                     "sarc024-placebo": "7.4 months (whole study, all arms together)"}
