"""``tc.analyse``: one orchestrator returning a frozen Analysis; the spec's meta options reach the computation."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import polars as pl
import pytest

import trialcompare as tc
from trialcompare.meta import pool_proportions
from trialcompare.render.report import render_html
from trialcompare.spec import load_spec

REPO = Path(__file__).resolve().parents[1]
SPEC = REPO / "reports" / "table-iv.yaml"


@pytest.fixture(scope="module")
def arcsine_dl() -> tc.Analysis:
    """Table IV plus the library (enough comparators to pool ORR), asking for arcsine/DL."""
    spec = load_spec(SPEC)
    meta = spec.meta.model_copy(update={"outcomes": ["orr"], "transform": "arcsine", "method": "DL", "scenarios": []})
    return tc.analyse(spec.model_copy(update={"meta": meta, "trials": ["../trials"], "cohorts": None}))


def test_spec_transform_and_method_reach_the_pooling(arcsine_dl: tc.Analysis) -> None:
    """A spec asking for arcsine/DL gets arcsine/DL numbers, in the suite and in the benchmark the report shows:
    the same numbers as pool_proportions on the same counts (the old report printed the spec's choice but computed
    logit/REML)."""
    (check,) = arcsine_dl.meta
    suite = check.suite
    assert suite is not None and suite.options[:2] == ("arcsine", "DL")
    data = suite.data.filter(pl.col("events").is_not_null())
    direct = pool_proportions(data["events"].to_list(), data["total"].to_list(), transform="arcsine", method="DL")
    assert suite.primary.proportion[0] == pytest.approx(direct.proportion[0], rel=1e-12)
    assert suite.primary.tau2 == pytest.approx(direct.tau2, rel=1e-12, abs=1e-15)
    (bench,) = arcsine_dl.benchmarks
    assert (bench.transform, bench.method, bench.estimable) == ("arcsine", "DL", True)
    comps = bench.comparators
    again = pool_proportions(comps["events"].to_list(), comps["total"].to_list(), transform="arcsine", method="DL",
                             test=bench.test)
    logit = pool_proportions(comps["events"].to_list(), comps["total"].to_list(), test=bench.test)
    assert bench.pooled[0] == pytest.approx(again.proportion[0], rel=1e-10)
    assert abs(logit.proportion[0] - again.proportion[0]) > 1e-4  # the choice matters for these counts
    html = render_html(arcsine_dl)  # the report states the prediction interval of that arcsine/DL benchmark
    head = arcsine_dl.benchmark_facts[0][0]
    assert head["pi_low"] == pytest.approx(round(100 * bench.prediction[0], 1))
    assert f"{head['pi_low']:.1f}%" in html and f"{head['pi_high']:.1f}%" in html


def test_analysis_is_frozen_data_with_a_readable_summary(arcsine_dl: tc.Analysis) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        arcsine_dl.reference = "ie"  # type: ignore[misc]
    text = arcsine_dl.summary()
    assert "Reference: Apatinib + IE" in text or "Reference:" in text
    assert "Analysis(" in repr(arcsine_dl) and "apatinib-ie" in repr(arcsine_dl)
    assert "<table" in arcsine_dl._repr_html_()
    assert isinstance(arcsine_dl.frame, pl.DataFrame) and isinstance(arcsine_dl.inputs, pl.DataFrame)


def test_input_paths_are_relative_to_the_spec(arcsine_dl: tc.Analysis) -> None:
    files = arcsine_dl.inputs["file"].to_list()
    assert "../trials/apatinib-ie.yaml" in files and "table-iv.yaml" in files
    assert not any(f.startswith("/") for f in files)


def test_a_spec_naming_a_missing_cohort_names_its_line(tmp_path: Path) -> None:
    spec = load_spec(SPEC).model_copy(update={"cohorts": ["apatinib-ie", "nope"]})
    with pytest.raises(tc.DescriptorError, match="nope") as info:
        tc.analyse(spec, with_meta=False)
    assert str(SPEC) in str(info.value)


def test_descriptor_paths_get_default_options() -> None:
    a = tc.analyse([REPO / "trials" / "apatinib-ie.yaml", REPO / "trials" / "ie.yaml"], with_meta=False)
    assert a.reference == "apatinib-ie" and a.cohorts.ids == ["apatinib-ie", "ie"]


def test_a_spec_with_ipd_gets_a_population_adjusted_section() -> None:
    """reports/maic-example.yaml names the simulated IPD: the analysis holds the MAIC, and the report shows its ESS,
    the factors not matched and the unanchored assumption (numbers pinned to R in tests/maic/)."""
    a = tc.analyse(REPO / "reports" / "maic-example.yaml", with_meta=False)
    assert a.maic is not None and a.maic.comparator == "apatinib"
    assert 0 < a.maic.weights.ess < a.maic.weights.n
    html = render_html(a)
    assert "Population-adjusted comparison (MAIC, STC)" in html and "SIMULATED" in html
    assert f"{a.maic.weights.ess:.1f}" in html and "stays\n<b>unanchored</b>" in html


def test_a_missing_ipd_file_is_a_clear_error(tmp_path: Path) -> None:
    spec = load_spec(REPO / "reports" / "maic-example.yaml")
    spec = spec.model_copy(update={"maic": spec.maic.model_copy(update={"ipd": "nope.csv"})})
    with pytest.raises(tc.AnalysisError, match=r"nope\.csv"):
        tc.analyse(spec, with_meta=False)


def test_the_ipd_endpoint_of_the_spec_names_its_kaplan_meier_rows() -> None:
    """reports/maic-example.yaml says the simulated IPD's time/event are EFS: the IPD's KM rows carry it, the
    comparator's printed rows keep their own endpoint (PFS)."""
    a = tc.analyse(REPO / "reports" / "maic-example.yaml", with_meta=False)
    rows = a.maic.survival
    assert set(rows.filter(pl.col("source").str.starts_with("IPD"))["endpoint"]) == {"EFS"}
    assert set(rows.filter(~pl.col("source").str.starts_with("IPD"))["endpoint"]) == {"PFS"}


