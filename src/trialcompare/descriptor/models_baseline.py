"""Descriptor models of baseline characteristics: categorical counts and continuous summaries.

:class:`Categorical` holds one printed count per level (``"13 (39.39)"``; also a best response, an outcome);
:class:`Continuous` a mean or median with its interval, of an explicit ``kind``. :data:`BaselineEntry` is either,
told apart by the presence of ``levels``. Gathered in :mod:`trialcompare.descriptor.models`.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Discriminator, Field, Tag, field_validator, model_validator

from .models_common import Printed, TimeUnit, _check_count_range, _Located, _plausible, _printed_error
from .printed import PrintedValueError, parse_count, parse_mean_sd, parse_summary
from .vocabulary import check_level, check_variable

__all__ = ["BaselineEntry", "Categorical", "Continuous", "ContinuousKind"]

ContinuousKind = Literal["mean_sd", "mean_sd_ci", "mean_ci", "median", "median_iqr", "median_range", "median_ci",
                         "mean", "mean_range", "median_iqr_range"]
"""The summary kinds of :data:`trialcompare.descriptor.vocabulary.CONTINUOUS_KINDS`, in its order, as a type."""

class Categorical(_Located):
    """A categorical variable reported as counts, one printed value per level (``"13 (39.39)"``).

    Attributes
    ----------
    variable : str
        A harmonized categorical variable (``trialcompare schema --vocabulary``), e.g. ``sex``; under a
        descriptor's ``outcomes``, ``best_response``, ``status_last_follow_up`` or ``surgical_remission``.
    levels : dict of str to str, int or float
        Each harmonized level's count as printed: ``13``, ``"13 (43.3)"``, ``"13/30 (43.3%)"``; a union of levels
        is written with ``|`` (``"1|2"``).
    denominator : int or None
        The denominator when not the population N and not printed with the counts.
    level_labels : dict of str to str
        Each level's row label as printed, e.g. ``{lung: "Pulmonary lesions"}``.
    level_notes : dict of str to str
        A quote or note per level, e.g. the words that imply a count of 0.
    time : float or None
        Assessment time point of a best response, if printed (in ``unit``).
    unit : str or None
        Unit of ``time`` (days, weeks, months or years; required with it).
    """

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
                count = parse_count(str(printed))  # parse_count reads any printed value as its text
            except (ValueError, OverflowError) as exc:
                raise _printed_error(exc, "levels", level) from None
            _check_count_range(count, "levels", level)
            if count.denominator is not None and self.denominator is not None \
                    and count.denominator != self.denominator:
                raise _printed_error(ValueError(f"printed denominator {count.denominator} differs from "
                                                f"the entry's denominator {self.denominator}"), "levels", level)
        return self


class Continuous(_Located):
    """A continuous variable with an explicit summary kind (``mean_sd_ci``, ``median_range``, ...).

    Attributes
    ----------
    variable : str
        A harmonized continuous variable (``trialcompare schema --vocabulary``), e.g. ``age``.
    kind : str
        The summary printed, one of :data:`ContinuousKind`: ``median_range`` for "16.0 (3.0, 48.0)", ...
    value : str, int or float
        The summary as printed, with the interval its kind names.
    n : int or None
        The number of patients behind it, if not the population N.
    """

    variable: str
    kind: ContinuousKind
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
