"""Numbers read in secondary reports or reviews rather than in the publication: a limitation, as a fact.

Rule
----
A descriptor names each number's source (``source:``, the first source when omitted), and each source its
``role``. :func:`secondary_source_facts` counts, per cohort, the printed values whose source has the role
``secondary`` (a news report, a conference presentation, another paper citing the study) or ``review`` (a review's
table of published cohorts), against all the printed values of the cohort: fact ``secondary-source-numbers`` with
``cohorts`` = ``(cohort, numbers from secondary or review sources, numbers in all)``. It is a limitation of the theme
``sources`` (:data:`trialcompare.appraise.limitations.FACT_THEMES`), so its heading can reach page 1.

What is counted: every value the harmonized frame read as printed (one per printed position: a median with its
range is one number; the counts a frame derives from a percentage are not counted), and every adverse event, dose
modification and death of ``adverse_events:``. Not counted: ``role: comparator-table`` (the appraised paper's own
table of its comparators, kept to be checked against the comparators' publications) and a harms entry's ``via``
(where the source's own text was read, e.g. a copy of its abstract: the words are the source's).

Why a limitation, and not a risk-of-bias domain or indirectness
-----------------------------------------------------------------
ROBINS-I's domain "bias in selection of the reported result" (Sterne et al., BMJ 2016;355:i4919) asks whether the
*study's* reported result was selected from several outcome measurements, analyses or subgroups on the basis of
the results; reading the study's number in a news report does not change what the study's authors selected, and
the numbers a news report chooses to repeat are still among those the authors reported. GRADE's indirectness
(Guyatt et al., J Clin Epidemiol 2011;64:1303-10) concerns differences of population, intervention, comparator and
outcome from the question, which the source of a transcription does not change. What a secondary report can do
is transcribe, round or shorten a number wrongly, or give it without its denominator or interval (the Cochrane
Handbook, chapter 5, advises collecting data from the fullest report and checking secondary reports against it):
a limitation on the reliability of the data extracted. So the fact is listed with the limitations, and changes
neither the risk-of-bias table nor a GRADE rating.

Examples
--------
>>> import trialcompare as tc
>>> secondary_source_facts(tc.load("trials/apatinib-ie.yaml", "trials/ie.yaml"))
()
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..descriptor.harms import harm_records
from .facts import Fact, fact

if TYPE_CHECKING:
    from ..load import Cohort, CohortSet

__all__ = ["SECONDARY_ROLES", "secondary_source_facts"]

SECONDARY_ROLES: tuple[str, ...] = ("secondary", "review")
"""Source roles whose numbers were not read in the study's own publication."""


def _counts(cohort: Cohort, frame_rows: list[dict]) -> tuple[int, int, list[str]]:
    """(numbers from secondary or review sources, numbers in all, the keys of those sources) of one cohort."""
    desc = cohort.descriptor
    secondary = {s.key for s in desc.sources if s.role in SECONDARY_ROLES}
    printed: dict[tuple, str] = {}
    for r in frame_rows:
        if r["cohort"] == desc.id and r["as_printed"]:
            printed.setdefault((r["line"], r["column"], r["section"]), r["source"])
    harms = harm_records(desc.adverse_events) if desc.adverse_events is not None else []
    sources = [*printed.values(), *((rec.source or desc.default_source) for rec in harms)]
    used = [s for s in sources if s in secondary]
    return len(used), len(sources), sorted(set(used))


def secondary_source_facts(cohorts: CohortSet) -> tuple[Fact, ...]:
    """``secondary-source-numbers`` when any cohort has numbers read in a secondary report or a review.

    Parameters
    ----------
    cohorts : CohortSet
        The cohorts compared.

    Returns
    -------
    tuple of Fact
        Empty, or one fact: ``cohorts`` = ``(cohort, from secondary or review sources, in all)`` for each cohort with
        any such number, in the cohorts' order; the evidence names the sources (``cohort/sources.KEY``).
    """
    frame = cohorts.to_frame()
    frame_rows = frame.select("cohort", "as_printed", "line", "column", "section", "source").to_dicts()
    found = []
    evidence: list[str] = []
    for c in cohorts:
        used, total, keys = _counts(c, frame_rows)
        if used:
            found.append((c.id, used, total))
            evidence += [f"{c.id}/sources.{k}" for k in keys]
    if not found:
        return ()
    return (fact("secondary-source-numbers", evidence=evidence, cohorts=tuple(found)),)
