"""Parse values written exactly as a publication prints them.

A descriptor may write a number as the source prints it: ``"13 (39.39)"``, ``"13/33 (39.4%)"``,
``"19.1±8.5 (16.0, 22.2)"``, ``"11.4 (7.5, 17.1)"``, ``"<10%"``, ``"30.4 (26.9, NR)"``. The parsers here
turn such text into numbers while keeping what is needed to check it later: the printed percentage and its
number of decimals, and whether a bound was "not reached".

Every parser raises :class:`PrintedValueError` with a message fit for a user; the loader adds the file,
line and column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "Count",
    "Estimate",
    "MeanSD",
    "PrintedValueError",
    "decimals_of",
    "parse_count",
    "parse_estimate",
    "parse_mean_sd",
]

_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2212"
_NUM = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)"
_NR = r"(?:NR|NE|NA|not reached|not estimable)"


class PrintedValueError(ValueError):
    """A printed value could not be read, or is impossible on its face (e.g. ``"13/12"``)."""


@dataclass(frozen=True)
class Count:
    """A count as printed: ``n``, optional denominator and percentage.

    Attributes
    ----------
    n : int
        The count.
    denominator : int or None
        The denominator when printed (``"13/33"``), else None.
    percent : float or None
        The printed percentage, if any.
    percent_decimals : int or None
        Number of decimals of the printed percentage (for rounding tolerance).
    lower, upper : float or None
        An interval printed with the percentage (``"13/43 (30.23%, 95% CI 17.2-40.1)"``), in percent.
    label : str or None
        The interval's label as printed inside the parentheses (``"95% CI"``), if any.
    """

    n: int
    denominator: int | None = None
    percent: float | None = None
    percent_decimals: int | None = None
    lower: float | None = None
    upper: float | None = None
    label: str | None = None


@dataclass(frozen=True)
class Estimate:
    """A point estimate with an optional interval, as printed.

    ``bound`` is ``"<"``, ``">"``, ``"≤"`` or ``"≥"`` when only a bound was printed (``"<10%"``); then
    ``value`` holds the bound. ``lower_nr`` / ``upper_nr`` mark a bound printed as "NR" (not reached).
    ``label`` is an interval label printed inside the parentheses (``"IQR"``, ``"95% CI"``), if any.
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


@dataclass(frozen=True)
class MeanSD:
    """``mean ± SD`` with an optional interval, as printed (``"19.1±8.5 (16.0, 22.2)"``)."""

    mean: float
    sd: float
    lower: float | None = None
    upper: float | None = None
    mean_decimals: int = 0
    sd_decimals: int = 0


def decimals_of(text: str) -> int:
    """Number of digits after the decimal point in a printed number.

    Parameters
    ----------
    text : str
        A printed number such as ``"39.39"``.

    Returns
    -------
    int
        ``2`` for ``"39.39"``, ``0`` for ``"13"``.

    Examples
    --------
    >>> decimals_of("60.60")
    2
    """
    text = text.strip().rstrip("%")
    return len(text.split(".", 1)[1]) if "." in text else 0


def _normalise(text: str | int | float) -> str:
    s = str(text).strip()
    for d in _DASHES:
        s = s.replace(d, "-")
    return re.sub(r"\s+", " ", s)


_LABEL_RE = r"(?P<label>IQR|95%\s*CI|CI|Q1\s*[-,]\s*Q3|range|min\s*[-,]\s*max)"
_COUNT_RE = re.compile(
    rf"^(?P<n>{_NUM})\s*(?:/\s*(?P<d>{_NUM}))?\s*(?:\(\s*(?P<p>{_NUM})\s*%?\s*"
    rf"(?:[,;]\s*(?:{_LABEL_RE}\s*[:,]?\s*)?(?P<lo>{_NUM})\s*%?\s*(?:-|,|to)\s*(?P<hi>{_NUM})\s*%?\s*)?\))?\s*$",
    re.IGNORECASE,
)


