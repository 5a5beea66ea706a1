"""Family 2: the levels of one categorical variable at one location against their denominator.

Levels are grouped by cohort, section, variable, location and source. A union level (``"1|2"``) counts as
its parts when they are not reported beside it. The sum is only required to equal the denominator when every
level of the vocabulary is reported (a level a cohort did not print is missing, not zero).

========================  ========  ===========================================================================
code                      severity  meaning
========================  ========  ===========================================================================
CAT-SUM                   error     the levels sum to more than their denominator, or (all levels reported) to
                                    fewer; not repeated for a single count (CAT-COUNT-ABOVE-N says it) nor when the
                                    printed percentages imply the sum as denominator (PCT-DENOMINATOR says it)
CAT-LEVELS-MISSING        info      some levels were not reported and the reported ones sum to less than the
                                    denominator
CAT-COUNT-ABOVE-N         error     a count above the cohort's declared N
CAT-COUNT-ABOVE-DENOM     error     a count above the denominator declared for its entry
CAT-DENOM-ABOVE-N         warning   a printed or declared denominator above the cohort's declared N
CAT-UNION                 error     a union level (``"1|2"``) differs from the sum of its parts at another
                                    location
========================  ========  ===========================================================================
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..descriptor.vocabulary import VARIABLES
from ._common import Row, declared_n, fits, join_locations, location_of, make, rows_of
from .finding import Finding

if TYPE_CHECKING:
    import polars as pl

    from ..load import CohortSet

__all__ = ["CODES", "check_categories"]

CODES = {
    "CAT-SUM": "levels of a variable at one location do not sum to their denominator",
    "CAT-LEVELS-MISSING": "levels not reported; the reported ones sum to less than the denominator",
    "CAT-COUNT-ABOVE-N": "a count above the cohort's declared N",
    "CAT-COUNT-ABOVE-DENOM": "a count above the denominator declared for its entry",
    "CAT-DENOM-ABOVE-N": "a denominator above the cohort's declared N",
    "CAT-UNION": "a union level differs from the sum of its parts at another location",
}

Key = tuple[str, str, str, str, str]


def _groups(frame: list[Row] | pl.DataFrame) -> dict[Key, list[Row]]:
    rows = [r for r in rows_of(frame) if r["section"] in ("baseline", "outcome") and r["statistic"] == "count"]
    groups: dict[Key, list[Row]] = defaultdict(list)
    for r in rows:
        groups[(r["cohort"], r["section"], r["variable"], r["location"], r["source"])].append(r)
    return groups


def _used(rows: list[Row]) -> tuple[list[Row], set[str]]:
    """Rows whose counts add up without double counting, and the atomic levels they cover."""
    used = [r for r in rows if "|" not in r["level"]]
    covered = {r["level"] for r in used}
    for r in rows:
        parts = set(r["level"].split("|"))
        if len(parts) > 1 and not parts & covered:
            used.append(r)
            covered |= parts
    return used, covered


def _listing(rows: list[Row]) -> str:
    return ", ".join(f'{r["level"]} "{r["printed"]}"' for r in rows)


def _percentages_fit(rows: list[Row], denominator: int) -> bool:
    """Every printed percentage fits ``denominator`` (then PCT-DENOMINATOR names it), and one at least is printed."""
    printed = [r for r in rows if r["value"] is not None and r["decimals"] is not None]
    return bool(printed) and all(fits(100.0 * r["n"] / denominator, r["value"], r["decimals"]) for r in printed)


def _sum_finding(rows: list[Row], cohorts: CohortSet) -> Finding | None:
    used, covered = _used(rows)
    counts = Counter(r["denominator"] for r in used)
    d = counts.most_common(1)[0][0]
    total = sum(r["n"] for r in used)
    levels = VARIABLES[rows[0]["variable"]].levels
    missing = [lv for lv in levels if lv not in covered]
    field = f"{rows[0]['section']}.{rows[0]['variable']}"
    head = f"{_listing(used)} sum to {total}"
    if total > d and (len(used) == 1 or _percentages_fit(used, total)):
        return None  # a single count above N, or percentages that imply the denominator `total`: said elsewhere
    if total > d:
        return make("CAT-SUM", "error", used[0], f"{head}, more than the denominator {d}", cohorts, field=field)
    if total < d and not missing:
        return make(
            "CAT-SUM",
            "error",
            used[0],
            f"{head}, fewer than the denominator {d} ({d - total} unaccounted)",
            cohorts,
            field=field,
        )
    if total < d and len(used) >= 2:
        message = (
            f"{head} of {d}; levels missing: {', '.join(missing)} ({d - total} patients not accounted for "
            "at this location)"
        )
        return make("CAT-LEVELS-MISSING", "info", used[0], message, cohorts, field=field)
    return None


def _count_findings(row: Row, cohorts: CohortSet) -> Iterator[Finding]:
    n, d, origin = row["n"], row["denominator"], row["denominator_origin"]
    if origin == "declared_n" and n > d:
        yield make(
            "CAT-COUNT-ABOVE-N",
            "error",
            row,
            f'printed "{row["printed"]}": the count {n} exceeds the declared N={d}',
            cohorts,
        )
    elif origin == "entry" and n > d:
        yield make(
            "CAT-COUNT-ABOVE-DENOM",
            "error",
            row,
            f'printed "{row["printed"]}": the count {n} exceeds the entry\'s denominator {d}',
            cohorts,
        )


def _denominator_above_n(rows: list[Row], cohorts: CohortSet) -> Iterator[Finding]:
    """One warning per group whose printed or entry denominators exceed the declared N."""
    big_n = declared_n(cohorts, rows[0]["cohort"])
    above = [
        r for r in rows if r["denominator_origin"] != "declared_n" and big_n is not None and r["denominator"] > big_n
    ]
    if above:
        dens = "/".join(str(d) for d in dict.fromkeys(r["denominator"] for r in above))
        message = f"{_listing(above)}: the denominator {dens} exceeds the declared N={big_n}"
        yield make(
            "CAT-DENOM-ABOVE-N",
            "warning",
            above[0],
            message,
            cohorts,
            field=f"{above[0]['section']}.{above[0]['variable']}",
        )


def _union_findings(groups: dict[Key, list[Row]], cohorts: CohortSet) -> Iterator[Finding]:
    by_variable: dict[tuple[str, str, str], list[list[Row]]] = defaultdict(list)
    for key, rows in groups.items():
        by_variable[key[:3]].append(rows)
    for sets in by_variable.values():
        for rows in sets:
            for union in (r for r in rows if "|" in r["level"]):
                yield from _union_against(union, sets, cohorts)


def _union_against(union: Row, sets: list[list[Row]], cohorts: CohortSet) -> Iterator[Finding]:
    """One finding per union row, naming every location whose parts sum to another count."""
    parts = union["level"].split("|")
    wrong, places = [], [union]
    for other in sets:
        by_level = {r["level"]: r for r in other}
        if all(p in by_level for p in parts):
            total = sum(by_level[p]["n"] for p in parts)
            if total != union["n"]:
                shown = " + ".join(f"{p}: {by_level[p]['n']}" for p in parts)
                wrong.append(f"{location_of(by_level[parts[0]], cohorts)} gives {shown} = {total}")
                places.append(by_level[parts[0]])
    if wrong:
        message = (
            f'printed "{union["printed"]}" for {union["variable"]} {union["level"]} at '
            f"{location_of(union, cohorts)}, but {'; '.join(wrong)}"
        )
        yield make("CAT-UNION", "error", union, message, cohorts, location=join_locations(places, cohorts))


def check_categories(frame: list[Row] | pl.DataFrame, cohorts: CohortSet) -> Iterator[Finding]:
    """Check categorical counts: sums against denominators, counts against N, union levels against parts.

    Parameters
    ----------
    frame : list of dict or polars.DataFrame
        The harmonized long frame: its rows (:func:`trialcompare.frame.rows`) or the DataFrame.
    cohorts : CohortSet
        The cohorts behind it.

    Yields
    ------
    Finding
        ``CAT-*`` findings (see the module table).
    """
    groups = _groups(frame)
    for rows in groups.values():
        for row in rows:
            yield from _count_findings(row, cohorts)
        yield from _denominator_above_n(rows, cohorts)
        found = _sum_finding(rows, cohorts)
        if found is not None:
            yield found
    yield from _union_findings(groups, cohorts)
