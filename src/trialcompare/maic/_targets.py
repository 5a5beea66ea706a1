"""MAIC targets from a comparator's descriptor, through a mapping of IPD columns (private module).

A mapping file (YAML) says which descriptor quantity each IPD column is::

    columns:
      age: {variable: age, statistics: [mean, sd]}   # continuous: any of mean, sd, median
      sex_male: {variable: sex, level: male}          # a 0/1 column: the proportion of one level
      ecog_0: {variable: ecog, level: "0"}

For a continuous variable the default statistics are ``mean`` and ``sd`` when the comparator prints a mean,
otherwise ``median``. A level's target is ``n / denominator`` of its count. When the comparator prints the same
quantity in several places, the first report in its descriptor is used (the one named in ``sources``). What
cannot be matched is returned, not dropped: factors the comparator does not report, mapped columns the IPD
lacks, and baseline variables the comparator reports but the mapping does not name.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from ..descriptor.vocabulary import VARIABLES, suggest
from ..yamlsafe import YamlProblem, read_yaml
from ._eligibility import Criterion
from ._errors import MaicInputError

__all__ = ["CohortTargets", "MappingEntries", "MappingEntry", "Unmatched", "check_columns", "load_mapping",
           "targets_from_cohort"]

_CONTINUOUS = ("mean", "sd", "median")
_ENTRY_KEYS = {"variable", "level", "statistics", "match", "note"}


@dataclass(frozen=True)
class MappingEntry:
    """What one IPD column is in a descriptor: a variable (continuous) or one level of it (0/1 column).

    Attributes
    ----------
    column, variable : str
        The IPD column and the descriptor variable.
    level : str or None
        The level a 0/1 column is.
    statistics : tuple of str or None
        The statistics matched (default: those the comparator reports).
    match : bool
        False: shown in the balance table, not matched.
    where : tuple of (str, int, int) or None
        The mapping file, line and column of the entry.
    """

    column: str
    variable: str
    level: str | None = None
    statistics: tuple[str, ...] | None = None
    match: bool = True  # False: shown in the balance table, not matched
    where: tuple[str, int, int] | None = field(default=None, compare=False, repr=False)  # file, line, column


def check_columns(entries: Iterable[MappingEntry], columns: Iterable[str], criteria: Iterable[Criterion] = ()) -> None:
    """Raise :class:`MaicInputError` at the mapping's line for a mapped column the IPD lacks when an IPD column that
    no entry maps has a close name (a misspelling: ``agee`` for ``age``). Any other mapped column the IPD lacks
    stays an unmatched factor (reason ``"ipd"``): one mapping may serve IPD files with different columns, and an
    absent ``ecog_1`` is no misspelling of a mapped ``ecog_0``. The columns of the mapping's ``eligibility``
    criteria are checked the same way.

    Examples
    --------
    >>> e = MappingEntry("agee", "age", where=("map.yaml", 2, 3))
    >>> try:
    ...     check_columns([e], ["id", "age", "ecog_0"])
    ... except MaicInputError as exc:
    ...     print(exc)
    map.yaml:2:3: the IPD has no column 'agee'; did you mean 'age'?
    >>> check_columns([MappingEntry("ecog_0", "ecog", "0"), MappingEntry("ecog_1", "ecog", "1", where=("m", 3, 3))],
    ...               ["age", "ecog_0"])
    """
    mapped = [(e.column, e.where) for e in entries] + [(c.column, c.where) for c in criteria if c.column is not None]
    named = {column for column, _ in mapped}
    known = [c for c in columns if c not in ("id", "arm", "time", "event", "response")]
    free = [c for c in known if c not in named]
    for column, where in mapped:
        if column in known or where is None:
            continue
        near = suggest(column, free)
        if near:
            raise MaicInputError(*where, f"the IPD has no column {_short(column)}{near}")


@dataclass(frozen=True)
class Unmatched:
    """A factor that could not be matched, and why (``reason`` is one of the ``REASONS`` keys).

    Attributes
    ----------
    factor, variable : str
    level : str or None
    reason : str
    """

    factor: str
    variable: str
    level: str | None
    reason: str


REASONS = {
    "comparator": "not reported by the comparator",
    "ipd": "mapped, but the IPD has no such column",
    "mapping": "reported by the comparator, not mapped to an IPD column",
    "choice": "mapped with match: false (in the balance table, not matched)",
}


@dataclass(frozen=True)
class CohortTargets:
    """Targets for :func:`~trialcompare.maic.maic_weights` read from a comparator's descriptor.

    Attributes
    ----------
    cohort : str
        The comparator's id.
    targets : dict
        IPD column → ``{statistic: value}``.
    unmatched : tuple of Unmatched
        Factors not matched (comparator silent, IPD column missing, or not mapped).
    sources : polars.DataFrame
        Where each target came from: ``column``, ``variable``, ``level``, ``statistic``, ``value``,
        ``printed``, ``location``.
    """

    cohort: str
    targets: dict[str, dict[str, float]]
    unmatched: tuple[Unmatched, ...]
    sources: pl.DataFrame

    @property
    def unmatched_frame(self) -> pl.DataFrame:
        """The unmatched factors as a frame: ``factor``, ``variable``, ``level``, ``reason``, ``explanation``."""
        rows = [{"factor": u.factor, "variable": u.variable, "level": u.level, "reason": u.reason,
                 "explanation": REASONS[u.reason]} for u in self.unmatched]
        return pl.DataFrame(rows, schema={k: pl.String for k in ("factor", "variable", "level", "reason",
                                                                    "explanation")})


def _entry(key_: str, spec: Any, pos: Any, shown: str) -> MappingEntry:
    column = key_

    def fail(key: tuple, message: str) -> MaicInputError:
        line, col = pos.get(("columns", key_, *key), pos.get(("columns", key_), (1, 1)))
        return MaicInputError(shown, line, col, message.replace(key_, _label(key_), 1))

    if isinstance(spec, str):
        spec = {"variable": spec}
    if not isinstance(spec, dict):
        raise fail((), f"{column}: expected {{variable: NAME, level: LEVEL}} or a variable name")
    unknown = sorted(set(spec) - _ENTRY_KEYS)
    if unknown:
        near = suggest(unknown[0], sorted(_ENTRY_KEYS))
        raise fail((unknown[0],), f"{column}: unknown key {_short(unknown[0])}{near} "
                                  f"(allowed: {', '.join(sorted(_ENTRY_KEYS))})")
    if not isinstance(spec.get("variable"), str) or not spec["variable"]:
        raise fail((), f"{column}: 'variable' (the descriptor's baseline variable) is required")
    level = spec.get("level")
    if level is not None and (isinstance(level, bool) or not isinstance(level, str | int)):
        raise fail(("level",), f"{column}: level must be text, e.g. \"0\" or male")
    level = None if level is None else str(level)
    _check_names(column, spec["variable"], level, fail)
    stats = _statistics(column, spec.get("statistics"), level is not None, fail)
    match = spec.get("match", True)
    if not isinstance(match, bool):
        raise fail(("match",), f"{column}: match must be true or false")
    line, col = pos.get(("columns", column), (1, 1))
    return MappingEntry(column, spec["variable"], level, stats, match, (shown, line, col))


def _check_names(column: str, variable: str, level: str | None, fail: Callable[[tuple, str], MaicInputError]) -> None:
    """The variable and level are names of the harmonized vocabulary (the nearest one suggested when not)."""
    var = VARIABLES.get(variable)
    if var is None:
        raise fail(("variable",), f"{column}: unknown variable {_short(variable)}{suggest(variable, list(VARIABLES))}")
    if level is None and var.kind == "categorical":
        raise fail(("variable",), f"{column}: {variable} is categorical: name one level (level: ...; levels: "
                                  f"{', '.join(var.levels)})")
    if level is not None and var.kind != "categorical":
        raise fail(("level",), f"{column}: {variable} is continuous; it has no levels")
    if level is not None and level not in var.levels:
        raise fail(("level",), f"{column}: unknown level {_short(level)} of {variable}{suggest(level, var.levels)} "
                               f"(levels: {', '.join(var.levels)})")


def _label(text: str) -> str:
    """A name from the file as a message shows it: at most 40 characters."""
    return text if len(text) <= 40 else text[:40] + "..."


def _short(text: str) -> str:
    return repr(text if len(text) <= 40 else text[:40] + "...")


def _statistics(
    column: str, stats: Any, has_level: bool, fail: Callable[[tuple, str], MaicInputError]
) -> tuple[str, ...] | None:
    if stats is None:
        return None
    if has_level:
        raise fail(("statistics",), f"{column}: a level's target is its proportion; 'statistics' is for "
                                    "continuous variables")
    if not isinstance(stats, list) or not stats or any(s not in _CONTINUOUS for s in stats):
        raise fail(("statistics",), f"{column}: statistics must be a list of {', '.join(_CONTINUOUS)}")
    if "sd" in stats and "mean" not in stats:
        raise fail(("statistics",), f"{column}: sd is matched with the mean (E[x^2] = sd^2 + mean^2)")
    return tuple(stats)


class MappingEntries(tuple):
    """The entries of a mapping file (a tuple of :class:`MappingEntry`) and its ``eligibility`` criteria.

    Parameters
    ----------
    entries : iterable of MappingEntry
    eligibility : iterable of Criterion
    """

    eligibility: tuple[Criterion, ...]

    def __new__(cls, entries: Iterable[MappingEntry], eligibility: Iterable[Criterion] = ()) -> MappingEntries:
        obj = super().__new__(cls, tuple(entries))
        obj.eligibility = tuple(eligibility)
        return obj


_CRITERION_KEYS = {"min", "max", "equals", "why", "note"}


def _criterion(column: str, spec: Any, pos: Any, shown: str) -> Criterion:
    def fail(key: tuple, message: str) -> MaicInputError:
        line, col = pos.get(("eligibility", column, *key), pos.get(("eligibility", column), (1, 1)))
        return MaicInputError(shown, line, col, message.replace(column, _label(column), 1))

    if not isinstance(spec, dict) or not spec:
        raise fail((), f"eligibility: {column}: expected {{min: A, max: B}} or {{equals: V}}, with why: TEXT")
    unknown = sorted(set(spec) - _CRITERION_KEYS)
    if unknown:
        raise fail((unknown[0],), f"eligibility: {column}: unknown key {_short(unknown[0])}"
                                  f"{suggest(unknown[0], sorted(_CRITERION_KEYS))} (allowed: "
                                  f"{', '.join(sorted(_CRITERION_KEYS))})")
    bounds = {}
    for key in ("min", "max", "equals"):
        value = spec.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)
                                  or not math.isfinite(value)):
            raise fail((key,), f"eligibility: {column}: {key} must be a number")
        bounds[key] = None if value is None else float(value)
    if all(v is None for v in bounds.values()):
        raise fail((), f"eligibility: {column}: give min, max or equals")
    if bounds["min"] is not None and bounds["max"] is not None and bounds["min"] > bounds["max"]:
        raise fail(("max",), f"eligibility: {column}: min is above max")
    why = spec.get("why")
    if why is not None and not isinstance(why, str):
        raise fail(("why",), f"eligibility: {column}: why must be text")
    line, col = pos.get(("eligibility", column), (1, 1))
    return Criterion(column, column, bounds["min"], bounds["max"], bounds["equals"], "mapping", why,
                     where=(shown, line, col))


def _eligibility(data: dict, pos: Any, shown: str) -> tuple[Criterion, ...]:
    block = data.get("eligibility")
    if block is None:
        return ()
    if not isinstance(block, dict):
        line, col = pos.get(("eligibility",), (1, 1))
        raise MaicInputError(shown, line, col, "'eligibility' must map IPD columns to {min, max} or {equals}")
    return tuple(_criterion(str(k), v, pos, shown) for k, v in block.items())


def load_mapping(path: str | Path) -> MappingEntries:
    """Read a mapping file (IPD column → descriptor variable/level and statistics; inclusion criteria).

    Parameters
    ----------
    path : str or Path
        YAML file with a top-level ``columns`` mapping and an optional ``eligibility`` block (IPD column →
        ``{min, max}`` or ``{equals}``, with ``why``): the comparator's inclusion criteria that its descriptor
        does not record as fields (docs/maic.md).

    Returns
    -------
    MappingEntries
        A tuple of :class:`MappingEntry`; its ``eligibility`` attribute holds the criteria.

    Raises
    ------
    MaicInputError
        Naming ``file:line:column`` for a missing, malformed or invalid file.
    """
    shown = str(path)
    try:
        data, pos = read_yaml(Path(path))
    except YamlProblem as exc:
        raise MaicInputError(shown, exc.line, exc.column, exc.message) from None
    columns = data.get("columns")
    top = {"columns", "eligibility", "note", "notes"}
    if set(data) - top:
        key = sorted(set(data) - top)[0]
        line, col = pos.get((key,), (1, 1))
        raise MaicInputError(shown, line, col, f"unknown key {_short(key)}{suggest(key, sorted(top))}; the mapping "
                                               "lives under 'columns' (and 'eligibility')")
    if not isinstance(columns, dict) or not columns:
        line, col = pos.get(("columns",), (1, 1))
        raise MaicInputError(shown, line, col, "'columns' must map IPD column names to descriptor variables")
    return MappingEntries((_entry(str(k), v, pos, shown) for k, v in columns.items()), _eligibility(data, pos, shown))


def _baseline(frame: pl.DataFrame, cohort: str) -> pl.DataFrame:
    return frame.filter((pl.col("cohort") == cohort) & (pl.col("section") == "baseline"))


def _continuous(rows: pl.DataFrame, entry: MappingEntry) -> tuple[dict[str, float], list[dict]]:
    first = {s: r for s in _CONTINUOUS if (r := rows.filter(pl.col("statistic") == s)).height}
    wanted = entry.statistics or (("mean", "sd") if "mean" in first else ("median",))
    if not all(s in first for s in wanted):
        return {}, []
    if "sd" in wanted and "mean" not in wanted:
        wanted = ("mean", *wanted)
    target = {s: float(first[s]["value"][0]) for s in wanted}
    src = [{"column": entry.column, "variable": entry.variable, "level": None, "statistic": s, "value": target[s],
            "printed": first[s]["printed"][0], "location": first[s]["location"][0]} for s in wanted]
    return target, src


def _proportion(rows: pl.DataFrame, entry: MappingEntry) -> tuple[dict[str, float], list[dict]]:
    hit = rows.filter((pl.col("level") == entry.level) & (pl.col("statistic") == "count")
                      & pl.col("n").is_not_null() & (pl.col("denominator") > 0))
    if not hit.height:
        return {}, []
    p = float(hit["n"][0]) / float(hit["denominator"][0])
    return {"proportion": p}, [{"column": entry.column, "variable": entry.variable, "level": entry.level,
                                "statistic": "proportion", "value": p, "printed": hit["printed"][0],
                                "location": hit["location"][0]}]


def targets_from_cohort(
    cohorts: Any, cohort: str, mapping: Iterable[MappingEntry], ipd_columns: Iterable[str] | None = None
) -> CohortTargets:
    """Read MAIC targets for the IPD columns of ``mapping`` from a comparator cohort's baseline.

    Parameters
    ----------
    cohorts : CohortSet
        Loaded descriptors (``trialcompare.load``).
    cohort : str
        The comparator's id.
    mapping : iterable of MappingEntry
        From :func:`load_mapping` (or built directly).
    ipd_columns : iterable of str, optional
        Columns of the IPD; a mapped column not among them is unmatched (reason ``"ipd"``).

    Returns
    -------
    CohortTargets
        ``targets``, ``unmatched`` and ``sources``.

    Raises
    ------
    KeyError
        If ``cohort`` is not in ``cohorts``.

    Examples
    --------
    >>> from pathlib import Path
    >>> import trialcompare as tc
    >>> cs = tc.load(Path(tc.__file__).parents[2] / "trials" / "apatinib.yaml")
    >>> t = targets_from_cohort(cs, "apatinib", [MappingEntry("age", "age"), MappingEntry("sex_male", "sex", "male"),
    ...                                          MappingEntry("ecog_0", "ecog", "0")])
    >>> t.targets["age"], round(t.targets["ecog_0"]["proportion"], 4)
    ({'mean': 21.7, 'sd': 11.5}, 0.7297)
    >>> [(u.factor, u.reason) for u in t.unmatched][:2]
    [('sex_male', 'comparator'), ('lesion_site', 'mapping')]
    """
    if cohort not in cohorts.ids:
        raise KeyError(cohort)
    base = _baseline(cohorts.to_frame(), cohort)
    columns = None if ipd_columns is None else set(ipd_columns)
    entries = list(mapping)
    targets: dict[str, dict[str, float]] = {}
    sources: list[dict] = []
    unmatched: list[Unmatched] = []
    for entry in entries:
        rows = base.filter(pl.col("variable") == entry.variable)
        target, src = (_proportion if entry.level is not None else _continuous)(rows, entry)
        if not entry.match:
            unmatched.append(Unmatched(entry.column, entry.variable, entry.level, "choice"))
        elif not target:
            unmatched.append(Unmatched(entry.column, entry.variable, entry.level, "comparator"))
        elif columns is not None and entry.column not in columns:
            unmatched.append(Unmatched(entry.column, entry.variable, entry.level, "ipd"))
        else:
            targets[entry.column] = target
            sources.extend(src)
    mapped = {e.variable for e in entries}
    for variable in base["variable"].unique(maintain_order=True).to_list():
        if variable not in mapped:
            unmatched.append(Unmatched(variable, variable, None, "mapping"))
    schema = {"column": pl.String, "variable": pl.String, "level": pl.String, "statistic": pl.String,
              "value": pl.Float64, "printed": pl.String, "location": pl.String}
    return CohortTargets(cohort, targets, tuple(unmatched), pl.DataFrame(sources, schema=schema))
