"""Meta-analytic sensitivity suite over published cohorts: does a pooled rate survive other analyses?

>>> import trialcompare as tc
>>> from trialcompare.meta.suite import outcome_data, sensitivity_suite
>>> cs = tc.load("trials")                                  # doctest: +SKIP
>>> outcome_data(cs, "tte_6m")                              # doctest: +SKIP
>>> suite = sensitivity_suite(cs, "orr")                    # doctest: +SKIP
>>> suite.primary.proportion, suite.grid, suite.leave_one_out, suite.subgroups  # doctest: +SKIP
>>> suite.pairwise("apatinib-ie")                           # doctest: +SKIP

Outcome names
-------------
``orr``, ``dcr`` (derived from best-response counts), ``csr`` (complete surgical remission, level "yes"),
``<endpoint>_<months>m`` for a landmark rate of a named endpoint (``efs_6m``, ``pfs_4m``, ``os_12m``) and
``tte_<months>m`` for the disease-control endpoint of each cohort, whatever it is called (its primary
non-OS endpoint, else its first non-OS endpoint: EFS in one cohort, PFS in another).

Counts, denominators and the printed report used are those of :func:`trialcompare.compare` (its
``outcomes`` frame), so the denominator choice and errata behave exactly as in the comparison table.
A landmark Kaplan-Meier rate printed without a count becomes ``round(rate × N)`` events (half rounded
up), flagged ``approximate``; a rate printed only as a bound ("<10%") is not a number and the cohort is
left out with a note. Every difference between cohorts is an unanchored, non-randomised comparison.
"""

from __future__ import annotations

import math
import re
import warnings
import weakref
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import polars as pl

from ..comparison import UNANCHORED, Comparison, compare
from ..descriptor.vocabulary import ENDPOINTS
from ..load import CohortSet
from ._pool import METHODS, TESTS, TRANSFORMS, MetaError, MetaResult, pool_proportions, subgroup_analysis

__all__ = [
    "DATA_SCHEMA",
    "SCENARIO_KEYS",
    "SuiteResult",
    "available_outcomes",
    "outcome_data",
    "risk_ratio",
    "sensitivity_suite",
    "validate_scenario",
]

DATA_SCHEMA: dict[str, Any] = {
    "cohort": pl.String, "label": pl.String, "design": pl.String, "endpoint": pl.String, "events": pl.Int64,
    "total": pl.Int64, "estimate": pl.Float64, "approximate": pl.Boolean, "note": pl.String,
}  # fmt: skip

#: Keys a scenario declaration may have (``name`` is required).
SCENARIO_KEYS = ("name", "description", "exclude", "denominators", "use_errata", "substitute_endpoint")

_COUNT_OUTCOMES = {"orr": "ORR", "dcr": "DCR", "csr": "surgical_remission:yes"}
_COUNT_LABELS = {"orr": "Objective response rate", "dcr": "Disease control rate", "csr": "Complete surgical remission"}
_TTE_RE = re.compile(r"^(?P<endpoint>[a-z]+)_(?P<months>\d+(?:\.\d+)?)m$")
_ALL_METHODS = (*METHODS, "GLMM")
_FT_NOTE = "sensitivity analysis (harmonic-mean back-transformation can mislead)"
_DATA_KEYS = ("denominators", "use_errata", "reference", "exclude", "substitute_endpoint", "prefer_locations")


# --------------------------------------------------------------------------------------------------
# outcome names
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Outcome:
    name: str
    count_key: str | None = None
    endpoint: str | None = None  # None with months set: "tte", the disease-control endpoint
    months: float | None = None

    @property
    def label(self) -> str:
        if self.count_key is not None:
            return _COUNT_LABELS[self.name]
        what = self.endpoint or "event-/progression-free"
        return f"{what} rate at {self.months:g} months"


def _parse_outcome(name: str) -> _Outcome | None:
    key = name.strip().lower()
    if key in _COUNT_OUTCOMES:
        return _Outcome(key, count_key=_COUNT_OUTCOMES[key])
    m = _TTE_RE.match(key)
    if m is None:
        return None
    endpoint = None if m["endpoint"] == "tte" else m["endpoint"].upper()
    if endpoint is not None and endpoint not in ENDPOINTS:
        return None
    months = float(m["months"])
    return _Outcome(f"{m['endpoint']}_{months:g}m", endpoint=endpoint, months=months)


def _disease_control_endpoint(cohorts: CohortSet, cid: str) -> str | None:
    """The cohort's primary non-OS endpoint, else its first non-OS endpoint (None if it has none)."""
    eps = [e for e in cohorts[cid].descriptor.endpoints if e.name != "OS"]
    primary = [e for e in eps if e.primary]
    return (primary or eps)[0].name if eps else None


def _names_from_outcomes(outcomes: pl.DataFrame) -> list[str]:
    names = [k for k, v in _COUNT_OUTCOMES.items() if v in set(outcomes["outcome"].to_list())]
    rates = outcomes.filter(pl.col("statistic") == "rate", pl.col("time_months").is_not_null())
    pairs = sorted({(r["endpoint"], r["time_months"]) for r in rates.iter_rows(named=True)})
    names += [f"{ep.lower()}_{t:g}m" for ep, t in pairs]
    names += [f"tte_{t:g}m" for t in sorted({t for ep, t in pairs if ep != "OS"})]
    return names


