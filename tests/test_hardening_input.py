"""Hardening of input: YAML 1.2 as data, regular files only, confined paths, no algorithm linear in N, one curve
reader for validate and report, warnings as diagnostics."""

from __future__ import annotations

import os
import random
import threading
import time
import warnings
from pathlib import Path

import pytest

import trialcompare as tc
from trialcompare.analysis import is_spec_file as _is_spec
from trialcompare.checks._common import fits
from trialcompare.checks.percentages import fitting_counts, fitting_denominators
from trialcompare.cli import main
from trialcompare.load import read_curve
from trialcompare.yamlsafe import MAX_INT, YamlProblem, parse_yaml, read_regular


@pytest.mark.parametrize(("text", "value"), [
    ("a: 1:30", "1:30"), ("a: 0x1F", 31), ("a: 0o17", 15), ("a: -12", -12), ("a: 0", 0), ("a: no", "no"),
    ("a: 2018-01-05", "2018-01-05"), ("a: 1.5e3", 1500.0), (f"a: {MAX_INT}", MAX_INT), ('a: "030"', "030"),
])
def test_yaml_12_values(text, value):
    assert parse_yaml(text)[0]["a"] == value


@pytest.mark.parametrize(("text", "fragment", "line", "column"), [
    ("a: 030", "leading zero", 1, 4),
    ("x: 1\na: !!int 1:30", "explicit tag '!!int'", 2, 4),
    ("a: {0: x, '0': y}", "duplicate key", 1, 11),
    ("a: &a [*a]", "cycle", 1, 4),
    ("a: 1\n<<: {b: 1}", "merge keys", 2, 1),
    ("a: b\x07", "control character", 1, 5),
    ("a: " + "[" * 100 + "]" * 100, "nested", 1, 1),
    (f"a: {MAX_INT + 1}", "64-bit", 1, 4),
    ("a: ! 12", "explicit tag '!'", 1, 4),
])
def test_yaml_problems_have_positions(text, fragment, line, column):
    with pytest.raises(YamlProblem) as info:
        parse_yaml(text)
    assert fragment in info.value.message
    assert info.value.line == line and (info.value.column == column or fragment == "nested")


def test_a_fifo_never_blocks(tmp_path):
    fifo = tmp_path / "x.yaml"
    os.mkfifo(fifo)
    result: list[BaseException | None] = []

    def read() -> None:
        try:
            read_regular(fifo)
        except YamlProblem as exc:
            result.append(exc)

    t = threading.Thread(target=read, daemon=True)
    t.start()
    t.join(5)
    assert result and "FIFO" in str(result[0])


def test_a_device_is_not_read():
    with pytest.raises(YamlProblem, match="device"):
        read_regular(Path("/dev/zero"))


def test_the_size_limit_holds_while_reading(tmp_path, monkeypatch):
    path = tmp_path / "grows.yaml"
    path.write_bytes(b"a: 1\n" * 10)
    real_stat, real_fstat = os.stat, os.fstat

    def small(st):  # the file grows after the checks: reading must still stop at the limit
        return os.stat_result((st.st_mode, *st[1:6], 0, *st[7:10]))

    monkeypatch.setattr(os, "stat", lambda p, *a, **k: small(real_stat(p, *a, **k)))
    monkeypatch.setattr(os, "fstat", lambda fd: small(real_fstat(fd)))
    with pytest.raises(YamlProblem, match="larger than 20 bytes"):
        read_regular(path, 20)


def test_symlink_inside_the_folder_is_followed(tmp_path, valid_text):
    folder = tmp_path / "trials"
    (folder / "real").mkdir(parents=True)
    (folder / "real" / "demo.yml").write_text(valid_text)
    (folder / "demo.yaml").symlink_to(folder / "real" / "demo.yml")
    with pytest.raises(tc.DescriptorError, match="duplicate id"):  # both found, both inside
        tc.load(folder)


def test_symlink_named_on_the_command_line_is_the_users_choice(tmp_path, valid_text):
    (tmp_path / "elsewhere.yaml").write_text(valid_text)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "demo.yaml").symlink_to(tmp_path / "elsewhere.yaml")
    assert tc.load(tmp_path / "sub" / "demo.yaml").ids == ["demo"]


