"""Pydantic models of a descriptor's ``adverse_events:`` block (harms, issue 22).

The block is optional and additive: a descriptor without it is unchanged. It records, exactly as printed and with
where each value was read:

* the safety population (``population``: its N and what it is);
* per term and grade band (:class:`AdverseEvent`): the term as printed, its CTCAE v5.0 term where it maps, the
  number of **patients** with the event — or of **episodes** when only episodes are printed (``unit: episodes``;
  an episode count is never read as patients);
* treatment modifications (:class:`Modification`: dose reduction, interruption, both, discontinuation due to adverse
  events) and deaths on treatment (:class:`Death`).

"Not reported" is never 0: a term the source does not name is simply absent. A term the source names without a
count ("the majority of grade 3 and 4 toxicities were neutropenia, ...") is recorded with its words (``quote``)
and no ``value``: reported, but without a number. Example::

    adverse_events:
      population: {n: 33, refers_to: treated, at: "Table I"}
      grading: "CTCAE v5.0"
      events:
        - {term: "Severe AEs (total)", grade: ">=3", value: 25, unit: episodes, at: "Results, Toxicity and safety"}
        - {term: neutropenia, ctcae: "Neutrophil count decreased", grade: "3-4", at: "Results, Toxicity and safety",
           quote: "The majority of grade 3 and 4 toxicities were neutropenia, ..."}
      modifications:
        - {kind: reduction_or_interruption, value: "24 (55.8%) of 43", at: "Abstract"}
      deaths:
        - {related: treatment-related, value: 0, at: "Abstract", quote: "There were no treatment-related deaths."}

Values are read with the project's printed-value parsers (:mod:`trialcompare.descriptor.printed`):
``"25 (75.8)"``, ``"13/43 (30.2%)"``, ``"7%"`` (a percentage of the safety N), and ``"24 (55.8%) of 43"``.

>>> parse_harm_value("24 (55.8%) of 43")
HarmValue(n=24, denominator=43, percent=55.8, percent_decimals=1)
>>> parse_harm_value("9%").n is None, parse_harm_value("9%").percent
(True, 9.0)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from .printed import PrintedValueError, decimals_of, parse_count, parse_estimate

__all__ = [
    "COMPARED_BANDS",
    "GRADE_BANDS",
    "MODIFICATION_KINDS",
    "NAMED_PROPORTION",
    "AdverseEvent",
    "AdverseEvents",
    "Death",
    "HarmRecord",
    "HarmValue",
    "Modification",
    "SafetyPopulation",
    "harm_records",
    "is_named_proportion",
    "normalise_grade",
    "parse_harm_value",
    "term_key",
]

GRADE_BANDS: tuple[str, ...] = ("any", ">=3", "3-4", "3", "4", "5", "not_stated")
"""Grade bands: any grade, grade ≥ 3, grade 3 or 4 (as many tables print it), grade 3, 4, 5; ``not_stated`` when
the source prints an adverse event without its grade. ``not_stated`` is not a band to compare at: it answers a
request for ``any`` grade only, flagged "grade not stated" (:func:`trialcompare.harms.harms_table`), and is never
checked against the bands (:data:`COMPARED_BANDS`)."""

COMPARED_BANDS: tuple[str, ...] = tuple(b for b in GRADE_BANDS if b != "not_stated")
"""The bands a harms comparison may be asked for (``not_stated`` is a descriptor's word, not a grade)."""

GradeBand = Literal["any", ">=3", "3-4", "3", "4", "5", "not_stated"]
Unit = Literal["patients", "episodes"]
SafetySet = Literal["safety", "treated", "enrolled", "itt", "efficacy", "evaluable", "unclear"]
Printed = Annotated[str | int | float, Field(description="the value exactly as printed in the source")]

ModificationKind = Literal["dose_reduction", "interruption", "reduction_or_interruption", "discontinuation"]
MODIFICATION_KINDS: tuple[str, ...] = get_args(ModificationKind)
"""Treatment modifications due to adverse events; ``reduction_or_interruption`` is the combined figure many
papers print ("dose reductions or interruptions in 25 of 37")."""

NAMED_PROPORTION = re.compile(r"^(?:ae|custom):[a-z0-9][a-z0-9_.+-]*(?::[a-z0-9][a-z0-9_.+-]*)*$")
"""A free, namespaced proportion name for ``rates:`` (``ae:neutropenia:grade3``, ``custom:infection``)."""

_GRADE_SPELLINGS = {"any": "any", "all": "any", ">=3": ">=3", "≥3": ">=3", "3+": ">=3", "3-4": "3-4", "3–4": "3-4",
                    "3/4": "3-4", "3": "3", "4": "4", "5": "5", "not_stated": "not_stated", "notstated": "not_stated",
                    "not-stated": "not_stated"}
_OF_N = re.compile(r"^(?P<head>.+?)\s+of\s+(?P<d>\d+)(?:\s+patients)?\s*$", re.IGNORECASE)
_N_OF_N = re.compile(r"^(?P<n>\d+)\s+of\s+(?P<d>\d+)(?:\s+patients)?\s*(?P<tail>\(.*\))?\s*$", re.IGNORECASE)


def is_named_proportion(name: str) -> bool:
    """Whether ``name`` is a namespaced proportion name (``ae:...`` or ``custom:...``).

    Parameters
    ----------
    name : str
        A proportion's name.

    Returns
    -------
    bool
        True for ``ae:...`` and ``custom:...`` names.

    Examples
    --------
    >>> is_named_proportion("ae:neutropenia:grade3"), is_named_proportion("custom:infection")
    (True, True)
    >>> is_named_proportion("ORR"), is_named_proportion("best_response:PR"), is_named_proportion("custom:")
    (False, False, False)
    """
    return bool(NAMED_PROPORTION.match(name))


def normalise_grade(value: Any) -> str:
    """The grade band of a printed grade: ``">=3"``, ``"≥3"`` and ``"3+"`` are ``">=3"``; ``3`` is ``"3"``.

    Parameters
    ----------
    value : str or int
        The grade as printed.

    Returns
    -------
    str
        One of :data:`GRADE_BANDS`.

    Raises
    ------
    ValueError
        An unknown band (the message lists them).

    Examples
    --------
    >>> normalise_grade("≥3"), normalise_grade(4), normalise_grade("3/4"), normalise_grade("Any")
    ('>=3', '4', '3-4', 'any')
    >>> normalise_grade("not stated")
    'not_stated'
    """
    if isinstance(value, bool):
        raise ValueError(f"grade must be one of {', '.join(GRADE_BANDS)}; got {value!r}")
    key = re.sub(r"\s+", "", str(value)).lower().removeprefix("grade")
    if key not in _GRADE_SPELLINGS:
        raise ValueError(f"grade must be one of {', '.join(GRADE_BANDS)}; got {value!r}")
    return _GRADE_SPELLINGS[key]


@dataclass(frozen=True)
class HarmValue:
    """A printed harms value read into numbers.

    Attributes
    ----------
    n : int or None
        The count, None when only a percentage is printed.
    denominator : int or None
        A denominator printed with it (``"13/43"``, ``"24 (55.8%) of 43"``), else None.
    percent : float or None
        The printed percentage, if any.
    percent_decimals : int or None
        Its number of printed decimals.
    """

    n: int | None
    denominator: int | None = None
    percent: float | None = None
    percent_decimals: int | None = None


def parse_harm_value(text: str | int | float) -> HarmValue:
    """Read a printed harms value.

    A count (``"25 (75.8)"``, ``"13/43"``), a count of N (``"24 (55.8%) of 43"``) or a bare percentage
    (``"9%"``).

    Parameters
    ----------
    text : str, int or float
        The value as printed.

    Returns
    -------
    HarmValue

    Raises
    ------
    PrintedValueError
        Unreadable text, a count above its printed denominator, a percentage outside 0-100.

    Examples
    --------
    >>> parse_harm_value("25 (75.8)")
    HarmValue(n=25, denominator=None, percent=75.8, percent_decimals=1)
    >>> parse_harm_value("25 of 37 (67.57%)")
    HarmValue(n=25, denominator=37, percent=67.57, percent_decimals=2)
    >>> parse_harm_value(0).n
    0
    """
    if isinstance(text, bool):
        raise PrintedValueError(f"expected a count, got the boolean {text!r}")
    s = str(text).strip()
    if s.endswith("%") and "(" not in s:
        est = parse_estimate(s, percent=True)
        if est.bound is not None or est.lower is not None or est.value is None:
            raise PrintedValueError(f"cannot read {s!r} as a percentage of patients: this printed form is not "
                                    "supported; accepted forms: '9%', '25 (75.8)', '13/43' or '24 (55.8%) of 43' — "
                                    "write one of them and keep the original in a `note:`")
        return HarmValue(None, None, est.value, decimals_of(s))
    both = _N_OF_N.match(s)
    if both:  # "25 of 37 (67.57%)" is "25/37 (67.57%)"
        s = f"{both['n']}/{both['d']} {both['tail'] or ''}".strip()
    m = _OF_N.match(s)
    head, of_n = (m["head"], int(m["d"])) if m else (s, None)
    count = parse_count(head)
    if of_n is not None and count.denominator is not None and count.denominator != of_n:
        raise PrintedValueError(f"{s!r} prints two denominators ({count.denominator} and {of_n})")
    denominator = of_n if of_n is not None else count.denominator
    if denominator is not None and count.n > denominator:
        raise PrintedValueError(f"count {count.n} is larger than the denominator {denominator} in {s!r}")
    return HarmValue(count.n, denominator, count.percent, count.percent_decimals)


def _error(exc: Exception, *subpath: str | int) -> PydanticCustomError:
    """A user-facing error; ``subpath`` lets the loader point at the exact line (as in :mod:`.models`)."""
    return PydanticCustomError("printed_value", "{msg}", {"msg": str(exc), "subpath": list(subpath)})


def _read(value: Printed, *subpath: str) -> HarmValue:
    try:
        return parse_harm_value(value)
    except (PrintedValueError, ValueError, OverflowError) as exc:
        raise _error(exc, *subpath) from None


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Located(_Strict):
    """Base: where a harms value was read.

    Attributes
    ----------
    at : str
        Where the value was read: "Table II", "Abstract", "Results ¶3", ...
    source : str or None
        Key of the source it was read from (default: the first).
    via : str or None
        The secondary report it was read in, when not the source itself, with its address.
    label : str or None
        The row label exactly as printed.
    note : str or None
        The curator's note.
    """

    at: str = Field(description='where the value was read: "Table II", "Abstract", "Results ¶3", ...')
    source: str | None = Field(None, description="key of the source it was read from (default: the first)")
    via: str | None = Field(None, description="the secondary report it was read in, when not the source itself "
                                              "(a news report, a review table), with its address")
    label: str | None = Field(None, description="the row label exactly as printed")
    note: str | None = None


class SafetyPopulation(_Located):
    """The safety population: its N and what it is (e.g. all treated patients).

    Attributes
    ----------
    n : int
        Patients in the safety analysis.
    refers_to : str
        What the N is: safety, treated, enrolled, itt, efficacy, evaluable, unclear.
    printed : str or None
        The N as printed, e.g. "43 patients who received study drug".
    """

    n: int = Field(ge=0, description="patients in the safety analysis")
    refers_to: SafetySet = Field(description="what the N is: safety, treated, enrolled, itt, ...")
    printed: str | None = Field(None, description="the N as printed, e.g. '43 patients who received study drug'")


class _Counted(_Located):
    """Base: a count of patients (or episodes) as printed.

    Attributes
    ----------
    value : str, int, float or None
        Patients (or episodes) as printed: "25 (75.8)", "7%", "24 (55.8%) of 43"; None when only words are
        printed.
    quote : str or None
        The source's words, copied exactly (required without a value).
    denominator : int or None
        The denominator when not the safety population's N.
    """

    value: Printed | None = Field(None, description="patients (or episodes) as printed: '25 (75.8)', '7%', "
                                                    "'24 (55.8%) of 43'; omit when only the words are printed")
    quote: str | None = Field(None, description="the source's words, copied exactly (required without a value)")
    denominator: int | None = Field(None, ge=0, description="denominator when not the safety population's N")

    @model_validator(mode="after")
    def _value_or_words(self) -> _Counted:
        if self.value is None and not self.quote:
            raise _error(ValueError("give the printed 'value', or the source's words in 'quote' when no number is "
                                    "printed (never write 0 for 'not reported')"), "value")
        if self.value is not None:
            parsed = _read(self.value, "value")
            if parsed.denominator is not None and self.denominator is not None \
                    and parsed.denominator != self.denominator:
                raise _error(ValueError(f"printed denominator {parsed.denominator} differs from the entry's "
                                        f"denominator {self.denominator}"), "value")
        return self

    @property
    def parsed(self) -> HarmValue | None:
        """The value read into numbers, or None when only words are printed."""
        return None if self.value is None else parse_harm_value(self.value)


class AdverseEvent(_Counted):
    """Patients (or episodes) with one adverse event term in one grade band, as printed.

    Attributes
    ----------
    term : str
        The term exactly as printed, e.g. "Hand-foot syndrome".
    ctcae : str or None
        The CTCAE v5.0 term it maps to (None when it does not map).
    grade : str
        The grade band: any, >=3, 3-4, 3, 4 or 5; ``not_stated`` when the source prints none (compared only when
        any grade is asked for, and flagged).
    unit : {"patients", "episodes"}
        Patients with the event, or episodes when only episodes are printed.
    """

    term: str = Field(description="the term exactly as printed, e.g. 'Hand-foot syndrome'")
    ctcae: str | None = Field(None, description="the CTCAE v5.0 term it maps to, e.g. 'Palmar-plantar "
                                                "erythrodysesthesia syndrome' (omit when it does not map)")
    grade: GradeBand = Field(description="grade band: any, >=3, 3-4, 3, 4 or 5; not_stated when none is printed")
    unit: Unit = Field("patients", description="patients with the event, or episodes when only episodes are printed")

    @field_validator("grade", mode="before")
    @classmethod
    def _grade(cls, v: Any) -> str:
        return normalise_grade(v)


class Modification(_Counted):
    """Patients whose treatment was modified because of adverse events.

    Attributes
    ----------
    kind : str
        One of :data:`MODIFICATION_KINDS`.
    """

    kind: ModificationKind = Field(
        description="dose_reduction, interruption, reduction_or_interruption (printed together) or discontinuation")


class Death(_Counted):
    """Deaths on treatment, as printed.

    Attributes
    ----------
    related : {"treatment-related", "any"}
        Treatment-related deaths, or all deaths on treatment whatever the cause.
    """

    related: Literal["treatment-related", "any"] = Field(
        description="treatment-related deaths, or all deaths on treatment whatever the cause")


class AdverseEvents(_Strict):
    """The ``adverse_events:`` block of a descriptor (see the module docstring).

    Attributes
    ----------
    population : SafetyPopulation
        The safety population.
    grading : str or None
        The grading system as printed, e.g. "CTCAE v5.0".
    attribution : str or None
        Which events were counted, as printed.
    events : list of AdverseEvent
        The adverse events.
    modifications : list of Modification
        Treatment modifications because of adverse events.
    deaths : list of Death
        Deaths on treatment.
    notes : list of str
        What could not be found or transcribed, and doubts.
    """

    population: SafetyPopulation
    grading: str | None = Field(None, description="the grading system as printed, e.g. 'CTCAE v5.0'")
    attribution: str | None = Field(None, description="which events were counted, as printed, e.g. 'deemed to be "
                                                      "associated with study drugs'")
    events: list[AdverseEvent] = []
    modifications: list[Modification] = []
    deaths: list[Death] = []
    notes: list[str] = Field([], description="what could not be found or transcribed, and doubts")


@dataclass(frozen=True)
class HarmRecord:
    """One harms entry flattened for the checks and the comparison.

    ``section`` is ``"event"``, ``"modification"`` or ``"death"``; ``key`` the harmonised name used to match
    entries across cohorts (the CTCAE term, else the printed term, lower case; the kind of a modification;
    ``death:<related>``); ``path`` the entry's path in the descriptor (for file:line:column).

    Attributes
    ----------
    section, key : str
        As above.
    term : str
        The term as printed (a modification's kind, ``deaths (<related>)``).
    ctcae, grade : str or None
        The CTCAE term and the grade band of an adverse event.
    unit : str
        ``"patients"`` or ``"episodes"``.
    value : HarmValue or None
        The printed value read into numbers.
    denominator : int
        The entry's denominator (see :func:`harm_records`).
    printed : str or None
        The value as printed.
    at, source, via, quote : str or None
        Where it was read and the source's words, as in the descriptor.
    path : tuple
        As above.
    """

    section: str
    key: str
    term: str
    ctcae: str | None
    grade: str | None
    unit: str
    value: HarmValue | None
    denominator: int
    printed: str | None
    at: str
    source: str | None
    via: str | None
    quote: str | None
    path: tuple


def term_key(term: str, ctcae: str | None = None) -> str:
    """The name that matches one adverse event across cohorts.

    Its CTCAE term, else the printed term (lower case, spaces collapsed).

    Parameters
    ----------
    term : str
        The term as printed.
    ctcae : str, optional
        The CTCAE term it maps to.

    Returns
    -------
    str
        The key.

    Examples
    --------
    >>> term_key("Hand-foot syndrome", "Palmar-plantar erythrodysesthesia syndrome")
    'palmar-plantar erythrodysesthesia syndrome'
    >>> term_key("  Pneumothorax ")
    'pneumothorax'
    """
    return re.sub(r"\s+", " ", (ctcae or term).strip().lower())


def harm_records(block: AdverseEvents) -> list[HarmRecord]:
    """Every entry of an ``adverse_events:`` block as a :class:`HarmRecord`, in file order.

    The denominator of an entry is, in order: the one printed with it (``"24 of 43"``), the entry's
    ``denominator``, the safety population's N.

    Parameters
    ----------
    block : AdverseEvents
        A descriptor's ``adverse_events:`` block.

    Returns
    -------
    list of HarmRecord
        One per entry.
    """
    n = block.population.n
    out: list[HarmRecord] = []
    groups: list[tuple[str, list[Any]]] = [("events", block.events), ("modifications", block.modifications),
                                           ("deaths", block.deaths)]
    for name, entries in groups:
        for i, e in enumerate(entries):
            parsed = e.parsed
            den = (parsed.denominator if parsed is not None and parsed.denominator is not None else None) \
                or e.denominator or n
            if name == "events":
                section, key, term, ctcae, grade, unit = "event", term_key(e.term, e.ctcae), e.term, e.ctcae, \
                    e.grade, e.unit
            elif name == "modifications":
                section, key, term, ctcae, grade, unit = "modification", e.kind, e.kind, None, None, "patients"
            else:
                section, key, term, ctcae, grade, unit = "death", f"death:{e.related}", f"deaths ({e.related})", \
                    None, None, "patients"
            out.append(HarmRecord(section, key, term, ctcae, grade, unit, parsed, den,
                                  None if e.value is None else str(e.value), e.at, e.source, e.via, e.quote,
                                  ("adverse_events", name, i)))
    return out
