"""Descriptor models of a study's provenance and design: sources, regimen, design, eligibility and population.

:class:`Source` (where the numbers were read), :class:`Regimen` and its :class:`Agent` list, :class:`Design` with
its registrations, follow-up, :class:`ArmOf` (this cohort is one arm of a multi-arm study) and :class:`Eligibility`,
and :class:`Population` (what the comparison table's N counts). Gathered in :mod:`trialcompare.descriptor.models`.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, StrictBool, field_validator, model_validator

from .appraisal_facts import (
    AgeLimit,
    Assessment,
    EcogLimit,
    InterventionRecord,
    LinesLimit,
    MissingData,
    OverlapEvidence,
    Refractory,
    Selection,
)
from .models_common import IntervalType, PopulationSet, Printed, _Located, _parsed, _Strict
from .printed import parse_estimate

__all__ = [
    "Agent",
    "ArmOf",
    "ControlKind",
    "Design",
    "Eligibility",
    "FollowUp",
    "Population",
    "PopulationReport",
    "Regimen",
    "Registration",
    "Resectability",
    "Source",
]

class Source(_Strict):
    """A publication or record the numbers were read from."""

    key: str = Field(description="short key other fields refer to, e.g. 'paper'")
    citation: str
    role: Literal["primary", "comparator-table", "secondary", "review", "registry"] = "primary"
    pmid: str | None = None
    pmcid: str | None = None
    doi: str | None = None
    url: str | None = None
    note: str | None = None


class Agent(_Strict):
    """One agent of a regimen."""

    name: str
    dose: str | None = None
    route: str | None = None
    schedule: str | None = None


class Regimen(_Strict):
    """The regimen as text and as structured agents."""

    text: str
    agents: list[Agent] = Field([])


class Registration(_Located):
    """A trial registration (NCT number, ethics committee number) as printed."""

    id: str


class FollowUp(_Located):
    """Median follow-up with its interval, as printed."""

    value: Printed
    interval: IntervalType | None = None
    unit: Literal["months", "weeks", "days", "years"] = "months"

    @field_validator("value")
    @classmethod
    def _parse(cls, v: Printed) -> Printed:
        _parsed(parse_estimate, v)
        return v


ControlKind = Literal["placebo", "best_supportive_care", "active"]


class ArmOf(_Strict):
    """This cohort is one arm of a multi-arm study.

    ``control`` marks a control arm and says which kind: ``placebo``, ``best_supportive_care`` or ``active`` (an
    active control, e.g. IE alone in a trial of lenvatinib + IE vs IE). Leave it out for an experimental arm. A
    control arm is never pooled with single-arm cohorts (:func:`trialcompare.rules.control_arm`). Example::

        arm_of: {study: REGOBONE, arm: placebo, randomised: true, control: placebo}
    """

    study: str
    arm: str
    randomised: StrictBool = False
    control: ControlKind | None = None


Resectability = Literal["excluded", "included", "not_stated"]


class Eligibility(_Strict):
    """Eligibility that makes outcomes structurally incomparable, as the source states it (DESIGN.md).

    ``resectable``: whether patients with resectable disease could enrol — ``excluded`` (e.g. "relapsed,
    unresectable osteosarcoma"), ``included`` (e.g. patients assessed for metastasectomy were included) or
    ``not_stated`` (the default: leave it so unless the source says it). A stated value needs its ``quote`` and
    location (``at``). Example::

        eligibility:
          resectable: excluded
          quote: "patients with relapsed, unresectable high-grade osteosarcoma after standard treatment"
          at: "Introduction"
          source: paper
    """

    resectable: Resectability = "not_stated"
    quote: str | None = Field(None, description="the source's words that say it, copied exactly")
    at: str | None = Field(None, description="where the quote was read")
    source: str | None = Field(None, description="key of the source (default: the first)")
    note: str | None = None
    # risk of bias (issue 19): each with its own quote and location; left out = no information
    age: AgeLimit | None = Field(None, description="age limits of eligibility, in years, as printed")
    ecog_max: EcogLimit | None = Field(None, description="the highest ECOG performance status eligible")
    prior_lines: LinesLimit | None = Field(None, description="prior lines of systemic therapy required or allowed")
    refractory: Refractory | None = Field(None, description="refractory disease required (progression within a "
                                                             "time after a line)")

    @model_validator(mode="after")
    def _quoted(self) -> Eligibility:
        if self.resectable != "not_stated" and (not self.quote or not self.at):
            raise ValueError(f"resectable: {self.resectable} needs the source's words: 'quote' and 'at'")
        return self


class Design(_Strict):
    """Study design facts."""

    type: Literal["prospective", "retrospective"]
    description: str | None = None
    phase: str | None = None
    arm_of: ArmOf | None = None
    centres: list[str] = Field([])
    n_centres: int | None = Field(None, ge=1)
    country: str | None = None
    accrual_start: str | None = None
    accrual_end: str | None = None
    at: str | None = None
    source: str | None = Field(None, description="key of the source the design facts were read from")
    registrations: list[Registration] = Field([])
    follow_up: list[FollowUp] = Field([])
    eligibility: Eligibility | None = Field(None, description="eligibility that makes outcomes structurally "
                                                               "incomparable (resectable disease excluded)")
    # risk of bias (issue 19; descriptor/appraisal_facts.py): left out = no information
    selection: Selection | None = Field(None, description="how patients were selected (consecutive, all eligible, "
                                                          "exclusions after treatment began)")
    assessment: Assessment | None = Field(None, description="how response was assessed")
    intervention: InterventionRecord | None = Field(None, description="when the treatment received was classified")
    missing_data: list[MissingData] = Field([], description="patients analysed against enrolled, with reasons")
    overlap_evidence: list[OverlapEvidence] = Field([], description="direct evidence of shared patients, as printed")


class PopulationReport(_Located):
    """A reported size of one analysis set."""

    set: PopulationSet
    n: int = Field(ge=0)


class Population(_Strict):
    """Who was counted, and what the comparison table's "N" refers to."""

    n: int = Field(ge=0, description="the N the comparison table prints for this cohort")
    n_refers_to: PopulationSet
    at: str
    source: str | None = None
    printed: str | None = None
    reports: list[PopulationReport] = Field([])

