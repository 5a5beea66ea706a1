"""Exceptions of the MAIC package (private module; re-exported by :mod:`trialcompare.maic`)."""

from __future__ import annotations

__all__ = ["AnchoredError", "MaicError", "MaicInputError"]


class MaicError(ValueError):
    """No finite set of MAIC weights reproduces the targets.

    Raised when a target lies outside the convex hull of the IPD (e.g. a target mean beyond the IPD's range, a
    proportion of 0 or 1, a standard deviation the IPD cannot reach), when moments are collinear, or when the
    optimiser diverges. A subclass of ``ValueError``.
    """


class AnchoredError(MaicError):
    """An anchored MAIC cannot be made from a two-arm IPD.

    Raised when an ``arm`` label is neither a cohort id nor the treatment of a loaded cohort, when both arms are
    the same treatment, or when no published randomised effect links the comparator to the treatment of one IPD
    arm. A subclass of :class:`MaicError` (and so of ``ValueError``), so that whoever handles MAIC failures
    handles these too.
    """


class MaicInputError(ValueError):
    """An input file (IPD CSV, mapping YAML) cannot be used; names ``file:line:column``.

    Attributes
    ----------
    file : str
        The file as given.
    line, column : int
        1-based position (the CSV row's line; the field's character column).
    message : str
        What is wrong.
    """

    def __init__(self, file: str, line: int, column: int, message: str) -> None:
        self.file, self.line, self.column, self.message = file, line, column, message
        super().__init__(f"{file}:{line}:{column}: {message}")
