"""Registry of the check families and of every finding code they emit.

Each family is a function ``(frame, cohorts) -> Iterable[Finding]`` in its own module, which documents its codes
in a table. :data:`CODES` maps every code to a one-line description (used by the report's legend):

1. :mod:`.percentages` — ``PCT-*``: printed percentages against n/denominator.
2. :mod:`.categories` — ``CAT-*``: levels summing to their denominator, counts against N, union levels.
3. :mod:`.intervals` — ``INT-*``: interval order, estimate inside, mean ± SD t-interval, proportion CI method.
4. :mod:`.time_to_event` — ``TTE-*``: landmark rates, medians and quartiles, event counts.
5. :mod:`.conflicts` — ``CONFLICT-*``: one quantity reported differently at two locations or sources.
6. :mod:`.cross_cohort` — ``XC-*``: possible patient overlap, interval labels along a table row.
7. :mod:`.rates` — ``RATE-*``: ORR, DCR and CBR against the best-response counts; printed rates as counts.
8. :mod:`.effects` — ``EFF-*``, ``STUDY-*``, ``PLACEHOLDER``: between-arm effects of randomised studies (P value
   from the CI, log-scale symmetry, the other arm), study-level facts written once, scaffold placeholders.
9. :mod:`.harms` — ``HARM-*``: adverse events, dose modifications and deaths against their counts and grade bands.
10. :mod:`.study_structure` — ``STUDY-*``, ``ARM-*``: arms of multi-arm studies (a randomised arm's partner,
    the study's N against its arms, arm facts above the arm, arms of one non-randomised study).
"""

from __future__ import annotations

from . import (
               categories,
               conflicts,
               cross_cohort,
               effects,
               harms,
               intervals,
               percentages,
               rates,
               study_structure,
               time_to_event,
)

__all__ = ["ALL", "CODES"]

ALL: list = [
    percentages.check_percentages,
    categories.check_categories,
    intervals.check_intervals,
    time_to_event.check_time_to_event,
    conflicts.check_conflicts,
    cross_cohort.check_cross_cohort,
    rates.check_rates,
    effects.check_effects,
    harms.check_harms,
    study_structure.check_study_structure,
]

CODES: dict[str, str] = {
    **percentages.CODES,
    **categories.CODES,
    **intervals.CODES,
    **time_to_event.CODES,
    **conflicts.CODES,
    **cross_cohort.CODES,
    **rates.CODES,
    **effects.CODES,
    **harms.CODES,
    **study_structure.CODES,
}
