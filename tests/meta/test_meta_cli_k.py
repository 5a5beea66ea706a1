"""`trialcompare meta --json` with k < 3 cohorts carries no pooled numbers: null plus a reason code (issue 23)."""

from __future__ import annotations

import json
from pathlib import Path

from trialcompare.cli import main

REPO = Path(__file__).resolve().parents[2]
FILES = [str(REPO / "trials" / f"{i}.yaml") for i in ("apatinib-camrelizumab", "apatinib-ie", "apatinib", "ie")]
POOLED = ("estimate", "se", "ci", "pi", "tau2", "tau2_ci", "i2", "i2_ci", "h2", "q", "q_p", "proportion")


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["meta", *FILES, *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_two_cohorts_json_has_no_pooled_numbers(capsys):
    code, out, _ = run(capsys, "--outcome", "orr", "--json", "--suite", "--exclude", "apatinib", "ie")
    assert code == 0
    d = json.loads(out)
    assert d["estimable"] is False
    reason = {"code": "too-few-studies", "k": 2, "min_k": 3}
    assert d["not_estimable_reason"] == reason and d["primary"]["reason"] == reason
    assert all(d["primary"][key] is None for key in POOLED)
    assert d["primary"]["k"] == 2 and d["primary"]["method"] == "REML"
    assert d["grid"] == [] and d["leave_one_out"] == [] and d["subgroups"] == [] and d["scenarios"] == []
    assert len(d["pairwise"]) == 1  # cohort against cohort is not a pooled number


def test_four_cohorts_json_is_estimable(capsys):
    code, out, _ = run(capsys, "--outcome", "orr", "--json")
    d = json.loads(out)
    assert code == 0 and d["estimable"] is True and d["not_estimable_reason"] is None
    assert isinstance(d["primary"]["estimate"], float) and "reason" not in d["primary"]
