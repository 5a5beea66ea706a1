"""Issue 24, item 7: the last bad inputs of the attack run, each run through the command line in-process.

Every failure names ``file:line:column`` (or the argument), exits 2, prints no traceback and writes nothing; an
effect that validate flags (a ratio ≤ 0) is left out of the anchored comparisons instead of ending the report.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

from trialcompare import _io, load
from trialcompare.cli import main
from trialcompare.descriptor.scaffold_arms import scaffold_arms

SRC = Path(__file__).resolve().parents[1] / "src"


def _arms(tmp_path: Path, hr: str) -> Path:
    folder = tmp_path / "arms"
    folder.mkdir()
    for cid, text in scaffold_arms("tx", 2).items():
        text = text.replace('value: "1.00 (95% CI 0.50-2.00)"', f'value: "{hr}"')
        (folder / f"{cid}.yaml").write_text(text, encoding="utf-8")
    return folder


@pytest.mark.parametrize("hr", ["0 (95% CI 0.50-2.00)", "-0.5 (95% CI -1.0-2.00)", "0.5 (95% CI 0-2.00)"])
def test_a_ratio_not_above_zero_is_left_out_not_a_crash(tmp_path, capsys, hr):
    folder = _arms(tmp_path, hr)
    assert main(["table", str(folder), "--what", "differences"]) == 0
    out, err = capsys.readouterr()
    assert "Traceback" not in err  # a table, or the plain "no differences" message
    code = main(["validate", str(folder)])
    out, _ = capsys.readouterr()
    assert code == 1 and re.search(r"EFF-RATIO-NONPOSITIVE|INT-OUTSIDE", out), out


def test_the_report_of_a_ratio_not_above_zero_is_written(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    folder = _arms(tmp_path, "0 (95% CI 0.50-2.00)")
    assert main(["report", str(folder), "--html", "-o", str(tmp_path / "r.html")]) == 0, capsys.readouterr().err
    written = "".join(p.read_text(encoding="utf-8") for p in tmp_path.glob("r*.html"))  # body and supplement
    assert "EFF-RATIO-NONPOSITIVE" in written


def test_json_output_has_no_nan_or_infinity(tmp_path, capsys, valid_text):
    path = tmp_path / "demo.yaml"
    path.write_text(valid_text, encoding="utf-8")
    for what in ("table", "smd", "differences", "baseline", "outcomes"):
        assert main(["table", str(path), "--what", what, "--format", "json"]) == 0
        out = capsys.readouterr().out
        constants: list[str] = []
        json.loads(out, parse_constant=constants.append)
        assert constants == [], (what, constants)


def test_finite_turns_nan_and_infinity_into_null():
    import polars as pl

    from trialcompare.cli_table import _finite

    df = _finite(pl.DataFrame({"x": [1.0, float("nan"), float("inf")], "s": ["a", "b", "c"]}))
    assert df["x"].to_list() == [1.0, None, None] and df["s"].to_list() == ["a", "b", "c"]


@pytest.mark.parametrize(("time", "unit", "ok"), [(100, "years", True), (101, "years", False),
                                                  (1e308, "years", False), (5218, "weeks", True),
                                                  (5300, "weeks", False), (36525, "days", True),
                                                  (40000, "days", False), (1200, "months", True)])
def test_time_points_are_bounded_per_unit(tmp_path, capsys, valid_text, time, unit, ok):
    text = valid_text.replace("statistic: rate, months: 6,", f"statistic: rate, time: {time}, unit: {unit},")
    path = tmp_path / "demo.yaml"
    path.write_text(text, encoding="utf-8")
    code = main(["validate", str(path)])
    err = capsys.readouterr().err
    if ok:
        assert code in (0, 1), err
    else:
        assert code == 2 and re.search(r"demo\.yaml:\d+:\d+: .*beyond a century", err), err


def test_labels_that_repeat_are_made_unique_with_a_warning(tmp_path, valid_text):
    for cid in ("demo", "demo-two", "demo-three"):
        (tmp_path / f"{cid}.yaml").write_text(valid_text.replace("id: demo ", f"id: {cid} ", 1), encoding="utf-8")
    with pytest.warns(UserWarning, match=r"3 cohorts share the label 'Demo'"):
        cohorts = load(tmp_path)
    assert sorted(c.descriptor.label for c in cohorts) == ["Demo (demo)", "Demo (demo-three)", "Demo (demo-two)"]


def test_a_table_of_cohorts_with_one_label_is_printed_once_warned(tmp_path, valid_text, capsys):
    for cid in ("demo", "demo-two", "demo-three"):
        (tmp_path / f"{cid}.yaml").write_text(valid_text.replace("id: demo ", f"id: {cid} ", 1), encoding="utf-8")
    for what in ("table", "differences", "smd"):
        with warnings.catch_warnings():
            warnings.simplefilter("always")  # as a user's interpreter shows them (the tests make them errors)
            assert main(["table", str(tmp_path), "--what", what]) == 0
        out, err = capsys.readouterr()
        assert err.count("share the label") == 1, err
    assert "Demo (demo-three)" in out or what != "table"


# --- the atomic writer ------------------------------------------------------------------------------------------


def test_stale_temporary_files_of_the_target_are_removed_on_the_next_write(tmp_path):
    target = tmp_path / "report.pdf"
    dead = tmp_path / ".report.pdf.4194000-0a1b2c3d.tmp"  # above any pid this test can meet: not running
    old = tmp_path / ".report.pdf.ab12cd34.tmp"  # an older version's name: stale once over an hour old
    young = tmp_path / ".report.pdf.ef56ab78.tmp"
    alive = tmp_path / f".report.pdf.{os.getppid()}-0a1b2c3d.tmp"  # a running writer's
    other = tmp_path / ".other.pdf.4194000-0a1b2c3d.tmp"  # another target's
    for p in (dead, old, young, alive, other):
        p.write_bytes(b"%PDF")
    os.utime(old, (0, 0))
    _io.atomic_write_bytes(target, b"new")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in (target, young, alive, other))


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(os, "O_TMPFILE"), reason="Linux O_TMPFILE")
def test_kill_between_link_and_rename_leaves_nothing_after_the_next_write(tmp_path):
    code = ("import os, signal\nfrom trialcompare import _io\n"
            "_io.os.replace = lambda *a: os.kill(os.getpid(), signal.SIGKILL)\n"
            "_io.atomic_write_bytes('report.pdf', b'%PDF-complete')\n")
    res = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(SRC)},
                         capture_output=True, timeout=60)
    assert res.returncode == -signal.SIGKILL, res.stderr
    left = list(tmp_path.iterdir())
    assert len(left) == 1 and left[0].name.startswith(".report.pdf.")  # the instant the docstring owns up to
    _io.atomic_write_bytes(tmp_path / "report.pdf", b"%PDF-next")
    assert [p.name for p in tmp_path.iterdir()] == ["report.pdf"]


def test_render_atomic_is_the_same_module():
    from trialcompare.render import atomic

    assert atomic is _io and "next write" in _io.__doc__


# --- the PDF process --------------------------------------------------------------------------------------------


def _failing_child(script: str):
    from trialcompare.render import pdf_process

    class Failing(pdf_process.PdfProcess):
        def __init__(self) -> None:
            self._process = subprocess.Popen([sys.executable, "-c", script], stdin=subprocess.PIPE,
                                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    return Failing


@pytest.mark.slow
@pytest.mark.parametrize("script", [
    "import sys; sys.stdin.buffer.read(); sys.stderr.write('Traceback (most recent call last):\\n  File x\\n"
    "MemoryError: out of memory\\n'); sys.exit(1)",
    "import os; os._exit(3)",  # dies before reading: the HTML meets a closed pipe
])
def test_a_failed_pdf_process_is_a_message_not_a_traceback(tmp_path, capsys, monkeypatch, valid_text, script):
    from trialcompare.render import pdf_process

    monkeypatch.setattr(pdf_process, "PdfProcess", _failing_child(script))
    monkeypatch.delitem(sys.modules, "weasyprint", raising=False)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "demo.yaml").write_text(valid_text, encoding="utf-8")
    other = valid_text.replace("id: demo ", "id: other ", 1).replace('label: "Demo"', 'label: "Other"', 1)
    (tmp_path / "other.yaml").write_text(other, encoding="utf-8")
    code = main(["report", "demo.yaml", "other.yaml", "-o", "out/out.pdf"])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err, err
    assert err.startswith("trialcompare: the PDF could not be made"), err
    assert not (tmp_path / "out").exists()  # the folder made for it is removed again


# --- warnings ---------------------------------------------------------------------------------------------------


def test_library_warnings_do_not_reach_the_user(capsys, monkeypatch):
    from trialcompare import cli

    scope = {"__name__": "trialcompare.fake", "warnings": warnings}
    exec("def command(args):\n    import polars as pl\n    pl.col('x') == None\n"
         "    warnings.warn('ours, once', UserWarning)\n    warnings.warn('ours, once', UserWarning)\n"
         "    return 0\n", scope)
    monkeypatch.setattr(cli, "cmd_schema", scope["command"])
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        assert main(["schema"]) == 0
    err = capsys.readouterr().err
    assert err == "trialcompare: warning: ours, once\n", err