def available_outcomes(cohorts: CohortSet, **data_kw: Any) -> list[str]:
    """Outcome names that at least one of these cohorts reports.

    Parameters
    ----------
    cohorts : CohortSet
        Loaded descriptors.
    **data_kw
        ``prefer_locations``, ``use_errata``, ``denominators``, ``reference`` as for :func:`outcome_data`.

    Returns
    -------
    list of str
        E.g. ``["orr", "dcr", "csr", "efs_6m", ..., "tte_6m"]``.
    """
    return _names_from_outcomes(_compare(cohorts, **data_kw).outcomes)


# --------------------------------------------------------------------------------------------------
# outcome data
# --------------------------------------------------------------------------------------------------


def _compare(
    cohorts: CohortSet,
    *,
    denominators: Mapping[str, int] | None = None,
    use_errata: bool = False,
    reference: str | None = None,
    prefer_locations: Sequence[str] = ("Table IV",),
    **_: Any,
) -> Comparison:
    _check_ids(cohorts, denominators or {}, "denominators")
    if reference is not None:
        _check_ids(cohorts, [reference], "reference")
    for cid, n in (denominators or {}).items():
        if isinstance(n, bool) or not isinstance(n, int) or n <= 0:
            raise ValueError(f"denominator of {cid!r} must be a positive whole number, got {n!r}")
    key = (tuple(sorted((denominators or {}).items())), bool(use_errata), reference, tuple(prefer_locations))
    cache = _COMPARISONS.setdefault(cohorts, {})
    if key not in cache:
        cache[key] = compare(cohorts, reference, prefer_locations=tuple(prefer_locations),
                             use_errata=bool(use_errata), denominators=dict(denominators or {}))  # fmt: skip
    return cache[key]


# One comparison per cohort set and options: a suite asks for the same one for every outcome and scenario.
# Keyed weakly on the (immutable) CohortSet, so nothing outlives the cohorts it was computed from.
_COMPARISONS: weakref.WeakKeyDictionary[CohortSet, dict[tuple, Comparison]] = weakref.WeakKeyDictionary()


def _check_ids(cohorts: CohortSet, ids: Iterable[str], what: str) -> None:
    unknown = [i for i in ids if i not in cohorts]
    if unknown:
        raise ValueError(
            f"{what} names {', '.join(map(repr, unknown))}, not a cohort; cohorts: {', '.join(cohorts.ids)}"
        )


def _row(cid: str, cohorts: CohortSet, endpoint: str | None, **values: Any) -> dict[str, Any]:
    desc = cohorts[cid].descriptor
    base = dict.fromkeys(DATA_SCHEMA) | {"cohort": cid, "label": desc.label, "design": desc.design.type,
                                         "endpoint": endpoint, "approximate": False}  # fmt: skip
    return base | values


def _count_row(cid: str, cohorts: CohortSet, cmp: Comparison, outcome: _Outcome) -> dict[str, Any]:
    label = outcome.name.upper()
    match = cmp.outcomes.filter(pl.col("cohort") == cid, pl.col("outcome") == outcome.count_key)
    if match.is_empty():
        return _row(cid, cohorts, label, note=f"{label} not reported; not pooled")
    r = match.row(0, named=True)
    if not r["denominator"]:
        return _row(cid, cohorts, label, note=f"{label}: no denominator; not pooled")
    note = f"{r['n']}/{r['denominator']} (denominator: {r['denominator_basis']})"
    return _row(cid, cohorts, label, events=r["n"], total=r["denominator"], estimate=r["n"] / r["denominator"],
                note=note)  # fmt: skip


def _rate_denominator(frame: pl.DataFrame, r: dict[str, Any], use_errata: bool) -> tuple[int, int] | None:
    """(n, denominator) of a landmark rate printed as a count ("13/43"), errata honoured."""
    match = frame.filter(
        pl.col("cohort") == r["cohort"], pl.col("section") == "endpoint", pl.col("variable") == r["endpoint"],
        pl.col("time_months") == r["time_months"], pl.col("printed") == r["printed"],
    )  # fmt: skip
    if match.is_empty():
        return None
    row = match.row(0, named=True)
    n, den = row["n"], row["denominator"]
    if use_errata:
        n = row["corrected_n"] if row["corrected_n"] is not None else n
        den = row["corrected_denominator"] if row["corrected_denominator"] is not None else den
    return (n, den) if den else None


def _approximate_count(rate: float, total: int) -> int:
    """round(rate × N) with halves rounded up (not Python's round-half-to-even)."""
    return math.floor(rate * total + 0.5)


def _estimator_name(r: dict[str, Any]) -> str:
    return {"kaplan-meier": "Kaplan-Meier", "binomial": "binomial"}.get(r.get("estimator") or "", "landmark")


def _tte_values(r: dict[str, Any], n_cohort: int, counted: tuple[int, int] | None) -> dict[str, Any]:
    ep, t = r["endpoint"], r["time_months"]
    if r["bound"]:
        return {"note": f"{ep} at {t:g} months printed as a bound ({r['printed']!r}), not a number; not pooled"}
    if counted is not None:
        n, den = counted
        return {"events": n, "total": den, "estimate": n / den, "note": f"{n}/{den} printed as a count"}
    if r["estimate"] is None:
        return {"note": f"{ep} at {t:g} months has no value; not pooled"}
    events = _approximate_count(r["estimate"], n_cohort)
    note = (f"approximate count: round({r['estimate']:g} × {n_cohort}) = {events} "
            f"({_estimator_name(r)} rate {r['printed']!r} printed without a count)")  # fmt: skip
    return {"events": events, "total": n_cohort, "estimate": events / n_cohort, "approximate": True, "note": note}


