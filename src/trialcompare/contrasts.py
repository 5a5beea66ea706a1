"""Contrasts of each cohort against the reference: descriptive by default (issue 19, item 4; DESIGN.md,
"Estimators and outcomes").

- By default the frame holds risk differences with intervals (Newcombe unless chosen otherwise) for ORR and DCR
  only, between cohorts of different studies; between two arms of one randomised study (evidence
  ``"randomised"``) every count outcome is kept, since that contrast is randomised evidence.
- Odds ratios and Fisher p values are computed only with ``exploratory=True``, and every such row is flagged
  ``exploratory``; with it, the other count outcomes (response levels, complete surgical remission, landmark rates
  printed as counts) come too.
- Never between cohorts that may share patients (:func:`trialcompare.rules.pooling_exclusion`: shared registration,
  shared centre with overlapping accrual): their rows carry the rule's code in ``overlap`` and no odds ratio or p.
- No row that repeats another: PR when CR = 0 in every cohort (PR is then ORR), PD when it mirrors DCR (no
  not-evaluable patients), never SD (a part of a distribution, not an efficacy outcome), and no outcome whose every
  row is not estimable.
- Only counts are contrasted (binomial proportions, ``estimator`` "binomial"): a Kaplan-Meier rate is never set
  against a count, nor turned into one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import polars as pl

from .appraise.facts import Fact, fact
from .rules import evidence_between, incomparable_by_eligibility, pooling_exclusion

if TYPE_CHECKING:
    from .comparison import CompareOptions
    from .load import CohortSet

__all__ = ["BODY_OUTCOMES", "DIFF_SCHEMA", "contrast_facts", "differences"]

BODY_OUTCOMES = ("ORR", "DCR")
"""The outcomes contrasted by default (descriptive risk differences)."""

DIFF_SCHEMA: dict[str, Any] = {
    "cohort": pl.String, "reference": pl.String, "outcome": pl.String, "n": pl.Int64, "denominator": pl.Int64,
    "ref_n": pl.Int64, "ref_denominator": pl.Int64, "risk_difference": pl.Float64, "rd_low": pl.Float64,
    "rd_high": pl.Float64, "rd_method": pl.String, "odds_ratio": pl.Float64, "or_low": pl.Float64,
    "or_high": pl.Float64, "or_method": pl.String, "fisher_p": pl.Float64, "evidence": pl.String,
    "estimable": pl.Boolean, "not_estimable_reason": pl.String, "time_months": pl.Float64, "time": pl.Float64,
    "unit": pl.String, "comparable": pl.Boolean, "not_comparable_reason": pl.String, "estimator": pl.String,
    "exploratory": pl.Boolean, "overlap": pl.String,
}  # fmt: skip
"""``evidence`` is a code of :data:`trialcompare.options.EVIDENCE` (:func:`trialcompare.rules.evidence_between`);
``estimator`` is always ``"binomial"`` (counts only); ``exploratory`` marks a row computed only because
``exploratory=True`` was asked (an outcome beyond ORR/DCR, or a row with an odds ratio and Fisher p); ``overlap``
is the code of :func:`trialcompare.rules.pooling_exclusion` when the two cohorts may share patients (then no odds
ratio or p, whatever was asked). A contrast with no events in either cohort, or only events in both, is not
estimable (``estimable`` False, ``not_estimable_reason`` "no-events" or "all-events"). An outcome the cohorts'
eligibility makes structurally incomparable (:func:`trialcompare.rules.incomparable_by_eligibility`) is not
contrasted: ``comparable`` False, ``not_comparable_reason`` "eligibility", no numbers."""


def _degenerate(row: dict, ref: dict) -> str | None:
    if row["n"] == 0 and ref["n"] == 0:
        return "no-events"
    if row["n"] == row["denominator"] and ref["n"] == ref["denominator"]:
        return "all-events"
    return None


def _difference(row: dict, ref: dict, opts: CompareOptions, pair: Mapping[str, Any]) -> dict:
    from .stats.proportions import fisher_exact, odds_ratio, risk_difference

    tested = opts.exploratory and pair["overlap"] is None and pair["evidence"] != "randomised"
    base = dict.fromkeys(DIFF_SCHEMA) | {
        "cohort": row["cohort"], "reference": ref["cohort"], "outcome": row["outcome"], "n": row["n"],
        "denominator": row["denominator"], "ref_n": ref["n"], "ref_denominator": ref["denominator"],
        "rd_method": opts.rd_method, "or_method": opts.or_method if tested else None, "evidence": pair["evidence"],
        "estimable": True, "comparable": True, "time_months": row["time_months"], "time": row.get("time"),
        "unit": row.get("unit") if row["statistic"] == "rate" else None, "estimator": "binomial",
        "overlap": pair["overlap"],
        "exploratory": bool(tested or (row["outcome"] not in BODY_OUTCOMES and pair["evidence"] != "randomised"))}
    if pair["not_comparable"] is not None:
        return base | {"comparable": False, "not_comparable_reason": pair["not_comparable"]}
    why = _degenerate(row, ref)
    if why is not None:
        return base | {"estimable": False, "not_estimable_reason": why}
    args = (row["n"], row["denominator"], ref["n"], ref["denominator"])
    rd, rd_lo, rd_hi = risk_difference(*args, method=opts.rd_method, level=opts.level)
    out = base | {"risk_difference": rd, "rd_low": rd_lo, "rd_high": rd_hi}
    if tested:
        orr, or_lo, or_hi = odds_ratio(*args, method=opts.or_method, level=opts.level)
        out |= {"odds_ratio": orr, "or_low": or_lo, "or_high": or_hi, "fisher_p": fisher_exact(*args)}
    return out


def _repeats(counted: list[dict]) -> set[tuple[str, str]]:
    """(cohort, outcome) rows that repeat another: PR when CR = 0 in every cohort, PD mirroring DCR; every SD."""
    by = {(r["cohort"], r["outcome"]): r for r in counted}
    cohorts = {r["cohort"] for r in counted}
    out = {(c, "best_response:SD") for c in cohorts}
    cr = [by.get((c, "best_response:CR")) for c in cohorts]
    if all(r is not None and r["n"] == 0 for r in cr):
        out |= {(c, "best_response:PR") for c in cohorts}
    mirrored = [(c, by.get((c, "best_response:PD")), by.get((c, "DCR"))) for c in cohorts]
    if all(pd is not None and dcr is not None and pd["n"] == pd["denominator"] - dcr["n"] for _, pd, dcr in mirrored):
        out |= {(c, "best_response:PD") for c in cohorts}
    return out


def _wanted(row: dict, evidence: str, opts: CompareOptions) -> bool:
    return opts.exploratory or evidence == "randomised" or (row["outcome"] in BODY_OUTCOMES
                                                             and row["time_months"] is None)


def _drop_all_not_estimable(rows: list[dict]) -> list[dict]:
    keys = {(r["outcome"], r["time_months"]) for r in rows}
    keep = {k for k in keys if any(r["estimable"] and r["comparable"] for r in rows
                                   if (r["outcome"], r["time_months"]) == k)}
    return [r for r in rows if (r["outcome"], r["time_months"]) in keep]


def differences(outcomes: pl.DataFrame, opts: CompareOptions, cohorts: CohortSet) -> pl.DataFrame:
    """Compare the counts of each cohort with the reference's, by the rules of the module.

    Parameters
    ----------
    outcomes : polars.DataFrame
        :attr:`trialcompare.comparison.Comparison.outcomes`.
    opts : CompareOptions
        The comparison's options (``exploratory``, ``rd_method``, ``or_method``, ``level``, ``reference``).
    cohorts : CohortSet

    Returns
    -------
    polars.DataFrame
        Columns of :data:`DIFF_SCHEMA`.
    """
    counted = outcomes.filter(pl.col("statistic").is_in(["proportion", "rate"]), pl.col("n").is_not_null(),
                              pl.col("denominator") > 0, ~pl.col("beside").fill_null(False)).to_dicts()
    ref = {(r["outcome"], r["time_months"]): r for r in counted if r["cohort"] == opts.reference}
    reference = cohorts[opts.reference].descriptor
    pairs: dict[str, dict[str, Any]] = {}
    for c in cohorts:
        rule = pooling_exclusion(reference, c.descriptor) if c.id != opts.reference else None
        pairs[c.id] = {"evidence": evidence_between(c.descriptor, reference),
                       "overlap": rule[0] if rule is not None and rule[0] != "same-study" else None}
    repeats = _repeats([r for r in counted if r["time_months"] is None])
    out = [_difference(r, ref[(r["outcome"], r["time_months"])], opts, pairs[r["cohort"]] | {
               "not_comparable": incomparable_by_eligibility(r["outcome"], cohorts[r["cohort"]].descriptor,
                                                             reference)})
           for r in counted
           if r["cohort"] != opts.reference and (r["outcome"], r["time_months"]) in ref
           and (r["cohort"], r["outcome"]) not in repeats and _wanted(r, pairs[r["cohort"]]["evidence"], opts)]
    return pl.DataFrame(_drop_all_not_estimable(out), schema=DIFF_SCHEMA, orient="row")


def contrast_facts(diff: pl.DataFrame, level: float, exploratory: bool) -> tuple[Fact, ...]:
    """The contrasts as judgement facts (words in :mod:`trialcompare.render.phrasebook`).

    ``contrasts-descriptive`` (what the body shows) and one ``contrast-withheld`` per cohort that may share
    patients with the reference.

    Parameters
    ----------
    diff : polars.DataFrame
        :attr:`trialcompare.comparison.Comparison.differences`.
    level : float
        Confidence level of the intervals.
    exploratory : bool
        Whether odds ratios and Fisher p were computed (``compare(exploratory=True)``).

    Returns
    -------
    tuple of Fact

    Examples
    --------
    >>> frame = pl.DataFrame({"cohort": ["ie"], "reference": ["apatinib-ie"], "outcome": ["ORR"],
    ...                       "overlap": ["shares-registration"]})
    >>> [f.code for f in contrast_facts(frame, 0.95, False)]
    ['contrasts-descriptive', 'contrast-withheld']
    """
    head = fact("contrasts-descriptive", ("comparison/differences",), outcomes=BODY_OUTCOMES,
                level=round(100 * level), exploratory=bool(exploratory))  # fmt: skip
    pairs = diff.filter(pl.col("overlap").is_not_null()).select("cohort", "reference", "overlap").unique(
        maintain_order=True)
    withheld = tuple(fact("contrast-withheld", (f"comparison/differences/{c}",), cohort=c, other=ref, rule=rule)
                     for c, ref, rule in pairs.iter_rows())
    return (head, *withheld)
