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
from .models_common import IntervalType, PopulationSet, Printed, _Located, _parsed, _printed_error, _Strict
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
    """A publication or record the numbers were read from.

    Attributes
    ----------
    key : str
        Short key that the ``source`` fields of the descriptor refer to, e.g. "paper".
    citation : str
        The reference as it would be cited.
    role : str
        What the source is: primary (the default), comparator-table, secondary, review or registry.
    pmid, pmcid, doi, url : str or None
        Identifiers and address of the source, when it has them.
    note : str or None
        The curator's note.
    """

    key: str = Field(description="short key other fields refer to, e.g. 'paper'")
    citation: str
    role: Literal["primary", "comparator-table", "secondary", "review", "registry"] = "primary"
    pmid: str | None = None
    pmcid: str | None = None
    doi: str | None = None
    url: str | None = None
    note: str | None = None


class Agent(_Strict):
    """One agent of a regimen.

    Attributes
    ----------
    name : str
        The agent, e.g. "apatinib".
    dose, route, schedule : str or None
        Its dose, route and schedule as described in the source, e.g. "500 mg", "oral", "once daily".
    """

    name: str
    dose: str | None = None
    route: str | None = None
    schedule: str | None = None


class Regimen(_Strict):
    """The regimen as text and as structured agents.

    Attributes
    ----------
    text : str
        The regimen as described in the source.
    agents : list of Agent
        Its agents, one entry each.
    """

    text: str
    agents: list[Agent] = Field([])


class Registration(_Located):
    """A trial registration (NCT number, ethics committee number) as printed.

    Attributes
    ----------
    id : str
        The registration number; two cohorts giving the same one (in any case) may share patients.
    """

    id: str


class FollowUp(_Located):
    """Median follow-up with its interval, as printed.

    Attributes
    ----------
    value : str, int or float
        The median with its interval as printed, e.g. "12.0 (8.0, 16.0)".
    interval : str or None
        The type of the printed interval: 95% CI, 90% CI, 80% CI, IQR or range.
    unit : {"months", "weeks", "days", "years"}
        The unit of the printed value (default months).
    """

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

    Attributes
    ----------
    study : str
        The study's name, the same in the file of each of its arms.
    arm : str
        This arm's name within the study.
    randomised : bool
        Whether patients were randomised between the arms (default false).
    control : {"placebo", "best_supportive_care", "active"} or None
        The kind of control arm; None for an experimental arm.
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

    Attributes
    ----------
    resectable : {"excluded", "included", "not_stated"}
        Whether patients with resectable disease could enrol.
    quote : str or None
        The source's words that say it, copied exactly (required with a stated ``resectable``).
    at : str or None
        Where the quote was read (required with a stated ``resectable``).
    source : str or None
        Key of the source (default: the first).
    note : str or None
        The curator's note.
    age : AgeLimit or None
        Age limits of eligibility, in years, as printed.
    ecog_max : EcogLimit or None
        The highest ECOG performance status eligible.
    prior_lines : LinesLimit or None
        Prior lines of systemic therapy required or allowed.
    refractory : Refractory or None
        Refractory disease required (progression within a time after a line).
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
    """Study design facts.

    Attributes
    ----------
    type : {"prospective", "retrospective"}
        Whether the study was prospective or retrospective.
    description : str or None
        The design in words, e.g. "single-arm, single-centre".
    phase : str or None
        The trial phase as printed, e.g. "II"; None for a retrospective series.
    arm_of : ArmOf or None
        The study this cohort is one arm of; None for a single-arm cohort.
    centres : list of str
        The centres named; a centre shared with another cohort whose accrual overlaps (or is not reported) means
        the two may share patients.
    n_centres : int or None
        The number of centres, when printed.
    country : str or None
        The country (or countries) of the centres.
    accrual_start, accrual_end : str or None
        The accrual period as printed, e.g. "2018-01".
    at : str or None
        Where the design facts were read.
    source : str or None
        Key of the source the design facts were read from.
    registrations : list of Registration
        Trial registrations as printed.
    follow_up : list of FollowUp
        Median follow-up, once per location it is printed.
    eligibility : Eligibility or None
        Eligibility that makes outcomes structurally incomparable (resectable disease excluded), and its limits.
    selection : Selection or None
        How patients were selected (consecutive, all eligible, exclusions after treatment began). This and the
        other risk-of-bias records below are described in :mod:`trialcompare.descriptor.appraisal_facts`; one
        left out means no information.
    assessment : Assessment or None
        How response was assessed.
    intervention : InterventionRecord or None
        When the treatment received was classified.
    missing_data : list of MissingData
        Patients analysed against enrolled, with reasons.
    overlap_evidence : list of OverlapEvidence
        Direct evidence of patients shared with another cohort, as printed.
    """

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
    """A reported size of one analysis set.

    Attributes
    ----------
    set : str
        The analysis set: enrolled, treated, efficacy, evaluable, itt, safety or unclear.
    n : int
        Its number of patients.
    """

    set: PopulationSet
    n: int = Field(ge=0)


class Histology(_Located):
    """How many of a cohort mixing histologies have osteosarcoma (a bone-sarcoma series of which some are).

    Attributes
    ----------
    osteosarcoma : int
        Patients with osteosarcoma among the cohort's N, as printed.
    other : str or None
        The other histologies, as printed (e.g. "Ewing sarcoma 10, chondrosarcoma 6").
    quote : str or None
        The source's words.
    """

    osteosarcoma: int = Field(ge=0, description="patients with osteosarcoma among the cohort's N, as printed")
    other: str | None = Field(None, description="the other histologies, as printed")
    quote: str | None = None


class Population(_Strict):
    """Who was counted, and what the comparison table's "N" refers to.

    Attributes
    ----------
    n : int
        The N the comparison table prints for this cohort, and the denominator of a count printed without one.
    n_refers_to : str
        The analysis set ``n`` counts: enrolled, treated, efficacy, evaluable, itt, safety or unclear.
    at : str
        Where ``n`` was read.
    source : str or None
        Key of the source it was read from (default: the first).
    printed : str or None
        The N as printed, e.g. "n=30".
    reports : list of PopulationReport
        Every reported size of an analysis set.
    histology : Histology or None
        For a cohort that mixes histologies: how many of its N have osteosarcoma (every number of the cohort
        then describes the mix, and the appraisal says so).
    """

    n: int = Field(ge=0, description="the N the comparison table prints for this cohort")
    n_refers_to: PopulationSet
    at: str
    source: str | None = None
    printed: str | None = None
    reports: list[PopulationReport] = Field([])
    histology: Histology | None = Field(None, description="a cohort mixing histologies: how many have osteosarcoma")

    @model_validator(mode="after")
    def _osteosarcoma_within_n(self) -> Population:
        if self.histology is not None and self.histology.osteosarcoma > self.n:
            raise _printed_error(ValueError(f"histology.osteosarcoma {self.histology.osteosarcoma} is more than the "
                                            f"population N {self.n}"), "histology", "osteosarcoma")
        return self

