"""Integrity checks of published numbers: each check family yields findings with a stable code.

>>> import trialcompare as tc
>>> findings = tc.check(tc.load("trials"))  # doctest: +SKIP

A family is a function ``(frame, cohorts) -> Iterable[Finding]`` registered in :data:`FAMILIES`; ``frame`` is the
harmonized long frame as its rows (:func:`trialcompare.frame.rows`: ``validate`` never imports polars) or as a
polars DataFrame.
Findings a curator acknowledged in a descriptor (``acknowledged:``) keep ``acknowledged=True`` and the note;
they stay listed and reported but do not fail ``validate``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import asdict, replace
from typing import TYPE_CHECKING, Any

from .finding import Finding, Severity

if TYPE_CHECKING:
    import polars as pl

    from ..load import CohortSet

__all__ = ["FAMILIES", "Finding", "Severity", "check"]

Family = Callable[["list[dict[str, Any]] | pl.DataFrame", "CohortSet"], Iterable[Finding]]


def _families() -> list[Family]:
    from . import families

    return families.ALL


FAMILIES: list[Family] = []


def _acknowledge(finding: Finding, cohorts: CohortSet) -> Finding:
    if finding.cohort not in cohorts:
        return finding
    for ack in cohorts[finding.cohort].descriptor.acknowledged:
        if ack.code != finding.code:
            continue
        if ack.field is not None and not finding.field.startswith(ack.field):
            continue
        if ack.at is not None and ack.at not in finding.location:
            continue
        return replace(finding, acknowledged=True, note=ack.note)
    return finding


def check(cohorts: CohortSet) -> list[Finding]:
    """Run every integrity check on a cohort set.

    Parameters
    ----------
    cohorts : CohortSet
        Loaded descriptors.

    Returns
    -------
    list of Finding
        Sorted by cohort, then severity (errors first), then code.
    """
    from ..frame import rows

    frame = rows(cohorts)  # the frame's rows, without polars (the families take either)
    found = [f for family in (FAMILIES or _families()) for f in family(frame, cohorts)]
    found = [_acknowledge(f, cohorts) for f in found]
    order = {"error": 0, "warning": 1, "info": 2}
    return sorted(found, key=lambda f: (f.cohort, order[f.severity], f.code, f.field, f.location))


def as_dicts(findings: Iterable[Finding]) -> list[dict]:
    """Convert findings to plain dicts (for JSON).

    Parameters
    ----------
    findings : iterable of Finding
        The findings.

    Returns
    -------
    list of dict
        One dict per finding, its fields by name.
    """
    return [asdict(f) for f in findings]


__all__ += ["as_dicts"]

