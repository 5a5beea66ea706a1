"""Which printed report of a quantity a comparison uses, and under which denominator.

Where a quantity was printed in several places, :func:`_preferred` keeps the reports at the first of
``prefer_locations`` that has one (ties: the first in the descriptor); :func:`_denominator` applies the chosen
denominator policy (printed or declared, an erratum's correction, or the user's). Shared by
:mod:`trialcompare.comparison_baseline` and :mod:`trialcompare.comparison_outcomes`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .comparison import CompareOptions

__all__: list[str] = []

# ---------------------------------------------------------------------------------------------------------------
# choosing one report per quantity
# ---------------------------------------------------------------------------------------------------------------


def _rank(location: str | None, prefer: Sequence[str]) -> int:
    return prefer.index(location) if location in prefer else len(prefer)


def _preferred(rows: list[dict[str, Any]], prefer: Sequence[str]) -> list[dict[str, Any]]:
    """Rows of the preferred location among reports of one quantity (ties: first in the descriptor)."""
    if not rows:
        return []
    best = min(rows, key=lambda r: (_rank(r["location"], prefer), r["line"]))
    return [r for r in rows if r["location"] == best["location"]]


def _group(rows: Iterable[dict[str, Any]], *keys: str) -> dict[tuple, list[dict[str, Any]]]:
    out: dict[tuple, list[dict[str, Any]]] = {}
    for r in rows:
        out.setdefault(tuple(r[k] for k in keys), []).append(r)
    return out


# ---------------------------------------------------------------------------------------------------------------
# denominators
# ---------------------------------------------------------------------------------------------------------------


def _denominator(row: dict[str, Any], opts: CompareOptions) -> tuple[int, int | None, str]:
    """(n, denominator, basis) for a count row (its n is a number) under the chosen denominator policy."""
    n, den, basis = row["n"], row["denominator"], row["denominator_origin"] or ""
    if opts.use_errata and row.get("corrected_n") is not None:
        n = row["corrected_n"]
    if opts.use_errata and row.get("corrected_denominator") is not None:
        return n, row["corrected_denominator"], "erratum"
    if row["cohort"] in opts.denominators and basis == "declared_n":
        return n, int(opts.denominators[row["cohort"]]), "user"
    return n, den, basis

