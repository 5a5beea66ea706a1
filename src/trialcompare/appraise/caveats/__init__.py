"""Caveats: judgement rules over descriptors, the harmonized frame and integrity findings, returned as facts.

Each rule is one small function ``(context) -> list[Caveat]``; :data:`CAVEAT_RULES` describes every rule in one line
(documentation of the rules, for a report's methods section). A caveat names the cohorts it concerns by id, lists
the places (``targets``) where it must be shown next to numbers, and carries a :class:`~trialcompare.appraise.facts.
Fact`: tokens, numbers and flags, and the evidence it rests on. :mod:`trialcompare.render.phrasebook` words it.

>>> import trialcompare as tc
>>> from trialcompare.resources import data_dir
>>> from trialcompare.appraise.caveats import derive_caveats, caveats_for
>>> cs = tc.load(*sorted(data_dir("trials").glob("*.yaml")))     # the four Table IV cohorts
>>> caveats = derive_caveats(cs, reference="apatinib-ie")
>>> [c.code for c in caveats_for(caveats, "median:PFS")]
['NON-RANDOMISED', 'INTERVAL-TYPES']
>>> [c.fact["compared"] for c in caveats if c.code == "ENDPOINT-DIFFERS"][0][:2]
(('apatinib-ie', 'EFS', 'not-counted'), ('apatinib', 'PFS', 'none'))

Targets are ``"endpoint:<EP>"`` (any number of that time-to-event endpoint), ``"median:<EP>"`` (its medians and
their intervals), ``"outcome:<ORR|DCR|CBR|best_response|...>"``, ``"baseline:<variable>"``, ``"population"``,
``"design"``, ``"meta"`` (pooled, meta-analytic results) and ``"all"`` (every number).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from ._base import FOLLOW_UP_RATIO, SMD_MAJOR, Caveat, Context
from ._cohorts import (
    data_errors,
    denominator,
    design_differs,
    eligibility_differs,
    follow_up,
    imbalance,
    non_randomised,
    overlap_pairs,
    possible_overlap,
    small_sample,
)
from ._endpoints import definition_differs, endpoint_differs, interval_types, resection

if TYPE_CHECKING:
    import polars as pl

    from ...checks.finding import Finding
    from ...load import CohortSet

__all__ = ["CAVEAT_RULES", "DEFINITION_DIFFERS", "RESECTION", "SMD_MAJOR", "Caveat", "caveats_for",
           "derive_caveats"]

DEFINITION_DIFFERS = "DEFINITION-DIFFERS"
"""The code of the caveat that an endpoint is defined differently (read by the certainty's indirectness)."""

RESECTION = "RESECTION"
"""The code of the caveat that resection enters an endpoint (read by the certainty's indirectness)."""

CAVEAT_RULES: dict[str, str] = {
    "ENDPOINT-DIFFERS": (
        "the time-to-event endpoint compared (each cohort's primary endpoint other than OS, else its first) is not "
        "the same in every cohort, e.g. EFS vs PFS — major."
    ),
    DEFINITION_DIFFERS: (
        "an endpoint reported by two or more cohorts has different definitions (time origin, events or handling of "
        "resection) or no definition in some cohort — major."
    ),
    RESECTION: (
        "a cohort had complete surgical remission (> 0 patients) and an endpoint whose definition does not exclude "
        "resection (censored, event, not counted, unspecified): local therapy affects it — major."
    ),
    "INTERVAL-TYPES": (
        "the medians of one endpoint are printed with interval types (95% CI, IQR, range) that not all cohorts "
        "share, or without any interval in some cohort — minor."
    ),
    "DESIGN-DIFFERS": "prospective trials and retrospective series are compared (selection bias) — major.",
    "ELIGIBILITY-DIFFERS": (
        "the sources say that some cohorts enrolled patients with resectable disease and others excluded them "
        "(design.eligibility): outcomes that depend on resection are structurally incomparable between them and "
        "are not tested — major."
    ),
    "POSSIBLE-OVERLAP": (
        "two cohorts share a registration id, or a centre whose accrual periods overlap or are not reported: they "
        "may include the same patients and are not independent — major."
    ),
    "FOLLOW-UP": (
        f"median follow-up (in months; weeks × 12/52.1775) differs by more than a factor {FOLLOW_UP_RATIO:g} between "
        "cohorts even on the closest of their printed values, or is not reported for some cohort — minor."
    ),
    "IMBALANCE": (
        "a baseline variable has |SMD| above the threshold (default 0.1) against the reference, one caveat per "
        f"variable; major when any |SMD| exceeds {SMD_MAJOR:g}, minor otherwise; estimated SMDs are marked."
    ),
    "DATA-ERRORS": (
        "a cohort has integrity findings of severity error: unacknowledged — major; acknowledged by the curator "
        "(kept as printed) — minor; what each finding means is said in words (codes and fields are in the annex)."
    ),
    "SMALL-SAMPLE": "a cohort has fewer patients than the small-sample limit (default 50) — minor.",
    "NON-RANDOMISED": (
        "unless every cohort is an arm of one randomised study: the cohorts were not randomised against each other, "
        "so every between-cohort difference is unanchored and non-randomised (randomised arms named) — major."
    ),
    "DENOMINATOR": (
        "the N the comparison table uses differs from another reported analysis-set size of the same cohort — minor."
    ),
}
"""One line per caveat rule: documentation of what each rule tests (for a report's methods), not a judgement."""

_RULES: tuple[Callable[[Context], list[Caveat]], ...] = (
    endpoint_differs,
    definition_differs,
    resection,
    interval_types,
    design_differs,
    eligibility_differs,
    possible_overlap,
    follow_up,
    imbalance,
    data_errors,
    small_sample,
    non_randomised,
    denominator,
)

_SEVERITY_ORDER = {"major": 0, "minor": 1}


def derive_caveats(
    cohorts: CohortSet,
    *,
    reference: str,
    frame: pl.DataFrame | None = None,
    findings: Iterable[Finding] | None = None,
    smd: pl.DataFrame | None = None,
    smd_threshold: float = 0.1,
    small_n: int = 50,
) -> list[Caveat]:
    """Derive the caveats of a comparison by the rules of :data:`CAVEAT_RULES`.

    Parameters
    ----------
    cohorts : CohortSet
        The cohorts compared.
    reference : str
        Id of the reference cohort (named first; the reference of SMDs).
    frame : polars.DataFrame, optional
        The harmonized frame; default ``cohorts.to_frame()``.
    findings : iterable of Finding, optional
        Integrity findings (:func:`trialcompare.check`); without them no DATA-ERRORS caveat is derived.
    smd : polars.DataFrame, optional
        Columns ``cohort, reference, variable, smd, signed, estimated, note``; without it no IMBALANCE caveat is
        derived.
    smd_threshold : float
        |SMD| above which a baseline variable is imbalanced (above :data:`SMD_MAJOR` the caveat is major).
    small_n : int
        Cohorts with fewer patients get a SMALL-SAMPLE caveat.

    Returns
    -------
    list of Caveat
        Ordered by severity (major first), code, cohorts, targets and the fact's parameters.

    Raises
    ------
    KeyError
        When ``reference`` is not one of the cohorts.

    Examples
    --------
    >>> import trialcompare as tc
    >>> from trialcompare.resources import data_dir
    >>> cs = tc.load(*sorted(data_dir("trials").glob("*.yaml")))
    >>> caveats = derive_caveats(cs, reference="apatinib-ie", findings=tc.check(cs))
    >>> caveats[0].code, caveats[0].severity, caveats[0].fact["endpoint"], caveats[0].fact["differing"]
    ('DEFINITION-DIFFERS', 'major', 'PFS', ())
    >>> [c.fact["cohorts"] for c in caveats if c.code == "SMALL-SAMPLE"]
    [(('apatinib-ie', 33), ('apatinib', 37), ('apatinib-camrelizumab', 41), ('ie', 46))]
    """
    cohorts[reference]  # raises KeyError naming the cohorts
    findings = None if findings is None else list(findings)
    ctx = Context(
        cohorts,
        reference,
        cohorts.to_frame() if frame is None else frame,
        tuple(findings or ()),
        smd,
        smd_threshold,
        small_n,
        overlap_pairs(cohorts, findings),
    )
    found = [c for rule in _RULES for c in rule(ctx)]
    return sorted(found, key=lambda c: (_SEVERITY_ORDER[c.severity], c.code, c.cohorts, c.targets,
                                        c.fact.code, repr(c.fact.params)))


def caveats_for(caveats: Iterable[Caveat], target: str) -> list[Caveat]:
    """The caveats to show next to the numbers of ``target`` (those targeting it or ``"all"``), in order.

    Parameters
    ----------
    caveats : iterable of Caveat
    target : str
        ``"endpoint:EFS"``, ``"median:EFS"``, ``"outcome:ORR"``, ``"baseline:ecog"``, ``"population"``, ...

    Returns
    -------
    list of Caveat

    Examples
    --------
    >>> from trialcompare.appraise.facts import fact
    >>> c = Caveat("SMALL-SAMPLE", "minor", ("a",), ("population",),
    ...            fact("small-sample", cohorts=(("a", 33),), limit=50, all=True))
    >>> [x.code for x in caveats_for([c], "population")], caveats_for([c], "endpoint:OS")
    (['SMALL-SAMPLE'], [])
    """
    return [c for c in caveats if target in c.targets or "all" in c.targets]
