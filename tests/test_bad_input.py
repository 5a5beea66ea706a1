"""Bad input: a message naming file:line:column, exit status 2, no traceback, nothing written.

Each case edits the scaffold (a valid descriptor) in one place and checks the line the message points to.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import trialcompare as tc
from trialcompare.cli import main


def _line_of(text: str, fragment: str) -> int:
    for i, line in enumerate(text.splitlines(), start=1):
        if fragment in line:
            return i
    raise AssertionError(f"{fragment!r} not in text")


def _run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def _assert_problem(capsys, path: Path, line: int | None, fragment: str, *extra: Path) -> str:
    before = sorted(p.name for p in path.parent.iterdir())
    code, out, err = _run(capsys, "validate", str(path), *map(str, extra))
    assert code == 2, err
    assert "Traceback" not in err and out == ""
    assert fragment in err, err
    first = next(line for line in err.splitlines() if fragment in line)
    m = re.match(r"^(.+?):(\d+):(\d+): (.*)$", first)
    assert m, first
    assert Path(m[1]).name in {path.name, *(p.name for p in extra)}
    if line is not None:
        assert int(m[2]) == line, first
    assert sorted(p.name for p in path.parent.iterdir()) == before  # nothing written
    return err


EDITS = [
    # (name, old, new, line fragment in the edited text, expected message fragment)
    ("unknown field", "label: ", "labl: ", "labl:", "labl: unknown field; did you mean 'label'?"),
    ("wrong type", "  n: 30 ", "  n: thirty ", "n: thirty", "valid integer"),
    ("negative count", "  n: 30 ", "  n: -3 ", "n: -3", "greater than or equal to 0"),
    ("count above its own denominator", 'male: "13 (43.3)"', 'male: "13/12"', 'male: "13/12"',
     "count 13 is larger than the denominator 12"),
    ("percentage above 100", 'PR: "6 (20.0)"', 'PR: "6 (120.0)"', "PR:", "outside 0-100"),
    ("unknown variable", "variable: sex", "variable: sexx", "variable: sexx", "did you mean 'sex'?"),
    ("unknown level", "male: ", "mael: ", "mael:", "unknown level 'mael' of sex; did you mean 'male'?"),
    ("unknown endpoint", "name: PFS", "name: PSF", "name: PSF", "did you mean 'PFS'?"),
    ("YAML 1.1 boolean", "    primary: true\n", "    primary: no\n", "primary: no", "write true or false"),
    ("python tag", "label: ", "label: !!python/object/apply:os.system ['touch pwned'] #", "label:",
     "is not allowed"),
    ("duplicate key", "label: ", "id: again\nlabel: ", "id: again", "duplicate key 'id'"),
    ("malformed YAML", "label: ", "label: [unclosed\nfoo: ", None, "malformed YAML"),
    ("unknown source", "at: \"Abstract\"\n  printed:", "at: \"Abstract\"\n  source: nowhere\n  printed:",
     "source: nowhere", "unknown source 'nowhere'"),
    ("rate with an interval but no interval type", '{name: ORR, value: "6/30 (20.0%)", at: "Abstract"}',
     '{name: ORR, value: "6/30 (20.0%, 95% CI 7.7-38.6)", at: "Abstract"}', "name: ORR", "needs 'interval'"),
    ("median without interval type", 'interval: 95% CI, at: "Abstract"}', 'at: "Abstract"}',
     'value: "4.5 (3.5, 6.3)"', "needs 'interval'"),
]


@pytest.mark.parametrize(("name", "old", "new", "where", "fragment"), EDITS, ids=[e[0] for e in EDITS])
def test_edit_is_reported_at_its_line(capsys, write, valid_text, name, old, new, where, fragment):
    assert old in valid_text, f"scaffold changed: {old!r}"
    text = valid_text.replace(old, new, 1)
    path = write(text)
    line = _line_of(text, where) if where else None
    _assert_problem(capsys, path, line, fragment)


def test_python_tag_is_never_executed(capsys, write, valid_text, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    text = valid_text.replace("label: ", "label: !!python/object/apply:os.system ['touch pwned'] #", 1)
    _assert_problem(capsys, write(text), None, "not allowed")
    assert not (tmp_path / "pwned").exists()


def test_yaml_11_words_stay_text(write, valid_text):
    """``country: no`` is Norway, not False; dates stay as printed."""
    text = valid_text.replace("country: null", "country: no")
    text = text.replace("accrual_start: null", "accrual_start: 2018-01-05")
    cohort = tc.load(write(text))["demo"]
    assert cohort.descriptor.design.country == "no"
    assert cohort.descriptor.design.accrual_start == "2018-01-05"


@pytest.mark.parametrize(
    ("content", "fragment", "line", "column"),
    [
        ("", "file is empty", 1, 1),
        ("# only a comment\n", "file is empty", 1, 1),
        ("- a\n- b\n", "must be a mapping", 1, 1),
        ("just text\n", "must be a mapping", 1, 1),
        (b"id: demo\nlabel: \xff\n", "not UTF-8", 2, 8),
    ],
)
def test_whole_file_problems(capsys, write, content, fragment, line, column):
    path = write(content)
    err = _assert_problem(capsys, path, line, fragment)
    assert f":{line}:{column}:" in err


def test_missing_file(capsys, tmp_path):
    code, _, err = _run(capsys, "validate", str(tmp_path / "nope.yaml"))
    assert code == 2 and "nope.yaml:1:1: no such file" in err and "Traceback" not in err


def test_too_large_file_is_refused(capsys, write):
    path = write("notes:\n" + "  - x\n" * 200_000)
    _assert_problem(capsys, path, 1, "limited to")


def test_alias_expansion_is_bounded(capsys, write):
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
    for i, name in enumerate("bcdefgh"):
        prev = "abcdefgh"[i]
        bomb += f"{name}: &{name} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"
    _assert_problem(capsys, write(bomb), None, "alias expansion")


def test_two_descriptors_with_the_same_id(capsys, write, valid_text):
    a = write(valid_text, "a.yaml")
    b = write(valid_text, "b.yaml")
    err = _assert_problem(capsys, a, _line_of(valid_text, "id: demo"), "duplicate id 'demo'", b)
    assert "b.yaml" in err


def test_curve_path_may_not_leave_the_folder(capsys, write, valid_text, tmp_path):
    (tmp_path / "outside.csv").write_text("time,survival\n0,1\n")
    text = valid_text.replace("    curve: null ", "    curve: {file: ../outside.csv, at: Figure 2}\n    #", 1)
    path = write(text, "sub/demo.yaml")
    _assert_problem(capsys, path, _line_of(text, "../outside.csv"), "leaves the descriptor's folder")


def test_curve_file_must_exist(capsys, write, valid_text):
    text = valid_text.replace("    curve: null ", "    curve: {file: missing.csv, at: Figure 2}\n    #", 1)
    _assert_problem(capsys, write(text), None, "does not exist")


def test_every_problem_of_a_file_is_reported(capsys, write, valid_text):
    text = valid_text.replace("label: ", "labl: ", 1).replace("variable: sex", "variable: sexx")
    err = _assert_problem(capsys, write(text), None, "labl")
    assert "sexx" in err and "label: Field required" in err


def test_api_raises_descriptor_error_with_position(write, valid_text):
    text = valid_text.replace("variable: sex", "variable: sexx")
    with pytest.raises(tc.DescriptorError) as info:
        tc.load(write(text))
    exc = info.value
    assert (exc.line, exc.column) == (_line_of(text, "variable: sexx"), 5)
    assert exc.file.endswith("demo.yaml") and "sexx" in exc.message


def test_no_arguments_and_wrong_arguments(capsys):
    assert main([]) == 2
    assert "usage" in capsys.readouterr().err
    with pytest.raises(SystemExit) as info:
        main(["frobnicate"])
    assert info.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("csv_text", "line", "fragment"),
    [
        ("t,s\n0,1\n", 1, "header 'time,survival'"),
        ("time,survival\n0,1\n2,abc\n", 3, "two numbers"),
        ("time,survival\n0,1\n2,1.2\n", 3, "[0, 1]"),
        ("time,survival\n0,1\n3,0.9\n2,0.8\n", 4, "must not decrease"),
        ("time,survival\n", 1, "no points"),
    ],
)
def test_bad_curve_csv_is_reported_at_its_line(capsys, write, valid_text, tmp_path, csv_text, line, fragment):
    (tmp_path / "pfs.csv").write_text(csv_text)
    text = valid_text.replace("    curve: null ", "    curve: {file: pfs.csv, at: Figure 2}\n    #", 1)
    path = write(text)
    code, out, err = _run(capsys, "validate", str(path))
    assert code == 2 and out == "" and "Traceback" not in err
    assert f"pfs.csv:{line}:1:" in err and fragment in err
