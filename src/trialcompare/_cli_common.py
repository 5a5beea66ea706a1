"""What the ``trialcompare`` commands share: the usage error, the default paths, ``--denominator``, plurals."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

__all__: list[str] = []

EXIT_OK, EXIT_FINDINGS, EXIT_INPUT = 0, 1, 2
"""Exit status: success, unacknowledged error findings (``validate``), unusable input."""


class UsageError(Exception):
    """Bad input that is not a descriptor problem (unknown cohort id, unwritable output...)."""


def _paths(args: argparse.Namespace) -> list[str]:
    """The descriptor paths named, else ``./trials`` (a missing ``./trials`` is refused with what to do)."""
    if not args.paths and not Path("trials").is_dir():
        raise UsageError(f"no ./trials folder here; name descriptor files or folders (trialcompare {args.command} "
                         "PATH ...)")
    return list(args.paths) or ["trials"]


def _denominators(items: Sequence[str]) -> dict[str, int]:
    out = {}
    for item in items:
        cid, _, value = item.partition("=")
        if not cid or not value.isascii() or not value.isdigit() or len(value) > 19 or not 0 < int(value) < 2**63:
            raise UsageError(f"--denominator expects ID=N with N a positive whole number below 2^63, got {item!r}")
        out[cid] = int(value)
    return out


def _plural(n: int, word: str) -> str:
    """``1 cohort``, ``2 cohorts``.

    >>> _plural(1, "cohort"), _plural(0, "cohort")
    ('1 cohort', '0 cohorts')
    """
    return f"{n} {word}" + ("" if n == 1 else "s")
