"""Family 5: the same quantity reported differently at two locations (or in two sources).

A quantity is (cohort, section, variable, level, statistic, time point); a rate printed as ``"21/33 (63.6%)"`` and
one printed as ``"63.6%"`` are the same quantity. Numbers that agree once the finer is rounded to the coarser's
decimals agree (4.5 and 4.50; 3.5 and 3.47). Landmark rates of different estimators (Kaplan-Meier, binomial) are
different quantities; an unspecified estimator is compared with the one it matches. Each quantity yields at most
one finding per code, listing every version with its locations.

======================  ========  ==============================================================================
code                    severity  meaning
======================  ========  ==============================================================================
CONFLICT-VALUE          error     the value (or count) differs between locations
CONFLICT-INTERVAL       error     the interval bounds of the same interval type differ between locations
CONFLICT-INTERVAL-TYPE  error     the same interval numbers (up to a last-digit slip) are labelled with different
                                  types (IQR vs 95% CI)
CONFLICT-DENOMINATOR    warning   the same count is printed against different denominators
======================  ========  ==============================================================================
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import TYPE_CHECKING

from ._common import Row, agree, bound_decimals, fmt, join_locations, make, rows_of
from .finding import Finding

if TYPE_CHECKING:
    import polars as pl

    from ..load import CohortSet

__all__ = ["CODES", "check_conflicts"]

CODES = {
    "CONFLICT-VALUE": "the same quantity printed with different values at two locations",
    "CONFLICT-INTERVAL": "the same quantity printed with different interval bounds (same interval type)",
    "CONFLICT-INTERVAL-TYPE": "the same interval numbers labelled with different interval types",
    "CONFLICT-DENOMINATOR": "the same count printed against different denominators",
}

_COUNT_STATS = {"count", "events", "censored", "n_analysed", "n"}


def _is_rate(r: Row) -> bool:
    return r["section"] == "rate" or (r["section"] == "endpoint" and r["statistic"] == "rate")


def _prepare(r: Row) -> Row | None:
    """Normalise a row into a comparable version, or None when it is not a reported quantity."""
    if r["statistic"] == "declared_n":
        return None
    v = dict(r)
    if _is_rate(r):
        v["kind"] = "value"
        if r["value"] is None and r["n"] is not None and r["denominator"]:
            v["value"], v["decimals"] = 100.0 * r["n"] / r["denominator"], None
        v["statistic"] = "rate"
    else:
        v["kind"] = "count" if r["statistic"] in _COUNT_STATS else "value"
    v["bdec"] = bound_decimals(r["printed"]) if (r["lower"] is not None or r["upper"] is not None) else None
    return v


def _same_value(a: Row, b: Row) -> bool:
    if a["kind"] == "count":
        return a["n"] == b["n"]
    if a["value"] is None or b["value"] is None:
        return a["value"] is None and b["value"] is None
    if a["bound"] or b["bound"]:
        return _bound_agrees(a, b) and _bound_agrees(b, a)
    return agree(a["value"], a["decimals"], b["value"], b["decimals"])


def _bound_agrees(a: Row, b: Row) -> bool:
    """A printed bound ("<10%") agrees with any value on its side."""
    op = a["bound"]
    if not op or b["bound"]:
        return True
    if op in ("<", "≤", "<="):
        return b["value"] <= a["value"]
    return b["value"] >= a["value"]


def _side_agrees(x: float | None, x_nr: bool, y: float | None, y_nr: bool, da: int | None, db: int | None) -> bool:
    if x is None or y is None:
        return x is None and y is None and x_nr == y_nr
    return agree(x, da, y, db)


def _same_bounds(a: Row, b: Row) -> bool:
    return _side_agrees(a["lower"], a["lower_nr"], b["lower"], b["lower_nr"], a["bdec"], b["bdec"]) and _side_agrees(
        a["upper"], a["upper_nr"], b["upper"], b["upper_nr"], a["bdec"], b["bdec"]
    )


def _clusters(versions: list[Row], same: Callable[[Row, Row], bool]) -> list[list[Row]]:
    clusters: list[list[Row]] = []
    for v in versions:
        home = next((c for c in clusters if same(c[0], v)), None)
        if home is None:
            clusters.append([v])
        else:
            home.append(v)
    return clusters


def _listing(clusters: list[list[Row]], cohorts: CohortSet) -> str:
    return "; ".join(f'"{c[0]["printed"]}" ({join_locations(c, cohorts)})' for c in clusters)


def _has_interval(v: Row) -> bool:
    return v["lower"] is not None or v["upper"] is not None or v["lower_nr"] or v["upper_nr"]


def _bounds_text(v: Row) -> str:
    def side(x: float | None, nr: bool) -> str:
        return "NR" if x is None else fmt(x, v["bdec"])

    return f"({side(v['lower'], v['lower_nr'])}, {side(v['upper'], v['upper_nr'])})"


def _near_bounds(a: Row, b: Row) -> bool:
    """Bounds equal up to one unit of the coarser last digit (8.0 vs 7.97, 19.0 vs 18.93)."""

    def near(x: float | None, y: float | None) -> bool:
        if x is None or y is None:
            return x is None and y is None
        coarse = min(a["bdec"] if a["bdec"] is not None else 12, b["bdec"] if b["bdec"] is not None else 12)
        return abs(x - y) <= 1.5 * 10.0 ** (-coarse) + 1e-9

    return near(a["lower"], b["lower"]) and near(a["upper"], b["upper"])


def _type_findings(with_interval: list[Row], cohorts: CohortSet) -> Iterator[Finding]:
    everything = join_locations(with_interval, cohorts)
    for cluster in _clusters(with_interval, _near_bounds):
        types: dict[str, list[Row]] = defaultdict(list)
        for v in cluster:
            if v["interval_type"]:
                types[v["interval_type"]].append(v)
        if len(types) < 2:
            continue
        exact = all(_same_bounds(cluster[0], v) for v in cluster)
        said = " and ".join(f"{t} {_bounds_text(vs[0])} in {join_locations(vs, cohorts)}" for t, vs in types.items())
        numbers = "the same numbers" if exact else "the same numbers up to a last-digit slip"
        yield make(
            "CONFLICT-INTERVAL-TYPE",
            "error",
            cluster[0],
            f"{numbers} are labelled {said}",
            cohorts,
            location=everything,
        )


def _interval_findings(versions: list[Row], cohorts: CohortSet) -> Iterator[Finding]:
    with_interval = [v for v in versions if _has_interval(v)]
    yield from _type_findings(with_interval, cohorts)
    bounds = _clusters(with_interval, _same_bounds)
    for itype in dict.fromkeys(v["interval_type"] for v in with_interval):
        differing = [[v for v in c if v["interval_type"] == itype] for c in bounds]
        differing = [c for c in differing if c]
        if len(differing) > 1:
            label = itype or "unlabelled interval"
            yield make(
                "CONFLICT-INTERVAL",
                "error",
                differing[0][0],
                f"{label} printed differently: {_listing(differing, cohorts)}",
                cohorts,
                location=join_locations([v for c in differing for v in c], cohorts),
            )


def _denominator_findings(versions: list[Row], cohorts: CohortSet) -> Iterator[Finding]:
    dens = _clusters(
        [v for v in versions if v["denominator"] is not None], lambda a, b: a["denominator"] == b["denominator"]
    )
    if len(dens) > 1:
        said = "; ".join(f'{c[0]["denominator"]} for "{c[0]["printed"]}" ({join_locations(c, cohorts)})' for c in dens)
        yield make(
            "CONFLICT-DENOMINATOR",
            "warning",
            dens[0][0],
            f"the count {dens[0][0]['n']} is read against different denominators: {said}",
            cohorts,
            location=join_locations([v for c in dens for v in c], cohorts),
        )


def _quantity_findings(versions: list[Row], cohorts: CohortSet) -> Iterator[Finding]:
    values = _clusters(versions, _same_value)
    if len(values) > 1:
        level = versions[0]["level"]
        said = f"{level} " if versions[0]["kind"] == "count" and level is not None else ""
        yield make(
            "CONFLICT-VALUE",
            "error",
            values[0][0],
            f"{said}reported differently: {_listing(values, cohorts)}",
            cohorts,
            location=join_locations(versions, cohorts),
        )
    for cluster in values:
        if len(cluster) < 2:
            continue
        if cluster[0]["kind"] == "count":
            yield from _denominator_findings(cluster, cohorts)
        else:
            yield from _interval_findings(cluster, cohorts)


def _by_estimator(versions: list[Row]) -> list[list[Row]]:
    """Split landmark rates by estimator; an unspecified one joins the explicit estimator it agrees with."""
    explicit: dict[str, list[Row]] = defaultdict(list)
    for v in versions:
        if v["estimator"] not in (None, "unspecified"):
            explicit[v["estimator"]].append(v)
    if not explicit:
        return [versions]
    loose = []
    for v in (v for v in versions if v["estimator"] in (None, "unspecified")):
        homes = [vs for vs in explicit.values() if any(_same_value(v, w) for w in vs)]
        if not homes and len(explicit) == 1:
            homes = list(explicit.values())
        for home in homes:
            home.append(v)
        if not homes:
            loose.append(v)
    return [*explicit.values(), *([loose] if loose else [])]


def check_conflicts(frame: list[Row] | pl.DataFrame, cohorts: CohortSet) -> Iterator[Finding]:
    """Find quantities reported differently at two locations or in two sources.

    Parameters
    ----------
    frame : list of dict or polars.DataFrame
        The harmonized long frame: its rows (:func:`trialcompare.frame.rows`) or the DataFrame.
    cohorts : CohortSet
        The cohorts behind it.

    Yields
    ------
    Finding
        ``CONFLICT-*`` findings (see the module table).
    """
    quantities: dict[tuple, list[Row]] = defaultdict(list)
    for r in rows_of(frame):
        v = _prepare(r)
        if v is not None:
            key = (v["cohort"], v["section"], v["variable"], v["level"], v["statistic"], v["time_months"])
            quantities[key].append(v)
    found: list[Finding] = []
    for versions in quantities.values():
        groups = _by_estimator(versions) if versions[0]["statistic"] == "rate" else [versions]
        found.extend(f for group in groups if len(group) > 1 for f in _quantity_findings(group, cohorts))
    yield from _merge_levels(found)


def _merge_levels(found: list[Finding]) -> Iterator[Finding]:
    """Merge CONFLICT-VALUE findings of several levels of one categorical variable between the same locations."""
    merged: dict[tuple, list[Finding]] = defaultdict(list)
    for f in found:
        section = f.field.split(".", 1)[0]
        if f.code == "CONFLICT-VALUE" and section in ("baseline", "outcome"):
            merged[(f.cohort, f.field.rsplit(".", 1)[0], f.location)].append(f)
        else:
            yield f
    for (_, field, _), fs in merged.items():
        if len(fs) == 1:
            yield fs[0]
        else:
            levels = "; ".join(f.message.replace(" reported differently:", ":") for f in fs)
            yield replace(fs[0], field=field, message=f"{len(fs)} levels reported differently: {levels}")
