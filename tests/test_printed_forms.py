"""Issue 24, item 1: what publications print is accepted as printed, and every refusal's example is accepted by
the field that refused.

The walk: for every field that reads a printed value, an unreadable value is refused; each example the refusal
suggests (the quoted strings after "e.g.", up to the next ";") is then written into the same field and must load.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import trialcompare as tc
from trialcompare.descriptor.printed import is_count, parse_count, parse_estimate, parse_summary

# --- the forms of the issue -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "n", "d", "pct", "decimals"), [
    ("6.06% (2/33)", 2, 33, 6.06, 2), ("2/33 (6.06%)", 2, 33, 6.06, 2), ("13 (39.4)", 13, None, 39.4, 1),
    ("39.4 % ( 13 / 33 )", 13, 33, 39.4, 1),
])
def test_counts_as_printed(text, n, d, pct, decimals):
    c = parse_count(text)
    assert (c.n, c.denominator, c.percent, c.percent_decimals) == (n, d, pct, decimals)
    assert is_count(text)


def test_a_percentage_and_its_interval_is_not_a_count():
    assert not is_count("6.7% (95% CI 0.8-22.1)") and not is_count("78.5%") and not is_count("63.6 (50.1, 77.0)")


@pytest.mark.parametrize(("text", "value", "lower", "upper", "label", "unit"), [
    ("10.9 months [95% confidence interval (CI), 9.3–12.6]", 10.9, 9.3, 12.6, "95% CI", "months"),
    ("10.9 months (95% CI, 9.3-12.6)", 10.9, 9.3, 12.6, "95% CI", "months"),
    ("8 weeks (95% CI 6-10 weeks)", 8.0, 6.0, 10.0, "95% CI", "weeks"),
    ("4.2 mo (interquartile range, 2.1-6.3)", 4.2, 2.1, 6.3, "IQR", "months"),
    ("4.5 [3.5, 6.3]", 4.5, 3.5, 6.3, None, None),
    ("12.6 months (90% CI 9.0–NR)", 12.6, 9.0, None, "90% CI", "months"),
])
def test_estimates_with_units_and_spelled_out_labels(text, value, lower, upper, label, unit):
    e = parse_estimate(text)
    assert (e.value, e.lower, e.upper, e.label, e.unit) == (value, lower, upper, label, unit)


def test_an_age_with_its_unit_inside_the_range():
    s = parse_summary("35.24 years (11–73 years)")
    assert (s.first.value, s.first.lower, s.first.upper, s.first.unit) == (35.24, 11.0, 73.0, "years")


def test_two_units_in_one_value_are_refused():
    with pytest.raises(ValueError, match="mixes time units"):
        parse_estimate("10 months (2 weeks-12 months)")


def test_the_printed_string_is_kept_verbatim(tmp_path, valid_text):
    text = (valid_text.replace('value: "4.5 (3.5, 6.3)"', 'value: "10.9 months [95% confidence interval (CI), '
                                                         '9.3–12.6]"')
            .replace('value: "16.0 (3.0, 48.0)"', 'value: "35.24 years (11–73 years)"')
            .replace('{name: ORR, value: "6/30 (20.0%)"', '{name: ORR, value: "20.0% (6/30)"'))
    (tmp_path / "demo.yaml").write_text(text, encoding="utf-8")
    frame = tc.load(tmp_path / "demo.yaml").to_frame()
    printed = set(frame["printed"].to_list())
    assert {"10.9 months [95% confidence interval (CI), 9.3–12.6]", "35.24 years (11–73 years)",
            "20.0% (6/30)"} <= printed
    orr = frame.filter(frame["variable"] == "ORR").row(0, named=True)
    assert (orr["n"], orr["denominator"], orr["statistic"]) == (6, 30, "count")


def test_a_median_printed_in_weeks_needs_unit_weeks(tmp_path, valid_text):
    path = tmp_path / "demo.yaml"
    path.write_text(valid_text.replace('value: "4.5 (3.5, 6.3)"', 'value: "19 weeks (15-27)"'), encoding="utf-8")
    with pytest.raises(tc.DescriptorError, match="unit: weeks"):
        tc.load(path)
    path.write_text(valid_text.replace('value: "4.5 (3.5, 6.3)", interval: 95% CI,',
                                       'value: "19 weeks (15-27)", interval: 95% CI, unit: weeks,'), encoding="utf-8")
    assert tc.load(path).ids == ["demo"]


# --- every refusal's example is accepted by its field ----------------------------------------------------------

#: field → (text of the scaffold to replace, template with {v} for the value)
FIELDS = {
    "rate": ('{name: ORR, value: "6/30 (20.0%)",', '{{name: ORR, value: "{v}",'),
    "landmark rate": ('{statistic: rate, months: 6, value: "36.8% (20.1, 53.6)", interval: 95% CI,',
                      '{{statistic: rate, months: 6, value: "{v}",'),
    "median": ('{statistic: median, value: "4.5 (3.5, 6.3)", interval: 95% CI,', '{{statistic: median, value: "{v}",'),
    "events": ("{statistic: events, value: 25,", '{{statistic: events, value: "{v}",'),
    "baseline level": ('male: "13 (43.3)"', 'male: "{v}"'),
    "response level": ('PR: "6 (20.0)"', 'PR: "{v}"'),
    **{f"age {kind}": ('    kind: median_range        #', f'    kind: {kind}\n    #') for kind in (
        "median", "mean", "median_range", "median_iqr", "median_ci", "mean_ci", "mean_range", "median_iqr_range")},
}
UNREADABLE = "twelve point four"


def _write(tmp_path: Path, valid_text: str, field: str, value: str) -> Path:
    old, new = FIELDS[field]
    assert old in valid_text, old
    text = valid_text.replace(old, new.format(v=value) if "{v}" in new else new, 1)
    if field.startswith("age "):
        text = text.replace('value: "16.0 (3.0, 48.0)"', f'value: "{value}"', 1)
    path = tmp_path / "demo.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _examples(message: str) -> list[str]:
    """The quoted examples listed right after "e.g." in a message ('a', 'b' or 'c')."""
    found = []
    for part in re.findall(r"e\.g\. ((?:'[^']+'(?:,? or |, )?)+)", message):
        found += re.findall(r"'([^']+)'", part)
    return found


def test_examples_are_read_from_a_message():
    assert _examples("x, e.g. '1', '2; 3' or '4'; with an interval ('5') also") == ["1", "2; 3", "4"]


@pytest.mark.parametrize("field", list(FIELDS))
def test_every_example_a_refusal_suggests_is_accepted_by_its_field(tmp_path, valid_text, field):
    with pytest.raises(tc.DescriptorError) as info:
        tc.load(_write(tmp_path, valid_text, field, UNREADABLE))
    message = str(info.value)
    examples = _examples(message)
    assert examples, f"{field}: the refusal gives no example: {message}"
    for example in examples:
        try:
            tc.load(_write(tmp_path, valid_text, field, example))
        except tc.DescriptorError as exc:
            pytest.fail(f"{field}: the refusal suggests {example!r}, which the field refuses: {exc}")
