"""Family 4: time-to-event coherence — landmark rates, medians, quartiles and event counts of one endpoint.

A survival curve does not increase, so a landmark rate cannot exceed an earlier one. A rate above 50% at t months
means the median lies beyond t; a rate below 50% means the median lies at or before t (and a median "not reached"
is then impossible); a rate of exactly 50% says nothing. With an interval labelled IQR the same holds for the
quartiles at 75% (Q1) and 25% (Q3). Binomial rates ("13/43 progression-free") are not points of the Kaplan-Meier
curve and are only compared with one another. Rounding of the printed numbers is allowed for.

======================  ========  ==============================================================================
code                    severity  meaning
======================  ========  ==============================================================================
TTE-RATE-INCREASING     error     a landmark rate above an earlier landmark rate of the same endpoint
TTE-MEDIAN-RATE         error     the median contradicts a landmark rate (or is "not reached" although a rate is
                                  below 50%)
TTE-QUARTILE-RATE       warning   an IQR bound contradicts a landmark rate (Q1 against 75%, Q3 against 25%)
TTE-COUNT-ABOVE-N       error     events, censored or patients analysed above the cohort's N
TTE-EVENTS-CENSORED     error     events + censored above the cohort's N (or the patients analysed)
TTE-N-ANALYSED          warning   an endpoint analysed in a number of patients other than the cohort's N (info when
                                  the number is a reported analysis set)
======================  ========  ==============================================================================
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..options import to_months
from ._common import Row, bound_decimals, declared_n, half_unit, join_locations, make, rows_of
from .finding import Finding, Severity

if TYPE_CHECKING:
    import polars as pl

    from ..load import CohortSet

__all__ = ["CODES", "check_time_to_event"]

CODES = {
    "TTE-RATE-INCREASING": "a landmark rate above an earlier landmark rate of the same endpoint",
    "TTE-MEDIAN-RATE": "the median contradicts a landmark rate",
    "TTE-QUARTILE-RATE": "an IQR bound contradicts a landmark rate",
    "TTE-COUNT-ABOVE-N": "events, censored or patients analysed above the cohort's N",
    "TTE-EVENTS-CENSORED": "events + censored above the cohort's N",
    "TTE-N-ANALYSED": "endpoint analysed in a number of patients other than the cohort's N",
}


@dataclass(frozen=True)
class _Rate:
    """A landmark rate as an interval of possible true values (percent)."""

    row: Row
    t: float
    lo: float
    hi: float
    binomial: bool


def _rate(row: Row) -> _Rate | None:
    t = row["time_months"]
    if t is None:
        return None
    if row["value"] is None and row["n"] is not None and row["denominator"]:
        exact = 100.0 * row["n"] / row["denominator"]
        lo = hi = exact
    elif row["value"] is None:
        return None
    elif row["bound"] in ("<", "≤", "<="):
        lo, hi = 0.0, row["value"]
    elif row["bound"] in (">", "≥", ">="):
        lo, hi = row["value"], 100.0
    else:
        h = half_unit(row["decimals"])
        lo, hi = row["value"] - h, row["value"] + h
    return _Rate(row, t, lo, hi, row["estimator"] == "binomial")


def _at(rate: _Rate) -> str:
    """The rate's time point as printed ("12 weeks (2.8 months)"), never a bare fraction of a month."""
    from ..outcomes import time_words

    return time_words(rate.t, rate.row.get("time"), rate.row.get("unit"))


def _increasing(rates: list[_Rate], cohorts: CohortSet) -> Iterator[Finding]:
    for a in rates:
        for b in rates:
            if a.t < b.t and a.binomial == b.binomial and b.lo > a.hi:
                message = (
                    f'printed "{b.row["printed"]}" at {_at(b)} is above "{a.row["printed"]}" at '
                    f"{_at(a)}; a survival curve cannot rise"
                )
                yield make(
                    "TTE-RATE-INCREASING",
                    "error",
                    b.row,
                    message,
                    cohorts,
                    location=join_locations([a.row, b.row], cohorts),
                )


def _against(
    point: Row,
    value: float | None,
    decimals: int | None,
    rate: _Rate,
    pct: float,
    what: str,
    code: str,
    severity: Severity,
    cohorts: CohortSet,
    scale: float = 1.0,
) -> Iterator[Finding]:
    """Compare a time point of the curve (median: pct=50, Q1: 75, Q3: 25) with a landmark rate; ``value`` in months,
    ``scale`` the months per printed unit (a median printed in weeks is compared in months)."""
    h = half_unit(decimals) * scale
    shown = f'the {what} is {"not reached" if value is None else f"{value:.3g} months"} (printed "{point["printed"]}")'
    rate_text = f'the rate at {_at(rate)} "{rate.row["printed"]}"'
    problem = None
    if rate.lo > pct and value is not None and value + h < rate.t:
        problem = f"{rate_text} is above {pct:g}%, so the {what} must lie beyond {_at(rate)}, but {shown}"
    elif rate.hi < pct and value is None:
        problem = f"{rate_text} is below {pct:g}%, so the {what} is reached by {_at(rate)}, but {shown}"
    elif rate.hi < pct and value is not None and value - h > rate.t:
        problem = f"{rate_text} is below {pct:g}%, so the {what} must lie at or before {_at(rate)}, but {shown}"
    if problem:
        yield make(code, severity, point, problem, cohorts, location=join_locations([point, rate.row], cohorts))


