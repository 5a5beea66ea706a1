"""`trialcompare meta`: output on stdout, diagnostics on stderr, exit 2 with nothing written on bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from trialcompare.cli import main
from trialcompare.meta import pool_proportions

REPO = Path(__file__).resolve().parents[1]
# the four shipped Table IV cohorts, named one by one (other descriptors may be added to trials/ later)
FILES = [str(REPO / "trials" / f"{i}.yaml") for i in ("apatinib-camrelizumab", "apatinib-ie", "apatinib", "ie")]
REF = json.loads((REPO / "tests" / "fixtures" / "metasuite_reference.json").read_text())


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["meta", *FILES, *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_default_prints_primary_summary_and_studies(capsys):
    code, out, err = run(capsys, "--outcome", "orr")
    assert code == 0 and err == ""
    assert out.startswith("Outcome: Objective response rate (orr)")
    assert "apatinib-camrelizumab" in out and "21/33" in out
    assert f"Proportion              : {REF['orr_reml']['proportion']:.4f}" in out
    assert "Leave-one-out" not in out


def test_suite_prints_every_table(capsys):
    code, out, _ = run(capsys, "--outcome", "dcr", "--suite")
    assert code == 0
    for title in ("Transform × method grid:", "Leave-one-out:", "Subgroups:", "Pairwise"):
        assert title in out
    code, out, _ = run(capsys, "--outcome", "tte_6m")
    assert code == 0 and "approximate count" not in out and "estimator-unspecified" in out


def test_json(capsys):
    code, out, _ = run(capsys, "--outcome", "orr", "--json", "--exclude", "ie")
    assert code == 0
    d = json.loads(out)
    assert d["outcome"] == "orr" and d["primary"]["k"] == 3
    direct = pool_proportions([9, 21, 16], [41, 33, 37], transform="logit", method="REML")
    assert d["primary"]["proportion"]["estimate"] == pytest.approx(direct.proportion[0], 1e-9)
    assert "grid" not in d
    code, out, _ = run(capsys, "--outcome", "orr", "--json", "--suite")
    full = json.loads(out)
    assert len(full["grid"]) == 66 and len(full["leave_one_out"]) == 4 and full["pairwise"]


def test_options_reach_the_analysis(capsys):
    code, out, _ = run(capsys, "--outcome", "orr", "--method", "DL", "--test", "knha", "--json")
    assert code == 0
    p = json.loads(out)["primary"]["proportion"]
    ref = REF["orr_dl_knha"]
    assert (p["estimate"], p["ci_low"], p["pi_high"]) == pytest.approx(
        (ref["proportion"], ref["ci_low"], ref["pi_high"]), abs=1e-6
    )
    code, out, _ = run(capsys, "--outcome", "dcr", "--denominator", "apatinib-camrelizumab=43", "--json")
    assert json.loads(out)["data"][0]["total"] == 43
    code, out, _ = run(capsys, "--outcome", "orr", "--level", "0.9", "--json")
    assert json.loads(out)["level"] == 0.9


def test_forest_is_written(tmp_path, capsys):
    target = tmp_path / "forest.svg"
    code, out, err = run(capsys, "--outcome", "dcr", "--forest", str(target))
    assert code == 0 and f"wrote {target}" in err
    assert target.read_text().lstrip().startswith("<?xml") and "prediction interval" in target.read_text()
    assert out.startswith("Outcome:")


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--outcome", "xyz"], "unknown outcome 'xyz' for these cohorts; valid: orr, dcr"),
        (["--outcome", "os_12m"], "unknown outcome 'os_12m'"),
        (["--outcome", "pfs_12m"], "no cohort has a usable count for 'pfs_12m'"),
        (["--outcome", "orr", "--exclude", "nope"], "exclude names 'nope', not a cohort"),
        (["--outcome", "orr", "--denominator", "ie=zero"], "--denominator expects ID=N"),
        (["--outcome", "orr", "--denominator", "nope=40"], "denominators names 'nope'"),
        (["--outcome", "orr", "--level", "1.5"], "level must lie strictly between 0 and 1"),
        (["--outcome", "orr", "--method", "GLMM", "--test", "knha"], "not defined for the GLMM"),
        (["--outcome", "orr", "--reference", "nope"], "reference names 'nope'"),
        (["--outcome", "orr", "--exclude", "ie", "--reference", "ie", "--suite"], "reference 'ie' has no usable"),
        (["--outcome", "orr", "--exclude", "apatinib-ie", "apatinib", "ie", "--method", "GLMM"], "cannot be fitted"),
    ],
)
def test_bad_input_exits_2_without_traceback_or_output(tmp_path, capsys, argv, message):
    target = tmp_path / "f.svg"
    code, out, err = run(capsys, *argv, "--forest", str(target))
    assert code == 2
    assert message in err and err.startswith("trialcompare: ")
    assert "Traceback" not in err and out == ""
    assert not target.exists() and list(tmp_path.iterdir()) == []


def test_forest_into_a_missing_folder(tmp_path, capsys):
    code, out, err = run(capsys, "--outcome", "orr", "--forest", str(tmp_path / "no" / "f.svg"))
    assert code == 2 and "no such folder" in err and out == ""
    assert list(tmp_path.iterdir()) == []


def test_bad_descriptor_path_exits_2(tmp_path, capsys):
    bad = tmp_path / "broken.yaml"
    bad.write_text("id: [unclosed\n")
    code = main(["meta", str(bad), "--outcome", "orr"])
    out, err = capsys.readouterr()
    assert code == 2 and "broken.yaml" in err and out == "" and "Traceback" not in err


@pytest.mark.parametrize(
    "argv",
    [["meta", *FILES], ["meta", "--outcome", "orr", "--method", "XX"], ["meta", "--outcome", "orr", "--test", "t"],
     ["meta", "--outcome", "orr", "--level", "high"], ["meta", "--outcome", "orr", "--transform", "probit"]],
)  # fmt: skip
def test_argparse_errors_exit_2(capsys, argv):
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2
    assert "usage:" in capsys.readouterr().err


def test_outcome_help_is_the_grammar_of_outcomes_and_of_the_readme(capsys):
    """Newcomer friction 18: `meta --help` and README name outcomes with one grammar (trialcompare.outcomes)."""
    from trialcompare.outcomes import outcome_grammar, parse_outcome_name

    with pytest.raises(SystemExit):
        main(["meta", "--help"])
    helped = " ".join(capsys.readouterr().out.split())
    assert " ".join(outcome_grammar().split()) in helped and "<months>" not in helped
    for example in ("orr", "dcr", "cbr", "csr", "cbr_6m", "pfs_8w", "os_12m", "tte_6m", "custom:infection",
                    "ae:neutropenia:grade3"):
        assert parse_outcome_name(example).name == example
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    line = next(ln for ln in readme.splitlines() if "trialcompare meta [PATH ...] --outcome" in ln)
    grammar = "orr|dcr|cbr|csr|<endpoint>_<time><d|w|m|y>|custom:NAME|ae:TERM:GRADE"
    assert line.split("--outcome ")[1].startswith(grammar)
    for token in ("orr", "dcr", "cbr", "csr", "<endpoint>_<time><d|w|m|y>", "custom:NAME", "ae:TERM:GRADE"):
        assert token in helped and token in readme
