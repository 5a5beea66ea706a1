"""Issue 24, item 5: checks on the arms of multi-arm studies (trialcompare.checks.study_structure)."""

from __future__ import annotations

from pathlib import Path

import pytest

import trialcompare as tc
from trialcompare.checks.study_structure import NON_RANDOMISED_WITHIN_STUDY, comparison_label
from trialcompare.descriptor.scaffold_arms import scaffold_arms


def _arms(tmp_path: Path, edits: dict[str, list[tuple[str, str]]] | None = None, randomised: bool = True,
          only: str | None = None) -> Path:
    for cid, text in scaffold_arms("tx", 2, ["low", "high"]).items():
        if only and cid != only:
            continue
        text = text.replace('n: 1                        # TODO: the N of this arm', "n: 20")
        text = text.replace("  n: 2                        # TODO: patients of the whole study the facts describe",
                            "  n: 40")
        text = text.replace('levels: {CR: "0", PR: "0", SD: "0", PD: "1"}', 'levels: {CR: "0", PR: "5", SD: "5", '
                            'PD: "10"}')
        if not randomised:
            text = text.replace("randomised: true}", "randomised: false}")
        for old, new in (edits or {}).get(cid, []):
            assert old in text, old
            text = text.replace(old, new, 1)
        (tmp_path / f"{cid}.yaml").write_text(text, encoding="utf-8")
    return tmp_path


def _codes(path: Path, code_prefix: tuple[str, ...] = ("STUDY-", "ARM-")) -> list[tuple[str, str, str]]:
    return sorted((f.code, f.severity, f.cohort) for f in tc.check(tc.load(path)) if f.code.startswith(code_prefix))


def test_both_arms_loaded_raise_nothing(tmp_path):
    assert _codes(_arms(tmp_path)) == []


def test_a_randomised_arm_without_its_partner_is_a_warning(tmp_path):
    assert _codes(_arms(tmp_path, only="tx-low")) == [("STUDY-PARTNER-MISSING", "warning", "tx-low")]


def test_a_lone_arm_of_a_non_randomised_study_needs_no_partner(tmp_path):
    assert _codes(_arms(tmp_path, randomised=False, only="tx-low")) == []


@pytest.mark.parametrize(("study_n", "n_refers_to", "expected"), [
    ("40", "itt", []), ("39", "itt", [("STUDY-N-BELOW-ARMS", "error", "tx-low")]),
    ("39", "enrolled", [("STUDY-N-BELOW-ARMS", "warning", "tx-low")]),
])
def test_a_study_smaller_than_its_arms(tmp_path, study_n, n_refers_to, expected):
    edits = {"tx-low": [("  n: 40\n  n_refers_to: itt", f"  n: {study_n}\n  n_refers_to: {n_refers_to}")]}
    assert _codes(_arms(tmp_path, edits)) == expected


def test_an_arm_fact_counting_more_than_the_arm(tmp_path):
    edits = {"tx-high": [('  - variable: best_response\n', '  - variable: best_response\n    denominator: 40\n')]}
    findings = [f for f in tc.check(tc.load(_arms(tmp_path, edits))) if f.code == "ARM-FACT-ABOVE-ARM"]
    assert findings and all(f.severity == "error" and f.cohort == "tx-high" and f.line for f in findings)
    assert "belongs under study:" in findings[0].message


def test_an_arm_summary_with_n_above_the_arm(tmp_path, valid_text):
    edits = {"tx-high": [("baseline: []", 'baseline:\n  - {variable: age, kind: median_range, value: "40 (20-60)", '
                                         'n: 40, at: "Table 1"}\n')]}
    assert ("ARM-FACT-ABOVE-ARM", "error", "tx-high") in _codes(_arms(tmp_path, edits))


def test_arms_of_one_non_randomised_series_are_labelled(tmp_path):
    path = _arms(tmp_path, randomised=False)
    assert [c[:2] for c in _codes(path)] == [("STUDY-NON-RANDOMISED-ARMS", "info")]
    cohorts = tc.load(path)
    assert comparison_label(cohorts, "tx-low", "tx-high") == NON_RANDOMISED_WITHIN_STUDY
    assert comparison_label(cohorts, "tx-low", "tx-low") is None


def test_randomised_arms_and_separate_studies_have_no_such_label(tmp_path):
    cohorts = tc.load(_arms(tmp_path))
    assert comparison_label(cohorts, "tx-low", "tx-high") is None


def test_the_shipped_descriptors_raise_none_of_these(tmp_path):
    repo = Path(__file__).resolve().parents[1]
    cohorts = tc.load(repo / "trials", repo / "examples" / "maic" / "anchored" / "trials")
    found = tc.check(cohorts)
    assert [f.code for f in found if f.code.startswith(("STUDY-PARTNER", "STUDY-N-", "ARM-"))] == []
    # ITCC-050's two cohorts are arms of one non-randomised study (design.arm_of): said once, at info level
    info = [f for f in found if f.code == "STUDY-NON-RANDOMISED-ARMS"]
    assert {f.severity for f in info} <= {"info"} and {f.cohort for f in info} <= {"itcc050-lenvatinib",
                                                                                   "itcc050-lenvatinib-ie"}
