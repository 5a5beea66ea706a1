"""Descriptor facts for appraisal (risk of bias), each with the source's words and its location.

These models sit under a descriptor's ``design:`` (and ``design.eligibility:``). Every one is optional: a field
left out means the source was not read for it or says nothing ("no information"); ``not_stated`` means the source
was read where it would say it and does not. A stated value (anything but ``not_stated``) needs the source's
words (``quote``) and the location (``at``); a ``not_stated`` needs the location that was read. Values come from a
fixed vocabulary; free text lives only in ``quote`` and ``note``. Example (the apatinib + IE series)::

    design:
      selection:
        method: {value: not_stated, at: "Patients and methods: Patients"}
        exclusions_after_start:
          value: "yes"
          reasons: [incomplete-records, incomplete-follow-up, early-discontinuation]
          quote: "The following patients were excluded: i) Those who did not have intact clinical ..."
          at: "Patients and methods: Patients"
      assessment:
        criteria: {value: RECIST 1.1, quote: "according to the RECIST 1.1", at: "Results: Assessment of efficacy"}
        time_point: {value: best_overall, quote: "As of the most recent follow-up", at: "Results: ..."}
        prospective: {value: "no", quote: "The outcome data were then retrospectively combined.", at: "..."}
      missing_data:
        - {enrolled: 33, analysed: 31, endpoint: EFS, quote: "... in 31 patients", at: "Figure 2 caption"}
      overlap_evidence:
        - {with: ie, kind: prior-treatment, printed: "12/33 (36.4%) patients progressed on IE chemotherapy",
           at: "Results: Patient characteristics"}
"""

from __future__ import annotations

from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ..options import TimeUnit

__all__ = [
    "AgeLimit",
    "Assessment",
    "Criteria",
    "EcogLimit",
    "Exclusions",
    "InterventionRecord",
    "LinesLimit",
    "MissingData",
    "OverlapEvidence",
    "Refractory",
    "Selection",
    "SelectionMethod",
    "TimePoint",
    "YesNo",
]

Stated = Literal["yes", "no", "not_stated"]
ResponseCriteria = Literal["RECIST 1.1", "RECIST 1.0", "iRECIST", "irRECIST", "WHO", "Choi", "other", "not_stated"]
ExclusionReason = Literal["incomplete-records", "incomplete-follow-up", "early-discontinuation", "other"]
MissingReason = Literal["not-evaluable", "withdrew", "lost-to-follow-up", "ineligible", "not-treated", "not_stated"]
MissingHandling = Literal["counted-as-failure", "excluded", "imputed", "not_stated"]
OverlapKind = Literal["prior-treatment", "shared-patients-stated", "other"]
RESPONSE_CRITERIA: tuple[str, ...] = get_args(ResponseCriteria)
EXCLUSION_REASONS: tuple[str, ...] = get_args(ExclusionReason)
MISSING_REASONS: tuple[str, ...] = get_args(MissingReason)
MISSING_HANDLING: tuple[str, ...] = get_args(MissingHandling)
OVERLAP_KINDS: tuple[str, ...] = get_args(OverlapKind)


