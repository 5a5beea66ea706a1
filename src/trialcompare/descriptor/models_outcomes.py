"""Descriptor models of outcomes: response rates, time-to-event endpoints with their curves, between-arm effects.

:class:`RateReport` (ORR, DCR, CBR or a named proportion, as printed), :class:`Endpoint` with its
:class:`EndpointDefinition`, every :class:`EndpointReport` (median, landmark rate, events, ...) and a digitised
:class:`Curve`, and :class:`Effect` (a between-arm effect of a randomised study, as published). Gathered in
:mod:`trialcompare.descriptor.models`.
"""

from __future__ import annotations

import math
from itertools import pairwise
from typing import Literal

from pydantic import Field, StrictBool, field_validator, model_validator

from ..options import Measure, Sidedness
from .harms import is_named_proportion
from .models_common import (
    IntervalType,
    PopulationSet,
    Printed,
    TimeUnit,
    _Located,
    _parsed,
    _printed_error,
    _Strict,
    _time_point,
)
from .printed import is_count, parse_count, parse_estimate, parse_p
from .vocabulary import ENDPOINTS, RATES, suggest

__all__ = ["Curve", "Effect", "Endpoint", "EndpointDefinition", "EndpointReport", "EndpointStatistic", "RateReport"]

class RateReport(_Located):
    """A response rate as published (ORR, DCR, CBR).

    Printed as a count (``"3/22"``) or as a percentage of a stated ``denominator`` (``"6.7%"``,
    ``denominator: 30``), it is usable when the best-response level counts are absent and checked against them
    when present. A time point is ``months: 6`` or ``time: 8, unit: weeks``. A rate without one is of best overall
    response; one cohort may hold both (``ORR`` and ``ORR`` at ``time: 12, unit: weeks``), kept apart everywhere.

    Attributes
    ----------
    name : str
        ORR, DCR, CBR, or a named proportion (``custom:infection``, ``ae:neutropenia:grade3``).
    value : str, int or float
        The rate as printed: a count (``"21/33 (63.6%)"``) or a percentage (``"63.6%"``).
    interval : str or None
        The type of an interval printed with it: 95% CI, 90% CI, 80% CI, IQR or range.
    months : float or None
        Time point in months, e.g. 6 for a 6-month CBR.
    time : float or None
        Time point in ``unit`` (instead of ``months``).
    unit : str or None
        Unit of ``time``: days, weeks, months or years.
    denominator : int or None
        The denominator of a rate printed as a percentage, when not the population N.
    primary : bool
        A primary endpoint of the study (e.g. clinical benefit at 18 weeks): it always reaches the comparison
        table.
    """

    name: str
    value: Printed
    interval: IntervalType | None = None
    months: float | None = Field(None, gt=0, allow_inf_nan=False,
                                 description="time point, e.g. 6 for a 6-month CBR")
    time: float | None = Field(None, gt=0, allow_inf_nan=False,
                               description="time point in 'unit' (instead of months)")
    unit: TimeUnit | None = Field(None, description="unit of 'time'")
    denominator: int | None = Field(None, ge=0)
    primary: StrictBool = Field(False, description="a primary endpoint of the study (e.g. clinical benefit at 18 "
                                                   "weeks): it always reaches the comparison table")

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
    """How a time-to-event endpoint was defined.

    Attributes
    ----------
    origin : str
        The time origin, e.g. "start of apatinib + IE".
    events : list of str
        What counts as an event, e.g. ``[progression, death]``.
    censoring : str or None
        Who was censored, and when, as the source says it.
    resection : {"censored", "event", "not-counted", "not-applicable", "unspecified"}
        How resection enters the endpoint (default unspecified); cohorts whose definitions handle it differently
        get a major caveat.
    assessment_interval : str or None
        How often the endpoint was assessed, e.g. "every 8 weeks".
    at : str or None
        Where the definition was read.
    source : str or None
        Key of the source (default: the first).
    """

    origin: str = Field(description="time origin, e.g. 'start of apatinib + IE'")
    events: list[str] = Field(description="what counts as an event, e.g. [progression, death]")
    censoring: str | None = None
    resection: Literal["censored", "event", "not-counted", "not-applicable", "unspecified"] = "unspecified"
    assessment_interval: str | None = None
    at: str | None = None
    source: str | None = None


