"""Frictions of the second newcomer's hour (issue 24), with the two descriptors they transcribed from abstracts
(tests/fixtures/newcomer2/, sources in SOURCES.md there): Liu 2021 anlotinib (reference; prints no categorical
prognostic factor, age as a skewed median (range) "24 years (range, 16-68 years)") and Frankel 2022 pazopanib
(primary endpoint a named proportion, 3/8; no ORR or DCR)."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

import trialcompare as tc
from trialcompare.render.report import render_html, render_supplement
from trialcompare.render.tables import table_iv

ROOT = Path(__file__).resolve().parents[1]
NEW = ROOT / "tests" / "fixtures" / "newcomer2"


@pytest.fixture(scope="module")
def analysis() -> tc.Analysis:
    return tc.analyse([NEW / "liu2021-anlotinib.yaml", NEW / "frankel2022-pazopanib.yaml",
                       ROOT / "trials" / "apatinib.yaml", ROOT / "trials" / "ie.yaml"], with_meta=False)


def test_a_reference_without_the_factor_renders_and_says_so(analysis: tc.Analysis) -> None:
    """The TSD 18 table crashed (TypeError) when the reference reports no categorical factor and two comparators
    do: apatinib's ECOG ≥ 1 is 10/37 = 27%."""
    html = render_html(analysis)
    assert "27%; not reported by the reference: no SMD" in html


def test_a_skewed_reference_median_gives_no_smd(analysis: tc.Analysis) -> None:
    """Liu's age 24 (16-68): (68 − 24) / (24 − 16) = 5.5, skewed; no SMD is judged for a comparator printing age
    (apatinib, IE; pazopanib prints none)."""
    age = analysis.factors.filter(pl.col("factor") == "age")
    got = {r["cohort"]: r["direction"] for r in age.iter_rows(named=True)}
    assert got == {"frankel2022-pazopanib": "not-reported", "apatinib": "skewed-median", "ie": "skewed-median"}
    assert age["smd"].null_count() == age.height
    assert "24 (16-68) (the reference's)" in age["detail"].to_list()


def test_page_one_names_the_cohorts_without_the_claims_numbers(analysis: tc.Analysis) -> None:
    assert "Not in this table (no ORR or DCR printed): Pazopanib (Frankel 2022)." in render_html(analysis)


def test_a_primary_named_proportion_reaches_the_table(analysis: tc.Analysis) -> None:
    rows = table_iv(analysis.comparison).filter(pl.col("row").str.starts_with("custom:"))
    assert rows["row"].to_list() == ["custom:pfs4m-tdt-success (a primary endpoint)"]
    assert rows.row(0)[3].startswith("3/8 (37.5%)")


def test_descriptor_notes_reach_the_supplement(analysis: tc.Analysis) -> None:
    note = tc.load(NEW / "liu2021-anlotinib.yaml")["liu2021-anlotinib"].descriptor.notes[0]
    html = render_supplement(analysis)
    assert "The transcribers&#39; notes, by cohort" in html or "The transcribers' notes, by cohort" in html
    assert note[:60].replace("'", "&#39;").replace('"', "&#34;") in html or note[:60] in html


@pytest.mark.parametrize(("typed", "meant"), [("pfs4m", "pfs_4m"), ("PFS-4months", "pfs_4m"), ("efs 6m", "efs_6m"),
                                              ("cbr16w", "cbr_16w")])
def test_an_outcome_written_together_gets_a_suggestion(typed: str, meant: str) -> None:
    from trialcompare.outcomes import parse_outcome_name

    with pytest.raises(ValueError, match=f"did you mean '{meant}'"):
        parse_outcome_name(typed)
    assert parse_outcome_name(meant).name == meant


@pytest.mark.parametrize("typed", ["orr12w", "xyz4m", "pfs"])
def test_no_suggestion_that_would_be_refused(typed: str) -> None:
    from trialcompare.outcomes import parse_outcome_name

    with pytest.raises(ValueError) as err:
        parse_outcome_name(typed)
    assert "did you mean" not in str(err.value)


def test_markdown_keeps_printed_bounds_and_escapes_tags() -> None:
    """Friction 16: the markdown export printed "&lt;10%" and "&gt;=3"; only what could open an HTML tag is escaped."""
    from trialcompare.render.escape import markdown_cell

    assert (markdown_cell("<10%"), markdown_cell(">=3")) == ("<10%", ">=3")
    assert markdown_cell("<img src=x onerror=alert(1)>") == "&lt;img src=x onerror=alert(1)&gt;"


def test_the_os_endpoint_row_names_os_only_where_reported(analysis: tc.Analysis) -> None:
    """Friction 8: the OS "Endpoint" row named OS for cohorts printing nothing of OS (pazopanib)."""
    table = table_iv(analysis.comparison)
    row = table.filter(pl.col("section") == "Overall survival", pl.col("row") == "Endpoint").row(0, named=True)
    cells = {k.split(" (N=")[0].split(" [")[0]: v for k, v in row.items() if k not in ("section", "row")}
    assert cells["Pazopanib (Frankel 2022)"] == "not reported" and cells["Apatinib"] == "Overall survival (OS)"


