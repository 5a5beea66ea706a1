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
"""

from __future__ import annotations

import math
import re
from itertools import pairwise
from typing import Annotated, Any, Literal, get_args

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    StrictBool,
    Tag,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from ..options import MEASURES, SIDEDNESS, TIME_UNITS
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
from .harms import AdverseEvents, is_named_proportion
from .printed import PrintedValueError, is_count, parse_count, parse_estimate, parse_mean_sd, parse_p, parse_summary
from .vocabulary import CONTINUOUS_KINDS, ENDPOINTS, RATES, check_level, check_variable, suggest

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
    "Population",
    "PopulationReport",
    "RateReport",
    "Regimen",
    "Registration",
    "Source",
    "Study",
    "known_fields",
]

IntervalType = Literal["95% CI", "90% CI", "80% CI", "IQR", "range"]
PopulationSet = Literal["enrolled", "treated", "efficacy", "evaluable", "itt", "safety", "unclear"]
Printed = Annotated[str | int | float, Field(description="the value exactly as printed in the source")]
TimeUnit = Literal[TIME_UNITS]  # type: ignore[valid-type]

MAX_COUNT = 2**63 - 1  # counts, denominators and N are stored as 64-bit integers
_FINITE_MONTHS = {"gt": 0, "allow_inf_nan": False}

_KEBAB = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_OUTCOME_VARIABLES = {"best_response", "status_last_follow_up", "surgical_remission"}


class _Strict(BaseModel):
    """Base: unknown fields are errors (the loader adds "did you mean" from :func:`known_fields`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in get_args(annotation) for m in _models_in(arg)]


def known_fields(loc: tuple, root: type[BaseModel] | None = None) -> list[str]:
    """Field names allowed at a location (a path of keys and indices below ``root``, default :class:`Descriptor`)."""
    models: list[type[BaseModel]] = [root or Descriptor]
    for seg in loc:
        if isinstance(seg, int):
            continue
        found = [m for model in models if seg in model.model_fields
                 for m in _models_in(model.model_fields[seg].annotation)]
        models = found or models
    return sorted({f for m in models for f in m.model_fields})


def _printed_error(exc: Exception, *subpath: str | int) -> PydanticCustomError:
    """A user-facing error; ``subpath`` (keys below the model) lets the loader point at the exact line."""
    return PydanticCustomError("printed_value", "{msg}", {"msg": str(exc), "subpath": list(subpath)})


def _parsed(parse: Any, value: Printed, *subpath: str, **kw: Any) -> Any:
    """``parse(value)``, turning a :class:`PrintedValueError` into a user-facing validation error."""
    try:
        parsed = parse(value, **kw)
    except PrintedValueError as exc:
        raise _printed_error(exc, *subpath) from None
    except (ValueError, OverflowError) as exc:  # e.g. an integer with thousands of digits
        raise _printed_error(PrintedValueError(f"cannot read {str(value)[:40]!r}: {exc}"), *subpath) from None
    _check_count_range(parsed, *subpath)
    return parsed


def _check_count_range(parsed: Any, *subpath: str) -> None:
    """Counts and denominators beyond 64 bits are refused (they could not be stored, and are no real count)."""
    for name in ("n", "denominator"):
        value = getattr(parsed, name, None)
        if isinstance(value, int) and value > MAX_COUNT:
            raise _printed_error(PrintedValueError(f"{name} {value} is beyond the 64-bit range"), *subpath)


class _Located(_Strict):
    at: str = Field(description='where the value was read: "Table IV", "Abstract", "Results ¶3", ...')
    source: str | None = Field(None, description="key of the source it was read from (default: the first)")
    label: str | None = Field(None, description="the row label exactly as printed")
    note: str | None = None


def _time_point(model: BaseModel, months: float | None, time: float | None, unit: str | None,
                needs_unit: bool = True) -> tuple[float, str] | None:
    """The time point (time, unit) of a report written as ``months: x`` or ``time: x, unit: u``.

    ``months: x`` means ``time: x, unit: months``. Giving both is an error; so is ``time`` without ``unit`` when
    ``needs_unit`` (the unit is never guessed). Raises ``ValueError`` for the model validator."""
    if months is not None and time is not None:
        raise ValueError("give the time point once: 'months: x' or 'time: x' with 'unit'")
    if time is not None:
        if needs_unit and "unit" not in model.model_fields_set:
            raise ValueError(f"'time: {time:g}' needs its 'unit' ({', '.join(TIME_UNITS)})")
        return _plausible(time, unit or "months"), unit or "months"
    return (_plausible(months, "months"), "months") if months is not None else None


