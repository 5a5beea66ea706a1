"""Helpers shared by the check families: rows, field paths, locations, rounding tolerance, finding builders."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from .finding import Finding, Severity

if TYPE_CHECKING:
    import polars as pl

    from ..load import CohortSet

__all__ = [
    "EPS",
    "Row",
    "agree",
    "bound_decimals",
    "declared_n",
    "field_of",
    "fits",
    "fmt",
    "half_unit",
    "join_locations",
    "location_of",
    "make",
    "round_half_up",
    "rows_of",
]

Row = dict[str, Any]
EPS = 1e-9


def rows_of(frame: list[Row] | pl.DataFrame, **equal: Any) -> list[Row]:
    """Rows of the frame as dicts, optionally filtered on equal column values (``section="baseline"``).

    ``frame`` is the harmonized long frame as its rows (:func:`trialcompare.frame.rows`, what
    :func:`trialcompare.checks.check` passes: ``validate`` never imports polars) or as a polars DataFrame
    (:func:`trialcompare.frame.to_frame`). Filters keep polars' meaning: a null equals nothing.

    Examples
    --------
    >>> rows = [{"section": "baseline", "n": 3}, {"section": "outcome", "n": None}]
    >>> rows_of(rows, section="baseline"), rows_of(rows, n=None)
    ([{'section': 'baseline', 'n': 3}], [])
    """
    rows = frame if isinstance(frame, list) else frame.to_dicts()
    if equal:
        rows = [r for r in rows if all(r[k] is not None and r[k] == v for k, v in equal.items())]
    return rows


def half_unit(decimals: int | None) -> float:
    """Half a unit of the last printed digit plus a tiny epsilon (0 decimals → 0.5)."""
    return 0.5 * 10.0 ** (-(decimals or 0)) + EPS


def fits(exact: float, printed: float, decimals: int | None) -> bool:
    """Whether an exact value rounds to ``printed`` at ``decimals`` (a value on the boundary counts)."""
    return abs(exact - printed) <= half_unit(decimals) * (1 + 1e-9)


def agree(a: float, da: int | None, b: float, db: int | None) -> bool:
    """Whether two printed numbers agree once the finer is rounded to the coarser's decimals (3.47 vs 3.5)."""
    coarse = min(da if da is not None else 12, db if db is not None else 12)
    return abs(a - b) <= half_unit(coarse) * (1 + 1e-9)


def round_half_up(x: float, decimals: int) -> float:
    """Round half away from zero at ``decimals`` (how tables are usually rounded)."""
    scale = 10.0**decimals
    return math.floor(abs(x) * scale + 0.5 + EPS) / scale * (1 if x >= 0 else -1)


def fmt(x: float, decimals: int | None = 2) -> str:
    """A number with ``decimals`` digits (no trailing-zero trimming)."""
    return f"{x:.{decimals or 0}f}"


_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def bound_decimals(printed: str | None) -> int | None:
    """Decimals of the interval bounds in a printed text: those of its last two numbers (the larger)."""
    numbers = _NUMBER.findall(printed or "")
    if len(numbers) < 2:
        return None
    return max(len(n.split(".", 1)[1]) if "." in n else 0 for n in numbers[-2:])


def _when(row: Row) -> str:
    """The time point of a row as printed, in its unit (``6m``, ``12w``): never a fraction of a month."""
    from ..outcomes import row_time_suffix

    return row_time_suffix(row) or ""


def field_of(row: Row) -> str:
    """Field path of a frame row: ``baseline.ecog.0``, ``outcome.best_response.PR``, ``endpoint.EFS.median``,
    ``endpoint.EFS.rate.6m``, ``rate.ORR``, ``rate.CBR.6m``, ``rate.ORR.12w`` (a time point in its printed unit),
    ``baseline.age.mean``, ``population.n.enrolled``."""
    section, variable = row["section"], row["variable"]
    if section in ("baseline", "outcome") and row["statistic"] == "count":
        parts = [section, variable, row["level"]]
    elif section == "rate":
        parts = [section, variable, _when(row)]
    elif section == "endpoint":
        parts = [section, variable, row["statistic"], _when(row)]
    else:
        parts = [section, variable, row["statistic"] if section != "population" else row["level"]]
    return ".".join(str(p) for p in parts if p not in (None, ""))


def location_of(row: Row, cohorts: CohortSet | None = None) -> str:
    """Where a row was read: its ``at``, followed by ``[source]`` when not the cohort's default source."""
    at = row.get("location") or "?"
    source = row.get("source")
    if cohorts is not None and row["cohort"] in cohorts and source not in (None, _default(cohorts, row["cohort"])):
        return f"{at} [{source}]"
    return at


def _default(cohorts: CohortSet, cohort: str) -> str:
    return cohorts[cohort].descriptor.default_source


def join_locations(rows: Iterable[Row], cohorts: CohortSet | None = None) -> str:
    """Distinct locations of several rows, in order, joined by ``"; "``."""
    seen: list[str] = []
    for r in rows:
        loc = location_of(r, cohorts)
        if loc not in seen:
            seen.append(loc)
    return "; ".join(seen)


def declared_n(cohorts: CohortSet, cohort: str) -> int | None:
    """The cohort's population N (what the comparison table prints), or None when unknown."""
    return cohorts[cohort].descriptor.population.n if cohort in cohorts else None


def make(
    code: str,
    severity: Severity,
    row: Row,
    message: str,
    cohorts: CohortSet | None = None,
    *,
    location: str | None = None,
    field: str | None = None,
    cohort: str | None = None,
) -> Finding:
    """Build a :class:`Finding` from a frame row (cohort, field, location, file, line and column come from it)."""
    return Finding(
        code=code,
        severity=severity,
        cohort=cohort or row["cohort"],
        field=field or field_of(row),
        message=message,
        location=location or location_of(row, cohorts),
        file=row.get("file"),
        line=row.get("line"),
        column=row.get("column"),
    )
