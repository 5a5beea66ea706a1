"""Simulated treatment comparison (STC): outcome regression on the IPD at the comparator's means (private).

The IPD's outcome model is fitted with its covariates centred at the comparator's means (or proportions), so
the intercept is the IPD treatment's predicted outcome for a patient with the comparator's mean covariates
(NICE DSU TSD 18, section 3.3). Binary outcomes: logistic regression, compared with the comparator's log-odds.
Time to event: an exponential model (constant hazard; the log rate at the comparator's means), compared with
the comparator's exponential rate ``events / total time`` from its (pseudo-)IPD. Both are conditional effects at
the mean covariates: an odds ratio or hazard ratio is non-collapsible, so it is not the marginal effect that
MAIC or a trial would estimate, even if every assumption holds (flag ``non_collapsible``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import expit, ndtri

from ._effects import _aggregate, _binary
from ._weights import _column

__all__ = ["StcResult", "stc_binary", "stc_survival"]

ASSUMPTION = ("unanchored STC: every prognostic factor and effect modifier is in the outcome model, the model is "
              "correctly specified, and the IPD can be extrapolated to the comparator's mean covariates")


@dataclass(frozen=True)
class StcResult:
    """Result of :func:`stc_binary` or :func:`stc_survival`.

    Attributes
    ----------
    measure : str
        ``"OR"`` (binary) or ``"HR"`` (time to event), IPD treatment versus comparator.
    estimate, lower, upper : float
        The effect and its Wald confidence limits.
    log_se : float
        Standard error of the log effect (IPD model term plus the comparator's sampling error).
    level : float
        Confidence level.
    model : str
        ``"logistic"`` or ``"exponential"``.
    covariates : tuple of str
        Covariates in the outcome model.
    centre : tuple of float
        The comparator's means they are centred at.
    scale : str
        ``"conditional"``: the effect at the comparator's mean covariates.
    non_collapsible : bool
        True: OR and HR differ between conditional and marginal scales (caveat for comparing with MAIC).
    assumption : str
        The assumption the estimate rests on.
    n_ipd : int
        IPD patients.
    """

    measure: str
    estimate: float
    lower: float
    upper: float
    log_se: float
    level: float
    model: str
    covariates: tuple[str, ...]
    centre: tuple[float, ...]
    scale: str
    non_collapsible: bool
    assumption: str
    n_ipd: int


def _design(ipd: Any, centre: Mapping[str, float]) -> tuple[NDArray[np.float64], tuple[str, ...], tuple[float, ...]]:
    if not isinstance(centre, Mapping):
        raise ValueError("centre must map IPD columns to the comparator's means")
    names = tuple(centre)
    values = tuple(float(centre[k]) for k in names)
    cols = [_column(ipd, k) - v for k, v in zip(names, values, strict=True)]
    n = cols[0].size if cols else None
    if n is None:
        raise ValueError("STC needs at least one covariate")
    x = np.column_stack([np.ones(n), *cols])
    if np.linalg.matrix_rank(x) < x.shape[1]:
        raise ValueError("the STC covariates are collinear (or constant) in the IPD")
    return x, names, values


def _newton(x: NDArray[np.float64], fn: Any) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Maximise a concave log-likelihood given ``fn(beta) -> (score, information)``; returns (beta, covariance)."""
    beta = np.zeros(x.shape[1])
    for _ in range(100):
        score, info = fn(beta)
        step = np.linalg.solve(info, score)
        beta = beta + step
        if np.max(np.abs(step)) < 1e-12 * max(1.0, float(np.max(np.abs(beta)))):
            score, info = fn(beta)
            return beta, np.linalg.inv(info)
        if not np.all(np.isfinite(beta)) or np.max(np.abs(beta)) > 50:
            break
    raise ValueError("the STC outcome model did not converge (separation or too few events)")


def _result(measure: str, coef: float, se: float, level: float, model: str, names: tuple[str, ...],
            values: tuple[float, ...], n: int) -> StcResult:
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must be strictly between 0 and 1, got {level!r}")
    z = float(ndtri(1.0 - (1.0 - level) / 2.0))
    return StcResult(measure, math.exp(coef), math.exp(coef - z * se), math.exp(coef + z * se), se, level, model,
                     names, values, "conditional", True, ASSUMPTION, n)


def stc_binary(
    ipd: Any, response: ArrayLike, centre: Mapping[str, float], ref_events: int, ref_n: int, level: float = 0.95
) -> StcResult:
    """STC odds ratio: logistic regression on the IPD, predicted at the comparator's covariate means.

    The intercept of R ``glm(y ~ I(x1 - m1) + ..., family = binomial)`` is the IPD treatment's log-odds at the
    comparator's means; the log odds ratio is that minus ``logit(ref_events / ref_n)``, with variance
    ``var(intercept) + 1/ref_events + 1/(ref_n - ref_events)``.

    Parameters
    ----------
    ipd : polars.DataFrame or mapping
        IPD with the covariates named in ``centre``.
    response : array_like
        0/1 response per IPD patient.
    centre : mapping
        IPD column → comparator mean (a proportion for a 0/1 column).
    ref_events, ref_n : int
        Comparator responders and patients.
    level : float
        Confidence level.

    Returns
    -------
    StcResult

    Examples
    --------
    >>> ipd = {"AGE": [40, 45, 50, 55, 60, 65, 42, 58]}
    >>> r = stc_binary(ipd, [1, 0, 1, 1, 0, 1, 0, 1], {"AGE": 52}, 4, 10)
    >>> r.measure, r.scale, r.non_collapsible
    ('OR', 'conditional', True)
    """
    y = _binary(response)
    events, n = _aggregate(ref_events, ref_n)
    if events in (0, n):
        raise ValueError("the comparator's log-odds is not finite (0 or all responders)")
    x, names, values = _design(ipd, centre)
    if x.shape[0] != y.size:
        raise ValueError("response must have one value per IPD patient")

    def fn(beta: NDArray[np.float64]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        mu = expit(x @ beta)
        return x.T @ (y - mu), (x * (mu * (1 - mu))[:, None]).T @ x

    beta, cov = _newton(x, fn)
    p0 = events / n
    coef = float(beta[0]) - math.log(p0 / (1 - p0))
    se = math.sqrt(float(cov[0, 0]) + 1 / events + 1 / (n - events))
    return _result("OR", coef, se, level, "logistic", names, values, y.size)


def stc_survival(
    ipd: Any, time: ArrayLike, event: ArrayLike, centre: Mapping[str, float], ref_time: ArrayLike,
    ref_event: ArrayLike, level: float = 0.95,
) -> StcResult:
    """STC hazard ratio: exponential model on the IPD at the comparator's means versus the comparator's rate.

    The log rate at the comparator's means is ``-intercept`` of R ``survreg(Surv(time, event) ~ I(x1 - m1) +
    ..., dist = "exponential")``; the comparator's log rate is ``log(events / total time)`` with variance
    ``1 / events``.

    Parameters
    ----------
    ipd : polars.DataFrame or mapping
        IPD with the covariates named in ``centre``.
    time, event : array_like
        IPD follow-up and 0/1 events.
    centre : mapping
        IPD column → comparator mean.
    ref_time, ref_event : array_like
        Comparator (pseudo-)IPD.
    level : float
        Confidence level.

    Returns
    -------
    StcResult

    Examples
    --------
    >>> ipd = {"AGE": [40, 45, 50, 55, 60, 65, 42, 58]}
    >>> r = stc_survival(ipd, [3, 5, 2, 8, 6, 9, 4, 7], [1, 1, 0, 1, 1, 0, 1, 1], {"AGE": 52},
    ...                  [1, 2, 3, 4, 5, 6], [1, 1, 1, 0, 1, 1])
    >>> r.measure, r.model
    ('HR', 'exponential')
    """
    t, d = np.asarray(time, dtype=float), np.asarray(event, dtype=float)
    t0, d0 = np.asarray(ref_time, dtype=float), np.asarray(ref_event, dtype=float)
    for name, v in (("time", t), ("ref_time", t0)):
        if v.ndim != 1 or v.size == 0 or not np.all(np.isfinite(v)) or np.any(v <= 0):
            raise ValueError(f"{name} must be a non-empty sequence of finite times > 0")
    if d.shape != t.shape or d0.shape != t0.shape or not np.all(np.isin(np.r_[d, d0], (0.0, 1.0))):
        raise ValueError("event and ref_event must be 0/1 and match their times")
    if d.sum() == 0 or d0.sum() == 0:
        raise ValueError("the exponential STC needs events in the IPD and in the comparator")
    x, names, values = _design(ipd, centre)
    if x.shape[0] != t.size:
        raise ValueError("time must have one value per IPD patient")

    def fn(beta: NDArray[np.float64]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        mu = t * np.exp(x @ beta)  # expected events (Poisson form of the exponential likelihood)
        return x.T @ (d - mu), (x * mu[:, None]).T @ x

    beta, cov = _newton(x, fn)
    coef = float(beta[0]) - math.log(d0.sum() / t0.sum())
    se = math.sqrt(float(cov[0, 0]) + 1.0 / d0.sum())
    return _result("HR", coef, se, level, "exponential", names, values, t.size)


