"""Two arms of one randomised study share its registration and centres by design, not its patients."""

from __future__ import annotations

import trialcompare as tc
from trialcompare.caveats import derive_caveats
from trialcompare.descriptor.scaffold import example


def _arm(tmp_path, cid: str, arm: str | None) -> None:
    text = example(cid)
    if arm is not None:
        text = text.replace("  arm_of: null ", f"  arm_of: {{study: TRIAL-X, arm: {arm}, randomised: true}}\n  #", 1)
    (tmp_path / f"{cid}.yaml").write_text(text)


def _codes(cs: tc.CohortSet) -> tuple[set[str], set[str]]:
    findings = {f.code for f in tc.check(cs)}
    caveats = {c.code for c in derive_caveats(cs, reference=cs.ids[0])}
    return findings, caveats


def test_arms_of_one_study_are_not_a_possible_overlap(tmp_path):
    _arm(tmp_path, "arm-a", "drug")
    _arm(tmp_path, "arm-b", "placebo")
    findings, caveats = _codes(tc.load(tmp_path))
    assert "XC-SHARED-REGISTRATION" not in findings and "POSSIBLE-OVERLAP" not in caveats


def test_separate_cohorts_sharing_a_registration_are(tmp_path):
    _arm(tmp_path, "arm-a", None)
    _arm(tmp_path, "arm-b", None)
    findings, caveats = _codes(tc.load(tmp_path))
    assert "XC-SHARED-REGISTRATION" in findings and "POSSIBLE-OVERLAP" in caveats
