"""Outcome names with their time point and unit: ``orr``, ``pfs_8w``, ``os_12m``, ``tte_6m``.

One grammar for every place that names an outcome (the ``meta --outcome`` option, an effect's ``outcome:``):

* a response rate: ``orr``, ``dcr``, ``cbr`` (optionally with a time point, ``cbr_6m``), and ``csr`` (complete
  surgical remission);
* a named proportion a descriptor records under ``rates:`` (``custom:infection``, ``ae:neutropenia:grade3``);
* a landmark rate of an endpoint: ``<endpoint>_<time><unit>`` with the endpoint in lower case (``pfs``, ``os``,
  ``efs``, ``ttp``, ``dor``) or ``tte`` for "the compared time-to-event endpoint" (each cohort's primary non-OS
  endpoint), and the unit one letter: ``d`` days, ``w`` weeks, ``m`` months, ``y`` years.

The time is kept in its unit (``pfs_8w`` is 8 weeks, not 1.84 months); :attr:`OutcomeName.months` converts it for
comparison only (1 month = 30.4375 days, see :func:`trialcompare.options.to_months`).

Examples
--------
>>> parse_outcome_name("pfs_8w")
OutcomeName(name='pfs_8w', endpoint='PFS', rate=None, time=8.0, unit='weeks')
>>> parse_outcome_name("orr").rate
'ORR'
>>> parse_outcome_name("custom:infection").rate
'custom:infection'
>>> parse_outcome_name("tte_6m").endpoint is None, parse_outcome_name("tte_6m").compared_endpoint
(True, True)
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .descriptor.harms import is_named_proportion
from .descriptor.vocabulary import ENDPOINTS
from .options import to_months

__all__ = ["UNIT_LETTERS", "OutcomeName", "outcome_grammar", "outcome_name", "parse_outcome_name", "row_time_suffix",
           "time_suffix", "time_words"]

UNIT_LETTERS: dict[str, str] = {"d": "days", "w": "weeks", "m": "months", "y": "years"}
_LETTER_OF = {v: k for k, v in UNIT_LETTERS.items()}
_COUNTS = {"orr": "ORR", "dcr": "DCR", "cbr": "CBR", "csr": "surgical_remission"}
_NAME_RE = re.compile(r"^(?P<what>[a-z]+)(?:_(?P<time>\d+(?:\.\d+)?)(?P<unit>[dwmy]))?$")


@dataclass(frozen=True)
class OutcomeName:
    """A parsed outcome name.

    Attributes
    ----------
    name : str
        The normalised name (``"pfs_8w"``).
    endpoint : str or None
        The endpoint (``"PFS"``) of a landmark rate; None for a response rate and for ``tte_*``.
    rate : str or None
        ``"ORR"``, ``"DCR"``, ``"CBR"`` or ``"surgical_remission"`` for a count outcome.
    time, unit : float or None, str or None
        The time point in its unit, as named.
    """

    name: str
    endpoint: str | None = None
    rate: str | None = None
    time: float | None = None
    unit: str | None = None

    @property
    def compared_endpoint(self) -> bool:
        """``tte_*``: each cohort's compared (primary non-OS) endpoint."""
        return self.endpoint is None and self.rate is None

    @property
    def months(self) -> float | None:
        """The time point in months (for comparison only)."""
        return None if self.time is None or self.unit is None else to_months(self.time, self.unit)


def outcome_grammar() -> str:
    """The grammar of outcome names in one sentence, from the names this module reads (``meta --outcome`` help).

    Returns
    -------
    str

    Examples
    --------
    >>> outcome_grammar().split(" (")[0]
    'orr, dcr, cbr, csr'
    """
    letters = "|".join(UNIT_LETTERS)
    endpoints = ", ".join(e.lower() for e in ENDPOINTS)
    return (f"{', '.join(_COUNTS)} (a response rate; cbr_6m with a time point), <endpoint>_<time><{letters}> (a "
            f"landmark rate of {endpoints}, or tte: each cohort's compared endpoint; e.g. pfs_8w, os_12m, tte_6m), "
            "or custom:NAME, ae:TERM:GRADE (a named proportion of rates:)")


