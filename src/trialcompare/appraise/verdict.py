"""The verdict on a published claim: the numbers it rests on, what the data can and cannot support, the facts a
reviewer puts first, and the certainty per outcome — all as facts (:mod:`trialcompare.appraise.facts`).

Rules
-----
- **Observed direction**: per claimed outcome, whether the reference's observed proportion is above (or below, as
  claimed) every comparator's; ``all`` says whether it holds for every claimed outcome.
- **No causal inference** without randomised or anchored evidence.
- **Direction of bias** (:func:`trialcompare.appraise.factors.bias_direction`): measured factors worse in the
  reference or in the comparators, what is not measured, and the net direction — unknown whenever a factor that
  matters is not measured. The selection of a retrospective series and a retrospective, unconfirmed response
  assessment are such factors.
- **Closest comparator**: the comparator sharing most of (registration, centre, accrual period overlapping,
  compared endpoint, design) with the reference (ties: the one with the same endpoint), when it shares at least
  two; how its medians compare on the time-to-event outcomes (``better`` when every median is at least the
  reference's, ``worse`` when every one is at most, else ``mixed``).
- **Regimen analogue**: the comparator whose regimen shares most with the reference's (agents, then drug classes),
  when it is unique and not the closest comparator — e.g. lenvatinib + IE beside apatinib + IE.
- **Selection signal**: a retrospective series with no progression as best response.
- **DCR without duration**: when DCR is claimed and the reference prints a time-anchored clinical benefit rate.
- **What the claim cites** (spec ``claim.cites``): single-patient images are anecdotal.
- **How the comparators were chosen** (spec ``comparators_selected``): by the claim's authors, by a systematic
  search, or not stated.
- **Population adjustment**: available (with IPD, simulated or not) or not possible without IPD.

Examples
--------
>>> import trialcompare as tc
>>> v = tc.analyse(with_meta=False).verdict
>>> v.certainty, v.evidence, [f.code for f in v.context]
('very low', ('unanchored',), ['comparator-selection', 'closest-comparator', 'selection-signal', \
'dcr-without-duration', 'claim-cites'])
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import polars as pl

from ..rules import compared_endpoint, evidence_between, is_control_arm, median_months, patient_overlap, regimen_overlap
from .certainty import CERTAINTY_LEVELS, OutcomeCertainty
from .facts import Fact, fact

if TYPE_CHECKING:
    from ..comparison import Comparison
    from ..load import CohortSet
    from ..spec import Claim

__all__ = ["Verdict", "claim_numbers", "closest_comparator", "direction_holds", "regimen_analogue", "verdict"]

_NUMBER_SCHEMA = {"outcome": pl.String, "cohort": pl.String, "n": pl.Int64, "denominator": pl.Int64,
                  "proportion": pl.Float64, "ci_low": pl.Float64, "ci_high": pl.Float64,
                  "risk_difference": pl.Float64, "rd_low": pl.Float64, "rd_high": pl.Float64, "evidence": pl.String,
                  "derived_from": pl.String, "time_months": pl.Float64, "time": pl.Float64, "unit": pl.String}


@dataclass(frozen=True)
class Verdict:
    """The appraisal of a published claim (or of the comparison when the spec quotes none).

    Attributes
    ----------
    claim : Claim or None
    evidence : tuple of str
        Evidence types of the comparisons against the reference.
    numbers : polars.DataFrame
        The numbers the claim rests on (:func:`claim_numbers`).
    direction_holds : dict of str to bool
    start : str
        Certainty before rating down.
    certainty : str
        The lowest certainty over the outcomes rated (GRADE: the overall certainty is that of the critical
        outcomes).
    outcomes : tuple of OutcomeCertainty
        Certainty per outcome, by GRADE domains.
    supports : tuple of Fact
        What the data can support.
    cannot : tuple of Fact
        What they cannot support.
    context : tuple of Fact
        Facts a reviewer puts first (closest comparator, selection signals, what the claim cites).
    bias : Fact
        The ``bias-direction`` fact.
    """

    claim: Claim | None
    evidence: tuple[str, ...]
    numbers: pl.DataFrame
    direction_holds: dict[str, bool]
    start: str
    certainty: str
    outcomes: tuple[OutcomeCertainty, ...]
    supports: tuple[Fact, ...]
    cannot: tuple[Fact, ...]
    context: tuple[Fact, ...]
    bias: Fact


def claim_numbers(cmp: Comparison, outcomes: Sequence[str]) -> pl.DataFrame:
    """The numbers a claim rests on: per outcome and cohort the count, proportion, interval and difference.

    Parameters
    ----------
    cmp : Comparison
    outcomes : sequence of str

    Returns
    -------
    polars.DataFrame
        ``outcome, cohort, n, denominator, proportion, ci_low, ci_high, risk_difference, rd_low, rd_high,
        evidence, derived_from, time_months``.
    """
    out = cmp.outcomes.filter(pl.col("outcome").is_in(list(outcomes)), pl.col("statistic") == "proportion")
    diff = {(r["outcome"], r["cohort"]): r for r in cmp.differences.iter_rows(named=True)}
    rows = []
    for name in outcomes:
        for cid in cmp.cohorts:
            match = out.filter(pl.col("outcome") == name, pl.col("cohort") == cid)
            if match.is_empty():
                continue
            r, d = match.row(0, named=True), diff.get((name, cid), {})
            rows.append({"outcome": name, "cohort": cid, "n": r["n"], "denominator": r["denominator"],
                         "proportion": r["estimate"], "ci_low": r["ci_low"], "ci_high": r["ci_high"],
                         "risk_difference": d.get("risk_difference"), "rd_low": d.get("rd_low"),
                         "rd_high": d.get("rd_high"), "evidence": d.get("evidence"),
                         "derived_from": r["derived_from"], "time_months": r["time_months"], "time": r["time"],
                         "unit": r["unit"]})
    return pl.DataFrame(rows, schema=_NUMBER_SCHEMA, orient="row")


def direction_holds(numbers: pl.DataFrame, reference: str, direction: str) -> dict[str, bool]:
    """Per outcome, whether the reference's observed proportion is above (``higher``) or below every comparator's.

    Parameters
    ----------
    numbers : polars.DataFrame
        :func:`claim_numbers`.
    reference : str
    direction : {"higher", "lower"}

    Returns
    -------
    dict of str to bool
    """
    holds = {}
    for name in dict.fromkeys(numbers["outcome"].to_list()):
        rows = numbers.filter(pl.col("outcome") == name)
        ref = rows.filter(pl.col("cohort") == reference)["proportion"]
        others = rows.filter(pl.col("cohort") != reference)["proportion"]
        if ref.is_empty() or others.is_empty():
            continue
        holds[name] = bool((ref[0] > others).all()) if direction == "higher" else bool((ref[0] < others).all())
    return holds


def _shared(cohorts: CohortSet, reference: str, cid: str) -> tuple[str, ...]:
    a, b = cohorts[reference].descriptor, cohorts[cid].descriptor
    o = patient_overlap(a, b)
    ea, eb = compared_endpoint(a), compared_endpoint(b)
    checks = (("registration", o is not None and bool(o.registrations)),
              ("centre", o is not None and bool(o.centres)),
              ("accrual", o is not None and bool(o.accrual_overlaps)),
              ("endpoint", ea is not None and eb is not None and ea.name == eb.name),
              ("design", a.design.type == b.design.type))
    return tuple(k for k, hit in checks if hit)


def _median(cmp: Comparison, cid: str, endpoint: str) -> float | None:
    rows = cmp.outcomes.filter(pl.col("cohort") == cid, pl.col("outcome") == f"{endpoint}:median")
    return median_months(rows.row(0, named=True)) if rows.height else None  # 16.4 weeks is 3.8 months


def closest_comparator(cmp: Comparison, cohorts: CohortSet, ref_endpoint: str | None = None) -> Fact | None:
    """The ``closest-comparator`` fact (module rules), or None when no comparator shares two features.

    A control arm (placebo, best supportive care) is never the closest comparator of an active reference: it is the
    randomised partner of another cohort, not an alternative treatment.

    Parameters
    ----------
    cmp : Comparison
    cohorts : CohortSet
    ref_endpoint : str, optional
        The reference's endpoint to compare (default: its compared endpoint).

    Returns
    -------
    Fact or None
    """
    ref = cmp.reference
    controls = set() if is_control_arm(cohorts[ref].descriptor) else \
        {c for c in cmp.cohorts if is_control_arm(cohorts[c].descriptor)}
    shares = {c: _shared(cohorts, ref, c) for c in cmp.cohorts if c != ref and c not in controls}
    if not shares:
        return None
    best = max(shares, key=lambda c: (len(shares[c]), "endpoint" in shares[c]))
    if len(shares[best]) < 2:
        return None
    pairs = []
    theirs_ep = cmp.compared_endpoints.get(best) or ""
    for mine_ep, their_ep in ((ref_endpoint or cmp.compared_endpoints.get(ref) or "", theirs_ep), ("OS", "OS")):
        mine, theirs = _median(cmp, ref, mine_ep), _median(cmp, best, their_ep)
        if mine_ep and mine is not None and theirs is not None:
            pairs.append((their_ep if mine_ep == their_ep else f"{mine_ep}/{their_ep}", mine, theirs))
    if not pairs:
        return None
    if all(t >= m for _, m, t in pairs):
        compares = "better"
    elif all(t <= m for _, m, t in pairs):
        compares = "worse"
    else:
        compares = "mixed"
    return fact("closest-comparator", cohort=best, reference=ref, shares=shares[best],
                medians=tuple(pairs), compares=compares)


def regimen_analogue(cmp: Comparison, cohorts: CohortSet, closest: str | None = None) -> Fact | None:
    """Name the comparator whose regimen shares most with the reference's (the ``regimen-analogue`` fact).

    Shared agents count by name, then drug classes. The fact is made when that comparator is the only one with
    that many (at least two) and not already the closest comparator; it carries the compared endpoint's median and
    OS beside the reference's.

    Parameters
    ----------
    cmp : Comparison
    cohorts : CohortSet
    closest : str, optional
        The closest comparator's id (not repeated).

    Returns
    -------
    Fact or None
    """
    ref = cohorts[cmp.reference].descriptor
    score = {}
    for c in cmp.cohorts:
        if c != cmp.reference:
            agents, classes = regimen_overlap(ref, cohorts[c].descriptor)
            score[c] = (len(agents) + len(classes), agents, classes)
    if not score:
        return None
    best = max(score, key=lambda c: score[c][0])
    top = score[best][0]
    if top < 2 or sum(1 for v in score.values() if v[0] == top) > 1 or best == closest:
        return None
    mine_ep, their_ep = cmp.compared_endpoints.get(cmp.reference) or "", cmp.compared_endpoints.get(best) or ""
    pairs = [(me if me == te else f"{me}/{te}", m, t)
             for (me, te) in ((mine_ep, their_ep), ("OS", "OS"))
             if me and te and (m := _median(cmp, cmp.reference, me)) is not None
             and (t := _median(cmp, best, te)) is not None]
    return fact("regimen-analogue", cohort=best, reference=cmp.reference, agents=score[best][1],
                classes=score[best][2], medians=tuple(pairs))


def _selection_signal(cmp: Comparison, cohorts: CohortSet) -> Fact | None:
    ref = cmp.reference
    if cohorts[ref].descriptor.design.type != "retrospective":
        return None
    pd_ = cmp.outcomes.filter(pl.col("cohort") == ref, pl.col("outcome") == "best_response:PD")
    if pd_.is_empty() or pd_["n"][0] != 0:
        return None
    return fact("selection-signal", cohort=ref, progressions=0, n=pd_["denominator"][0])


def _dcr_duration(cmp: Comparison, claimed: Sequence[str]) -> Fact | None:
    if "DCR" not in claimed:
        return None
    cbr = cmp.outcomes.filter(pl.col("cohort") == cmp.reference, pl.col("outcome") == "CBR",
                              pl.col("time_months").is_not_null())
    if cbr.is_empty():
        return None
    r = cbr.row(0, named=True)
    return fact("dcr-without-duration", cohort=cmp.reference, cbr_n=r["n"], cbr_denominator=r["denominator"],
                time=r["time"] if r["time"] is not None else r["time_months"], unit=r["unit"] or "months")


def _context(cmp: Comparison, cohorts: CohortSet, claim: Claim | None, selected: str) -> tuple[Fact, ...]:
    claimed = list(claim.outcomes) if claim is not None and claim.outcomes else []
    closest = closest_comparator(cmp, cohorts)
    found = [fact("comparator-selection", k=len(cmp.cohorts) - 1, selection=selected), closest,
             regimen_analogue(cmp, cohorts, str(closest["cohort"]) if closest is not None else None),
             _selection_signal(cmp, cohorts), _dcr_duration(cmp, claimed)]
    if claim is not None and claim.cites is not None:
        found.append(fact("claim-cites", what=claim.cites.what))
    return tuple(f for f in found if f is not None)


def _conclusions(evidence: tuple[str, ...], holds: dict[str, bool], claim: Claim | None, ref: str, bias: Fact,
                 maic: Fact) -> tuple[tuple[Fact, ...], tuple[Fact, ...]]:
    supports: list[Fact] = []
    cannot: list[Fact] = []
    if "randomised" in evidence:
        supports.append(fact("randomised-effect"))
    else:
        cannot.append(fact("causal-superiority", cohort=ref, kinds=evidence))
    if claim is not None and holds:
        supports.append(fact("observed-direction", cohort=ref, direction=claim.direction,
                             outcomes=tuple(o for o, h in holds.items() if h),
                             not_outcomes=tuple(o for o, h in holds.items() if not h), all=all(holds.values())))
    if bias["net"] == "unknown":
        cannot.append(bias)
    else:
        supports.append(bias)
    (supports if maic["available"] else cannot).append(maic)
    return tuple(supports), tuple(cannot)


def verdict(cmp: Comparison, cohorts: CohortSet, claim: Claim | None, bias: Fact,
            outcomes: tuple[OutcomeCertainty, ...], maic: Fact | None = None,
            comparators_selected: str = "not_stated") -> Verdict:
    """Appraise the comparison (and the claim, when one is quoted) by the rules of this module.

    Parameters
    ----------
    cmp : Comparison
    cohorts : CohortSet
    claim : Claim or None
    bias : Fact
        :func:`trialcompare.appraise.factors.bias_direction`.
    outcomes : tuple of OutcomeCertainty
        :func:`trialcompare.appraise.certainty.certainty`.
    maic : Fact, optional
        ``population-adjustment`` (available, simulated, informative); default: not available.
    comparators_selected : str
        How the comparators were chosen (the spec's ``comparators_selected``).

    Returns
    -------
    Verdict
    """
    claimed = list(claim.outcomes) if claim is not None and claim.outcomes else ["ORR", "DCR"]
    numbers = claim_numbers(cmp, claimed)
    ref = cohorts[cmp.reference].descriptor
    evidence = tuple(sorted({evidence_between(c.descriptor, ref) for c in cohorts if c.id != cmp.reference}))
    evidence = evidence or ("unanchored",)
    start = "high" if evidence == ("randomised",) else "low"
    levels = [CERTAINTY_LEVELS.index(o.level) for o in outcomes]
    overall = CERTAINTY_LEVELS[max(levels)] if levels else start
    holds = direction_holds(numbers, cmp.reference, claim.direction if claim else "higher")
    maic = maic or fact("population-adjustment", available=False, simulated=False, informative=False)
    supports, cannot = _conclusions(evidence, holds, claim, cmp.reference, bias, maic)
    return Verdict(claim, evidence, numbers, holds, start, overall, outcomes, supports, cannot,
                   _context(cmp, cohorts, claim, comparators_selected), bias)