class _Quoted(BaseModel):
    """Base: the source's words (``quote``) and where they were read (``at``, ``source``).

    Attributes
    ----------
    quote : str or None
        The source's words that say it, copied exactly.
    at : str
        Where it was read: "Patients and methods", "Table IV", "Abstract", ...
    source : str or None
        Key of the source (default: the first).
    note : str or None
        The curator's note.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    quote: str | None = Field(None, description="the source's words that say it, copied exactly")
    at: str = Field(description='where it was read: "Patients and methods", "Table IV", "Abstract", ...')
    source: str | None = Field(None, description="key of the source (default: the first)")
    note: str | None = None

    def _needs_quote(self, stated: bool, what: str) -> None:
        if stated and not self.quote:
            raise ValueError(f"{what} needs the source's words: 'quote'")


class YesNo(_Quoted):
    """A yes/no fact as the source states it (``not_stated``: read there, not said).

    Attributes
    ----------
    value : {"yes", "no", "not_stated"}
        The fact.
    """

    value: Stated

    @model_validator(mode="after")
    def _quoted(self) -> YesNo:
        self._needs_quote(self.value != "not_stated", f"value: {self.value}")
        return self


class SelectionMethod(_Quoted):
    """How patients came into the cohort: ``consecutive``, ``all_eligible`` or ``not_stated``.

    Attributes
    ----------
    value : {"consecutive", "all_eligible", "not_stated"}
        The method.
    """

    value: Literal["consecutive", "all_eligible", "not_stated"]

    @model_validator(mode="after")
    def _quoted(self) -> SelectionMethod:
        self._needs_quote(self.value != "not_stated", f"method: {self.value}")
        return self


class Exclusions(YesNo):
    """Exclusions decided after treatment began (``yes``/``no``/``not_stated``) and why, from a fixed list.

    Attributes
    ----------
    reasons : list of str
        Why (:data:`EXCLUSION_REASONS`); only with ``value: yes``.
    """

    reasons: list[ExclusionReason] = Field(
        [], description="incomplete-records, incomplete-follow-up, early-discontinuation, other")

    @model_validator(mode="after")
    def _reasons(self) -> Exclusions:
        if self.reasons and self.value != "yes":
            raise ValueError("'reasons' belong to exclusions_after_start: yes")
        return self


class Selection(BaseModel):
    """How patients were selected into the cohort.

    Attributes
    ----------
    method : SelectionMethod or None
        How patients came into the cohort.
    exclusions_after_start : Exclusions or None
        Exclusions decided after treatment began.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    method: SelectionMethod | None = None
    exclusions_after_start: Exclusions | None = None


class Criteria(_Quoted):
    """The response criteria as named (RECIST 1.1, ...).

    Attributes
    ----------
    value : str
        One of :data:`RESPONSE_CRITERIA`.
    """

    value: ResponseCriteria

    @model_validator(mode="after")
    def _quoted(self) -> Criteria:
        self._needs_quote(self.value != "not_stated", f"criteria: {self.value}")
        return self


class TimePoint(_Quoted):
    """When response was read: best overall response, or at a stated time (``time`` with its ``unit``).

    Attributes
    ----------
    value : {"best_overall", "at_time", "not_stated"}
        When.
    time : float or None
        The time, with ``at_time``.
    unit : str or None
        Its unit (months, weeks, days or years).
    """

    value: Literal["best_overall", "at_time", "not_stated"]
    time: float | None = Field(None, gt=0, allow_inf_nan=False)
    unit: TimeUnit | None = None

    @model_validator(mode="after")
    def _consistent(self) -> TimePoint:
        self._needs_quote(self.value != "not_stated", f"time_point: {self.value}")
        if (self.value == "at_time") != (self.time is not None and self.unit is not None):
            raise ValueError("time_point: at_time needs 'time' and 'unit'; the others take neither")
        return self


