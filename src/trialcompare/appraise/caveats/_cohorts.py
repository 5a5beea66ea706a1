"""Caveat rules about the cohorts themselves: design, eligibility, overlap, follow-up, imbalance, data errors,
sample size, randomisation and denominators. Each rule returns caveats whose fact holds tokens only."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from ...frame import months
from ...rules import patient_overlap, resectability
from ..facts import fact
from ._base import FOLLOW_UP_RATIO, SMD_MAJOR, Caveat, Context

if TYPE_CHECKING:
    from ...checks.finding import Finding
    from ...load import CohortSet

__all__ = ["data_errors", "denominator", "design_differs", "eligibility_differs", "estimate_basis", "follow_up",
           "imbalance", "non_randomised", "overlap_pairs", "possible_overlap", "small_sample"]


# --------------------------------------------------------------------------------------------------------------
# 5. DESIGN-DIFFERS and ELIGIBILITY-DIFFERS


def design_differs(ctx: Context) -> list[Caveat]:
    """Prospective trials and retrospective series are compared: fact ``design-differs`` (``cohorts``:
    ``(cohort, design)`` rows).

    Parameters
    ----------
    ctx : Context
        The cohorts, frame, findings, SMDs and limits (:func:`~trialcompare.appraise.caveats.derive_caveats`).

    Returns
    -------
    list of Caveat
    """
    order = ctx.order(ctx.cohorts.ids)
    designs = tuple(ctx.desc(cid).design.type for cid in order)
    if len(set(designs)) < 2:
        return []
    f = fact("design-differs", evidence=[f"{cid}/design.type" for cid in order],
             cohorts=tuple(zip(order, designs, strict=True)))
    return [ctx.caveat("DESIGN-DIFFERS", "major", ctx.cohorts.ids, ["design"], f)]


def eligibility_differs(ctx: Context) -> list[Caveat]:
    """Resectable disease included by some cohorts and excluded by others, as their sources say (the rule of
    :func:`trialcompare.rules.incomparable_by_eligibility`): fact ``eligibility-differs`` with the cohorts that
    ``included`` it, ``excluded`` it and whose source does not say (``silent``).

    Parameters
    ----------
    ctx : Context
        The cohorts, frame, findings, SMDs and limits (:func:`~trialcompare.appraise.caveats.derive_caveats`).

    Returns
    -------
    list of Caveat
    """
    groups: dict[str, list[str]] = {}
    for cid in ctx.order(ctx.cohorts.ids):
        groups.setdefault(resectability(ctx.desc(cid)), []).append(cid)
    included, excluded = groups.get("included", []), groups.get("excluded", [])
    if not included or not excluded:
        return []
    silent = groups.get("not_stated", [])
    f = fact("eligibility-differs", evidence=[f"{cid}/design.eligibility.resectable" for cid in ctx.cohorts.ids],
             included=tuple(included), excluded=tuple(excluded), silent=tuple(silent))
    return [ctx.caveat("ELIGIBILITY-DIFFERS", "major", [*included, *excluded],
                       ["design", "outcome:surgical_remission"], f)]


# --------------------------------------------------------------------------------------------------------------
# 6. POSSIBLE-OVERLAP

_OVERLAP_CODES = ("XC-SHARED-REGISTRATION", "XC-SHARED-CENTRE")


def _overlap_pair(ctx: Context, a: str, b: str) -> Caveat | None:
    a, b = ctx.order([a, b])  # the reference's spelling of shared names is kept
    overlap = patient_overlap(ctx.desc(a), ctx.desc(b))
    if overlap is None or not overlap.possible:
        return None
    design = ctx.desc(a).design
    centres = overlap.centres if overlap.accrual_overlaps is not False else ()
    regs = [r.id.strip().upper() for r in design.registrations]
    reg_at = tuple(regs.index(r) for r in overlap.registrations)
    centre_at = tuple(design.centres.index(c) for c in centres)
    evidence = [*(f"{a}/design.registrations[{i}]" for i in reg_at), *(f"{a}/design.centres[{i}]" for i in centre_at),
                *(f"{code}@{a}" for code in _OVERLAP_CODES)]
    f = fact("possible-overlap", evidence=evidence, cohort=a, other=b, registrations=reg_at, centres=centre_at,
             accrual="overlapping" if overlap.accrual_overlaps else "not-reported")
    return ctx.caveat("POSSIBLE-OVERLAP", "major", [a, b], ["design", "population", "meta"], f)


def possible_overlap(ctx: Context) -> list[Caveat]:
    """One caveat per pair the cross-cohort check found (shared registration, shared centre): the caveat says what
    the finding found, it does not detect it again.

    The fact ``possible-overlap`` gives the two cohorts, the positions of the shared registrations and centres in
    the first cohort's descriptor (render looks up their printed names: ``registration:<cohort>:<i>``,
    ``centre:<cohort>:<i>``) and whether accrual ``overlapping`` or was ``not-reported``.

    Parameters
    ----------
    ctx : Context
        The cohorts, frame, findings, SMDs and limits (:func:`~trialcompare.appraise.caveats.derive_caveats`).

    Returns
    -------
    list of Caveat
    """
    found = [_overlap_pair(ctx, a, b) for a, b in ctx.overlaps if a in ctx.cohorts and b in ctx.cohorts]
    return [c for c in found if c is not None]


def overlap_pairs(cohorts: CohortSet, findings: Iterable[Finding] | None) -> tuple[tuple[str, str], ...]:
    """Cohort pairs with a possible-overlap finding; the cross-cohort check is run when no findings are given.

    Parameters
    ----------
    cohorts : CohortSet
    findings : iterable of Finding or None

    Returns
    -------
    tuple of (str, str)
    """
    if findings is None:
        from ...checks.cross_cohort import check_cross_cohort

        findings = check_cross_cohort(cohorts.to_frame(), cohorts)
    pairs = {tuple(sorted((f.cohort, *f.related[:1]))) for f in findings if f.code in _OVERLAP_CODES and f.related}
    return tuple(sorted(p for p in pairs if len(p) == 2))


# --------------------------------------------------------------------------------------------------------------
# 7. FOLLOW-UP


def _follow_up_months(ctx: Context) -> tuple[dict[str, list[float]], dict[str, str]]:
    """Every printed median follow-up of each cohort, in months (empty list when none), and the cohorts whose
    follow-up includes one printed for their whole randomised study (``study.follow_up``, all arms together: it
    counts for each loaded arm of the study) with the cohort whose file holds it."""
    out: dict[str, list[float]] = {cid: [] for cid in ctx.cohorts.ids}
    study_level: dict[str, str] = {}
    arms: dict[str, list[str]] = {}
    for c in ctx.cohorts:
        if c.descriptor.design.arm_of is not None:
            arms.setdefault(c.descriptor.design.arm_of.study, []).append(c.id)
    for r in ctx.rows(section="design", variable="follow_up", statistic="median"):
        if r["value"] is None or r["cohort"] not in out:
            continue
        value = months(r["value"], r["unit"] or "months")
        if r["scope"] != "study":
            out[r["cohort"]].append(value)
            continue
        for cid in arms.get(r["study"], [r["cohort"]]):
            out[cid].append(value)
            study_level[cid] = r["cohort"]
    return out, study_level


def follow_up(ctx: Context) -> list[Caveat]:
    """Median follow-up differs by more than :data:`FOLLOW_UP_RATIO` even on the closest printed values (fact
    ``follow-up-differs``: ``(cohort, lowest, highest)`` printed value in months, and ``study_level`` the cohorts
    whose values include a follow-up printed for their whole randomised study), or is not reported (fact
    ``follow-up-missing``).

    A follow-up printed for the whole study (``study.follow_up``) counts for every arm of the study: the arms were
    followed together, so it is the best available statement for each, and the words say it is the whole study's.

    Parameters
    ----------
    ctx : Context
        The cohorts, frame, findings, SMDs and limits (:func:`~trialcompare.appraise.caveats.derive_caveats`).

    Returns
    -------
    list of Caveat
    """
    if len(ctx.cohorts) < 2:
        return []
    fu, study_level = _follow_up_months(ctx)
    known = {cid: v for cid, v in fu.items() if v}
    missing = ctx.order(cid for cid, v in fu.items() if not v)
    targets = ["design", *(f"endpoint:{e.name}" for c in ctx.cohorts for e in c.descriptor.endpoints)]
    out = []
    if len(known) >= 2 and max(min(v) for v in known.values()) > FOLLOW_UP_RATIO * min(max(v) for v in known.values()):
        order = ctx.order(known)
        evidence = [f"{cid}/design.follow_up" for cid in order if cid not in study_level or cid in study_level.values()]
        evidence += sorted({f"{holder}/study.follow_up" for holder in study_level.values()})
        f = fact("follow-up-differs", evidence=evidence, ratio=FOLLOW_UP_RATIO,
                 cohorts=tuple((c, min(known[c]), max(known[c])) for c in order),
                 study_level=ctx.order(c for c in study_level if c in known))
        out.append(ctx.caveat("FOLLOW-UP", "minor", known, targets, f))
    if missing:
        f = fact("follow-up-missing", evidence=[f"{cid}/design.follow_up" for cid in missing], cohorts=missing)
        out.append(ctx.caveat("FOLLOW-UP", "minor", missing, targets, f))
    return out


# --------------------------------------------------------------------------------------------------------------
# 8. IMBALANCE

_IMPLIED = re.compile(r"level (.+?) not reported; implied 0 since the other counts sum to (\d+)")


def estimate_basis(row: dict[str, Any]) -> tuple[str, list[tuple[str, int]]]:
    """How an SMD row of :attr:`trialcompare.comparison.Comparison.smd` was obtained, as a token, and the levels
    whose count was implied 0 (with the total the other counts reach).

    The SMD frame states the estimate in its ``note`` column (written by :mod:`trialcompare.comparison`); this reads
    the two kinds it writes into tokens: ``measured``, ``median`` (mean and SD estimated from a median), ``implied``
    (a level not printed, implied 0) or ``estimated`` (any other estimate).

    Parameters
    ----------
    row : dict
        An SMD row (``estimated``, ``note``).

    Returns
    -------
    (str, list of (str, int))

    Examples
    --------
    >>> estimate_basis({"estimated": True, "note": "level 3, 4 not reported; implied 0 since the other counts "
    ...                                            "sum to 43"})
    ('implied', [('3', 43), ('4', 43)])
    >>> estimate_basis({"estimated": True, "note": "mean and SD estimated from median (range) by Wan 2014"})
    ('median', [])
    >>> estimate_basis({"estimated": False, "note": None})
    ('measured', [])
    """
    if not row.get("estimated"):
        return "measured", []
    note = str(row.get("note") or "")
    if "median" in note:
        return "median", []
    implied = [(level, int(m[2])) for m in _IMPLIED.finditer(note) for level in m[1].split(", ")]
    return ("implied", implied) if implied else ("estimated", [])


def _imbalance_for(ctx: Context, variable: str, reference: str, rows: list[dict[str, Any]]) -> Caveat:
    order = ctx.order(r["cohort"] for r in rows)
    rows = sorted(rows, key=lambda r: order.index(r["cohort"]))
    severity = "major" if max(abs(r["smd"]) for r in rows) > SMD_MAJOR else "minor"
    bases = [(r["cohort"], *estimate_basis(r)) for r in rows]
    implied = [(cid, level, total) for cid, _, levels in bases for level, total in levels]
    f = fact("imbalance", evidence=[f"{r['cohort']}/baseline.{variable}" for r in rows], reference=reference,
             variable=variable, threshold=ctx.smd_threshold,
             rows=tuple((r["cohort"], float(r["smd"]), bool(r.get("signed", True)), b)
                        for r, (_, b, _) in zip(rows, bases, strict=True)),
             implied=tuple(implied))
    return ctx.caveat("IMBALANCE", severity, [reference, *order], [f"baseline:{variable}"], f)


def imbalance(ctx: Context) -> list[Caveat]:
    """A baseline variable has |SMD| above the threshold against the reference (and, in an SMD frame with the
    appraisal's judgement, beyond its sampling noise: ``imbalanced``, from
    :func:`trialcompare.appraise.factors.factor_smds`): fact ``imbalance``, one per
    variable, with ``rows`` ``(cohort, SMD, signed, basis)`` (:func:`estimate_basis`) and the levels ``implied``
    0 ``(cohort, level, total)``; render names each level as printed (``level:<variable>:<level>``).

    Parameters
    ----------
    ctx : Context
        The cohorts, frame, findings, SMDs and limits (:func:`~trialcompare.appraise.caveats.derive_caveats`).

    Returns
    -------
    list of Caveat
    """
    if ctx.smd is None or ctx.smd.is_empty():
        return []
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for r in ctx.smd.to_dicts():
        if r["smd"] is not None and r["cohort"] != r["reference"] and abs(r["smd"]) > ctx.smd_threshold \
                and r.get("imbalanced", True):
            groups.setdefault((r["variable"], r["reference"]), []).append(r)
    return [_imbalance_for(ctx, var, ref, rows) for (var, ref), rows in sorted(groups.items())]


# --------------------------------------------------------------------------------------------------------------
# 9. DATA-ERRORS


def _field_targets(field: str) -> list[str]:
    """Where the numbers of a finding's field stand: ``endpoint.EFS.median`` → endpoint:EFS and median:EFS."""
    parts = field.split(".")
    section, name = parts[0], parts[1] if len(parts) > 1 else ""
    if section == "endpoint" and name:
        return [f"endpoint:{name}", *([f"median:{name}"] if "median" in parts[2:] else [])]
    if section in ("outcome", "rate") and name:
        return [f"outcome:{name}"]
    if section == "baseline" and name:
        return [f"baseline:{name}"]
    return [section] if section in ("population", "design") else ["population"]


