"""Human-readable listing of findings for the terminal."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from .finding import Finding

if TYPE_CHECKING:
    from ..load import CohortSet

__all__ = ["format_findings"]


def _line(f: Finding) -> str:
    mark = "acknowledged " if f.acknowledged else ""
    where = f"{f.file}:{f.line}" if f.file else ""
    text = f"  {mark}{f.severity:<7} {f.code:<22} {f.field}  [{f.location}]  {where}\n      {f.message}"
    if f.note:
        text += f"\n      note: {f.note}"
    return text


def format_findings(cohorts: CohortSet, findings: Sequence[Finding]) -> str:
    """Group findings by cohort, errors first, each with its source location; a legend of the codes used ends it.

    Parameters
    ----------
    cohorts : CohortSet
        The cohorts checked.
    findings : sequence of Finding
        As returned by :func:`trialcompare.check`.

    Returns
    -------
    str
    """
    lines = []
    for cohort in cohorts:
        mine = [f for f in findings if f.cohort == cohort.id]
        lines.append(f"{cohort.id} ({cohort.path}): {_counts(mine)}")
        lines.extend(_line(f) for f in mine)
    lines.append(f"{len(cohorts)} cohort{'' if len(cohorts) == 1 else 's'}: {_counts(findings)}")
    lines.extend(_legend(findings))
    return "\n".join(lines)


def _legend(findings: Sequence[Finding]) -> list[str]:
    """One line per code used: what it means (from :data:`trialcompare.checks.families.CODES`)."""
    from .families import CODES

    used = sorted({f.code for f in findings})
    if not used:
        return []
    return ["codes:", *(f"  {code:<22} {CODES.get(code, '')}" for code in used)]


def _counts(findings: Sequence[Finding]) -> str:
    if not findings:
        return "no findings"
    parts = []
    for sev in ("error", "warning", "info"):
        these = [f for f in findings if f.severity == sev]
        if these:
            acked = sum(f.acknowledged for f in these)
            parts.append(
                f"{len(these)} {sev}{'s' if len(these) > 1 else ''}" + (f" ({acked} acknowledged)" if acked else "")
            )
    return ", ".join(parts)