class Assessment(BaseModel):
    """How response was assessed.

    Attributes
    ----------
    criteria : Criteria or None
        The response criteria.
    independent_review : YesNo or None
        Read by a reviewer independent of the treating team.
    blinded : YesNo or None
        Assessors blinded to the treatment (a blinded randomised study).
    confirmation : YesNo or None
        A response confirmed by a later scan.
    time_point : TimePoint or None
        When response was read.
    prospective : YesNo or None
        Assessed prospectively by protocol ("no": read back from records).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    criteria: Criteria | None = None
    independent_review: YesNo | None = Field(None, description="read by a reviewer independent of the treating team")
    blinded: YesNo | None = Field(None, description="assessors blinded to the treatment (a blinded randomised study)")
    confirmation: YesNo | None = Field(None, description="a response confirmed by a later scan")
    time_point: TimePoint | None = None
    prospective: YesNo | None = Field(None, description="assessed prospectively by protocol ('no': read back from "
                                                        "records)")


class InterventionRecord(_Quoted):
    """When the treatment received was classified: ``at_start`` (by protocol) or ``retrospectively``.

    Attributes
    ----------
    classified : {"at_start", "retrospectively", "not_stated"}
        When.
    """

    classified: Literal["at_start", "retrospectively", "not_stated"]

    @model_validator(mode="after")
    def _quoted(self) -> InterventionRecord:
        self._needs_quote(self.classified != "not_stated", f"classified: {self.classified}")
        return self


class MissingData(_Quoted):
    """Patients analysed against patients enrolled (as printed), why they differ and how the missing were handled.

    ``endpoint`` (an endpoint name) or ``set`` says which analysis ``analysed`` counts.

    Attributes
    ----------
    enrolled, analysed : int or None
        Patients enrolled and analysed, as printed.
    endpoint : str or None
        The endpoint whose analysis ``analysed`` counts.
    set : str or None
        The analysis set ``analysed`` counts (enrolled, treated, efficacy, evaluable, itt, safety, unclear).
    reason : str
        Why they differ (:data:`MISSING_REASONS`).
    handling : str
        How the missing were handled (:data:`MISSING_HANDLING`).
    """

    enrolled: int | None = Field(None, ge=0)
    analysed: int | None = Field(None, ge=0)
    endpoint: str | None = None
    set: Literal["enrolled", "treated", "efficacy", "evaluable", "itt", "safety", "unclear"] | None = None
    reason: MissingReason = "not_stated"
    handling: MissingHandling = "not_stated"

    @model_validator(mode="after")
    def _consistent(self) -> MissingData:
        self._needs_quote(True, "missing_data")
        if self.enrolled is not None and self.analysed is not None and self.analysed > self.enrolled:
            raise ValueError(f"analysed {self.analysed} exceeds enrolled {self.enrolled}")
        if self.analysed is None and self.handling == "not_stated":
            raise ValueError("missing_data states 'analysed' (with 'enrolled') or how the missing were handled")
        return self


class OverlapEvidence(BaseModel):
    """Direct evidence, as printed, that this cohort may share patients with another (``with``: its cohort id).

    Attributes
    ----------
    with_ : str
        The other cohort's id (``with`` in a descriptor).
    kind : str
        One of :data:`OVERLAP_KINDS`: prior-treatment (patients had the other cohort's treatment before),
        shared-patients-stated, other.
    printed : str
        The source's words, exactly.
    at : str
        Where they were read.
    source : str or None
        Key of the source (default: the first).
    note : str or None
        The curator's note.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    with_: str = Field(alias="with", description="the other cohort's id")
    kind: OverlapKind = Field(
        description="prior-treatment (patients had the other cohort's treatment before), shared-patients-stated")
    printed: str = Field(description="the source's words, exactly")
    at: str
    source: str | None = None
    note: str | None = None


class AgeLimit(_Quoted):
    """An age limit of eligibility, in years, as printed (``min_exclusive`` for "> 14").

    Attributes
    ----------
    min, max : float or None
        The lowest and highest eligible age.
    min_exclusive, max_exclusive : bool
        The limit itself is not eligible ("> 14", "< 40").
    """

    min: float | None = Field(None, ge=0, allow_inf_nan=False)
    max: float | None = Field(None, ge=0, allow_inf_nan=False)
    min_exclusive: bool = False
    max_exclusive: bool = False

    @model_validator(mode="after")
    def _consistent(self) -> AgeLimit:
        self._needs_quote(True, "age")
        if self.min is None and self.max is None:
            raise ValueError("age needs 'min' or 'max'")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"age min {self.min:g} exceeds max {self.max:g}")
        return self


class EcogLimit(_Quoted):
    """The highest ECOG performance status eligible.

    Attributes
    ----------
    value : int
        The status, 0 to 4.
    """

    value: int = Field(ge=0, le=4)

    @model_validator(mode="after")
    def _quoted(self) -> EcogLimit:
        self._needs_quote(True, "ecog_max")
        return self


class LinesLimit(_Quoted):
    """Prior lines of systemic therapy required (``min``) or allowed (``max``).

    Attributes
    ----------
    min, max : int or None
        The fewest lines required and the most allowed.
    """

    min: int | None = Field(None, ge=0)
    max: int | None = Field(None, ge=0)

    @model_validator(mode="after")
    def _consistent(self) -> LinesLimit:
        self._needs_quote(True, "prior_lines")
        if self.min is None and self.max is None:
            raise ValueError("prior_lines needs 'min' or 'max'")
        return self


class Refractory(_Quoted):
    """Refractory disease required: progression within ``time`` ``unit`` after line ``after_line`` (1: first).

    Attributes
    ----------
    time : float
        The time to progression.
    unit : str
        Its unit (months, weeks, days or years).
    after_line : int
        The line of therapy after which it is counted (1: first).
    """

    time: float = Field(gt=0, allow_inf_nan=False)
    unit: TimeUnit
    after_line: int = Field(1, ge=1)

    @model_validator(mode="after")
    def _quoted(self) -> Refractory:
        self._needs_quote(True, "refractory")
        return self