EndpointStatistic = Literal["median", "rate", "events", "censored", "n_analysed"]


class EndpointReport(_Located):
    """One reported statistic of an endpoint: median, landmark rate, events, censored, patients analysed.

    ``unit`` is the unit of a median as printed, and of the time point of a rate written ``time: 8, unit: weeks``.
    A rate written ``months: x`` is at x months (a ``unit`` other than months beside it is ignored, as it always
    was, and reported by the ``RATE-UNIT-IGNORED`` finding).

    Attributes
    ----------
    statistic : {"median", "rate", "events", "censored", "n_analysed"}
        Which statistic it is.
    value : str, int or float
        The value as printed: a median with its interval, a rate as a count or a percentage, or a count.
    interval : str or None
        The type of an interval printed with a median or a rate: 95% CI, 90% CI, 80% CI, IQR or range.
    months : float or None
        Time point of a rate, in months.
    time : float or None
        Time point of a rate in ``unit`` (instead of ``months``).
    estimator : {"kaplan-meier", "binomial", "unspecified"}
        How a rate was estimated; a Kaplan-Meier rate is never turned into a count.
    denominator : int or None
        The denominator when not the population N.
    unit : str
        Unit of a median as printed, or of a rate's ``time``: days, weeks, months (the default) or years.
    """

    statistic: EndpointStatistic
    value: Printed
    interval: IntervalType | None = None
    months: float | None = Field(None, gt=0, allow_inf_nan=False)
    time: float | None = Field(None, gt=0, allow_inf_nan=False,
                               description="time point of a rate in 'unit' (instead of months)")
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
    """A digitised Kaplan-Meier curve: CSV beside the descriptor with columns ``time,survival``.

    Attributes
    ----------
    file : str
        The CSV file's name, relative to the descriptor's folder.
    at : str
        Where the curve is printed, e.g. "Figure 2".
    source : str or None
        Key of the source (default: the first).
    risk_times : list of float
        The times of the numbers at risk printed under the curve, increasing.
    n_at_risk : list of int
        The numbers at risk at ``risk_times`` (same length, not increasing).
    total_events : int or None
        The total number of events, when printed; patient data are reconstructed from the curve with it.
    """

    file: str
    at: str
    source: str | None = None
    risk_times: list[float] = Field([])
    n_at_risk: list[int] = Field([])
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
    """A time-to-event endpoint with its definition and every reported statistic.

    Attributes
    ----------
    name : str
        EFS, PFS, OS, TTP or DOR.
    primary : bool
        The study's primary endpoint: every report of it reaches the comparison table.
    definition : EndpointDefinition or None
        How the source defines it.
    reports : list of EndpointReport
        Every reported statistic, once per location.
    curve : Curve or None
        The digitised Kaplan-Meier curve, if any.
    """

    name: str
    primary: StrictBool = False
    definition: EndpointDefinition | None = None
    reports: list[EndpointReport] = Field([])
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

    Attributes
    ----------
    endpoint : str or None
        The time-to-event endpoint compared (EFS, PFS, OS, TTP, DOR).
    outcome : str or None
        The outcome compared, by its name (``orr``, ``pfs_8w``).
    measure : {"HR", "OR", "RR", "RD", "MD", "SMD"}
        The effect measure.
    value : str, int or float
        The estimate with its interval as printed.
    interval : str or None
        Type of the printed interval when not labelled.
    p : str, int, float or None
        The P value as printed.
    sided : {"two-sided", "one-sided"} or None
        Two-sided unless printed or stated otherwise.
    versus : str
        Cohort id of the other arm.
    analysis_set : str or None
        The analysis set the effect was estimated in: enrolled, treated, efficacy, evaluable, itt, safety or
        unclear.
    method : str or None
        The method as printed, e.g. "stratified Cox model".
    time : float or None
        Time point of a landmark comparison, in ``unit``.
    unit : str or None
        Unit of ``time`` (required with it).
    """

    endpoint: str | None = None
    outcome: str | None = None
    measure: Measure
    value: Printed
    interval: IntervalType | None = Field(None, description="type of the printed interval when not labelled")
    p: Printed | None = Field(None, description="the P value as printed")
    sided: Sidedness | None = Field(None, description="two-sided unless printed otherwise")
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

