"""Family 9: adverse events, dose modifications and deaths (the ``adverse_events:`` block) against their counts.

Percentages use the same tolerance as every printed percentage (half a unit of the last printed digit,
:func:`trialcompare.checks._common.fits`); the denominator of an entry is the one printed with it, else the entry's
``denominator``, else the safety population's N.

============================  ========  ===========================================================================
code                          severity  meaning
============================  ========  ===========================================================================
HARM-EXCEEDS-N                error     more patients with an event than patients in its denominator: a total
                                        above N counts episodes (record it with ``unit: episodes``)
HARM-GRADE-ORDER              error     more patients in a grade band than in a band that contains it (grade ≥ 3
                                        above any grade; grade 3, 4, 5 or 3-4 above grade ≥ 3; 3 or 4 above 3-4)
HARM-PCT-MISMATCH             error     the printed percentage does not match n/denominator
HARM-PCT-ROUNDING             info      the printed percentage is one unit off in its last digit
HARM-NOT-A-COUNT              warning   a bare percentage that no whole count of the denominator gives
HARM-EPISODES-BELOW-PATIENTS  error     fewer episodes than patients for one term and grade
HARM-EPISODES                 info      a count of episodes: shown as a count, never as a proportion of patients
HARM-MODIFICATION-ORDER       error     dose reductions or interruptions alone above "reduced or interrupted"
============================  ========  ===========================================================================
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..descriptor.harms import HarmRecord, harm_records
from ._common import fits, fmt, round_half_up
from .finding import Finding, Severity

if TYPE_CHECKING:
    import polars as pl

    from ..load import Cohort, CohortSet
    from ._common import Row

__all__ = ["CODES", "check_harms"]

CODES = {
    "HARM-EXCEEDS-N": "more patients with an adverse event than patients in its denominator (episodes?)",
    "HARM-GRADE-ORDER": "more patients in a grade band than in a band that contains it",
    "HARM-PCT-MISMATCH": "an adverse-event percentage does not match n/denominator",
    "HARM-PCT-ROUNDING": "an adverse-event percentage one unit off in its last digit",
    "HARM-NOT-A-COUNT": "an adverse-event percentage that no whole count of its denominator gives",
    "HARM-EPISODES-BELOW-PATIENTS": "fewer episodes than patients for one adverse event and grade",
    "HARM-EPISODES": "adverse events counted as episodes, not patients",
    "HARM-MODIFICATION-ORDER": "dose reductions or interruptions alone above 'reduced or interrupted'",
}

CONTAINS: dict[str, tuple[str, ...]] = {"any": (">=3", "3-4", "3", "4", "5"), ">=3": ("3-4", "3", "4", "5"),
                                        "3-4": ("3", "4")}
"""Grade bands and the bands they contain (patients in a contained band cannot outnumber the band)."""


def _n(rec: HarmRecord) -> int:
    """The count of a record that has one (the callers keep only those)."""
    if rec.value is None or rec.value.n is None:
        raise ValueError(f"{rec.at}: {rec.term} has no count")
    return rec.value.n


def _finding(code: str, severity: Severity, cohort: Cohort, rec: HarmRecord, message: str) -> Finding:
    line, column = cohort.position((*rec.path, "value"))
    where = rec.at if rec.source in (None, cohort.descriptor.default_source) else f"{rec.at} [{rec.source}]"
    return Finding(code, severity, cohort.id, _field(rec), message, where,
                   file=str(cohort.path), line=line, column=column)


def _field(rec: HarmRecord) -> str:
    if rec.section == "event":
        return f"adverse_events.{rec.key}.{rec.grade}" + (".episodes" if rec.unit == "episodes" else "")
    return f"adverse_events.{rec.key}"


def _exceeds(cohort: Cohort, rec: HarmRecord) -> Iterator[Finding]:
    v = rec.value
    if v is None or v.n is None or rec.unit != "patients" or v.n <= rec.denominator:
        return
    yield _finding("HARM-EXCEEDS-N", "error", cohort, rec,
                   f'printed "{rec.printed}" patients with {rec.term} (grade {rec.grade or "-"}) among '
                   f"{rec.denominator}: more patients than the denominator. A total above N counts episodes, not "
                   "patients: if the source counts events, record it with unit: episodes")


def _percentage(cohort: Cohort, rec: HarmRecord) -> Iterator[Finding]:
    v = rec.value
    if v is None or v.percent is None or rec.unit != "patients" or not rec.denominator:
        return
    d, dec = rec.denominator, v.percent_decimals or 0
    if v.n is None:
        from .percentages import fitting_counts

        if not fitting_counts(d, v.percent, dec):
            yield _finding("HARM-NOT-A-COUNT", "warning", cohort, rec,
                           f'printed "{rec.printed}" of {d}: no whole count of {d} gives it')
        return
    exact = 100.0 * v.n / d
    if v.n > d or fits(exact, v.percent, dec):
        return
    rounded = round_half_up(exact, dec)
    unit = 10.0 ** (-dec)
    slip = abs(abs(v.percent - rounded) - unit) <= unit * 1e-6
    yield _finding("HARM-PCT-ROUNDING" if slip else "HARM-PCT-MISMATCH", "info" if slip else "error", cohort, rec,
                   f'printed "{rec.printed}": {v.n}/{d} = {fmt(exact, dec + 2)}%, which rounds to '
                   f"{fmt(rounded, dec)}")


def _grade_order(cohort: Cohort, records: list[HarmRecord]) -> Iterator[Finding]:
    by_term: dict[tuple[str, str], dict[str, HarmRecord]] = defaultdict(dict)
    for rec in records:
        if rec.section == "event" and rec.value is not None and rec.value.n is not None:
            by_term[(rec.key, rec.unit)].setdefault(rec.grade or "", rec)
    for (_, unit), bands in by_term.items():
        if unit != "patients":
            continue
        for outer, inner in CONTAINS.items():
            big = bands.get(outer)
            if big is None:
                continue
            for band in (b for b in inner if b in bands):
                small = bands[band]
                if _n(small) > _n(big):
                    yield _finding("HARM-GRADE-ORDER", "error", cohort, small,
                                   f'{small.term}: grade {band} "{small.printed}" ({small.at}) is more patients than '
                                   f'grade {outer} "{big.printed}" ({big.at}), which contains it')


def _episodes(cohort: Cohort, records: list[HarmRecord]) -> Iterator[Finding]:
    counted = [r for r in records if r.section == "event" and r.value is not None and r.value.n is not None]
    patients = {(r.key, r.grade): r for r in counted if r.unit == "patients"}
    for rec in (r for r in counted if r.unit == "episodes"):
        yield _finding("HARM-EPISODES", "info", cohort, rec,
                       f'"{rec.printed}" {rec.term} (grade {rec.grade}) counts episodes, not patients: shown as a '
                       "count, never as a proportion of patients")
        other = patients.get((rec.key, rec.grade))
        if other is not None and _n(rec) < _n(other):
            yield _finding("HARM-EPISODES-BELOW-PATIENTS", "error", cohort, rec,
                           f'{rec.term} (grade {rec.grade}): "{rec.printed}" episodes but "{other.printed}" patients '
                           f"({other.at}); every patient with the event has at least one episode")


def _modifications(cohort: Cohort, records: list[HarmRecord]) -> Iterator[Finding]:
    mods = {r.key: r for r in records if r.section == "modification" and r.value is not None
            and r.value.n is not None}
    both = mods.get("reduction_or_interruption")
    for kind in ("dose_reduction", "interruption"):
        one = mods.get(kind)
        if both is not None and one is not None and _n(one) > _n(both):
            yield _finding("HARM-MODIFICATION-ORDER", "error", cohort, one,
                           f'{kind.replace("_", " ")} "{one.printed}" is more patients than "reduced or interrupted" '
                           f'"{both.printed}" ({both.at})')


def check_harms(frame: list[Row] | pl.DataFrame, cohorts: CohortSet) -> Iterator[Finding]:
    """Check each cohort's ``adverse_events:`` block.

    Parameters
    ----------
    frame : list of dict or polars.DataFrame
        The harmonized long frame (unused: the block is read from the descriptors).
    cohorts : CohortSet
        The cohorts.

    Yields
    ------
    Finding
        ``HARM-*`` findings (see the module table).
    """
    for cohort in cohorts:
        block = cohort.descriptor.adverse_events
        if block is None:
            continue
        records = harm_records(block)
        for rec in records:
            yield from _exceeds(cohort, rec)
            yield from _percentage(cohort, rec)
        yield from _grade_order(cohort, records)
        yield from _episodes(cohort, records)
        yield from _modifications(cohort, records)
