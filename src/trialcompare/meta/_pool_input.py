"""Input checks of the pooling functions, and proportions transformed as metafor's ``escalc`` and ``transf.*``.

:func:`transform_proportions` gives the observed proportions on the model scale with their sampling variances
(``escalc`` measures PLO, PAS, PFT, PR); :func:`back_transform` takes model-scale values back to proportions
(``transf.ilogit``, ``transf.iarcsin``, ``transf.ipft.hm``). The ``_check_*`` helpers turn invalid input into
``ValueError``. Private to :mod:`trialcompare.meta._pool`, which re-exports the public names.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from scipy import special

from trialcompare.options import TRANSFORM_CODES

__all__ = ["TRANSFORMS", "back_transform", "transform_proportions"]

TRANSFORMS: dict[str, str] = TRANSFORM_CODES


def _as_vector(values: Any, name: str) -> np.ndarray:
    arr = np.asarray(values, dtype=float)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be a one-dimensional sequence of numbers, got shape {arr.shape}")
    if arr.size == 0:
        raise ValueError(f"{name} is empty: at least one study is needed")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains missing or non-finite values")
    return arr


def _check_counts(events: Any, totals: Any) -> tuple[np.ndarray, np.ndarray]:
    x = _as_vector(events, "events")
    n = _as_vector(totals, "totals")
    if x.size != n.size:
        raise ValueError(f"events and totals differ in length ({x.size} vs {n.size})")
    if np.any(x < 0):
        raise ValueError(f"events must be non-negative; negative at positions {np.flatnonzero(x < 0).tolist()}")
    if np.any(n <= 0):
        raise ValueError(f"totals must be positive; not at positions {np.flatnonzero(n <= 0).tolist()}")
    if np.any(x > n):
        bad = np.flatnonzero(x > n).tolist()
        raise ValueError(f"events exceed totals at positions {bad}")
    return x, n


def _check_choice(value: str, options: Sequence[str], name: str) -> str:
    if value not in options:
        raise ValueError(f"unknown {name} {value!r}; choose one of {', '.join(map(repr, options))}")
    return value


def _check_level(level: float) -> float:
    if not 0.0 < float(level) < 1.0:
        raise ValueError(f"level must be a probability in (0, 1), e.g. 0.95; got {level!r}")
    return float(level)


def _check_labels(labels: Sequence[str] | None, k: int) -> list[str]:
    if labels is None:
        return [f"Study {i + 1}" for i in range(k)]
    out = [str(lab) for lab in labels]
    if len(out) != k:
        raise ValueError(f"labels has {len(out)} entries but there are {k} studies")
    return out


def transform_proportions(events: Any, totals: Any, transform: str = "logit") -> tuple[np.ndarray, np.ndarray]:
    """Observed proportions on the model scale and their sampling variances (metafor ``escalc``).

    Parameters
    ----------
    events, totals : array_like
        Event counts and sample sizes.
    transform : {"logit", "arcsine", "freeman-tukey", "raw"}
        ``escalc`` measure PLO, PAS, PFT or PR. For PLO and PR, studies with 0 or ``n`` events get 0.5
        added to events and non-events (``add = 1/2, to = "only0"``); PAS and PFT are left uncorrected.

    Returns
    -------
    tuple of numpy.ndarray
        ``(yi, vi)``.

    Examples
    --------
    >>> yi, vi = transform_proportions([0, 5], [10, 10], "logit")
    >>> round(float(yi[0]), 4), round(float(vi[1]), 4)
    (-3.0445, 0.4)
    """
    x, n = _check_counts(events, totals)
    _check_choice(transform, tuple(TRANSFORMS), "transform")
    if transform in ("logit", "raw"):
        corr = np.where((x == 0) | (x == n), 0.5, 0.0)
        x, n = x + corr, n + 2 * corr
    p = x / n
    if transform == "logit":
        return np.log(p / (1 - p)), 1.0 / x + 1.0 / (n - x)
    if transform == "raw":
        return p, p * (1 - p) / n
    if transform == "arcsine":
        return np.arcsin(np.sqrt(p)), 1.0 / (4 * n)
    yi = 0.5 * (np.arcsin(np.sqrt(x / (n + 1))) + np.arcsin(np.sqrt((x + 1) / (n + 1))))
    return yi, 1.0 / (4 * n + 2)


def _ipft_hm(x: np.ndarray, totals: np.ndarray) -> np.ndarray:
    nhm = 1.0 / np.mean(1.0 / totals)
    s = np.sin(2 * x)
    with np.errstate(invalid="ignore", divide="ignore"):
        z = 0.5 * (1 - np.sign(np.cos(2 * x)) * np.sqrt(1 - (s + (s - 1 / s) / nhm) ** 2))
    lo = 0.5 * (np.arcsin(0.0) + np.arcsin(np.sqrt(1 / (nhm + 1))))
    hi = 0.5 * (np.arcsin(np.sqrt(nhm / (nhm + 1))) + np.arcsin(1.0))
    z = np.where(x > hi, 1.0, np.where(x < lo, 0.0, z))
    return z


def back_transform(x: Any, transform: str, totals: Any = None) -> np.ndarray:
    """Back-transform model-scale values to proportions, as metafor's ``transf.*`` functions.

    Parameters
    ----------
    x : array_like
        Values on the model scale.
    transform : {"logit", "arcsine", "freeman-tukey", "raw"}
        ``transf.ilogit``, ``transf.iarcsin``, ``transf.ipft.hm`` (needs ``totals``; uses their
        harmonic mean) or identity clipped to [0, 1].
    totals : array_like, optional
        Sample sizes, required for ``"freeman-tukey"``.

    Returns
    -------
    numpy.ndarray
        Proportions (NaN stays NaN).

    Examples
    --------
    >>> back_transform([0.0], "logit").tolist()
    [0.5]
    """
    v = np.atleast_1d(np.asarray(x, dtype=float))
    _check_choice(transform, tuple(TRANSFORMS), "transform")
    if transform == "logit":
        return special.expit(v)
    if transform == "arcsine":
        return np.where(v < 0, 0.0, np.where(v > np.pi / 2, 1.0, np.sin(v) ** 2))
    if transform == "raw":
        return np.clip(v, 0.0, 1.0)
    if totals is None:
        raise ValueError("the Freeman-Tukey back-transformation needs the sample sizes (totals)")
    return _ipft_hm(v, np.asarray(totals, dtype=float))
