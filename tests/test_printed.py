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
