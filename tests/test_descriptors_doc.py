"""docs/descriptors.md: every example in its tables loads in the field its row names (issue 24, item 1)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import trialcompare as tc

REPO = Path(__file__).resolve().parents[1]
DOC = (REPO / "docs" / "descriptors.md").read_text(encoding="utf-8")
ROWS = re.findall(r"^\| ([a-z_ ]+) \| [^|]+ \| `([^`]+)` \|$", DOC, re.M)

#: field → (text of the scaffold replaced, the replacement with {v})
FIELDS = {
    "response level": ('PR: "6 (20.0)"', 'PR: "{v}"'),
    "baseline level": ('male: "13 (43.3)"', 'male: "{v}"'),
    "events": ("{statistic: events, value: 25,", '{{statistic: events, value: "{v}",'),
    "rate": ('{name: ORR, value: "6/30 (20.0%)",', '{{name: ORR, value: "{v}",'),
    "landmark rate": ('{statistic: rate, months: 6, value: "36.8% (20.1, 53.6)", interval: 95% CI,',
                      '{{statistic: rate, months: 6, value: "{v}",'),
    "median": ('{statistic: median, value: "4.5 (3.5, 6.3)", interval: 95% CI,', '{{statistic: median, value: "{v}",'),
    "median with interval": ('{statistic: median, value: "4.5 (3.5, 6.3)",', '{{statistic: median, value: "{v}",'),
    "effect": ("errata: []", 'effects:\n  - {{endpoint: PFS, measure: HR, value: "{v}", versus: other-arm, '
                            'at: "Abstract"}}\nerrata: []'),
}
AGE = ('    kind: median_range        #', 'value: "16.0 (3.0, 48.0)"')


def _text(valid_text: str, field: str, value: str) -> str:
    if field.startswith("age "):
        kind = field.removeprefix("age ")
        return valid_text.replace(AGE[0], f"    kind: {kind}\n    #", 1).replace(AGE[1], f'value: "{value}"', 1)
    old, new = FIELDS[field]
    assert old in valid_text, old
    return valid_text.replace(old, new.format(v=value), 1)


def test_the_doc_has_examples_for_every_field():
    assert len(ROWS) >= 30 and {f for f, _ in ROWS} >= set(FIELDS)


@pytest.mark.parametrize(("field", "example"), ROWS, ids=[f"{f}: {e}" for f, e in ROWS])
def test_every_documented_example_loads_in_its_field(tmp_path, valid_text, field, example):
    path = tmp_path / "demo.yaml"
    path.write_text(_text(valid_text, field, example), encoding="utf-8")
    frame = tc.load(path).to_frame()
    assert example in set(frame["printed"].to_list()) or field == "events"  # kept verbatim


def test_the_count_in_words_example_loads(tmp_path, valid_text):
    """Newcomer friction 10: the documented way to write a count printed in words loads, as a count over N."""
    block = DOC.split("### Counts printed in words", 1)[1].split("```yaml\n", 1)[1].split("```", 1)[0]
    entry = block.removeprefix("rates:\n")
    text = valid_text.replace('  - {name: ORR, value: "6/30 (20.0%)", at: "Abstract"}\n', entry, 1)
    assert text != valid_text
    (tmp_path / "demo.yaml").write_text(text, encoding="utf-8")
    frame = tc.load(tmp_path / "demo.yaml").to_frame()
    orr = frame.filter(frame["variable"] == "ORR").row(0, named=True)
    assert (orr["n"], orr["denominator"], orr["printed"]) == (3, 22, "3/22")
