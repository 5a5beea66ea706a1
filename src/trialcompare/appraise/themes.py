"""Limitations the caveats do not cover, as facts: the review found them missing (selection of a retrospective
series, retrospective response assessment, age eligibility, direct evidence of overlap).

Rules
-----
- **Selection**: a retrospective reference series with no progression as best response (the verdict's
  ``selection-signal``), and exclusions after treatment began as its source prints them (``design.selection``).
- **Assessment**: responses read retrospectively (retrospective series), without independent review or confirmation
  where the descriptor says so (``design.assessment``).
- **Eligibility (age)**: comparators whose eligibility states a minimum age while the reference states none, or a
  higher one (``design.eligibility.age``).
- **Direct evidence of overlap**: the printed statement that patients of one cohort were treated in another's
  setting (``design.overlap_evidence``).
- **The report's date**: not earlier than any date its inputs cite (a verification date in a descriptor's notes):
  :func:`date_facts`.
- **Harms ascertained differently**: the cohorts whose harms are reported were ascertained differently
  (retrospective chart review against prospective grading): the harms comparison is not like with like
  (:func:`harms_ascertainment`; it also lowers the certainty of the harms comparison).

Examples
--------
>>> import trialcompare as tc
>>> a = tc.analyse(with_meta=False)
>>> sorted({f.code for f in limitation_facts(a.cohorts, a.reference)})
['age-eligibility', 'assessment-retrospective', 'overlap-printed', 'selection-exclusions']
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import polars as pl

from .facts import Fact, fact

if TYPE_CHECKING:
    from ..load import CohortSet

__all__ = ["date_facts", "harms_ascertainment", "limitation_facts"]


def _value(item: Any) -> str | None:
    return None if item is None else str(getattr(item, "value", item))


def _selection(cohorts: CohortSet, reference: str) -> list[Fact]:
    sel = getattr(cohorts[reference].descriptor.design, "selection", None)
    after = _value(getattr(sel, "exclusions_after_start", None)) if sel is not None else None
    if after != "yes":
        return []
    at = getattr(getattr(sel, "exclusions_after_start", None), "at", None)
    return [fact("selection-exclusions", [f"design.selection.exclusions_after_start ({at})"], cohort=reference)]


def _assessment(cohorts: CohortSet) -> list[Fact]:
    retro = [c.id for c in cohorts if c.descriptor.design.type == "retrospective"]
    unreviewed = []
    for c in cohorts:
        a = getattr(c.descriptor.design, "assessment", None)
        if a is not None and _value(getattr(a, "independent_review", None)) == "no":
            unreviewed.append(c.id)
    if not retro and not unreviewed:
        return []
    return [fact("assessment-retrospective", retrospective=tuple(retro), unreviewed=tuple(unreviewed))]


def _min_age(desc: Any) -> float | None:
    elig = desc.design.eligibility
    age = getattr(elig, "age", None) if elig is not None else None
    return None if age is None else age.min


def _age(cohorts: CohortSet, reference: str) -> list[Fact]:
    ref = _min_age(cohorts[reference].descriptor)
    older = tuple((c.id, float(m)) for c in cohorts if c.id != reference
                  and (m := _min_age(c.descriptor)) is not None and (ref is None or m > ref))
    if not older:
        return []
    return [fact("age-eligibility", reference=reference, reference_min=ref, cohorts=older)]


def _overlap(cohorts: CohortSet) -> list[Fact]:
    out = []
    for c in cohorts:
        for e in getattr(c.descriptor.design, "overlap_evidence", None) or []:
            if e.with_ in cohorts.ids:
                out.append(fact("overlap-printed", [f"design.overlap_evidence ({e.at})"], cohort=c.id, other=e.with_,
                                kind=str(e.kind)))
    return out


def mixed_histology(cohorts: CohortSet) -> Fact | None:
    """The ``mixed-histology`` fact: cohorts whose N mixes osteosarcoma with other histologies
    (``population.histology``), each with its osteosarcoma count and N; None when none does.

    Every number of such a cohort describes the mix, not osteosarcoma: GRADE's indirectness of population, and a
    limitation of eligibility.

    Parameters
    ----------
    cohorts : CohortSet

    Returns
    -------
    Fact or None
    """
    mixed = [(c, h) for c in cohorts if (h := c.descriptor.population.histology) is not None]
    if not mixed:
        return None
    return fact("mixed-histology", [f"population.histology ({h.at})" for _, h in mixed],
                cohorts=tuple((c.id, h.osteosarcoma, c.descriptor.population.n) for c, h in mixed))


def limitation_facts(cohorts: CohortSet, reference: str) -> tuple[Fact, ...]:
    """The facts of this module's rules for the cohorts compared.

    Parameters
    ----------
    cohorts : CohortSet
    reference : str

    Returns
    -------
    tuple of Fact
        Any of ``selection-exclusions``, ``assessment-retrospective``, ``age-eligibility``, ``overlap-printed``,
        ``mixed-histology``.
    """
    mixed = mixed_histology(cohorts)
    return (*_selection(cohorts, reference), *_assessment(cohorts), *_age(cohorts, reference), *_overlap(cohorts),
            *([mixed] if mixed is not None else []))


def harms_ascertainment(harms: pl.DataFrame) -> Fact | None:
    """``harms-ascertainment`` when the cohorts that report harms were ascertained in different ways.

    Parameters
    ----------
    harms : polars.DataFrame
        :func:`trialcompare.harms.harms_table` (``cohort``, ``reported``, ``ascertainment``).

    Returns
    -------
    Fact or None

    Examples
    --------
    >>> t = pl.DataFrame({"cohort": ["a", "b"], "reported": [True, True],
    ...                   "ascertainment": ["retrospective-chart-review", "prospective-grading"]})
    >>> harms_ascertainment(t)["retrospective"]
    ('a',)
    """
    if harms.is_empty():
        return None
    reporting = harms.filter(pl.col("reported")).unique(subset=["cohort"], maintain_order=True)
    ways = {r["cohort"]: r["ascertainment"] for r in reporting.iter_rows(named=True)}
    if len(set(ways.values())) < 2:
        return None
    return fact("harms-ascertainment",
                retrospective=tuple(c for c, w in ways.items() if w == "retrospective-chart-review"),
                prospective=tuple(c for c, w in ways.items() if w != "retrospective-chart-review"))


_ISO_DATE = re.compile(r"\b(19|20)\d\d-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])\b")


def date_facts(report_date: str, texts: Iterable[tuple[str, str]]) -> tuple[Fact, ...]:
    """``report-date-before-cited`` when an input cites a date later than the report's own.

    Parameters
    ----------
    report_date : str
        The spec's date (ISO).
    texts : iterable of (str, str)
        (file name, text) of the inputs.

    Returns
    -------
    tuple of Fact

    Examples
    --------
    >>> date_facts("2026-11-25", [("a.yaml", "verified 2026-12-01")])[0]["cited"]
    '2026-12-01'
    >>> date_facts("2026-12-07", [("a.yaml", "verified 2026-12-01")])
    ()
    """
    latest = max(((m.group(0), name) for name, text in texts for m in _ISO_DATE.finditer(text)), default=None)
    if latest is None or latest[0] <= report_date:
        return ()
    return (fact("report-date-before-cited", report=report_date, cited=latest[0], file=latest[1]),)
