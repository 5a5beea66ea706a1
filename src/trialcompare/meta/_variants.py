"""Scenarios and subgroups of the benchmark: which of them answer a question (re-pooled when they do).

The benchmark re-run under the spec's scenarios (other denominators, errata, exclusions, one endpoint for another)
and split by design and endpoint; a variant that changes nothing is flagged so that the report says it once.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import polars as pl

from ..appraise.facts import Fact, fact
from ..rules import compared_endpoint

if TYPE_CHECKING:
    from ..load import CohortSet

__all__ = ["benchmark_variants", "variant_facts"]


# ---------------------------------------------------------------------------------------------------------------
# scenarios and subgroups of the benchmark: which answer a question


_VARIANT_SCHEMA = {"outcome": pl.String, "kind": pl.String, "name": pl.String, "k": pl.Int64,
                   "worth_showing": pl.Boolean, "reason": pl.String, "same_as": pl.String, "groups": pl.Int64,
                   "pooled": pl.Float64, "pooled_low": pl.Float64, "pooled_high": pl.Float64, "pi_low": pl.Float64,
                   "pi_high": pl.Float64, "position": pl.String}


def _scenario_counts(cohorts: CohortSet, b: Any, scenario: dict[str, Any], data_kw: dict[str, Any]) -> pl.DataFrame:
    """The comparators' counts under a scenario: the primary's comparators less the scenario's exclusions, read with
    its denominators, errata and substituted endpoints (the structural exclusions of the benchmark do not change)."""
    from .suite import outcome_data

    kw = data_kw | {"denominators": {**data_kw.get("denominators", {}), **scenario["denominators"]},
                    "substitute_endpoint": scenario["substitute_endpoint"] or None}
    if scenario["use_errata"] is not None:
        kw["use_errata"] = scenario["use_errata"]
    keep = [c for c in b.comparators["cohort"].to_list() if c not in scenario["exclude"]]
    data = outcome_data(cohorts, b.outcome, reference=b.reference, include_controls=True, **kw)
    return data.filter(pl.col("cohort").is_in(keep), pl.col("events").is_not_null()).select("cohort", "events",
                                                                                           "total")


def _scenario_result(cohorts: CohortSet, b: Any, scenario: dict[str, Any], data_kw: dict[str, Any]) -> dict:
    """Pooled comparators and prediction interval of a scenario worth showing (the benchmark re-run)."""
    from . import MetaError, benchmark

    kw = data_kw | {"denominators": {**data_kw.get("denominators", {}), **scenario["denominators"]}}
    if scenario["substitute_endpoint"]:
        kw["substitute_endpoint"] = scenario["substitute_endpoint"]
    if scenario["use_errata"] is not None:
        kw["use_errata"] = scenario["use_errata"]
    try:
        sb = benchmark(cohorts, b.outcome, b.reference, exclude=scenario["exclude"], transform=b.transform,
                       method=b.method, level=b.level, **kw)
    except (ValueError, MetaError):
        return {}
    if not sb.estimable or sb.pooled is None or sb.prediction is None:
        return {}
    return {"pooled": sb.pooled[0], "pooled_low": sb.pooled[1], "pooled_high": sb.pooled[2],
            "pi_low": sb.prediction[0], "pi_high": sb.prediction[1], "position": sb.position}


def _scenario_variants(cohorts: CohortSet, b: Any, scenarios: Sequence[dict[str, Any]],
                       data_kw: dict[str, Any]) -> list[dict]:
    from ._benchmark import scenario_worth_showing

    if not scenarios:
        return []
    counts = {s["name"]: _scenario_counts(cohorts, b, s, data_kw) for s in scenarios}
    flags = scenario_worth_showing(b.comparators.select("cohort", "events", "total"), counts)
    by_name = {s["name"]: s for s in scenarios}
    return [dict.fromkeys(_VARIANT_SCHEMA) | r | {"outcome": b.outcome, "kind": "scenario"}
            | (_scenario_result(cohorts, b, by_name[r["name"]], data_kw) if r["worth_showing"] else {})
            for r in flags.iter_rows(named=True)]


def _subgroup_variants(cohorts: CohortSet, b: Any) -> list[dict]:
    from ._benchmark import subgroup_worth_showing

    ids = b.comparators["cohort"].to_list()
    if not ids:
        return []
    endpoints = [(ep.name if (ep := compared_endpoint(cohorts[c].descriptor)) else "none") for c in ids]
    flags = subgroup_worth_showing(ids, {"design": [cohorts[c].descriptor.design.type for c in ids],
                                         "endpoint": endpoints})
    return [dict.fromkeys(_VARIANT_SCHEMA) | {"outcome": b.outcome, "kind": "subgroup", "name": r["by"],
                                              "k": r["smallest_k"], "worth_showing": r["worth_showing"],
                                              "reason": r["reason"], "same_as": r["same_as"], "groups": r["groups"]}
            for r in flags.iter_rows(named=True)]


def benchmark_variants(cohorts: CohortSet, benchmarks: Sequence[Any], scenarios: Sequence[dict[str, Any]] = (),
                       **data_kw: Any) -> pl.DataFrame:
    """The spec's scenarios and the design/endpoint subgroups of each benchmark, flagged when they add nothing.

    A scenario that leaves the comparators' counts as in the primary (or as in an earlier scenario), or leaves
    fewer than three, and a subgroup partition with one group, with a group of k < 3, or identical to another
    partition, is reported so that the report says it in one line instead of dropping it
    (``scenario_worth_showing``, ``subgroup_worth_showing`` of :mod:`trialcompare.meta`). A
    scenario worth showing is re-run as a benchmark (its pooled comparators and prediction interval).

    Parameters
    ----------
    cohorts : CohortSet
    benchmarks : sequence of Benchmark
        The primary benchmarks (:func:`trialcompare.meta.benchmark`).
    scenarios : sequence of dict
        Scenario declarations as the spec gives them (``name, exclude, denominators, use_errata,
        substitute_endpoint``).
    **data_kw
        ``denominators``, ``use_errata``, ``prefer_locations`` of the primary analysis.

    Returns
    -------
    polars.DataFrame
        ``outcome, kind ("scenario" | "subgroup"), name, k, worth_showing, reason, same_as, groups, pooled,
        pooled_low, pooled_high, pi_low, pi_high, position``; reason codes ``no-change``, ``same-as-scenario``,
        ``k<3`` (scenarios), ``single-group``, ``same-partition``, ``subgroup-k<3`` (subgroups).

    Examples
    --------
    >>> import trialcompare as tc
    >>> from trialcompare.meta import benchmark
    >>> cs = tc.load("trials/apatinib-ie.yaml", "trials/apatinib.yaml", "trials/ie.yaml")
    >>> b = benchmark(cs, "orr", "apatinib-ie")
    >>> benchmark_variants(cs, [b], [{"name": "no-ie", "exclude": ["ie"], "denominators": {},
    ...                                "use_errata": None, "substitute_endpoint": {}}])["reason"].to_list()
    ['no-change', 'single-group', 'single-group']
    """
    rows = []
    for b in benchmarks:
        rows += _scenario_variants(cohorts, b, scenarios, data_kw) + _subgroup_variants(cohorts, b)
    return pl.DataFrame(rows, schema=_VARIANT_SCHEMA, orient="row")


_TOKEN = re.compile(r"^[A-Za-z0-9_.:+|/%()-]+$")


def _name(name: str, i: int) -> str:
    """A scenario's name as a fact token (``scenario-<i>`` when it has spaces; render maps it back)."""
    return name if _TOKEN.match(name) else f"scenario-{i}"


