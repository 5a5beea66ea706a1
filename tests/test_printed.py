"""Values written as printed are parsed, keeping the printed percentage and its decimals."""

import pytest

from trialcompare.descriptor.printed import (
    PrintedValueError,
    decimals_of,
    parse_count,
    parse_estimate,
    parse_mean_sd,
)


@pytest.mark.parametrize(
    ("text", "n", "den", "pct", "dec"),
    [
        ("13 (39.39)", 13, None, 39.39, 2),
        ("13/33 (39.4%)", 13, 33, 39.4, 1),
        ("13/33", 13, 33, None, None),
        (13, 13, None, None, None),
        ("0.0 (0.0)", 0, None, 0.0, 1),  # Table IV prints a zero count as "0.0"
        ("  8   (24.2)", 8, None, 24.2, 1),
        ("46 (100.00)", 46, None, 100.0, 2),
    ],
)
def test_count(text, n, den, pct, dec):
    c = parse_count(text)
    assert (c.n, c.denominator, c.percent, c.percent_decimals) == (n, den, pct, dec)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("13/12", "larger than the denominator 12"),
        ("-1 (2.0)", "negative"),
        ("3 (101.0)", "outside 0-100"),
        ("2.5 (10.0)", "not a whole number"),
        ("many", "cannot read"),
        (True, "boolean"),
    ],
)
def test_count_refuses(text, fragment):
    with pytest.raises(PrintedValueError, match=fragment):
        parse_count(text)


def test_estimate_forms():
    e = parse_estimate("11.4 (IQR, 6.7\u20118.4)".replace("8.4", "18.4"))  # non-breaking hyphen as in the paper
    assert (e.value, e.lower, e.upper, e.label, e.decimals) == (11.4, 6.7, 18.4, "IQR", 1)
    e = parse_estimate("19.8 (9.4,51.8)")
    assert (e.lower, e.upper) == (9.4, 51.8)
    e = parse_estimate("30.4 (26.9, NR)")
    assert (e.value, e.lower, e.upper, e.upper_nr) == (30.4, 26.9, None, True)
    e = parse_estimate("<10%")
    assert (e.value, e.bound, e.percent) == (10.0, "<", True)
    e = parse_estimate("81.8% (68.7%, 95.0%)")
    assert (e.value, e.lower, e.upper, e.percent) == (81.8, 68.7, 95.0, True)
    e = parse_estimate("4.50 (95% CI 3.47-6.27)")
    assert (e.value, e.lower, e.upper, e.decimals, e.label) == (4.5, 3.47, 6.27, 2, "95% CI")
    e = parse_estimate("NR")
    assert e.value is None and e.value_nr


def test_estimate_refuses_impossible_percent():
    with pytest.raises(PrintedValueError, match="outside 0-100"):
        parse_estimate("78.5% (60.0, 189.1)")
    with pytest.raises(PrintedValueError, match="cannot read"):
        parse_estimate("about eleven")


def test_mean_sd():
    m = parse_mean_sd("19.1±8.5 (16.0, 22.2)")
    assert (m.mean, m.sd, m.lower, m.upper, m.mean_decimals, m.sd_decimals) == (19.1, 8.5, 16.0, 22.2, 1, 1)
    with pytest.raises(PrintedValueError):
        parse_mean_sd("19.1 (16.0, 22.2)")


def test_decimals():
    assert [decimals_of(x) for x in ("60.60", "13", "45.4%", "0.0")] == [2, 0, 1, 1]


def test_count_with_its_interval():
    """xie2020 prints "13/43 (30.23%, 95% CI 17.2-40.1)": a count, its percentage and an interval together."""
    c = parse_count("13/43 (30.23%, 95% CI 17.2\u201140.1)")
    assert (c.n, c.denominator, c.percent, c.percent_decimals) == (13, 43, 30.23, 2)
    assert (c.lower, c.upper, c.label) == (17.2, 40.1, "95% CI")
    with pytest.raises(PrintedValueError, match="outside 0-100"):
        parse_count("13/43 (30.23%, 95% CI 17.2-140.1)")


# --- issue 10: shown exactly as printed; NE is not NR; P values; intervals alone; summaries -------------------

from trialcompare.descriptor.printed import (  # noqa: E402
    display,
    parse_interval,
    parse_p,
    parse_summary,
)


