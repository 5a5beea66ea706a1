"""Input validation shared by the survival functions (private)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from numbers import Real
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__: list[str] = []


def _as_1d(values: ArrayLike, name: str, dtype: Any = float) -> NDArray[Any]:
    """Return ``values`` as a one-dimensional array, or raise ``ValueError``."""
    try:
        arr = np.asarray(values, dtype=dtype)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be a one-dimensional sequence of numbers: {exc}") from None
    if arr.ndim == 0:
        arr = arr.reshape(1)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {arr.shape}")
    return arr


def _as_float(values: ArrayLike, name: str, *, nonnegative: bool = False) -> NDArray[np.float64]:
    """One-dimensional finite float array (optionally >= 0)."""
    arr = _as_1d(values, name, float)
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must contain only finite numbers (no NaN, no infinity)")
    if nonnegative and np.any(arr < 0):
        raise ValueError(f"{name} must be >= 0, got minimum {arr.min()!r}")
    return arr


def _as_event(event: ArrayLike, n: int) -> NDArray[np.float64]:
    """Event indicator as a float array of 0.0/1.0 of length ``n``."""
    arr = _as_1d(event, "event", float)
    if arr.size != n:
        raise ValueError(f"time and event must have the same length, got {n} and {arr.size}")
    if not np.all(np.isin(arr, (0.0, 1.0))):
        raise ValueError("event must contain only 0/1 (or False/True): 1 = event, 0 = censored")
    return arr


def _time_event(time: ArrayLike, event: ArrayLike) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Validate right-censored data: non-empty, finite, non-negative times and 0/1 events."""
    t = _as_float(time, "time", nonnegative=True)
    if t.size == 0:
        raise ValueError("time must contain at least one observation")
    return t, _as_event(event, t.size)


def _is_real(value: object) -> bool:
    """True for a finite real number (Python or numpy), False for bool, NaN, infinity and anything else."""
    return isinstance(value, Real) and not isinstance(value, bool) and math.isfinite(float(value))


def _level(level: float) -> float:
    """Validate a confidence level strictly between 0 and 1."""
    if not _is_real(level) or not 0.0 < float(level) < 1.0:
        raise ValueError(f"level must be a number strictly between 0 and 1, got {level!r}")
    return float(level)


def _choice(value: str, name: str, allowed: Sequence[str]) -> str:
    """Validate that ``value`` is one of ``allowed``."""
    if value not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, allowed))}; got {value!r}")
    return value
