"""`trialcompare meta --json` with k < 3 cohorts carries no pooled numbers: null plus a reason code (issue 23)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

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


# --------------------------------------------------------------------------------------------------
# --method EE | bayes, --subgroup, --small-study
# --------------------------------------------------------------------------------------------------


def test_method_ee_is_the_primary_analysis(capsys):
    from trialcompare.meta import pool_proportions

    code, out, _ = run(capsys, "--outcome", "orr", "--method", "EE", "--json")
    d = json.loads(out)
    assert code == 0 and d["primary"]["method"] == "EE" and d["primary"]["tau2"] == 0
    events = [r["events"] for r in d["data"] if r["events"] is not None]
    totals = [r["total"] for r in d["data"] if r["events"] is not None]
    assert d["primary"]["estimate"] == pool_proportions(events, totals, method="EE").estimate


def test_method_bayes_adds_the_bayesian_pool(capsys):
    from trialcompare.meta import pool_proportions

    code, out, _ = run(capsys, "--outcome", "orr", "--method", "bayes", "--tau-prior", "halfcauchy:1", "--json")
    d = json.loads(out)
    assert code == 0 and d["primary"]["method"] == "REML"
    b = d["bayes"]
    assert b["tau_prior"] == ["halfcauchy", 1.0] and b["k"] == 4 and b["reason"] is None
    events = [r["events"] for r in d["data"] if r["events"] is not None]
    totals = [r["total"] for r in d["data"] if r["events"] is not None]
    ref = pool_proportions(events, totals, method="bayes", tau_prior=("halfcauchy", 1.0))
    assert b["mu"]["median"] == ref.mu.median and b["proportion"]["pi_high"] == ref.proportion[4]
    code, out, _ = run(capsys, "--outcome", "orr", "--method", "bayes")
    assert code == 0 and "Bayesian random effects (tau ~ halfnormal(0.5)" in out


def test_bayes_with_two_cohorts_is_null_with_reason(capsys):
    code, out, _ = run(capsys, "--outcome", "orr", "--method", "bayes", "--json", "--exclude", "apatinib", "ie")
    b = json.loads(out)["bayes"]
    assert code == 0 and b["mu"] is None and b["proportion"] is None
    assert b["reason"] == {"code": "too-few-studies", "k": 2, "min_k": 3}


def test_subgroup_and_small_study_give_reason_codes_for_four_cohorts(capsys):
    code, out, _ = run(capsys, "--outcome", "orr", "--subgroup", "design", "--small-study", "--json")
    d = json.loads(out)
    assert code == 0
    s = d["subgroup_analysis"]
    assert s["by"] == "design" and s["separate_tau2"] is None
    assert s["reason"] == {"code": "subgroup-too-small", "min_k": 3, "k": {"prospective": 2, "retrospective": 2}}
    assert d["small_study"]["reason"] == {"code": "too-few-studies", "k": 4, "min_k": 10}
    code, out, _ = run(capsys, "--outcome", "orr", "--small-study")
    assert "Small-study effects: not assessed (code too-few-studies, k 4, min_k 10)" in out


def test_subgroup_with_three_per_group_reports_both_tests(tmp_path, capsys):
    from trialcompare.meta import subgroup_analysis

    code = main(["meta", str(REPO / "trials"), "--outcome", "orr", "--subgroup", "design", "--json"])
    d = json.loads(capsys.readouterr()[0])
    s = d["subgroup_analysis"]
    assert code == 0
    if s["reason"] is not None:  # the library's cohorts may change; the reason then says why
        assert s["reason"]["code"] in {"subgroup-too-small", "one-subgroup"}
        return
    used = [r for r in d["data"] if r["events"] is not None]
    ref = subgroup_analysis([r["events"] for r in used], [r["total"] for r in used], [r["design"] for r in used])
    assert s["separate_tau2"]["q"] == ref.q_between and s["common_tau2"]["qm"] == ref.mixed.qm


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--method", "bayesian"], "invalid choice: 'bayesian'"),
        (["--subgroup", "cohort"], "invalid choice: 'cohort'"),
    ],
)
def test_bad_choices_exit_2(capsys, argv, message):
    with pytest.raises(SystemExit) as exc:
        main(["meta", *FILES, "--outcome", "orr", *argv])
    out, err = capsys.readouterr()
    assert exc.value.code == 2 and out == "" and message in err


@pytest.mark.parametrize(
    ("spec", "message"),
    [("halfnormal", "expected halfnormal:SCALE"), ("halft:1:x", "must be numbers"), ("halfcauchy:0", "positive")],
)
def test_bad_tau_prior_exits_2(capsys, spec, message):
    code, out, err = run(capsys, "--outcome", "orr", "--method", "bayes", "--tau-prior", spec)
    assert code == 2 and out == "" and message in err


def test_subgroup_choices_are_the_meta_fields():
    from trialcompare.cli import _parser
    from trialcompare.meta._cli import SUBGROUP_FIELDS

    meta = next(a for a in _parser()._subparsers._group_actions[0].choices["meta"]._actions if a.dest == "subgroup")
    assert tuple(meta.choices) == SUBGROUP_FIELDS
