"""Family 1: printed percentages against their count and denominator.

The tolerance comes from the printed decimals: half a unit of the last digit (plus a tiny epsilon), so
``"13 (39.39)"`` for 13/33 = 39.394% and ``"0 (0.0)"`` / ``"33 (100.0)"`` pass.

=================  ========  ==================================================================================
code               severity  meaning
=================  ========  ==================================================================================
PCT-ROUNDING       info      the printed percentage is one unit off in its last digit (truncation or double
                             rounding: 60.60 for 60.606, 45.4 for 45.45)
PCT-MISMATCH       error     the percentage does not match n/denominator: a wrong count or a wrong denominator
                             (the message says which count or denominator would fit)
PCT-DENOMINATOR    error     several percentages of one cohort fit another denominator than the one declared;
                             one finding per cohort and implied denominator, listing the rows
=================  ========  ==================================================================================
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from ._common import Row, field_of, fits, fmt, half_unit, join_locations, make, round_half_up, rows_of
from .finding import Finding

if TYPE_CHECKING:
    import polars as pl

    from ..load import CohortSet

__all__ = ["CODES", "check_percentages", "fitting_counts", "fitting_denominators", "implied_counts"]

CODES = {
    "PCT-ROUNDING": "printed percentage one unit off in its last digit (truncation or double rounding)",
    "PCT-MISMATCH": "printed percentage does not match n/denominator (wrong count or denominator)",
    "PCT-DENOMINATOR": "several percentages of a cohort fit another denominator than the declared one",
}


def fitting_counts(denominator: int, percent: float, decimals: int) -> list[int]:
    """The counts n (0..denominator) whose percentage of ``denominator`` rounds to ``percent``.

    Parameters
    ----------
    denominator : int
        The denominator, > 0.
    percent : float
        The printed percentage.
    decimals : int
        Its number of printed decimals.

    Returns
    -------
    list of int

    Examples
    --------
    >>> fitting_counts(46, 26.1, 1)
    [12]
    """
    return list(_count_range(denominator, percent, decimals))


_MAX_CANDIDATES = 200  # implied denominators considered per row (nearest the declared one)


def _fit_range(lo_x: float, hi_x: float, ok: Callable[[int], bool], lo_limit: int, hi_limit: int) -> range:
    """The whole numbers in [lo_limit, hi_limit] for which ``ok`` holds, given that they form one interval
    whose ends are near lo_x and hi_x (closed form, then a few exact steps at each end): O(1), not O(N)."""
    lo = max(lo_limit, math.floor(lo_x) - 1) if math.isfinite(lo_x) else lo_limit
    hi = min(hi_limit, math.ceil(hi_x) + 1) if math.isfinite(hi_x) else hi_limit
    for _ in range(4):
        if lo <= hi and not ok(lo):
            lo += 1
        if hi >= lo and not ok(hi):
            hi -= 1
    return range(lo, hi + 1) if lo <= hi and ok(lo) and ok(hi) else range(0)


def _count_range(d: int, p: float, dec: int) -> range:
    h = half_unit(dec) * (1 + 1e-9)
    return _fit_range(d * (p - h) / 100, d * (p + h) / 100, lambda k: fits(100.0 * k / d, p, dec), 0, d)


def _denominator_range(n: int, p: float, dec: int, upto: int) -> range:
    low = max(n, 1)
    if n == 0:
        return range(low, upto + 1) if fits(0.0, p, dec) else range(0)
    h = half_unit(dec) * (1 + 1e-9)
    hi_x = 100.0 * n / (p - h) if p - h > 0 else math.inf
    return _fit_range(100.0 * n / (p + h), hi_x, lambda x: fits(100.0 * n / x, p, dec), low, upto)


def fitting_denominators(n: int, percent: float, decimals: int, upto: int) -> list[int]:
    """The denominators d (max(n, 1)..upto) for which n/d rounds to ``percent``.

    Parameters
    ----------
    n : int
        The count.
    percent : float
        The printed percentage.
    decimals : int
        Its number of printed decimals.
    upto : int
        Largest denominator tried.

    Returns
    -------
    list of int

    Examples
    --------
    >>> fitting_denominators(18, 41.86, 2, 100)
    [43]
    """
    return list(_denominator_range(n, percent, decimals, upto))


IMPLIED_WINDOW = 50
"""Denominators tried for a percentage printed without one: the ``IMPLIED_WINDOW`` whole numbers up to the cohort's N
(a response rate's denominator is the cohort or an analysed subset of it; bounded, so never linear in N)."""


def implied_counts(
    percent: float, decimals: int, n_max: int, interval: tuple[float, float, int, float] | None = None
) -> list[tuple[int, int]]:
    """The counts k/d (d ≤ ``n_max``) that reproduce a percentage printed without its denominator.

    A pair fits when k/d rounds to the printed percentage and, if the interval is given, some standard method of
    :func:`trialcompare.stats.proportions.which_ci_method` reproduces its printed bounds. Only a single fitting pair
    identifies the count; several (or none) leave it unknown.

    Parameters
    ----------
    percent : float
        The printed percentage (6.7 for "6.7%").
    decimals : int
        Its printed decimals.
    n_max : int
        Largest denominator: the cohort's N. Denominators from ``n_max - IMPLIED_WINDOW + 1`` are tried.
    interval : tuple of (float, float, int, float), optional
        Printed lower and upper bound in percent, their decimals, and the confidence level (0.95).

    Returns
    -------
    list of tuple of (int, int)
        The fitting (k, d) by increasing d, at most two: a second pair already means the count is not identified
        (so the search stays bounded whatever N is).

    Examples
    --------
    ITCC-050's "ORR 6.7% (95% CI 0.8-22.1)" with 31 patients: 1/15 and 2/30 round to 6.7%, and the exact interval
    of 2/30 is (0.82, 22.07), of 1/15 (0.17, 31.95), so only 2/30 fits both.

    >>> implied_counts(6.7, 1, 31)
    [(1, 15), (2, 30)]
    >>> implied_counts(6.7, 1, 31, (0.8, 22.1, 1, 0.95))
    [(2, 30)]
    """
    from ..stats.reproduce import which_ci_method

    found: list[tuple[int, int]] = []
    for d in range(max(1, n_max - IMPLIED_WINDOW + 1), n_max + 1):
        counts = _count_range(d, percent, decimals)
        if len(counts) > (1 if interval is None else _MAX_CANDIDATES):  # too many to tell apart: not identified
            return [*found, (counts[0], d), (counts[1], d)][:2]
        for k in counts:
            if interval is None or which_ci_method(k, d, interval[0], interval[1], interval[2], level=interval[3]):
                found.append((k, d))
            if len(found) == 2:
                return found
    return found


def _candidates(frame: list[Row] | pl.DataFrame) -> list[Row]:
    return [
        r for r in rows_of(frame)
        if r["value"] is not None and r["n"] is not None and r["denominator"] is not None and r["denominator"] > 0
        and r["decimals"] is not None and r["section"] is not None and r["section"] != "population"
        and r["lower"] is None
    ]


def _is_slip(row: Row) -> bool:
    """Printed value exactly one unit from the correctly rounded one, and no other count fits it."""
    n, d, p, dec = row["n"], row["denominator"], row["value"], row["decimals"]
    unit = 10.0 ** (-dec)
    off = abs(p - round_half_up(100.0 * n / d, dec))
    return abs(off - unit) <= unit * 1e-6 and not _count_range(d, p, dec)


def _quote(row: Row) -> str:
    n, d = row["n"], row["denominator"]
    return f'{field_of(row)} "{row["printed"]}" ({n}/{d} = {fmt(100.0 * n / d, 2)}%)'


def _group_by_denominator(cohort_rows: list[Row]) -> tuple[dict[int, list[Row]], list[Row]]:
    """Greedily assign mismatching rows to an implied denominator that fits at least two of them."""
    fitting = {
        id(r): set(_nearest(_denominator_range(r["n"], r["value"], r["decimals"], 3 * r["denominator"] + 10),
                            r["denominator"], _MAX_CANDIDATES))
        for r in cohort_rows
    }
    remaining = list(cohort_rows)
    groups: dict[int, list[Row]] = {}
    while True:
        tally = Counter(d for r in remaining for d in fitting[id(r)])
        best = [d for d, k in tally.items() if k >= 2]
        if not best:
            return groups, remaining
        declared = Counter(r["denominator"] for r in remaining).most_common(1)[0][0]
        d = max(best, key=lambda x: (tally[x], -abs(x - declared)))
        groups[d] = [r for r in remaining if d in fitting[id(r)]]
        remaining = [r for r in remaining if d not in fitting[id(r)]]


def _population_note(cohorts: CohortSet, cohort: str, d: int) -> str:
    if cohort not in cohorts:
        return ""
    for rep in cohorts[cohort].descriptor.population.reports:
        if rep.n == d:
            return f"; {d} is the {rep.set} set ({rep.at})"
    return ""


def _denominator_finding(d: int, rows: list[Row], cohorts: CohortSet) -> Finding:
    first = rows[0]
    declared = sorted({r["denominator"] for r in rows})
    origins = {r["denominator_origin"] for r in rows}
    said = "/".join(map(str, declared)) + (" (the declared N)" if origins == {"declared_n"} else "")
    listed = "; ".join(_quote(r) for r in rows)
    message = (
        f"{len(rows)} percentages fit the denominator {d}, not {said}"
        f"{_population_note(cohorts, first['cohort'], d)}: {listed}"
    )
    field = "population.n" if origins == {"declared_n"} else field_of(first)
    return make(
        "PCT-DENOMINATOR", "error", first, message, cohorts, location=join_locations(rows, cohorts), field=field
    )


def _nearest(values: range, target: int, k: int = 2) -> list[int]:
    """The k values of a range nearest to target (ties to the smaller), sorted; O(k)."""
    if not values:
        return []
    centre = min(max(target, values.start), values[-1])
    window = range(max(values.start, centre - k), min(values[-1], centre + k) + 1)
    return sorted(sorted(window, key=lambda v: (abs(v - target), v))[:k])


def _mismatch_message(row: Row) -> str:
    n, d, p, dec = row["n"], row["denominator"], row["value"], row["decimals"]
    exact = 100.0 * n / d
    text = (
        f'printed "{row["printed"]}": {n}/{d} = {fmt(exact, max(dec + 1, 2))}%, which rounds to '
        f"{fmt(round_half_up(exact, dec), dec)}"
    )
    counts = [k for k in _nearest(_count_range(d, p, dec), n) if k != n]
    dens = [k for k in _nearest(_denominator_range(n, p, dec, 2 * d + 10), d) if k != d]
    options = [f"{k}/{d}" for k in counts] + [f"{n}/{k}" for k in dens]
    if options:
        return f"{text} ({fmt(p, dec)}% would be {' or '.join(options)})"
    return f"{text} (no count out of {d} and no denominator near {d} for {n} gives {fmt(p, dec)}%)"


def _row_finding(row: Row, cohorts: CohortSet) -> Finding:
    if _is_slip(row):
        n, d, dec = row["n"], row["denominator"], row["decimals"]
        exact = 100.0 * n / d
        message = (
            f'printed "{row["printed"]}": {n}/{d} = {fmt(exact, dec + 2)}%, which rounds to '
            f"{fmt(round_half_up(exact, dec), dec)}; {fmt(row['value'], dec)} is one unit off in the last "
            "digit (truncation or double rounding)"
        )
        return make("PCT-ROUNDING", "info", row, message, cohorts)
    return make("PCT-MISMATCH", "error", row, _mismatch_message(row), cohorts)


def check_percentages(frame: list[Row] | pl.DataFrame, cohorts: CohortSet) -> Iterator[Finding]:
    """Check every printed percentage against its count and denominator.

    Parameters
    ----------
    frame : list of dict or polars.DataFrame
        The harmonized long frame: its rows (:func:`trialcompare.frame.rows`) or the DataFrame.
    cohorts : CohortSet
        The cohorts behind it.

    Yields
    ------
    Finding
        ``PCT-ROUNDING``, ``PCT-MISMATCH`` and ``PCT-DENOMINATOR`` findings (see the module table).
    """
    bad = [r for r in _candidates(frame) if not fits(100.0 * r["n"] / r["denominator"], r["value"], r["decimals"])]
    for cohort in dict.fromkeys(r["cohort"] for r in bad):
        groups, rest = _group_by_denominator([r for r in bad if r["cohort"] == cohort])
        for d, rows in groups.items():
            yield _denominator_finding(d, rows, cohorts)
        for row in rest:
            yield _row_finding(row, cohorts)