def test_a_maic_outcome_the_comparator_cannot_give_is_a_clear_error() -> None:
    """A hazard ratio needs the comparator's curve: apatinib prints none, so ``outcome: PFS`` is an AnalysisError
    naming the spec (the command line then exits 2), never a traceback."""
    spec = load_spec(REPO / "reports" / "maic-example.yaml")
    spec = spec.model_copy(update={"maic": spec.maic.model_copy(update={"outcome": "PFS"})})
    with pytest.raises(tc.AnalysisError, match=r"maic-example\.yaml: maic: .*no digitised PFS curve"):
        tc.analyse(spec, with_meta=False)


def test_follow_up_in_weeks_is_shown_with_its_months(arcsine_dl: tc.Analysis) -> None:
    """APFAO prints its median follow-up as 48.3 weeks: kept as printed, with 48.3 × 7 / 30.4375 = 11.1 months."""
    html = render_html(arcsine_dl)
    assert "48.3 (Q1-Q3 30.6-66.6) weeks (≈ 11.1 months)" in html


def test_verdict_numbers_say_an_inferred_count_and_another_time_point() -> None:
    """tki-library's page 1: ITCC-050 prints "6.7% (95% CI 0.8-22.1)" with no denominator (2/30 inferred, see
    test_comparison), CABONE its ORR at 6 months — a different time point from the reference's best response, so no
    difference is computed. Neither cell may pass for a printed count or a missing number."""
    from trialcompare.render.verdict import _numbers

    a = tc.analyse(REPO / "reports" / "tki-library.yaml", with_meta=False)
    _, rows, _ = _numbers(a)
    cells = {r["cohort"]: r["cells"][:2] for r in rows}
    assert cells["Lenvatinib (ITCC-050)"][0] == "2/30 = 6.7% (0.8%–22.1%) (count inferred, not printed)"
    assert cells["Cabozantinib (CABONE)"] == ["5/42 = 11.9% (4.0%–25.6%) at 6 months",
                                              "not computed (another time point)"]