def test_percentage_fitting_is_closed_form_and_exact():
    rng = random.Random(7)
    for _ in range(3000):
        d, dec = rng.randint(1, 400), rng.choice([0, 1, 2])
        p = round(100 * rng.randint(0, d) / d, dec) if rng.random() < 0.5 else round(rng.uniform(0, 100), dec)
        assert fitting_counts(d, p, dec) == [k for k in range(d + 1) if fits(100.0 * k / d, p, dec)]
        n = rng.randint(0, d)
        brute = [x for x in range(max(n, 1), 3 * d + 11) if fits(100.0 * n / x, p, dec)]
        assert fitting_denominators(n, p, dec, 3 * d + 10) == brute


@pytest.mark.parametrize("n", ["4294967296", "9223372036854775807"])
def test_validate_is_fast_for_a_huge_n(capsys, write, valid_text, n):
    path = write(valid_text.replace("  n: 30 ", f"  n: {n} ", 1))
    start = time.perf_counter()
    assert main(["validate", str(path)]) == 1  # percentages do not fit: findings, not a hang
    assert time.perf_counter() - start < 10
    assert "PCT-" in capsys.readouterr().out


def test_a_curve_that_passes_validate_is_read_the_same_by_report(tmp_path, write, valid_text, capsys):
    (tmp_path / "pfs.csv").write_text("time , survival\n0,1\n2,0.8\n2,0.7\n5,0.7\n")
    text = valid_text.replace("    curve: null ", "    curve: {file: pfs.csv, at: Figure 2}\n    #", 1)
    assert main(["validate", str(write(text))]) in (0, 1)
    from trialcompare.survival.cohorts import curve_data

    curves = curve_data(tc.load(tmp_path / "demo.yaml"))
    assert curves[0].times == [0.0, 2.0, 2.0, 5.0] == read_curve(tmp_path / "pfs.csv")[0]


def test_long_leading_comments_do_not_make_a_descriptor_a_spec(tmp_path, valid_text):
    path = tmp_path / "demo.yaml"
    path.write_text("#" + "x" * 5000 + "\n" + valid_text)
    assert not _is_spec(path)
    spec = tmp_path / "spec.yaml"
    spec.write_text('name: s\ntitle: "T"\n')
    assert _is_spec(spec)


def test_warnings_print_as_one_line_without_a_source_path(capsys, monkeypatch):
    from trialcompare import cli

    scope = {"__name__": "trialcompare.fake", "warnings": warnings}  # issue 24: only trialcompare's own warnings
    exec("def noisy(args):\n    warnings.warn('the REML estimator did not converge', RuntimeWarning, "
         "stacklevel=1)\n    return 0\n", scope)
    noisy = scope["noisy"]
    monkeypatch.setattr(cli, "cmd_schema", noisy)
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        parser = cli._parser
        monkeypatch.setattr(cli, "_parser", lambda: _with_func(parser(), noisy))
        assert main(["schema"]) == 0
    err = capsys.readouterr().err
    assert err == "trialcompare: warning: the REML estimator did not converge\n"


def _with_func(parser, func):
    parser.set_defaults(func=func)
    for action in parser._subparsers._group_actions:
        for sub in action.choices.values():
            sub.set_defaults(func=func)
    return parser


def test_spec_in_reports_may_name_the_project_trials(tmp_path, valid_text):
    from trialcompare.spec import load_spec

    (tmp_path / "trials").mkdir()
    (tmp_path / "trials" / "demo.yaml").write_text(valid_text)
    (tmp_path / "reports").mkdir()
    spec = tmp_path / "reports" / "s.yaml"
    spec.write_text('name: s\ntitle: "T"\ntrials: ../trials\ndate: 2026-11-25\n')
    assert load_spec(spec).trial_paths() == [tmp_path / "reports" / "../trials"]
    spec.write_text('name: s\ntitle: "T"\ntrials: ../../etc\n')
    with pytest.raises(tc.DescriptorError, match="outside"):
        load_spec(spec)