@pytest.mark.parametrize(
    ("printed", "decimals", "shown"),
    [
        ("17.61 (95% CI 10.85-24.37)", None, "17.61 (95% CI 10.85-24.37)"),
        ("17.61 (95% CI 10.85-24.37)", 1, "17.6 (95% CI 10.9-24.4)"),  # float round(10.85, 1) gives 10.8
        ("7.89 (4.56-11.21)", 1, "7.9 (4.6-11.2)"),
        ("7.89 (4.56-11.21)", 0, "8 (5-11)"),
        ("10.1-not estimable", 0, "10-not estimable"),
        ("10.1-not estimable", None, "10.1-not estimable"),
        ("16.3 (95% CI 12.6-NE)", 0, "16 (95% CI 13-NE)"),
        ("30.4 (26.9, NR)", 0, "30 (27, NR)"),
        ("37 (18-76)", 1, "37 (18-76)"),  # no digits invented
        ("60.60", None, "60.60"),  # the printed decimals are kept
        ("0.425 (97.5% CI 0.215-0.855)", 2, "0.43 (97.5% CI 0.22-0.86)"),  # half away from zero; label kept
        ("-0.25 (-0.45 to -0.05)", 1, "-0.3 (-0.5 to -0.1)"),
    ],
)
def test_display(printed, decimals, shown):
    assert display(printed, decimals) == shown


def test_display_never_rounds_through_a_float():
    assert round(10.85, 1) == 10.8  # the float trap display avoids
    assert display("10.85", 1) == "10.9" and display("2.675", 2) == "2.68"


def test_not_estimable_is_not_not_reached():
    ne = parse_estimate("16.3 (95% CI 12.6-not estimable)")
    nr = parse_estimate("30.4 (26.9, NR)")
    assert ne.upper_nr and nr.upper_nr  # both are words, not numbers (as before)
    assert (ne.upper_status, nr.upper_status) == ("not-estimable", "not-reached")
    assert parse_estimate("NE (7.1-NE)").value_status == "not-estimable"
    assert parse_estimate("NR").value_status == "not-reached"
    assert parse_estimate("11.4 (7.5, 17.1)").upper_status == "value"
    assert parse_estimate("11.4").upper_status is None
    e = parse_interval("10.1-not estimable")
    assert (e.value, e.lower, e.upper, e.lower_status, e.upper_status) == (None, 10.1, None, "value", "not-estimable")
    assert parse_interval("95% CI 0.21-0.85").label == "95% CI"


@pytest.mark.parametrize(
    ("printed", "value", "bound", "decimals", "sided", "span"),
    [
        ("P = .017", 0.017, None, 3, None, (0.0165, 0.0175)),
        ("p<0.001", 0.001, "<", 3, None, (0.0, 0.001)),
        ("0.02 (one-sided)", 0.02, None, 2, "one-sided", (0.015, 0.025)),
        ("P=0.05", 0.05, None, 2, None, (0.045, 0.055)),
        ("p > 0.2", 0.2, ">", 1, None, (0.2, 1.0)),
        ("P ≤ .05, two-sided", 0.05, "≤", 2, "two-sided", (0.0, 0.05)),
        ("p = 1.2e-5", 1.2e-5, None, 6, None, (1.15e-5, 1.25e-5)),
    ],
)
def test_p_values(printed, value, bound, decimals, sided, span):
    p = parse_p(printed)
    assert (p.value, p.bound, p.decimals, p.sided) == (value, bound, decimals, sided)
    assert p.range() == pytest.approx(span)


@pytest.mark.parametrize("printed", ["P = 1.7", "significant", "p = -0.1"])
def test_p_values_refused(printed):
    with pytest.raises(PrintedValueError):
        parse_p(printed)


def test_summaries():
    s = parse_summary("mean 35.24 (range 11-73)")
    assert (s.first.value, s.first.lower, s.first.upper, s.first.label, s.first.decimals) == (35.24, 11, 73, "range", 2)
    assert s.range is None
    assert parse_summary("35.24").first.value == 35.24
    s = parse_summary("median 42 (IQR 30-55; range 18-76)")
    assert (s.first.lower, s.first.upper, s.first.label) == (30, 55, "IQR")
    assert (s.range.value, s.range.lower, s.range.upper, s.range.label) == (42, 18, 76, "range")
    assert parse_summary("42 (30-55, range 18-76)").range.upper == 76