def _errors_for(ctx: Context, cohort_id: str, findings: list[Finding], acknowledged: bool) -> Caveat:
    targets = [t for f in findings for t in _field_targets(f.field)]
    f = fact("data-errors", evidence=[f"{x.code}@{x.cohort}/{x.field}" for x in findings], cohort=cohort_id,
             acknowledged=acknowledged, codes=tuple(dict.fromkeys(x.code for x in findings)))
    return ctx.caveat("DATA-ERRORS", "minor" if acknowledged else "major", [cohort_id], targets, f)


def data_errors(ctx: Context) -> list[Caveat]:
    """Integrity findings of severity error, per cohort: fact ``data-errors`` with the finding codes (render words
    each code by its meaning, ``finding:<code>``) and whether the curator acknowledged them.

    Parameters
    ----------
    ctx : Context
        The cohorts, frame, findings, SMDs and limits (:func:`~trialcompare.appraise.caveats.derive_caveats`).

    Returns
    -------
    list of Caveat
    """
    groups: dict[tuple[str, bool], list[Finding]] = {}
    for f in ctx.findings:
        if f.severity == "error":
            groups.setdefault((f.cohort, f.acknowledged), []).append(f)
    key = sorted(groups, key=lambda k: (k[1], k[0]))
    return [_errors_for(ctx, cid, sorted(groups[(cid, ack)], key=lambda f: (f.code, f.field)), ack) for cid, ack in key]


