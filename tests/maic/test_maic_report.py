"""The report's MAIC section: weighted KM figure and table, and the anchored result with its evidence label."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from trialcompare.analysis import analyse
from trialcompare.render.report import build_context, render_html

REPO = Path(__file__).resolve().parents[2]
FOLDER = REPO / "examples" / "maic" / "anchored"

SPEC = """name: anchored-test
title: "Anchored MAIC test"
date: "2026-12-01"
trials: [trials]
cohorts: [apatinib-ie, ie, sim-drugb-ie, sim-ie]
reference: apatinib-ie
maic:
  ipd: two-arm-synthetic-ipd.csv
  cohort: apatinib-ie
  target: sim-drugb-ie
  outcome: orr
  label: "SIMULATED"
"""


@pytest.fixture(scope="module")
def anchored_analysis(tmp_path_factory: pytest.TempPathFactory):
    base = tmp_path_factory.mktemp("anchored")
    (base / "trials").mkdir()
    for name in ("apatinib-ie.yaml", "ie.yaml"):
        shutil.copy(REPO / "trials" / name, base / "trials" / name)
    for path in (FOLDER / "trials").glob("*.yaml"):
        shutil.copy(path, base / "trials" / path.name)
    for name in ("two-arm-synthetic-ipd.csv", "mapping.yaml"):
        shutil.copy(FOLDER / name, base / name)
    (base / "spec.yaml").write_text(SPEC, encoding="utf-8")
    return analyse(str(base / "spec.yaml"))


def test_context_has_km_figure_table_and_anchored_rows(anchored_analysis) -> None:
    m = build_context(anchored_analysis)["maic"]
    assert m["km"].lstrip().startswith("<?xml") or "<svg" in m["km"]
    assert "patient data, MAIC-weighted" in m["km_table"]["curve"].to_list()
    anchored = m["anchored"]
    assert set(anchored["evidence"]) == {"within IPD", "randomised", "anchored"}
    assert "Bucher, MAIC (anchored MAIC)" in anchored["method"].to_list()


def test_html_shows_the_anchored_section(anchored_analysis) -> None:
    html = render_html(anchored_analysis)
    assert "Anchored comparison through the common comparator" in html
    assert "Median and landmark survival" in html and "weighted to the comparator" in html


def test_single_arm_example_has_no_anchored_block() -> None:
    a = analyse(str(REPO / "reports" / "maic-example.yaml"))
    m = build_context(a)["maic"]
    assert m["anchored"] is None and m["km"] is not None


def test_the_regenerated_example_goes_through_the_report(tmp_path: Path) -> None:
    """examples/maic/apatinib-ie-v2 in a spec: the analysis removes 18 of 33 patients (16 younger than 16, one at
    ECOG 2, one with lung + bone + other lesions), calls the MAIC uninformative, and the HTML renders."""
    (tmp_path / "trials").mkdir()
    for name in ("apatinib-ie.yaml", "apatinib.yaml"):
        shutil.copy(REPO / "trials" / name, tmp_path / "trials" / name)
    shutil.copytree(REPO / "examples" / "maic" / "apatinib-ie-v2", tmp_path / "v2")
    (tmp_path / "spec.yaml").write_text(
        'name: v2\ntitle: "v2"\ndate: "2026-12-07"\ntrials: [trials]\ncohorts: [apatinib-ie, apatinib]\n'
        "reference: apatinib-ie\nmaic:\n  ipd: v2/simulated-ipd.csv\n  cohort: apatinib-ie\n  target: apatinib\n"
        '  endpoint: EFS\n  label: "SIMULATED"\n', encoding="utf-8")
    a = analyse(str(tmp_path / "spec.yaml"))
    assert (a.maic.eligibility.n_before, a.maic.eligibility.n_after) == (33, 15)
    assert a.maic.verdict == "uninformative"
    assert "Median and landmark survival" in render_html(a)
