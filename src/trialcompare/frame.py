"""CohortSet → the harmonized long frame: one row per reported statistic.

Columns (see :data:`SCHEMA`): ``cohort, section, variable, level, statistic, n, denominator, value, lower,
upper, interval_type, time_months, printed, source, location, label, decimals, bound, lower_nr, upper_nr,
unit, estimator, denominator_origin, file, line, column, corrected_n, corrected_denominator,
corrected_value, erratum``.

* ``section`` is one of ``population, design, baseline, outcome, rate, endpoint``.
* For counts: ``statistic = "count"``, ``n`` the count, ``denominator`` the denominator it is read
  against, ``value`` the printed percentage (null when none was printed), ``decimals`` its decimals.
  ``denominator_origin`` says where the denominator came from: ``printed`` (``"13/33"``), ``entry`` (the
  entry's ``denominator``) or ``declared_n`` (the cohort's population N).
* For estimates: ``value`` the estimate, ``lower``/``upper`` the interval and ``interval_type`` its type;
  ``bound`` is ``"<"`` etc. when only a bound was printed; ``lower_nr``/``upper_nr`` flag "not reached".
* Nothing is corrected in place: errata fill the ``corrected_*`` columns of the rows they target.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import polars as pl

from .descriptor.models import Categorical, Continuous, Descriptor, Erratum
from .descriptor.printed import parse_count, parse_estimate, parse_mean_sd

if TYPE_CHECKING:
    from .load import Cohort, CohortSet

__all__ = ["SCHEMA", "months", "to_frame"]

SCHEMA: dict[str, Any] = {
    "cohort": pl.String, "section": pl.String, "variable": pl.String, "level": pl.String,
    "statistic": pl.String, "n": pl.Int64, "denominator": pl.Int64, "value": pl.Float64,
    "lower": pl.Float64, "upper": pl.Float64, "interval_type": pl.String, "time_months": pl.Float64,
    "printed": pl.String, "source": pl.String, "location": pl.String, "label": pl.String,
    "decimals": pl.Int64, "bound": pl.String, "lower_nr": pl.Boolean, "upper_nr": pl.Boolean,
    "unit": pl.String, "estimator": pl.String, "denominator_origin": pl.String,
    "file": pl.String, "line": pl.Int64, "column": pl.Int64,
    "corrected_n": pl.Int64, "corrected_denominator": pl.Int64, "corrected_value": pl.Float64,
    "erratum": pl.String,
}

_MONTHS_PER = {"months": 1.0, "weeks": 12 / 52.1775, "days": 12 / 365.25, "years": 12.0}


class _Rows:
    """Collects rows for one cohort, filling the shared columns."""

    def __init__(self, cohort: Cohort) -> None:
        self.cohort = cohort
        self.desc: Descriptor = cohort.descriptor
        self.rows: list[dict[str, Any]] = []

    def add(self, path: tuple, entry: Any, **cols: Any) -> None:
        line, column = self.cohort.position(path)
        row = dict.fromkeys(SCHEMA)
        row.update(
            cohort=self.desc.id, file=str(self.cohort.path), line=line, column=column,
            location=getattr(entry, "at", None), label=getattr(entry, "label", None),
            source=getattr(entry, "source", None) or self.desc.default_source,
            lower_nr=False, upper_nr=False,
        )
        row.update(cols)
        self.rows.append(row)

    def count(self, path: tuple, entry: Any, printed: Any, denominator: int | None, **cols: Any) -> None:
        c = parse_count(printed)
        if c.denominator is not None:
            den, origin = c.denominator, "printed"
        elif denominator is not None:
            den, origin = denominator, "entry"
        else:
            den, origin = self.desc.population.n, "declared_n"
        self.add(path, entry, statistic="count", n=c.n, denominator=den, value=c.percent, lower=c.lower,
                 upper=c.upper, decimals=c.percent_decimals, printed=str(printed), denominator_origin=origin, **cols)

    def estimate(self, path: tuple, entry: Any, printed: Any, **cols: Any) -> None:
        e = parse_estimate(printed)
        self.add(path, entry, value=e.value, lower=e.lower, upper=e.upper, decimals=e.decimals,
                 bound=e.bound, lower_nr=e.lower_nr, upper_nr=e.upper_nr, printed=str(printed), **cols)


def _population(r: _Rows) -> None:
    pop = r.desc.population
    r.add(("population", "n"), pop, section="population", variable="n", level=pop.n_refers_to,
          statistic="declared_n", n=pop.n, value=float(pop.n), printed=pop.printed or str(pop.n))
    for i, rep in enumerate(pop.reports):
        r.add(("population", "reports", i), rep, section="population", variable="n", level=rep.set,
              statistic="n", n=rep.n, value=float(rep.n), printed=str(rep.n))


def _design(r: _Rows) -> None:
    for i, fu in enumerate(r.desc.design.follow_up):
        r.estimate(("design", "follow_up", i), fu, fu.value, section="design", variable="follow_up",
                   statistic="median", interval_type=fu.interval, unit=fu.unit)


def _categorical(r: _Rows, section: str, key: str, i: int, entry: Categorical) -> None:
    for level, printed in entry.levels.items():
        label = " / ".join(x for x in (entry.label, entry.level_labels.get(level)) if x) or None
        r.count((key, i, "levels", level), entry, printed, entry.denominator,
                section=section, variable=entry.variable, level=level, label=label)


_CONTINUOUS_STAT = {
    "mean_ci": ("mean", "95% CI"), "median": ("median", None), "median_iqr": ("median", "IQR"),
    "median_range": ("median", "range"), "median_ci": ("median", "95% CI"),
}


def _continuous(r: _Rows, i: int, entry: Continuous) -> None:
    path = ("baseline", i, "value")
    common = {"section": "baseline", "variable": entry.variable, "n": entry.n, "printed": str(entry.value)}
    if entry.kind.startswith("mean_sd"):
        m = parse_mean_sd(str(entry.value))
        itype = "95% CI" if m.lower is not None else None
        r.add(path, entry, statistic="mean", value=m.mean, lower=m.lower, upper=m.upper,
              interval_type=itype, decimals=m.mean_decimals, **common)
        r.add(path, entry, statistic="sd", value=m.sd, decimals=m.sd_decimals, **common)
        return
    statistic, itype = _CONTINUOUS_STAT[entry.kind]
    printed = common.pop("printed")
    r.estimate(path, entry, printed, statistic=statistic, interval_type=itype, **common)


def _baseline(r: _Rows) -> None:
    for i, entry in enumerate(r.desc.baseline):
        if isinstance(entry, Categorical):
            _categorical(r, "baseline", "baseline", i, entry)
        else:
            _continuous(r, i, entry)
    for i, entry in enumerate(r.desc.outcomes):
        _categorical(r, "outcome", "outcomes", i, entry)


def _rate_row(r: _Rows, path: tuple, entry: Any, denominator: int | None, **cols: Any) -> None:
    """A rate printed as a count ("21/33 (63.6%)") or as a percentage ("78.5% (60.0, 89.1)")."""
    if "/" in str(entry.value):
        r.count(path, entry, entry.value, denominator, **cols)
    else:
        r.estimate(path, entry, entry.value, statistic="proportion", denominator=denominator, **cols)


def _rates(r: _Rows) -> None:
    for i, rate in enumerate(r.desc.rates):
        _rate_row(r, ("rates", i, "value"), rate, rate.denominator, section="rate", variable=rate.name,
                  interval_type=rate.interval, time_months=rate.months)


def _endpoints(r: _Rows) -> None:
    for i, ep in enumerate(r.desc.endpoints):
        for j, rep in enumerate(ep.reports):
            path = ("endpoints", i, "reports", j, "value")
            cols = {"section": "endpoint", "variable": ep.name, "interval_type": rep.interval,
                    "time_months": rep.months, "estimator": rep.estimator}
            if rep.statistic == "rate":
                _rate_row(r, path, rep, rep.denominator, **cols)
                r.rows[-1]["statistic"] = "rate"
            elif rep.statistic == "median":
                r.estimate(path, rep, rep.value, statistic="median", unit=rep.unit, **cols)
            else:
                r.count(path, rep, rep.value, rep.denominator, **cols)
                r.rows[-1]["statistic"] = rep.statistic


def _matches(row: dict[str, Any], erratum: Erratum) -> bool:
    t = erratum.target
    wanted = {"section": t.section, "variable": t.variable, "level": t.level, "statistic": t.statistic,
              "location": t.at}
    return all(v is None or row[k] == v for k, v in wanted.items())


def _apply_errata(r: _Rows) -> None:
    for erratum in r.desc.errata:
        for row in (row for row in r.rows if _matches(row, erratum)):
            row.update(corrected_n=erratum.corrected.n, corrected_denominator=erratum.corrected.denominator,
                       corrected_value=erratum.corrected.value, erratum=f"{erratum.why} [{erratum.source}]")


def _cohort_rows(cohort: Cohort) -> Iterator[dict[str, Any]]:
    r = _Rows(cohort)
    for part in (_population, _design, _baseline, _rates, _endpoints, _apply_errata):
        part(r)
    yield from r.rows


def to_frame(cohorts: CohortSet) -> pl.DataFrame:
    """Build the harmonized long frame of a cohort set.

    Parameters
    ----------
    cohorts : CohortSet
        Loaded descriptors.

    Returns
    -------
    polars.DataFrame
        One row per reported statistic, columns as :data:`SCHEMA`.
    """
    rows = [row for c in cohorts for row in _cohort_rows(c)]
    return pl.DataFrame(rows, schema=SCHEMA, orient="row") if rows else pl.DataFrame(schema=SCHEMA)


def months(value: float, unit: str) -> float:
    """Convert a duration to months (a month is 365.25/12 days)."""
    return value * _MONTHS_PER[unit]