def _in_months(m: Row, column: str) -> float | None:
    value = m.get(f"{column}_months")
    return m[column] if value is None else value


def _scale(m: Row) -> float:
    return to_months(1.0, m.get("unit") or "months")


def _medians(medians: list[Row], rates: list[_Rate], cohorts: CohortSet) -> Iterator[Finding]:
    curve = [r for r in rates if not r.binomial]
    for m in (m for m in medians if m["bound"] is None):
        s = _scale(m)
        for rate in curve:
            yield from _against(m, _in_months(m, "value"), m["decimals"], rate, 50.0, "median", "TTE-MEDIAN-RATE",
                                "error", cohorts, s)
            if m["interval_type"] != "IQR":
                continue
            dec = bound_decimals(m["printed"])
            if m["lower"] is not None:
                yield from _against(
                    m, _in_months(m, "lower"), dec, rate, 75.0, "first quartile", "TTE-QUARTILE-RATE", "warning",
                    cohorts, s,
                )
            if m["upper"] is not None or m["upper_nr"]:
                yield from _against(
                    m, _in_months(m, "upper"), dec, rate, 25.0, "third quartile", "TTE-QUARTILE-RATE", "warning",
                    cohorts, s,
                )


def _counts(rows: list[Row], cohorts: CohortSet) -> Iterator[Finding]:
    cohort = rows[0]["cohort"] if rows else None
    big_n = declared_n(cohorts, cohort) if cohort else None
    if big_n is None:
        return
    by_stat: dict[str, list[Row]] = defaultdict(list)
    for r in rows:
        if r["n"] is not None:
            by_stat[r["statistic"]].append(r)
            if r["n"] > big_n:
                yield make(
                    "TTE-COUNT-ABOVE-N",
                    "error",
                    r,
                    f'printed "{r["printed"]}" {r["statistic"]}: {r["n"]} exceeds the declared N={big_n}',
                    cohorts,
                )
    yield from _analysed(by_stat["n_analysed"], big_n, cohorts)
    ceiling = min([r["n"] for r in by_stat["n_analysed"]] or [big_n])
    for e in by_stat["events"]:
        for c in by_stat["censored"]:
            if e["n"] + c["n"] > ceiling:
                message = (
                    f'events "{e["printed"]}" + censored "{c["printed"]}" = {e["n"] + c["n"]}, more than the '
                    f"{ceiling} patients analysed"
                )
                yield make(
                    "TTE-EVENTS-CENSORED", "error", e, message, cohorts, location=join_locations([e, c], cohorts)
                )


def _analysed(rows: list[Row], big_n: int, cohorts: CohortSet) -> Iterator[Finding]:
    for r in rows:
        if r["n"] == big_n:
            continue
        sets = [rep for rep in cohorts[r["cohort"]].descriptor.population.reports if rep.n == r["n"]]
        note = f" ({r['n']} is the {sets[0].set} set, {sets[0].at})" if sets else ""
        yield make(
            "TTE-N-ANALYSED",
            "info" if sets else "warning",
            r,
            f'printed "{r["printed"]}" patients analysed, but the cohort\'s N is {big_n}{note}',
            cohorts,
        )


def check_time_to_event(frame: list[Row] | pl.DataFrame, cohorts: CohortSet) -> Iterator[Finding]:
    """Check the coherence of each endpoint's landmark rates, median, quartiles and counts.

    Parameters
    ----------
    frame : list of dict or polars.DataFrame
        The harmonized long frame: its rows (:func:`trialcompare.frame.rows`) or the DataFrame.
    cohorts : CohortSet
        The cohorts behind it.

    Yields
    ------
    Finding
        ``TTE-*`` findings (see the module table).
    """
    endpoints: dict[tuple[str, str], list[Row]] = defaultdict(list)
    for r in rows_of(frame, section="endpoint"):
        endpoints[(r["cohort"], r["variable"])].append(r)
    for rows in endpoints.values():
        rates = [x for x in (_rate(r) for r in rows if r["statistic"] == "rate") if x is not None]
        yield from _increasing(rates, cohorts)
        yield from _medians([r for r in rows if r["statistic"] == "median"], rates, cohorts)
        yield from _counts([r for r in rows if r["statistic"] in ("events", "censored", "n_analysed")], cohorts)
