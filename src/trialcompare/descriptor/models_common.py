"""What the descriptor models share: the strict base models, the printed-value types and the validation helpers.

:class:`_Strict` refuses unknown fields; :class:`_Located` adds where a value was read (``at``, ``source``,
``label``). :func:`_parsed` and :func:`_printed_error` turn a value that cannot be read as printed into a
user-facing validation error that points at its line; :func:`_time_point` reads a time point written
``months: x`` or ``time: x, unit: u``. The models themselves are in :mod:`trialcompare.descriptor.models` and the
modules it gathers.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic_core import PydanticCustomError

from ..options import TIME_UNITS, TimeUnit
from .printed import PrintedValueError

__all__ = ["MAX_COUNT", "IntervalType", "PopulationSet", "Printed", "TimeUnit"]

IntervalType = Literal["95% CI", "90% CI", "80% CI", "IQR", "range"]
PopulationSet = Literal["enrolled", "treated", "efficacy", "evaluable", "itt", "safety", "unclear"]
Printed = Annotated[str | int | float, Field(description="the value exactly as printed in the source")]

MAX_COUNT = 2**63 - 1  # counts, denominators and N are stored as 64-bit integers


class _Strict(BaseModel):
    """Base: unknown fields are errors (the loader adds "did you mean" from :func:`known_fields`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)


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
    """Base: a printed value with where it was read.

    Attributes
    ----------
    at : str
        Where the value was read: "Table IV", "Abstract", "Results ¶3", ...
    source : str or None
        Key of the source it was read from (default: the first).
    label : str or None
        The row label exactly as printed.
    note : str or None
        The curator's note, e.g. what the source prints when it is not one of the accepted forms.
    """

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