_MAX_TIME = {"days": 36525, "weeks": 5218, "months": 1200, "years": 100}  # a century, in each unit


def _plausible(time: float, unit: str) -> float:
    if time > _MAX_TIME.get(unit, 1200):
        raise ValueError(f"a time point of {time:g} {unit} is beyond a century (at most {_MAX_TIME[unit]} {unit})")
    return time


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
    agents: list[Agent] = []


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
    centres: list[str] = []
    n_centres: int | None = Field(None, ge=1)
    country: str | None = None
    accrual_start: str | None = None
    accrual_end: str | None = None
    at: str | None = None
    source: str | None = Field(None, description="key of the source the design facts were read from")
    registrations: list[Registration] = []
    follow_up: list[FollowUp] = []
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
    reports: list[PopulationReport] = []


class Categorical(_Located):
    """A categorical variable reported as counts, one printed value per level (``"13 (39.39)"``)."""

    variable: str
    levels: dict[str, Printed]
    denominator: int | None = Field(None, ge=0, description="denominator if not the population N")
    level_labels: dict[str, str] = Field({}, description="each level's row label as printed (lung: Pulmonary lesions)")
    level_notes: dict[str, str] = Field({}, description="a quote or note per level, e.g. CR: 'all responses were "
                                                        "partial' for a CR count of 0 the source implies")
    time: float | None = Field(None, gt=0, description="assessment time point of a best response, if printed")
    unit: TimeUnit | None = Field(None, description="unit of 'time' (required with it)")

    @field_validator("variable")
    @classmethod
    def _known(cls, v: str) -> str:
        check_variable(v, "categorical")
        return v

    @field_validator("levels", "level_labels", "level_notes", mode="before")
    @classmethod
    def _keys_as_text(cls, v: Any) -> Any:
        return {str(k): val for k, val in v.items()} if isinstance(v, dict) else v

    @model_validator(mode="after")
    def _levels(self) -> Categorical:
        var = check_variable(self.variable)
        for key, named in (("level_labels", self.level_labels), ("level_notes", self.level_notes)):
            for level in (lv for lv in named if lv not in self.levels):
                raise _printed_error(ValueError(f"{key} names {level!r}, which is not among the levels"), key, level)
        if (self.time is None) != (self.unit is None):
            raise _printed_error(ValueError("an assessment time point needs both 'time' and 'unit'"), "time")
        if self.time is not None and self.unit is not None:
            _plausible(self.time, self.unit)
        for level, printed in self.levels.items():
            try:
                check_level(var, level)
                count = parse_count(printed)
            except (ValueError, OverflowError) as exc:
                raise _printed_error(exc, "levels", level) from None
            _check_count_range(count, "levels", level)
            if count.denominator is not None and self.denominator is not None \
                    and count.denominator != self.denominator:
                raise _printed_error(ValueError(f"printed denominator {count.denominator} differs from "
                                                f"the entry's denominator {self.denominator}"), "levels", level)
        return self


class Continuous(_Located):
    """A continuous variable with an explicit summary kind (``mean_sd_ci``, ``median_range``, ...)."""

    variable: str
    kind: Literal[CONTINUOUS_KINDS]  # type: ignore[valid-type]
    value: Printed
    n: int | None = Field(None, ge=0, description="number of patients behind it if not the population N")

    @field_validator("variable")
    @classmethod
    def _known(cls, v: str) -> str:
        check_variable(v, "continuous")
        return v

    @model_validator(mode="after")
    def _parse(self) -> Continuous:
        try:
            if self.kind.startswith("mean_sd"):
                parsed = parse_mean_sd(str(self.value))
                if self.kind == "mean_sd_ci" and parsed.lower is None:
                    raise PrintedValueError(f"kind mean_sd_ci needs an interval: {self.value!r}")
            else:
                _check_summary(self.kind, self.value)
        except PrintedValueError as exc:
            raise _printed_error(exc, "value") from None
        return self


def _check_summary(kind: str, value: Printed) -> None:
    """A mean or median as its kind says: ``median``/``mean`` alone, one interval, or IQR and range together."""
    summary = parse_summary(value, kind)
    est = summary.first
    has_interval = est.lower is not None or est.lower_nr
    if kind == "median_iqr_range" and summary.range is None:
        raise PrintedValueError(f"kind median_iqr_range needs an IQR and a range, e.g. "
                                f"'42 (IQR 30-55; range 18-76)': {value!r}")
    if kind != "median_iqr_range" and summary.range is not None:
        raise PrintedValueError(f"{value!r} has an IQR and a range: use kind median_iqr_range")
    if kind == "mean" and has_interval:
        raise PrintedValueError(f"kind mean is a mean printed alone; {value!r} has an interval (mean_ci, mean_range)")
    if kind not in ("median", "mean") and not has_interval:
        raise PrintedValueError(f"kind {kind} needs an interval: {value!r}")


