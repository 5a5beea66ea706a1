"""`trialcompare new ID`: empty folders, bad ids refused before anything is written, the editor's schema path."""

from __future__ import annotations

import doctest
from pathlib import Path

import pytest

import trialcompare as tc
from trialcompare.cli import main
from trialcompare.descriptor import scaffold as scaffold_module
from trialcompare.descriptor.scaffold import check_id, scaffold, schema_reference

FIRST_LINE = "# yaml-language-server: $schema="


def _points_at_a_schema(path: Path) -> str:
    """The descriptor's ``$schema`` line names a schema file that exists (relative to the descriptor)."""
    first = path.read_text().splitlines()[0]
    assert first.startswith(FIRST_LINE), first
    ref = first.removeprefix(FIRST_LINE)
    assert not Path(ref).is_absolute() and (path.parent / ref).is_file(), ref
    return ref


def _files(root: Path) -> list[Path]:
    return sorted(p.relative_to(root) for p in root.rglob("*"))


def test_new_in_a_folder_without_trials_writes_here(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)  # issue 24: ./trials if it exists, else the current folder
    assert main(["new", "first-cohort"]) == 0
    path = tmp_path / "first-cohort.yaml"
    assert _files(tmp_path) == [Path("first-cohort.yaml")]
    assert tc.load(path).ids == ["first-cohort"]
    _points_at_a_schema(path)  # friction 22: no schema here, so the package's bundled copy
    assert "wrote first-cohort.yaml" in capsys.readouterr().err


def test_new_writes_into_an_existing_trials_folder(tmp_path: Path, monkeypatch, capsys) -> None:
    (tmp_path / "trials").mkdir()
    monkeypatch.chdir(tmp_path)
    assert main(["new", "first-cohort"]) == 0
    assert _files(tmp_path) == [Path("trials"), Path("trials/first-cohort.yaml")]
    assert "wrote trials/first-cohort.yaml" in capsys.readouterr().err


@pytest.mark.parametrize("bad", ["My-Cohort", "my_cohort", "my cohort", "-x", "x-", "a--b", "", "trials/x", "é"])
def test_bad_id_is_refused_before_anything_is_written(tmp_path: Path, monkeypatch, capsys, bad: str) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["new", "--", bad]) == 2
    assert _files(tmp_path) == []  # not even trials/
    err = capsys.readouterr().err
    assert "must be kebab-case" in err and "nothing written" in err
    assert "Traceback" not in err