# --------------------------------------------------------------------------------------------------------------
# 10. SMALL-SAMPLE, 11. NON-RANDOMISED, 12. DENOMINATOR


def small_sample(ctx: Context) -> list[Caveat]:
    """Cohorts with fewer patients than the limit: fact ``small-sample`` (``cohorts``: ``(cohort, N)`` rows; ``all``
    when every cohort is).

    Parameters
    ----------
    ctx : Context
        The cohorts, frame, findings, SMDs and limits (:func:`~trialcompare.appraise.caveats.derive_caveats`).

    Returns
    -------
    list of Caveat
    """
    small = tuple(cid for cid in ctx.order(ctx.cohorts.ids) if ctx.desc(cid).population.n < ctx.small_n)
    if not small:
        return []
    f = fact("small-sample", evidence=[f"{cid}/population.n" for cid in small],
             cohorts=tuple((cid, ctx.desc(cid).population.n) for cid in small), limit=ctx.small_n,
             all=len(small) == len(ctx.cohorts))
    return [ctx.caveat("SMALL-SAMPLE", "minor", small, ["population"], f)]


def _randomised_arms(ctx: Context) -> dict[str, tuple[str, ...]]:
    """Randomised arms of the same study: study → cohort ids (only studies with two or more arms here)."""
    studies: dict[str, list[str]] = {}
    for c in ctx.cohorts:
        arm = c.descriptor.design.arm_of
        if arm is not None and arm.randomised:
            studies.setdefault(arm.study, []).append(c.id)
    return {s: ctx.order(ids) for s, ids in sorted(studies.items()) if len(ids) > 1}