def _baseline_kind(v: Any) -> str:
    if isinstance(v, dict):
        return "categorical" if "levels" in v else "continuous"
    return "categorical" if hasattr(v, "levels") else "continuous"


BaselineEntry = Annotated[
    Annotated[Categorical, Tag("categorical")] | Annotated[Continuous, Tag("continuous")],
    Discriminator(_baseline_kind),
]


class RateReport(_Located):
    """A response rate as published (ORR, DCR, CBR).

    Printed as a count (``"3/22"``) or as a percentage of a stated ``denominator`` (``"6.7%"``,
    ``denominator: 30``), it is usable when the best-response level counts are absent and checked against them
    when present. A time point is ``months: 6`` or ``time: 8, unit: weeks``.
    """

    name: str
    value: Printed
    interval: IntervalType | None = None
    months: float | None = Field(None, **_FINITE_MONTHS, description="time point, e.g. 6 for a 6-month CBR")
    time: float | None = Field(None, **_FINITE_MONTHS, description="time point in 'unit' (instead of months)")
    unit: TimeUnit | None = Field(None, description="unit of 'time'")
    denominator: int | None = Field(None, ge=0)

    @property
    def time_point(self) -> tuple[float, str] | None:
        """(time, unit) as printed, or None."""
        return _time_point(self, self.months, self.time, self.unit)

    @field_validator("name")
    @classmethod
    def _known(cls, v: str) -> str:
        if v not in RATES and not is_named_proportion(v):  # or a named proportion: ae:..., custom:... (issue 22)
            raise ValueError(f"unknown rate {v!r}{suggest(v, list(RATES))} (rates: {', '.join(RATES)}, "
                             "or a named proportion such as custom:infection or ae:neutropenia:grade3)")
        return v

    @model_validator(mode="after")
    def _parse(self) -> RateReport:
        _parse_rate(self.value, self.interval)
        if self.unit is not None and self.time is None:
            raise ValueError("'unit' is the unit of 'time': write 'time: x, unit: u'")
        _time_point(self, self.months, self.time, self.unit)
        return self


def _parse_rate(v: Printed, interval: str | None = None) -> None:
    """A rate is printed as a count (``"21/33 (63.6%)"``, ``"13/43 (30.23%, 95% CI 17.2-40.1)"``) or a
    percentage (``"63.6%"``); an interval printed with it needs its type (``interval``)."""
    parsed = _parsed(parse_count, v) if is_count(v) else _parsed(parse_estimate, v, percent=True)
    if parsed.lower is not None and interval is None:
        raise ValueError("a rate printed with an interval needs 'interval' (95% CI, ...)")


class EndpointDefinition(_Strict):
    """How a time-to-event endpoint was defined."""

    origin: str = Field(description="time origin, e.g. 'start of apatinib + IE'")
    events: list[str] = Field(description="what counts as an event, e.g. [progression, death]")
    censoring: str | None = None
    resection: Literal["censored", "event", "not-counted", "not-applicable", "unspecified"] = "unspecified"
    assessment_interval: str | None = None
    at: str | None = None
    source: str | None = None


_ENDPOINT_STATISTICS = ("median", "rate", "events", "censored", "n_analysed")


