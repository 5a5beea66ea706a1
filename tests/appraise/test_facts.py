"""Facts carry no free text: every string parameter is a token."""

from __future__ import annotations

import math

import pytest

from trialcompare.appraise.facts import Fact, fact
from trialcompare.render import phrasebook as pb


@pytest.mark.parametrize("bad", ["two words", "ends with a full stop.", "comma,separated", "new\nline"])
def test_free_text_is_refused(bad):
    with pytest.raises(ValueError, match="free text"):
        fact("c", note=bad)


@pytest.mark.parametrize("bad", [math.nan, math.inf, ("a", math.nan)])
def test_non_finite_numbers_are_refused(bad):
    with pytest.raises(ValueError, match="not finite"):
        fact("c", x=bad)


def test_other_types_are_refused():
    with pytest.raises(ValueError, match="has type"):
        fact("c", x={"a": 1})  # type: ignore[arg-type]


def test_tokens_numbers_and_flags_are_accepted():
    f = fact("c", cohort="apatinib-ie", outcome="ORR", level="2|3", n=33, p=0.5, all=True, none=None,
             ids=("a", "b"), pairs=(("a", "b"),))
    assert f["ids"] == ("a", "b") and f["pairs"] == (("a", "b"),)


def test_registered_examples_carry_no_free_text():
    for ex in pb.EXAMPLES.values():
        Fact(ex.code, ex.params, ex.evidence)  # __post_init__ checks every parameter again
