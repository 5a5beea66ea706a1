"""Pydantic models of a cohort descriptor (one YAML file per published cohort).

Every number is written as printed and carries its location (``at``: "Table IV", "Abstract",
"Results ¶3") and its source (``source``: a key of ``sources``; the first source when omitted). The same
quantity may be reported several times at different locations: each report is kept.
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

from .printed import PrintedValueError, parse_count, parse_estimate, parse_mean_sd
from .vocabulary import CONTINUOUS_KINDS, ENDPOINTS, RATES, check_level, check_variable, suggest

__all__ = [
    "Acknowledgement",
    "Agent",
    "Categorical",
    "Continuous",
    "Curve",
    "Descriptor",
    "Design",
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
    "known_fields",
]

IntervalType = Literal["95% CI", "90% CI", "80% CI", "IQR", "range"]
PopulationSet = Literal["enrolled", "treated", "efficacy", "evaluable", "itt", "safety", "unclear"]
Printed = Annotated[str | int | float, Field(description="the value exactly as printed in the source")]

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


class ArmOf(_Strict):
    """This cohort is one arm of a multi-arm study."""

    study: str
    arm: str
    randomised: StrictBool = False


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

    @field_validator("variable")
    @classmethod
    def _known(cls, v: str) -> str:
        check_variable(v, "categorical")
        return v

    @field_validator("levels", "level_labels", mode="before")
    @classmethod
    def _keys_as_text(cls, v: Any) -> Any:
        return {str(k): val for k, val in v.items()} if isinstance(v, dict) else v

    @model_validator(mode="after")
    def _levels(self) -> Categorical:
        var = check_variable(self.variable)
        for level in self.level_labels:
            if level not in self.levels:
                raise _printed_error(ValueError(f"level_labels names {level!r}, which is not among the levels"),
                                     "level_labels", level)
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
                est = parse_estimate(self.value)
                if self.kind != "median" and est.lower is None and not est.lower_nr:
                    raise PrintedValueError(f"kind {self.kind} needs an interval: {self.value!r}")
        except PrintedValueError as exc:
            raise _printed_error(exc, "value") from None
        return self


def _baseline_kind(v: Any) -> str:
    if isinstance(v, dict):
        return "categorical" if "levels" in v else "continuous"
    return "categorical" if hasattr(v, "levels") else "continuous"


BaselineEntry = Annotated[
    Annotated[Categorical, Tag("categorical")] | Annotated[Continuous, Tag("continuous")],
    Discriminator(_baseline_kind),
]


class RateReport(_Located):
    """A derived response rate as published (ORR, DCR, CBR)."""

    name: str
    value: Printed
    interval: IntervalType | None = None
    months: float | None = Field(None, **_FINITE_MONTHS, description="time point, e.g. 6 for a 6-month CBR")
    denominator: int | None = Field(None, ge=0)

    @field_validator("name")
    @classmethod
    def _known(cls, v: str) -> str:
        if v not in RATES:
            raise ValueError(f"unknown rate {v!r}{suggest(v, list(RATES))} (rates: {', '.join(RATES)})")
        return v

    @model_validator(mode="after")
    def _parse(self) -> RateReport:
        _parse_rate(self.value, self.interval)
        return self


def _parse_rate(v: Printed, interval: str | None = None) -> None:
    """A rate is printed as a count (``"21/33 (63.6%)"``, ``"13/43 (30.23%, 95% CI 17.2-40.1)"``) or a
    percentage (``"63.6%"``); an interval printed with it needs its type (``interval``)."""
    parsed = _parsed(parse_count, v) if "/" in str(v) else _parsed(parse_estimate, v, percent=True)
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
    """One reported statistic of an endpoint: median, landmark rate, events, censored, patients analysed."""

    statistic: Literal[_ENDPOINT_STATISTICS]  # type: ignore[valid-type]
    value: Printed
    interval: IntervalType | None = None
    months: float | None = Field(None, **_FINITE_MONTHS)
    estimator: Literal["kaplan-meier", "binomial", "unspecified"] = "unspecified"
    denominator: int | None = Field(None, ge=0)
    unit: Literal["months", "weeks", "days", "years"] = Field("months", description="unit of a median as printed")

    @model_validator(mode="after")
    def _consistent(self) -> EndpointReport:
        if self.statistic == "rate":
            if self.months is None:
                raise ValueError("a landmark rate needs 'months'")
            _parse_rate(self.value, self.interval)
        elif self.statistic == "median":
            est = _parsed(parse_estimate, self.value)
            if (est.lower is not None or est.lower_nr) and self.interval is None:
                raise ValueError("a median with an interval needs 'interval' (95% CI, IQR or range)")
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
    errata: list[Erratum] = []
    acknowledged: list[Acknowledgement] = []
    notes: list[str] = []

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
