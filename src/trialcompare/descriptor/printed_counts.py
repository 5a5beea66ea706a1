"""Counts written exactly as a publication prints them, and the lexical pieces every printed-value parser shares.

Part of :mod:`trialcompare.descriptor.printed`, which re-exports :class:`Count`, :func:`parse_count`,
:func:`is_count`, :func:`decimals_of` and :class:`PrintedValueError`. A count is read from ``13``,
``"13 (39.39)"``, ``"13/33"``, ``"13/33 (39.4%)"``, ``"39.4% (13/33)"``, ``"39.4%, 13/33"`` and ``"13 (13/33)"``
(the count printed again with its denominator). A scaffold placeholder ``"TODO: "`` in front of a value is read past
(:func:`_normalise`); ``validate`` reports it. The printed percentage and its decimals are kept, so that the
checks can compare it with the count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["COUNT_FORMS", "Count", "PrintedValueError", "decimals_of", "is_count", "parse_count"]

_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2212"
_NUM = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)"


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


_PLACEHOLDER = re.compile(r"^TODO:\s*")


def _normalise(text: str | int | float) -> str:
    s = _PLACEHOLDER.sub("", str(text).strip())
    for d in _DASHES:
        s = s.replace(d, "-")
    return re.sub(r"\s+", " ", s)


_LABEL_RE = r"(?P<label>IQR|\d{2}(?:\.\d+)?%\s*CI|CI|Q1\s*[-,]\s*Q3|range|min\s*[-,]\s*max)"
_COUNT_RE = re.compile(
    rf"^(?P<n>{_NUM})\s*(?:/\s*(?P<d>{_NUM}))?\s*(?:\(\s*(?P<p>{_NUM})\s*%?\s*"
    rf"(?:[,;]\s*(?:{_LABEL_RE}\s*[:,]?\s*)?(?P<lo>{_NUM})\s*%?\s*(?:-|,|to)\s*(?P<hi>{_NUM})\s*%?\s*)?\))?\s*$",
    re.IGNORECASE,
)
_PCT_FIRST_RE = re.compile(rf"^(?P<p>{_NUM})\s*%\s*\(\s*(?P<n>{_NUM})\s*/\s*(?P<d>{_NUM})\s*\)$")  # 6.06% (2/33)
_PCT_COMMA_RE = re.compile(rf"^(?P<p>{_NUM})\s*%\s*[,;]\s*(?P<n>{_NUM})\s*/\s*(?P<d>{_NUM})$")  # 35.29%, 12/34
_N_AGAIN_RE = re.compile(rf"^(?P<again>{_NUM})\s*\(\s*(?P<n>{_NUM})\s*/\s*(?P<d>{_NUM})\s*\)$")  # 0 (0/33)
_N_PCT_RE = re.compile(rf"^\d+\s*\(\s*{_NUM}\s*%?\s*\)$")

#: The printed forms of a count, as a refusal lists them (each is accepted wherever a count is: tested).
COUNT_FORMS = "'13 (39.4)', '13/33', '13/33 (39.4%)', '39.4% (13/33)', '39.4%, 13/33' or '13 (13/33)'"


def is_count(text: str | int | float) -> bool:
    """Tell whether a printed rate is a count rather than a percentage.

    A count: ``"13/33"``, ``"13/33 (39.4%)"``, ``"6.06% (2/33)"``, ``"13 (39.4)"``; a percentage, with or without
    its interval: ``"78.5%"``, ``"6.7% (95% CI 0.8-22.1)"``.

    Parameters
    ----------
    text : str, int or float
        The printed rate.

    Returns
    -------
    bool
        True for a count (read with :func:`parse_count`), False for a percentage (read with
        :func:`~trialcompare.descriptor.printed.parse_estimate`).

    Examples
    --------
    >>> is_count("6.06% (2/33)"), is_count("13 (39.4)"), is_count("78.5%"), is_count("6.7% (95% CI 0.8-22.1)")
    (True, True, False, False)
    """
    s = _normalise(text)
    return "/" in s or bool(_N_PCT_RE.match(s))


def _as_count(text: str, what: str) -> int:
    number = float(text)
    if number != int(number):
        raise PrintedValueError(f"{what} {text!r} is not a whole number")
    if number < 0:
        raise PrintedValueError(f"{what} {text!r} is negative")
    return int(number)


def _match_count(s: str) -> re.Match[str]:
    """The match of one of the printed forms of a count, else a refusal that lists them."""
    for pattern in (_COUNT_RE, _PCT_FIRST_RE, _PCT_COMMA_RE, _N_AGAIN_RE):
        m = pattern.match(s)
        if m:
            return m
    raise PrintedValueError(f"cannot read {s!r} as a count: this printed form is not supported; accepted forms: "
                            f"{COUNT_FORMS} — write one of them and keep the original in a `note:`")


def parse_count(text: str | int | float) -> Count:
    """Parse a count as printed, with its denominator and percentage when they are printed too.

    The printed forms: ``13``, ``"13 (39.39)"``, ``"13/33"``, ``"13/33 (39.4%)"``, ``"6.06% (2/33)"``,
    ``"35.29%, 12/34"``, ``"0 (0/33)"``, ``"0.0 (0.0)"``.

    Parameters
    ----------
    text : str, int or float
        The printed value (a number is read as its text).

    Returns
    -------
    Count

    Raises
    ------
    PrintedValueError
        Unreadable text, a negative or fractional count, a count above the denominator printed with it, a count
        printed twice with two values (``"2 (3/33)"``), or a percentage above 100.

    Examples
    --------
    >>> parse_count("13 (39.39)")
    Count(n=13, denominator=None, percent=39.39, percent_decimals=2, lower=None, upper=None, label=None)
    >>> c = parse_count("35.29%, 12/34")
    >>> (c.n, c.denominator, c.percent, c.percent_decimals), parse_count("0 (0/33)").denominator
    ((12, 34, 35.29, 2), 33)
    """
    if isinstance(text, bool):
        raise PrintedValueError(f"expected a count, got the boolean {text!r}")
    s = _normalise(text)
    m = _match_count(s)
    groups = m.groupdict()
    n = _as_count(m["n"], "count")
    if groups.get("again") is not None and _as_count(m["again"], "count") != n:
        raise PrintedValueError(f"{s!r} prints two different counts ({m['again']} and {m['n']})")
    d = _as_count(m["d"], "denominator") if m["d"] else None
    if d is not None and n > d:
        raise PrintedValueError(f"count {n} is larger than the denominator {d} printed with it in {s!r}")
    pct = float(m["p"]) if groups.get("p") else None
    lo, hi = (float(m["lo"]), float(m["hi"])) if groups.get("lo") else (None, None)
    for v in (pct, lo, hi):
        if v is not None and not 0 <= v <= 100:
            raise PrintedValueError(f"percentage {v:g} in {s!r} is outside 0-100")
    label = re.sub(r"\s+", " ", m["label"]) if groups.get("label") else None
    return Count(n, d, pct, decimals_of(m["p"]) if pct is not None else None, lo, hi, label)
