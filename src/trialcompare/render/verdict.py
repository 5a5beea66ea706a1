"""Words for the appraisal's codes: page 1 of the report (formatting only; the rules are in
:mod:`trialcompare.appraisal`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import polars as pl

from .tables import INFERRED

if TYPE_CHECKING:
    from ..analysis import Analysis

__all__ = ["DOMAIN_WORDS", "REASON_WORDS", "verdict_context"]

DOMAIN_WORDS = {"risk-of-bias": "risk of bias", "indirectness": "indirectness", "imprecision": "imprecision",
                "confounding": "confounding by measured imbalance"}

REASON_WORDS = {
    "retrospective-series": "a retrospective series is compared (selection of patients)",
    "possible-overlap": "some cohorts may include the same patients",
    "unacknowledged-data-errors": "published numbers with unresolved errors",
    "endpoints-differ": "the time-to-event endpoints differ (event-free vs progression-free survival)",
    "definitions-differ": "endpoint definitions differ or are missing",
    "resection": "surgical resection affects an endpoint in some cohorts",
    "eligibility-differs": "resectable disease was enrolled in some cohorts and excluded in others",
    "small-cohorts": "every cohort has fewer than 50 patients",
    "ci-includes-no-difference": "some confidence intervals of the differences include no difference",
    "measured-imbalance": "prognostic factors are imbalanced (|SMD| > 0.25)",
}

_START_WORDS = {
    "high": "two arms of one randomised study are compared",
    "low": "an unanchored comparison of cohorts from different studies (no randomisation, no common comparator)",
}

_BIAS_FACTORS = {"ecog": "ECOG ≥ 1", "prior_lines": "two or more prior lines", "lesion_site": "disease at more "
                 "than one site", "resistance_ie": "resistance to IE", "resistance_apatinib": "resistance to "
                 "apatinib", "resistance_mapi": "resistance to MAP/I",
                 "resection": "complete surgical remission"}


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{100 * x:.1f}%"


def _factor_list(a: Analysis, bias: str) -> str:
    names = [_BIAS_FACTORS[f] for f in dict.fromkeys(a.factors.filter(pl.col("bias") == bias)["factor"].to_list())
             if f in _BIAS_FACTORS]
    return ", ".join(names)


def _supports(a: Analysis) -> list[str]:
    v, ref = a.verdict, a.labels[a.reference]
    outcomes = " and ".join(v.direction_holds) or "the claimed outcomes"
    effects = a.effects.filter(pl.col("evidence") == "randomised")
    printed = "; ".join(f"{r['what']} {r['measure']} {r['printed']}" + (f", {r['p_printed']}" if r["p_printed"] else "")
                        + f" ({r['location']})" for r in effects.iter_rows(named=True))
    words = {
        "randomised-effect": "Arms of one randomised study are compared: their published between-arm effect is the "
                             "primary result" + (f": {printed}." if printed else " (none is recorded)."),
        "observed-direction": f"As printed, {ref} has the highest observed {outcomes} of the cohorts compared "
                              "(table above).",
        "observed-direction-partly": f"As printed, {ref} has the highest observed rate for some but not all of "
                                     f"{outcomes}.",
        "imbalance-against-reference": f"The measured baseline imbalance runs against {ref} "
                                       f"({_factor_list(a, 'against-reference')} more frequent): on these factors a "
                                       "naive comparison understates rather than overstates it.",
    }
    return [words[c] for c in v.supports]


def _cannot(a: Analysis) -> list[str]:
    v, ref = a.verdict, a.labels[a.reference]
    words = {
        "causal-superiority": f"That {ref} causes a higher response than the comparator regimens. No randomised or "
                              "anchored evidence links these cohorts; the differences may reflect who was treated "
                              "(selection, era, centre), how outcomes were defined and assessed, and factors that "
                              "were not reported.",
        "imbalance-favours-reference": f"A fair comparison on measured factors: the imbalance favours {ref} "
                                       f"({_factor_list(a, 'favours-reference')} more frequent in comparators).",
        "imbalance-mixed": f"A net direction of the measured imbalance: {ref} is worse off in "
                           f"{_factor_list(a, 'against-reference') or 'some factors'}, but the comparators are worse "
                           f"off in (or have less) {_factor_list(a, 'favours-reference') or 'others'}; "
                           "the naive comparison may be biased either way.",
        "population-adjustment-without-ipd": "A population-adjusted comparison (MAIC or STC, NICE DSU TSD 18): it "
                                             "needs individual patient data of at least one cohort, and none is "
                                             "available here.",
    }
    return [words[c] for c in v.cannot]


def _numbers(a: Analysis) -> tuple[list[str], list[dict[str, Any]]]:
    """One row per cohort (reference first); per outcome the count, rate with CI and difference vs the reference."""
    numbers = a.verdict.numbers
    outcomes = list(dict.fromkeys(numbers["outcome"].to_list()))
    rows = []
    for cid in dict.fromkeys(numbers["cohort"].to_list()):
        row: dict[str, Any] = {"cohort": a.labels[cid], "design": a.cohorts[cid].descriptor.design.type,
                               "endpoint": a.comparison.compared_endpoints.get(cid) or "–", "cells": []}
        for name in outcomes:
            match = numbers.filter(pl.col("cohort") == cid, pl.col("outcome") == name)
            if match.is_empty():
                row["cells"] += ["not reported", ""]
                continue
            r = match.row(0, named=True)
            row["cells"] += [_number_cell(r), _difference_cell(r, cid == a.reference)]
        rows.append(row)
    return outcomes, rows


def _number_cell(r: dict[str, Any]) -> str:
    """"21/33 = 63.6% (45.1%–79.6%)"; a count not printed but inferred from the percentage and its interval says so."""
    cell = f"{r['n']}/{r['denominator']} = {_pct(r['proportion'])} ({_pct(r['ci_low'])}–{_pct(r['ci_high'])})"
    if r["derived_from"] == "percentage+interval":
        cell += f" ({INFERRED})"
    if r["time_months"] is not None:
        cell += f" at {r['time_months']:g} months"
    return cell


def _difference_cell(r: dict[str, Any], reference: bool) -> str:
    if reference:
        return "reference"
    if r["risk_difference"] is None:
        return "not computed (another time point)" if r["time_months"] is not None else "–"
    return f"{100 * r['risk_difference']:+.1f} ({100 * r['rd_low']:+.1f}, {100 * r['rd_high']:+.1f})"


def _distinct(limitations: list[Any]) -> list[Any]:
    """The first limitation of each kind (the full list is in the Limitations section)."""
    seen: set[str] = set()
    out = []
    for c in limitations:
        if c.code not in seen:
            seen.add(c.code)
            out.append(c)
    return out


def verdict_context(a: Analysis, limitations: list[Any], top: int = 5) -> dict[str, Any]:
    """The sentences and rows of page 1.

    Parameters
    ----------
    a : Analysis
    limitations : list
        Numbered caveats in rank order (the first ``top`` are shown).
    top : int

    Returns
    -------
    dict
    """
    v = a.verdict
    downgrades = [{"domain": DOMAIN_WORDS[d.domain], "reasons": "; ".join(REASON_WORDS[r] for r in d.reasons)}
                  for d in v.downgrades]
    outcomes, numbers = _numbers(a)
    return {
        "claim": v.claim, "outcomes": outcomes, "numbers": numbers, "supports": _supports(a), "cannot": _cannot(a),
        "certainty": v.certainty, "start": v.start, "start_reason": _START_WORDS[v.start], "downgrades": downgrades,
        "evidence": ", ".join(v.evidence), "limitations": _distinct(limitations)[:top],
    }
