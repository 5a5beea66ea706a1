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
    # newcomer friction 9: n (n/N), "%, n/N"
    ("0 (0/33)", 0, 33, None, None), ("12 (12/34)", 12, 34, None, None), ("35.29%, 12/34", 12, 34, 35.29, 2),
    ("35.29% (12/34)", 12, 34, 35.29, 2), ("35.29%; 12/34", 12, 34, 35.29, 2),
])
def test_counts_as_printed(text, n, d, pct, decimals):
    c = parse_count(text)
    assert (c.n, c.denominator, c.percent, c.percent_decimals) == (n, d, pct, decimals)
    assert is_count(text)


@pytest.mark.parametrize(("text", "message"), [
    ("2 (3/33)", "prints two different counts"), ("35 (35/34)", "larger than the denominator"),
    ("135.29%, 12/34", "outside 0-100"), ("35.29%, 12", "not supported"), ("0 (0/33", "not supported"),
])
def test_new_count_forms_are_checked_like_the_others(text, message):
    with pytest.raises(ValueError, match=message):
        parse_count(text)


def test_a_count_and_its_percentage_that_disagree_are_a_finding(tmp_path, valid_text):
    """The new forms keep the printed percentage: the checks compare it with the count, as for "39.4% (13/33)"."""
    from trialcompare import checks

    path = tmp_path / "demo.yaml"
    for printed, mismatch in (("20.0%, 6/30", False), ("35.29%, 6/30", True)):
        path.write_text(valid_text.replace('PR: "6 (20.0)"', f'PR: "{printed}"'), encoding="utf-8")
        findings = [f for f in checks.check(tc.load(path)) if f.code.startswith("PCT")]
        assert bool(findings) is mismatch, (printed, findings)


@pytest.mark.parametrize(("text", "value", "lower", "upper", "label"), [
    ("0.42; 95% CI, 0.21 to 0.85", 0.42, 0.21, 0.85, "95% CI"),
    ("0.42; 95% CI 0.21-0.85", 0.42, 0.21, 0.85, "95% CI"),
    ("0.42, 95% CI: 0.21-0.85", 0.42, 0.21, 0.85, "95% CI"),
    ("0.42 (95% CI, 0.21 to 0.85)", 0.42, 0.21, 0.85, "95% CI"),
])
def test_an_estimate_then_its_labelled_interval(text, value, lower, upper, label):
    e = parse_estimate(text)
    assert (e.value, e.lower, e.upper, e.label) == (value, lower, upper, label)


def test_printed_forms_of_the_newcomer_load_and_stay_verbatim(tmp_path, valid_text):
    text = (valid_text.replace('PR: "6 (20.0)"', 'PR: "6 (6/30)"')
            .replace('{name: ORR, value: "6/30 (20.0%)"', '{name: ORR, value: "20.0%, 6/30"')
            .replace("errata: []", 'effects:\n  - {endpoint: PFS, measure: HR, value: "0.42; 95% CI, 0.21 to 0.85", '
                                   'versus: other-arm, at: "Abstract"}\nerrata: []'))
    (tmp_path / "demo.yaml").write_text(text, encoding="utf-8")
    cohorts = tc.load(tmp_path / "demo.yaml")
    frame = cohorts.to_frame()
    assert {"6 (6/30)", "20.0%, 6/30"} <= set(frame["printed"].to_list())
    effect = cohorts["demo"].descriptor.effects[0]
    assert effect.value == "0.42; 95% CI, 0.21 to 0.85" and effect.interval_type == "95% CI"


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
    "effect": ("errata: []", 'effects:\n  - {{endpoint: PFS, measure: HR, value: "{v}", versus: other-arm, '
                            'at: "Abstract"}}\nerrata: []'),
    **{name: ("errata: []", 'adverse_events:\n  population: {{n: 30, refers_to: treated, at: "Table 3"}}\n'
                            '  events:\n    - {{term: neutropenia, grade: ">=3", value: "{v}", at: "Table 3"}}\n'
                            'errata: []') for name in ("harm", "harm percentage")},
}
UNREADABLE = "twelve point four"
#: an unreadable value of the field's own kind, where the field reads it otherwise (default UNREADABLE)
UNREADABLE_IN = {"harm percentage": "<5%"}


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
    """The quoted examples listed right after "e.g." or "accepted forms:" in a message ('a', 'b' or 'c')."""
    found = []
    for part in re.findall(r"(?:e\.g\.|accepted forms:) ((?:'[^']+'(?:,? or |, )?)+)", message):
        found += re.findall(r"'([^']+)'", part)
    return found


def test_examples_are_read_from_a_message():
    assert _examples("x, e.g. '1', '2; 3' or '4'; with an interval ('5') also") == ["1", "2; 3", "4"]
    assert _examples("not supported; accepted forms: '1' or '2' — write one") == ["1", "2"]


@pytest.mark.parametrize("field", list(FIELDS))
def test_a_refusal_admits_a_rewrite_is_needed(tmp_path, valid_text, field):
    """Newcomer friction 9: the value IS as printed; the message says the form is not supported and what to do."""
    with pytest.raises(tc.DescriptorError) as info:
        tc.load(_write(tmp_path, valid_text, field, UNREADABLE_IN.get(field, UNREADABLE)))
    message = str(info.value)
    assert "write it as printed" not in message
    assert "this printed form is not supported; accepted forms:" in message, message
    assert "keep the original in a `note:`" in message, message


def test_the_effect_refusal_speaks_of_effects():
    from trialcompare.descriptor.printed import parse_effect

    with pytest.raises(ValueError) as info:
        parse_effect("HR 0.42 [0.21; 0.85] P=.017")
    message = str(info.value)
    assert "as an effect" in message and "months" not in message and "interval:" not in message
    assert "'0.42; 95% CI, 0.21 to 0.85'" in message


@pytest.mark.parametrize("field", list(FIELDS))
def test_every_example_a_refusal_suggests_is_accepted_by_its_field(tmp_path, valid_text, field):
    with pytest.raises(tc.DescriptorError) as info:
        tc.load(_write(tmp_path, valid_text, field, UNREADABLE_IN.get(field, UNREADABLE)))
    message = str(info.value)
    examples = _examples(message)
    assert examples, f"{field}: the refusal gives no example: {message}"
    for example in examples:
        try:
            tc.load(_write(tmp_path, valid_text, field, example))
        except tc.DescriptorError as exc:
            pytest.fail(f"{field}: the refusal suggests {example!r}, which the field refuses: {exc}")