class EndpointReport(_Located):
    """One reported statistic of an endpoint: median, landmark rate, events, censored, patients analysed.

    ``unit`` is the unit of a median as printed, and of the time point of a rate written ``time: 8, unit: weeks``.
    A rate written ``months: x`` is at x months (a ``unit`` other than months beside it is ignored, as it always
    was, and reported by the ``RATE-UNIT-IGNORED`` finding).
    """

    statistic: Literal[_ENDPOINT_STATISTICS]  # type: ignore[valid-type]
    value: Printed
    interval: IntervalType | None = None
    months: float | None = Field(None, **_FINITE_MONTHS)
    time: float | None = Field(None, **_FINITE_MONTHS, description="time point of a rate in 'unit' (instead of months)")
    estimator: Literal["kaplan-meier", "binomial", "unspecified"] = "unspecified"
    denominator: int | None = Field(None, ge=0)
    unit: TimeUnit = Field("months", description="unit of a median as printed, or of a rate's 'time'")

    @property
    def time_point(self) -> tuple[float, str] | None:
        """(time, unit) of a rate as printed, or None."""
        return _time_point(self, self.months, self.time, self.unit)

    @model_validator(mode="after")
    def _consistent(self) -> EndpointReport:
        if self.time is not None and self.statistic != "rate":
            raise ValueError("'time' is the time point of a rate (statistic: rate)")
        if self.statistic == "rate":
            if self.months is None and self.time is None:
                raise ValueError("a landmark rate needs its time point: 'months: x' or 'time: x, unit: u'")
            _time_point(self, self.months, self.time, self.unit)
            _parse_rate(self.value, self.interval)
        elif self.statistic == "median":
            est = _parsed(parse_estimate, self.value)
            if (est.lower is not None or est.lower_nr) and self.interval is None:
                raise ValueError("a median with an interval needs 'interval' (95% CI, IQR or range)")
            if est.unit is not None and est.unit != self.unit:  # "8 weeks" read as 8 months would be wrong
                raise ValueError(f"the median is printed in {est.unit}; write 'unit: {est.unit}' beside it")
        else:
            _parsed(parse_count, self.value)
        return self


class Curve(_Strict):
    """A digitised Kaplan-Meier curve: CSV beside the descriptor with columns ``time,survival``."""

    file: str
    at: str
    source: str | None = None
    risk_times: list[float] = []
    n_at_risk: list[int] = []
    total_events: int | None = Field(None, ge=0)

    @model_validator(mode="after")
    def _risk_table(self) -> Curve:
        if len(self.risk_times) != len(self.n_at_risk):
            raise ValueError("risk_times and n_at_risk must have the same length")
        times, at_risk = self.risk_times, self.n_at_risk
        if any(not math.isfinite(t) or t < 0 for t in times) or any(b <= a for a, b in pairwise(times)):
            raise _printed_error(ValueError("risk_times must be finite, not negative and increasing"), "risk_times")
        if any(n < 0 for n in at_risk) or any(b > a for a, b in pairwise(at_risk)):
            raise _printed_error(ValueError("n_at_risk must be whole numbers ≥ 0 that do not increase"), "n_at_risk")
        if self.total_events is not None and at_risk and self.total_events > at_risk[0]:
            raise _printed_error(ValueError(f"total_events {self.total_events} exceeds the {at_risk[0]} patients "
                                            "at risk at the start"), "total_events")
        return self


class Endpoint(_Strict):
    """A time-to-event endpoint with its definition and every reported statistic."""

    name: str
    primary: StrictBool = False
    definition: EndpointDefinition | None = None
    reports: list[EndpointReport] = []
    curve: Curve | None = None

    @field_validator("name")
    @classmethod
    def _known(cls, v: str) -> str:
        if v not in ENDPOINTS:
            raise ValueError(f"unknown endpoint {v!r}{suggest(v, list(ENDPOINTS))} (endpoints: {', '.join(ENDPOINTS)})")
        return v


_LABEL_TYPES = {"95% CI": "95% CI", "CI": None, "IQR": "IQR", "range": "range"}


