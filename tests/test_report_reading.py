"""The Table IV report read as a clinician would, through a PDF text extractor (issue: the report answers the
question). Page 1 alone says what the paper claimed, what the data support and how certain that is."""

from __future__ import annotations

import os
import re
import shutil
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader

import trialcompare as tc
from trialcompare.spec import load_spec

REPO = Path(__file__).resolve().parents[1]
SPEC = REPO / "reports" / "table-iv.yaml"
CODE = re.compile(r"\b(?:CAT|PCT|INT|CONFLICT|TTE|RATE|XC|EFF)-[A-Z0-9-]+\b")
FIELD_PATH = re.compile(r"\b(?:baseline|outcome|endpoint|rate|population|design)\.[a-z_]+\.")


@pytest.fixture(scope="module")
def pdf() -> bytes:
    return tc.analyse(load_spec(SPEC)).to_pdf()


@pytest.fixture(scope="module")
def pages(pdf: bytes) -> list[str]:
    return [" ".join((p.extract_text() or "").split()) for p in PdfReader(BytesIO(pdf)).pages]


def _body(pages: list[str]) -> str:
    text = " ".join(pages)
    return text[: text.index("Annex A")]


def test_page_one_quotes_the_claim_and_gives_a_certainty(pages: list[str]) -> None:
    first = pages[0]
    assert "led to a more objective tumour response" in first and "Results, Assessment of efficacy" in first
    assert "Certainty of the evidence (GRADE): VERY LOW" in first
    assert "What these data can support" in first and "What they cannot support" in first
    assert "21/33" in first and "9/43" in first  # the numbers the claim rests on, side by side


def test_no_internal_codes_or_field_paths_before_the_annex(pages: list[str]) -> None:
    body = _body(pages)
    assert CODE.findall(body) == []
    assert FIELD_PATH.findall(body) == []
    assert "curator" not in body.lower()


def test_no_long_sentence_is_repeated_in_the_body(pages: list[str]) -> None:
    body = re.sub(r"trialcompare · table-iv · reference: [^·]+?(?= )|page \d+ of \d+", " ", _body(pages))
    sentences = [s.strip() for s in re.split(r"(?<=[.!?])\s+", body) if len(s.strip()) > 120]
    repeated = {s for s in sentences if sentences.count(s) > 1}
    assert repeated == set()


def test_nothing_is_pooled_from_two_comparators(pages: list[str]) -> None:
    """ORR and DCR: apatinib and apatinib + camrelizumab remain (IE shares the reference's registration)."""
    body = _body(pages)
    assert body.count("Comparators (k = 2)") >= 2
    assert "not estimable (k = 2; nothing is pooled from fewer than three comparators)" in body
    assert "Pooled (" not in body


def test_ie_age_smd_is_signed(pages: list[str]) -> None:
    assert "SMD -0.16" in " ".join(pages)


def test_no_odds_ratio_for_zero_against_zero(pages: list[str]) -> None:
    """CR: 0/33 in the reference against 0/37, 0/43 and 0/46: no odds ratio, no Fisher p."""
    body = _body(pages)
    assert "not estimable (no events in either cohort)" in body
    assert "0.89 (0.02, 46.28)" not in body


def test_pdf_is_identical_when_rendered_from_another_folder(pdf: bytes, tmp_path: Path) -> None:
    copy = tmp_path / "project"
    shutil.copytree(REPO / "trials", copy / "trials")
    shutil.copytree(REPO / "reports", copy / "reports", ignore=shutil.ignore_patterns("*.pdf"))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    cwd = Path.cwd()
    try:
        os.chdir(elsewhere)
        again = tc.analyse(load_spec(copy / "reports" / "table-iv.yaml")).to_pdf()
    finally:
        os.chdir(cwd)
    assert again == pdf


def test_scenarios_that_change_nothing_are_said_once(pages: list[str]) -> None:
    """All three benchmarks (ORR, DCR, 6-month rate) leave IE out (shared NCT04690231): the scenarios
    'without-ie-overlap' and 'prospective-only' change nothing for any of them; said once, not dropped."""
    body = _body(pages)
    assert body.count("‘without-ie-overlap’ and ‘prospective-only’ change nothing") == 1
    assert "Scenario ‘declared-n’ leaves k = 2: nothing pooled." in body


def test_surgical_remission_against_unresectable_trials_is_not_tested(pages: list[str]) -> None:
    """Apatinib + IE included patients assessed for metastasectomy; both phase II trials enrolled unresectable
    disease (the paper's Introduction): CSR 16/33 vs 0/37 and 0/43 is marked, not tested (the Fisher p 4.7e-07 of
    16/33 vs 0/37 is gone); against IE (23/46) it is still tested."""
    body = _body(pages)
    assert body.count("not comparable (eligibility)") == 6  # 2 rows × risk difference, odds ratio, Fisher p
    assert "4.7e-07" not in body and "1.08e-07" not in body


def test_observed_count_beside_the_km_rate_in_the_body(pages: list[str]) -> None:
    body = _body(pages)
    assert "13/43 (30.23%, 95% CI 17.2-40.1)" in body and "binomial (observed n/N)" in body


def test_table_iv_row_labels_in_the_body(pages: list[str]) -> None:
    body = _body(pages)
    for label in ("Pulmonary lesions", "Lung+ musculoskeletal lesions", "1st line MAPI", "2nd line IE/GT",
                  "Partial response, N (%)", "Complete surgical remission, n (%)"):
        assert label in body, label
    assert "lung+musculoskeletal" not in body


def test_benchmark_counts_from_rates_are_marked_approximate(pages: list[str]) -> None:
    """The 6-month benchmark reads printed rates times N (78.5% of 33 ≈ 26, 36.8% of 37 ≈ 14, 50.9% of 43 ≈ 22):
    never shown as if they were observed counts."""
    body = _body(pages)
    assert "Reference: ≈26/33" in body and "Apatinib ≈14/37" in body and "camrelizumab ≈22/43" in body
    assert "Reference: 21/33" in body  # the ORR count is observed: no mark
