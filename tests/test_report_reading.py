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
    """Everything before the closing note that points to the supplement (the body of the report)."""
    text = " ".join(pages)
    return text[: text.index("The audit trail is in")]


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


def test_nothing_is_pooled_from_one_comparator(pages: list[str]) -> None:
    """ORR and DCR: apatinib alone remains (IE shares the reference's registration, apatinib + camrelizumab its
    centre with overlapping accrual)."""
    body = _body(pages)
    assert body.count("1 comparable cohort left, and nothing is pooled from fewer than 3") == 2
    assert "Pooled (" not in body and "prediction interval" not in body


def test_ie_age_smd_is_signed(pages: list[str]) -> None:
    assert "SMD -0.16" in " ".join(pages)


def test_no_odds_ratio_for_zero_against_zero(pages: list[str]) -> None:
    """CR: 0/33 in the reference against 0/37, 0/43 and 0/46: not estimable in every row, so no row at all (T11);
    no odds ratio or Fisher p in the body (T10)."""
    body = _body(pages)
    assert "not estimable (no events in either cohort)" not in body
    assert "0.89 (0.02, 46.28)" not in body and "8.71e-05" not in body


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


def test_a_benchmark_with_k_below_3_is_one_sentence(pages: list[str]) -> None:
    """T15: k = 1 for ORR and DCR, nothing like with like for the 6-month rate: one sentence each, no scenario lines
    and no method paragraph."""
    body = _body(pages)
    assert "change nothing" not in body and "Hartung" not in body
    assert body.count("Too few comparable cohorts to pool for") == 2


def test_surgical_remission_against_unresectable_trials_is_not_tested(pages: list[str]) -> None:
    """Apatinib + IE included patients assessed for metastasectomy; both phase II trials enrolled unresectable
    disease (the paper's Introduction): CSR 16/33 vs 0/37 is never tested (the Fisher p 4.7e-07 is gone). The body
    contrasts ORR and DCR only (issue 19, item 4), so no CSR row is there at all."""
    body = _body(pages)
    assert "CSR yes" not in body and "not comparable (eligibility)" not in body
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


def test_no_count_is_made_from_a_rate(pages: list[str]) -> None:
    """N1-N3, T16: the 6-month rates are never turned into counts (78.5% of 33 ≈ 26 and the like are gone); the
    figure shows each rate as printed, labelled by estimator, and APFAO's printed 13/43 as binomial."""
    body = _body(pages)
    assert "≈" not in body.replace("(≈ 11.1 months)", "")  # the one '≈' left is a follow-up conversion
    assert "21/33 = 63.6%" in body  # the ORR count is observed
    assert "13/43 (30.23%" in body and "binomial" in body  # APFAO's printed count, labelled binomial
