"""Fitting the benchmark: the primary model and its test, confidence and prediction intervals, Q-profile
heterogeneity, and the estimator × transform grid (part of :mod:`trialcompare.meta._benchmark`).

Counts (binomial proportions) are fitted with :func:`~trialcompare.meta.pool_proportions` (the GLMM primary when a
cohort has 0% or 100%); Kaplan-Meier landmark rates with :func:`~trialcompare.meta.pool_effects` on the logit scale,
each with the standard error recovered from its printed interval (:func:`trialcompare.meta._data.logit_se`).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl
from scipy import stats

from ..options import TAU2_METHODS, TRANSFORMS
from ._pool import MetaError, MetaResult, back_transform, pool_effects, pool_proportions
from ._tau2 import q_statistic

_Z_FROM_K = 5

INTERVAL_SCHEMA: dict[str, Any] = {
    "interval": pl.String, "test": pl.String, "distribution": pl.String, "df": pl.Int64, "low": pl.Float64,
    "high": pl.Float64, "primary": pl.Boolean,
}  # fmt: skip
GRID_SCHEMA: dict[str, Any] = {
    "transform": pl.String, "method": pl.String, "model": pl.String, "test": pl.String, "k": pl.Int64,
    "proportion": pl.Float64, "ci_low": pl.Float64, "ci_high": pl.Float64, "pi_low": pl.Float64,
    "pi_high": pl.Float64, "tau2": pl.Float64, "converged": pl.Boolean, "primary": pl.Boolean, "error": pl.String,
}  # fmt: skip


@dataclass(frozen=True)
class Heterogeneity:
    """τ², I², H² of the normal-normal model with Q-profile CIs (metafor ``confint()``).

    Attributes
    ----------
    model : str
        ``"normal-normal"`` (the Q-profile is defined for it only).
    tau2, i2, h2 : float
        Estimates (I² in percent).
    tau2_ci, i2_ci, h2_ci : tuple of float
        Q-profile intervals. A bound flagged in ``upper_bounded`` / ``lower_bounded`` is the search limit, not
        an estimate: read it as "> limit".
    q, q_p : float
        Cochran's Q and its p-value on ``k − 1`` df.
    search_limit : float
        metafor's ``tau2.max = max(100, 10 τ̂²)``.
    upper_bounded, lower_bounded : bool
        The upper (lower) τ² bound lies beyond the search limit (metafor's ``ub.sign``/``lb.sign`` ``">"``).
    below_zero : bool
        Q(0) is already below the lower critical value: both bounds are "< 0" (metafor's ``"<"``), reported as 0.
    """

    model: str
    tau2: float
    tau2_ci: tuple[float, float]
    i2: float
    i2_ci: tuple[float, float]
    h2: float
    h2_ci: tuple[float, float]
    q: float
    q_p: float
    search_limit: float
    upper_bounded: bool
    lower_bounded: bool
    below_zero: bool


@dataclass(frozen=True)
class SensitivityRange:
    """Range of the benchmark over τ² estimators × transforms (and the GLMM), from :attr:`Benchmark.grid`.

    Attributes
    ----------
    estimate, pi_low, pi_high : tuple of float
        ``(min, max)`` of the pooled proportion and of each prediction bound over the fits that succeeded.
    n_fits, n_failed, n_not_converged : int
        Fits attempted, fits that raised, fits whose iterative estimator stopped early.
    """

    estimate: tuple[float, float]
    pi_low: tuple[float, float]
    pi_high: tuple[float, float]
    n_fits: int
    n_failed: int
    n_not_converged: int


@dataclass(frozen=True)
class _Primary:
    model: str
    test: str
    transform: str
    res: MetaResult
    alternative: MetaResult | None  # the same model with the other test (normal-normal only)
    notes: tuple[str, ...]
    back: Callable[[Any], np.ndarray]  # model scale → proportion


def _quiet_pool(x: np.ndarray, n: np.ndarray, **kw: Any) -> MetaResult:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return pool_proportions(x, n, **kw)


def _quiet_effects(y: np.ndarray, v: np.ndarray, **kw: Any) -> MetaResult:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return pool_effects(y, v, **kw)


def _primary_test(k: int, model: str) -> str:
    if k >= _Z_FROM_K:
        return "z"
    return "t" if model == "GLMM" else "knha"


def expit(x: Any) -> np.ndarray:
    """The inverse logit, ``1 / (1 + exp(−x))``.

    Examples
    --------
    >>> float(expit(0.0))
    0.5
    """
    return 1.0 / (1.0 + np.exp(-np.asarray(x, dtype=float)))


def fit_counts(x: np.ndarray, n: np.ndarray, transform: str, method: str, level: float) -> _Primary:
    """The primary model of comparator counts: the GLMM when a cohort has 0% or 100%, else normal-normal."""
    k = x.size

    def back(values: Any) -> np.ndarray:
        return back_transform(values, transform, n)

    notes: tuple[str, ...] = ()
    if np.any((x == 0) | (x == n)):
        try:
            res = _quiet_pool(x, n, method="GLMM", test="z", level=level)
        except MetaError:
            notes = ("glmm-failed",)
        else:
            return _Primary("GLMM", _primary_test(k, "GLMM"), "logit", res, None, ("glmm-primary",), expit)
    test = _primary_test(k, "normal-normal")
    other = "z" if test == "knha" else "knha"
    res = _quiet_pool(x, n, transform=transform, method=method, test=test, level=level)
    alt = _quiet_pool(x, n, transform=transform, method=method, test=other, level=level)
    return _Primary("normal-normal", test, transform, res, alt, notes, back)


def fit_rates(y: np.ndarray, se: np.ndarray, method: str, level: float) -> _Primary:
    """The primary model of Kaplan-Meier landmark rates: normal-normal on the logit scale, ``y = logit(rate)`` with
    variance ``se²`` (the SE recovered from each printed interval)."""
    test = _primary_test(y.size, "normal-normal")
    other = "z" if test == "knha" else "knha"
    res = _quiet_effects(y, se**2, method=method, test=test, level=level)
    alt = _quiet_effects(y, se**2, method=method, test=other, level=level)
    return _Primary("normal-normal", test, "logit", res, alt, ("logit-se-from-printed-ci",), expit)


def _crit(distribution: str, df: int, level: float) -> float:
    alpha = 1.0 - level
    return float(stats.t.isf(alpha / 2, df) if distribution == "t" else stats.norm.isf(alpha / 2))


def _ci(est: float, se: float, test: str, k: int, level: float) -> tuple[float, float]:
    half = _crit("normal" if test == "z" else "t", k - 1, level) * se
    return est - half, est + half


def _pi(est: float, se: float, tau2: float, k: int, level: float) -> tuple[float, float]:
    """μ̂ ± t(k − 2; 1 − α/2) · sqrt(τ̂² + SE²) (IntHout et al. 2016; Cochrane Handbook 10.10.4.3)."""
    half = _crit("t", k - 2, level) * math.sqrt(tau2 + se**2)
    return est - half, est + half


def interval_rows(p: _Primary, k: int, level: float) -> list[dict[str, Any]]:
    fits = [(p.test, p.res)]
    if p.model == "GLMM":
        fits.append(("z" if p.test == "t" else "t", p.res))
    elif p.alternative is not None:
        fits.append((p.alternative.test, p.alternative))
    rows = []
    for test, res in fits:
        ci = _ci(res.estimate, res.se, test, k, level)
        pi = _pi(res.estimate, res.se, res.tau2, k, level)
        for kind, (lo, hi), dist, df in (("ci", ci, "normal" if test == "z" else "t", k - 1), ("pi", pi, "t", k - 2)):
            blo, bhi = p.back([lo, hi])
            rows.append({"interval": kind, "test": test, "distribution": dist, "df": None if dist == "normal" else df,
                         "low": float(blo), "high": float(bhi), "primary": test == p.test})  # fmt: skip
    return rows


def heterogeneity(res: MetaResult, level: float) -> Heterogeneity:
    assert res.tau2_ci is not None and res.i2_ci is not None and res.h2_ci is not None
    y, v = res._y, res._v
    limit = max(100.0, 10.0 * res.tau2)
    crit_l = float(stats.chi2.ppf((1 - level) / 2, y.size - 1))
    below = bool(q_statistic(y, v, 0.0) < crit_l)
    return Heterogeneity(
        model="normal-normal", tau2=res.tau2, tau2_ci=res.tau2_ci, i2=res.i2, i2_ci=res.i2_ci, h2=res.h2,
        h2_ci=res.h2_ci, q=res.q, q_p=res.q_p, search_limit=limit, upper_bounded=bool(res.tau2_ci[1] >= limit),
        lower_bounded=bool(res.tau2_ci[0] >= limit), below_zero=below,
    )  # fmt: skip


def _grid_row(x: np.ndarray, n: np.ndarray, transform: str, method: str, level: float) -> dict[str, Any]:
    k = x.size
    model = "GLMM" if method == "GLMM" else "normal-normal"
    test = _primary_test(k, model)
    row: dict[str, Any] = {"transform": transform, "method": method, "model": model, "test": test, "k": k}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = pool_proportions(x, n, transform=transform, method=method, test="z" if test == "t" else test,
                                   level=level)  # fmt: skip
    except (MetaError, ValueError) as exc:
        return dict.fromkeys(GRID_SCHEMA) | row | {"error": f"{type(exc).__name__}: {exc}"}
    ci = _ci(res.estimate, res.se, test, k, level)
    pi = _pi(res.estimate, res.se, res.tau2, k, level)
    vals = back_transform([res.estimate, *ci, *pi], transform, n)
    keys = ("proportion", "ci_low", "ci_high", "pi_low", "pi_high")
    return row | {k_: float(v) for k_, v in zip(keys, vals, strict=True)} | {
        "tau2": res.tau2, "converged": bool(res.converged), "primary": False, "error": None}  # fmt: skip


def grid_counts(x: np.ndarray, n: np.ndarray, level: float, primary: tuple[str, str]) -> pl.DataFrame:
    cells = [(t, m) for t in TRANSFORMS for m in TAU2_METHODS] + [("logit", "GLMM")]
    rows = [_grid_row(x, n, t, m, level) | {"primary": (t, m) == primary} for t, m in cells]
    for r in rows:
        if r["error"] is not None:
            r["primary"] = False
    return pl.DataFrame(rows, schema=GRID_SCHEMA, orient="row")


def _number(value: object) -> float:
    if not isinstance(value, int | float):
        raise TypeError(f"expected a number, got {value!r}")
    return float(value)


def grid_range(grid: pl.DataFrame) -> SensitivityRange | None:
    ok = grid.filter(pl.col("error").is_null())
    if ok.is_empty():
        return None

    def span(col: str) -> tuple[float, float]:
        return _number(ok[col].min()), _number(ok[col].max())

    return SensitivityRange(
        estimate=span("proportion"), pi_low=span("pi_low"), pi_high=span("pi_high"), n_fits=grid.height,
        n_failed=grid.height - ok.height, n_not_converged=int((~ok["converged"]).sum()),
    )  # fmt: skip




def _grid_rate_row(y: np.ndarray, se: np.ndarray, method: str, level: float) -> dict[str, Any]:
    k = y.size
    test = _primary_test(k, "normal-normal")
    row: dict[str, Any] = {"transform": "logit", "method": method, "model": "normal-normal", "test": test, "k": k}
    try:
        res = _quiet_effects(y, se**2, method=method, test=test, level=level)
    except (MetaError, ValueError) as exc:
        return dict.fromkeys(GRID_SCHEMA) | row | {"error": f"{type(exc).__name__}: {exc}"}
    ci = _ci(res.estimate, res.se, test, k, level)
    pi = _pi(res.estimate, res.se, res.tau2, k, level)
    vals = expit([res.estimate, *ci, *pi])
    keys = ("proportion", "ci_low", "ci_high", "pi_low", "pi_high")
    return row | {k_: float(v) for k_, v in zip(keys, vals, strict=True)} | {
        "tau2": res.tau2, "converged": bool(res.converged), "primary": False, "error": None}  # fmt: skip


def grid_rates(y: np.ndarray, se: np.ndarray, level: float, primary: str) -> pl.DataFrame:
    """One fit per τ² estimator on the logit scale (Kaplan-Meier rates: no other transform, no GLMM)."""
    rows = [_grid_rate_row(y, se, m, level) | {"primary": m == primary} for m in TAU2_METHODS]
    for r in rows:
        if r["error"] is not None:
            r["primary"] = False
    return pl.DataFrame(rows, schema=GRID_SCHEMA, orient="row")
