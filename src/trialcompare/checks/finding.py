"""The :class:`Finding` record."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["Finding", "Severity"]

Severity = Literal["error", "warning", "info"]


@dataclass(frozen=True)
class Finding:
    """One integrity finding about the published numbers.

    Attributes
    ----------
    code : str
        Stable code, e.g. ``"PCT-MISMATCH"``.
    severity : {"error", "warning", "info"}
    cohort : str
        Cohort id (for cross-cohort findings, the first cohort concerned).
    field : str
        Field path, e.g. ``"baseline.ecog.0"`` or ``"endpoint.EFS.median"``.
    message : str
        Quotes the printed value and says what was expected.
    location : str
        Source location(s), e.g. ``"Table IV"`` or ``"Table III; Table IV"``.
    acknowledged : bool
        A curator reviewed it in the descriptor.
    note : str or None
        The curator's note when acknowledged.
    file, line, column
        Where the value stands in the descriptor.
    related : tuple of str
        The other cohorts a cross-cohort finding concerns (e.g. the cohort sharing a registration).
    """

    code: str
    severity: Severity
    cohort: str
    field: str
    message: str
    location: str
    acknowledged: bool = False
    note: str | None = None
    file: str | None = None
    line: int | None = None
    column: int | None = None
    related: tuple[str, ...] = ()