HISTOLOGY = ('  printed: "Forty-eight patients were analyzed"\n'
             '  histology: {osteosarcoma: %s, other: "chondrosarcoma 9, Ewing\'s sarcoma 8, chordoma 3",'
             ' quote: "27 have osteosarcoma", at: "Abstract"}\n')


def _liu(tmp_path: Path, k: int) -> Path:
    text = (NEW / "liu2021-anlotinib.yaml").read_text(encoding="utf-8")
    anchor = '  printed: "Forty-eight patients were analyzed"\n'
    assert text.count(anchor) == 1
    path = tmp_path / "liu.yaml"
    path.write_text(text.replace(anchor, HISTOLOGY % k), encoding="utf-8")
    return path


def test_a_mixed_histology_is_said_in_the_table_grade_and_limitations(tmp_path: Path) -> None:
    """Friction 2: Liu 2021 is 27 osteosarcoma of 48 bone sarcomas; that had no field and the report treated the
    series as osteosarcoma. With population.histology the N cell, GRADE indirectness and the limitations say it."""
    a = tc.analyse([_liu(tmp_path, 27), ROOT / "trials" / "apatinib.yaml", ROOT / "trials" / "ie.yaml"],
                   with_meta=False)
    n_row = table_iv(a.comparison).filter(pl.col("row") == "N as printed (analysis set)").row(0)
    assert n_row[2] == "48 (efficacy); osteosarcoma 27 of 48"
    words = "Osteosarcoma is only part of Anlotinib (Liu 2021) (27 of 48 patients): its numbers describe a mix"
    html = render_html(a)
    assert words in html
    for outcome in [c for c in a.certainty if c.outcome != "Harms"]:  # the population is indirect, with that reason
        indirect = next(d for d in outcome.domains if d.domain == "indirectness")
        assert indirect.rating != "not-serious" and "mixed-histology" in [f.code for f in indirect.reasons]


def test_more_osteosarcoma_than_n_is_refused(tmp_path: Path) -> None:
    path = _liu(tmp_path, 49)
    with pytest.raises(tc.DescriptorError) as err:
        tc.load(path)
    assert "histology.osteosarcoma 49 is more than the population N 48" in str(err.value)


def test_the_scaffolds_risk_of_bias_block_is_valid_once_uncommented(tmp_path: Path) -> None:
    """Friction 9: the scaffold had no selection/assessment/intervention/missing-data blocks, so ROBINS-I was all
    "no information". Its commented example, uncommented, is read without a schema error (only the placeholders)."""
    from trialcompare.descriptor.scaffold import scaffold

    lines, out, inside = scaffold("demo-rob").splitlines(), [], False
    for line in lines:
        if line.startswith("  # Risk of bias"):
            inside = True
            continue
        if inside and line.startswith("  # "):
            out.append("  " + line[4:])
            continue
        inside = False
        out.append(line)
    assert sum(1 for line in out if line.startswith(("  selection:", "  assessment:", "  intervention:",
                                                     "  missing_data:"))) == 4
    path = tmp_path / "demo-rob.yaml"
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    desc = tc.load(path)["demo-rob"].descriptor
    assert desc.design.assessment is not None and desc.design.assessment.criteria is not None


@pytest.mark.parametrize(("word", "code"), [("progressive", "PD"), ("Partial response", "PR"), ("stable", "SD")])
def test_a_printed_response_word_suggests_its_level(word: str, code: str) -> None:
    from trialcompare.descriptor.vocabulary import VARIABLES, check_level

    with pytest.raises(ValueError, match=f"did you mean '{code}'"):
        check_level(VARIABLES["best_response"], word)


def test_meta_suggests_the_outcome_meant() -> None:
    from trialcompare.meta.suite import outcome_data

    with pytest.raises(ValueError, match="for these cohorts; did you mean 'pfs_4m'"):
        outcome_data(tc.load(ROOT / "trials"), "pfs4m")


def test_the_smd_table_and_the_factor_table_agree_on_a_skewed_median() -> None:
    """Second newcomer, friction 7: with Liu (age 24, range 16-68: (68 − 24) / (24 − 16) = 5.5 > 2) as reference,
    `table --what smd` estimated an SMD (about −1.3, "imbalanced") that the appraisal refused. One rule now: no SMD,
    the skewed median named, in both."""
    cs = tc.load(NEW / "liu2021-anlotinib.yaml", ROOT / "trials" / "apatinib.yaml")
    cmp = tc.compare(cs)
    row = cmp.smd.filter(pl.col("variable") == "age").row(0, named=True)
    assert (row["smd"], row["imbalanced"], row["skewed"]) == (None, None, "24 (16-68) (the reference's)")
    assert row["note"] == "SMD not computed: the median's range is skewed, 24 (16-68) (the reference's)"


def test_maic_tables_name_variables_in_words() -> None:
    """Before-stop check: the MAIC balance and eligibility tables printed field names ("lesion_site: lung")."""
    from trialcompare.render.sections import _criterion_words, _variable_words

    assert _variable_words("prior_lines") + ": 1" == "Lines of previous systemic therapy: 1"
    assert _criterion_words("lesion_site = lung+bone+other") == "Target lesions before treatment = lung+bone+other"
    assert _variable_words("ipd_only_column") == "ipd_only_column"
