"""Family 7: derived response rates against the best-response counts.

ORR = (CR + PR) / N and DCR = (CR + PR + SD) / N are recomputed from the best-response counts of the same
location (or, when that location has none, of the first location where every needed level is printed). A CBR at a
time point (e.g. 6-month CBR) counts only responses and stable disease lasting that long, so it can only be checked
against its ceiling (CR + PR + SD) / N; a CBR without a time point is checked like a DCR.

=================  ========  ==================================================================================
code               severity  meaning
=================  ========  ==================================================================================
RATE-MISMATCH      error     the printed rate (count or percentage) does not match the response counts
RATE-ROUNDING      info      the printed percentage is one unit off in its last digit
RATE-ABOVE-CEILING error     a time-point CBR above (CR + PR + SD) / N
RATE-NOT-A-COUNT   warning   a rate printed as a percentage of a stated denominator that no whole count gives
RATE-UNIT-IGNORED  warning   a landmark rate written ``months: x`` with a ``unit`` other than months beside it:
                             the unit is ignored (write ``time: x, unit: weeks``)
=================  ========  ==================================================================================

A rate printed as a count (``"3/22"``) or as a percentage of a stated denominator (``"6.7%"``, ``denominator:
30``) is usable without level counts: the frame gives it a ``statistic = "count"`` row (``count_basis`` printed or
implied-by-percentage; an implied count has ``as_printed = False``). When level counts exist as well, the printed
rate is checked against them here (only printed rows: an implied count repeats its percentage).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..descriptor.vocabulary import RATES
from ._common import Row, declared_n, fits, fmt, half_unit, join_locations, location_of, make, round_half_up, rows_of
from .finding import Finding

if TYPE_CHECKING:
    import polars as pl

    from ..load import CohortSet

__all__ = ["CODES", "check_rates"]

CODES = {
    "RATE-MISMATCH": "a derived rate (ORR, DCR, CBR) does not match the best-response counts",
    "RATE-ROUNDING": "a derived rate one unit off in its last digit",
    "RATE-ABOVE-CEILING": "a time-point CBR above (CR + PR + SD) / N",
    "RATE-NOT-A-COUNT": "a rate's percentage that no whole count of its stated denominator gives",
    "RATE-UNIT-IGNORED": "a landmark rate's unit ignored beside 'months:' (write time + unit)",
}


def _response_sets(frame: list[Row] | pl.DataFrame) -> dict[str, list[dict[str, Row]]]:
    """Per cohort, the best-response counts of each location (level -> row), in frame order."""
    rows = rows_of(frame, variable="best_response", statistic="count")
    by_loc: dict[tuple[str, str, str], dict[str, Row]] = defaultdict(dict)
    for r in rows:
        by_loc[(r["cohort"], r["location"], r["source"])][r["level"]] = r
    sets: dict[str, list[dict[str, Row]]] = defaultdict(list)
    for (cohort, _, _), levels in by_loc.items():
        sets[cohort].append(levels)
    return sets


def _counts_for(rate: Row, sets: list[dict[str, Row]]) -> dict[str, Row] | None:
    needed = RATES[rate["variable"]]
    usable = [s for s in sets if all(level in s for level in needed)]
    same = [
        s
        for s in usable
        if next(iter(s.values()))["location"] == rate["location"] and next(iter(s.values()))["source"] == rate["source"]
    ]
    chosen = same or usable
    return chosen[0] if chosen else None


def _percent(rate: Row) -> tuple[float, int | None] | None:
    if rate["value"] is None or rate["bound"] is not None:
        return None
    return rate["value"], rate["decimals"]


def _check_one(rate: Row, counts: dict[str, Row], cohorts: CohortSet) -> Iterator[Finding]:
    needed = RATES[rate["variable"]]
    k = sum(counts[level]["n"] for level in needed)
    terms = " + ".join(f"{lv} {counts[lv]['n']}" for lv in needed)
    src = location_of(next(iter(counts.values())), cohorts)
    where = join_locations([rate, next(iter(counts.values()))], cohorts)
    d = rate["denominator"] or next(iter(counts.values()))["denominator"] or declared_n(cohorts, rate["cohort"])
    head = f'printed "{rate["printed"]}": {src} gives {terms} = {k}'
    ceiling = rate["variable"] == "CBR" and rate["time_months"] is not None
    if rate["statistic"] == "count" and rate["n"] is not None and not ceiling and rate["n"] != k:
        yield make("RATE-MISMATCH", "error", rate, f"{head}, not {rate['n']}", cohorts, location=where)
        return
    pct = _percent(rate)
    if pct is None or not d:
        return
    value, dec = pct
    exact = 100.0 * k / d
    if ceiling:
        if value - half_unit(dec) > exact:
            yield make(
                "RATE-ABOVE-CEILING",
                "error",
                rate,
                f"{head}, so the {rate['time_months']:g}-month CBR cannot exceed {k}/{d} = {fmt(exact, 1)}%",
                cohorts,
                location=where,
            )
        return
    if fits(exact, value, dec):
        return
    expected = f"{k}/{d} = {fmt(exact, (dec or 0) + 2)}%, which rounds to {fmt(round_half_up(exact, dec or 0), dec)}"
    unit = 10.0 ** (-(dec or 0))
    slip = abs(abs(value - round_half_up(exact, dec or 0)) - unit) <= unit * 1e-6
    yield make(
        "RATE-ROUNDING" if slip else "RATE-MISMATCH",
        "info" if slip else "error",
        rate,
        f"{head}; {expected}",
        cohorts,
        location=where,
    )


def check_rates(frame: list[Row] | pl.DataFrame, cohorts: CohortSet) -> Iterator[Finding]:
    """Check ORR, DCR and CBR against the best-response counts.

    Parameters
    ----------
    frame : list of dict or polars.DataFrame
        The harmonized long frame: its rows (:func:`trialcompare.frame.rows`) or the DataFrame.
    cohorts : CohortSet
        The cohorts behind it.

    Yields
    ------
    Finding
        ``RATE-*`` findings (see the module table).
    """
    sets = _response_sets(frame)
    for rate in (r for r in rows_of(frame, section="rate") if r["as_printed"] and r["variable"] in RATES):
        counts = _counts_for(rate, sets.get(rate["cohort"], []))
        if counts is not None:
            yield from _check_one(rate, counts, cohorts)
    yield from _not_a_count(frame, cohorts)
    yield from _unit_ignored(cohorts)


def _not_a_count(frame: list[Row] | pl.DataFrame, cohorts: CohortSet) -> Iterator[Finding]:
    from ..frame import implied_count

    rates = [r for r in rows_of(frame, section="rate") if r["denominator"] is not None]
    implied = {(r["line"], r["column"]) for r in rates if r["count_basis"] == "implied-by-percentage"}
    for r in rates:
        if r["statistic"] != "proportion" or r["bound"] is not None or r["value"] is None or not r["denominator"]:
            continue
        if (r["line"], r["column"]) in implied or r["decimals"] is None:
            continue
        d, dec = r["denominator"], r["decimals"]
        if implied_count(r["value"], dec, d) is None and not _several(r["value"], dec, d):
            near = ", ".join(f"{k}/{d} = {fmt(100 * k / d, dec + 1)}%" for k in _nearest(r["value"], d))
            yield make("RATE-NOT-A-COUNT", "warning", r,
                       f'printed "{r["printed"]}" of {d}: no whole count gives it ({near})', cohorts)


def _several(value: float, dec: int, d: int) -> bool:
    from .percentages import fitting_counts

    return len(fitting_counts(d, value, dec)) > 1


def _nearest(value: float, d: int) -> list[int]:
    k = value * d / 100
    return sorted({max(0, min(d, int(k))), max(0, min(d, int(k) + 1))})


def _unit_ignored(cohorts: CohortSet) -> Iterator[Finding]:
    for c in cohorts:
        for i, ep in enumerate(c.descriptor.endpoints):
            for j, rep in enumerate(ep.reports):
                if rep.statistic != "rate" or rep.months is None or "unit" not in rep.model_fields_set \
                        or rep.unit == "months":
                    continue
                line, column = c.position(("endpoints", i, "reports", j, "unit"))
                yield Finding("RATE-UNIT-IGNORED", "warning", c.id, f"endpoint.{ep.name}.rate.{rep.months:g}m",
                              f"months: {rep.months:g} is in months, so unit: {rep.unit} is ignored; if the time "
                              f"point is {rep.months:g} {rep.unit}, write time: {rep.months:g}, unit: {rep.unit}",
                              rep.at, file=str(c.path), line=line, column=column)