def _tte_row(cid: str, ctx: _DataContext, outcome: _Outcome) -> dict[str, Any]:
    ep = ctx.substitute.get(cid) or outcome.endpoint or _disease_control_endpoint(ctx.cohorts, cid)
    row = _tte_lookup(cid, ep, ctx, outcome)
    if cid in ctx.substitute:
        row["note"] = f"{ep} substituted for the disease-control endpoint; {row['note']}"
    return row


def _tte_lookup(cid: str, ep: str | None, ctx: _DataContext, outcome: _Outcome) -> dict[str, Any]:
    if ep is None:
        return _row(cid, ctx.cohorts, None, note="no event-/progression-free endpoint reported; not pooled")
    match = ctx.cmp.outcomes.filter(pl.col("cohort") == cid, pl.col("endpoint") == ep,
                                    pl.col("statistic") == "rate", pl.col("time_months") == outcome.months)  # fmt: skip
    if match.is_empty():
        return _row(cid, ctx.cohorts, ep, note=f"{ep}: no {outcome.months:g}-month rate reported; not pooled")
    r = match.row(0, named=True)
    counted = _rate_denominator(ctx.frame, r, ctx.use_errata) if r["n"] is not None else None
    return _row(cid, ctx.cohorts, ep, **_tte_values(r, ctx.cmp.n[cid], counted))


@dataclass
class _DataContext:
    cohorts: CohortSet
    cmp: Comparison
    frame: pl.DataFrame
    use_errata: bool
    substitute: dict[str, str]


def _check_substitutes(cohorts: CohortSet, substitute: Mapping[str, str]) -> dict[str, str]:
    _check_ids(cohorts, substitute, "substitute_endpoint")
    for cid, ep in substitute.items():
        names = [e.name for e in cohorts[cid].descriptor.endpoints]
        if ep not in names:
            raise ValueError(f"substitute_endpoint: cohort {cid!r} has no endpoint {ep!r}; it has {', '.join(names)}")
    return dict(substitute)


def outcome_data(
    cohorts: CohortSet,
    outcome: str,
    *,
    denominators: Mapping[str, int] | None = None,
    use_errata: bool = False,
    reference: str | None = None,
    exclude: Iterable[str] = (),
    substitute_endpoint: Mapping[str, str] | None = None,
    prefer_locations: Sequence[str] = ("Table IV",),
) -> pl.DataFrame:
    """Per-cohort counts of one outcome, ready for pooling.

    Parameters
    ----------
    cohorts : CohortSet
        Loaded descriptors.
    outcome : str
        ``"orr"``, ``"dcr"``, ``"csr"``, ``"<endpoint>_<months>m"`` (``"efs_6m"``, ``"os_12m"``) or
        ``"tte_<months>m"`` (each cohort's disease-control endpoint, EFS or PFS).
    denominators : mapping of str to int, optional
        Denominator per cohort in place of its declared N (as :func:`trialcompare.compare`).
    use_errata : bool
        Use counts/denominators corrected by declared errata.
    reference : str, optional
        Reference cohort of the underlying comparison (does not change the counts).
    exclude : iterable of str
        Cohorts to leave out; they stay in the frame with ``events`` null and a note.
    substitute_endpoint : mapping of str to str, optional
        For time-to-event outcomes, use this endpoint of the cohort (e.g. ``{"apatinib-ie": "PFS"}``).
    prefer_locations : sequence of str
        Which printed report to use when a value was printed in several places.

    Returns
    -------
    polars.DataFrame
        One row per cohort, in load order: ``cohort, label, design, endpoint, events, total, estimate,
        approximate, note``. ``events`` is null for cohorts that cannot be pooled (the note says why).

    Raises
    ------
    ValueError
        Unknown outcome (the message lists the valid ones), unknown cohort ids, bad denominators.
    """
    parsed = _parse_outcome(outcome)
    exclude = list(exclude)
    _check_ids(cohorts, exclude, "exclude")
    substitute = _check_substitutes(cohorts, substitute_endpoint or {})
    cmp = _compare(cohorts, denominators=denominators, use_errata=use_errata, reference=reference,
                   prefer_locations=prefer_locations)  # fmt: skip
    valid = _names_from_outcomes(cmp.outcomes)
    if parsed is None or parsed.name not in valid:
        raise ValueError(f"unknown outcome {outcome!r} for these cohorts; valid: {', '.join(valid)}")
    ctx = _DataContext(cohorts, cmp, cohorts.to_frame(), bool(use_errata), substitute)
    rows = []
    for cid in cohorts.ids:
        if cid in exclude:
            rows.append(_row(cid, cohorts, None, note="excluded by request; not pooled"))
        elif parsed.count_key is not None:
            rows.append(_count_row(cid, cohorts, cmp, parsed))
        else:
            rows.append(_tte_row(cid, ctx, parsed))
    return pl.DataFrame(rows, schema=DATA_SCHEMA, orient="row")


# --------------------------------------------------------------------------------------------------
# fitting helpers
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Counts:
    ids: list[str]
    events: list[int]
    totals: list[int]

    @property
    def k(self) -> int:
        return len(self.ids)


def _counts(data: pl.DataFrame) -> _Counts:
    used = data.filter(pl.col("events").is_not_null())
    return _Counts(used["cohort"].to_list(), used["events"].to_list(), used["total"].to_list())