def non_randomised(ctx: Context) -> list[Caveat]:
    """Unless every cohort is an arm of one randomised study: fact ``non-randomised`` with the randomised arms of
    one study (``arms``, render looks up the study's name as ``study:<first arm>``); ``all`` when no two cohorts
    are randomised against each other.

    Parameters
    ----------
    ctx : Context
        The cohorts, frame, findings, SMDs and limits (:func:`~trialcompare.appraise.caveats.derive_caveats`).

    Returns
    -------
    list of Caveat
    """
    arms = _randomised_arms(ctx)
    if len(arms) == 1 and set(next(iter(arms.values()))) == set(ctx.cohorts.ids):
        return []  # every cohort is an arm of one randomised study: nothing here is unanchored
    f = fact("non-randomised", evidence=[f"{cid}/design.arm_of" for cid in ctx.order(ctx.cohorts.ids)],
             arms=tuple(arms.values()), all=not arms)
    return [ctx.caveat("NON-RANDOMISED", "major", ctx.cohorts.ids, ["all"], f)]


def _denominator_for(ctx: Context, cohort_id: str) -> Caveat | None:
    pop = ctx.desc(cohort_id).population
    other = list(dict.fromkeys((r.set, r.n) for r in pop.reports if r.n != pop.n))
    if not other:
        return None
    f = fact("denominator", evidence=[f"{cohort_id}/population.reports"], cohort=cohort_id, n=pop.n,
             set=pop.n_refers_to, other=tuple(other))
    targets = ["population", "outcome:best_response", "outcome:ORR", "outcome:DCR"]
    return ctx.caveat("DENOMINATOR", "minor", [cohort_id], targets, f)


def denominator(ctx: Context) -> list[Caveat]:
    """The table's N differs from another reported analysis-set size: fact ``denominator`` (the table's ``n`` and
    ``set``, the ``other`` ``(set, n)`` reported).

    Parameters
    ----------
    ctx : Context
        The cohorts, frame, findings, SMDs and limits (:func:`~trialcompare.appraise.caveats.derive_caveats`).

    Returns
    -------
    list of Caveat
    """
    found = [_denominator_for(ctx, cid) for cid in ctx.order(ctx.cohorts.ids)]
    return [c for c in found if c is not None]
