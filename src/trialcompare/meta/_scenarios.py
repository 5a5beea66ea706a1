"""Sensitivity scenarios of the meta suite: declaration, validation, re-run."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import polars as pl
from pydantic import ValidationError

from ..load import CohortSet
from ._data import (
    SCENARIO_KEYS,
    _check_ids,
    _check_substitutes,
    outcome_data,
)
from ._grid import (
    _counts,
    _fit,
    _pooled_values,
)

if TYPE_CHECKING:
    from .suite import SuiteResult


# --------------------------------------------------------------------------------------------------
# scenarios
# --------------------------------------------------------------------------------------------------


_TYPE_WORDS = {"bool_type": "true or false", "list_type": "a list", "dict_type": "a dict", "string_type": "text",
               "int_type": "a whole number"}


def _scenario_message(name: Any, exc: ValidationError) -> str:
    """The first problem of a scenario in words (pydantic's error types translated)."""
    errors = exc.errors()
    extra = [repr(e["loc"][0]) for e in errors if e["type"] == "extra_forbidden"]
    if extra:
        return f"scenario {name!r}: unknown key(s) {', '.join(extra)}; allowed: {', '.join(SCENARIO_KEYS)}"
    err = errors[0]
    field = ".".join(map(str, err["loc"]))
    if field == "name":
        return f"every scenario needs a non-empty 'name'; got {name!r}"
    kind = _TYPE_WORDS.get(err["type"])
    if kind and len(err["loc"]) == 1:
        return f"scenario {name!r}: {field} must be {kind}, got {err['input']!r}"
    return f"scenario {name!r}: {field}: {err['msg']}"


def validate_scenario(scenario: Mapping[str, Any], cohorts: CohortSet) -> dict[str, Any]:
    """Check a scenario declaration and return it with defaults filled in.

    The declaration is checked against the one scenario model (:class:`trialcompare.spec.Scenario`, strict types)
    and the cohorts.

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
    from ..spec import Scenario

    if not isinstance(scenario, Mapping):
        raise ValueError(f"a scenario must be a mapping with keys {', '.join(SCENARIO_KEYS)}; got {scenario!r}")
    data = {k: list(v) if isinstance(v, tuple) else v for k, v in scenario.items() if v is not None or k == "name"}
    try:
        s = Scenario.model_validate(data, strict=True).model_dump()
    except ValidationError as exc:
        raise ValueError(_scenario_message(scenario.get("name"), exc)) from None
    name = s["name"]
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
    primary = suite.primary.proportion
    change = None if values["proportion"] is None or primary is None else values["proportion"] - primary[0]
    return dict.fromkeys(_SCEN_SCHEMA) | base | {
        "k": c.k, "cohorts": ", ".join(c.ids), **{k: values[k] for k in ("proportion", "ci_low", "ci_high")},
        "tau2": values["tau2"], "i2": values["i2"], "change": change, "note": "; ".join(notes) or None,
        "error": error or None,
    }  # fmt: skip
