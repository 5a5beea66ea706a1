"""``trialcompare validate``: JSON output with every finding, exit status, acknowledgements, report grouping."""

from __future__ import annotations

import json

from trialcompare.checks.families import ALL, CODES
from trialcompare.cli import main


def _bad(cohort, entry, acknowledged=None):
    """A cohort with one error (PR 13 (26.1) of 46) and one info (ECOG 0 20 (60.60) of 33 -> here of 46: 43.48)."""
    return cohort(
        n=46,
        outcomes=[entry("best_response", {"PR": "13 (26.1)"})],
        baseline=[entry("sex", {"male": "2 (4.34)"})],
        acknowledged=acknowledged or [],
    )


def test_json_lists_findings_and_fails_on_unacknowledged_error(cohort, entry, capsys):
    path = _bad(cohort, entry)
    assert main(["validate", str(path), "--json"]) == 1
    out = json.loads(capsys.readouterr().out)
    found = {(f["code"], f["severity"], f["field"], f["acknowledged"]) for f in out["findings"]}
    assert ("PCT-MISMATCH", "error", "outcome.best_response.PR", False) in found
    assert ("PCT-ROUNDING", "info", "baseline.sex.male", False) in found  # 2/46 = 4.348 -> 4.35


def test_acknowledged_error_stays_listed_but_passes(cohort, entry, capsys):
    ack = [{"code": "PCT-MISMATCH", "field": "outcome.best_response.PR", "note": "printed 26.1% for 13/46"}]
    path = _bad(cohort, entry, acknowledged=ack)
    assert main(["validate", str(path), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    (f,) = [f for f in out["findings"] if f["code"] == "PCT-MISMATCH"]
    assert f["acknowledged"] is True and f["note"] == "printed 26.1% for 13/46"
    assert f["location"] == "Table IV" and f["line"] > 0


def test_clean_cohort_exits_zero(cohort, entry, capsys):
    path = cohort(baseline=[entry("sex", {"male": "13 (39.4)", "female": "20 (60.6)"})])
    assert main(["validate", str(path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["findings"] == []


def test_human_output_groups_by_cohort_errors_first(cohort, entry, capsys):
    path = _bad(cohort, entry)
    assert main(["validate", str(path)]) == 1
    out = capsys.readouterr().out
    assert out.index("PCT-MISMATCH") < out.index("PCT-ROUNDING")
    assert "[Table IV]" in out and "1 error, 1 info" in out


def test_every_family_is_registered_and_every_code_described():
    assert len(ALL) == 10  # 8: effects (issue 10); 9: harms (issue 22); 10: study structure (issue 24)
    assert all(code.isupper() and text for code, text in CODES.items())
