"""Small synthetic descriptors for the check families, built in ``tmp_path``.

``cohort(...)`` writes a minimal valid descriptor (JSON is YAML) with the given sections and returns its path;
the ``run`` fixture loads them and returns the findings; ``entry`` builds a categorical entry.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import trialcompare as tc
from trialcompare.checks import Finding


def _base(cohort_id: str, n: int) -> dict[str, Any]:
    return {
        "id": cohort_id,
        "label": cohort_id,
        "regimen": {"text": "drug"},
        "sources": [
            {"key": "paper", "citation": "The paper", "role": "primary"},
            {"key": "primary", "citation": "Its primary publication", "role": "primary"},
        ],
        "design": {"type": "retrospective", "at": "Methods"},
        "population": {"n": n, "n_refers_to": "treated", "at": "Table IV"},
    }


@pytest.fixture
def cohort(tmp_path: Path) -> Callable[..., Path]:
    """Write a synthetic descriptor: ``cohort("a", n=33, baseline=[...], design={...})``."""

    def _cohort(cohort_id: str = "demo", n: int = 33, **parts: Any) -> Path:
        data = _base(cohort_id, n)
        for key, value in parts.items():
            if key in ("design", "population"):
                data[key].update(value)
            else:
                data[key] = value
        path = tmp_path / f"{cohort_id}.yaml"
        path.write_text(json.dumps(data, indent=1), encoding="utf-8")
        return path

    return _cohort


def _run(*paths: Path, prefix: str = "") -> list[Finding]:
    return [f for f in tc.check(tc.load(*paths)) if f.code.startswith(prefix)]


@pytest.fixture
def run() -> Callable[..., list[Finding]]:
    """``run(*paths, prefix="PCT")``: the findings on the descriptors at ``paths`` whose code starts with prefix."""
    return _run


def cat(variable: str, levels: dict[str, Any], at: str = "Table IV", **extra: Any) -> dict[str, Any]:
    """A categorical entry."""
    return {"variable": variable, "at": at, "levels": levels, **extra}


@pytest.fixture
def entry() -> Callable[..., dict[str, Any]]:
    """``entry("ecog", {"0": "20 (60.6)"}, at="Table I")``: a categorical entry."""
    return cat
