"""Newcomer frictions 8 and 19: a report spec kept beside descriptors is skipped when a folder is scanned (one line
on stderr) and refused in one line when named as a descriptor; a missing default ./trials says what to do."""

from __future__ import annotations

import shutil
import warnings
from pathlib import Path

import pytest

import trialcompare as tc
from trialcompare.cli import main
from trialcompare.load import is_spec_data

REPO = Path(__file__).resolve().parents[1]
SPEC = 'name: mystudy\ntitle: "Mine"\ndate: "2026-01-01"\ntrials: [.]\ncohorts: [apatinib-ie, ie]\n'


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """Two descriptors and a spec side by side."""
    for cid in ("apatinib-ie", "ie"):
        shutil.copy(REPO / "trials" / f"{cid}.yaml", tmp_path)
    (tmp_path / "mystudy.yaml").write_text(SPEC, encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("argv", [["validate"], ["table", "--format", "csv"], ["meta", "--outcome", "orr"]])
def test_a_spec_found_in_a_scanned_folder_is_skipped_with_one_line(folder, capsys, argv):
    with warnings.catch_warnings():
        warnings.simplefilter("always")  # as a user's interpreter shows them (the tests make them errors)
        assert main([*argv[:1], str(folder), *argv[1:]]) in (0, 1)
    err = capsys.readouterr().err
    assert err.count("mystudy.yaml: a report spec, not a descriptor: skipped") == 1
    assert "Field required" not in err and "unknown field" not in err


def test_report_trials_naming_the_specs_own_folder(folder, capsys, tmp_path):
    out = tmp_path / "out" / "m.html"
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        assert main(["report", str(folder / "mystudy.yaml"), "--trials", str(folder), "--html", "-o", str(out)]) == 0
    assert "a report spec, not a descriptor: skipped" in capsys.readouterr().err
    assert out.is_file()


def test_a_spec_named_as_a_descriptor_is_one_error(folder, capsys):
    spec = folder / "mystudy.yaml"
    assert main(["validate", str(spec)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"{spec}:1:1: this file is a report spec (cohorts:, trials:, title: and no id:), not a descriptor; "
                   f"render it with 'trialcompare report {spec}'"]
    with pytest.raises(tc.DescriptorError, match="is a report spec"):
        tc.load(folder / "ie.yaml", spec)


def test_a_folder_of_specs_only_has_no_descriptor(tmp_path, capsys):
    (tmp_path / "mystudy.yaml").write_text(SPEC, encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        assert main(["validate", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "mystudy.yaml: a report spec, not a descriptor: skipped" in err
    assert f"{tmp_path}:1:1: no descriptor files (*.yaml) found, only report specs" in err


def test_what_counts_as_a_spec():
    assert is_spec_data({"name": "x", "cohorts": ["a"]}) and is_spec_data({"reference": "a"})
    assert not is_spec_data({"id": "x", "title": "T"})  # a descriptor (with a mistaken key) stays a descriptor
    assert not is_spec_data({"label": "X"}) and not is_spec_data(["title"]) and not is_spec_data(None)


@pytest.mark.parametrize("command", [["validate"], ["table"], ["meta", "--outcome", "orr"]])
def test_no_trials_folder_here(tmp_path, monkeypatch, capsys, command):
    monkeypatch.chdir(tmp_path)
    assert main(command) == 2
    err = capsys.readouterr().err
    assert f"no ./trials folder here; name descriptor files or folders (trialcompare {command[0]} PATH ...)" in err
    assert "trials:1:1" not in err and list(tmp_path.iterdir()) == []
