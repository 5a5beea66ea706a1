"""The caveat type and the context every caveat rule reads (no rule and no words here)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..facts import Fact

if TYPE_CHECKING:
    import polars as pl

    from ...checks.finding import Finding
    from ...descriptor.models import Descriptor, Endpoint
    from ...load import CohortSet

__all__ = ["FOLLOW_UP_RATIO", "SMD_MAJOR", "Caveat", "Context", "handling"]

SMD_MAJOR = 0.25
"""An |SMD| above this marks a *major* imbalance (Stuart 2010; Rubin 2001); above ``smd_threshold`` it is minor."""

FOLLOW_UP_RATIO = 1.5
"""Median follow-up of two cohorts "differs" when the larger is more than this factor of the smaller."""


@dataclass(frozen=True)
class Caveat:
    """One caveat about a comparison: where it applies and the fact it states (worded by the phrasebook).

    Attributes
    ----------
    code : str
        Stable code, a key of :data:`trialcompare.appraise.caveats.CAVEAT_RULES` (``"ENDPOINT-DIFFERS"``, ...).
    severity : {"major", "minor"}
    cohorts : tuple of str
        Ids of the cohorts it concerns (reference first when concerned, the others sorted).
    targets : tuple of str
        Where it must be shown next to numbers (sorted): ``"endpoint:EFS"``, ``"median:PFS"``,
        ``"outcome:ORR"``, ``"baseline:ecog"``, ``"population"``, ``"design"``, ``"meta"``, ``"all"``.
    fact : Fact
        What the rule found: tokens, numbers and flags, and the evidence (descriptor fields, findings) it rests
        on; :func:`trialcompare.render.phrasebook.say` words it.

    Examples
    --------
    >>> from trialcompare.appraise.facts import fact
    >>> c = Caveat("SMALL-SAMPLE", "minor", ("a",), ("population",),
    ...            fact("small-sample", cohorts=(("a", 33),), limit=50, all=False))
    >>> c.fact["cohorts"]
    (('a', 33),)
    """

    code: str
    severity: str
    cohorts: tuple[str, ...]
    targets: tuple[str, ...]
    fact: Fact


@dataclass(frozen=True)
class Context:
    """What the rules read: the cohorts, the reference, the harmonized frame, the findings, the SMDs and limits."""

    cohorts: CohortSet
    reference: str
    frame: pl.DataFrame
    findings: tuple[Finding, ...]
    smd: pl.DataFrame | None
    smd_threshold: float
    small_n: int
    overlaps: tuple[tuple[str, str], ...] = ()

    def desc(self, cohort_id: str) -> Descriptor:
        """The descriptor of a cohort."""
        return self.cohorts[cohort_id].descriptor

    def order(self, ids: Iterable[str]) -> tuple[str, ...]:
        """Reference first when present, the others sorted."""
        ids = set(ids)
        rest = sorted(ids - {self.reference})
        return (self.reference, *rest) if self.reference in ids else tuple(rest)

    def rows(self, **equal: Any) -> list[dict[str, Any]]:
        """Rows of the harmonized frame whose columns equal the given values."""
        import polars as pl

        if self.frame.is_empty():
            return []
        return self.frame.filter(*(pl.col(k) == v for k, v in equal.items())).to_dicts()

    def caveat(self, code: str, severity: str, ids: Iterable[str], targets: Iterable[str], f: Fact) -> Caveat:
        """A caveat with its cohorts ordered and its targets sorted."""
        return Caveat(code, severity, self.order(ids), tuple(sorted(set(targets))), f)


def handling(endpoint: Endpoint) -> str:
    """How an endpoint's definition handles resection: a :class:`~trialcompare.descriptor.models.EndpointDefinition`
    ``resection`` value, or ``"none"`` when the endpoint has no definition.

    Parameters
    ----------
    endpoint : Endpoint

    Returns
    -------
    str
    """
    return endpoint.definition.resection if endpoint.definition is not None else "none"
