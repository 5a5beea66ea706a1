"""Balance of every covariate and level, matched or not, before and after weighting (private module).

TSD 18 asks for the balance of every baseline characteristic, not only of the matched moments: what the weights
did to the factors they were not asked to match, and which factors the IPD cannot show. One row per comparator
statistic (a continuous variable's mean, SD and median; each level of a categorical variable) and per mapped IPD
column the comparator does not report. A level without a column of its own is derived as ``1 - sum`` of the other
levels' columns when each of them has one (``derived = True``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import polars as pl

__all__ = ["BALANCE_SCHEMA", "STATUS", "full_balance"]

#: What a balance row's ``status`` says.
STATUS = {
    "matched": "matched: the weighted IPD equals the comparator",
    "unmatched": "reported by both, not matched",
    "excluded": "the comparator reports 0%: the IPD's patients were removed before weighting",
    "not_in_ipd": "reported by the comparator, no IPD column",
    "not_reported": "in the IPD, not reported by the comparator",
}

BALANCE_SCHEMA = {
    "variable": pl.String, "level": pl.String, "column": pl.String, "statistic": pl.String, "target": pl.Float64,
    "ipd_all": pl.Float64, "before": pl.Float64, "after": pl.Float64, "threshold": pl.Float64,
    "matched": pl.Boolean, "derived": pl.Boolean, "status": pl.String,
}


def _stat(statistic: str, x: np.ndarray | None, w: np.ndarray, threshold: float | None) -> float | None:
    if x is None or x.size == 0:
        return None
    mean = float(np.sum(w * x) / np.sum(w))
    if statistic == "sd":
        return math.sqrt(max(float(np.sum(w * x**2) / np.sum(w)) - mean**2, 0.0))
    if statistic == "p_above_median":
        return float(np.sum(w * (x > threshold)) / np.sum(w))
    return mean


def _values(frame: pl.DataFrame | None, column: str | None, derived_from: Sequence[str]) -> np.ndarray | None:
    if frame is None:
        return None
    if column is not None:
        return frame[column].to_numpy().astype(float)
    if derived_from:
        return 1.0 - np.sum([frame[c].to_numpy().astype(float) for c in derived_from], axis=0)
    return None


def _row(ctx: dict, variable: str, level: str | None, column: str | None, derived_from: Sequence[str],
         statistic: str, target: float | None, threshold: float | None) -> dict:
    matched_key = (column, "median" if statistic == "p_above_median" else statistic)
    matched = column is not None and matched_key in ctx["matched"]
    have = column is not None or bool(derived_from)
    vals = [_values(f, column, derived_from) if have else None for f in (ctx["all"], ctx["eligible"])]
    w_all, w1 = np.ones(ctx["all"].height), np.ones(ctx["eligible"].height)
    after = _stat(statistic, vals[1], ctx["weights"], threshold) if have else None
    if statistic == "p_above_median":
        target = None if target is None else 0.5
    status = ("matched" if matched else "not_in_ipd" if not have else "not_reported" if target is None
              else "excluded" if target == 0 and after == 0 else "unmatched")
    return {"variable": variable, "level": level, "column": column, "statistic": statistic, "target": target,
            "ipd_all": _stat(statistic, vals[0], w_all, threshold), "before": _stat(statistic, vals[1], w1, threshold),
            "after": after, "threshold": threshold, "matched": matched, "derived": column is None and have,
            "status": status}


def _continuous_rows(ctx: dict, variable: str, reported: pl.DataFrame, column: str | None) -> list[dict]:
    stats = {s: float(r["value"][0]) for s in ("mean", "sd", "median")
             if (r := reported.filter(pl.col("statistic") == s)).height}
    rows = []
    for s in ("mean", "sd"):
        if s in stats or (column is not None and not stats):
            rows.append(_row(ctx, variable, None, column, (), s, stats.get(s), None))
    if "median" in stats:
        rows.append(_row(ctx, variable, None, column, (), "p_above_median", stats["median"], stats["median"]))
    return rows


def _categorical_rows(ctx: dict, variable: str, reported: pl.DataFrame, columns: dict) -> list[dict]:
    counts = reported.filter((pl.col("statistic") == "count") & pl.col("n").is_not_null()
                             & (pl.col("denominator") > 0)).unique(["level"], keep="first", maintain_order=True)
    target = {r["level"]: r["n"] / r["denominator"] for r in counts.iter_rows(named=True)}
    levels = list(dict.fromkeys([*target, *columns]))
    rows = []
    for level in levels:
        own = columns.get(level)
        others = [columns.get(o) for o in target if o != level]
        present = [o for o in others if o is not None]
        derived = () if own is not None or len(present) < len(others) or not target or level not in target \
            else tuple(present)
        rows.append(_row(ctx, variable, level, own, derived, "proportion", target.get(level), None))
    return rows


def full_balance(ipd_all: pl.DataFrame, ipd: pl.DataFrame, weights: np.ndarray, entries: Sequence[Any],
                 baseline: pl.DataFrame, matched: dict[str, dict[str, float]]) -> pl.DataFrame:
    """Balance of every comparator variable and level and every mapped IPD column, before and after weighting.

    Parameters
    ----------
    ipd_all : polars.DataFrame
        The IPD before the eligibility criteria (``ipd_all`` column).
    ipd : polars.DataFrame
        The eligible IPD that was weighted (``before``: unweighted; ``after``: weighted).
    weights : numpy.ndarray
        The MAIC weights of ``ipd``'s patients.
    entries : sequence of MappingEntry
        Which IPD column is which descriptor variable or level.
    baseline : polars.DataFrame
        The comparator's baseline rows of the harmonized frame.
    matched : dict
        The matched targets (IPD column → ``{statistic: value}``).

    Returns
    -------
    polars.DataFrame
        ``variable, level, column, statistic`` (``mean``, ``sd``, ``p_above_median``, ``proportion``),
        ``target`` (null when the comparator does not report it), ``ipd_all``, ``before``, ``after`` (null when
        the IPD has no column), ``threshold`` (the median for ``p_above_median``), ``matched``, ``derived``,
        ``status`` (a key of ``STATUS``). SDs in the population form ``sqrt(E[x^2] - E[x]^2)``.

    Examples
    --------
    ECOG 0/1/2 reported 27/10/0 of 37; the IPD has columns for 0 and 1, ECOG 2 is derived as 1 - ecog_0 - ecog_1.

    >>> base = pl.DataFrame({"variable": ["ecog"] * 3, "level": ["0", "1", "2"], "statistic": ["count"] * 3,
    ...                      "n": [27, 10, 0], "denominator": [37] * 3, "value": [73.0, 27.0, 0.0]})
    >>> from trialcompare.maic._targets import MappingEntry
    >>> entries = [MappingEntry("ecog_0", "ecog", "0"), MappingEntry("ecog_1", "ecog", "1", match=False)]
    >>> ipd_all = pl.DataFrame({"ecog_0": [1.0, 0, 0, 1], "ecog_1": [0.0, 1, 0, 0]})
    >>> ipd = ipd_all[[0, 1, 3]]
    >>> b = full_balance(ipd_all, ipd, np.array([1.0, 2, 1]), entries, base, {"ecog_0": {"proportion": 0.5}})
    >>> b.select("level", "ipd_all", "before", "after", "derived", "status").rows()[2]
    ('2', 0.25, 0.0, 0.0, True, 'excluded')
    """
    ctx = {"all": ipd_all, "eligible": ipd, "weights": np.asarray(weights, dtype=float),
           "matched": {(col, s) for col, spec in matched.items() for s in spec}}
    by_variable: dict[str, list[Any]] = {}
    for e in entries:
        if e.column in ipd.columns:
            by_variable.setdefault(e.variable, []).append(e)
    variables = list(dict.fromkeys([*baseline["variable"].to_list(), *by_variable]))
    rows: list[dict] = []
    for variable in variables:
        reported = baseline.filter(pl.col("variable") == variable)
        mine = by_variable.get(variable, [])
        if any(e.level is not None for e in mine) or reported["level"].drop_nulls().len():
            rows += _categorical_rows(ctx, variable, reported, {e.level: e.column for e in mine if e.level})
        else:
            rows += _continuous_rows(ctx, variable, reported, mine[0].column if mine else None)
    return pl.DataFrame(rows, schema=BALANCE_SCHEMA)