def _pct(x: float | None) -> float | None:
    return None if x is None else round(100 * float(x), 1)


def _scenario_facts(rows: list[dict[str, Any]]) -> list[Fact]:
    same = tuple(_name(r["name"], i) for i, r in enumerate(rows) if r["reason"] == "no-change")
    out = [fact("variants-no-change", scenarios=same)] if same else []
    for i, r in enumerate(rows):
        name = _name(r["name"], i)
        if r["reason"] == "same-as-scenario":
            out.append(fact("variant-same-as", scenario=name, same_as=str(r["same_as"])))
        elif r["reason"] == "k<3":
            out.append(fact("variant-too-few", scenario=name, k=int(r["k"])))
        elif r["worth_showing"] and r["pooled"] is not None:
            out.append(fact("variant-result", scenario=name, k=int(r["k"]), pooled=_pct(r["pooled"]),
                            pooled_low=_pct(r["pooled_low"]), pooled_high=_pct(r["pooled_high"]),
                            pi_low=_pct(r["pi_low"]), pi_high=_pct(r["pi_high"]), position=str(r["position"])))
        elif r["worth_showing"]:
            out.append(fact("variant-not-estimable", scenario=name, k=int(r["k"])))
    return out


def _subgroup_facts(rows: list[dict[str, Any]]) -> list[Fact]:
    single = tuple(str(r["name"]) for r in rows if r["reason"] == "single-group")
    out = [fact("subgroups-single-group", by=single)] if single else []
    for r in rows:
        if r["reason"] == "same-partition":
            out.append(fact("subgroups-same-partition", by=str(r["name"]), same_as=str(r["same_as"])))
        elif r["reason"] == "subgroup-k<3":
            out.append(fact("subgroups-too-few", by=str(r["name"]), k=int(r["k"])))
        elif r["worth_showing"]:
            out.append(fact("subgroups-groups", by=str(r["name"]), groups=int(r["groups"])))
    return out


def variant_facts(variants: pl.DataFrame, outcome: str) -> tuple[Fact, ...]:
    """The scenarios and subgroups of one benchmark as facts.

    One fact for the scenarios that change nothing, one per other scenario, one for the subgroup partitions with
    one group, one per other partition.

    Parameters
    ----------
    variants : polars.DataFrame
        :func:`benchmark_variants`.
    outcome : str

    Returns
    -------
    tuple of Fact

    Examples
    --------
    >>> v = pl.DataFrame({"outcome": ["orr"] * 2, "kind": ["scenario", "subgroup"], "name": ["no-ie", "design"],
    ...                   "k": [2, 2], "worth_showing": [False, False], "reason": ["no-change", "single-group"],
    ...                   "same_as": [None, None]})
    >>> [f.code for f in variant_facts(v, "orr")]
    ['variants-no-change', 'subgroups-single-group']
    """
    if variants.is_empty():
        return ()
    mine = variants.filter(pl.col("outcome") == outcome)
    scen = [r for r in mine.iter_rows(named=True) if r["kind"] == "scenario"]
    subs = [r for r in mine.iter_rows(named=True) if r["kind"] == "subgroup"]
    return (*_scenario_facts(scen), *_subgroup_facts(subs))
