"""Baseline characteristics of a comparison: one row per cohort, variable and level, and the SMD of each variable.

:func:`_baseline` keeps the variables enough of the compared cohorts report, or the reference (:func:`shown`;
the others are :func:`hidden_baseline`), at the preferred location, with their proportions under the chosen
denominators; :func:`_smd` gives each cohort's standardized mean difference against the reference (continuous,
binary or multi-level). Used by :func:`trialcompare.comparison.compare`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import polars as pl

from .comparison_reports import _denominator, _group, _preferred
from .descriptor.vocabulary import VARIABLES

if TYPE_CHECKING:
    from .comparison import CompareOptions

__all__ = ["hidden_baseline", "shown"]

# ---------------------------------------------------------------------------------------------------------------
# baseline
# ---------------------------------------------------------------------------------------------------------------

_BASELINE_SCHEMA = {
    "cohort": pl.String, "variable": pl.String, "kind": pl.String, "level": pl.String, "reported": pl.Boolean,
    "n": pl.Int64, "denominator": pl.Int64, "denominator_basis": pl.String, "proportion": pl.Float64,
    "statistic": pl.String, "value": pl.Float64, "lower": pl.Float64, "upper": pl.Float64,
    "interval_type": pl.String, "printed": pl.String, "printed_percent": pl.Float64, "location": pl.String,
    "source": pl.String, "entry_label": pl.String, "level_label": pl.String,
}
"""``entry_label`` / ``level_label``: the row labels as printed at the chosen location (the frame's columns)."""


def _level_order(variable: str, levels: Iterable[str]) -> list[str]:
    known = VARIABLES[variable].levels
    return sorted(set(levels), key=lambda lv: known.index(lv) if lv in known else len(known))


def _categorical_rows(chosen: dict[tuple, list[dict]], ids: Sequence[str], opts: CompareOptions) -> list[dict]:
    out = []
    variables = sorted({v for (_, v) in chosen}, key=list(VARIABLES).index)
    for var in variables:
        levels = _level_order(var, (r["level"] for (c, v), rows in chosen.items() if v == var for r in rows))
        for cid in ids:
            by_level = {r["level"]: r for r in chosen.get((cid, var), [])}
            for level in levels:
                out.append(_categorical_row(cid, var, level, by_level.get(level), opts))
    return out


def _categorical_row(cid: str, var: str, level: str, row: dict | None, opts: CompareOptions) -> dict:
    base = dict.fromkeys(_BASELINE_SCHEMA) | {"cohort": cid, "variable": var, "kind": "categorical",
                                              "level": level, "statistic": "count", "reported": row is not None}
    if row is None:
        return base
    n, den, basis = _denominator(row, opts)
    return base | {"n": n, "denominator": den, "denominator_basis": basis,
                   "proportion": n / den if den else None, "printed": row["printed"],
                   "printed_percent": row["value"], "location": row["location"], "source": row["source"],
                   "entry_label": row["entry_label"], "level_label": row["level_label"]}


def _continuous_rows(chosen: dict[tuple, list[dict]], ids: Sequence[str]) -> list[dict]:
    out = []
    for (cid, var), rows in chosen.items():
        for r in rows:
            out.append(dict.fromkeys(_BASELINE_SCHEMA) | {
                "cohort": cid, "variable": var, "kind": "continuous", "reported": True, "n": r["n"],
                "statistic": r["statistic"], "value": r["value"], "lower": r["lower"], "upper": r["upper"],
                "interval_type": r["interval_type"], "printed": r["printed"], "location": r["location"],
                "source": r["source"], "denominator": r["denominator"], "entry_label": r["entry_label"]})
    return sorted(out, key=lambda r: (list(VARIABLES).index(r["variable"]), ids.index(r["cohort"])))


def shown(reporters: Sequence[str], ids: Sequence[str], opts: CompareOptions) -> bool:
    """Whether a row reported by ``reporters`` is shown.

    At least ``min_cohorts`` of the compared cohorts report it, or (with ``opts.reference_rows``, as ``table`` has
    it) the reference does.

    Parameters
    ----------
    reporters : sequence of str
        The cohorts that report the row.
    ids : sequence of str
        The compared cohorts.
    opts : CompareOptions
        The comparison's options (its reference, ``min_cohorts`` and ``reference_rows``).

    Returns
    -------
    bool

    Examples
    --------
    >>> from trialcompare.comparison import CompareOptions
    >>> table, report = CompareOptions("a", reference_rows=True), CompareOptions("a")
    >>> shown(["a"], "abc", table), shown(["a"], "abc", report), shown(["b"], "abc", table), shown("bc", "abc", report)
    (True, False, False, True)
    """
    return (opts.reference_rows and opts.reference in reporters) or \
        len(set(reporters)) >= min(opts.min_cohorts, len(ids))


def hidden_baseline(frame: pl.DataFrame, ids: Sequence[str], opts: CompareOptions) -> dict[str, tuple[str, ...]]:
    """The baseline variables left out of a comparison (:func:`shown` is false), each with the cohorts reporting it.

    Parameters
    ----------
    frame : polars.DataFrame
        The cohorts' tidy frame (:func:`trialcompare.frame.to_frame`).
    ids : sequence of str
        The compared cohorts.
    opts : CompareOptions
        The comparison's options.

    Returns
    -------
    dict
        Variable → the cohorts that report it, in the order of ``ids``.
    """
    reporting = _reporting(frame, ids)
    return {v: who for v, who in reporting.items() if not shown(who, ids, opts)}


def _baseline_rows(frame: pl.DataFrame, ids: Sequence[str]) -> list[dict]:
    rows = frame.filter(pl.col("section") == "baseline", pl.col("cohort").is_in(list(ids))).to_dicts()
    return [r for r in rows if r["level"] is None or "|" not in r["level"]]


def _reporting(frame: pl.DataFrame, ids: Sequence[str]) -> dict[str, tuple[str, ...]]:
    """Variable → the cohorts that report it, in the order of ``ids``."""
    who = _group(_baseline_rows(frame, ids), "variable")
    return {v: tuple(c for c in ids if any(r["cohort"] == c for r in rows)) for (v,), rows in who.items()}


def _baseline(frame: pl.DataFrame, ids: Sequence[str], opts: CompareOptions) -> pl.DataFrame:
    rows = _baseline_rows(frame, ids)
    grouped = _group(rows, "cohort", "variable")
    shared = {v for v, who in _reporting(frame, ids).items() if shown(who, ids, opts)}
    chosen = {k: _preferred(v, opts.prefer_locations) for k, v in grouped.items() if k[1] in shared}
    cat = {k: v for k, v in chosen.items() if VARIABLES[k[1]].kind == "categorical"}
    con = {k: v for k, v in chosen.items() if VARIABLES[k[1]].kind == "continuous"}
    rows = _categorical_rows(cat, ids, opts) + _continuous_rows(con, ids)
    return pl.DataFrame(rows, schema=_BASELINE_SCHEMA, orient="row")


# ---------------------------------------------------------------------------------------------------------------
# standardized mean differences
# ---------------------------------------------------------------------------------------------------------------

_SMD_SCHEMA = {"cohort": pl.String, "reference": pl.String, "variable": pl.String, "kind": pl.String,
               "direction_level": pl.String, "smd": pl.Float64, "abs_smd": pl.Float64, "signed": pl.Boolean,
               "estimated": pl.Boolean, "imbalanced": pl.Boolean, "note": pl.String, "skewed": pl.String}
"""``kind``: "continuous", "binary" or "multi-level". ``smd`` is signed, cohort − reference, for continuous and
binary variables (for a binary variable the sign refers to the proportion of ``direction_level``); a multi-level
SMD (Yang & Dalton 2012) is a magnitude (``signed`` False). ``abs_smd`` is always the magnitude. ``skewed``: the
median (range) whose skew kept an SMD from being estimated (:func:`skewed_range`; "… (the reference's)" when it is
the reference's), else null."""

SKEW_RATIO = 2.0
"""A range is skewed about its median when one side is more than this many times the other: a mean and SD estimated
from it (which assume symmetry) give no SMD."""


def skewed_range(median: Mapping[str, Any]) -> str | None:
    """The median and range as "m (lo-hi)" when the range is skewed about the median (:data:`SKEW_RATIO`), else None.

    Parameters
    ----------
    median : mapping
        A baseline row of a median: ``value``, ``lower``, ``upper``, ``interval_type``.

    Returns
    -------
    str or None

    Examples
    --------
    >>> row = {"value": 24.0, "lower": 16.0, "upper": 68.0, "interval_type": "range"}
    >>> skewed_range(row), skewed_range(row | {"upper": 33.0})
    ('24 (16-68)', None)
    """
    m, lo, hi = median["value"], median["lower"], median["upper"]
    if median["interval_type"] != "range" or m is None or lo is None or hi is None or hi <= m or m <= lo:
        return None
    ratio = (hi - m) / (m - lo)
    return f"{m:g} ({lo:g}-{hi:g})" if ratio > SKEW_RATIO or ratio < 1 / SKEW_RATIO else None


def _proportions(rows: list[dict], levels: list[str]) -> tuple[list[float] | None, str | None, bool]:
    """Level proportions of one cohort; (None, reason) when they cannot be formed honestly."""
    by_level = {r["level"]: r for r in rows if r["reported"]}
    if not by_level:
        return None, "not reported", False
    den = next(iter(by_level.values()))["denominator"]
    total = sum(r["n"] for r in by_level.values())
    missing = [lv for lv in levels if lv not in by_level]
    if total > den or (len(levels) > 1 and total != den):
        return None, f"counts sum to {total}, not the denominator {den}", False
    if len(levels) == 1:
        return [by_level[levels[0]]["n"] / den, 1 - by_level[levels[0]]["n"] / den], None, False
    if total != den:
        return None, f"counts sum to {total}, not the denominator {den}", False
    note = f"level {', '.join(missing)} not reported; implied 0 since the other counts sum to {den}" \
        if missing else None
    return [by_level[lv]["n"] / den if lv in by_level else 0.0 for lv in levels], note, bool(missing)


def _smd_categorical(ref_rows: list[dict], rows: list[dict]) -> tuple[float | None, bool, str | None, str | None]:
    """(SMD, estimated, note, direction level): signed (cohort − reference) for the first level of a binary
    variable, a magnitude (direction level None) for more levels."""
    from .stats.smd import smd_binary, smd_categorical

    levels = [r["level"] for r in ref_rows]
    p_ref, why_ref, est_ref = _proportions(ref_rows, levels)
    p, why, est = _proportions(rows, levels)
    if p_ref is None or p is None:
        failed = [("reference", why_ref, p_ref), ("cohort", why, p)]
        reason = "; ".join(f"{who}: {w}" for who, w, props in failed if props is None)
        return None, False, f"SMD not computed ({reason})", None
    note = "; ".join(n for n in (why_ref, why) if n) or None
    if len(p) == 2:
        return float(smd_binary(p[0], p_ref[0])), est or est_ref, note, levels[0]
    return abs(smd_categorical(p, p_ref)), est or est_ref, note, None


def _mean_sd(rows: list[dict], n_default: int) -> tuple[float, float, int, str | None] | None:
    from .stats.smd import estimate_mean_sd

    stats = {r["statistic"]: r for r in rows}
    if "mean" in stats and "sd" in stats:
        n = stats["mean"]["n"] or n_default
        return stats["mean"]["value"], stats["sd"]["value"], n, None
    med = stats.get("median")
    if med is None or med["lower"] is None or med["upper"] is None:
        return None
    n = med["n"] or n_default
    if med["interval_type"] == "range":
        mean, sd, how = estimate_mean_sd(n, med["value"], minimum=med["lower"], maximum=med["upper"])
    elif med["interval_type"] == "IQR":
        mean, sd, how = estimate_mean_sd(n, med["value"], q1=med["lower"], q3=med["upper"])
    else:
        return None
    return mean, sd, n, f"mean and SD estimated from median ({med['interval_type']}) by {how}"


def _skew(rows: list[dict]) -> str | None:
    """The skewed median (range) a mean and SD would be estimated from (none when a mean and SD are printed)."""
    stats = {r["statistic"]: r for r in rows}
    return None if "median" not in stats or "mean" in stats else skewed_range(stats["median"])


def _smd_continuous(ref_rows: list[dict], rows: list[dict], n_ref: int, n: int
                    ) -> tuple[float | None, bool, str | None, str | None]:
    from .stats.smd import smd_continuous

    a, b = _mean_sd(rows, n), _mean_sd(ref_rows, n_ref)
    if a is None or b is None:
        return None, False, "SMD not computed (no mean/SD and no median with range or IQR)", None
    skew = _skew(rows) or ((s := _skew(ref_rows)) and f"{s} (the reference's)")
    if skew:  # the estimate assumes a symmetric distribution: set the medians side by side instead
        return None, False, f"SMD not computed: the median's range is skewed, {skew}", skew
    value = float(smd_continuous(a[0], a[1], a[2], b[0], b[1], b[2]))
    notes = [x for x in (a[3], b[3] and f"reference: {b[3]}") if x]
    return value, bool(a[3] or b[3]), "; ".join(notes) or None, None


def _smd(baseline: pl.DataFrame, ids: Sequence[str], ns: Mapping[str, int], opts: CompareOptions) -> pl.DataFrame:
    ref = opts.reference
    rows = _group(baseline.to_dicts(), "cohort", "variable")
    out = []
    for var in dict.fromkeys(baseline["variable"].to_list()):
        ref_rows = rows.get((ref, var), [])
        for cid in (c for c in ids if c != ref):
            mine = rows.get((cid, var), [])
            skew = None
            if VARIABLES[var].kind == "categorical":
                value, est, note, level = _smd_categorical(ref_rows, mine)
                kind = "binary" if level is not None or len(ref_rows) <= 2 else "multi-level"
            else:
                (value, est, note, skew), level = _smd_continuous(ref_rows, mine, ns[ref], ns[cid]), None
                kind = "continuous"
            flag = None if value is None else abs(value) > opts.smd_threshold
            out.append({"cohort": cid, "reference": ref, "variable": var, "kind": kind, "direction_level": level,
                        "smd": value, "abs_smd": None if value is None else abs(value), "signed": kind != "multi-level",
                        "estimated": est, "imbalanced": flag, "note": note, "skewed": skew})
    return pl.DataFrame(out, schema=_SMD_SCHEMA, orient="row")