def test_bad_id_is_refused_for_stdout_and_explicit_output(tmp_path: Path, capsys) -> None:
    out = tmp_path / "x.yaml"
    assert main(["new", "Bad_Id", "-o", str(out)]) == 2
    assert not out.exists()
    assert main(["new", "Bad_Id", "-o", "-"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "'Bad_Id' must be kebab-case" in captured.err and "e.g. 'bad-id'" in captured.err


def test_schema_path_from_a_subfolder(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "trials" / "library").mkdir(parents=True)
    (tmp_path / "trials" / "descriptor.schema.json").write_text("{}")
    monkeypatch.chdir(tmp_path)
    assert main(["new", "sub-cohort", "-o", "trials/library/sub-cohort.yaml"]) == 0
    path = tmp_path / "trials" / "library" / "sub-cohort.yaml"
    assert path.read_text().startswith(FIRST_LINE + "../descriptor.schema.json\n")
    assert tc.load(path).ids == ["sub-cohort"]
    assert main(["new", "top-cohort"]) == 0
    assert (tmp_path / "trials" / "top-cohort.yaml").read_text().startswith(FIRST_LINE + "descriptor.schema.json\n")


def test_schema_path_two_levels_down_and_from_outside_cwd(tmp_path: Path) -> None:
    deep = tmp_path / "proj" / "trials" / "a" / "b"
    deep.mkdir(parents=True)
    ref = schema_reference(deep / "x.yaml")  # no schema in the project: the package's bundled copy, never a
    assert ref is not None and (deep / ref).is_file()  # path to a missing file
    (tmp_path / "proj" / "trials" / "a" / "descriptor.schema.json").write_text("{}")
    assert schema_reference(deep / "x.yaml") == "../descriptor.schema.json"  # the schema file wins
    assert main(["new", "deep-cohort", "-o", str(deep / "deep-cohort.yaml")]) == 0
    assert (deep / "deep-cohort.yaml").read_text().startswith(FIRST_LINE + "../descriptor.schema.json\n")


def test_schema_path_outside_a_checkout_names_an_existing_schema(tmp_path: Path, monkeypatch) -> None:
    """Friction 22: `new --dir /tmp/mystudy` wrote `$schema=descriptor.schema.json`, a file that is not there."""
    (tmp_path / "elsewhere").mkdir()
    ref = schema_reference(tmp_path / "elsewhere" / "x.yaml")
    assert ref is not None and (tmp_path / "elsewhere" / ref).is_file()
    assert main(["new", "x", "--dir", str(tmp_path / "mystudy")]) == 0
    _points_at_a_schema(tmp_path / "mystudy" / "x.yaml")
    monkeypatch.setattr("trialcompare.resources.data_dir", lambda kind: tmp_path / "no-such-folder")
    assert schema_reference(tmp_path / "elsewhere" / "x.yaml") is None  # no schema anywhere: no line
    assert "$schema" not in scaffold("x", None)


def test_shipped_library_layout_matches() -> None:
    trials = Path(__file__).resolve().parents[1] / "trials"
    assert schema_reference(trials / "library" / "new.yaml") == "../descriptor.schema.json"
    assert schema_reference(trials / "new.yaml") == "descriptor.schema.json"


def test_explicit_missing_folder_is_created(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)  # issue 24: missing folders of what the user named are created
    assert main(["new", "x", "-o", "nowhere/deeper/x.yaml"]) == 0
    assert "created nowhere/" in capsys.readouterr().err
    assert _files(tmp_path) == [Path("nowhere"), Path("nowhere/deeper"), Path("nowhere/deeper/x.yaml")]


def test_a_file_in_the_way_of_the_folder_is_refused(tmp_path: Path, monkeypatch, capsys) -> None:
    (tmp_path / "trials").write_text("not a folder")
    monkeypatch.chdir(tmp_path)
    assert main(["new", "x", "--dir", "trials/sub"]) == 2
    assert "not a folder" in capsys.readouterr().err
    assert _files(tmp_path) == [Path("trials")] and (tmp_path / "trials").read_text() == "not a folder"


def test_scaffold_default_is_unchanged() -> None:
    assert scaffold("demo").startswith(FIRST_LINE + "descriptor.schema.json\n")
    assert scaffold("demo", "../descriptor.schema.json").startswith(FIRST_LINE + "../descriptor.schema.json\n")
    assert check_id("regobone-placebo") == "regobone-placebo"
    with pytest.raises(ValueError, match="kebab-case"):
        check_id("Regobone")


def test_doctests() -> None:
    result = doctest.testmod(scaffold_module)
    assert result.attempted >= 3 and result.failed == 0


def test_fresh_single_cohort_scaffold_fails_validate_with_placeholder(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)  # newcomer friction 1: plausible example numbers passed validate and reached a report
    assert main(["new", "fake-cohort"]) == 0
    capsys.readouterr()
    assert main(["validate", "fake-cohort.yaml"]) == 1
    out = capsys.readouterr().out
    assert "PLACEHOLDER" in out
    for field in ("sources.0.citation", "label", "regimen.text", "design.phase", "design.at"):
        assert field in out
    text = (tmp_path / "fake-cohort.yaml").read_text()
    for example_value in ("Author A et al.", "NCT00000000", "6/30 (20.0%)", "12.0 (8.0, 16.0)", "13 (43.3)"):
        assert f'"TODO: {example_value}' in text  # every example a user must replace is marked
    (tmp_path / "fake-cohort.yaml").write_text(text.replace('"TODO: ', '"'))
    assert main(["validate", "fake-cohort.yaml"]) == 0
    assert "PLACEHOLDER" not in capsys.readouterr().out


def test_every_quoted_value_of_the_scaffold_is_a_placeholder() -> None:
    import yaml

    def strings(obj):
        if isinstance(obj, dict):
            for k, v in obj.items():
                yield from ((f"{k}.{p}", s) for p, s in strings(v))
        elif isinstance(obj, list):
            for i, v in enumerate(obj):
                yield from ((f"{i}.{p}", s) for p, s in strings(v))
        elif isinstance(obj, str):
            yield "", obj

    data = yaml.safe_load(scaffold("demo"))
    values = {path: s for key in ("label", "regimen", "sources", "population", "baseline", "outcomes", "rates")
              for path, s in strings({key: data[key]})}
    free = {p: s for p, s in values.items() if not s.startswith("TODO: ")}
    # what is left unmarked is a choice among named values (kinds, sets, roles, variables), not text to copy
    assert set(free.values()) <= {"primary", "efficacy", "enrolled", "median_range", "age", "sex", "best_response",
                                  "ORR", "oral", "once daily", "weeks"}, free


def test_example_is_the_scaffold_filled() -> None:
    from trialcompare.descriptor.scaffold import example

    assert example("demo") == scaffold("demo").replace('"TODO: ', '"')
    assert '"TODO' not in example("demo")


def test_both_scaffolds_explain_the_same_fields() -> None:
    """Friction 22: the arm scaffold had no comments on baseline or definitions and no pmid/doi; the single one had
    no adverse_events, eligibility or effects examples and left kinds out of its comment."""
    from trialcompare.descriptor.scaffold_arms import scaffold_arms
    from trialcompare.descriptor.vocabulary import CONTINUOUS_KINDS

    single = scaffold("demo")
    arms = scaffold_arms("tx", 2)
    for text in (single, *arms.values()):
        comment = " ".join(line.partition("#")[2] for line in text.splitlines())
        assert all(f" {kind} " in comment.replace("|", " ") + " " for kind in CONTINUOUS_KINDS), comment
        for needed in ("pmid:", "doi:", "eligibility:", "resectable:", "definition:", "origin:", "adverse_events:",
                       "not_stated (printed without a grade)", "primary: true", "prior_lines_number"):
            assert needed in text, needed
    assert "# effects:" in single and "#   - {endpoint: PFS, measure: HR" in single  # examples, commented out
    assert "# adverse_events:" in single and "#   events:" in single
    # best overall response and a response at a stated time side by side (docs/descriptors.md)
    assert '{name: ORR, value: "TODO: 6/30 (20.0%)"' in single
    assert '{name: ORR, time: 12, unit: weeks, value: "TODO: 4/30 (13.3%)"' in single
    assert "follow_up:" in arms["tx-experimental"].split("\nstudy:")[1]  # the study-level follow-up


def test_example_with_a_rate_at_a_time_point_validates_clean(tmp_path: Path, capsys) -> None:
    from trialcompare.descriptor.scaffold import example

    (tmp_path / "demo.yaml").write_text(example("demo"))
    assert main(["validate", str(tmp_path / "demo.yaml")]) == 0
    cohorts = tc.load(tmp_path / "demo.yaml")
    rates = cohorts["demo"].descriptor.rates
    assert [(r.name, r.time_point) for r in rates] == [("ORR", None), ("ORR", (12.0, "weeks"))]


def test_arms_written_outside_a_checkout_name_an_existing_schema(tmp_path: Path) -> None:
    assert main(["new", "tx", "--arms", "2", "-o", str(tmp_path / "mystudy")]) == 0
    for path in (tmp_path / "mystudy").glob("*.yaml"):
        _points_at_a_schema(path)
