"""Newcomer friction 17: a cohort with no value at all is not pooled for that reason, not for the reference's.

With apatinib + IE as the reference, the 6-month rate pools nothing (the reference's estimator is not stated). The
regorafenib arm of SARC024 and Liao 2020 print no 6-month rate (``not-reported``; the placebo arm is a control arm)
and Apatinib alone prints one without its estimator (``estimator-unspecified``): each gets its own reason, the first
that applies. A cohort with a usable rate still gets the reference's reason.
"""

from __future__ import annotations

from pathlib import Path

import trialcompare as tc
from trialcompare.meta._benchmark import benchmark

REPO = Path(__file__).resolve().parents[2]
NEWCOMER = REPO / "tests" / "fixtures" / "newcomer"


def test_each_cohort_gets_its_own_reason_before_the_references() -> None:
    cohorts = tc.load(*sorted(REPO.glob("trials/*.yaml")), NEWCOMER)
    b = benchmark(cohorts, "tte_6m", "apatinib-ie", denominators={"apatinib-camrelizumab": 43})
    assert b.reason == "reference-estimator-unspecified" and b.k == 0
    why = dict(zip(b.excluded["cohort"].to_list(), b.excluded["reason"].to_list(), strict=True))
    assert why["sarc024-regorafenib"] == why["liao2020-apatinib"] == "not-reported"
    assert why["sarc024-placebo"] == "control-arm"  # a structural rule comes first
    assert why["apatinib"] == "estimator-unspecified"
    b = benchmark(tc.load(REPO / "trials"), "tte_6m", "isg-sorafenib", denominators={"apatinib-camrelizumab": 43})
    why = dict(zip(b.excluded["cohort"].to_list(), b.excluded["reason"].to_list(), strict=True))
    assert why["apatinib-camrelizumab"] == "reference-estimator-unspecified"  # it has a usable 13/43 at 6 months
    assert why["regobone-regorafenib"] == "not-reported"
