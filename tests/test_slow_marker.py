"""Issue 24, item 9: the `slow` marker is registered, `make test` runs everything, `make test-fast` the rest."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def test_the_marker_is_registered_and_strict():
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["pytest"]["ini_options"]
    assert any(m.startswith("slow:") for m in config["markers"]) and "--strict-markers" in config["addopts"]


def test_make_test_runs_everything_and_test_fast_leaves_out_slow():
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^test: .*\n\t\$\(VENV\)/bin/python -m pytest\n", makefile, re.M)
    assert re.search(r'^test-fast: .*\n\t\$\(VENV\)/bin/python -m pytest -m "not slow"\n', makefile, re.M)


@pytest.mark.parametrize(("source", "slow"), [
    ("subprocess.run([...])", True), ("pdf = html_to_pdf(html)", True), ('main(["report", "-o", "x.pdf"])', True),
    ('main(["report", str(s), "--html", "-o", "x.html"])', False), ('main(["validate", "x"])', False),
])
def test_the_rule_that_marks_slow_tests(source, slow, pytestconfig):
    rule = pytestconfig.pluginmanager.get_plugin(str(REPO / "tests" / "conftest.py"))
    assert rule is not None
    assert bool(rule._SLOW_SOURCE.search(source)) is slow
