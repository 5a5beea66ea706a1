"""The phrasebook's contract: every fact code has words, the words follow the parameters, and "every" is said only
when the rule tested every cohort.

For each registered phrase the test takes its example fact and changes one parameter at a time (a count + 1, a flag
flipped, a token altered, a tuple shortened or lengthened); the sentence must change unless the phrase declared the
parameter silent. A silent parameter is one the sentence does not state (e.g. the list of cohorts when the sentence
says "every cohort")."""

from __future__ import annotations

import re

import pytest

from trialcompare.appraise.facts import Fact, fact
from trialcompare.render import phrasebook as pb

LABELS = pb.Words({"a": "Cohort A", "b": "Cohort B", "c": "Cohort C"})


def _variants(value: object) -> list[object]:
    if isinstance(value, bool):
        return [not value]
    if isinstance(value, int):
        return [value + 1]
    if isinstance(value, float):
        return [value * 2 + 0.1]
    if isinstance(value, str):
        return [value + "x"]
    if isinstance(value, tuple):
        out: list[object] = []
        if len(value) > 1:
            out.append(value[:-1])
        if value and isinstance(value[-1], str):
            out.append((*value, value[-1] + "x"))
        elif value and isinstance(value[-1], int | float) and not isinstance(value[-1], bool):
            out.append((*value[:-1], value[-1] + 1))
        return out
    return []


CASES = [(code, key) for code, ex in sorted(pb.EXAMPLES.items()) for key, _ in ex.params
         if key not in pb.SILENT[code]]


def test_every_code_has_an_example_and_a_phrase():
    assert pb.EXAMPLES, "no phrase registered"
    assert set(pb.EXAMPLES) == set(pb.PHRASES)
    for code, ex in pb.EXAMPLES.items():
        assert ex.code == code
        assert pb.say(ex, LABELS).strip()


@pytest.mark.parametrize(("code", "key"), CASES)
def test_words_follow_each_parameter(code: str, key: str):
    example = pb.EXAMPLES[code]
    before = pb.say(example, LABELS)
    variants = _variants(example[key])
    assert variants, f"{code}.{key}: no variant to try for {example[key]!r}"
    for value in variants:
        after = pb.say(example.replace(**{key: value}), LABELS)
        assert after != before, f"{code}: changing {key} to {value!r} left the sentence unchanged: {before!r}"


@pytest.mark.parametrize("code", sorted(pb.EXAMPLES))
def test_every_only_when_all_were_tested(code: str):
    example = pb.EXAMPLES[code]
    flags = {k for k, v in example.params if k == "all"}
    facts = [example.replace(all=False)] if flags else [example]
    for f in facts:
        assert not re.search(r"\bevery\b", pb.say(f, LABELS), re.IGNORECASE), (code, pb.say(f, LABELS))


def test_small_cohorts_says_every_only_for_all():
    """The chemotherapy report's false sentence: one cohort of 51 among cohorts below 50 is not 'every'."""
    some = fact("small-cohorts", below=("a", "b"), limit=50, all=False)
    assert pb.say(some, LABELS) == "Cohort A and Cohort B have fewer than 50 patients."
    assert pb.say(some.replace(all=True), LABELS) == "Every cohort has fewer than 50 patients."


def test_unknown_code_is_refused():
    with pytest.raises(KeyError, match="no phrase"):
        pb.say(Fact("no-such-code"))
