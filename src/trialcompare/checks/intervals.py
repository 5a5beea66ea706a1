"""Family 3: intervals — order, the estimate inside, a mean's t-interval, a proportion's CI method.

A proportion's confidence interval is recomputed by the methods of
:func:`trialcompare.stats.reproduce.which_ci_method` (Clopper-Pearson, Wilson, Wald, ...) only when the count is
known: printed with it, or derivable as the single count out of the denominator whose percentage rounds to the
printed one. Kaplan-Meier rates are not binomial and are skipped.

=================  ========  ==================================================================================
code               severity  meaning
=================  ========  ==================================================================================
INT-ORDER          error     the lower bound is above the upper bound
INT-OUTSIDE        error     the estimate lies outside its own interval
INT-MEAN-CI        warning   mean ± SD with a 95% CI that no t-interval with the cohort's n reproduces
INT-CI-METHOD      info      the proportion's CI is reproduced by a named method (says which the authors used)
INT-CI-UNMATCHED   warning   no standard method reproduces the proportion's CI (info for an endpoint rate whose
                             estimator is unspecified: it may be a Kaplan-Meier estimate)
=================  ========  ==================================================================================
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..options import interval_level
from ._common import Row, bound_decimals, declared_n, fmt, half_unit, make, rows_of
from .finding import Finding

if TYPE_CHECKING:
    import polars as pl

    from ..load import CohortSet

__all__ = ["CODES", "check_intervals"]

CODES = {
    "INT-ORDER": "interval lower bound above its upper bound",
    "INT-OUTSIDE": "estimate outside its own interval",
    "INT-MEAN-CI": "mean ± SD and its 95% CI inconsistent with n (t-interval)",
    "INT-CI-METHOD": "a proportion's CI reproduced by a named method",
    "INT-CI-UNMATCHED": "no standard method reproduces a proportion's CI",
}

_NAMES = {
    "exact": "Clopper-Pearson",
    "wilson": "Wilson",
    "wald": "Wald",
    "agresti-coull": "Agresti-Coull",
    "jeffreys": "Jeffreys",
}


def _order(row: Row, cohorts: CohortSet) -> Iterator[Finding]:
    lo, hi, v = row["lower"], row["upper"], row["value"]
    if lo is not None and hi is not None and lo > hi:
        yield make(
            "INT-ORDER", "error", row, f'printed "{row["printed"]}": lower bound {lo:g} > upper bound {hi:g}', cohorts
        )
        return
    if v is None or row["bound"] is not None:
        return
    if (lo is not None and v < lo) or (hi is not None and v > hi):
        shown = f"({'NR' if lo is None else f'{lo:g}'}, {'NR' if hi is None else f'{hi:g}'})"
        yield make(
            "INT-OUTSIDE",
            "error",
            row,
            f'printed "{row["printed"]}": the estimate {v:g} lies outside its interval {shown}',
            cohorts,
        )


_MAX_NS = 20_000


def _consistent_ns(mean: Row, sd: Row, dec: int, n: int) -> list[int]:
    """Sample sizes whose t-interval reproduces the printed CI. The half-width t·sd/√n falls with n and
    z ≤ t(n − 1) ≤ t(first − 1) for n ≥ first, so only n between first = (z·sd_min/h_max)² and
    (t(first − 1)·sd_max/h_min)² can fit: bounded by the printed numbers, never a loop over N (at most _MAX_NS
    candidates)."""
    from ..stats._special import stdtrit

    hb = half_unit(dec)
    h_lo, h_hi = (mean["upper"] - mean["lower"]) / 2 - hb, (mean["upper"] - mean["lower"]) / 2 + hb
    s_lo, s_hi = max(sd["value"] - half_unit(sd["decimals"]), 0.0), sd["value"] + half_unit(sd["decimals"])
    first = max(2, math.floor((1.959964 * s_lo / h_hi) ** 2) - 1) if h_hi > 0 else 2
    last = math.ceil((stdtrit(first - 1, 0.975) * s_hi / h_lo) ** 2) + 1 if h_lo > 0 else first + _MAX_NS
    last = min(last, first + _MAX_NS, 10 * n + 20)
    return [k for k in range(first, last + 1) if _fits(mean, sd, k, dec)]


def _fits(mean: Row, sd: Row, n: int, dec: int) -> bool:
    """Whether the printed mean ± SD and its 95% CI can all hold with sample size ``n`` (t-interval)."""
    from ..stats.reproduce import mean_ci_consistent

    return mean_ci_consistent(mean["value"], sd["value"], n, mean["lower"], mean["upper"], dec,
                              mean_decimals=mean["decimals"], sd_decimals=sd["decimals"])


def _span(ns: list[int]) -> str:
    if not ns:
        return "no sample size reproduces it"
    if len(ns) == 1:
        return f"only n = {ns[0]} reproduces it"
    if ns[-1] - ns[0] + 1 == len(ns):
        return f"n from {ns[0]} to {ns[-1]} would reproduce it"
    return f"n in {', '.join(map(str, ns[:6]))}{'...' if len(ns) > 6 else ''} would reproduce it"


def _mean_ci(mean: Row, sd: Row, cohorts: CohortSet) -> Iterator[Finding]:
    from ..stats.reproduce import mean_ci_t

    n = mean["n"] or declared_n(cohorts, mean["cohort"])
    dec = bound_decimals(mean["printed"])
    if n is None or n < 2 or dec is None:
        return
    if _fits(mean, sd, n, dec):
        return
    lo, hi = mean_ci_t(mean["value"], sd["value"], n)
    message = (
        f'printed "{mean["printed"]}": with n={n} the t-based 95% CI is ({fmt(lo, dec + 2)}, '
        f"{fmt(hi, dec + 2)}), which rounds to ({fmt(lo, dec)}, {fmt(hi, dec)}), not "
        f"({fmt(mean['lower'], dec)}, {fmt(mean['upper'], dec)}), even allowing for the rounding of mean and "
        f"SD; {_span(_consistent_ns(mean, sd, dec, n))}"
    )
    yield make("INT-MEAN-CI", "warning", mean, message, cohorts, field=f"baseline.{mean['variable']}.mean")


def _count_of(row: Row, cohorts: CohortSet) -> tuple[int, int] | None:
    d = row["denominator"] or declared_n(cohorts, row["cohort"])
    if not d or row["value"] is None or row["decimals"] is None:
        return None
    from .percentages import fitting_counts

    ks = fitting_counts(d, row["value"], row["decimals"])
    return (ks[0], d) if len(ks) == 1 else None


def _ci_method(row: Row, cohorts: CohortSet) -> Iterator[Finding]:
    from ..stats.reproduce import CI_METHODS, interval, which_ci_method

    level = interval_level(row["interval_type"])
    dec = bound_decimals(row["printed"])
    known = _count_of(row, cohorts)
    if level is None or dec is None or known is None or row["lower"] is None or row["upper"] is None:
        return
    k, d = known
    methods = which_ci_method(k, d, row["lower"], row["upper"], dec, level=level)
    head = f'printed "{row["printed"]}" ({k}/{d})'
    if methods:
        names = ", ".join(_NAMES[m] for m in methods)
        yield make(
            "INT-CI-METHOD", "info", row, f"{head}: the {row['interval_type']} is reproduced by {names}", cohorts
        )
        return
    shown = "; ".join(
        f"{_NAMES[m]} ({fmt(100 * lo, dec)}, {fmt(100 * hi, dec)})"
        for m in CI_METHODS
        for lo, hi in [interval(k, d, method=m, level=level)]
    )
    unspecified = row["section"] == "endpoint" and row["estimator"] == "unspecified"
    extra = " (the estimator is unspecified: it may be a Kaplan-Meier estimate)" if unspecified else ""
    yield make(
        "INT-CI-UNMATCHED",
        "info" if unspecified else "warning",
        row,
        f"{head}: no method reproduces ({fmt(row['lower'], dec)}, {fmt(row['upper'], dec)}): {shown}{extra}",
        cohorts,
    )


def _is_proportion(row: Row) -> bool:
    if row["estimator"] == "kaplan-meier" or row["bound"] is not None:
        return False
    return (row["section"] == "rate") or (row["section"] == "endpoint" and row["statistic"] == "rate")


def check_intervals(frame: list[Row] | pl.DataFrame, cohorts: CohortSet) -> Iterator[Finding]:
    """Check every printed interval.

    Parameters
    ----------
    frame : list of dict or polars.DataFrame
        The harmonized long frame: its rows (:func:`trialcompare.frame.rows`) or the DataFrame.
    cohorts : CohortSet
        The cohorts behind it.

    Yields
    ------
    Finding
        ``INT-*`` findings (see the module table).
    """
    table = rows_of(frame)
    rows = [r for r in table if r["lower"] is not None or r["upper"] is not None or r["lower_nr"] or r["upper_nr"]]
    sds = {(r["cohort"], r["file"], r["line"], r["column"]): r for r in rows_of(table, statistic="sd")}
    for row in rows:
        yield from _order(row, cohorts)
        if row["statistic"] == "mean" and row["interval_type"] == "95% CI" and row["lower"] is not None:
            sd = sds.get((row["cohort"], row["file"], row["line"], row["column"]))
            if sd is not None:
                yield from _mean_ci(row, sd, cohorts)
        elif _is_proportion(row):
            yield from _ci_method(row, cohorts)
