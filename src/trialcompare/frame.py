"""CohortSet → the harmonized long frame: one row per reported statistic.

Columns (see :data:`SCHEMA`): ``cohort, section, variable, level, statistic, n, denominator, value, lower,
upper, interval_type, time_months, printed, source, location, label, decimals, bound, lower_nr, upper_nr,
unit, estimator, denominator_origin, file, line, column, corrected_n, corrected_denominator,
corrected_value, erratum``.

* ``section`` is one of ``population, design, baseline, outcome, rate, endpoint``; a named proportion of
  ``rates:`` (``custom:infection``, ``ae:neutropenia:grade3``; issue 22) has section ``proportion``, so that the
  Table IV-style comparison leaves it out while the checks and ``meta --outcome`` read it.
* For counts: ``statistic = "count"``, ``n`` the count, ``denominator`` the denominator it is read
  against, ``value`` the printed percentage (null when none was printed), ``decimals`` its decimals.
  ``denominator_origin`` says where the denominator came from: ``printed`` (``"13/33"``), ``entry`` (the
  entry's ``denominator``) or ``declared_n`` (the cohort's population N).
* For estimates: ``value`` the estimate, ``lower``/``upper`` the interval and ``interval_type`` its type;
  ``bound`` is ``"<"`` etc. when only a bound was printed; ``lower_nr``/``upper_nr`` flag "not reached".
* Nothing is corrected in place: errata fill the ``corrected_*`` columns of the rows they target.

Columns added for randomised studies and printed units (issue 10; every earlier column is unchanged):

* ``time``, ``unit``: a time point as printed (a rate ``time: 8, unit: weeks``; ``months: 6`` gives ``time`` 6,
  ``unit`` months; a best response's assessment time). For medians and follow-up ``unit`` is, as before, the
  unit of the value. ``months`` is the time point converted to months and ``value_months``, ``lower_months``,
  ``upper_months`` a duration (median, follow-up) converted to months — for comparison only ("8 weeks
  (1.84 months)"): 1 month = 30.4375 days, 1 week = 7 days (:func:`trialcompare.options.to_months`).
  ``time_months`` equals ``months`` (kept for its consumers).
* ``value_status``, ``lower_status``, ``upper_status``: ``value`` / ``not-reached`` (NR) / ``not-estimable`` (NE)
  / ``not-available`` (NA); ``lower_nr``/``upper_nr`` stay true for any of the three words.
* ``as_printed``: True for a row read from the descriptor; False for a row the frame derived — the count
  implied by a rate printed as a percentage of a stated denominator (``"6.7%"``, ``denominator: 30`` gives a
  ``section="rate", statistic="count"`` row with n = 2 when exactly one whole count rounds to the printed
  percentage). ``count_basis`` says how a rate's count is known: ``printed`` (``"3/22"``) or
  ``implied-by-percentage``.
* ``scope`` (``arm`` | ``study``), ``study`` (``design.arm_of.study``): rows of a descriptor's ``study:`` block
  have section ``study_baseline`` and scope ``study`` (its ``follow_up`` gives ``section="design",
  variable="follow_up"`` rows with scope ``study``, in the holder's rows only: readers count it for every arm of
  the study, :func:`trialcompare.descriptor.models.follow_up_of`); ``smd_eligible`` is True only for arm-level
  baseline rows (a study-level fact describes both arms together and must never give a between-arm SMD).
* Effects (section ``effect``): ``variable`` the endpoint or outcome name, ``statistic`` the measure (HR, OR,
  ...), ``value``/``lower``/``upper`` the estimate and interval, ``versus`` the other arm, ``p_printed`` the P
  value as printed, ``p_value`` its number, ``p_bound`` ``"<"`` etc. for a bound, ``p_decimals``, ``sided``,
  ``analysis_set``, ``method``.
* ``primary``: True on the rows of a rate (``primary: true``) or an endpoint the study names as primary; the
  comparison table always shows them.
* ``level_note``: a categorical level's quote or note (``level_notes``).
* ``entry_label``, ``level_label``: the row labels as printed, apart (``label`` joins them): the entry's
  ``label`` ("Target lesions before treatment, n (%)") and the level's ``level_labels`` entry ("Pulmonary
  lesions"); tables show them instead of the harmonized names where the descriptors record them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from .descriptor.harms import is_named_proportion
from .descriptor.models import Categorical, Continuous, Descriptor, Effect, Erratum
from .descriptor.printed import is_count, parse_count, parse_estimate, parse_mean_sd, parse_p, parse_summary
from .options import to_months

if TYPE_CHECKING:
    import polars

    from .load import Cohort, CohortSet

__all__ = ["SCHEMA", "implied_count", "months", "rows", "to_frame"]


class _DtypeNames:
    """``pl.Int64`` → ``"Int64"``: :data:`SCHEMA` names its polars dtypes without importing polars (0.4 s), so that
    ``validate``, which works on :func:`rows`, never imports it; :func:`to_frame` maps the names to dtypes."""

    def __getattr__(self, name: str) -> str:
        return name


pl = _DtypeNames()

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
    # issue 10: time points and units, NE vs NR, printed rates, study-level facts, between-arm effects
    "time": pl.Float64, "months": pl.Float64, "value_months": pl.Float64, "lower_months": pl.Float64,
    "upper_months": pl.Float64, "value_status": pl.String, "lower_status": pl.String, "upper_status": pl.String,
    "as_printed": pl.Boolean, "count_basis": pl.String, "scope": pl.String, "study": pl.String,
    "smd_eligible": pl.Boolean, "versus": pl.String, "p_printed": pl.String, "p_value": pl.Float64,
    "p_bound": pl.String, "p_decimals": pl.Int64, "sided": pl.String, "analysis_set": pl.String,
    "method": pl.String, "level_note": pl.String,
    # row labels as printed, apart: the entry's label and a categorical level's own label
    "entry_label": pl.String, "level_label": pl.String,
    # a rate or an endpoint the study names as primary (RateReport.primary, Endpoint.primary)
    "primary": pl.Boolean,
}


class _Rows:
    """Collects rows for one cohort, filling the shared columns."""

    def __init__(self, cohort: Cohort) -> None:
        self.cohort = cohort
        self.desc: Descriptor = cohort.descriptor
        self.rows: list[dict[str, Any]] = []

    def add(self, path: tuple, entry: Any, **cols: Any) -> None:
        line, column = self.cohort.position(path)
        row = dict.fromkeys(SCHEMA)
        arm_of = self.desc.design.arm_of
        row.update(
            cohort=self.desc.id, file=str(self.cohort.path), line=line, column=column,
            location=getattr(entry, "at", None), label=getattr(entry, "label", None),
            entry_label=getattr(entry, "label", None),
            source=getattr(entry, "source", None) or self.desc.default_source,
            lower_nr=False, upper_nr=False, as_printed=True, scope="arm",
            study=arm_of.study if arm_of is not None else None,
        )
        row.update(cols)
        if row["time"] is not None and row["unit"] is not None:
            row["months"] = row["time_months"] = to_months(row["time"], row["unit"])
        self.rows.append(row)

    def count(self, path: tuple, entry: Any, printed: Any, denominator: int | None, **cols: Any) -> None:
        c = parse_count(printed)
        fallback = cols.pop("fallback_n", None)
        if c.denominator is not None:
            den, origin = c.denominator, "printed"
        elif denominator is not None:
            den, origin = denominator, "entry"
        elif fallback is not None:
            den, origin = fallback
        else:
            den, origin = self.desc.population.n, "declared_n"
        self.add(path, entry, statistic="count", n=c.n, denominator=den, value=c.percent, lower=c.lower,
                 upper=c.upper, decimals=c.percent_decimals, printed=str(printed), denominator_origin=origin, **cols)

    def estimate(self, path: tuple, entry: Any, printed: Any, e: Any = None, **cols: Any) -> None:
        e = e or parse_estimate(printed)
        self.add(path, entry, value=e.value, lower=e.lower, upper=e.upper, decimals=e.decimals,
                 bound=e.bound, lower_nr=e.lower_nr, upper_nr=e.upper_nr, printed=str(printed),
                 value_status=e.value_status, lower_status=e.lower_status, upper_status=e.upper_status, **cols)
        row = self.rows[-1]
        if row["section"] in ("design", "endpoint") and row["statistic"] == "median":
            unit = row["unit"] or "months"
            for col in ("value", "lower", "upper"):
                row[f"{col}_months"] = None if row[col] is None else to_months(row[col], unit)


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


def _categorical(r: _Rows, section: str, key: tuple | str, i: int, entry: Categorical, **cols: Any) -> None:
    prefix = key if isinstance(key, tuple) else (key,)
    for level, printed in entry.levels.items():
        label = " / ".join(x for x in (entry.label, entry.level_labels.get(level)) if x) or None
        r.count((*prefix, i, "levels", level), entry, printed, entry.denominator,
                section=section, variable=entry.variable, level=level, label=label, time=entry.time,
                unit=entry.unit, level_note=entry.level_notes.get(level),
                level_label=entry.level_labels.get(level), **cols)


_CONTINUOUS_STAT = {
    "mean_ci": ("mean", "95% CI"), "median": ("median", None), "median_iqr": ("median", "IQR"),
    "median_range": ("median", "range"), "median_ci": ("median", "95% CI"), "mean": ("mean", None),
    "mean_range": ("mean", "range"), "median_iqr_range": ("median", "IQR"),
}


def _continuous(r: _Rows, i: int, entry: Continuous, key: tuple = ("baseline",), **cols: Any) -> None:
    """Mean ± SD gives a mean and an SD row; a median with IQR and range gives two median rows (IQR, range)."""
    path = (*key, i, "value")
    common = {"section": "baseline", "variable": entry.variable, "n": entry.n, "printed": str(entry.value)} | cols
    if entry.kind.startswith("mean_sd"):
        m = parse_mean_sd(str(entry.value))
        itype = "95% CI" if m.lower is not None else None
        r.add(path, entry, statistic="mean", value=m.mean, lower=m.lower, upper=m.upper,
              interval_type=itype, decimals=m.mean_decimals, **common)
        r.add(path, entry, statistic="sd", value=m.sd, decimals=m.sd_decimals, **common)
        return
    statistic, itype = _CONTINUOUS_STAT[entry.kind]
    printed = common.pop("printed")
    summary = parse_summary(printed)
    r.estimate(path, entry, printed, summary.first, statistic=statistic, interval_type=itype, **common)
    if summary.range is not None:
        r.estimate(path, entry, printed, summary.range, statistic=statistic, interval_type="range", **common)


def _baseline(r: _Rows) -> None:
    for i, entry in enumerate(r.desc.baseline):
        if isinstance(entry, Categorical):
            _categorical(r, "baseline", "baseline", i, entry, smd_eligible=True)
        else:
            _continuous(r, i, entry, smd_eligible=True)
    for i, entry in enumerate(r.desc.outcomes):
        _categorical(r, "outcome", "outcomes", i, entry)


def _study(r: _Rows) -> None:
    """Facts of the whole randomised study: section ``study_baseline``, scope ``study``, never an SMD."""
    study = r.desc.study
    if study is None:
        return
    cols = {"section": "study_baseline", "scope": "study", "smd_eligible": False}
    for i, entry in enumerate(study.baseline):
        if isinstance(entry, Categorical):
            _categorical(r, "study_baseline", ("study", "baseline"), i, entry, fallback_n=(study.n, "study_n"),
                         scope="study", smd_eligible=False)
        else:
            _continuous(r, i, entry, ("study", "baseline"), **cols)
            for row in r.rows:
                if row["section"] == "study_baseline" and row["n"] is None:
                    row["n"] = study.n
    for i, fu in enumerate(study.follow_up):
        r.estimate(("study", "follow_up", i), fu, fu.value, section="design", variable="follow_up",
                   statistic="median", interval_type=fu.interval, unit=fu.unit, scope="study", n=study.n)


def _rate_row(r: _Rows, path: tuple, entry: Any, denominator: int | None, **cols: Any) -> None:
    """A rate printed as a count ("21/33 (63.6%)") or as a percentage ("78.5% (60.0, 89.1)")."""
    if is_count(entry.value):
        r.count(path, entry, entry.value, denominator, count_basis="printed", **cols)
    else:
        r.estimate(path, entry, entry.value, statistic="proportion", denominator=denominator, **cols)


def implied_count(percent: float | None, decimals: int | None, denominator: int | None) -> int | None:
    """The one whole count out of ``denominator`` whose percentage rounds to the printed one, else None.

    Parameters
    ----------
    percent : float or None
        The printed percentage.
    decimals : int or None
        Its printed decimals.
    denominator : int or None
        The denominator.

    Returns
    -------
    int or None
        The count; None when no count or more than one fits, or a value is missing.

    Examples
    --------
    >>> implied_count(6.7, 1, 30), implied_count(6.7, 1, 31), implied_count(12.0, 0, 42)
    (2, None, 5)
    """
    if percent is None or decimals is None or not denominator:
        return None
    from .checks.percentages import fitting_counts  # one rule for "which counts give this percentage"

    ks = fitting_counts(denominator, percent, decimals)
    return ks[0] if len(ks) == 1 else None


def _implied_count_row(r: _Rows) -> None:
    """Beside a rate printed as a percentage of a stated denominator, the count it implies (as_printed False)."""
    row = r.rows[-1]
    if row["statistic"] not in ("proportion", "rate") or row["bound"] is not None or row["n"] is not None:
        return
    k = implied_count(row["value"], row["decimals"], row["denominator"])
    if k is None or row["estimator"] == "kaplan-meier":
        return
    r.rows.append(row | {"statistic": "count", "n": k, "as_printed": False, "count_basis": "implied-by-percentage",
                         "denominator_origin": "entry", "lower": None, "upper": None, "interval_type": None,
                         "lower_nr": False, "upper_nr": False, "lower_status": None, "upper_status": None})


def _time_cols(entry: Any) -> dict[str, Any]:
    point = entry.time_point
    return {"time": point[0], "unit": point[1]} if point is not None else {}


def _rates(r: _Rows) -> None:
    for i, rate in enumerate(r.desc.rates):
        section = "proportion" if is_named_proportion(rate.name) else "rate"  # custom:..., ae:... (issue 22)
        _rate_row(r, ("rates", i, "value"), rate, rate.denominator, section=section, variable=rate.name,
                  interval_type=rate.interval, time_months=rate.months, primary=rate.primary, **_time_cols(rate))
        _implied_count_row(r)


def _endpoints(r: _Rows) -> None:
    for i, ep in enumerate(r.desc.endpoints):
        for j, rep in enumerate(ep.reports):
            path = ("endpoints", i, "reports", j, "value")
            cols = {"section": "endpoint", "variable": ep.name, "interval_type": rep.interval,
                    "time_months": rep.months, "estimator": rep.estimator, "primary": ep.primary}
            if rep.statistic == "rate":
                _rate_row(r, path, rep, rep.denominator, **cols, **_time_cols(rep))
                r.rows[-1]["statistic"] = "rate"
            elif rep.statistic == "median":
                r.estimate(path, rep, rep.value, statistic="median", unit=rep.unit, **cols)
            else:
                r.count(path, rep, rep.value, rep.denominator, **cols)
                r.rows[-1]["statistic"] = rep.statistic


def _effect_row(r: _Rows, i: int, eff: Effect) -> None:
    p = parse_p(eff.p) if eff.p is not None else None
    point = eff.time_point
    r.estimate(("effects", i, "value"), eff, eff.value, section="effect", variable=eff.compared,
               statistic=eff.measure, interval_type=eff.interval_type, versus=eff.versus,
               p_printed=None if eff.p is None else str(eff.p), p_value=p.value if p else None,
               p_bound=p.bound if p else None, p_decimals=p.decimals if p else None, sided=eff.sidedness,
               analysis_set=eff.analysis_set, method=eff.method,
               **({"time": point[0], "unit": point[1]} if point else {}))


def _effects(r: _Rows) -> None:
    for i, eff in enumerate(r.desc.effects):
        _effect_row(r, i, eff)


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
    for part in (_population, _design, _baseline, _study, _rates, _endpoints, _effects, _apply_errata):
        part(r)
    yield from r.rows


def to_frame(cohorts: CohortSet) -> polars.DataFrame:
    """Build the harmonized long frame of a cohort set.

    Parameters
    ----------
    cohorts : CohortSet
        Loaded descriptors.

    Returns
    -------
    polars.DataFrame
        One row per reported statistic, columns as :data:`SCHEMA` (dtype names of polars).
    """
    import polars

    schema = {column: getattr(polars, dtype) for column, dtype in SCHEMA.items()}
    rows = [row for c in cohorts for row in _cohort_rows(c)]
    return polars.DataFrame(rows, schema=schema, orient="row") if rows else polars.DataFrame(schema=schema)


_PYTHON_TYPES: dict[str, type] = {"Int64": int, "Float64": float, "Boolean": bool, "String": str}


def rows(cohorts: CohortSet) -> list[dict[str, Any]]:
    """The rows of :func:`to_frame` as dicts, as ``to_frame(cohorts).to_dicts()`` gives them, without polars.

    Every column of :data:`SCHEMA` is present; a value is None (null) or of its column's Python type (an int
    in a Float64 column becomes a float), in the frame's order. The checks read these (``validate`` never
    imports polars); tests/test_frame.py asserts the equality with the frame on every bundled descriptor.

    Parameters
    ----------
    cohorts : CohortSet
        Loaded descriptors.

    Returns
    -------
    list of dict
        One dict per row of the frame.

    Examples
    --------
    >>> import trialcompare as tc
    >>> from trialcompare.resources import data_dir
    >>> r = rows(tc.load(data_dir("trials") / "ie.yaml"))[0]
    >>> r["section"], r["statistic"], r["n"], r["value"]
    ('population', 'declared_n', 46, 46.0)
    """
    types = [(column, _PYTHON_TYPES[dtype]) for column, dtype in SCHEMA.items()]
    out = []
    for c in cohorts:
        for row in _cohort_rows(c):
            out.append({k: None if row[k] is None else t(row[k]) for k, t in types})
    return out


def months(value: float, unit: str) -> float:
    """Convert a duration to months.

    A month is 365.25/12 = 30.4375 days, a week 7 days (:func:`trialcompare.options.to_months`).

    Parameters
    ----------
    value : float
    unit : str
        Months, weeks, days or years.

    Returns
    -------
    float
    """
    return to_months(value, unit)