def _fit(c: _Counts, transform: str, method: str, test: str, level: float) -> tuple[MetaResult | None, str, str]:
    """One pooled fit that never raises: (result or None, error message, warnings joined)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            res = pool_proportions(c.events, c.totals, transform=transform, method=method, test=test, level=level,
                                   labels=c.ids)  # fmt: skip
        except Exception as exc:  # one failed cell must not stop the suite; the message is reported
            return None, f"{type(exc).__name__}: {exc}", ""
    return res, "", "; ".join(dict.fromkeys(str(w.message) for w in caught))


def _nan_to_none(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _pooled_values(res: MetaResult | None) -> dict[str, Any]:
    keys = ("proportion", "ci_low", "ci_high", "pi_low", "pi_high", "tau2", "i2", "q", "q_p")
    if res is None or res.proportion is None:
        return dict.fromkeys(keys)
    p = res.proportion
    values = (*p, res.tau2, res.i2, res.q, res.q_p)
    return {k: _nan_to_none(float(v)) for k, v in zip(keys, values, strict=True)}


def _primary_dict(res: MetaResult) -> dict[str, Any]:
    out: dict[str, Any] = {
        "transform": res.transform, "method": res.method, "test": res.test, "level": res.level, "k": res.k,
        "estimate": res.estimate, "se": res.se, "ci": list(res.ci), "pi": list(res.pi), "tau2": res.tau2,
        "tau2_ci": _list(res.tau2_ci), "i2": res.i2, "i2_ci": _list(res.i2_ci), "h2": res.h2, "q": res.q,
        "q_p": res.q_p, "df": res.df, "converged": res.converged, "note": res.back_transform_note,
    }  # fmt: skip
    if res.proportion is not None:
        keys = ("estimate", "ci_low", "ci_high", "pi_low", "pi_high")
        out["proportion"] = dict(zip(keys, res.proportion, strict=True))
    return _jsonable(out)


def _list(ci: Sequence[float] | None) -> list[float] | None:
    return None if ci is None else [float(v) for v in ci]


def _jsonable(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {k: _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_jsonable(v) for v in obj]
    if hasattr(obj, "item") and not isinstance(obj, str):
        obj = obj.item()
    return _nan_to_none(obj)


# --------------------------------------------------------------------------------------------------
# grid, leave-one-out, subgroups
# --------------------------------------------------------------------------------------------------

_GRID_SCHEMA: dict[str, Any] = {
    "transform": pl.String, "method": pl.String, "test": pl.String, "k": pl.Int64, "proportion": pl.Float64,
    "ci_low": pl.Float64, "ci_high": pl.Float64, "pi_low": pl.Float64, "pi_high": pl.Float64,
    "tau2": pl.Float64, "i2": pl.Float64, "q": pl.Float64, "q_p": pl.Float64, "converged": pl.Boolean,
    "primary": pl.Boolean, "note": pl.String, "error": pl.String,
}  # fmt: skip


def _grid_cells(transforms: Sequence[str], methods: Sequence[str], tests: Sequence[str]) -> list[tuple[str, str, str]]:
    """transform × method × test; the GLMM (always logit, z-test only) appears once per test on the logit row."""
    cells = []
    for t in transforms:
        for m in methods:
            if m == "GLMM" and t != "logit":
                continue
            cells += [(t, m, s) for s in tests]
    return cells


def _grid_row(c: _Counts, cell: tuple[str, str, str], level: float, primary: tuple[str, str, str]) -> dict:
    transform, method, test = cell
    res, error, warned = _fit(c, transform, method, test, level)
    notes = [_FT_NOTE] if transform == "freeman-tukey" else []
    if res is not None and res.test != test:
        notes.append(f"fitted with test={res.test}")
    notes += [warned] if warned else []
    return {"transform": transform, "method": method, "test": test, "k": c.k, **_pooled_values(res),
            "converged": None if res is None else bool(res.converged), "primary": cell == primary,
            "note": "; ".join(notes) or None, "error": error or None}  # fmt: skip


_LOO_SCHEMA: dict[str, Any] = {
    "omitted": pl.String, "k": pl.Int64, "proportion": pl.Float64, "ci_low": pl.Float64, "ci_high": pl.Float64,
    "tau2": pl.Float64, "i2": pl.Float64, "q": pl.Float64, "q_p": pl.Float64, "change": pl.Float64,
}  # fmt: skip


def _leave_one_out(res: MetaResult) -> pl.DataFrame:
    if res.k < 2:
        return pl.DataFrame(schema=_LOO_SCHEMA)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        loo = res.leave_one_out()
    assert res.proportion is not None
    frame = loo.select(
        pl.col("study").alias("omitted"), pl.lit(res.k - 1, dtype=pl.Int64).alias("k"), "proportion",
        pl.col("proportion_ci_low").alias("ci_low"), pl.col("proportion_ci_high").alias("ci_high"),
        "tau2", "i2", "q", "q_p", (pl.col("proportion") - res.proportion[0]).alias("change"),
    )  # fmt: skip
    return frame.fill_nan(None).cast(_LOO_SCHEMA)  # type: ignore[arg-type]


_SUB_SCHEMA: dict[str, Any] = {
    "by": pl.String, "group": pl.String, "k": pl.Int64, "cohorts": pl.String, "proportion": pl.Float64,
    "ci_low": pl.Float64, "ci_high": pl.Float64, "tau2": pl.Float64, "i2": pl.Float64, "q_between": pl.Float64,
    "df": pl.Int64, "p": pl.Float64, "error": pl.String,
}  # fmt: skip


def _subgroup_rows(data: pl.DataFrame, by: str, opts: dict[str, Any]) -> list[dict[str, Any]]:
    used = data.filter(pl.col("events").is_not_null())
    groups = used[by].to_list()
    if len(set(groups)) < 2:
        return []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            res, q, df, p = subgroup_analysis(used["events"].to_list(), used["total"].to_list(), groups,
                                              labels=used["cohort"].to_list(), **opts)  # fmt: skip
        except Exception as exc:  # reported in the table, like a failed grid cell
            return [dict.fromkeys(_SUB_SCHEMA) | {"by": by, "error": f"{type(exc).__name__}: {exc}"}]
    rows = []
    for group, r in res.items():
        ids = [c for c, g in zip(used["cohort"].to_list(), groups, strict=True) if g == group]
        rows.append({"by": by, "group": group, "k": r.k, "cohorts": ", ".join(ids), **_pooled_values(r),
                     "q_between": q, "df": df, "p": p, "error": None})  # fmt: skip
    return [{k: row.get(k) for k in _SUB_SCHEMA} for row in rows]


# --------------------------------------------------------------------------------------------------
# scenarios
# --------------------------------------------------------------------------------------------------


def _check_scenario_types(s: Mapping[str, Any], name: str) -> None:
    typed = {"exclude": (list, tuple), "denominators": (dict,), "substitute_endpoint": (dict,)}
    for key, types in typed.items():
        if s.get(key) is not None and not isinstance(s[key], types):
            raise ValueError(f"scenario {name!r}: {key} must be a {types[0].__name__}, got {s[key]!r}")
    if s.get("use_errata") is not None and not isinstance(s["use_errata"], bool):
        raise ValueError(f"scenario {name!r}: use_errata must be true or false, got {s['use_errata']!r}")


def validate_scenario(scenario: Mapping[str, Any], cohorts: CohortSet) -> dict[str, Any]:
    """Check a scenario declaration and return it with defaults filled in.

    Parameters
    ----------
    scenario : mapping
        ``{"name": ..., "description": ..., "exclude": [ids], "denominators": {id: n}, "use_errata": bool,
        "substitute_endpoint": {id: "PFS"}}``; only ``name`` is required (``use_errata`` None means: as
        the primary analysis).
    cohorts : CohortSet
        The cohorts the ids must name.

    Returns
    -------
    dict
        All of :data:`SCENARIO_KEYS`.

    Raises
    ------
    ValueError
        Not a mapping, missing name, unknown key, wrong type, unknown cohort id or endpoint.
    """
    if not isinstance(scenario, Mapping):
        raise ValueError(f"a scenario must be a mapping with keys {', '.join(SCENARIO_KEYS)}; got {scenario!r}")
    name = scenario.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ValueError(f"every scenario needs a non-empty 'name'; got {dict(scenario)!r}")
    unknown = [k for k in scenario if k not in SCENARIO_KEYS]
    if unknown:
        raise ValueError(f"scenario {name!r}: unknown key(s) {', '.join(map(repr, unknown))}; "
                         f"allowed: {', '.join(SCENARIO_KEYS)}")  # fmt: skip
    _check_scenario_types(scenario, name)
    s = {"description": "", "exclude": [], "denominators": {}, "use_errata": None, "substitute_endpoint": {}}
    s |= {k: v for k, v in scenario.items() if v is not None}
    try:
        _check_ids(cohorts, s["exclude"], "exclude")
        _check_ids(cohorts, s["denominators"], "denominators")
        _check_substitutes(cohorts, s["substitute_endpoint"])
    except ValueError as exc:
        raise ValueError(f"scenario {name!r}: {exc}") from None
    return s


def _scenario_kw(base: Mapping[str, Any], s: Mapping[str, Any]) -> dict[str, Any]:
    kw = dict(base)
    kw["exclude"] = list(dict.fromkeys([*base.get("exclude", ()), *s["exclude"]]))
    kw["denominators"] = {**(base.get("denominators") or {}), **s["denominators"]}
    kw["substitute_endpoint"] = {**(base.get("substitute_endpoint") or {}), **s["substitute_endpoint"]}
    if s["use_errata"] is not None:
        kw["use_errata"] = s["use_errata"]
    return kw


_SCEN_SCHEMA: dict[str, Any] = {
    "name": pl.String, "description": pl.String, "k": pl.Int64, "cohorts": pl.String, "proportion": pl.Float64,
    "ci_low": pl.Float64, "ci_high": pl.Float64, "tau2": pl.Float64, "i2": pl.Float64, "change": pl.Float64,
    "note": pl.String, "error": pl.String,
}  # fmt: skip


def _scenario_row(suite: SuiteResult, s: Mapping[str, Any]) -> dict[str, Any]:
    base = {"name": s["name"], "description": s["description"]}
    try:
        data = outcome_data(suite.cohorts, suite.outcome, **_scenario_kw(suite.data_kw, s))
    except ValueError as exc:
        return dict.fromkeys(_SCEN_SCHEMA) | base | {"error": str(exc)}
    c = _counts(data)
    notes = [f"{r['cohort']}: {r['note']}" for r in data.iter_rows(named=True) if r["events"] is None]
    notes += [f"{r['cohort']}: approximate count" for r in data.iter_rows(named=True) if r["approximate"]]
    res, error, _ = _fit(c, *suite.options, suite.level) if c.k else (None, "no cohort left to pool", "")
    values = _pooled_values(res)
    change = None if values["proportion"] is None else values["proportion"] - suite.primary.proportion[0]
    return dict.fromkeys(_SCEN_SCHEMA) | base | {
        "k": c.k, "cohorts": ", ".join(c.ids), **{k: values[k] for k in ("proportion", "ci_low", "ci_high")},
        "tau2": values["tau2"], "i2": values["i2"], "change": change, "note": "; ".join(notes) or None,
        "error": error or None,
    }  # fmt: skip


# --------------------------------------------------------------------------------------------------
# pairwise
# --------------------------------------------------------------------------------------------------


def risk_ratio(x1: int, n1: int, x2: int, n2: int, level: float = 0.95) -> tuple[float, float, float]:
    """Risk ratio x1/n1 ÷ x2/n2 with the log (Katz) interval, as metafor ``escalc(measure = "RR")``.

    0.5 is added to every cell of the 2×2 table only when one cell is 0 (``add = 1/2, to = "only0"``).

    Parameters
    ----------
    x1, n1, x2, n2 : int
        Events and totals of group 1 and group 2.
    level : float
        Confidence level.

    Returns
    -------
    tuple of float
        ``(rr, low, high)``.

    Examples
    --------
    >>> [round(v, 4) for v in risk_ratio(10, 20, 5, 20)]
    [2.0, 0.8325, 4.8051]

    Raises
    ------
    ValueError
        Counts that are not whole numbers with 0 <= x <= n and n > 0 (e.g. x > n), or a level outside (0, 1).
    """
    from scipy import stats

    from ..stats.proportions import _check_2x2, _z

    x1, n1, x2, n2 = _check_2x2(x1, n1, x2, n2)
    _z(level)
    a, b, c, d = float(x1), float(n1 - x1), float(x2), float(n2 - x2)
    if min(a, b, c, d) == 0:
        a, b, c, d = a + 0.5, b + 0.5, c + 0.5, d + 0.5
    log_rr = math.log(a / (a + b)) - math.log(c / (c + d))
    se = math.sqrt(1 / a - 1 / (a + b) + 1 / c - 1 / (c + d))
    z = float(stats.norm.isf((1 - level) / 2))
    return math.exp(log_rr), math.exp(log_rr - z * se), math.exp(log_rr + z * se)


_PAIR_SCHEMA: dict[str, Any] = {
    "cohort": pl.String, "reference": pl.String, "outcome": pl.String, "events": pl.Int64, "total": pl.Int64,
    "ref_events": pl.Int64, "ref_total": pl.Int64, "risk_difference": pl.Float64, "rd_low": pl.Float64,
    "rd_high": pl.Float64, "risk_ratio": pl.Float64, "rr_low": pl.Float64, "rr_high": pl.Float64,
    "fisher_p": pl.Float64, "fragility_index": pl.Int64, "reverse_fragility_index": pl.Int64,
    "e_value": pl.Float64, "e_value_ci": pl.Float64, "approximate": pl.Boolean, "comparison": pl.String,
}  # fmt: skip


def _pair_row(row: dict[str, Any], ref: dict[str, Any], outcome: str, level: float) -> dict[str, Any]:
    from ..stats.proportions import fisher_exact, risk_difference
    from ..stats.sensitivity import e_value, fragility_index, reverse_fragility_index

    args = (row["events"], row["total"], ref["events"], ref["total"])
    rd, rd_lo, rd_hi = risk_difference(*args, method="newcombe", level=level)
    rr, rr_lo, rr_hi = risk_ratio(*args, level=level)
    e_point, e_ci = e_value(rr, rr_lo, rr_hi)
    return {"cohort": row["cohort"], "reference": ref["cohort"], "outcome": outcome, "events": args[0],
            "total": args[1], "ref_events": args[2], "ref_total": args[3], "risk_difference": rd, "rd_low": rd_lo,
            "rd_high": rd_hi, "risk_ratio": rr, "rr_low": rr_lo, "rr_high": rr_hi, "fisher_p": fisher_exact(*args),
            "fragility_index": fragility_index(*args), "reverse_fragility_index": reverse_fragility_index(*args),
            "e_value": e_point, "e_value_ci": e_ci, "approximate": bool(row["approximate"] or ref["approximate"]),
            "comparison": UNANCHORED}  # fmt: skip


# --------------------------------------------------------------------------------------------------
# result
# --------------------------------------------------------------------------------------------------


@dataclass
class SuiteResult:
    """Sensitivity suite of one outcome over a set of cohorts (parts are computed on first access).

    Attributes
    ----------
    cohorts : CohortSet
        The cohorts.
    outcome : str
        Outcome name (``"orr"``, ``"tte_6m"``, ...).
    data : polars.DataFrame
        :func:`outcome_data` of the primary analysis.
    primary : MetaResult
        The primary analysis (default logit-REML, z-test).
    options : tuple of str
        ``(transform, method, test)`` of the primary analysis.
    level : float
        Confidence level.
    data_kw : dict
        Data choices of the primary analysis (denominators, errata, exclusions...).
    """

    cohorts: CohortSet
    outcome: str
    data: pl.DataFrame
    primary: MetaResult
    options: tuple[str, str, str]
    level: float
    data_kw: dict[str, Any] = field(default_factory=dict)
    declared: tuple[dict[str, Any], ...] = ()
    grid_spec: tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]] = (tuple(TRANSFORMS), _ALL_METHODS, TESTS)

    @property
    def label(self) -> str:
        """Readable name of the outcome."""
        parsed = _parse_outcome(self.outcome)
        return parsed.label if parsed else self.outcome

    @property
    def notes(self) -> list[str]:
        """Why cohorts were left out, which counts are approximate, caveats of small k."""
        rows = self.data.iter_rows(named=True)
        out = [f"{r['cohort']}: {r['note']}" for r in rows if r["events"] is None or r["approximate"]]
        if self.primary.k < 3:
            out.append(f"only k = {self.primary.k} cohort(s) pooled: τ², I² and the prediction interval are "
                       "unreliable or undefined")  # fmt: skip
        return out

    @cached_property
    def grid(self) -> pl.DataFrame:
        """One row per transform × τ² method × test (GLMM: logit only); failed fits carry ``error``."""
        c = _counts(self.data)
        rows = [_grid_row(c, cell, self.level, self.options) for cell in _grid_cells(*self.grid_spec)]
        return pl.DataFrame(rows, schema=_GRID_SCHEMA, orient="row")

    @cached_property
    def leave_one_out(self) -> pl.DataFrame:
        """Primary analysis refitted without each cohort (empty for k = 1); ``change`` vs the primary."""
        return _leave_one_out(self.primary)

    @cached_property
    def subgroups(self) -> pl.DataFrame:
        """Subgroups by design and by endpoint (where both groups exist) with the test of differences."""
        transform, method, test = self.options
        opts = {"transform": transform, "method": method, "test": test, "level": self.level}
        rows = [r for by in ("design", "endpoint") for r in _subgroup_rows(self.data, by, opts)]
        return pl.DataFrame(rows, schema=_SUB_SCHEMA, orient="row")

    @cached_property
    def scenarios(self) -> pl.DataFrame:
        """One row per declared scenario: pooled proportion, CI, τ², I² and change vs the primary."""
        rows = [_scenario_row(self, s) for s in self.declared]
        return pl.DataFrame(rows, schema=_SCEN_SCHEMA, orient="row")

    def pairwise(self, reference: str | None = None) -> pl.DataFrame:
        """Each pooled cohort against a reference cohort: RD, RR, Fisher p, fragility, E-value.

        Parameters
        ----------
        reference : str, optional
            Reference cohort (default: the ``reference`` data choice, else the first pooled cohort).

        Returns
        -------
        polars.DataFrame
            One row per other cohort; ``comparison`` says every row is an unanchored, non-randomised
            comparison. The E-value is that of the risk ratio and of its confidence limit nearer 1.

        Raises
        ------
        ValueError
            If the reference is not a cohort with a usable count for this outcome.
        """
        used = {r["cohort"]: r for r in self.data.iter_rows(named=True) if r["events"] is not None}
        reference = reference or self.data_kw.get("reference") or next(iter(used), None)
        if reference not in used:
            raise ValueError(f"reference {reference!r} has no usable count for {self.outcome}; "
                             f"usable: {', '.join(used) or 'none'}")  # fmt: skip
        rows = [_pair_row(r, used[reference], self.outcome, self.level) for c, r in used.items() if c != reference]
        return pl.DataFrame(rows, schema=_PAIR_SCHEMA, orient="row")

    def forest_svg(self) -> str:
        """Forest plot of the primary analysis (per-cohort CIs, pooled diamond, prediction interval).

        Returns
        -------
        str
            SVG text (:func:`trialcompare.render.plots.forest_plot_svg`).
        """
        from ..render.plots import forest_plot_svg
        from ._pool import back_transform

        res, transform = self.primary, self.primary.transform or "logit"
        st = res.studies
        totals = st["totals"].to_numpy()

        def back(col: str) -> list[float]:
            if transform != "freeman-tukey":
                return back_transform(st[col].to_numpy(), transform).tolist()
            return [float(back_transform([v], transform, [n])[0]) for v, n in zip(st[col], totals, strict=True)]

        labels = self._forest_labels()
        p = res.proportion
        assert p is not None
        return forest_plot_svg(
            labels, back("yi"), back("ci_low"), back("ci_high"), pooled=(p[0], p[1], p[2]), prediction=(p[3], p[4]),
            xlabel=self.label, weights=st["weight"].to_list(), xlim=(0.0, 1.0),
            prediction_label=f"{self.level:.0%} prediction interval",
            pooled_label=f"Pooled ({res.method}, {transform}), k = {res.k}",
        )  # fmt: skip

    def _forest_labels(self) -> list[str]:
        rows = {r["cohort"]: r for r in self.data.iter_rows(named=True)}
        out = []
        for cid in self.primary.studies["label"].to_list():
            r = rows[cid]
            approx = "≈" if r["approximate"] else ""
            out.append(f"{r['label']} ({approx}{r['events']}/{r['total']})")
        return out

    def summary(self, full: bool = False) -> str:
        """Readable text: per-cohort counts, the primary analysis and notes (``full``: every table).

        Parameters
        ----------
        full : bool
            Also show the transform × method grid, leave-one-out, subgroups, scenarios and pairwise tables.

        Returns
        -------
        str
        """
        from ..render.tables import format_text

        t, m, s = self.options
        parts = [f"Outcome: {self.label} ({self.outcome}); primary analysis: {t}, {m}, test {s}", "",
                 format_text(self.data.with_columns(pl.col("estimate").round(4))), self.primary.summary()]  # fmt: skip
        if self.notes:
            parts += ["", "Notes:", *(f"- {n}" for n in self.notes)]
        if full:
            for title, frame in self._tables():
                parts += ["", f"{title}:", format_text(frame) if not frame.is_empty() else "(none)\n"]
        return "\n".join(parts).rstrip() + "\n"

    def _tables(self) -> list[tuple[str, pl.DataFrame]]:
        grid = self.grid.with_columns(pl.col(pl.Float64).round(4))
        tables = [
            ("Transform × method grid", grid),
            ("Leave-one-out", self.leave_one_out.with_columns(pl.col(pl.Float64).round(4))),
            ("Subgroups", self.subgroups.with_columns(pl.col(pl.Float64).round(4))),
        ]
        if self.declared:
            tables.append(("Scenarios", self.scenarios.with_columns(pl.col(pl.Float64).round(4))))
        if self.primary.k >= 2:
            tables.append((f"Pairwise ({UNANCHORED})", self.pairwise().with_columns(pl.col(pl.Float64).round(4))))
        return tables

    def to_dict(self, full: bool = True) -> dict[str, Any]:
        """JSON-ready dictionary (non-finite numbers become None).

        Parameters
        ----------
        full : bool
            Include grid, leave-one-out, subgroups, scenarios and pairwise tables.

        Returns
        -------
        dict
        """
        t, m, s = self.options
        out: dict[str, Any] = {"outcome": self.outcome, "label": self.label, "level": self.level,
                               "primary_analysis": {"transform": t, "method": m, "test": s},
                               "data": self.data.to_dicts(), "primary": _primary_dict(self.primary),
                               "notes": self.notes}  # fmt: skip
        if full:
            names = ("grid", "leave_one_out", "subgroups", "scenarios")
            out |= {name: getattr(self, name).to_dicts() for name in names}
            out["pairwise"] = self.pairwise().to_dicts() if self.primary.k >= 2 else []
        return _jsonable(out)


# --------------------------------------------------------------------------------------------------
# entry point
# --------------------------------------------------------------------------------------------------


def _check_suite_options(transforms: Sequence[str], methods: Sequence[str], tests: Sequence[str], level: float) -> None:
    for values, allowed, what in ((transforms, TRANSFORMS, "transform"), (methods, _ALL_METHODS, "method"),
                                  (tests, TESTS, "test")):  # fmt: skip
        bad = [v for v in values if v not in allowed]
        if bad:
            raise ValueError(f"unknown {what} {', '.join(map(repr, bad))}; choose from {', '.join(allowed)}")
    if not 0 < float(level) < 1:
        raise ValueError(f"level must lie strictly between 0 and 1 (e.g. 0.95); got {level!r}")


def _primary_fit(data: pl.DataFrame, outcome: str, options: tuple[str, str, str], level: float) -> MetaResult:
    c = _counts(data)
    if c.k == 0:
        why = "; ".join(f"{r['cohort']}: {r['note']}" for r in data.iter_rows(named=True))
        raise ValueError(f"no cohort has a usable count for {outcome!r} ({why})")
    transform, method, test = options
    if method == "GLMM" and test == "knha":
        raise ValueError("test 'knha' is not defined for the GLMM; use test 'z'")
    res, error, _ = _fit(c, transform, method, test, level)
    if res is None:
        raise MetaError(f"the primary analysis ({transform}, {method}, k = {c.k}) cannot be fitted: {error}")
    return res


def sensitivity_suite(
    cohorts: CohortSet,
    outcome: str,
    *,
    scenarios: Sequence[Mapping[str, Any]] = (),
    transforms: Sequence[str] = ("logit", "arcsine", "freeman-tukey", "raw"),
    methods: Sequence[str] = ("REML", "DL", "PM", "ML", "SJ", "HE", "HS", "EB", "GLMM"),
    tests: Sequence[str] = ("z", "knha"),
    level: float = 0.95,
    primary_transform: str = "logit",
    primary_method: str = "REML",
    primary_test: str = "z",
    **data_kw: Any,
) -> SuiteResult:
    """Pool one outcome over cohorts and re-run it under every reasonable alternative analysis.

    Parameters
    ----------
    cohorts : CohortSet
        Loaded descriptors.
    outcome : str
        Outcome name, see :func:`outcome_data`.
    scenarios : sequence of mapping
        Scenario declarations (see :func:`validate_scenario`), e.g. from a comparison spec.
    transforms, methods, tests : sequence of str
        The grid of alternative analyses.
    level : float
        Confidence level.
    primary_transform, primary_method, primary_test : str
        The primary analysis (default logit, REML, z-test; ``primary_method="GLMM"`` for the
        binomial-normal model).
    **data_kw
        ``denominators``, ``use_errata``, ``reference``, ``exclude``, ``substitute_endpoint``,
        ``prefer_locations``, as for :func:`outcome_data`.

    Returns
    -------
    SuiteResult

    Raises
    ------
    ValueError
        Unknown outcome, cohort id, option, bad scenario, or no cohort with a usable count.
    MetaError
        The primary model cannot be fitted (e.g. a GLMM with k = 1).
    """
    unknown = [k for k in data_kw if k not in _DATA_KEYS]
    if unknown:
        raise TypeError(f"unexpected keyword argument(s) {', '.join(unknown)}; data options: {', '.join(_DATA_KEYS)}")
    options = (primary_transform, primary_method, primary_test)
    _check_suite_options([*transforms, options[0]], [*methods, options[1]], [*tests, options[2]], level)
    declared = tuple(validate_scenario(s, cohorts) for s in scenarios)
    names = [s["name"] for s in declared]
    if len(set(names)) != len(names):
        raise ValueError(f"scenario names must be unique; got {', '.join(names)}")
    data = outcome_data(cohorts, outcome, **data_kw)
    primary = _primary_fit(data, outcome, options, float(level))
    return SuiteResult(cohorts, outcome.strip().lower(), data, primary, options, float(level), dict(data_kw),
                       declared, (tuple(transforms), tuple(methods), tuple(tests)))  # fmt: skip
