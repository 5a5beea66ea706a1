"""Fitting helpers, the transform × estimator × test grid, leave-one-out and subgroups of the meta suite."""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl

from ._data import (
    _FT_NOTE,
)
from ._pool import MetaError, MetaResult, pool_proportions
from ._subgroup import subgroup_analysis

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
        except (MetaError, ValueError, FloatingPointError, np.linalg.LinAlgError) as exc:  # a failed cell is reported
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
        "tau2_ci": _list(res.tau2_ci), "tau2_upper_bounded": res.tau2_upper_bounded, "i2": res.i2,
        "i2_ci": _list(res.i2_ci), "h2": res.h2, "q": res.q,
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
    "converged": pl.Boolean,
}  # fmt: skip


def _leave_one_out(res: MetaResult) -> pl.DataFrame:
    if res.k < 2:
        return pl.DataFrame(schema=_LOO_SCHEMA)
    with warnings.catch_warnings():  # non-convergence is carried by the converged column, not a warning
        warnings.simplefilter("ignore")
        loo = res.leave_one_out()
    assert res.proportion is not None
    converged = pl.col("converged") if "converged" in loo.columns else pl.lit(None, dtype=pl.Boolean)
    frame = loo.select(
        pl.col("study").alias("omitted"), pl.lit(res.k - 1, dtype=pl.Int64).alias("k"), "proportion",
        pl.col("proportion_ci_low").alias("ci_low"), pl.col("proportion_ci_high").alias("ci_high"),
        "tau2", "i2", "q", "q_p", (pl.col("proportion") - res.proportion[0]).alias("change"),
        converged.alias("converged"),
    )  # fmt: skip
    # polars' stub types cast's mapping with an invariant key (str | Selector | DataType), which no dict[str, ...]
    # can match
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
            sub = subgroup_analysis(used["events"].to_list(), used["total"].to_list(), groups,
                                    labels=used["cohort"].to_list(), **opts)  # fmt: skip
            res, q, df, p = sub.results, sub.q_between, sub.df, sub.p
        except (MetaError, ValueError, FloatingPointError, np.linalg.LinAlgError) as exc:  # reported in the table
            return [dict.fromkeys(_SUB_SCHEMA) | {"by": by, "error": f"{type(exc).__name__}: {exc}"}]
    rows = []
    for group, r in res.items():
        ids = [c for c, g in zip(used["cohort"].to_list(), groups, strict=True) if g == group]
        rows.append({"by": by, "group": group, "k": r.k, "cohorts": ", ".join(ids), **_pooled_values(r),
                     "q_between": q, "df": df, "p": p, "error": None})  # fmt: skip
    return [{k: row.get(k) for k in _SUB_SCHEMA} for row in rows]
