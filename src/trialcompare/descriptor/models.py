"""Pydantic models of a cohort descriptor (one YAML file per published cohort).

Every number is written as printed and carries its location (``at``: "Table IV", "Abstract",
"Results ¶3") and its source (``source``: a key of ``sources``; the first source when omitted). The same
quantity may be reported several times at different locations: each report is kept.

Randomised studies (issue 10) are written one file per arm, the arms linked by ``design.arm_of.study``:

* ``effects:`` (:class:`Effect`) holds the between-arm effects as published (HR, OR, RR, RD, MD, SMD with the
  printed interval and P value); ``versus`` names the other arm's cohort id.
* ``study:`` (:class:`Study`) holds facts printed for the whole study (both arms together, e.g. the median age of
  all 42 randomised patients). It is written **once**, in one arm's file, never copied into each arm; its
  ``id`` must be that arm's ``design.arm_of.study``. The frame gives its rows ``scope = "study"``.
* Time points are written ``time: 8, unit: weeks`` (:class:`RateReport`, :class:`EndpointReport`, a
  best-response :class:`Categorical`); ``months: 6`` stays valid and means ``time: 6, unit: months``.

The models are written by part: :mod:`~trialcompare.descriptor.models_common` (the strict bases, printed-value
types and validation helpers), :mod:`~trialcompare.descriptor.models_design` (sources, regimen, design,
eligibility, population), :mod:`~trialcompare.descriptor.models_baseline` (categorical and continuous baseline
entries) and :mod:`~trialcompare.descriptor.models_outcomes` (rates, endpoints, curves, effects). This module holds
the :class:`Descriptor` itself with the parts that belong to the whole file (:class:`Study`, errata,
acknowledgements) and :func:`known_fields`; every model is importable from here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, Literal, get_args

from pydantic import BaseModel, Field, field_validator, model_validator

from .harms import AdverseEvents
from .models_baseline import BaselineEntry, Categorical, Continuous
from .models_common import MAX_COUNT as MAX_COUNT
from .models_common import IntervalType as IntervalType
from .models_common import PopulationSet, _printed_error, _Strict
from .models_common import Printed as Printed
from .models_common import TimeUnit as TimeUnit
from .models_design import (
    Agent,
    Design,
    Eligibility,
    FollowUp,
    Histology,
    Population,
    PopulationReport,
    Regimen,
    Registration,
    Source,
)
from .models_design import ArmOf as ArmOf
from .models_design import ControlKind as ControlKind
from .models_design import Resectability as Resectability
from .models_outcomes import Curve, Effect, Endpoint, EndpointDefinition, EndpointReport, RateReport

__all__ = [
    "Acknowledgement",
    "Agent",
    "Categorical",
    "Continuous",
    "Curve",
    "Descriptor",
    "Design",
    "Effect",
    "Eligibility",
    "Endpoint",
    "EndpointDefinition",
    "EndpointReport",
    "Erratum",
    "FollowUp",
    "Histology",
    "Population",
    "PopulationReport",
    "RateReport",
    "Regimen",
    "Registration",
    "Source",
    "Study",
    "follow_up_of",
    "known_fields",
]


_KEBAB = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_OUTCOME_VARIABLES = {"best_response", "status_last_follow_up", "surgical_remission"}


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in get_args(annotation) for m in _models_in(arg)]


def known_fields(loc: tuple, root: type[BaseModel] | None = None) -> list[str]:
    """List the field names allowed at a location of a descriptor.

    The loader names the nearest of them when a descriptor has an unknown field ("did you mean").

    Parameters
    ----------
    loc : tuple of str and int
        The path of keys and list indices below ``root``, as in a validation error's ``loc``. Indices are skipped;
        a key that is not a field of the models reached so far leaves them as they are.
    root : type of pydantic.BaseModel, optional
        The model the path starts from; :class:`Descriptor` when omitted.

    Returns
    -------
    list of str
        The sorted field names of every model the path can reach: under ``baseline``, those of both
        :class:`Categorical` and :class:`Continuous`.

    Examples
    --------
    >>> known_fields(("design", "arm_of"))
    ['arm', 'control', 'randomised', 'study']
    """
    models: list[type[BaseModel]] = [root or Descriptor]
    for seg in loc:
        if isinstance(seg, int):
            continue
        found = [m for model in models if seg in model.model_fields
                 for m in _models_in(model.model_fields[seg].annotation)]
        models = found or models
    return sorted({f for m in models for f in m.model_fields})


class Study(_Strict):
    """Facts printed for a whole randomised study (all arms together), written once in one arm's file.

    ``id`` is the study (``design.arm_of.study`` of the arm that holds it); ``n`` the number of patients the
    facts describe (e.g. 42 randomised); ``baseline`` has the shape of a descriptor's ``baseline`` and
    ``follow_up`` that of ``design.follow_up`` (a median follow-up printed for all arms together). The frame gives
    these rows ``scope = "study"`` and never compares them between the arms; a study-level follow-up counts for
    every loaded arm of the study, marked as such (:func:`follow_up_of`). Example::

        study:
          id: REGOBONE
          n: 42
          n_refers_to: itt
          at: "Table 1"
          baseline:
            - {variable: age, kind: median_range, value: "15 (10-25)", at: "Table 1"}
          follow_up:
            - {value: "7.4", unit: months, at: "Results", label: "among surviving patients"}

    Attributes
    ----------
    id : str
        The study: the ``design.arm_of.study`` of the arm whose file holds the block.
    n : int
        Patients of the whole study the facts describe.
    n_refers_to : str
        What ``n`` counts: enrolled, treated, efficacy, evaluable, itt, safety or unclear (the default).
    at : str
        Where the facts were read, e.g. "Table 1".
    source : str or None
        Key of the source they were read from (default: the first).
    printed : str or None
        The N as printed, e.g. "42 patients were randomised".
    baseline : list of Categorical or Continuous
        Baseline characteristics of all arms together, written as a descriptor's ``baseline`` entries.
    follow_up : list of FollowUp
        A median follow-up printed for all arms together (the shape of ``design.follow_up``); it counts for every
        loaded arm of the study, marked as the whole study's.
    note : str or None
        The curator's note.
    """

    id: str
    n: int = Field(ge=0, description="patients of the whole study the facts describe")
    n_refers_to: PopulationSet = "unclear"
    at: str
    source: str | None = None
    printed: str | None = None
    baseline: list[BaselineEntry] = Field([])
    follow_up: list[FollowUp] = Field([], description="median follow-up printed for the whole study (all arms)")
    note: str | None = None


class ErratumTarget(_Strict):
    """Which reported value an erratum corrects."""

    section: Literal["baseline", "outcome", "rate", "endpoint", "population"] | None = None
    variable: str
    level: str | None = None
    statistic: str | None = None
    at: str | None = None


class ErratumChange(_Strict):
    """The corrected numbers (any of them)."""

    n: int | None = Field(None, ge=0)
    denominator: int | None = Field(None, ge=0)
    value: float | None = None


class Erratum(_Strict):
    """A declared correction that analyses may use; reports show both values.

    Attributes
    ----------
    target : ErratumTarget
        Which reported value it corrects: ``variable`` and, to narrow it, ``section``, ``level``, ``statistic`` and
        the location ``at`` (each left out matches any).
    corrected : ErratumChange
        The corrected numbers: any of ``n``, ``denominator`` and ``value``. The printed value is never changed:
        they fill the frame's ``corrected_*`` columns of every row the target matches, and comparisons use them
        only when asked to (``--errata``, a spec's ``use_errata``).
    why : str
        Why the value is corrected, e.g. "erratum published 2025".
    source : str
        Where the correction is published, e.g. the erratum's citation (shown beside ``why``).
    """

    target: ErratumTarget
    corrected: ErratumChange
    why: str
    source: str


class Acknowledgement(_Strict):
    """A finding the curator reviewed: it stays visible, but no longer fails ``validate``.

    Attributes
    ----------
    code : str
        The finding's code, e.g. ``PCT-MISMATCH``.
    field : str or None
        The finding field to match, as a prefix (``outcome.best_response`` matches each of its levels); all fields
        when omitted.
    at : str or None
        Text the finding's location must contain; any location when omitted.
    note : str
        Why the finding is accepted, e.g. "printed 26.1% for 13/46".
    """

    code: str
    field: str | None = Field(None, description="finding field to match (prefix); all fields if omitted")
    at: str | None = Field(None, description="finding location to match; any if omitted")
    note: str


class Descriptor(_Strict):
    """One published cohort.

    Attributes
    ----------
    id : str
        The cohort's id, kebab-case and unique across the loaded descriptors.
    label : str
        Short display name used in tables.
    regimen : Regimen
        The treatment, as text and as structured agents.
    sources : list of Source
        The publications and records the numbers were read from (at least one); the first is the default.
    design : Design
        Study design facts.
    population : Population
        Who was counted, and what the comparison table's N refers to.
    baseline : list of Categorical or Continuous
        Baseline characteristics, one entry per variable and location.
    outcomes : list of Categorical
        Categorical outcomes: best response, status at last follow-up, surgical remission.
    rates : list of RateReport
        Response rates as published (ORR, DCR, CBR, named proportions).
    endpoints : list of Endpoint
        Time-to-event endpoints with their definitions, reported statistics and digitised curves.
    effects : list of Effect
        Between-arm effects of a randomised study, as published.
    study : Study or None
        Facts printed for the whole study (all arms together), written once in one arm's file.
    errata : list of Erratum
        Declared corrections of printed values.
    acknowledged : list of Acknowledgement
        Findings of ``validate`` the curator reviewed and accepted.
    notes : list of str
        What could not be found or transcribed, and doubts.
    adverse_events : AdverseEvents or None
        Harms: the safety population, adverse events by term and grade, treatment modifications and deaths.
    """

    id: str
    label: str
    regimen: Regimen
    sources: list[Source] = Field(min_length=1)
    design: Design
    population: Population
    baseline: list[BaselineEntry] = Field([])
    outcomes: list[Categorical] = Field([])
    rates: list[RateReport] = Field([])
    endpoints: list[Endpoint] = Field([])
    effects: list[Effect] = Field([], description="between-arm effects of a randomised study, as published")
    study: Study | None = Field(None, description="facts printed for the whole study (both arms), written once")
    errata: list[Erratum] = Field([])
    acknowledged: list[Acknowledgement] = Field([])
    notes: list[str] = Field([])
    adverse_events: AdverseEvents | None = Field(None, description="harms: safety population, adverse events by "
                                                                   "term and grade, dose modifications, deaths")

    @field_validator("id")
    @classmethod
    def _kebab(cls, v: str) -> str:
        if not _KEBAB.match(v):
            raise ValueError(f"id {v!r} must be kebab-case (lower-case letters, digits and '-')")
        return v

    @field_validator("outcomes")
    @classmethod
    def _outcome_vars(cls, v: list[Categorical]) -> list[Categorical]:
        for entry in v:
            if entry.variable not in _OUTCOME_VARIABLES:
                raise ValueError(f"{entry.variable!r} is a baseline variable, not an outcome "
                                 f"(outcomes: {', '.join(sorted(_OUTCOME_VARIABLES))})")
        return v

    @model_validator(mode="after")
    def _study_of_arm(self) -> Descriptor:
        if self.study is None:
            return self
        arm_of = self.design.arm_of
        if arm_of is None:
            raise _printed_error(ValueError("a 'study' block belongs to an arm of a study: set design.arm_of"),
                                 "study")
        if self.study.id != arm_of.study:
            raise _printed_error(ValueError(f"study.id {self.study.id!r} is not design.arm_of.study "
                                            f"{arm_of.study!r}"), "study", "id")
        return self

    @model_validator(mode="after")
    def _curve_events(self) -> Descriptor:
        for i, ep in enumerate(self.endpoints):
            curve = ep.curve
            if curve is not None and curve.total_events is not None and curve.total_events > self.population.n:
                raise _printed_error(ValueError(f"total_events {curve.total_events} exceeds the population N "
                                                f"{self.population.n}"), "endpoints", i, "curve", "total_events")
        return self

    @property
    def default_source(self) -> str:
        """Key of the source used when a value names none."""
        return self.sources[0].key


def follow_up_of(desc: Descriptor, loaded: Iterable[Descriptor] = ()) -> list[tuple[FollowUp, str]]:
    """Every median follow-up that applies to a cohort, each with its scope.

    The scope is ``"arm"`` (its own ``design.follow_up``) or ``"study"`` (the ``study.follow_up`` of its randomised
    study, printed for all arms together and written in whichever arm's file holds the ``study:`` block).

    Parameters
    ----------
    desc : Descriptor
        The cohort.
    loaded : iterable of Descriptor
        The loaded descriptors (the cohort itself may be among them); the one that holds the ``study:`` block of
        ``desc``'s study gives the study-level follow-up.

    Returns
    -------
    list of (FollowUp, str)
        The arm's own follow-up first, then the study's.

    Examples
    --------
    >>> arm = {"label": "A", "regimen": {"text": "x"}, "sources": [{"key": "s", "citation": "c"}],
    ...        "population": {"n": 20, "n_refers_to": "itt", "at": "Abstract"}}
    >>> a = Descriptor.model_validate(arm | {"id": "a", "design": {"type": "prospective", "at": "Abstract",
    ...     "arm_of": {"study": "S", "arm": "a"}}, "study": {"id": "S", "n": 42, "at": "Abstract",
    ...     "follow_up": [{"value": "7.4", "at": "Abstract"}]}})
    >>> b = Descriptor.model_validate(arm | {"id": "b", "design": {"type": "prospective", "at": "Abstract",
    ...     "arm_of": {"study": "S", "arm": "b"}}})
    >>> [(f.value, scope) for f, scope in follow_up_of(b, [a, b])]
    [('7.4', 'study')]
    """
    out = [(fu, "arm") for fu in desc.design.follow_up]
    arm_of = desc.design.arm_of
    if arm_of is None:
        return out
    holder = next((d for d in (desc, *loaded) if d.study is not None and d.study.id == arm_of.study
                   and d.design.arm_of is not None and d.design.arm_of.study == arm_of.study), None)
    if holder is not None and holder.study is not None:
        out += [(fu, "study") for fu in holder.study.follow_up]
    return out
