"""`make lint`'s docstring check passes: every public docstring meets the numpydoc checks of pyproject.toml.

The check itself is scripts/check_docstrings.py (numpydoc's validator over the objects exported by the package's
public modules); this test runs it in process, so that a public function added without its Parameters or Returns
fails the suite and not only `make lint`.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "check_docstrings.py"


def _script():
    spec = importlib.util.spec_from_file_location("check_docstrings", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_public_docstrings_pass_numpydoc_validation():
    assert _script().problems() == []


def test_the_check_sees_the_public_api():
    names = _script().public_names()
    assert "trialcompare.load.CohortSet.subset" in names
    assert "trialcompare.maic._weights.maic_weights" in names  # exported by trialcompare.maic
    assert not any(part.startswith("_") for name in names for part in name.split(".")[-1:])