class Effect(_Located):
    """A between-arm effect of a randomised study, as published.

    ``endpoint`` (PFS, OS, ...) or ``outcome`` (an outcome name: ``orr``, ``pfs_8w``, see
    :mod:`trialcompare.outcomes`) names what was compared: exactly one of them. ``value`` is the estimate with
    its interval as printed (``"0.42 (95% CI 0.21-0.85)"``); the interval's type is its printed label or
    ``interval``. ``p`` is the P value as printed (``"P = .017"``, ``"p<0.001"``, ``"0.02 (one-sided)"``);
    ``sided`` is two-sided unless printed or stated otherwise. ``versus`` is the other arm's cohort id (same
    ``design.arm_of.study``). Example::

        effects:
          - {endpoint: PFS, measure: HR, value: "0.42 (95% CI 0.21-0.85)", p: "P = .017",
             versus: sarc024-placebo, at: "Abstract", source: davis2019}
    """

    endpoint: str | None = None
    outcome: str | None = None
    measure: Literal[MEASURES]  # type: ignore[valid-type]
    value: Printed
    interval: IntervalType | None = Field(None, description="type of the printed interval when not labelled")
    p: Printed | None = Field(None, description="the P value as printed")
    sided: Literal[SIDEDNESS] | None = Field(None, description="two-sided unless printed otherwise")  # type: ignore[valid-type]
    versus: str = Field(description="cohort id of the other arm")
    analysis_set: PopulationSet | None = None
    method: str | None = Field(None, description="the method as printed, e.g. 'stratified Cox model'")
    time: float | None = Field(None, gt=0, description="time point of a landmark comparison, in 'unit'")
    unit: TimeUnit | None = None

    @property
    def time_point(self) -> tuple[float, str] | None:
        """(time, unit) as printed, or None."""
        return _time_point(self, None, self.time, self.unit)

    @field_validator("endpoint")
    @classmethod
    def _known(cls, v: str | None) -> str | None:
        if v is not None and v not in ENDPOINTS:
            raise ValueError(f"unknown endpoint {v!r}{suggest(v, list(ENDPOINTS))} (endpoints: {', '.join(ENDPOINTS)})")
        return v

    @field_validator("outcome")
    @classmethod
    def _outcome(cls, v: str | None) -> str | None:
        from ..outcomes import parse_outcome_name

        return None if v is None else parse_outcome_name(v).name

    @model_validator(mode="after")
    def _consistent(self) -> Effect:
        if (self.time is None) != (self.unit is None):
            raise ValueError("a time point needs both 'time' and 'unit'")
        if (self.endpoint is None) == (self.outcome is None):
            raise ValueError("an effect names what was compared: exactly one of 'endpoint' or 'outcome'")
        from .printed import parse_effect  # its refusal lists the forms of an effect

        est = _parsed(parse_effect, self.value, "value")
        if est.value is None:
            raise _printed_error(ValueError(f"the effect {self.value!r} has no estimate"), "value")
        if (est.lower is not None or est.lower_nr) and self.interval_type is None:
            raise _printed_error(ValueError("an effect printed with an interval needs its type: a label "
                                            "('95% CI 0.21-0.85') or 'interval'"), "value")
        if self.p is not None:
            printed_side = _parsed(parse_p, self.p, "p").sided
            if printed_side and self.sided and printed_side != self.sided:
                raise _printed_error(ValueError(f"p is printed {printed_side}, but sided says {self.sided}"), "sided")
        return self

    @property
    def compared(self) -> str:
        """What was compared: the endpoint or the outcome name."""
        return self.endpoint or self.outcome or ""

    @property
    def interval_type(self) -> str | None:
        """The interval's type: ``interval`` or the printed label (a bare "CI" needs ``interval``)."""
        label = parse_estimate(self.value).label
        from_label = _LABEL_TYPES.get(label.replace("95%CI", "95% CI")) if label else None
        return self.interval or from_label

    @property
    def sidedness(self) -> str:
        """``one-sided`` when printed or stated so, else ``two-sided``."""
        printed = parse_p(self.p).sided if self.p is not None else None
        return self.sided or printed or "two-sided"


class Study(_Strict):
    """Facts printed for a whole randomised study (all arms together), written once in one arm's file.

    ``id`` is the study (``design.arm_of.study`` of the arm that holds it); ``n`` the number of patients the
    facts describe (e.g. 42 randomised); ``baseline`` has the shape of a descriptor's ``baseline``. The frame
    gives these rows ``scope = "study"`` and never compares them between the arms. Example::

        study:
          id: REGOBONE
          n: 42
          n_refers_to: itt
          at: "Table 1"
          baseline:
            - {variable: age, kind: median_range, value: "15 (10-25)", at: "Table 1"}
    """

    id: str
    n: int = Field(ge=0, description="patients of the whole study the facts describe")
    n_refers_to: PopulationSet = "unclear"
    at: str
    source: str | None = None
    printed: str | None = None
    baseline: list[BaselineEntry] = []
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
    """A declared correction that analyses may use; reports show both values."""

    target: ErratumTarget
    corrected: ErratumChange
    why: str
    source: str


class Acknowledgement(_Strict):
    """A finding the curator reviewed: it stays visible, but no longer fails ``validate``."""

    code: str
    field: str | None = Field(None, description="finding field to match (prefix); all fields if omitted")
    at: str | None = Field(None, description="finding location to match; any if omitted")
    note: str


class Descriptor(_Strict):
    """One published cohort."""

    id: str
    label: str
    regimen: Regimen
    sources: list[Source] = Field(min_length=1)
    design: Design
    population: Population
    baseline: list[BaselineEntry] = []
    outcomes: list[Categorical] = []
    rates: list[RateReport] = []
    endpoints: list[Endpoint] = []
    effects: list[Effect] = Field([], description="between-arm effects of a randomised study, as published")
    study: Study | None = Field(None, description="facts printed for the whole study (both arms), written once")
    errata: list[Erratum] = []
    acknowledged: list[Acknowledgement] = []
    notes: list[str] = []
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
