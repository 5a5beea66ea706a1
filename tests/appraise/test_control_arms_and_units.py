"""Newcomer frictions 5 and a unit slip found beside it: a placebo arm is never "the comparator most like" an active
reference nor evidence about inconsistency, and medians printed in weeks are compared in months."""

from __future__ import annotations

from pathlib import Path

import trialcompare as tc
from trialcompare.appraise.certainty import _active
from trialcompare.appraise.verdict import closest_comparator

ROOT = Path(__file__).resolve().parents[2]
LIB = ROOT / "trials" / "library"


def _cohorts() -> tc.CohortSet:
    return tc.load(ROOT / "trials" / "apatinib.yaml", LIB / "regobone-placebo.yaml", LIB / "regobone-regorafenib.yaml")


def test_a_placebo_arm_is_never_the_closest_comparator() -> None:
    """Apatinib (prospective, PFS) shares endpoint and design with both REGOBONE arms; the placebo arm is left out,
    so the regorafenib arm is the closest comparator."""
    cs = _cohorts()
    f = closest_comparator(tc.compare(cs), cs)
    assert f is not None and f["cohort"] == "regobone-regorafenib"
    only_placebo = tc.load(ROOT / "trials" / "apatinib.yaml", LIB / "regobone-placebo.yaml")
    assert closest_comparator(tc.compare(only_placebo), only_placebo) is None


def test_medians_printed_in_weeks_are_compared_in_months() -> None:
    """REGOBONE prints median PFS 16.4 weeks = 16.4 × 7 / 30.4375 = 3.7717 months, below apatinib's 4.5 months
    (it was read as 16.4 months, "better"); OS 11.3 vs 9.9 months is above: the comparison is mixed."""
    cs = _cohorts()
    f = closest_comparator(tc.compare(cs), cs)
    assert f is not None
    (ep, mine, theirs), os_pair = f["medians"]
    assert (ep, mine, round(theirs, 4)) == ("PFS", 4.5, 3.7717) and os_pair == ("OS", 9.9, 11.3)
    assert f["compares"] == "mixed"


def test_inconsistency_leaves_control_arms_out() -> None:
    cs = _cohorts()
    assert _active({"regobone-placebo": 1, "regobone-regorafenib": -1}, cs) == {"regobone-regorafenib": -1}