def test_benchmark_pools_the_inferred_count_and_says_its_interval_is_uninformative() -> None:
    """The ORR benchmark of tki-library pools ITCC-050's 2/30 (inferred from "6.7% (95% CI 0.8-22.1)"), apatinib's
    16/37 and Tian's 7/20; with k = 3 the t(1) prediction interval spans 0-100%, wider than 50 points: the reference is
    not placed against it, and page 1 says so."""
    a = tc.analyse(REPO / "reports" / "tki-library.yaml")
    orr = next(b for b in a.benchmarks if b.outcome == "orr")
    counts = {r["cohort"]: (r["events"], r["total"]) for r in orr.comparators.iter_rows(named=True)}
    assert counts["itcc050-lenvatinib"] == (2, 30) and counts["apatinib"] == (16, 37)
    head = next(f for f in a.verdict.context if f.code == "benchmark-not-placed")
    assert head["outcome"] == "orr" and head["position"] == "uninformative-interval"


def test_continuation_panels_show_only_what_their_cohorts_report() -> None:
    """Issue 11, item 10: tki-library's baseline panels of library cohorts were all "not reported". A continuation
    panel keeps only the variables one of its cohorts reports (REGOBONE/CABONE/ITCC-050: lenvatinib's median age
    15) and names the others once; a panel none of whose cohorts reports anything keeps no table. The first panel
    (with the reference's values) is untouched."""
    from trialcompare.render.report import build_context
    from trialcompare.render.tables import table_iv

    a = tc.analyse(REPO / "reports" / "tki-library.yaml", with_meta=False)
    first, second, third = build_context(a)["baseline_blocks"]
    assert first["unreported"] == [] and len(first["rows"]) == 23
    assert [r["label"] for r in second["rows"]] == ["Patient age, average years ± standard deviation (95% CI)"]
    assert second["rows"][0]["group"] == "Baseline" and "Sex, n (%)" in second["unreported"]
    assert third["rows"] == [] and len(third["unreported"]) == 7
    orr = table_iv(a.comparison).filter(pl.col("row").str.starts_with("ORR"))["row"].to_list()
    assert orr == ["ORR (CR + PR unless the cell says otherwise)"]  # CABONE's and ITCC-050's cells say how


def test_the_tsd18_table_fits_the_page_in_panels() -> None:
    """tki-library has nine comparators: the factor table is split into panels of at most three (it ran off the page
    as one), each panel only with the factors one of its comparators reports, the others named once under it."""
    from trialcompare.render.report import build_context

    blocks = build_context(tc.analyse(REPO / "reports" / "tki-library.yaml", with_meta=False))["factor_blocks"]
    assert [b["table"].width for b in blocks] == [4, 4, 4]
    # 6 baseline factors, resectable disease at entry, accrual and follow-up; the 4 key factors no comparator
    # reports are named once under the table (complete surgical remission, an outcome, is no longer a factor)
    assert blocks[0]["table"].height == 9 and "Number of lung nodules" in blocks[0]["unreported"]
    assert "Complete surgical remission" not in " ".join(blocks[0]["table"]["factor"].to_list())
    assert blocks[1]["table"]["factor"].to_list() == ["Accrual period", "Median follow-up"]
    assert "Age" in blocks[1]["unreported"] and "Median follow-up" in blocks[2]["unreported"]
    table_iv = build_context(tc.analyse(REPO / "reports" / "table-iv.yaml", with_meta=False))["factor_blocks"]
    assert len(table_iv) == 1 and table_iv[0]["unreported"] == [
        "Refractory disease (time to progression after first line)", "Prior progression on IE",
        "Prior apatinib", "Number of lung nodules"]