def parse_outcome_name(name: str) -> OutcomeName:
    """Parse an outcome name such as ``"pfs_8w"``, ``"os_12m"``, ``"tte_6m"``, ``"orr"``.

    Parameters
    ----------
    name : str
        The name (case-insensitive).

    Returns
    -------
    OutcomeName

    Raises
    ------
    ValueError
        An unknown name, an endpoint without a time point, or a time point on ORR/DCR/CSR.

    Examples
    --------
    >>> o = parse_outcome_name("OS_12m")
    >>> (o.name, o.endpoint, o.time, o.unit, o.months)
    ('os_12m', 'OS', 12.0, 'months', 12.0)
    """
    key = str(name).strip().lower()
    if is_named_proportion(key):  # a named proportion of a descriptor's rates: custom:infection, ae:... (issue 22)
        return OutcomeName(key, rate=key)
    m = _NAME_RE.match(key)
    what = m["what"] if m else key
    if m is None or (what not in _COUNTS and what != "tte" and what.upper() not in ENDPOINTS):
        known = ", ".join([*_COUNTS, *(e.lower() + "_6m" for e in ENDPOINTS), "tte_6m"])
        raise ValueError(f"unknown outcome {name!r}{_did_you_mean(key)}: expected e.g. {known} (units d, w, m, y)")
    time = float(m["time"]) if m["time"] else None
    unit = UNIT_LETTERS[m["unit"]] if m["unit"] else None
    if what in _COUNTS:
        if time is not None and what != "cbr":
            raise ValueError(f"outcome {name!r}: only cbr takes a time point (cbr_6m)")
        return OutcomeName(outcome_name(what, time, unit), rate=_COUNTS[what], time=time, unit=unit)
    if time is None:
        raise ValueError(f"outcome {name!r} needs a time point, e.g. {what}_6m or {what}_8w")
    endpoint = None if what == "tte" else what.upper()
    return OutcomeName(outcome_name(what, time, unit), endpoint=endpoint, time=time, unit=unit)


_WRITTEN_TOGETHER = re.compile(r"^(?P<what>[a-z]+?)_?(?P<time>\d+(?:\.\d+)?)_?(?P<unit>[dwmy])[a-z]*$")


def _did_you_mean(key: str) -> str:
    """"; did you mean 'pfs_4m'?" for "pfs4m", "pfs-4m", "pfs_4months"; else ""."""
    m = _WRITTEN_TOGETHER.match(key.replace("-", "_").replace(" ", "_"))
    timed = m is not None and (m["what"] in ("cbr", "tte") or m["what"].upper() in ENDPOINTS)
    if m is None or not timed:  # of the counts only cbr takes a time point
        return ""
    return f"; did you mean '{m['what']}_{m['time']}{m['unit']}'?"


def outcome_name(what: str, time: float | None = None, unit: str | None = None) -> str:
    """The outcome name of an endpoint or rate at a time point (inverse of :func:`parse_outcome_name`).

    Parameters
    ----------
    what : str
        ``"PFS"``, ``"tte"``, ``"ORR"``, ...
    time : float, optional
        The time point.
    unit : str, optional
        Its unit (one of :data:`trialcompare.options.TIME_UNITS`), default months.

    Returns
    -------
    str

    Examples
    --------
    >>> outcome_name("PFS", 8, "weeks"), outcome_name("ORR"), outcome_name("OS", 12.0)
    ('pfs_8w', 'orr', 'os_12m')
    """
    base = "csr" if what == "surgical_remission" else what.lower()
    if time is None:
        return base
    return f"{base}_{time_suffix(time, unit)}"


def row_time_suffix(row: Mapping[str, Any]) -> str | None:
    """The time point of a frame, outcome or pooling row, short and in its printed unit; None when it has none.

    Parameters
    ----------
    row : mapping
        With ``time_months`` and, when printed in another unit, ``time`` and ``unit``.

    Returns
    -------
    str or None

    Examples
    --------
    >>> row_time_suffix({"time": 12.0, "unit": "weeks", "time_months": 2.76}), row_time_suffix({"time_months": 6.0})
    ('12w', '6m')
    >>> row_time_suffix({"time_months": None}) is None
    True
    """
    if row.get("time") is not None:
        return time_suffix(row["time"], row.get("unit"))
    return None if row.get("time_months") is None else time_suffix(row["time_months"])


def time_words(months: float, time: float | None = None, unit: str | None = None) -> str:
    """A time point in words, in the unit it was printed in, with months in brackets when that unit is another.

    Parameters
    ----------
    months : float
        The time point in months (:func:`trialcompare.options.to_months`).
    time, unit : float and str, optional
        The time point as printed; without them it is ``months`` months.

    Returns
    -------
    str
        Never a bare fraction of a month.

    Examples
    --------
    >>> time_words(2.759753, 12, "weeks"), time_words(6.0), time_words(6.0, 6, "months")
    ('12 weeks (2.8 months)', '6 months', '6 months')
    """
    if time is None or unit in (None, "months"):
        return f"{months:g} months"
    return f"{time:g} {unit} ({months:.1f} months)"


def time_suffix(time: float, unit: str | None = None) -> str:
    """A time point written short, in the unit it was printed in: ``6m``, ``12w``, ``1y``.

    Parameters
    ----------
    time : float
        The time point as printed.
    unit : str, optional
        Its unit (one of :data:`trialcompare.options.TIME_UNITS`), default months.

    Returns
    -------
    str

    Examples
    --------
    >>> time_suffix(12, "weeks"), time_suffix(6.0), time_suffix(2.5, "years")
    ('12w', '6m', '2.5y')
    """
    return f"{time:g}{_LETTER_OF[unit or 'months']}"

