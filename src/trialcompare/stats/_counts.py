"""Validation of event counts and totals on numpy arrays (shared by :mod:`.proportions` and :mod:`.reproduce`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

__all__ = ["MAX_COUNT", "check_counts"]

MAX_COUNT = 2**53  # larger counts cannot be held exactly as the floats the statistics compute with


def _whole(value: Any, name: str) -> np.ndarray:
    """``value`` as a float array of whole numbers (no NaN, no infinity, no fractions, no text, no booleans)."""
    import numpy as np  # imported here: trialcompare validate checks counts without numpy

    if isinstance(value, np.ndarray) and value.dtype.kind in "iuf":
        pass
    elif any(isinstance(v, str | bytes | bool) for v in np.asarray(value, dtype=object).ravel().tolist()):
        raise ValueError(f"{name} must be whole numbers, not text or booleans; got {value!r}")
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be whole numbers, got {value!r}") from None
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite whole numbers (no NaN, no infinity), got {value!r}")
    if np.any(arr != np.round(arr)):
        raise ValueError(f"{name} must be whole numbers, got {value!r}")
    if np.any(np.abs(arr) > MAX_COUNT):
        raise ValueError(f"{name} must be at most 2^53, got {value!r}")
    return arr


def check_counts(x: Any, n: Any) -> tuple[np.ndarray, np.ndarray]:
    """Validate event counts and totals: whole numbers with ``0 <= x <= n`` and ``n > 0``.

    Parameters
    ----------
    x, n : int or array_like
        Events and totals.

    Returns
    -------
    tuple of ndarray
        ``(x, n)`` as arrays.

    Raises
    ------
    ValueError
        Naming the offending value.
    """
    import numpy as np

    x_arr, n_arr = _whole(x, "x (events)"), _whole(n, "n (total)")
    if np.any(n_arr <= 0) or np.any(x_arr < 0) or np.any(x_arr > n_arr):
        raise ValueError(f"counts must satisfy 0 <= x <= n and n > 0, got x={x!r}, n={n!r}")
    return x_arr, n_arr
