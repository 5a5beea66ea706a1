"""Shared fixtures: a valid descriptor text (the scaffold's filled example) and a writer for variants of it."""

from __future__ import annotations

from pathlib import Path

import pytest

from trialcompare.descriptor.scaffold import example

REPO = Path(__file__).resolve().parents[1]
TRIALS = REPO / "trials"


@pytest.fixture
def valid_text() -> str:
    """A descriptor that loads without problems."""
    return example("demo")


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


# --- the `slow` marker (issue 24, item 9) ------------------------------------------------------------------------
# `make test` runs everything; `make test-fast` (-m "not slow") leaves out what lays out a PDF, builds the wheel or
# starts another process. Besides tests marked by hand, a test is slow when its module is the wheel's or its source
# (or a fixture it uses) does one of those things: the rule marks new tests of that kind without anyone remembering.

import inspect  # noqa: E402
import re  # noqa: E402

_SLOW_MODULES = {"test_wheel.py"}
_SLOW_SOURCE = re.compile(r"subprocess\.|html_to_pdf\(|render_pdf\(|write_pdf\(|PdfProcess\(|pdf_renderer\(|"
                          r"default_pdf|\"report\"(?![^\]\n]*--html)")


def _source(obj) -> str:
    try:
        return inspect.getsource(obj)
    except (OSError, TypeError):
        return ""


def pytest_collection_modifyitems(config, items):
    """Mark the slow tests (see above)."""
    fixtures: dict[str, str] = {}
    for item in items:
        if item.get_closest_marker("slow"):
            continue
        dtest = getattr(item, "dtest", None)  # a docstring example
        if dtest is not None:
            if _SLOW_SOURCE.search("".join(e.source for e in dtest.examples)):
                item.add_marker(pytest.mark.slow)
            continue
        function = getattr(item, "function", None)
        if function is None:
            continue
        text = _source(function)
        for name in getattr(item, "fixturenames", ()):
            if name not in fixtures:
                defs = item._fixtureinfo.name2fixturedefs.get(name, ()) if hasattr(item, "_fixtureinfo") else ()
                fixtures[name] = "".join(_source(d.func) for d in defs)
            text += fixtures[name]
        if item.path.name in _SLOW_MODULES or _SLOW_SOURCE.search(text):
            item.add_marker(pytest.mark.slow)
