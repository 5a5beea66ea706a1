"""Appraisal by rules: the verdict on a published claim, a GRADE-style certainty and the NICE DSU TSD 18 factors.

Everything here is derived from the comparison, the descriptors, the caveats and the integrity findings, never
written in by hand: change the descriptors and the verdict follows. Results are structured (codes, numbers,
frames); :mod:`trialcompare.render` turns codes into sentences.

Rules
-----
Certainty (GRADE, adapted to cross-trial comparisons of published aggregates): a comparison of two arms of one
randomised study starts *high*; any other comparison starts *low* (observational evidence; an unanchored
comparison of single-arm cohorts). It is then rated down one level for each domain with a serious concern, to at
most *very low*:

- risk of bias: a retrospective series is compared, or cohorts may share patients;
- indirectness: the time-to-event endpoints or their definitions differ, or resection affects an endpoint;
- imprecision: a cohort has fewer than 50 patients, or a claimed difference has a confidence interval that
  includes no difference;
- confounding by measured imbalance: a prognostic factor (TSD 18) is imbalanced with |SMD| > 0.25.

Bottom line: with no randomised or anchored evidence, the data *cannot* establish that the reference regimen
causes a better outcome; they *can* show how the observed numbers compare, with the direction in which the
measured imbalance would bias the naive comparison.

Examples
--------
>>> import trialcompare as tc
>>> a = tc.analyse(with_meta=False)
>>> v = a.verdict
>>> v.certainty, v.evidence
('very low', ('unanchored',))
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import polars as pl

from .rules import compared_endpoint, evidence_between

if TYPE_CHECKING:
    from .caveats import Caveat
    from .checks.finding import Finding
    from .comparison import Comparison
    from .load import CohortSet
    from .spec import Claim

__all__ = [
    "ADVERSE_LEVELS",
    "CAVEAT_RANK",
    "CERTAINTY_LEVELS",
    "ClaimNumber",
    "Downgrade",
    "Verdict",
    "benchmark_variants",
    "rank_caveats",
    "tsd18_factors",
    "verdict",
]

CERTAINTY_LEVELS = ("high", "moderate", "low", "very low")

ADVERSE_LEVELS: dict[str, tuple[str, ...]] = {
    "ecog": ("1", "2", "3", "4"),
    "prior_lines": ("2", "3"),
    "lesion_site": ("lung+musculoskeletal", "lung+bone+other"),
    "resistance_ie": ("yes",),
    "resistance_apatinib": ("yes",),
    "resistance_mapi": ("yes",),
}
"""Levels of a prognostic factor that predict a worse outcome (TSD 18 direction of bias): ECOG ≥ 1, two or more
prior lines, disease at more than one site, resistance to a component of the regimen."""

FACTOR_ORDER = ("age", "ecog", "lesion_site", "prior_lines", "resistance_ie", "resistance_apatinib",
                "resistance_mapi", "sex", "subtype")

CAVEAT_RANK: dict[str, int] = {
    "NON-RANDOMISED": 0, "DESIGN-DIFFERS": 1, "ELIGIBILITY-DIFFERS": 2, "DENOMINATOR": 2,
    "SMALL-SAMPLE": 3, "ENDPOINT-DIFFERS": 4,
    "DEFINITION-DIFFERS": 5, "RESECTION": 6, "INTERVAL-TYPES": 7, "POSSIBLE-OVERLAP": 8, "IMBALANCE": 9,
    "FOLLOW-UP": 10, "DATA-ERRORS": 11,
}
"""Order of limitations: design and selection → eligibility and population → endpoint definitions and resection
→ overlap → imbalance → follow-up → data errors; major before minor within a rank."""

IMBALANCE_MAJOR = 0.25
SMALL_N = 50


@dataclass(frozen=True)
class Downgrade:
    """One GRADE domain rated down: ``domain`` (risk-of-bias, indirectness, imprecision, confounding) and the
    ``reasons`` (codes) that triggered it."""

    domain: str
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class ClaimNumber:
    """One number a claim rests on: the reference's and a comparator's observed proportion, and their difference."""

    outcome: str
    cohort: str
    n: int
    denominator: int
    proportion: float
    ci_low: float
    ci_high: float
    risk_difference: float | None
    rd_low: float | None
    rd_high: float | None
    evidence: str


@dataclass(frozen=True)
class Verdict:
    """The appraisal of a published claim (or of the comparison when the spec quotes none).

    Attributes
    ----------
    claim : Claim or None
        The claim quoted by the spec.
    evidence : tuple of str
        Evidence types of the comparisons against the reference (codes of ``options.EVIDENCE``).
    numbers : polars.DataFrame
        The numbers the claim rests on, reference first (one row per outcome × cohort).
    direction_holds : dict of str to bool
        Per claimed outcome, whether the reference's observed proportion is higher (or lower, as claimed) than
        every comparator's.
    start : str
        Certainty before rating down.
    downgrades : tuple of Downgrade
    certainty : str
        One of :data:`CERTAINTY_LEVELS`.
    supports : tuple of str
        What the data can support (codes).
    cannot : tuple of str
        What they cannot support (codes).
    bias_direction : str
        Direction in which the measured imbalance biases the naive comparison of the reference:
        "against-reference", "favours-reference", "mixed" or "unknown".
    """

    claim: Claim | None
    evidence: tuple[str, ...]
    numbers: pl.DataFrame
    direction_holds: dict[str, bool]
    start: str
    downgrades: tuple[Downgrade, ...]
    certainty: str
    supports: tuple[str, ...]
    cannot: tuple[str, ...]
    bias_direction: str


def rank_caveats(caveats: tuple[Caveat, ...] | list[Caveat]) -> list[Caveat]:
    """Caveats as ranked limitations (:data:`CAVEAT_RANK`, major first within a rank, stable otherwise).

    Parameters
    ----------
    caveats : sequence of Caveat

    Returns
    -------
    list of Caveat
    """
    return sorted(caveats, key=lambda c: (CAVEAT_RANK.get(c.code, len(CAVEAT_RANK)), c.severity != "major"))


# ---------------------------------------------------------------------------------------------------------------
# TSD 18 factors


_FACTOR_SCHEMA = {"factor": pl.String, "cohort": pl.String, "reported": pl.Boolean, "reference_share": pl.Float64,
                  "cohort_share": pl.Float64, "smd": pl.Float64, "direction": pl.String, "bias": pl.String,
                  "detail": pl.String}


def _adverse_share(rows: pl.DataFrame, adverse: tuple[str, ...]) -> float | None:
    """Share of patients at adverse levels (a union level "2|3" counts when all its parts are adverse)."""
    rows = rows.filter(pl.col("reported"))
    if rows.is_empty() or rows["denominator"].null_count():
        return None
    hit = rows.filter(pl.col("level").map_elements(lambda lv: all(p in adverse for p in lv.split("|")),
                                                   return_dtype=pl.Boolean))
    den = rows["denominator"][0]
    if not den:
        return None
    return float(hit["n"].sum()) / den


def _direction(smd: float | None, threshold: float) -> tuple[str, str]:
    if smd is None:
        return "not-reported", "unknown"
    if abs(smd) <= threshold:
        return "similar", "none"
    # smd = cohort − reference of the adverse share: positive → the comparator is worse off
    return ("comparator-worse", "favours-reference") if smd > 0 else ("reference-worse", "against-reference")


def _categorical_factor(cmp: Comparison, var: str, cid: str, threshold: float) -> dict:
    from .stats.smd import smd_binary

    base = cmp.baseline.filter(pl.col("variable") == var)
    ref = _adverse_share(base.filter(pl.col("cohort") == cmp.reference), ADVERSE_LEVELS[var])
    mine = _adverse_share(base.filter(pl.col("cohort") == cid), ADVERSE_LEVELS[var])
    smd = None if ref is None or mine is None else float(smd_binary(mine, ref))
    direction, bias = _direction(smd, threshold)
    return {"factor": var, "cohort": cid, "reported": mine is not None, "reference_share": ref,
            "cohort_share": mine, "smd": smd, "direction": direction, "bias": bias}


def _plain_factor(cmp: Comparison, var: str, cid: str, threshold: float) -> dict:
    """Age, sex, subtype: imbalance without a known prognostic direction."""
    row = cmp.smd.filter(pl.col("variable") == var, pl.col("cohort") == cid)
    smd = row["smd"][0] if row.height else None
    reported = smd is not None or not cmp.baseline.filter(
        pl.col("variable") == var, pl.col("cohort") == cid, pl.col("reported").fill_null(True)).is_empty()
    direction = "not-reported" if smd is None else ("similar" if abs(smd) <= threshold else "imbalanced")
    return {"factor": var, "cohort": cid, "reported": reported and smd is not None, "reference_share": None,
            "cohort_share": None, "smd": smd, "direction": direction,
            "bias": "none" if direction == "similar" else "unknown"}


def _resection_factor(cmp: Comparison, cid: str, threshold: float) -> dict:
    """Complete surgical remission during treatment: a favourable factor (more resection, better outcomes)."""
    from .stats.smd import smd_binary

    out = cmp.outcomes.filter(pl.col("outcome") == "surgical_remission:yes")
    share = {r["cohort"]: r["estimate"] for r in out.iter_rows(named=True) if r["denominator"]}
    ref, mine = share.get(cmp.reference), share.get(cid)
    smd = None if ref is None or mine is None else float(smd_binary(mine, ref))
    direction, bias = _direction(None if smd is None else -smd, threshold)  # favourable: the sign flips
    return {"factor": "resection", "cohort": cid, "reported": mine is not None, "reference_share": ref,
            "cohort_share": mine, "smd": smd, "direction": direction, "bias": bias, "detail": None}


def _design_factor(cmp: Comparison, factor: str, cid: str) -> dict:
    """Accrual period and median follow-up: reported or not, as printed (no direction can be derived)."""
    design = cmp.descriptors[cid].design if cid in cmp.descriptors else None
    if design is None:
        detail = None
    elif factor == "accrual":
        detail = (f"{design.accrual_start or '?'} to {design.accrual_end or '?'}"
                  if design.accrual_start or design.accrual_end else None)
    else:
        fu = design.follow_up[0] if design.follow_up else None
        detail = f"{fu.value} {fu.unit}" if fu else None
    return {"factor": factor, "cohort": cid, "reported": detail is not None, "reference_share": None,
            "cohort_share": None, "smd": None, "direction": "reported" if detail else "not-reported",
            "bias": "unknown", "detail": detail}


def _eligibility_factor(cmp: Comparison, cid: str) -> dict:
    """Resectable disease included or excluded, as the source says (:func:`trialcompare.rules.resectability`):
    ``detail`` is the code for the comparator, ``direction`` "differs" when the reference's stated eligibility is
    the other one (a structural difference: no direction of bias can be derived)."""
    from .rules import resectability

    mine = resectability(cmp.descriptors[cid]) if cid in cmp.descriptors else "not_stated"
    ref = resectability(cmp.descriptors[cmp.reference]) if cmp.reference in cmp.descriptors else "not_stated"
    stated = mine != "not_stated"
    differs = stated and ref != "not_stated" and mine != ref
    return {"factor": "eligibility", "cohort": cid, "reported": stated, "reference_share": None,
            "cohort_share": None, "smd": None, "direction": "differs" if differs else
            ("reported" if stated else "not-reported"), "bias": "unknown", "detail": mine if stated else None}


def tsd18_factors(cmp: Comparison, threshold: float = 0.1) -> pl.DataFrame:
    """Prognostic factors and effect modifiers per comparator: reported or not, imbalance and direction of bias.

    For factors with a known adverse direction (:data:`ADVERSE_LEVELS`) the SMD is that of the share of patients
    at adverse levels, signed cohort − reference: positive means the comparator is worse off, which favours the
    reference in a naive comparison.

    Parameters
    ----------
    cmp : Comparison
    threshold : float
        |SMD| at or below which a factor is "similar".

    Returns
    -------
    polars.DataFrame
        ``factor, cohort, reported, reference_share, cohort_share, smd, direction, bias``.
    """
    present = set(cmp.baseline["variable"].to_list())
    others = [c for c in cmp.cohorts if c != cmp.reference]
    rows = []
    for var in (v for v in FACTOR_ORDER if v in present):
        for cid in others:
            make = _categorical_factor if var in ADVERSE_LEVELS else _plain_factor
            rows.append(make(cmp, var, cid, threshold) | {"detail": None})
    rows += [_resection_factor(cmp, cid, threshold) for cid in others]
    if any(cmp.descriptors[c].design.eligibility is not None for c in cmp.cohorts if c in cmp.descriptors):
        rows += [_eligibility_factor(cmp, cid) for cid in others]
    rows += [_design_factor(cmp, f, cid) for f in ("accrual", "follow_up") for cid in others]
    return pl.DataFrame(rows, schema=_FACTOR_SCHEMA, orient="row")


# ---------------------------------------------------------------------------------------------------------------
# verdict


_NUMBER_SCHEMA = {"outcome": pl.String, "cohort": pl.String, "n": pl.Int64, "denominator": pl.Int64,
                  "proportion": pl.Float64, "ci_low": pl.Float64, "ci_high": pl.Float64,
                  "risk_difference": pl.Float64, "rd_low": pl.Float64, "rd_high": pl.Float64, "evidence": pl.String,
                  "derived_from": pl.String, "time_months": pl.Float64}
"""``derived_from`` as in :attr:`Comparison.outcomes` (``"percentage+interval"``: a count inferred, not printed);
``time_months`` the assessment time of a response printed at a time point (no difference against a best response
without one)."""


def _numbers(cmp: Comparison, outcomes: list[str]) -> pl.DataFrame:
    out = cmp.outcomes.filter(pl.col("outcome").is_in(outcomes), pl.col("statistic") == "proportion")
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
                         "derived_from": r["derived_from"], "time_months": r["time_months"]})
    return pl.DataFrame(rows, schema=_NUMBER_SCHEMA, orient="row")


def _direction_holds(numbers: pl.DataFrame, reference: str, direction: str) -> dict[str, bool]:
    holds = {}
    for name in dict.fromkeys(numbers["outcome"].to_list()):
        rows = numbers.filter(pl.col("outcome") == name)
        ref = rows.filter(pl.col("cohort") == reference)["proportion"]
        others = rows.filter(pl.col("cohort") != reference)["proportion"]
        if ref.is_empty() or others.is_empty():
            continue
        holds[name] = bool((ref[0] > others).all()) if direction == "higher" else bool((ref[0] < others).all())
    return holds


def _imprecise(numbers: pl.DataFrame, cohorts: CohortSet) -> list[str]:
    reasons = []
    if any(c.descriptor.population.n < SMALL_N for c in cohorts):
        reasons.append("small-cohorts")
    rd = numbers.filter(pl.col("rd_low").is_not_null())
    if rd.height and ((rd["rd_low"] <= 0) & (rd["rd_high"] >= 0)).any():
        reasons.append("ci-includes-no-difference")
    return reasons


def _downgrades(cohorts: CohortSet, caveats: tuple[Caveat, ...], factors: pl.DataFrame,
                numbers: pl.DataFrame) -> tuple[Downgrade, ...]:
    codes = {c.code for c in caveats}
    domains = [
        ("risk-of-bias", [r for r, hit in (("retrospective-series", any(c.descriptor.design.type == "retrospective"
                                                                          for c in cohorts)),
                                            ("possible-overlap", "POSSIBLE-OVERLAP" in codes)) if hit]),
        ("indirectness", [r for r, hit in (("endpoints-differ", "ENDPOINT-DIFFERS" in codes),
                                            ("definitions-differ", "DEFINITION-DIFFERS" in codes),
                                            ("resection", "RESECTION" in codes),
                                            ("eligibility-differs", "ELIGIBILITY-DIFFERS" in codes)) if hit]),
        ("imprecision", _imprecise(numbers, cohorts)),
        ("confounding", ["measured-imbalance"] if factors.filter(pl.col("smd").abs() > IMBALANCE_MAJOR).height
         else []),
    ]
    return tuple(Downgrade(d, tuple(r)) for d, r in domains if r)


def _bias_direction(factors: pl.DataFrame) -> str:
    known = set(factors.filter(pl.col("bias").is_in(["against-reference", "favours-reference"]))["bias"])
    if not known:
        return "unknown"
    return known.pop() if len(known) == 1 else "mixed"


def _conclusions(evidence: tuple[str, ...], holds: dict[str, bool], claim: Claim | None,
                 bias: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    supports, cannot = [], []
    if "randomised" in evidence:
        supports.append("randomised-effect")
    else:
        cannot.append("causal-superiority")
    if claim is not None and holds:
        supports.append("observed-direction" if all(holds.values()) else "observed-direction-partly")
    if bias == "against-reference":
        supports.append("imbalance-against-reference")
    elif bias == "favours-reference":
        cannot.append("imbalance-favours-reference")
    elif bias == "mixed":
        cannot.append("imbalance-mixed")
    cannot.append("population-adjustment-without-ipd")
    return tuple(supports), tuple(cannot)


def verdict(cmp: Comparison, cohorts: CohortSet, caveats: tuple[Caveat, ...], findings: tuple[Finding, ...],
            claim: Claim | None, threshold: float = 0.1) -> Verdict:
    """Appraise the comparison (and the claim, when one is quoted) by the rules of this module.

    Parameters
    ----------
    cmp : Comparison
    cohorts : CohortSet
    caveats : tuple of Caveat
    findings : tuple of Finding
        Integrity findings (unacknowledged errors add a risk-of-bias reason).
    claim : Claim or None
    threshold : float
        SMD threshold for the TSD 18 factors.

    Returns
    -------
    Verdict
    """
    outcomes = list(claim.outcomes) if claim is not None and claim.outcomes else ["ORR", "DCR"]
    numbers = _numbers(cmp, outcomes)
    ref = cohorts[cmp.reference].descriptor
    evidence = tuple(sorted({evidence_between(c.descriptor, ref) for c in cohorts if c.id != cmp.reference}))
    evidence = evidence or ("unanchored",)
    factors = tsd18_factors(cmp, threshold)
    start = "high" if evidence == ("randomised",) else "low"
    downs = list(_downgrades(cohorts, caveats, factors, numbers))
    if any(f.severity == "error" and not f.acknowledged for f in findings):
        downs.append(Downgrade("risk-of-bias", ("unacknowledged-data-errors",)))
    level = min(CERTAINTY_LEVELS.index(start) + len({d.domain for d in downs}), len(CERTAINTY_LEVELS) - 1)
    holds = _direction_holds(numbers, cmp.reference, claim.direction if claim else "higher")
    bias = _bias_direction(factors)
    supports, cannot = _conclusions(evidence, holds, claim, bias)
    return Verdict(claim, evidence, numbers, holds, start, tuple(downs), CERTAINTY_LEVELS[level], supports,
                   cannot, bias)


def endpoint_names(cohorts: CohortSet) -> dict[str, str | None]:
    """The compared endpoint of every cohort (for the verdict's side-by-side table)."""
    return {c.id: (ep.name if (ep := compared_endpoint(c.descriptor)) else None) for c in cohorts}


# ---------------------------------------------------------------------------------------------------------------
# scenarios and subgroups of the benchmark: which answer a question


_VARIANT_SCHEMA = {"outcome": pl.String, "kind": pl.String, "name": pl.String, "k": pl.Int64,
                   "worth_showing": pl.Boolean, "reason": pl.String, "same_as": pl.String, "groups": pl.Int64,
                   "pooled": pl.Float64, "pooled_low": pl.Float64, "pooled_high": pl.Float64, "pi_low": pl.Float64,
                   "pi_high": pl.Float64, "position": pl.String}


def _scenario_counts(cohorts: CohortSet, b: Any, scenario: dict[str, Any], data_kw: dict[str, Any]) -> pl.DataFrame:
    """The comparators' counts under a scenario: the primary's comparators less the scenario's exclusions, read with
    its denominators, errata and substituted endpoints (the structural exclusions of the benchmark do not change)."""
    from .meta.suite import outcome_data

    kw = data_kw | {"denominators": {**data_kw.get("denominators", {}), **scenario["denominators"]},
                    "substitute_endpoint": scenario["substitute_endpoint"] or None}
    if scenario["use_errata"] is not None:
        kw["use_errata"] = scenario["use_errata"]
    keep = [c for c in b.comparators["cohort"].to_list() if c not in scenario["exclude"]]
    data = outcome_data(cohorts, b.outcome, reference=b.reference, include_controls=True, **kw)
    return data.filter(pl.col("cohort").is_in(keep), pl.col("events").is_not_null()).select("cohort", "events",
                                                                                           "total")


def _scenario_result(cohorts: CohortSet, b: Any, scenario: dict[str, Any], data_kw: dict[str, Any]) -> dict:
    """Pooled comparators and prediction interval of a scenario worth showing (the benchmark re-run)."""
    from .meta import MetaError, benchmark

    kw = data_kw | {"denominators": {**data_kw.get("denominators", {}), **scenario["denominators"]}}
    if scenario["substitute_endpoint"]:
        kw["substitute_endpoint"] = scenario["substitute_endpoint"]
    if scenario["use_errata"] is not None:
        kw["use_errata"] = scenario["use_errata"]
    try:
        sb = benchmark(cohorts, b.outcome, b.reference, exclude=scenario["exclude"], transform=b.transform,
                       method=b.method, level=b.level, **kw)
    except (ValueError, MetaError):
        return {}
    if not sb.estimable:
        return {}
    return {"pooled": sb.pooled[0], "pooled_low": sb.pooled[1], "pooled_high": sb.pooled[2],
            "pi_low": sb.prediction[0], "pi_high": sb.prediction[1], "position": sb.position}


def _scenario_variants(cohorts: CohortSet, b: Any, scenarios: Sequence[dict[str, Any]],
                       data_kw: dict[str, Any]) -> list[dict]:
    from .meta._benchmark import scenario_worth_showing

    if not scenarios:
        return []
    counts = {s["name"]: _scenario_counts(cohorts, b, s, data_kw) for s in scenarios}
    flags = scenario_worth_showing(b.comparators.select("cohort", "events", "total"), counts)
    by_name = {s["name"]: s for s in scenarios}
    return [dict.fromkeys(_VARIANT_SCHEMA) | r | {"outcome": b.outcome, "kind": "scenario"}
            | (_scenario_result(cohorts, b, by_name[r["name"]], data_kw) if r["worth_showing"] else {})
            for r in flags.iter_rows(named=True)]


def _subgroup_variants(cohorts: CohortSet, b: Any) -> list[dict]:
    from .meta._benchmark import subgroup_worth_showing

    ids = b.comparators["cohort"].to_list()
    if not ids:
        return []
    endpoints = [(ep.name if (ep := compared_endpoint(cohorts[c].descriptor)) else "none") for c in ids]
    flags = subgroup_worth_showing(ids, {"design": [cohorts[c].descriptor.design.type for c in ids],
                                         "endpoint": endpoints})
    return [dict.fromkeys(_VARIANT_SCHEMA) | {"outcome": b.outcome, "kind": "subgroup", "name": r["by"],
                                              "k": r["smallest_k"], "worth_showing": r["worth_showing"],
                                              "reason": r["reason"], "same_as": r["same_as"], "groups": r["groups"]}
            for r in flags.iter_rows(named=True)]


def benchmark_variants(cohorts: CohortSet, benchmarks: Sequence[Any], scenarios: Sequence[dict[str, Any]] = (),
                       **data_kw: Any) -> pl.DataFrame:
    """The spec's scenarios and the design/endpoint subgroups of each benchmark, flagged when they add nothing.

    A scenario that leaves the comparators' counts as in the primary (or as in an earlier scenario), or leaves
    fewer than three, and a subgroup partition with one group, with a group of k < 3, or identical to another
    partition, is reported so that the report says it in one line instead of dropping it
    (``scenario_worth_showing``, ``subgroup_worth_showing`` of :mod:`trialcompare.meta`). A
    scenario worth showing is re-run as a benchmark (its pooled comparators and prediction interval).

    Parameters
    ----------
    cohorts : CohortSet
    benchmarks : sequence of Benchmark
        The primary benchmarks (:func:`trialcompare.meta.benchmark`).
    scenarios : sequence of dict
        Scenario declarations as the spec gives them (``name, exclude, denominators, use_errata,
        substitute_endpoint``).
    **data_kw
        ``denominators``, ``use_errata``, ``prefer_locations`` of the primary analysis.

    Returns
    -------
    polars.DataFrame
        ``outcome, kind ("scenario" | "subgroup"), name, k, worth_showing, reason, same_as, groups, pooled,
        pooled_low, pooled_high, pi_low, pi_high, position``; reason codes ``no-change``, ``same-as-scenario``,
        ``k<3`` (scenarios), ``single-group``, ``same-partition``, ``subgroup-k<3`` (subgroups).

    Examples
    --------
    >>> import trialcompare as tc
    >>> from trialcompare.meta import benchmark
    >>> cs = tc.load("trials/apatinib-ie.yaml", "trials/apatinib.yaml", "trials/ie.yaml")  # doctest: +SKIP
    >>> b = benchmark(cs, "orr", "apatinib-ie")                                           # doctest: +SKIP
    >>> benchmark_variants(cs, [b], [{"name": "no-ie", "exclude": ["ie"], "denominators": {},
    ...                                "use_errata": None, "substitute_endpoint": {}}])["reason"].to_list()
    ... # doctest: +SKIP
    ['no-change', 'single-group', 'single-group']
    """
    rows = []
    for b in benchmarks:
        rows += _scenario_variants(cohorts, b, scenarios, data_kw) + _subgroup_variants(cohorts, b)
    return pl.DataFrame(rows, schema=_VARIANT_SCHEMA, orient="row")
