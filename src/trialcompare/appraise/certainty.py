"""Certainty of evidence per outcome, by GRADE domains, for comparisons of cohorts across studies.

Rules
-----
Each outcome is rated on its own (ORR, DCR and each time-to-event endpoint): GRADE rates outcomes, not studies.

- **Start**: *high* when every comparison is between two arms of one randomised study, else *low* (single arms
  compared across studies are observational evidence).
- **Risk of bias** (one domain; confounding is part of it, as in ROBINS-I, and counted nowhere else): selection of
  a retrospective series; confounding not adjusted for (every unanchored comparison); outcome assessment
  (response read retrospectively — ORR and DCR only); cohorts that may share patients; unresolved data errors.
  Serious with one or two reasons, very serious with three or more.
- **Inconsistency**: the contrasts with several comparators point in opposite directions (a risk-difference
  interval wholly above zero for one comparator and wholly below for another; medians higher than some comparators'
  and lower than others'). Not applicable with one comparator.
- **Indirectness**: eligibility differs (resectable disease enrolled in some cohorts and excluded in others);
  for time-to-event outcomes, the endpoints compared differ (EFS vs PFS), their definitions differ, or resection
  is inside an endpoint; for responses, one read at a stated time set beside best overall response.
- **Imprecision**: for ORR and DCR, judged on the interval of the risk difference against the decision threshold the
  spec states (``decision_thresholds``, a magnitude t): imprecise when an interval contains −t or +t, so that it
  spans both a difference that matters and one that does not. Without a threshold,
  against GRADE's optimal information size (a relative increase of 25% over the comparator's rate, two-sided
  α = 0.05, power 0.8): imprecise when the two cohorts together are smaller. Time-to-event outcomes compared only
  through published medians have no interval of a contrast: imprecision is *not assessable* and says so.
- **Publication bias**: suspected when the spec does not say the comparators came from a systematic search
  (``comparators_selected``).

The level is the start less one per serious domain and two per very serious one, to at most *very low*.

Examples
--------
>>> round(optimal_information_size(0.283))   # IE alone's ORR 13/46: 1,353 patients in all to detect 28.3% → 35.4%
1353
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import polars as pl

from ..rules import evidence_between, is_control_arm, median_months, patient_overlap, resectability
from .caveats import DEFINITION_DIFFERS, RESECTION
from .facts import Fact, fact
from .themes import mixed_histology

if TYPE_CHECKING:
    from ..checks.finding import Finding
    from ..comparison import Comparison
    from ..load import CohortSet

__all__ = ["CERTAINTY_LEVELS", "DOMAINS", "DomainRating", "OutcomeCertainty", "certainty", "harms_certainty",
           "optimal_information_size", "overlap_pairs"]

CERTAINTY_LEVELS = ("high", "moderate", "low", "very low")
DOMAINS = ("risk-of-bias", "inconsistency", "indirectness", "imprecision", "publication-bias")
VERY_SERIOUS_FROM = 3
"""Risk of bias is very serious from this many reasons."""

OIS_RELATIVE = 1.25
OIS_ALPHA = 0.05
OIS_POWER = 0.8
_Z_ALPHA = 1.959964
_Z_POWER = 0.841621


@dataclass(frozen=True)
class DomainRating:
    """One GRADE domain for one outcome.

    Attributes
    ----------
    domain : str
        One of :data:`DOMAINS`.
    rating : str
        ``not-serious``, ``serious``, ``very-serious``, ``not-applicable`` or ``not-assessable``.
    reasons : tuple of Fact
    """

    domain: str
    rating: str
    reasons: tuple[Fact, ...] = ()

    @property
    def steps(self) -> int:
        """Levels rated down."""
        return {"serious": 1, "very-serious": 2}.get(self.rating, 0)


@dataclass(frozen=True)
class OutcomeCertainty:
    """The certainty of the evidence for one outcome.

    Attributes
    ----------
    outcome : str
        ``ORR``, ``DCR`` or an endpoint (``EFS/PFS``: the compared endpoints, ``OS``).
    start : str
    domains : tuple of DomainRating
    level : str
        One of :data:`CERTAINTY_LEVELS`.
    """

    outcome: str
    start: str
    domains: tuple[DomainRating, ...]
    level: str


def optimal_information_size(p0: float, relative: float = OIS_RELATIVE) -> float:
    """Total patients (both groups) needed to detect a relative change of a proportion ``p0`` (GRADE's OIS).

    Parameters
    ----------
    p0 : float
        The comparator's proportion.
    relative : float
        The relative change to detect (1.25: an increase of 25%).

    Returns
    -------
    float
        ``2 (z_{1-α/2} + z_{power})² (p0 (1 − p0) + p1 (1 − p1)) / (p1 − p0)²`` with ``p1 = min(p0 · relative,
        0.999)``; α = 0.05, power 0.8.

    Examples
    --------
    >>> round(optimal_information_size(0.5), 1)   # p1 = 0.625: 2 · 7.849 · (0.25 + 0.234375) / 0.015625
    486.6
    """
    p1 = min(p0 * relative, 0.999)
    if p1 <= p0:
        return math.inf
    return 2 * (_Z_ALPHA + _Z_POWER) ** 2 * (p0 * (1 - p0) + p1 * (1 - p1)) / (p1 - p0) ** 2


def _rated(domain: str, reasons: Sequence[Fact], very_from: int | None = None) -> DomainRating:
    if not reasons:
        return DomainRating(domain, "not-serious")
    rating = "very-serious" if very_from is not None and len(reasons) >= very_from else "serious"
    return DomainRating(domain, rating, tuple(reasons))


def overlap_pairs(cohorts: CohortSet) -> tuple[tuple[str, str], ...]:
    """Every pair of cohorts that may share patients (:func:`trialcompare.rules.patient_overlap`), in load order.

    Parameters
    ----------
    cohorts : CohortSet

    Returns
    -------
    tuple of (str, str)

    Examples
    --------
    >>> import trialcompare as tc
    >>> overlap_pairs(tc.load("trials/apatinib-ie.yaml", "trials/apatinib-camrelizumab.yaml", "trials/ie.yaml"))
    (('apatinib-ie', 'apatinib-camrelizumab'), ('apatinib-ie', 'ie'))
    """
    ids = cohorts.ids
    return tuple((a, b) for i, a in enumerate(ids) for b in ids[i + 1:]
                 if (o := patient_overlap(cohorts[a].descriptor, cohorts[b].descriptor)) is not None and o.possible)


def _risk_of_bias(cohorts: CohortSet, findings: Sequence[Finding], binary: bool, unanchored: bool,
                  confounders: Fact) -> DomainRating:
    retro = tuple(c.id for c in cohorts if c.descriptor.design.type == "retrospective")
    reasons = []
    if retro:
        reasons.append(fact("rob-selection", cohorts=retro))
    if unanchored:
        reasons.append(fact("rob-confounding", against=confounders["against"], favours=confounders["favours"],
                            unmeasured=confounders["unmeasured"]))
    if binary and retro:
        reasons.append(fact("rob-assessment", cohorts=retro))
    if pairs := overlap_pairs(cohorts):
        reasons.append(fact("rob-overlap", pairs=pairs))
    errors = tuple(dict.fromkeys(f.cohort for f in findings if f.severity == "error" and not f.acknowledged
                                 and f.cohort in cohorts.ids))
    if errors:
        reasons.append(fact("rob-data-errors", cohorts=errors))
    return _rated("risk-of-bias", reasons, VERY_SERIOUS_FROM)


def _binary_contrasts(cmp: Comparison, outcome: str) -> pl.DataFrame:
    d = cmp.differences
    if d.is_empty() or "outcome" not in d.columns:
        return d
    return d.filter(pl.col("outcome") == outcome, pl.col("rd_low").is_not_null())


def _inconsistency(signs: dict[str, int]) -> DomainRating:
    if len(signs) < 2:
        return DomainRating("inconsistency", "not-applicable")
    higher = tuple(c for c, s in signs.items() if s > 0)
    lower = tuple(c for c, s in signs.items() if s < 0)
    if higher and lower:
        return _rated("inconsistency", [fact("inconsistent-directions", higher=higher, lower=lower)])
    return DomainRating("inconsistency", "not-serious")


def _active(signs: dict[str, int], cohorts: CohortSet) -> dict[str, int]:
    """The directions against comparators that are not a control arm (placebo, best supportive care): a reference
    doing better than placebo says nothing about whether it does better than the active comparators."""
    return {c: s for c, s in signs.items() if c not in cohorts.ids or not is_control_arm(cohorts[c].descriptor)}


def _binary_signs(rows: pl.DataFrame) -> dict[str, int]:
    return {r["cohort"]: (1 if r["rd_low"] > 0 else -1 if r["rd_high"] < 0 else 0) for r in rows.iter_rows(named=True)}


def _imprecision_binary(cmp: Comparison, rows: pl.DataFrame, outcome: str,
                        thresholds: dict[str, float]) -> DomainRating:
    if rows.is_empty():
        return DomainRating("imprecision", "not-assessable", (fact("no-contrast-interval", outcome=outcome),))
    if outcome in thresholds:
        t = thresholds[outcome]
        crossing = tuple(r["cohort"] for r in rows.iter_rows(named=True)
                         if r["rd_low"] < -t < r["rd_high"] or r["rd_low"] < t < r["rd_high"])
        reasons = [fact("imprecise-threshold", outcome=outcome, threshold=t, cohorts=crossing,
                        all=len(crossing) == rows.height)] if crossing else []
        return _rated("imprecision", reasons)
    props = cmp.outcomes.filter(pl.col("outcome") == outcome, pl.col("statistic") == "proportion")
    size = {r["cohort"]: (r["denominator"], r["estimate"]) for r in props.iter_rows(named=True)}
    n_ref = size.get(cmp.reference, (0, None))[0] or 0
    short = []
    for cid in rows["cohort"].to_list():
        n, p0 = size.get(cid, (None, None))
        if n is None or p0 is None or n + n_ref < optimal_information_size(p0):
            short.append(cid)
    reasons = [fact("imprecise-ois", outcome=outcome, relative=OIS_RELATIVE, cohorts=tuple(short),
                    all=len(short) == rows.height)] if short else []
    return _rated("imprecision", reasons)


def _indirectness(cmp: Comparison, cohorts: CohortSet, tte: bool, caveat_codes: set[str]) -> DomainRating:
    """``tte``: the compared event- or progression-free endpoints (their names and definitions count); OS and
    responses are judged on eligibility alone."""
    reasons = []
    ref = resectability(cohorts[cmp.reference].descriptor)
    excluded = tuple(c.id for c in cohorts if c.id != cmp.reference
                     and resectability(c.descriptor) not in ("not_stated", ref) and ref != "not_stated")
    if excluded:
        reasons.append(fact("indirect-eligibility", reference=cmp.reference, resectable=ref, cohorts=excluded))
    mixed = mixed_histology(cohorts)  # the population: numbers of a mix of bone sarcomas, not of osteosarcoma
    if mixed is not None:
        reasons.append(mixed)
    if tte:
        endpoints = {c: e for c, e in cmp.compared_endpoints.items() if e}
        if len(set(endpoints.values())) > 1:
            reasons.append(fact("indirect-endpoints", endpoints=tuple(sorted(set(endpoints.values())))))
        if DEFINITION_DIFFERS in caveat_codes:
            reasons.append(fact("indirect-definitions"))
        if RESECTION in caveat_codes:
            reasons.append(fact("indirect-resection"))
    return _rated("indirectness", reasons)


def _medians(cmp: Comparison, endpoints: dict[str, str]) -> dict[str, float]:
    out = cmp.outcomes.filter(pl.col("statistic") == "median")
    months = ((r["cohort"], median_months(r)) for r in out.iter_rows(named=True)  # one scale: 16.4 weeks = 3.8 months
              if r["outcome"] == f"{endpoints.get(r['cohort'])}:median")
    return {c: m for c, m in months if m is not None}


def _publication(selected: str) -> DomainRating:
    if selected == "systematic-search":
        return DomainRating("publication-bias", "not-serious")
    return _rated("publication-bias", [fact("publication-suspected", selection=selected)])


def _level(start: str, domains: Sequence[DomainRating]) -> str:
    i = CERTAINTY_LEVELS.index(start) + sum(d.steps for d in domains)
    return CERTAINTY_LEVELS[min(i, len(CERTAINTY_LEVELS) - 1)]


def _tte_outcomes(cmp: Comparison) -> list[tuple[str, dict[str, str]]]:
    """(label, endpoint per cohort) of each time-to-event outcome reported as a median by two or more cohorts."""
    medians = cmp.outcomes.filter(pl.col("statistic") == "median")
    out = []
    compared = {c: e for c, e in cmp.compared_endpoints.items() if e}
    if len(_medians(cmp, compared)) >= 2:
        out.append(("/".join(dict.fromkeys(compared.values())), compared))
    os_ = {c: "OS" for c in cmp.cohorts if not medians.filter(pl.col("cohort") == c,
                                                               pl.col("outcome") == "OS:median").is_empty()}
    if len(os_) >= 2 and "OS" not in compared.values():
        out.append(("OS", os_))
    return out


def certainty(cmp: Comparison, cohorts: CohortSet, findings: Sequence[Finding], confounders: Fact,
              binary_outcomes: Sequence[str] = ("ORR", "DCR"), thresholds: dict[str, float] | None = None,
              comparators_selected: str = "not_stated", caveat_codes: set[str] | None = None,
              ) -> tuple[OutcomeCertainty, ...]:
    """Rate the certainty of each outcome's evidence by GRADE domains (the rules of this module).

    Parameters
    ----------
    cmp : Comparison
    cohorts : CohortSet
    findings : sequence of Finding
    confounders : Fact
        :func:`trialcompare.appraise.factors.bias_direction`.
    binary_outcomes : sequence of str
    thresholds : dict of str to float, optional
        Decision thresholds on the risk difference per outcome (the spec's ``decision_thresholds``).
    comparators_selected : str
        How the comparators were chosen: ``systematic-search``, ``authors-choice``, ``convenience`` or
        ``not_stated``.
    caveat_codes : set of str, optional
        Codes of the caveats (:data:`~trialcompare.appraise.caveats.DEFINITION_DIFFERS` and
        :data:`~trialcompare.appraise.caveats.RESECTION` count for indirectness).

    Returns
    -------
    tuple of OutcomeCertainty

    Examples
    --------
    >>> import trialcompare as tc
    >>> a = tc.analyse(with_meta=False)
    >>> [(c.outcome, c.level) for c in a.certainty]
    [('ORR', 'very low'), ('DCR', 'very low'), ('EFS/PFS', 'very low'), ('OS', 'very low'), ('Harms', 'very low')]
    """
    thresholds = thresholds or {}
    codes = caveat_codes or set()
    ref = cohorts[cmp.reference].descriptor
    evidence = {evidence_between(c.descriptor, ref) for c in cohorts if c.id != cmp.reference} or {"unanchored"}
    start = "high" if evidence == {"randomised"} else "low"
    unanchored = "unanchored" in evidence
    out = []
    for outcome in binary_outcomes:
        rows = _binary_contrasts(cmp, outcome)
        domains = (_risk_of_bias(cohorts, findings, True, unanchored, confounders),
                   _inconsistency(_active(_binary_signs(rows), cohorts)), _indirectness(cmp, cohorts, False, codes),
                   _imprecision_binary(cmp, rows, outcome, thresholds), _publication(comparators_selected))
        out.append(OutcomeCertainty(outcome, start, domains, _level(start, domains)))
    for label, endpoints in _tte_outcomes(cmp):
        med = _medians(cmp, endpoints)
        ref_m = med.get(cmp.reference)
        signs = {} if ref_m is None else {c: (1 if ref_m > m else -1 if ref_m < m else 0)
                                          for c, m in med.items() if c != cmp.reference}
        domains = (_risk_of_bias(cohorts, findings, False, unanchored, confounders),
                   _inconsistency(_active(signs, cohorts)),
                   _indirectness(cmp, cohorts, label != "OS", codes),
                   DomainRating("imprecision", "not-assessable", (fact("no-contrast-interval", outcome=label),)),
                   _publication(comparators_selected))
        out.append(OutcomeCertainty(label, start, domains, _level(start, domains)))
    return tuple(out)


def harms_certainty(start: str, ascertainment: Fact) -> OutcomeCertainty:
    """Rate the certainty of the harms comparison when the cohorts ascertained harms differently.

    Risk of bias (outcome measurement) is serious; indirectness, imprecision and publication bias are not
    assessable from published counts.

    Parameters
    ----------
    start : str
        The comparison's starting certainty.
    ascertainment : Fact
        ``harms-ascertainment`` (:func:`trialcompare.appraise.themes.harms_ascertainment`).

    Returns
    -------
    OutcomeCertainty

    Examples
    --------
    >>> from trialcompare.appraise.facts import fact
    >>> harms_certainty("low", fact("harms-ascertainment", retrospective=("a",), prospective=("b",))).level
    'very low'
    """
    note = fact("harms-not-assessable")
    domains = (DomainRating("risk-of-bias", "serious", (ascertainment,)),
               DomainRating("inconsistency", "not-applicable"),
               DomainRating("indirectness", "not-assessable", (note,)),
               DomainRating("imprecision", "not-assessable", (note,)),
               DomainRating("publication-bias", "not-assessable", (note,)))
    return OutcomeCertainty("Harms", start, domains, _level(start, domains))
