"""`trialcompare schema`, `trialcompare new`, and the light start-up of `validate`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import trialcompare as tc
from trialcompare.cli import main

REPO = Path(__file__).resolve().parents[1]
TRIALS = REPO / "trials"


def test_schema_is_json_schema_and_committed_copy_is_current(capsys):
    assert main(["schema"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["title"] == "trialcompare cohort descriptor"
    assert "ecog" in printed["description"] and "Population" in printed["$defs"]
    committed = json.loads((TRIALS / "descriptor.schema.json").read_text())
    assert committed == printed, "run: trialcompare schema > trials/descriptor.schema.json"


def test_descriptors_point_editors_at_the_schema():
    for path in TRIALS.glob("*.yaml"):
        assert path.read_text().startswith("# yaml-language-server: $schema=descriptor.schema.json"), path


def test_new_writes_a_valid_descriptor_and_refuses_to_overwrite(tmp_path, monkeypatch, capsys):
    (tmp_path / "trials").mkdir()
    monkeypatch.chdir(tmp_path)
    assert main(["new", "my-cohort"]) == 0
    path = tmp_path / "trials" / "my-cohort.yaml"
    assert tc.load(path).ids == ["my-cohort"]
    before = path.read_bytes()
    assert main(["new", "my-cohort"]) == 2
    assert "already exists" in capsys.readouterr().err
    assert path.read_bytes() == before


def test_new_to_stdout(capsys):
    """On standard output the file's place is unknown, so no $schema path is written (it would point nowhere)."""
    assert main(["new", "x-1", "-o", "-"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# Cohort descriptor.") and "$schema" not in out


def test_validate_does_not_import_the_heavy_stack(tmp_path):
    """`validate` must stay light: no report or statistics stack at start-up (DESIGN.md, issue 2), and since issue
    12 no scipy, numpy or polars either: the checks read the frame's rows and use pure-Python quantiles."""
    code = (
        "import sys; from trialcompare.cli import main; main(['validate', 'trials']);"
        "heavy = [m for m in ('weasyprint', 'matplotlib', 'statsmodels', 'sksurv', 'scipy', 'numpy', 'polars')"
        " if m in sys.modules]; print(heavy, file=sys.stderr)"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=False)
    assert done.returncode in (0, 1), done.stderr
    assert done.stderr.strip().splitlines()[-1] == "[]"


@pytest.mark.parametrize("module", ["trialcompare", "trialcompare.cli"])
def test_the_command_exits_with_mains_status_and_output(module: str, tmp_path: Path) -> None:
    """``python -m trialcompare`` and ``python -m trialcompare.cli`` end through ``run`` (gc.freeze, then exit):
    the status, stdout and stderr are those of :func:`main` — 0 with the cohorts listed, 2 with file:line."""
    import subprocess
    import sys

    ok = subprocess.run([sys.executable, "-m", module, "validate", "--json", str(REPO / "trials")],
                        capture_output=True, text=True, check=False)
    assert ok.returncode == 0 and '"apatinib-ie"' in ok.stdout
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\n  label: [\n", encoding="utf-8")
    broken = subprocess.run([sys.executable, "-m", module, "validate", str(bad)], capture_output=True, text=True,
                            check=False)
    assert broken.returncode == 2 and f"{bad}:2" in broken.stderr and "Traceback" not in broken.stderr
