"""Caveats are facts: on every shipped spec each caveat carries tokens, numbers and flags only, each fact code has a
phrase whose words follow its parameters (tests/appraise/test_phrasebook.py), and the words render looks up (the
descriptor's own names, the meanings of finding codes) are found."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

import trialcompare as tc
from trialcompare.appraise.caveats import Caveat
from trialcompare.appraise.facts import Fact, check_token
from trialcompare.render import phrasebook as pb
from trialcompare.render.caveat_words import analysis_words

REPO = Path(__file__).resolve().parents[2]
SPECS = sorted((REPO / "reports").glob("*.yaml"))

CAVEAT_FACT_CODES = {"endpoint-differs", "definition-differs", "resection", "interval-types", "design-differs",
                     "eligibility-differs", "possible-overlap", "follow-up-differs", "follow-up-missing", "imbalance",
                     "data-errors", "small-sample", "non-randomised", "denominator"}

# the words a phrase falls back on when render did not find what it looks up
FALLBACKS = ("the stated origin", "events as stated", "registration 1 of", "centre 1 of", "a data error (",
             "one study")


@pytest.fixture(scope="module", params=SPECS, ids=lambda p: p.stem)
def analysis(request: pytest.FixtureRequest) -> tc.Analysis:
    return tc.analyse(request.param, with_meta=False)


def test_the_four_specs_are_shipped() -> None:
    assert [p.stem for p in SPECS] == ["chemotherapy", "maic-example", "table-iv", "tki-library"]


def test_every_caveat_carries_no_free_text(analysis: tc.Analysis) -> None:
    assert analysis.caveats
    for c in analysis.caveats:
        assert [f.name for f in dataclasses.fields(c)] == ["code", "severity", "cohorts", "targets", "fact"]
        assert isinstance(c.fact, Fact)
        for key, value in (("code", c.code), ("severity", c.severity), ("cohorts", c.cohorts)):
            check_token(c.fact.code, key, value)
        Fact(c.fact.code, c.fact.params, c.fact.evidence)  # every parameter checked again
        assert all(isinstance(e, str) for e in c.fact.evidence) and c.fact.evidence, c


def test_every_caveat_fact_has_a_phrase_under_the_contract() -> None:
    assert not CAVEAT_FACT_CODES - set(pb.EXAMPLES)


def test_every_caveat_is_worded_with_what_render_looks_up(analysis: tc.Analysis) -> None:
    words = analysis_words(analysis)
    for c in analysis.caveats:
        assert c.fact.code in CAVEAT_FACT_CODES
        text = pb.say(c.fact, words)
        assert text.endswith(".") and not any(f in text for f in FALLBACKS), text


def test_a_free_text_caveat_cannot_be_made() -> None:
    with pytest.raises(ValueError, match="free text"):
        Caveat("X", "minor", ("a",), (), Fact("x", (("centre", "Peking University People's Hospital"),)))
