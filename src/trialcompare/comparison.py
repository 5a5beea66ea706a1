"""Table IV-style comparison of published cohorts against a reference cohort.

>>> import trialcompare as tc
>>> cmp = tc.compare(tc.load("trials"), reference="apatinib-ie")  # doctest: +SKIP
>>> cmp.baseline, cmp.outcomes, cmp.smd, cmp.differences          # doctest: +SKIP
>>> cmp.table()        # Table IV layout: rows = variables/levels, columns = cohorts  # doctest: +SKIP

Which printed report is used when a quantity was printed in several places is decided by
``prefer_locations`` (default: the comparison table, "Table IV", then the order of the descriptor).
Which denominator is used is explicit in every row (``denominator_basis``) and choosable: the printed or
declared one by default, an erratum's correction with ``use_errata=True``, or any number per cohort with
``denominators={"cohort-id": 43}``.

Every difference against the reference carries its evidence type (``evidence``): "randomised" for two arms of
one randomised study, "unanchored" otherwise. Differences are descriptive by default (risk differences for ORR and
DCR; :mod:`trialcompare.contrasts`); ``exploratory=True`` adds odds ratios and Fisher p values.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from . import options
from .contrasts import differences
from .descriptor.vocabulary import RATES, VARIABLES
from .load import CohortSet
from .rules import compared_endpoint, rate_basis

__all__ = ["CompareOptions", "Comparison", "compare"]



@dataclass(frozen=True)
class CompareOptions:
    """Choices a comparison depends on (all shown in reports)."""

    reference: str
    prefer_locations: tuple[str, ...] = ("Table IV",)
    ci_method: str = "exact"
    rd_method: str = "newcombe"
    or_method: str = "woolf"
    level: float = 0.95
    smd_threshold: float = 0.1
    use_errata: bool = False
    denominators: Mapping[str, int] = field(default_factory=dict)
    min_cohorts: int = 2
    exploratory: bool = False
    """Also compute odds ratios and Fisher p values (never between cohorts that may share patients) and contrast
    outcomes beyond ORR and DCR, every such row flagged ``exploratory`` (:mod:`trialcompare.contrasts`)."""


@dataclass(frozen=True)
class Comparison:
    """Result of :func:`compare`: tidy polars frames plus the options that produced them."""

    options: CompareOptions
    cohorts: tuple[str, ...]
    labels: Mapping[str, str]
    baseline: pl.DataFrame
    outcomes: pl.DataFrame
    smd: pl.DataFrame
    differences: pl.DataFrame
    descriptors: Mapping[str, Any] = field(default_factory=dict, repr=False)
    n: Mapping[str, int] = field(default_factory=dict)
    compared_endpoints: Mapping[str, str | None] = field(default_factory=dict)
    """The time-to-event endpoint each cohort is compared on (:func:`trialcompare.rules.compared_endpoint`)."""
    study_baseline: pl.DataFrame = field(default_factory=pl.DataFrame, repr=False)
    """Facts printed for a whole randomised study (both arms together): ``study, variable, level, statistic,
    printed, location, arms`` — shown once for the study, never compared between its arms (no SMD)."""

    @property
    def reference(self) -> str:
        """Id of the reference cohort."""
        return self.options.reference

    def table(self) -> pl.DataFrame:
        """Table IV layout: one row per variable/level, one column per cohort, cells formatted as published."""
        from .render.tables import table_iv

        return table_iv(self)

    def __repr__(self) -> str:
        flagged = self.smd.filter(pl.col("imbalanced").fill_null(False))["variable"].unique().sort().to_list()
        return (f"Comparison(reference={self.reference!r}, cohorts={list(self.cohorts)!r}, "
                f"baseline={self.baseline.height} rows, outcomes={self.outcomes.height} rows, "
                f"imbalanced (|SMD| > {self.options.smd_threshold:g}): {flagged}; evidence: {self._evidence()})")

    def _evidence(self) -> str:
        kinds = sorted(set(self.differences["evidence"].to_list())) if self.differences.height else []
        return ", ".join(kinds) or "none"

    def _repr_html_(self) -> str:
        import html

        from .render.tables import export

        label = html.escape(self.labels[self.reference])
        note = f"<p><i>Reference: {label}. Evidence of the differences: {html.escape(self._evidence())}.</i></p>"
        return note + str(export(self.table(), "html"))


# ---------------------------------------------------------------------------------------------------------------
# choosing one report per quantity
# ---------------------------------------------------------------------------------------------------------------


def _rank(location: str | None, prefer: Sequence[str]) -> int:
    return prefer.index(location) if location in prefer else len(prefer)


def _preferred(rows: list[dict[str, Any]], prefer: Sequence[str]) -> list[dict[str, Any]]:
    """Rows of the preferred location among reports of one quantity (ties: first in the descriptor)."""
    if not rows:
        return []
    best = min(rows, key=lambda r: (_rank(r["location"], prefer), r["line"]))
    return [r for r in rows if r["location"] == best["location"]]


def _group(rows: Iterable[dict[str, Any]], *keys: str) -> dict[tuple, list[dict[str, Any]]]:
    out: dict[tuple, list[dict[str, Any]]] = {}
    for r in rows:
        out.setdefault(tuple(r[k] for k in keys), []).append(r)
    return out


# ---------------------------------------------------------------------------------------------------------------
# denominators
# ---------------------------------------------------------------------------------------------------------------


def _denominator(row: dict[str, Any], opts: CompareOptions) -> tuple[int | None, int | None, str]:
    """(n, denominator, basis) for a count row under the chosen denominator policy."""
    n, den, basis = row["n"], row["denominator"], row["denominator_origin"] or ""
    if opts.use_errata and row.get("corrected_n") is not None:
        n = row["corrected_n"]
    if opts.use_errata and row.get("corrected_denominator") is not None:
        return n, row["corrected_denominator"], "erratum"
    if row["cohort"] in opts.denominators and basis == "declared_n":
        return n, int(opts.denominators[row["cohort"]]), "user"
    return n, den, basis


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


def _baseline(frame: pl.DataFrame, ids: Sequence[str], opts: CompareOptions) -> pl.DataFrame:
    rows = frame.filter(pl.col("section") == "baseline", pl.col("cohort").is_in(list(ids))).to_dicts()
    rows = [r for r in rows if r["level"] is None or "|" not in r["level"]]
    grouped = _group(rows, "cohort", "variable")
    reporting = _group(({"v": v} for (_, v) in grouped), "v")
    shared = {v for (v,), who in reporting.items() if len(who) >= min(opts.min_cohorts, len(ids))}
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
               "estimated": pl.Boolean, "imbalanced": pl.Boolean, "note": pl.String}
"""``kind``: "continuous", "binary" or "multi-level". ``smd`` is signed, cohort − reference, for continuous and
binary variables (for a binary variable the sign refers to the proportion of ``direction_level``); a multi-level
SMD (Yang & Dalton 2012) is a magnitude (``signed`` False). ``abs_smd`` is always the magnitude."""


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


def _smd_continuous(ref_rows: list[dict], rows: list[dict], n_ref: int, n: int
                    ) -> tuple[float | None, bool, str | None]:
    from .stats.smd import smd_continuous

    a, b = _mean_sd(rows, n), _mean_sd(ref_rows, n_ref)
    if a is None or b is None:
        return None, False, "SMD not computed (no mean/SD and no median with range or IQR)"
    value = float(smd_continuous(a[0], a[1], a[2], b[0], b[1], b[2]))
    notes = [x for x in (a[3], b[3] and f"reference: {b[3]}") if x]
    return value, bool(a[3] or b[3]), "; ".join(notes) or None


def _smd(baseline: pl.DataFrame, ids: Sequence[str], ns: Mapping[str, int], opts: CompareOptions) -> pl.DataFrame:
    ref = opts.reference
    rows = _group(baseline.to_dicts(), "cohort", "variable")
    out = []
    for var in dict.fromkeys(baseline["variable"].to_list()):
        ref_rows = rows.get((ref, var), [])
        for cid in (c for c in ids if c != ref):
            mine = rows.get((cid, var), [])
            if VARIABLES[var].kind == "categorical":
                value, est, note, level = _smd_categorical(ref_rows, mine)
                kind = "binary" if level is not None or len(ref_rows) <= 2 else "multi-level"
            else:
                (value, est, note), level, kind = _smd_continuous(ref_rows, mine, ns[ref], ns[cid]), None, "continuous"
            flag = None if value is None else abs(value) > opts.smd_threshold
            out.append({"cohort": cid, "reference": ref, "variable": var, "kind": kind, "direction_level": level,
                        "smd": value, "abs_smd": None if value is None else abs(value), "signed": kind != "multi-level",
                        "estimated": est, "imbalanced": flag, "note": note})
    return pl.DataFrame(out, schema=_SMD_SCHEMA, orient="row")


# ---------------------------------------------------------------------------------------------------------------
# outcomes
# ---------------------------------------------------------------------------------------------------------------

_OUTCOME_SCHEMA = {
    "cohort": pl.String, "outcome": pl.String, "endpoint": pl.String, "statistic": pl.String,
    "time_months": pl.Float64, "n": pl.Int64, "denominator": pl.Int64, "denominator_basis": pl.String,
    "estimate": pl.Float64, "ci_low": pl.Float64, "ci_high": pl.Float64, "ci_method": pl.String,
    "interval_type": pl.String, "bound": pl.String, "upper_nr": pl.Boolean, "printed": pl.String,
    "location": pl.String, "source": pl.String, "estimator": pl.String, "unit": pl.String,
    "ci_level": pl.Float64, "derived": pl.Boolean, "derived_from": pl.String, "time": pl.Float64,
    "entry_label": pl.String, "level_label": pl.String, "beside": pl.Boolean, "rate_basis": pl.String,
    "primary": pl.Boolean,
}
"""``denominator_basis`` is a code of :data:`trialcompare.options.DENOMINATOR_BASES`; ``ci_method`` a code of
:data:`trialcompare.options.CI_METHODS` or ``"published"`` (the source's own interval) with ``ci_level`` the
level of a computed interval; ``derived`` marks a number computed here (e.g. ORR = CR + PR, ``derived_from``
"CR+PR") rather than printed. ``entry_label`` / ``level_label`` are the row labels as printed (the frame's).
``beside`` marks a landmark rate kept beside the chosen report of the same time point because its estimator
differs (an observed count beside a Kaplan-Meier rate, :func:`trialcompare.rules.rate_basis`); the chosen report
comes first, and differences use it only. ``primary``: the study names this outcome (the rate at this time point,
or the endpoint) as primary, whether the number is printed or derived (ORR = CR + PR); the table always shows it.
An outcome ``ORR@12w`` is a response read at a stated time beside the cohort's best overall response ``ORR``
(:func:`rate_outcome_key`)."""


def _count_outcome(cid: str, outcome: str, n: int, den: int, basis: str, opts: CompareOptions, **extra: Any) -> dict:
    from .stats.proportions import proportion_ci

    lo, hi = proportion_ci(n, den, method=opts.ci_method, level=opts.level) if den else (None, None)
    return dict.fromkeys(_OUTCOME_SCHEMA) | {
        "cohort": cid, "outcome": outcome, "statistic": "proportion", "n": n, "denominator": den,
        "denominator_basis": basis, "estimate": n / den if den else None, "ci_low": lo, "ci_high": hi,
        "ci_method": opts.ci_method, "ci_level": opts.level, "derived": False} | extra


def _response_outcomes(cid: str, rows: list[dict], opts: CompareOptions) -> list[dict]:
    """Best-response levels and the derived ORR/DCR computed from them."""
    out, counts = [], {}
    for r in rows:
        n, den, basis = _denominator(r, opts)
        counts[r["level"]] = (n, den, basis)
        out.append(_count_outcome(cid, f"{r['variable']}:{r['level']}", n, den, basis, opts,
                                  printed=r["printed"], location=r["location"], source=r["source"],
                                  time_months=r["time_months"], time=r.get("time"), unit=r.get("unit"),
                                  entry_label=r["entry_label"], level_label=r["level_label"]))
    if rows and rows[0]["variable"] == "best_response":
        for rate, levels in RATES.items():
            if rate != "CBR" and all(lv in counts for lv in levels):
                n = sum(counts[lv][0] for lv in levels)
                den, basis = counts[levels[0]][1], counts[levels[0]][2]
                key = rate if rows[0]["time_months"] is None else rate_outcome_key(rate, rows[0])
                out.append(_count_outcome(cid, key, n, den, basis, opts, location=rows[0]["location"],
                                          source=rows[0]["source"], time_months=rows[0]["time_months"],
                                          time=rows[0].get("time"), unit=rows[0].get("unit"),
                                          printed=None, derived=True, derived_from="+".join(levels)))
    return out


def _endpoint_outcomes(cid: str, rows: list[dict], opts: CompareOptions) -> list[dict]:
    """Medians, landmark rates, events and censored counts of one endpoint, with their intervals.

    A rate printed as a count ("13/43") gets the chosen exact/score interval; a rate printed as a percentage keeps
    its published interval (a Kaplan-Meier rate cannot be given an exact binomial interval)."""
    out = []
    for r in rows:
        basis = None
        if r["statistic"] in ("censored", "events") or (r["statistic"] == "rate" and r["n"] is not None):
            n, den, basis = _denominator(r, opts)
            r = r | {"n": n, "denominator": den}
        row = dict.fromkeys(_OUTCOME_SCHEMA) | {
            "cohort": cid, "outcome": f"{r['variable']}:{r['statistic']}", "endpoint": r["variable"],
            "statistic": r["statistic"], "time_months": r["time_months"], "n": r["n"],
            "denominator": r["denominator"] if r["n"] is not None else None, "denominator_basis": basis,
            "interval_type": r["interval_type"], "bound": r["bound"], "upper_nr": r["upper_nr"],
            "printed": r["printed"], "location": r["location"], "source": r["source"],
            "estimator": r["estimator"], "unit": r["unit"], "derived": False, "time": r.get("time"),
            "entry_label": r["entry_label"], "beside": bool(r.get("beside")),
            "rate_basis": rate_basis(r) if r["statistic"] == "rate" else None}
        out.append(row | _endpoint_estimate(r, opts))
    return out


def _endpoint_estimate(r: dict, opts: CompareOptions) -> dict:
    if r["statistic"] == "rate" and r["n"] is not None and r["denominator"]:
        from .stats.proportions import proportion_ci

        lo, hi = proportion_ci(r["n"], r["denominator"], method=opts.ci_method, level=opts.level)
        return {"estimate": r["n"] / r["denominator"], "ci_low": lo, "ci_high": hi,
                "ci_method": opts.ci_method, "ci_level": opts.level}
    scale = 100.0 if r["statistic"] == "rate" else 1.0
    def scaled(x: float | None) -> float | None:
        return None if x is None else x / scale
    published = r["lower"] is not None or r["upper_nr"]
    return {"estimate": scaled(r["value"]), "ci_low": scaled(r["lower"]), "ci_high": scaled(r["upper"]),
            "ci_method": "published" if published else None}


def _beside(chosen: list[dict], reports: list[dict], prefer: Sequence[str]) -> list[dict]:
    """Beside the chosen report of a landmark rate, the preferred report by the other estimator when the source
    prints both: an observed count (n/N) beside a Kaplan-Meier or unstated rate, a Kaplan-Meier rate beside an
    observed count. Marked ``beside`` so that each keeps its estimator and neither replaces the other."""
    if not chosen or chosen[0]["statistic"] != "rate":
        return []
    have = {rate_basis(r) for r in chosen}
    want = "kaplan-meier" if have == {"observed"} else "observed"
    others = [r for r in reports if rate_basis(r) == want] if want not in have else []
    if not others:
        return []
    return [min(others, key=lambda r: (_rank(r["location"], prefer), r["line"])) | {"beside": True}]


def _printed_rates(
    cid: str, rows: list[dict], have: set[str], opts: CompareOptions, n_cohort: int | None
) -> list[dict]:
    """ORR/DCR/CBR printed as a count (or implied by a percentage of a stated denominator), used when the response
    levels give none: marked printed (``derived`` False) or implied (``derived`` True, from "percentage"); either
    way ``printed`` is the string as printed ("12%"), never a made-up one. Best overall response (a rate without a
    time point) is the rate's headline, ``ORR``; a response read at a stated time beside it is kept apart as
    ``ORR@12w`` (:func:`rate_outcome_key`), never merged: a cohort that prints only a 12-week ORR has it as ``ORR``
    with its ``time_months``."""
    counts = _group([r for r in rows if r["section"] == "rate" and r["statistic"] == "count"],
                    "variable", "time_months")
    out = []
    for (name, t), reports in counts.items():
        key = name if t is None else rate_outcome_key(name, reports[0])
        if key not in have:
            out.append(_printed_rate(cid, key, _preferred(reports, opts.prefer_locations)[0], opts))
    return out + _inferred_rates(cid, rows, have | {o["outcome"] for o in out}, opts, n_cohort)


def _headlines(out: list[dict]) -> list[dict]:
    """A cohort without a rate of best overall response has its earliest response at a stated time as the rate's
    headline (``ORR`` with ``time_months`` set, which tables, pooling and the verdict name as such); the others keep
    their ``ORR@12w`` keys."""
    keys = {(o["cohort"], o["outcome"]) for o in out}
    firsts: dict[tuple[str, str], dict] = {}
    for o in out:
        base, at, _ = o["outcome"].partition("@")
        if at and (o["cohort"], base) not in keys:
            old = firsts.get((o["cohort"], base))
            if old is None or o["time_months"] < old["time_months"]:
                firsts[(o["cohort"], base)] = o
    for (_, base), o in firsts.items():
        o["outcome"] = base
    return out


def rate_outcome_key(name: str, row: Mapping[str, Any]) -> str:
    """The outcome key of a rate read at a stated time beside the same rate of best overall response.

    Parameters
    ----------
    name : str
        The rate (``"ORR"``, ``"DCR"``, ``"CBR"``).
    row : mapping
        A frame row with ``time`` and ``unit`` (as printed) or ``time_months``.

    Returns
    -------
    str
        ``name@`` and the time point in its printed unit.

    Examples
    --------
    >>> rate_outcome_key("ORR", {"time": 12.0, "unit": "weeks", "time_months": 2.76})
    'ORR@12w'
    """
    from .outcomes import time_suffix

    if row.get("time") is not None:
        return f"{name}@{time_suffix(row['time'], row.get('unit'))}"
    return f"{name}@{time_suffix(row['time_months'])}"


def _printed_rate(cid: str, key: str, r: dict, opts: CompareOptions) -> dict:
    n, den, basis = _denominator(r, opts)
    implied = r.get("as_printed") is False
    return _count_outcome(cid, key, n, den, basis, opts, printed=r["printed"], location=r["location"],
                          source=r["source"], time_months=r["time_months"], time=r.get("time"), unit=r.get("unit"),
                          derived=implied, derived_from="percentage" if implied else None)


def _inferred_rates(cid: str, rows: list[dict], have: set[str], opts: CompareOptions, n_cohort: int | None) -> list:
    """A rate printed as a bare percentage ("6.7% (95% CI 0.8-22.1)", no denominator) is used only when a single
    count out of at most the cohort's N reproduces it and its interval (:func:`inferred_count`): basis
    ``inferred``, ``derived_from`` "percentage+interval", the printed string kept."""
    bare = _group([r for r in rows if r["section"] == "rate" and r["statistic"] == "proportion"
                   and r["denominator"] is None], "variable", "time_months")  # fmt: skip
    out = []
    for (name, t), reports in bare.items():
        key = name if t is None else rate_outcome_key(name, reports[0])
        r = _preferred(reports, opts.prefer_locations)[0]
        count = inferred_count(r, n_cohort) if key not in have else None
        if count is not None:
            out.append(_count_outcome(cid, key, *count, "inferred", opts, printed=r["printed"],
                                      location=r["location"], source=r["source"], time_months=r["time_months"],
                                      time=r.get("time"), unit=r.get("unit"),
                                      derived=True, derived_from="percentage+interval"))  # fmt: skip
    return out


def inferred_count(row: Mapping[str, Any], n_cohort: int | None) -> tuple[int, int] | None:
    """The single count k/d (d ≤ the cohort's N) that reproduces a percentage printed without a denominator.

    Parameters
    ----------
    row : mapping
        A frame row of a percentage (``value``, ``decimals``; ``lower``, ``upper``, ``printed``,
        ``interval_type`` when an interval is printed).
    n_cohort : int or None
        The cohort's N, the largest denominator considered.

    Returns
    -------
    tuple of (int, int) or None
        (k, d) when exactly one pair fits (:func:`trialcompare.checks.percentages.implied_counts`), else None.

    Examples
    --------
    >>> row = {"value": 6.7, "decimals": 1, "lower": 0.8, "upper": 22.1, "interval_type": "95% CI",
    ...        "printed": "6.7% (95% CI 0.8-22.1)"}
    >>> inferred_count(row, 31)
    (2, 30)
    >>> inferred_count(row | {"lower": None, "upper": None}, 31) is None   # 1/15 fits 6.7% too
    True
    """
    from .checks._common import bound_decimals
    from .checks.percentages import implied_counts

    if not n_cohort or row["value"] is None or row["decimals"] is None:
        return None
    level = options.interval_level(row.get("interval_type"))
    dec = bound_decimals(row.get("printed"))
    interval = None
    if row.get("lower") is not None and row.get("upper") is not None and level is not None and dec is not None:
        interval = (row["lower"], row["upper"], dec, level)
    fitting = implied_counts(row["value"], row["decimals"], n_cohort, interval)
    return fitting[0] if len(fitting) == 1 else None


def _outcomes(frame: pl.DataFrame, ids: Sequence[str], opts: CompareOptions, ns: Mapping[str, int]) -> pl.DataFrame:
    prefer = opts.prefer_locations
    rows = frame.filter(pl.col("cohort").is_in(list(ids))).to_dicts()
    out = []
    for cid in ids:
        mine = [r for r in rows if r["cohort"] == cid]
        cat = _group([r for r in mine if r["section"] == "outcome" and "|" not in (r["level"] or "")], "variable")
        for reports in cat.values():
            out += _response_outcomes(cid, _preferred(reports, prefer), opts)
        ep = _group([r for r in mine if r["section"] == "endpoint" and r["statistic"] != "n_analysed"],
                    "variable", "statistic", "time_months")
        for reports in ep.values():
            chosen = _preferred(reports, prefer)
            out += _endpoint_outcomes(cid, chosen + _beside(chosen, reports, prefer), opts)
        out += _printed_rates(cid, mine, {o["outcome"] for o in out if o["cohort"] == cid}, opts, ns.get(cid))
    return _mark_primary(pl.DataFrame(_headlines(out), schema=_OUTCOME_SCHEMA, orient="row"), rows)


def _mark_primary(out: pl.DataFrame, rows: list[dict]) -> pl.DataFrame:
    """``primary`` on every outcome the study names as primary: a rate at its time point (printed or derived from
    response levels), every report of a primary endpoint."""
    rates = {(r["cohort"], r["variable"], r["time_months"]) for r in rows if r["primary"] and r["section"] == "rate"}
    endpoints = {(r["cohort"], r["variable"]) for r in rows if r["primary"] and r["section"] == "endpoint"}
    flags = [(c, o.partition("@")[0], t) in rates or (c, e) in endpoints
             for c, o, t, e in out.select("cohort", "outcome", "time_months", "endpoint").iter_rows()]
    return out.with_columns(pl.Series("primary", flags, dtype=pl.Boolean))


# ---------------------------------------------------------------------------------------------------------------


def _study_baseline(frame: pl.DataFrame, cohorts: CohortSet) -> pl.DataFrame:
    schema = {"study": pl.String, "variable": pl.String, "level": pl.String, "statistic": pl.String,
              "printed": pl.String, "location": pl.String, "arms": pl.String}
    if "study" not in frame.columns:
        return pl.DataFrame(schema=schema)
    rows = frame.filter(pl.col("section") == "study_baseline").to_dicts()
    out = []
    for r in rows:
        arms = [c.id for c in cohorts if c.descriptor.design.arm_of and c.descriptor.design.arm_of.study == r["study"]]
        out.append({"study": r["study"], "variable": r["variable"], "level": r["level"], "statistic": r["statistic"],
                    "printed": r["printed"], "location": r["location"], "arms": ", ".join(arms)})
    return pl.DataFrame(out, schema=schema, orient="row").unique(maintain_order=True)


def _column_order(cohorts: CohortSet, reference: str) -> list[str]:
    """Reference first, then the cohorts in load order with the arms of one study kept adjacent (the reference's
    other arms right after it)."""
    def study(cid: str) -> str | None:
        arm = cohorts[cid].descriptor.design.arm_of
        return arm.study if arm is not None else None

    order: list[str] = [reference]
    for cid in [c for c in cohorts.ids if c != reference and study(c) is not None and study(c) == study(reference)]:
        order.append(cid)
    for cid in cohorts.ids:
        if cid in order:
            continue
        order.append(cid)
        order += [c for c in cohorts.ids if c not in order and study(c) is not None and study(c) == study(cid)]
    return order


def compare(
    cohorts: CohortSet,
    reference: str | None = None,
    *,
    prefer_locations: Sequence[str] = ("Table IV",),
    ci_method: str = "exact",
    rd_method: str = "newcombe",
    or_method: str = "woolf",
    level: float = 0.95,
    smd_threshold: float = 0.1,
    use_errata: bool = False,
    denominators: Mapping[str, int] | None = None,
    min_cohorts: int = 2,
    exploratory: bool = False,
) -> Comparison:
    """Compare cohorts against a reference cohort, as the paper's Table IV does by hand.

    Parameters
    ----------
    cohorts : CohortSet
        Loaded descriptors.
    reference : str, optional
        Id of the reference cohort (default: the first cohort).
    prefer_locations : sequence of str
        Where a quantity was printed several times, use the report at the first of these locations that
        has one, else the first report in the descriptor.
    ci_method : {"exact", "wilson", "wald", "agresti-coull", "jeffreys"}
        Interval for proportions (default Clopper-Pearson exact).
    rd_method : {"newcombe", "miettinen-nurminen", "wald"}
        Interval for the risk difference against the reference.
    or_method : {"woolf", "exact"}
        Interval for the odds ratio against the reference.
    level : float
        Confidence level.
    smd_threshold : float
        |SMD| above which a baseline variable is flagged as imbalanced (0.1 is the usual convention).
    use_errata : bool
        Use counts/denominators corrected by declared errata instead of the printed ones.
    denominators : mapping of str to int, optional
        Denominator to use for a cohort's counts in place of its declared N (e.g. enrolled instead of
        analysed). Printed denominators ("13/33") are never replaced.
    min_cohorts : int
        Baseline variables reported by fewer of the compared cohorts are left out of the comparison
        (default 2: a variable only the reference reports cannot be compared).
    exploratory : bool
        Contrasts are descriptive by default: risk differences with intervals for ORR and DCR
        (:mod:`trialcompare.contrasts`). ``True`` adds the other count outcomes, odds ratios and Fisher p values
        (never between cohorts that may share patients), each such row flagged ``exploratory`` — for a
        supplement, not the body.

    Returns
    -------
    Comparison

    Raises
    ------
    KeyError
        Unknown reference or cohort id in ``denominators``.
    ValueError
        An invalid method name.
    """
    ids = cohorts.ids
    reference = reference or ids[0]
    if reference not in cohorts:
        raise KeyError(f"reference {reference!r} is not among the cohorts: {', '.join(ids)}")
    for cid in denominators or {}:
        cohorts[cid]
    _check_choice("ci_method", ci_method, options.CI_METHODS)
    _check_choice("rd_method", rd_method, options.RD_METHODS)
    _check_choice("or_method", or_method, options.OR_METHODS)
    opts = CompareOptions(reference, tuple(prefer_locations), ci_method, rd_method, or_method, level,
                          smd_threshold, use_errata, dict(denominators or {}), min_cohorts, bool(exploratory))
    order = _column_order(cohorts, reference)
    frame = cohorts.to_frame()
    ns = {c.id: opts.denominators.get(c.id, c.descriptor.population.n) for c in cohorts}
    baseline = _baseline(frame, order, opts)
    outcomes = _outcomes(frame, order, opts, ns)
    return Comparison(opts, tuple(order), {c.id: c.descriptor.label for c in cohorts}, baseline, outcomes,
                      _smd(baseline, order, ns, opts), differences(outcomes, opts, cohorts),
                      {c.id: c.descriptor for c in cohorts}, ns,
                      {c.id: (ep.name if (ep := compared_endpoint(c.descriptor)) else None) for c in cohorts},
                      _study_baseline(frame, cohorts))


def _check_choice(name: str, value: str, allowed: Iterable[str]) -> None:
    if value not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(allowed)}; got {value!r}")
