"""Parse values written exactly as a publication prints them.

A descriptor may write a number as the source prints it: ``"13 (39.39)"``, ``"13/33 (39.4%)"``,
``"19.1±8.5 (16.0, 22.2)"``, ``"11.4 (7.5, 17.1)"``, ``"<10%"``, ``"30.4 (26.9, NR)"``. The parsers here
turn such text into numbers while keeping what is needed to check it later: the printed percentage and its
number of decimals, and whether a bound was "not reached".

Every parser raises :class:`PrintedValueError` with a message fit for a user; the loader adds the file,
line and column. A scaffold placeholder ``"TODO: "`` in front of a value (``"TODO: 6/30 (20.0%)"``, written by
``trialcompare new``) is read past, so that a fresh scaffold loads; ``validate`` reports it (``PLACEHOLDER``).
Counts and the pieces every parser shares are in :mod:`.printed_counts`, re-exported here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from .printed_counts import (
    _LABEL_RE,
    _NUM,
    COUNT_FORMS,
    Count,
    PrintedValueError,
    _normalise,
    decimals_of,
    is_count,
    parse_count,
)
from .printed_display import display
from .printed_status import bound_status

__all__ = [
    "COUNT_FORMS",
    "EFFECT_FORMS",
    "Count",
    "Estimate",
    "MeanSD",
    "PValue",
    "PrintedValueError",
    "Summary",
    "bound_status",
    "decimals_of",
    "display",
    "is_count",
    "parse_count",
    "parse_effect",
    "parse_estimate",
    "parse_interval",
    "parse_mean_sd",
    "parse_p",
    "parse_summary",
]

_NR = r"(?:NR|NE|NA|not reached|not estimable)"


@dataclass(frozen=True)
class Estimate:
    """A point estimate with an optional interval, as printed.

    ``bound`` is ``"<"``, ``">"``, ``"≤"`` or ``"≥"`` when only a bound was printed (``"<10%"``); then
    ``value`` holds the bound. ``lower_nr`` / ``upper_nr`` mark a bound printed as a word instead of a number
    (NR, NE, NA); ``value_status`` / ``lower_status`` / ``upper_status`` say which word (:func:`bound_status`):
    ``"not-reached"`` (NR) is not ``"not-estimable"`` (NE). A status is ``"value"`` for a printed number and None
    for a bound not printed at all.
    ``label`` is an interval label printed inside the parentheses (``"IQR"``, ``"95% CI"``), if any.
    ``unit`` is a time unit word printed with the numbers (``"10.9 months"``), as ``months``/``weeks``/``days``/
    ``years``, else None. ``decimals`` are those of the printed estimate; ``percent``: printed with ``%``.

    Attributes
    ----------
    value, lower, upper : float or None
    bound, label, unit, value_status, lower_status, upper_status : str or None
    decimals : int or None
    lower_nr, upper_nr, value_nr, percent : bool
    """

    value: float | None
    lower: float | None = None
    upper: float | None = None
    decimals: int | None = None
    bound: str | None = None
    lower_nr: bool = False
    upper_nr: bool = False
    percent: bool = False
    label: str | None = None
    value_nr: bool = False
    value_status: str | None = "value"
    lower_status: str | None = None
    upper_status: str | None = None
    unit: str | None = None


@dataclass(frozen=True)
class MeanSD:
    """``mean ± SD`` with an optional interval, as printed (``"19.1±8.5 (16.0, 22.2)"``).

    Attributes
    ----------
    mean, sd : float
    lower, upper : float or None
    mean_decimals, sd_decimals : int
    """

    mean: float
    sd: float
    lower: float | None = None
    upper: float | None = None
    mean_decimals: int = 0
    sd_decimals: int = 0


_UNITS = {"month": "months", "mo": "months", "week": "weeks", "wk": "weeks", "day": "days", "year": "years",
          "yr": "years"}
_UNIT_RE = re.compile(r"(?<=\d)\s*(?P<u>months?|mos?|weeks?|wks?|days?|years?|yrs?)\b\.?", re.IGNORECASE)
_SPELLED = (  # interval labels spelled out, as the text of a paper prints them → the short label
    (re.compile(r"(\d{2}(?:\.\d+)?)\s*%\s*confidence\s+intervals?(?:\s*\(\s*CIs?\s*\))?", re.IGNORECASE), r"\1% CI"),
    (re.compile(r"confidence\s+intervals?(?:\s*\(\s*CIs?\s*\))?", re.IGNORECASE), "CI"),
    (re.compile(r"inter-?\s*quartile\s+range(?:\s*\(\s*IQR\s*\))?", re.IGNORECASE), "IQR"),
)


def _plain(s: str) -> tuple[str, str | None]:
    """A printed value with its words reduced to what the parsers read: square brackets as parentheses, a
    spelled-out interval label as its short form ("95% confidence interval (CI)" → "95% CI"), and time unit words
    after numbers left out (returned apart, normalised; two different units are an error)."""
    for pattern, short in _SPELLED:
        s = pattern.sub(short, s)
    s = s.replace("[", "(").replace("]", ")")
    units = {_UNITS[m["u"].lower().rstrip("s")] for m in _UNIT_RE.finditer(s)}
    if len(units) > 1:
        raise PrintedValueError(f"{s!r} mixes time units ({', '.join(sorted(units))}); give one value per unit")
    return _UNIT_RE.sub("", s), (units.pop() if units else None)


_BOUND_RE = re.compile(rf"^(?P<op><=|>=|<|>|≤|≥)\s*(?P<v>{_NUM})\s*(?P<pct>%)?$")
_EST_RE = re.compile(
    rf"^(?P<v>{_NUM}|{_NR})\s*(?P<pct>%)?\s*"
    rf"(?:\(\s*(?:{_LABEL_RE}\s*[:,]?\s*)?(?P<lo>{_NUM}|{_NR})\s*%?\s*(?:,|-|to|;)\s*(?P<hi>{_NUM}|{_NR})\s*%?\s*\))?$",
    re.IGNORECASE,
)
_EST_SEMI_RE = re.compile(  # "0.42; 95% CI, 0.21 to 0.85": the interval after a semicolon, its label first
    rf"^(?P<v>{_NUM}|{_NR})\s*(?P<pct>%)?\s*[;,]\s*{_LABEL_RE}\s*[:,]?\s*(?P<lo>{_NUM}|{_NR})\s*%?\s*"
    rf"(?:,|-|to|;)\s*(?P<hi>{_NUM}|{_NR})\s*%?$",
    re.IGNORECASE,
)


def _bound_value(text: str | None) -> tuple[float | None, bool]:
    if text is None:
        return None, False
    if re.fullmatch(_NR, text, re.IGNORECASE):
        return None, True
    return float(text), False


def parse_estimate(text: str | int | float, *, percent: bool = False) -> Estimate:
    """Parse an estimate with an optional interval as printed.

    Accepts ``"11.4"``, ``"11.4 (7.5, 17.1)"``, ``"11.4 (IQR, 6.7-18.4)"``, ``"78.5%"``,
    ``"81.8% (68.7%, 95.0%)"``, ``"<10%"``, ``"30.4 (26.9, NR)"``, and a time unit word or a spelled-out interval
    label as a paper's text prints them: ``"10.9 months [95% confidence interval (CI), 9.3–12.6]"`` (the unit is
    returned in ``unit``; the printed text itself is kept by the caller, verbatim).

    Parameters
    ----------
    text : str, int or float
        The printed value.
    percent : bool
        The value is a percentage (then it must lie within 0-100).

    Returns
    -------
    Estimate

    Raises
    ------
    PrintedValueError
        Unreadable text or an impossible percentage.

    Examples
    --------
    >>> parse_estimate("11.4 (7.5, 17.1)").upper
    17.1
    >>> e = parse_estimate("10.9 months [95% confidence interval (CI), 9.3–12.6]")
    >>> (e.value, e.lower, e.upper, e.label, e.unit)
    (10.9, 9.3, 12.6, '95% CI', 'months')
    """
    if isinstance(text, bool):
        raise PrintedValueError(f"expected a number, got the boolean {text!r}")
    printed = _normalise(text)
    s, unit = _plain(printed)
    s = _normalise(s)
    b = _BOUND_RE.match(s)
    if b:
        est = Estimate(float(b["v"]), decimals=decimals_of(b["v"]), bound=b["op"], percent=bool(b["pct"]))
    else:
        m = _EST_RE.match(s) or _EST_SEMI_RE.match(s)
        if not m:
            raise PrintedValueError(f"cannot read {printed!r} as {_EXAMPLES[percent]}")
        value, value_nr = _bound_value(m["v"])
        lo, lo_nr = _bound_value(m["lo"])
        hi, hi_nr = _bound_value(m["hi"])
        label = re.sub(r"\s+", " ", m["label"]) if m["label"] else None
        est = Estimate(value, lo, hi, None if value_nr else decimals_of(m["v"]), None, lo_nr, hi_nr,
                       bool(m["pct"]), label, value_nr, bound_status(m["v"]), bound_status(m["lo"]),
                       bound_status(m["hi"]))
    if percent or est.percent:
        _check_percent(est, s)
    return replace(est, unit=unit) if unit else est


_UNSUPPORTED = "this printed form is not supported; accepted forms:"
_INSTEAD = "— write one of them and keep the original in a `note:`"
_EXAMPLES = {  # every example is accepted by every field that reads its value with parse_estimate (tested)
    False: f"an estimate: {_UNSUPPORTED} '11.4' or '10.9 months' {_INSTEAD}; with an interval ('11.4 (7.5, 17.1)', "
           "'11.4; 95% CI, 7.5 to 17.1') it also needs its type (interval: 95% CI)",
    True: f"a rate: {_UNSUPPORTED} '78.5%', '13/33 (39.4%)', '39.4% (13/33)', '39.4%, 13/33' or '13 (39.4)' "
          f"{_INSTEAD}; with an interval ('78.5% (68.7, 95.0)') it also needs its type (interval: 95% CI)",
}
#: The printed forms of a between-arm effect, as its refusal lists them (each accepted by ``effects[].value``: tested).
EFFECT_FORMS = "'0.42 (95% CI 0.21-0.85)', '0.42 (95% CI, 0.21 to 0.85)', '0.42; 95% CI, 0.21 to 0.85' or '0.42'"


def parse_effect(text: str | int | float) -> Estimate:
    """Parse a between-arm effect (a hazard ratio, odds ratio, difference) as printed.

    It is read as :func:`parse_estimate` reads it; only the refusal differs, listing the forms of an effect
    (:data:`EFFECT_FORMS`).

    Parameters
    ----------
    text : str, int or float
        The printed effect.

    Returns
    -------
    Estimate

    Raises
    ------
    PrintedValueError
        Unreadable text.

    Examples
    --------
    >>> e = parse_effect("0.42; 95% CI, 0.21 to 0.85")
    >>> (e.value, e.lower, e.upper, e.label)
    (0.42, 0.21, 0.85, '95% CI')
    """
    try:
        return parse_estimate(text)
    except PrintedValueError as exc:
        if not str(exc).startswith("cannot read"):
            raise
        raise PrintedValueError(f"cannot read {_normalise(text)!r} as an effect: {_UNSUPPORTED} {EFFECT_FORMS} "
                                f"{_INSTEAD}") from None


#: Examples a continuous summary of each kind accepts (tested), for the message that refuses one.
SUMMARY_EXAMPLES = {
    "median": "'42' or '35.2 years'", "mean": "'42.1' or '35.2 years'",
    "median_range": "'42 (18-76)', '35.24 years (11–73 years)' or '42 (range 18-76)'",
    "median_iqr": "'42 (30-55)' or '42 (IQR 30-55)'", "median_ci": "'42 (30-55)' or '42 (95% CI 30-55)'",
    "mean_ci": "'42.1 (30.2-55.0)' or '42.1 (95% CI 30.2-55.0)'", "mean_range": "'42.1 (18-76)'",
    "median_iqr_range": "'42 (IQR 30-55; range 18-76)'",
}


def _check_percent(est: Estimate, s: str) -> None:
    for v in (est.value, est.lower, est.upper):
        if v is not None and not 0 <= v <= 100:
            raise PrintedValueError(f"percentage {v:g} in {s!r} is outside 0-100")


_MEANSD_RE = re.compile(
    rf"^(?P<m>{_NUM})\s*(?:±|\+/-|\+-)\s*(?P<sd>{_NUM})\s*"
    rf"(?:\(\s*(?P<lo>{_NUM})\s*(?:,|-|to)\s*(?P<hi>{_NUM})\s*\))?$"
)


def parse_mean_sd(text: str) -> MeanSD:
    """Parse ``"mean ± SD"`` with an optional interval, e.g. ``"19.1±8.5 (16.0, 22.2)"``.

    Parameters
    ----------
    text : str
        The printed value.

    Returns
    -------
    MeanSD

    Raises
    ------
    PrintedValueError
        Unreadable text or a negative SD.

    Examples
    --------
    >>> parse_mean_sd("19.1±8.5 (16.0, 22.2)").sd
    8.5
    """
    s = _normalise(text)
    m = _MEANSD_RE.match(s)
    if not m:
        raise PrintedValueError(f"cannot read {s!r} as 'mean ± SD (lower, upper)', e.g. '19.1±8.5 (16.0, 22.2)'")
    sd = float(m["sd"])
    if sd < 0:
        raise PrintedValueError(f"standard deviation {m['sd']} in {s!r} is negative")
    lo = float(m["lo"]) if m["lo"] else None
    hi = float(m["hi"]) if m["hi"] else None
    return MeanSD(float(m["m"]), sd, lo, hi, decimals_of(m["m"]), decimals_of(m["sd"]))


_INTERVAL_RE = re.compile(
    rf"^(?:{_LABEL_RE}\s*[:,]?\s*)?(?P<lo>{_NUM}|{_NR})\s*(?P<pct>%)?\s*(?:,|-|to|;)\s*(?P<hi>{_NUM}|{_NR})\s*%?$",
    re.IGNORECASE,
)


def parse_interval(text: str) -> Estimate:
    """Parse an interval printed on its own: ``"10.1-not estimable"``, ``"95% CI 0.21-0.85"``, ``"NR-NR"``.

    Parameters
    ----------
    text : str
        The printed interval.

    Returns
    -------
    Estimate
        With ``value`` None (no estimate printed) and the bounds with their status.

    Raises
    ------
    PrintedValueError
        Unreadable text.

    Examples
    --------
    >>> e = parse_interval("10.1-not estimable")
    >>> (e.lower, e.upper, e.upper_nr, e.upper_status)
    (10.1, None, True, 'not-estimable')
    """
    s = _normalise(_plain(_normalise(text))[0])
    m = _INTERVAL_RE.match(s)
    if not m:
        raise PrintedValueError(f"cannot read {s!r} as an interval, e.g. '10.1-not estimable' or '0.21-0.85'")
    lo, lo_nr = _bound_value(m["lo"])
    hi, hi_nr = _bound_value(m["hi"])
    label = re.sub(r"\s+", " ", m["label"]) if m["label"] else None
    return Estimate(None, lo, hi, None, None, lo_nr, hi_nr, bool(m["pct"]), label, False, None,
                    bound_status(m["lo"]), bound_status(m["hi"]))


@dataclass(frozen=True)
class PValue:
    """A P value as printed (``"P = .017"``, ``"p<0.001"``, ``"0.02 (one-sided)"``).

    Attributes
    ----------
    value : float
        The printed number (for a bound, the bound).
    bound : str or None
        ``"<"``, ``">"``, ``"≤"`` or ``"≥"`` when only a bound was printed.
    decimals : int
        Decimals printed (for rounding tolerance; ``.017`` has 3).
    sided : str or None
        ``"one-sided"`` or ``"two-sided"`` when printed with the value, else None.
    """

    value: float
    bound: str | None = None
    decimals: int = 0
    sided: str | None = None

    def range(self) -> tuple[float, float]:
        """The values of the P value compatible with its printing (rounding, or the side of a bound).

        Returns
        -------
        tuple of (float, float)
        """
        if self.bound in ("<", "≤"):
            return 0.0, self.value
        if self.bound in (">", "≥"):
            return self.value, 1.0
        half = 0.5 * 10.0 ** (-self.decimals)
        return max(0.0, self.value - half), min(1.0, self.value + half)


_P_RE = re.compile(
    r"^(?:p(?:\s*-?\s*value)?\s*)?(?P<op><=|>=|=|<|>|≤|≥)?\s*(?P<v>\d*\.?\d+(?:e-?\d+)?)\s*"
    r"(?:[,;]?\s*\(?\s*(?P<side>one|two|1|2)[- ]?(?:sided|tailed)\s*\)?)?$",
    re.IGNORECASE,
)


def parse_p(text: str | float) -> PValue:
    """Parse a P value as printed: ``"P = .017"``, ``"p<0.001"``, ``"0.02 (one-sided)"``, ``"P=0.05"``.

    Parameters
    ----------
    text : str or float
        The printed P value.

    Returns
    -------
    PValue

    Raises
    ------
    PrintedValueError
        Unreadable text or a value outside [0, 1].

    Examples
    --------
    >>> parse_p("P = .017")
    PValue(value=0.017, bound=None, decimals=3, sided=None)
    >>> parse_p("0.02 (one-sided)").sided, parse_p("p<0.001").bound
    ('one-sided', '<')
    """
    if isinstance(text, bool):
        raise PrintedValueError(f"expected a P value, got the boolean {text!r}")
    s = _normalise(text)
    m = _P_RE.match(s)
    if not m:
        raise PrintedValueError(f"cannot read {s!r} as a P value, e.g. 'P = .017', 'p<0.001' or '0.02 (one-sided)'")
    value = float(m["v"])
    if not 0 <= value <= 1:
        raise PrintedValueError(f"P value {m['v']} in {s!r} is outside 0-1")
    op = m["op"] if m["op"] not in (None, "=") else None
    side = {"one": "one-sided", "1": "one-sided", "two": "two-sided", "2": "two-sided"}.get((m["side"] or "").lower())
    mantissa, _, exponent = m["v"].lower().partition("e")
    decimals = decimals_of(mantissa) - int(exponent or 0)
    return PValue(value, {"<=": "≤", ">=": "≥"}.get(op or "", op), decimals, side)


@dataclass(frozen=True)
class Summary:
    """A continuous summary as printed: a mean or median with up to two intervals (IQR and range).

    Attributes
    ----------
    first : Estimate
        The estimate with the first printed interval (its ``label`` names it).
    range : Estimate or None
        A second interval printed as a range (``"median 42 (IQR 30-55; range 18-76)"``).
    """

    first: Estimate
    range: Estimate | None = None


_LEAD_RE = re.compile(r"^(?:mean|median|average)\s*[:=]?\s*", re.IGNORECASE)
_TWO_RE = re.compile(
    rf"^(?P<v>{_NUM})\s*\(\s*(?P<a>(?:IQR\s*[:,]?\s*)?{_NUM}\s*(?:-|to|,)\s*{_NUM})\s*[;,]\s*"
    rf"(?:range\s*[:,]?\s*)(?P<b>{_NUM}\s*(?:-|to|,)\s*{_NUM})\s*\)$",
    re.IGNORECASE,
)


def parse_summary(text: str | int | float, kind: str | None = None) -> Summary:
    """Parse a mean or median as printed, optionally preceded by its name and with one or two intervals.

    Accepts ``"35.24"``, ``"mean 35.24 (range 11-73)"``, ``"median 42 (IQR 30-55; range 18-76)"``,
    ``"35.24 years (11–73 years)"`` and every form of :func:`parse_estimate`.

    Parameters
    ----------
    text : str, int or float
        The printed value.
    kind : str, optional
        The summary's kind (``median_range``...): a refusal then gives examples of that kind.

    Returns
    -------
    Summary

    Raises
    ------
    PrintedValueError
        Unreadable text.

    Examples
    --------
    >>> s = parse_summary("median 42 (IQR 30-55; range 18-76)")
    >>> (s.first.value, s.first.lower, s.first.upper, s.range.lower, s.range.upper)
    (42.0, 30.0, 55.0, 18.0, 76.0)
    """
    s = _LEAD_RE.sub("", _normalise(text))
    two = _TWO_RE.match(_normalise(_plain(s)[0]))
    if two is None:
        try:
            return Summary(parse_estimate(s))
        except PrintedValueError:
            if kind not in SUMMARY_EXAMPLES:
                raise
            raise PrintedValueError(f"cannot read {s!r} as kind {kind}: {_UNSUPPORTED} {SUMMARY_EXAMPLES[kind]} "
                                    f"{_INSTEAD}") from None
    first = parse_estimate(f"{two['v']} ({two['a']})")
    first = Estimate(first.value, first.lower, first.upper, first.decimals, label=first.label or "IQR",
                     lower_status="value", upper_status="value")
    rng = parse_interval(two["b"])
    return Summary(first, Estimate(first.value, rng.lower, rng.upper, first.decimals, label="range",
                                   lower_status="value", upper_status="value"))
