"""Page 1 of the report: the verdict's facts worded by the phrasebook, and the certainty table (formatting only;
the rules are in :mod:`trialcompare.appraise`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import polars as pl

from .caveat_words import error_text
from .phrasebook import THEME_WORDS, Words, say
from .tables import INFERRED

if TYPE_CHECKING:
    from ..analysis import Analysis

__all__ = ["DOMAIN_WORDS", "RATING_WORDS", "verdict_context"]

DOMAIN_WORDS = {"risk-of-bias": "Risk of bias", "inconsistency": "Inconsistency", "indirectness": "Indirectness",
                "imprecision": "Imprecision", "publication-bias": "Publication bias"}

RATING_WORDS = {"not-serious": "not serious", "serious": "serious (−1)", "very-serious": "very serious (−2)",
                "not-applicable": "not applicable", "not-assessable": "not assessable"}

_START_WORDS = {
    "high": "two arms of one randomised study are compared",
    "low": "single arms from different studies are compared (observational evidence)",
}


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{100 * x:.1f}%"


def _words(a: Analysis) -> Words:
    claim = a.spec.claim
    names = {"claim-cites-at": claim.cites.at} if claim is not None and claim.cites is not None else {}
    return Words(dict(a.labels), names)


def _certainty(a: Analysis, w: Words) -> tuple[list[str], list[dict[str, Any]], list[str]]:
    """Per-outcome certainty: the domain headers, one row per outcome (cells cite numbered notes), the notes."""
    notes: list[str] = []
    rows = []
    for oc in a.verdict.outcomes:
        cells = []
        for d in oc.domains:
            marks = []
            for r in d.reasons:
                text = say(r, w)
                if text not in notes:
                    notes.append(text)
                marks.append(str(notes.index(text) + 1))
            cells.append(RATING_WORDS[d.rating] + (f" [{', '.join(marks)}]" if marks else ""))
        rows.append({"outcome": oc.outcome, "start": oc.start, "cells": cells, "level": oc.level.upper()})
    headers = [DOMAIN_WORDS[d.domain] for d in a.verdict.outcomes[0].domains] if a.verdict.outcomes else []
    return headers, rows, notes


_RESPONSE_FIELDS = {"ORR": ("outcome.best_response", "outcome.rate.ORR"),
                    "DCR": ("outcome.best_response", "outcome.rate.DCR")}


def _number_notes(a: Analysis, outcomes: list[str]) -> tuple[dict[tuple[str, str], int], list[str]]:
    """Known errors in the numbers of page 1: (cohort, outcome) → note number, and the notes' texts in order."""
    marks: dict[tuple[str, str], int] = {}
    texts: list[str] = []
    for r in a.errors.iter_rows(named=True):
        for name in outcomes:
            if str(r["field"]).startswith(_RESPONSE_FIELDS.get(name, (f"outcome.{name}",))):
                text = f"{a.labels[r['cohort']]}: {error_text(r)}"
                if text not in texts:
                    texts.append(text)
                marks.setdefault((r["cohort"], name), texts.index(text) + 1)
    return marks, texts


def _numbers(a: Analysis) -> tuple[list[str], list[dict[str, Any]], list[str]]:
    """One row per cohort (reference first); per outcome the count, rate with CI and difference vs the reference;
    a cell whose published number has a known error carries the number of its note (the notes, third)."""
    numbers = a.verdict.numbers
    outcomes = list(dict.fromkeys(numbers["outcome"].to_list()))
    marks, notes = _number_notes(a, outcomes)
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
            mark = f" [{marks[(cid, name)]}]" if (cid, name) in marks else ""
            row["cells"] += [_number_cell(r) + mark, _difference_cell(r, cid == a.reference)]
        rows.append(row)
    return outcomes, rows, notes


def _time(r: dict[str, Any]) -> str:
    """A time point in the unit it was printed in, with months in brackets only when printed otherwise:
    "12 weeks (2.8 months)", never a bare fraction of months."""
    from ..outcomes import time_words

    return time_words(r["time_months"], r.get("time"), r.get("unit"))


def _number_cell(r: dict[str, Any]) -> str:
    """"21/33 = 63.6% (45.1%–79.6%)"; a count not printed but inferred from the percentage and its interval says so."""
    cell = f"{r['n']}/{r['denominator']} = {_pct(r['proportion'])} ({_pct(r['ci_low'])}–{_pct(r['ci_high'])})"
    if r["derived_from"] == "percentage+interval":
        cell += f" ({INFERRED})"
    if r["time_months"] is not None:
        cell += f" at {_time(r)}"
    return cell


def _difference_cell(r: dict[str, Any], reference: bool) -> str:
    if reference:
        return "reference"
    if r["risk_difference"] is None:
        return "not computed (another time point)" if r["time_months"] is not None else "–"
    return f"{100 * r['risk_difference']:+.1f} ({100 * r['rd_low']:+.1f}, {100 * r['rd_high']:+.1f})"


def verdict_context(a: Analysis, top: int = 5) -> dict[str, Any]:
    """The sentences and rows of page 1, worded from the verdict's facts by the phrasebook.

    Parameters
    ----------
    a : Analysis
    top : int
        How many ranked limitations page 1 names.

    Returns
    -------
    dict
    """
    v, w = a.verdict, _words(a)
    outcomes, numbers, number_notes = _numbers(a)
    headers, rows, notes = _certainty(a, w)
    return {
        "claim": v.claim, "question": a.spec.question, "population": a.spec.population,
        "outcomes": outcomes, "numbers": numbers, "number_notes": number_notes,
        "not_in_numbers": [a.labels[c] for c in a.comparison.cohorts if c not in set(v.numbers["cohort"].to_list())],
        "supports": [say(f, w) for f in v.supports], "cannot": [say(f, w) for f in v.cannot],
        "context": [say(f, w) for f in v.context],
        "certainty": v.certainty, "start": v.start, "start_reason": _START_WORDS[v.start],
        "certainty_headers": headers, "certainty_rows": rows, "certainty_notes": notes,
        "evidence": ", ".join(v.evidence),
        "limitations": [THEME_WORDS[lim.theme] for lim in a.limitations[:top]],
    }
