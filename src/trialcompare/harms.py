"""The harms comparison: adverse events, dose modifications and deaths side by side (issue 22).

:func:`harms_table` returns one row per cohort and compared item, with structured columns only (no sentences):
each cell's count n/N with its exact (Clopper-Pearson) interval, "not reported" (``reported`` False, every number
null) kept apart from a printed 0, episodes never read as patients, and the risk difference against the reference
(descriptive, Newcombe hybrid score interval; the evidence type says what kind of comparison it is). The
ascertainment of each cohort (retrospective chart review or prospective grading in a trial) is a column, derived
from the design.

>>> import trialcompare as tc
>>> from trialcompare.harms import harms_table
>>> t = harms_table(tc.load("trials"), "apatinib-ie")   # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import polars as pl

from .descriptor.harms import COMPARED_BANDS, GRADE_BANDS, HarmRecord, harm_records, normalise_grade, term_key
from .frame import implied_count
from .options import CI_METHODS, CIMethod
from .rules import evidence_between
from .stats.proportions import proportion_ci, risk_difference

if TYPE_CHECKING:
    from .descriptor.models import Descriptor
    from .load import CohortSet

__all__ = ["ASCERTAINMENT", "HARMS_SCHEMA", "NothingAtGrade", "ascertainment", "harms_table", "harms_terms",
           "nothing_at_grade", "terms_by_grade"]

ASCERTAINMENT: dict[str, str] = {"prospective": "prospective-grading", "retrospective": "retrospective-chart-review"}
"""How adverse events were ascertained, from the design: prospective grading in a trial, or a retrospective review
of the charts (which misses events nobody wrote down)."""

HARMS_SCHEMA: dict[str, Any] = {
    "cohort": pl.String, "label": pl.String, "is_reference": pl.Boolean, "section": pl.String, "term": pl.String,
    "term_printed": pl.String, "ctcae_term": pl.String, "grade": pl.String, "grade_printed": pl.String,
    "reported": pl.Boolean, "patients": pl.Int64, "episodes": pl.Int64, "denominator": pl.Int64, "unit": pl.String,
    "count_basis": pl.String, "proportion": pl.Float64, "lower": pl.Float64, "upper": pl.Float64,
    "ci_method": pl.String, "ci_level": pl.Float64, "printed": pl.String, "location": pl.String,
    "source": pl.String, "via": pl.String, "quote": pl.String, "safety_n": pl.Int64, "safety_set": pl.String,
    "grading": pl.String, "design": pl.String, "ascertainment": pl.String, "evidence": pl.String,
    "rd": pl.Float64, "rd_lower": pl.Float64, "rd_upper": pl.Float64, "rd_method": pl.String,
}  # fmt: skip
"""Columns of :func:`harms_table`. ``section`` is ``event``, ``modification`` or ``death``; ``term`` the
harmonised name (CTCAE term, else the printed term in lower case; the modification kind; ``death:<related>``);
``grade`` the band asked for and ``grade_printed`` the band the source printed (``3-4`` or ``3`` may answer
``>=3``); ``patients`` and ``episodes`` hold the count by its unit (an episode count is never in ``patients``);
``count_basis`` is ``printed`` or ``implied-by-percentage`` (the one whole count of the denominator that gives a
bare printed percentage); ``proportion``/``lower``/``upper`` are on the 0-1 scale; ``rd`` is cohort − reference."""

_FALLBACK: dict[str, tuple[str, ...]] = {">=3": (">=3", "3-4", "3", "4", "5"), "any": ("any", "not_stated")}
"""Bands that may answer a request when the asked band is not printed (shown in ``grade_printed``). An event printed
without its grade (``not_stated``) answers only a request for ``any`` grade, and its cell says so; it never answers
a request for a grade."""

_UNIT_ORDER = {"patients": 0, "episodes": 1}


def ascertainment(desc: Descriptor) -> str:
    """The ascertainment code of a cohort's adverse events, from its design.

    Parameters
    ----------
    desc : Descriptor

    Returns
    -------
    str
        ``"retrospective-chart-review"``, ``"prospective-grading"``, ...

    Examples
    --------
    >>> from types import SimpleNamespace as NS
    >>> ascertainment(NS(design=NS(type="retrospective"))), ascertainment(NS(design=NS(type="prospective")))
    ('retrospective-chart-review', 'prospective-grading')
    """
    return ASCERTAINMENT[desc.design.type]


def _records(cohorts: CohortSet) -> dict[str, list[HarmRecord]]:
    return {c.id: (harm_records(c.descriptor.adverse_events) if c.descriptor.adverse_events else []) for c in cohorts}


def _bands(grade: str) -> tuple[str, ...]:
    if grade not in COMPARED_BANDS:
        raise ValueError(f"grade {grade!r} is not a band to compare at (bands: {', '.join(COMPARED_BANDS)}); an event "
                         "printed without its grade is compared only when any grade is asked for ('any')")
    return _FALLBACK.get(grade, (grade,))


def harms_terms(cohorts: CohortSet, grade: str = ">=3", minimum: int = 2) -> list[str]:
    """Adverse-event terms reported (with a count or in words) at ``grade`` by at least ``minimum`` cohorts.

    Parameters
    ----------
    cohorts : CohortSet
        Loaded descriptors.
    grade : str
        A grade band (:data:`trialcompare.descriptor.harms.COMPARED_BANDS`); ``">=3"`` also accepts 3-4, 3, 4, 5
        and ``"any"`` an event printed without its grade (``not_stated``).
    minimum : int
        How many cohorts must report a term.

    Returns
    -------
    list of str
        Harmonised term names, sorted.
    """
    bands = _bands(normalise_grade(grade))
    seen: dict[str, set[str]] = {}
    for cid, records in _records(cohorts).items():
        for r in records:
            if r.section == "event" and r.grade in bands:
                seen.setdefault(r.key, set()).add(cid)
    return sorted(k for k, ids in seen.items() if len(ids) >= minimum)


def terms_by_grade(cohorts: CohortSet) -> dict[str, list[tuple[str, int]]]:
    """Every adverse-event term each grade band is printed for, with how many cohorts print it.

    What a request at another band could compare (the harms table's "nothing at this grade" sentence).

    Parameters
    ----------
    cohorts : CohortSet
        Loaded descriptors.

    Returns
    -------
    dict
        Grade band (in :data:`~trialcompare.descriptor.harms.GRADE_BANDS` order) → ``(term, cohorts)`` pairs, most
        reported first, then by name; a band no cohort prints is absent.

    Examples
    --------
    >>> import trialcompare as tc
    >>> terms_by_grade(tc.load("tests/fixtures/newcomer"))["any"]   # SARC024's two arms and Liao 2020
    [('hypertension', 3), ('palmar-plantar erythrodysesthesia syndrome', 3), ('proteinuria', 1)]
    """
    seen: dict[str, dict[str, set[str]]] = {}
    for cid, records in _records(cohorts).items():
        for r in records:
            if r.section == "event" and r.grade is not None:
                seen.setdefault(r.grade, {}).setdefault(r.key, set()).add(cid)
    return {band: sorted(((k, len(ids)) for k, ids in seen[band].items()), key=lambda t: (-t[1], t[0]))
            for band in GRADE_BANDS if band in seen}


@dataclass(frozen=True)
class NothingAtGrade:
    """No adverse event is reported at ``grade`` by ``minimum`` cohorts: what the other grade bands hold.

    Attributes
    ----------
    grade : str
        The band asked for.
    minimum : int
        How many cohorts must report a term for it to be compared.
    others : dict
        The other bands (not those answering ``grade``) → ``(term, cohorts)`` pairs (:func:`terms_by_grade`).
    comparable : tuple of str
        The bands of ``others`` at which some term is reported by ``minimum`` cohorts.
    """

    grade: str
    minimum: int
    others: dict[str, list[tuple[str, int]]]
    comparable: tuple[str, ...]


def nothing_at_grade(cohorts: CohortSet, grade: str, terms: Iterable[str] | None = None,
                     minimum: int = 2) -> NothingAtGrade | None:
    """Why the harms table compares no adverse event at ``grade``, or None when it compares some.

    Parameters
    ----------
    cohorts : CohortSet
        Loaded descriptors.
    grade : str
        The band asked for (``>=3`` is also answered by a printed 3-4, 3, 4 or 5).
    terms : iterable of str, optional
        The terms asked for; when given, they are compared as asked and None is returned.
    minimum : int
        How many cohorts must report a term for it to be compared.

    Returns
    -------
    NothingAtGrade or None

    Examples
    --------
    >>> import trialcompare as tc
    >>> gap = nothing_at_grade(tc.load("tests/fixtures/newcomer"), ">=3")
    >>> gap.comparable, gap.others["any"][0]
    (('any',), ('hypertension', 3))
    >>> nothing_at_grade(tc.load("tests/fixtures/newcomer"), "any") is None
    True
    """
    band = normalise_grade(grade)
    if terms is not None or harms_terms(cohorts, band, minimum):
        return None
    others = {b: found for b, found in terms_by_grade(cohorts).items() if b not in _bands(band)}
    return NothingAtGrade(band, minimum, others, tuple(b for b, found in others.items() if found[0][1] >= minimum))


def _resolve_terms(terms: Iterable[str], records: dict[str, list[HarmRecord]]) -> list[str]:
    """Harmonised names of the requested terms (a CTCAE term or a printed term, any case)."""
    known: dict[str, str] = {}
    for r in (r for rs in records.values() for r in rs if r.section == "event"):
        known.setdefault(r.key, r.key)
        known.setdefault(term_key(r.term), r.key)
    out = []
    for t in terms:
        key = known.get(term_key(t))
        if key is None:
            listed = ", ".join(sorted(set(known.values())))
            raise ValueError(f"no cohort reports the adverse event {t!r}; terms: {listed or 'none'}")
        out.append(key)
    return list(dict.fromkeys(out))


def _pick(records: list[HarmRecord], section: str, key: str, bands: Sequence[str] | None) -> HarmRecord | None:
    """The record answering one cell: the asked band first, then the fallbacks; patients with a count first."""
    found = [r for r in records if r.section == section and r.key == key and (bands is None or r.grade in bands)]
    if not found:
        return None

    def rank(r: HarmRecord) -> tuple[int, int, int]:
        counted = r.value is not None and (r.value.n is not None or r.value.percent is not None)
        return (bands.index(r.grade) if bands else 0, _UNIT_ORDER[r.unit], 0 if counted else 1)

    return min(found, key=rank)


@dataclass(frozen=True)
class _Options:
    ci_method: CIMethod
    level: float


def _count(rec: HarmRecord) -> tuple[int | None, str | None]:
    """(count, basis): the printed count, else the one count of the denominator that gives a bare percentage."""
    v = rec.value
    if v is None:
        return None, None
    if v.n is not None:
        return v.n, "printed"
    k = implied_count(v.percent, v.percent_decimals, rec.denominator)
    return (k, "implied-by-percentage") if k is not None else (None, None)


def _cell(rec: HarmRecord | None, opts: _Options) -> dict[str, Any]:
    if rec is None:
        return {"reported": False}
    n, basis = _count(rec)
    out: dict[str, Any] = {"reported": True, "term_printed": rec.term, "ctcae_term": rec.ctcae,
                           "grade_printed": rec.grade, "unit": rec.unit, "printed": rec.printed,
                           "location": rec.at, "source": rec.source, "via": rec.via, "quote": rec.quote,
                           "count_basis": basis}
    if n is None:
        return out
    if rec.unit == "episodes":
        return out | {"episodes": n}
    out |= {"patients": n, "denominator": rec.denominator}
    if rec.denominator and n <= rec.denominator:
        lo, hi = proportion_ci(n, rec.denominator, method=opts.ci_method, level=opts.level)
        out |= {"proportion": n / rec.denominator, "lower": float(lo), "upper": float(hi),
                "ci_method": opts.ci_method, "ci_level": opts.level}
    return out


def _cohort_columns(cohorts: CohortSet, cid: str, reference: str) -> dict[str, Any]:
    desc = cohorts[cid].descriptor
    block = desc.adverse_events
    return {"cohort": cid, "label": desc.label, "is_reference": cid == reference, "design": desc.design.type,
            "ascertainment": ascertainment(desc), "grading": block.grading if block else None,
            "safety_n": block.population.n if block else None,
            "safety_set": block.population.refers_to if block else None,
            "evidence": None if cid == reference else evidence_between(desc, cohorts[reference].descriptor)}


def _with_rd(rows: list[dict[str, Any]], reference: str, level: float) -> list[dict[str, Any]]:
    ref = next((r for r in rows if r["cohort"] == reference), None)
    if ref is None or ref.get("proportion") is None:
        return rows
    out = []
    for r in rows:
        if r["cohort"] != reference and r.get("proportion") is not None:
            rd, lo, hi = risk_difference(r["patients"], r["denominator"], ref["patients"], ref["denominator"],
                                         method="newcombe", level=level)
            r = r | {"rd": rd, "rd_lower": lo, "rd_upper": hi, "rd_method": "newcombe"}
        out.append(r)
    return out


def _items(records: dict[str, list[HarmRecord]], section: str) -> list[str]:
    return list(dict.fromkeys(r.key for rs in records.values() for r in rs if r.section == section))


def harms_table(
    cohorts: CohortSet,
    reference: str | None = None,
    terms: Iterable[str] | None = None,
    grade: str = ">=3",
    *,
    ci_method: CIMethod = "exact",
    level: float = 0.95,
) -> pl.DataFrame:
    """The harms comparison: the chosen adverse events, dose modifications and deaths per cohort.

    Parameters
    ----------
    cohorts : CohortSet
        Loaded descriptors (a cohort without an ``adverse_events:`` block is "not reported" everywhere).
    reference : str, optional
        The reference cohort of the risk differences (default: the first).
    terms : iterable of str, optional
        Adverse events to compare, by CTCAE or printed term (any case); default: those reported at ``grade`` by at
        least two cohorts (:func:`harms_terms`).
    grade : str
        Grade band of the adverse events: ``any`` (an event printed without its grade answers it when no any-grade
        figure is printed, and ``grade_printed`` is ``not_stated``), ``>=3`` (default; a printed 3-4, 3, 4 or 5
        answers it when no ≥ 3 figure is printed, and ``grade_printed`` says so), ``3-4``, ``3``, ``4``, ``5``;
        ``not_stated`` is refused (it is not a grade).
    ci_method : str
        Interval of each proportion (default ``exact``, Clopper-Pearson).
    level : float
        Confidence level of the intervals.

    Returns
    -------
    polars.DataFrame
        Columns :data:`HARMS_SCHEMA`: the events (``section`` ``event``), then every modification and death kind
        any cohort reports; one row per item and cohort, in the cohorts' order.

    Raises
    ------
    ValueError
        An unknown reference, grade band (or ``not_stated``), CI method or term.

    Examples
    --------
    Clopper-Pearson of 25/37 by hand: the Beta(25, 13) 2.5% and Beta(26, 12) 97.5% quantiles,
    ``scipy.stats.beta.ppf(0.025, 25, 13)`` = 0.5021 and ``beta.ppf(0.975, 26, 12)`` = 0.8199.

    >>> import trialcompare as tc
    >>> t = harms_table(tc.load("trials"), "apatinib-ie", terms=[])
    >>> r = t.filter(cohort="apatinib", term="reduction_or_interruption").row(0, named=True)
    >>> r["patients"], r["denominator"], round(r["lower"], 4), round(r["upper"], 4), r["printed"]
    (25, 37, 0.5021, 0.8199, '25 of 37 (67.57%)')
    """
    if reference is not None and reference not in cohorts:
        raise ValueError(f"reference {reference!r} is not a cohort; cohorts: {', '.join(cohorts.ids)}")
    if ci_method not in CI_METHODS:
        raise ValueError(f"ci_method must be one of {', '.join(CI_METHODS)}; got {ci_method!r}")
    band = normalise_grade(grade)
    reference = reference or cohorts.ids[0]
    records = _records(cohorts)
    keys = harms_terms(cohorts, band) if terms is None else _resolve_terms(terms, records)
    asked = _bands(band)
    items: list[tuple[str, str, tuple[str, ...] | None]] = [("event", k, asked) for k in keys]
    items += [(s, k, None) for s in ("modification", "death") for k in _items(records, s)]
    opts = _Options(ci_method, level)
    rows: list[dict[str, Any]] = []
    for section, key, bands in items:
        cells = [dict.fromkeys(HARMS_SCHEMA) | _cohort_columns(cohorts, cid, reference)
                 | {"section": section, "term": key, "grade": band if section == "event" else None}
                 | _cell(_pick(records[cid], section, key, bands), opts) for cid in cohorts.ids]
        rows.extend(_with_rd(cells, reference, level))
    return pl.DataFrame(rows, schema=HARMS_SCHEMA, orient="row")
