"""Family 6: across cohorts — possible overlap of patients, and interval labels that change along a table row.

Two cohorts that share a registration number, or a centre with overlapping accrual periods, may share patients
and are then not independent. One quantity printed with an interval at the same location of the same publication
(a row of a comparison table) should carry the same interval type for every cohort.

==========================  ========  ==========================================================================
code                        severity  meaning
==========================  ========  ==========================================================================
XC-SHARED-REGISTRATION      warning   two cohorts give the same registration number (possible overlap)
XC-SHARED-CENTRE            warning   two cohorts share a centre and their accrual periods overlap (info when a
                                      period is unknown)
XC-INTERVAL-TYPE            warning   one quantity labelled with different interval types across cohorts at the
                                      same location (an interval printed without a type counts as "unlabelled")
==========================  ========  ==========================================================================
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from itertools import combinations
from typing import TYPE_CHECKING

from ..rules import accrual_month, arms_of_one_study, centre_key, patient_overlap
from ._common import Row, field_of, rows_of
from .finding import Finding, Severity

if TYPE_CHECKING:
    import polars as pl

    from ..load import Cohort, CohortSet

__all__ = ["CODES", "accrual_months", "check_cross_cohort"]

CODES = {
    "XC-SHARED-REGISTRATION": "two cohorts share a registration number (possible overlap of patients)",
    "XC-SHARED-CENTRE": "two cohorts share a centre with overlapping accrual (possible overlap of patients)",
    "XC-INTERVAL-TYPE": "one quantity labelled with different interval types across cohorts at one location",
}

def accrual_months(text: str | None, end: bool = False) -> int | None:
    """Deprecated name of :func:`trialcompare.rules.accrual_month` (kept for existing callers).

    Parameters
    ----------
    text : str or None
        An accrual date as printed.
    end : bool
        Read it as the end of an accrual period.

    Returns
    -------
    int or None
        What :func:`trialcompare.rules.accrual_month` returns.

    Examples
    --------
    >>> accrual_months("2017-06") == accrual_months("June 3 2017")
    True
    """
    return accrual_month(text, end)


def _finding(code: str, severity: Severity, a: Cohort, b: Cohort, field: str, message: str, location: str) -> Finding:
    line, column = a.position(("design",))
    return Finding(
        code=code,
        severity=severity,
        cohort=a.id,
        field=field,
        message=message,
        location=location,
        file=str(a.path),
        line=line,
        column=column,
        related=(b.id,),
    )


def _shared_registration(a: Cohort, b: Cohort) -> Iterator[Finding]:
    """One finding per registration id the two cohorts share, naming every place each prints it."""

    def places(c: Cohort) -> dict[str, list[str]]:
        out: dict[str, list[str]] = defaultdict(list)
        for r in c.descriptor.design.registrations:
            out[r.id.strip().upper()].append(r.at)
        return out

    pa, pb = places(a), places(b)
    for reg in (r for r in pa if r in pb):
        wa, wb = ", ".join(dict.fromkeys(pa[reg])), ", ".join(dict.fromkeys(pb[reg]))
        message = (
            f"{a.id} and {b.id} both give registration {reg} ({a.id}: {wa}; {b.id}: {wb}): they may share "
            "patients and are then not independent"
        )
        yield _finding(
            "XC-SHARED-REGISTRATION",
            "warning",
            a,
            b,
            "design.registrations",
            message,
            "; ".join(dict.fromkeys([*pa[reg], *pb[reg]])),
        )


def _shared_centre(a: Cohort, b: Cohort) -> Iterator[Finding]:
    overlap = patient_overlap(a.descriptor, b.descriptor)
    if overlap is None or not overlap.centres or overlap.accrual_overlaps is False:
        return
    shared = sorted({centre_key(x) for x in overlap.centres})
    da, db = a.descriptor.design, b.descriptor.design
    periods = (
        f"{a.id}: {da.accrual_start or '?'} to {da.accrual_end or '?'}; {b.id}: {db.accrual_start or '?'} to "
        f"{db.accrual_end or '?'}"
    )
    severity: Severity = "warning" if overlap.accrual_overlaps else "info"
    verdict = "accrual periods overlap" if overlap.accrual_overlaps else "accrual periods unknown"
    message = (
        f"{a.id} and {b.id} share the centre(s) {', '.join(shared)} and their {verdict} ({periods}): "
        "they may share patients"
    )
    yield _finding(
        "XC-SHARED-CENTRE", severity, a, b, "design.centres", message, f"{da.at or 'design'}; {db.at or 'design'}"
    )


def _source_identity(cohorts: CohortSet) -> dict[tuple[str, str], str]:
    ident = {}
    for c in cohorts:
        for s in c.descriptor.sources:
            ident[(c.id, s.key)] = (s.doi or s.pmid or s.citation).strip().lower()
    return ident


def _interval_types(frame: list[Row] | pl.DataFrame, cohorts: CohortSet) -> Iterator[Finding]:
    rows = [r for r in rows_of(frame) if r["lower"] is not None or r["lower_nr"] or r["upper_nr"]]
    ident = _source_identity(cohorts)
    cells: dict[tuple, dict[str, list[Row]]] = defaultdict(lambda: defaultdict(list))
    for r in rows:
        key = (
            ident.get((r["cohort"], r["source"]), r["source"]),
            r["location"],
            r["section"],
            r["variable"],
            r["level"],
            r["statistic"],
            r["time_months"],
        )
        cells[key][r["interval_type"] or "unlabelled"].append(r)
    for key, types in cells.items():
        if len(types) < 2:
            continue
        first = next(iter(types.values()))[0]
        said = "; ".join(f"{t}: {', '.join(r['cohort'] for r in rs)}" for t, rs in types.items())
        message = f"{field_of(first)} at {key[1]} is labelled with different interval types across cohorts ({said})"
        yield Finding(
            code="XC-INTERVAL-TYPE",
            severity="warning",
            cohort=first["cohort"],
            field=field_of(first),
            message=message,
            location=key[1],
            file=first["file"],
            line=first["line"],
            column=first["column"],
        )


def check_cross_cohort(frame: list[Row] | pl.DataFrame, cohorts: CohortSet) -> Iterator[Finding]:
    """Flag possible patient overlap between cohorts and interval labels that differ along one table row.

    Parameters
    ----------
    frame : list of dict or polars.DataFrame
        The harmonized long frame: its rows (:func:`trialcompare.frame.rows`) or the DataFrame.
    cohorts : CohortSet
        The cohorts behind it.

    Yields
    ------
    Finding
        ``XC-*`` findings (see the module table).
    """
    for a, b in combinations(list(cohorts), 2):
        if arms_of_one_study(a.descriptor, b.descriptor):
            continue  # arms of one study share its registration and centres by design, not its patients
        yield from _shared_registration(a, b)
        yield from _shared_centre(a, b)
    yield from _interval_types(frame, cohorts)
