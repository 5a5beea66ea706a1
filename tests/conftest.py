"""Shared fixtures: a valid descriptor text (the scaffold) and a writer for variants of it."""

from __future__ import annotations

from pathlib import Path

import pytest

from trialcompare.descriptor.scaffold import scaffold

REPO = Path(__file__).resolve().parents[1]
TRIALS = REPO / "trials"


@pytest.fixture
def valid_text() -> str:
    """A descriptor that loads without problems."""
    return scaffold("demo")


@pytest.fixture
def write(tmp_path: Path):
    """Write a descriptor text to ``tmp_path/name`` and return the path."""

    def _write(text: str | bytes, name: str = "demo.yaml") -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return path

    return _write
