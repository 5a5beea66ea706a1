"""Issue 24, items 2 and 3: a spec anywhere names descriptor folders anywhere on the command line; ``new`` and
``report -o`` create the folders the user named (never through a symbolic link); ``new --dir``, ``--arm-names``."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import trialcompare as tc
from trialcompare.cli import main
from trialcompare.spec import confinement_root, load_spec

REPO = Path(__file__).resolve().parents[1]
SEED = ["apatinib-ie", "apatinib", "ie"]


@pytest.fixture
def project(tmp_path: Path, monkeypatch) -> Path:
    """A project with its spec in reports/ and the descriptors in a folder outside it."""
    (tmp_path / "proj" / "reports").mkdir(parents=True)
    other = tmp_path / "other" / "trials"
    other.mkdir(parents=True)
    for cid in SEED:
        shutil.copy(REPO / "trials" / f"{cid}.yaml", other)
    (tmp_path / "proj" / "reports" / "mine.yaml").write_text(
        'name: mine\ntitle: "T"\nreference: apatinib-ie\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path / "proj")
    return tmp_path


def test_the_project_folder_is_documented_and_named_in_the_refusal(project, capsys):
    (project / "proj" / "reports" / "out.yaml").write_text(
        'name: out\ntitle: "T"\ntrials: ../../other/trials\nreference: apatinib-ie\n', encoding="utf-8")
    assert confinement_root(Path("reports/out.yaml")) == project / "proj"
    for more in ([], ["--trials", "../other/trials"]):  # the spec's own trials: stay confined with --trials too
        assert main(["report", "reports/out.yaml", *more, "--html"]) == 2
        err = capsys.readouterr().err
        assert "reports/out.yaml:3:" in err and "project folder" in err and "--trials" in err
    assert "project folder" in (tc.spec.__doc__ or "")


@pytest.mark.parametrize("how", [
    ["--trials", "../other/trials"], ["../other/trials"],
    ["--trials", "../other/trials/apatinib-ie.yaml", "--trials", "../other/trials/ie.yaml"]])
def test_a_spec_names_descriptors_outside_its_project_on_the_command_line(project, capsys, how):
    assert main(["report", "reports/mine.yaml", *how, "--html", "-o", "out/mine.html"]) == 0, capsys.readouterr()
    html = (project / "proj" / "out" / "mine.html").read_text(encoding="utf-8")
    assert "apatinib-ie" in html or "Apatinib" in html
    assert "Field required" not in capsys.readouterr().err


def test_a_spec_named_with_paths_is_never_read_as_a_descriptor(project, capsys):
    spec = project / "proj" / "mine.yaml"  # not in reports/: detected by having no `id:`
    spec.write_text('name: mine\ntitle: "T"\ndate: "2026-01-01"\n', encoding="utf-8")
    assert main(["report", str(spec), "../other/trials/apatinib-ie.yaml", "../other/trials/ie.yaml", "--html",
                 "-o", "m.html"]) == 0
    err = capsys.readouterr().err
    assert "unknown field" not in err and "id: Field required" not in err


def test_load_spec_without_trials_reads_the_command_line_paths_alone(project):
    spec = load_spec(project / "proj" / "reports" / "mine.yaml", trials=[str(project / "other" / "trials")])
    assert spec.trial_paths() == [project / "other" / "trials"]  # not the default ../trials besides


def _own_and_other(project: Path) -> Path:
    """A spec beside its own trials/ (one cohort) that compares it with cohorts of a folder outside its project."""
    study = project / "mystudy"
    (study / "trials").mkdir(parents=True)
    shutil.move(project / "other" / "trials" / "ie.yaml", study / "trials" / "ie.yaml")
    (study / "mystudy.yaml").write_text('name: mystudy\ntitle: "T"\ntrials: [trials]\n'
                                        'cohorts: [apatinib-ie, ie]\nreference: apatinib-ie\n', encoding="utf-8")
    return study


def test_trials_on_the_command_line_add_to_the_specs_own(project, capsys):
    study = _own_and_other(project)  # newcomer friction 7: --trials used to replace the spec's trials:
    spec = load_spec(study / "mystudy.yaml", trials=["../other/trials"])
    assert spec.trial_paths() == [study / "trials", project / "other" / "trials"]
    assert main(["report", str(study / "mystudy.yaml"), "--trials", "../other/trials", "--html",
                 "-o", "out/m.html"]) == 0, capsys.readouterr().err
    html = (project / "proj" / "out" / "m.html").read_text(encoding="utf-8")
    assert "IE" in html and "Apatinib" in html
    # the spec's own folder named again is read once (no "duplicate id")
    assert main(["report", str(study / "mystudy.yaml"), "--trials", "../other/trials", "--trials",
                 str(study / "trials"), "--html", "-o", "out/m2.html"]) == 0, capsys.readouterr().err


def test_a_cohort_not_loaded_names_where_it_was_looked_for(project, capsys):
    study = _own_and_other(project)
    (study / "mystudy.yaml").write_text('name: mystudy\ntitle: "T"\ntrials: [trials]\n'
                                        'cohorts: [apatinib-ie, ghost]\n', encoding="utf-8")
    assert main(["report", str(study / "mystudy.yaml"), "--trials", "../other/trials", "--html", "-o", "x.html"]) == 2
    err = capsys.readouterr().err
    assert "mystudy.yaml:4:" in err and "cohort 'ghost' was not loaded from trials, " in err
    assert str(project / "other" / "trials") in err and "Traceback" not in err
    assert not (project / "proj" / "x.html").exists()


# --- folders created for output -----------------------------------------------------------------------------------


def test_report_output_folder_is_created(project, capsys):
    assert main(["report", "reports/mine.yaml", "--trials", "../other/trials", "--html", "-o", "a/b/c.html"]) == 0
    assert (project / "proj" / "a" / "b" / "c.html").is_file()


def test_report_output_folder_is_not_made_through_a_symlink_out(project, capsys, tmp_path):
    (project / "proj" / "link").symlink_to(tmp_path / "other")
    assert main(["report", "reports/mine.yaml", "--trials", "../other/trials", "--html",
                 "-o", "link/new/r.html"]) == 2
    assert "symbolic link" in capsys.readouterr().err
    assert not (tmp_path / "other" / "new").exists()


def test_a_dangling_symlink_is_not_a_folder_to_create(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "dangling").symlink_to(tmp_path / "nowhere")
    assert main(["new", "x", "--dir", "dangling"]) == 2
    assert "symbolic link" in capsys.readouterr().err
    assert not (tmp_path / "nowhere").exists()


def test_a_failed_report_removes_the_folders_it_made(project, capsys):
    (project / "proj" / "reports" / "bad.yaml").write_text('name: bad\ntitle: "T"\ncohorts: [ghost]\n')
    assert main(["report", "reports/bad.yaml", "--trials", "../other/trials", "--html", "-o", "x/y/r.html"]) == 2
    assert not (project / "proj" / "x").exists()


# --- new -------------------------------------------------------------------------------------------------------


def test_new_arm_names(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["new", "tx", "--arm-names", "low-dose,high-dose", "--dir", "studies/tx"]) == 0
    files = sorted(p.name for p in (tmp_path / "studies" / "tx").iterdir())
    assert files == ["tx-high-dose.yaml", "tx-low-dose.yaml"]
    cohorts = tc.load(tmp_path / "studies" / "tx")
    assert sorted(cohorts.ids) == ["tx-high-dose", "tx-low-dose"]
    arm = cohorts["tx-low-dose"].descriptor.design.arm_of
    assert arm is not None and arm.arm == "low-dose"


def test_new_arms_into_a_missing_folder(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["new", "trial-x", "--arms", "2", "-o", "arms"]) == 0  # the newcomer's first try
    assert sorted(p.name for p in (tmp_path / "arms").iterdir()) == ["trial-x-control.yaml",
                                                                     "trial-x-experimental.yaml"]


def test_new_dir_default_is_trials_if_present(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["new", "a"]) == 0 and (tmp_path / "a.yaml").is_file()
    (tmp_path / "trials").mkdir()
    assert main(["new", "b"]) == 0 and (tmp_path / "trials" / "b.yaml").is_file()
    assert main(["new", "c", "--dir", "elsewhere"]) == 0 and (tmp_path / "elsewhere" / "c.yaml").is_file()
    assert main(["new", "tx", "--arms", "2"]) == 0 and (tmp_path / "trials" / "tx-control.yaml").is_file()


def test_new_refuses_an_existing_arm_and_writes_nothing(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "tx-b.yaml").write_text("x")
    assert main(["new", "tx", "--arm-names", "a,b"]) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tx-b.yaml"]


# --- the scaffold explains its conditional requirements -------------------------------------------------------


def test_the_scaffold_says_events_become_required_with_a_definition(tmp_path, valid_text):
    assert "required with a definition" in valid_text and "needs its time point" in valid_text
    path = tmp_path / "demo.yaml"
    path.write_text(valid_text.replace("      events: [progression, death]", "      # events: left out", 1))
    with pytest.raises(tc.DescriptorError, match="events"):
        tc.load(path)


def test_validate_says_1_cohort(tmp_path, valid_text, capsys):
    (tmp_path / "demo.yaml").write_text(valid_text)
    main(["validate", str(tmp_path / "demo.yaml")])
    out = capsys.readouterr().out
    assert "\n1 cohort: " in out and "1 cohorts" not in out


@pytest.mark.parametrize(("argv", "message"), [
    (["--arm-names", "a"], "2 to 6 arms, got 1"), (["--arm-names", "a", "--arms", "2"], "names 1 arm but --arms is 2"),
])
def test_arm_name_messages(tmp_path, monkeypatch, capsys, argv, message):
    monkeypatch.chdir(tmp_path)
    assert main(["new", "tx", *argv]) == 2
    assert message in capsys.readouterr().err and list(tmp_path.iterdir()) == []
