"""Sensitivity of page 1: does each statement hold under the declared alternatives?

Rules
-----
The statements are the verdict's: the reference's observed direction on each claimed outcome, and how the closest
comparator compares on the time-to-event outcomes. Each is re-derived, with the same rules, under every alternative
that applies:

- ``printed-denominators``: the N printed in each table instead of the spec's declared denominators;
- ``errata``: the declared errata applied (or not, when the spec applies them);
- ``without-overlap``: the cohorts that may share patients with the reference left out;
- ``reference-pfs``: the reference's progression-free survival in place of its compared endpoint, where it prints
  one (e.g. EFS with resection as an event against the comparators' PFS).

An alternative that changes nothing the statement rests on is still listed, with ``holds`` true: the table says
what was tried. ``holds`` is null when the statement cannot be made under the alternative (its comparator left
out).

Examples
--------
>>> import trialcompare as tc
>>> s = tc.analyse(with_meta=False).sensitivity
>>> s.filter(s["alternative"] == "reference-pfs").select("statement", "holds").rows()
[('observed-direction', True), ('observed-direction', True), ('closest-comparator', False)]
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import polars as pl

from .certainty import overlap_pairs
from .verdict import claim_numbers, closest_comparator, direction_holds

if TYPE_CHECKING:
    from ..comparison import Comparison
    from ..load import CohortSet
    from ..spec import Spec

__all__ = ["sensitivity"]

_SCHEMA = {"statement": pl.String, "outcome": pl.String, "alternative": pl.String, "applies": pl.Boolean,
           "primary": pl.String, "result": pl.String, "holds": pl.Boolean}


def _statements(cmp: Comparison, cohorts: CohortSet, outcomes: Sequence[str], direction: str,
                ref_endpoint: str | None = None) -> dict[tuple[str, str], str]:
    """(statement, outcome) → its result token."""
    holds = direction_holds(claim_numbers(cmp, outcomes), cmp.reference, direction)
    out = {("observed-direction", o): ("holds" if h else "fails") for o, h in holds.items()}
    closest = closest_comparator(cmp, cohorts, ref_endpoint)
    if closest is not None:
        out[("closest-comparator", "time-to-event")] = f"{closest['cohort']}:{closest['compares']}"
    return out


def _overlapping(cohorts: CohortSet, reference: str) -> list[str]:
    return [b if a == reference else a for a, b in overlap_pairs(cohorts) if reference in (a, b)]


def sensitivity(spec: Spec, cohorts: CohortSet, cmp: Comparison,
                recompare: Callable[..., Comparison]) -> pl.DataFrame:
    """Re-derive the page-1 statements under each alternative.

    Parameters
    ----------
    spec : Spec
    cohorts : CohortSet
    cmp : Comparison
        The primary comparison.
    recompare : callable
        ``recompare(cohorts, use_errata=..., denominators=...)`` → Comparison with the spec's other options.

    Returns
    -------
    polars.DataFrame
        ``statement, outcome, alternative, applies, primary, result, holds``.
    """
    outcomes = list(spec.claim.outcomes) if spec.claim is not None and spec.claim.outcomes else ["ORR", "DCR"]
    direction = spec.claim.direction if spec.claim is not None else "higher"
    primary = _statements(cmp, cohorts, outcomes, direction)
    denominators = {k: v.n for k, v in spec.denominators.items()}
    overlap = _overlapping(cohorts, cmp.reference)
    ref_has_pfs = not cmp.outcomes.filter(pl.col("cohort") == cmp.reference,
                                          pl.col("outcome") == "PFS:median").is_empty()
    compared = cmp.compared_endpoints.get(cmp.reference)
    alternatives: list[tuple[str, bool, Callable[[], dict]]] = [
        ("printed-denominators", bool(denominators),
         lambda: _statements(recompare(cohorts, use_errata=spec.use_errata, denominators={}), cohorts, outcomes,
                             direction)),
        ("errata", any(c.descriptor.errata for c in cohorts),
         lambda: _statements(recompare(cohorts, use_errata=not spec.use_errata, denominators=denominators),
                             cohorts, outcomes, direction)),
        ("without-overlap", bool(overlap),
         lambda: _statements(recompare(cohorts.subset([c for c in cohorts.ids if c not in overlap]),
                                       use_errata=spec.use_errata, denominators=denominators),
                             cohorts.subset([c for c in cohorts.ids if c not in overlap]), outcomes, direction)),
        ("reference-pfs", ref_has_pfs and compared != "PFS",
         lambda: _statements(cmp, cohorts, outcomes, direction, ref_endpoint="PFS")),
    ]
    rows = []
    for name, applies, run in alternatives:
        results = run() if applies else primary
        for (statement, outcome), before in primary.items():
            after = results.get((statement, outcome), "not-estimable")
            rows.append({"statement": statement, "outcome": outcome, "alternative": name, "applies": applies,
                         "primary": before, "result": after,
                         "holds": None if after == "not-estimable" else after == before})
    return pl.DataFrame(rows, schema=_SCHEMA, orient="row")
