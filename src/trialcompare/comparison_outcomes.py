"""Outcomes of a comparison: response levels and rates, time-to-event statistics, one row per cohort and outcome.

:func:`_outcomes` takes the preferred report of each outcome with its interval (computed for a count, published
otherwise), derives ORR and DCR from the best-response levels, and adds rates printed as counts or percentages
(:func:`inferred_count`). Used by :func:`trialcompare.comparison.compare`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import polars as pl

from . import options
from .comparison_reports import _denominator, _group, _preferred, _rank
from .descriptor.vocabulary import RATES
from .rules import rate_basis

if TYPE_CHECKING:
    from .comparison import CompareOptions

__all__ = ["inferred_count", "rate_outcome_key"]

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


def _count_outcome(cid: str, outcome: str, n: int, den: int | None, basis: str, opts: CompareOptions,
                   **extra: Any) -> dict:
    """One count outcome with its interval; a count no interval can be computed for (above its denominator, beyond
    2^53: a typo that validate reports) keeps its number and gets none, so that one typo never stops a table."""
    from .stats._counts import MAX_COUNT
    from .stats.proportions import proportion_ci

    computable = den is not None and 0 <= n <= den <= MAX_COUNT and den > 0
    lo, hi = proportion_ci(n, den, method=opts.ci_method, level=opts.level) if computable else (None, None)
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
    from .outcomes import row_time_suffix

    return f"{name}@{row_time_suffix(row)}"


def _printed_rate(cid: str, key: str, r: dict, opts: CompareOptions) -> dict:
    n, den, basis = _denominator(r, opts)
    implied = r.get("as_printed") is False
    return _count_outcome(cid, key, n, den, basis, opts, printed=r["printed"], location=r["location"],
                          source=r["source"], time_months=r["time_months"], time=r.get("time"), unit=r.get("unit"),
                          entry_label=r.get("entry_label"), derived=implied,
                          derived_from="percentage" if implied else None)


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
        out += _primary_proportions(cid, mine, opts)
    return _mark_primary(pl.DataFrame(_headlines(out), schema=_OUTCOME_SCHEMA, orient="row"), rows)


def _primary_proportions(cid: str, rows: list[dict], opts: CompareOptions) -> list[dict]:
    """A named proportion (``custom:...``) the study names as its primary endpoint, kept as an outcome so that it
    reaches the table; a secondary one stays out of the Table IV comparison (``meta --outcome`` reads it)."""
    counts = [r for r in rows if r["section"] == "proportion" and r["primary"] and r["statistic"] == "count"]
    return [_printed_rate(cid, name, _preferred(reports, opts.prefer_locations)[0], opts)
            for (name,), reports in _group(counts, "variable").items()]


def _mark_primary(out: pl.DataFrame, rows: list[dict]) -> pl.DataFrame:
    """``primary`` on every outcome the study names as primary: a rate at its time point (printed or derived from
    response levels), every report of a primary endpoint."""
    rates = {(r["cohort"], r["variable"], r["time_months"]) for r in rows
             if r["primary"] and r["section"] in ("rate", "proportion")}
    endpoints = {(r["cohort"], r["variable"]) for r in rows if r["primary"] and r["section"] == "endpoint"}
    flags = [(c, o.partition("@")[0], t) in rates or (c, e) in endpoints
             for c, o, t, e in out.select("cohort", "outcome", "time_months", "endpoint").iter_rows()]
    return out.with_columns(pl.Series("primary", flags, dtype=pl.Boolean))