def _as_count(text: str, what: str) -> int:
    number = float(text)
    if number != int(number):
        raise PrintedValueError(f"{what} {text!r} is not a whole number")
    if number < 0:
        raise PrintedValueError(f"{what} {text!r} is negative")
    return int(number)


def parse_count(text: str | int) -> Count:
    """Parse a count as printed: ``13``, ``"13 (39.39)"``, ``"13/33"``, ``"13/33 (39.4%)"``, ``"0.0 (0.0)"``.

    Parameters
    ----------
    text : str or int
        The printed value.

    Returns
    -------
    Count

    Raises
    ------
    PrintedValueError
        Unreadable text, a negative or fractional count, a count above the denominator printed with it, or a
        percentage above 100.

    Examples
    --------
    >>> parse_count("13 (39.39)")
    Count(n=13, denominator=None, percent=39.39, percent_decimals=2, lower=None, upper=None, label=None)
    """
    if isinstance(text, bool):
        raise PrintedValueError(f"expected a count, got the boolean {text!r}")
    s = _normalise(text)
    m = _COUNT_RE.match(s)
    if not m:
        raise PrintedValueError(f"cannot read {s!r} as a count; write it as printed, e.g. '13 (39.4)' or '13/33'")
    n = _as_count(m["n"], "count")
    d = _as_count(m["d"], "denominator") if m["d"] else None
    if d is not None and n > d:
        raise PrintedValueError(f"count {n} is larger than the denominator {d} printed with it in {s!r}")
    pct = float(m["p"]) if m["p"] else None
    lo, hi = (float(m["lo"]), float(m["hi"])) if m["lo"] else (None, None)
    for v in (pct, lo, hi):
        if v is not None and not 0 <= v <= 100:
            raise PrintedValueError(f"percentage {v:g} in {s!r} is outside 0-100")
    label = re.sub(r"\s+", " ", m["label"]) if m["label"] else None
    return Count(n, d, pct, decimals_of(m["p"]) if m["p"] else None, lo, hi, label)


_BOUND_RE = re.compile(rf"^(?P<op><=|>=|<|>|≤|≥)\s*(?P<v>{_NUM})\s*(?P<pct>%)?$")
_EST_RE = re.compile(
    rf"^(?P<v>{_NUM}|{_NR})\s*(?P<pct>%)?\s*"
    rf"(?:\(\s*(?:{_LABEL_RE}\s*[:,]?\s*)?(?P<lo>{_NUM}|{_NR})\s*%?\s*(?:,|-|to|;)\s*(?P<hi>{_NUM}|{_NR})\s*%?\s*\))?$",
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
    ``"81.8% (68.7%, 95.0%)"``, ``"<10%"``, ``"30.4 (26.9, NR)"``.

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
    """
    if isinstance(text, bool):
        raise PrintedValueError(f"expected a number, got the boolean {text!r}")
    s = _normalise(text)
    b = _BOUND_RE.match(s)
    if b:
        est = Estimate(float(b["v"]), decimals=decimals_of(b["v"]), bound=b["op"], percent=bool(b["pct"]))
    else:
        m = _EST_RE.match(s)
        if not m:
            raise PrintedValueError(
                f"cannot read {s!r} as an estimate; write it as printed, e.g. '11.4 (7.5, 17.1)' or '78.5%'"
            )
        value, value_nr = _bound_value(m["v"])
        lo, lo_nr = _bound_value(m["lo"])
        hi, hi_nr = _bound_value(m["hi"])
        label = re.sub(r"\s+", " ", m["label"]) if m["label"] else None
        est = Estimate(value, lo, hi, None if value_nr else decimals_of(m["v"]), None, lo_nr, hi_nr,
                       bool(m["pct"]), label, value_nr)
    if percent or est.percent:
        _check_percent(est, s)
    return est


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
