"""Newcomer friction 24: ``scripts/bootstrap.sh`` says what it does, one line per step, and nothing else.

The script runs against a stand-in virtual environment (a ``python`` that only records its arguments), so nothing is
installed; the system-library check is the real one (skipped where the libraries are missing: it would install).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def _run(venv: Path) -> subprocess.CompletedProcess[str]:
    env = os.environ | {"VENV": str(venv), "PYTHON": sys.executable}
    return subprocess.run(["bash", str(REPO / "scripts" / "bootstrap.sh")], env=env, capture_output=True,
                          text=True, check=False, timeout=120)


def test_one_line_per_step(tmp_path):
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    log = tmp_path / "calls"
    fake = venv / "bin" / "python"
    fake.write_text(f'#!/bin/sh\necho "$*" >> "{log}"\n', encoding="utf-8")
    fake.chmod(0o755)
    done = _run(venv)
    if "missing" in done.stderr:
        pytest.skip("WeasyPrint's system libraries are missing here: bootstrap would install them")
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    assert done.stderr.splitlines() == [
        "bootstrap: checking system libraries for WeasyPrint (Pango, HarfBuzz, fontconfig)",
        f"bootstrap: installing pip and trialcompare with its test tools into {venv} (pip install -e .[dev])",
        "bootstrap: compiling the bytecode of src/",
        f"bootstrap: done: {venv} is ready",
    ]  # the venv exists: no "creating" line
    assert log.read_text(encoding="utf-8").splitlines() == [
        "-m pip install -q --upgrade pip", "-m pip install -q -e .[dev]", "-m compileall -q src"]
    assert (venv / ".installed").exists()
