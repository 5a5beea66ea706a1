"""Family 9: the structure of multi-arm studies — arms and their partners, study size, arm facts.

A cohort that is one arm of a study (``design.arm_of``) is read together with the other arms of that study. These
checks look at the arms as a set:

- a randomised arm needs its partner: an arm of a randomised study with no other arm of that study loaded cannot
  give randomised evidence (the comparison falls back to unanchored) — usually a file left out of the command;
- a study's size (``study.n``) cannot be below the sum of its loaded arms' N (an error when both count the same
  analysis set, a warning when they count different sets, e.g. ITT against evaluable);
- a fact recorded in one arm's file describes at most that arm: a count whose denominator, or a summary whose
  ``n``, is above the arm's largest reported size is a fact of the whole study (it belongs under ``study:``);
- arms of one study that is not randomised (dose groups of one series, say) are a **non-randomised comparison
  within one study**: neither randomised evidence nor two independent cohorts (info, and
  :func:`comparison_label` gives the label for tables and the report).

==========================  ========  ==========================================================================
code                        severity  meaning
==========================  ========  ==========================================================================
STUDY-PARTNER-MISSING       warning   an arm of a randomised study whose other arm(s) are not loaded
STUDY-N-BELOW-ARMS          error     ``study.n`` is below the sum of the loaded arms' N (warning when they count
                                      different analysis sets)
ARM-FACT-ABOVE-ARM          error     an arm's fact counts more patients than the arm has (a study-level fact?)
STUDY-NON-RANDOMISED-ARMS   info      arms of one non-randomised study: a non-randomised comparison within one
                                      study
==========================  ========  ==========================================================================
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import TYPE_CHECKING

from ._common import Row, rows_of
from .finding import Finding, Severity

if TYPE_CHECKING:
    import polars as pl

    from ..descriptor.models import ArmOf
    from ..load import Cohort, CohortSet

__all__ = ["CODES", "NON_RANDOMISED_WITHIN_STUDY", "check_study_structure", "comparison_label"]

CODES = {
    "STUDY-PARTNER-MISSING": "an arm of a randomised study loaded without its other arm(s)",
    "STUDY-N-BELOW-ARMS": "a study's N below the sum of its loaded arms' N",
    "ARM-FACT-ABOVE-ARM": "a fact in an arm's file that counts more patients than the arm",
    "STUDY-NON-RANDOMISED-ARMS": "arms of one non-randomised study (a non-randomised comparison within one study)",
}

#: The label of a comparison between two arms of one study that is not randomised.
NON_RANDOMISED_WITHIN_STUDY = "non-randomised, within one study"


def comparison_label(cohorts: CohortSet, a: str, b: str) -> str | None:
    """The label of comparing cohorts ``a`` and ``b`` when they are arms of one study that is not randomised.

    Parameters
    ----------
    cohorts : CohortSet
        The loaded cohorts.
    a, b : str
        Cohort ids.

    Returns
    -------
    str or None
        :data:`NON_RANDOMISED_WITHIN_STUDY` for two arms of one study not marked randomised in both files, else
        None (randomised arms, or cohorts of different studies: the evidence type says what they are).

    Examples
    --------
    >>> import tempfile, pathlib, trialcompare as tc
    >>> from trialcompare.descriptor.scaffold_arms import scaffold_arms
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> for cid, text in scaffold_arms("series", names=["low", "high"]).items():
    ...     _ = (d / f"{cid}.yaml").write_text(text.replace("randomised: true", "randomised: false"))
    >>> comparison_label(tc.load(d), "series-low", "series-high")
    'non-randomised, within one study'
    """
    first, second = (cohorts[c].descriptor.design.arm_of if c in cohorts else None for c in (a, b))
    if a == b or first is None or second is None or first.study != second.study:
        return None
    return None if first.randomised and second.randomised else NON_RANDOMISED_WITHIN_STUDY


def check_study_structure(frame: list[Row] | pl.DataFrame, cohorts: CohortSet) -> Iterator[Finding]:
    """The findings on the arms of multi-arm studies (codes in the module's table).

    Parameters
    ----------
    frame : list of dict or polars.DataFrame
        The harmonized long frame (its rows).
    cohorts : CohortSet

    Yields
    ------
    Finding
    """
    studies: dict[str, list[Cohort]] = defaultdict(list)
    for c in cohorts:
        if c.descriptor.design.arm_of is not None:
            studies[c.descriptor.design.arm_of.study].append(c)
    for study, arms in studies.items():
        yield from _partner(study, arms)
        yield from _study_size(study, arms)
        yield from _non_randomised(study, arms)
    yield from _facts_above_arm(frame, cohorts)


def _finding(code: str, severity: Severity, cohort: Cohort, field: str, message: str, at: str | None,
             path: tuple = ()) -> Finding:
    line, column = cohort.position(path) if path else (None, None)
    return Finding(code=code, severity=severity, cohort=cohort.id, field=field, message=message,
                   location=at or "design", file=str(cohort.path), line=line, column=column)


def _arm_of(cohort: Cohort) -> ArmOf:
    """The ``design.arm_of`` of a cohort the checks grouped as an arm of a study."""
    arm = cohort.descriptor.design.arm_of
    if arm is None:
        raise ValueError(f"{cohort.id} is not an arm of a study")
    return arm


def _partner(study: str, arms: list[Cohort]) -> Iterator[Finding]:
    if len(arms) > 1:
        return
    arm = arms[0]
    if _arm_of(arm).randomised:
        yield _finding("STUDY-PARTNER-MISSING", "warning", arm, "design.arm_of",
                       f"{arm.id} is an arm of the randomised study {study}, but no other arm of {study} is "
                       "loaded: without it there is no randomised comparison (name the other arm's file too)",
                       arm.descriptor.design.at, ("design", "arm_of"))


def _study_size(study: str, arms: list[Cohort]) -> Iterator[Finding]:
    holders = [a for a in arms if a.descriptor.study is not None]
    if not holders:
        return
    holder = holders[0]
    facts = holder.descriptor.study
    assert facts is not None
    total = sum(a.descriptor.population.n for a in arms)
    if facts.n >= total:
        return
    sets = {a.descriptor.population.n_refers_to for a in arms}
    same = sets == {facts.n_refers_to} and facts.n_refers_to != "unclear"
    each = ", ".join(f"{a.id} {a.descriptor.population.n} ({a.descriptor.population.n_refers_to})" for a in arms)
    yield _finding("STUDY-N-BELOW-ARMS", "error" if same else "warning", holder, "study.n",
                   f"study {study} n = {facts.n} ({facts.n_refers_to}) is below the {total} patients of its loaded "
                   f"arms ({each})" + ("" if same else "; they count different analysis sets"),
                   facts.at, ("study", "n"))


def _non_randomised(study: str, arms: list[Cohort]) -> Iterator[Finding]:
    if len(arms) < 2 or all(_arm_of(a).randomised for a in arms):
        return
    ids = ", ".join(a.id for a in arms)
    yield _finding("STUDY-NON-RANDOMISED-ARMS", "info", arms[0], "design.arm_of",
                   f"{ids} are arms of {study}, which is not marked randomised (arm_of.randomised) in every arm's "
                   f"file: a comparison between them is {NON_RANDOMISED_WITHIN_STUDY}, not randomised evidence and "
                   "not two independent cohorts", arms[0].descriptor.design.at, ("design", "arm_of"))


def _largest_size(cohort: Cohort) -> int:
    pop = cohort.descriptor.population
    return max([pop.n, *(r.n for r in pop.reports)])


def _facts_above_arm(frame: list[Row] | pl.DataFrame, cohorts: CohortSet) -> Iterator[Finding]:
    from ._common import field_of, location_of

    arms = {c.id: c for c in cohorts if c.descriptor.design.arm_of is not None}
    if not arms:
        return
    for r in rows_of(frame):
        cohort = arms.get(r["cohort"])
        if cohort is None or r.get("scope") != "arm" or r["section"] not in ("baseline", "outcome", "rate",
                                                                             "endpoint"):
            continue
        size = _largest_size(cohort)
        summary = r["section"] == "baseline" and r["statistic"] in ("mean", "median", "sd")
        counted = r["n"] if summary else None  # the patients a summary describes (a count's n is its numerator)
        if r.get("denominator_origin") in ("printed", "entry") and (r["denominator"] or 0) > size:
            counted = r["denominator"]
        if counted is None or counted <= size:
            continue
        yield Finding(code="ARM-FACT-ABOVE-ARM", severity="error", cohort=cohort.id, field=field_of(r),
                      message=f'printed "{r["printed"]}" describes {counted} patients, more than the {size} of the '
                              f"arm {cohort.id}: a fact of the whole study {_arm_of(cohort).study} "
                              "belongs under study: (written once)",
                      location=location_of(r, cohorts), file=r.get("file"), line=r.get("line"),
                      column=r.get("column"))
