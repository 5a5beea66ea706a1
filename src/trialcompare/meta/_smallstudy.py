"""Small-study effects: funnel plot, Egger's regression test, Begg's rank test, trim and fill (metafor 3.8).

========================  ==============================================================================
trialcompare              metafor
========================  ==============================================================================
egger_test                ``regtest(rma(yi, vi, method, test))``: the default mixed-effects model with the
                          standard error as predictor; the test of its coefficient, and the intercept
                          (the "limit estimate" as the SE goes to 0) with its interval
rank_test                 ``ranktest(yi, vi)``: Kendall's τ_b between the standardised deviations from the
                          equal-effects estimate and the variances; exact p without ties (``exact = TRUE``),
                          the normal approximation with tie-corrected variance otherwise (R ``cor.test``)
trim_and_fill             ``trimfill(rma(yi, vi, method, test), estimator = "L0")``: k0, its SE, the side,
                          the filled studies and the random-effects fit with them. One difference: trimfill
                          refits the filled data with ``test = "z"`` whatever the model's test; here the
                          adjusted fit uses ``test`` (equal to trimfill for ``test="z"``)
funnel_plot               ``funnel()``: effects against standard errors with the pseudo-confidence region
========================  ==============================================================================

The Cochrane Handbook (section 13.3.5.4) advises against these tests with fewer than 10 studies: their power is
too low to tell chance from asymmetry. Each result carries ``caveat = {"code": "too-few-studies", "k": k,
"min_k": 10}`` when k < ``min_k`` (the numbers are still computed where they are defined); where they are not
defined (too few studies to fit the model) a :class:`~trialcompare.meta.MetaError` is raised.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import polars as pl
from scipy import stats

from ._pool import MetaError, MetaResult, _fit_uni, pool_effects
from ._regression import meta_regression, regression_tau2

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure, SubFigure

__all__ = ["EggerResult", "RankResult", "TrimFillResult", "egger_test", "funnel_plot", "rank_test", "trim_and_fill"]

MIN_K_SMALL_STUDY = 10
"""Cochrane Handbook 13.3.5.4: tests for funnel plot asymmetry need at least 10 studies."""


@dataclass(frozen=True)
class EggerResult:
    """Egger-type regression test (``regtest``).

    Attributes
    ----------
    statistic, p : float
        z (or t on ``df`` degrees of freedom for Knapp-Hartung) of the standard-error coefficient and its p-value.
    df : int or None
        Degrees of freedom (k − 2) of the t test; None for z.
    slope : float
        The coefficient of the standard error.
    limit_estimate : float
        The intercept: the estimate for a study with standard error 0.
    limit_ci : tuple of float
        Its confidence interval.
    k : int
        Studies.
    caveat : dict or None
        ``{"code": "too-few-studies", "k": k, "min_k": min_k}`` when k < min_k.
    method, test : str
        The τ² estimator (or ``"EE"``) and the test (``"z"`` or ``"knha"``).
    """

    statistic: float
    p: float
    df: int | None
    slope: float
    limit_estimate: float
    limit_ci: tuple[float, float]
    k: int
    method: str
    test: str
    caveat: dict[str, Any] | None = None


@dataclass(frozen=True)
class RankResult:
    """Rank correlation test (``ranktest``): Kendall's τ_b and its p-value (``exact`` says which).

    Attributes
    ----------
    tau, p : float
    exact : bool
        The p-value is exact (no ties), else asymptotic.
    k : int
        Studies.
    caveat : dict or None
        ``{"code": "too-few-studies", ...}`` when k < min_k.
    """

    tau: float
    p: float
    exact: bool
    k: int
    caveat: dict[str, Any] | None = None


@dataclass(frozen=True)
class TrimFillResult:
    """Trim and fill (``trimfill``).

    Attributes
    ----------
    k0, se_k0 : int, float
        Estimated number of missing studies and its standard error.
    side : {"left", "right"}
        Side on which studies are estimated to be missing.
    estimator : str
        ``"L0"`` or ``"R0"``.
    adjusted : MetaResult
        The model refitted with the filled studies (the input fit when k0 = 0).
    filled : polars.DataFrame
        ``yi, vi`` of the filled (imputed) studies.
    caveat : dict or None
        ``{"code": "too-few-studies", ...}`` when k < min_k.
    k : int
        Studies observed.
    """

    k0: int
    se_k0: float
    side: str
    estimator: str
    adjusted: MetaResult = field(repr=False)
    filled: pl.DataFrame = field(repr=False)
    k: int
    caveat: dict[str, Any] | None = None


def _data(yi: Any, vi: Any, min_fit: int, what: str) -> tuple[np.ndarray, np.ndarray]:
    y = np.asarray(yi, dtype=float)
    v = np.asarray(vi, dtype=float)
    if y.ndim != 1 or y.shape != v.shape:
        raise ValueError(f"yi and vi must be one-dimensional of the same length; got {y.shape}, {v.shape}")
    if not (np.all(np.isfinite(y)) and np.all(np.isfinite(v))) or np.any(v <= 0):
        raise ValueError("yi must be finite and vi finite and positive")
    if y.size < min_fit:
        raise MetaError(f"{what} needs at least {min_fit} studies (k = {y.size})")
    return y, v


def _caveat(k: int, min_k: int) -> dict[str, Any] | None:
    return {"code": "too-few-studies", "k": int(k), "min_k": int(min_k)} if k < min_k else None


def egger_test(
    yi: Any, vi: Any, method: str = "REML", test: str = "z", level: float = 0.95, min_k: int = MIN_K_SMALL_STUDY
) -> EggerResult:
    """Regression test for funnel plot asymmetry (metafor ``regtest``: ``model = "rma"``, ``predictor = "sei"``).

    Parameters
    ----------
    yi, vi : array_like
        Effects and sampling variances.
    method : str
        The τ² estimator of the mixed-effects model (or ``"EE"``).
    test : {"z", "knha"}
        Test of the coefficient.
    level : float
        Confidence level of the limit estimate's interval.
    min_k : int
        Fewer studies than this set ``caveat`` (Cochrane Handbook 13.3.5.4: 10).

    Returns
    -------
    EggerResult

    Examples
    --------
    Effects that lie exactly on ``y = 2·se`` (τ² = 0) have slope 2 and limit estimate 0:

    >>> se = np.array([0.1, 0.2, 0.3, 0.4])
    >>> r = egger_test(2 * se, se**2, method="EE")
    >>> round(r.slope, 10), round(r.limit_estimate, 10) + 0.0, r.caveat["code"]
    (2.0, 0.0, 'too-few-studies')
    """
    y, v = _data(yi, vi, 3, "the regression test")
    fit = meta_regression(y, v, {"sei": np.sqrt(v)}, method=method, test=test, level=level)
    c = fit.coefficients
    return EggerResult(
        statistic=float(c["statistic"][1]), p=float(c["p"][1]), df=y.size - 2 if test == "knha" else None,
        slope=float(c["estimate"][1]), limit_estimate=float(c["estimate"][0]),
        limit_ci=(float(c["ci_low"][0]), float(c["ci_high"][0])), k=int(y.size), method=method, test=test,
        caveat=_caveat(y.size, min_k),
    )  # fmt: skip


def rank_test(yi: Any, vi: Any, min_k: int = MIN_K_SMALL_STUDY) -> RankResult:
    """Rank correlation test for funnel plot asymmetry (Begg & Mazumdar 1994; metafor ``ranktest``).

    Parameters
    ----------
    yi, vi : array_like
        Effects and sampling variances.
    min_k : int
        Fewer studies than this set ``caveat``.

    Returns
    -------
    RankResult

    Examples
    --------
    Standardised deviations that rise with the variance in the same order give τ = 1; with 4 studies the exact
    two-sided p is 2/4! = 1/12:

    >>> r = rank_test([-0.2, -0.1, 0.1, 0.4], [0.01, 0.02, 0.03, 0.04])
    >>> round(r.tau, 6), round(r.p, 6), r.exact
    (1.0, 0.083333, True)
    """
    y, v = _data(yi, vi, 3, "the rank correlation test")
    w = 1.0 / v
    theta = float(np.sum(w * y) / np.sum(w))
    ystar = (y - theta) / np.sqrt(v - 1.0 / np.sum(w))
    ties = np.unique(ystar).size < y.size or np.unique(v).size < v.size
    res = stats.kendalltau(ystar, v, method="asymptotic" if ties else "exact")
    return RankResult(float(res.statistic), float(res.pvalue), not ties, int(y.size), _caveat(y.size, min_k))


# --------------------------------------------------------------------------------------------------
# trim and fill
# --------------------------------------------------------------------------------------------------


def _estimator_k0(yc: np.ndarray, estimator: str) -> tuple[float, float]:
    """k0 and its SE from the signed ranks of the centred, sorted effects (trimfill's L0 / R0 formulas)."""
    k = yc.size
    ranks = stats.rankdata(np.abs(yc), method="ordinal")  # R rank(ties.method = "first")
    signed = np.sign(yc) * ranks
    k0: float
    if estimator == "R0":
        neg = -signed[signed < 0]
        k0 = (k - (neg.max() if neg.size else 0)) - 1
        return float(k0), float(np.sqrt(2 * max(0.0, k0) + 2))
    sr = float(np.sum(signed[signed > 0]))
    k0 = (4 * sr - k * (k + 1)) / (2 * k - 1)
    var_sr = (k * (k + 1) * (2 * k + 1) + 10 * k0**3 + 27 * k0**2 + 17 * k0 - 18 * k * k0**2 - 18 * k * k0
              + 6 * k**2 * k0) / 24  # fmt: skip
    return k0, 4 * np.sqrt(max(var_sr, 0.0)) / (2 * k - 1)


def _side(y: np.ndarray, v: np.ndarray, method: str) -> str:
    X = np.column_stack([np.ones(y.size), np.sqrt(v)])
    tau2, _ = regression_tau2(y, v, X, method)
    w = 1.0 / (v + tau2)
    beta = np.linalg.solve((X.T * w) @ X, X.T @ (w * y))
    return "right" if beta[1] < 0 else "left"


def trim_and_fill(
    yi: Any,
    vi: Any,
    method: str = "REML",
    test: str = "z",
    estimator: str = "L0",
    side: str | None = None,
    level: float = 0.95,
    min_k: int = MIN_K_SMALL_STUDY,
    maxiter: int = 100,
) -> TrimFillResult:
    """Duval and Tweedie's trim and fill (metafor ``trimfill``).

    Parameters
    ----------
    yi, vi : array_like
        Effects and sampling variances.
    method, test : str
        Model of the fits (as ``rma(yi, vi, method, test)``); ``"EE"`` for the equal-effects model.
    estimator : {"L0", "R0"}
        Estimator of the number of missing studies (default L0, as metafor).
    side : {"left", "right"}, optional
        Side of the missing studies; by default from the sign of the Egger-type regression slope (as trimfill).
    level : float
        Confidence level of the adjusted fit.
    min_k : int
        Fewer studies than this set ``caveat``.
    maxiter : int
        Iterations of the trimming algorithm.

    Returns
    -------
    TrimFillResult

    Examples
    --------
    A symmetric funnel has nothing to fill:

    >>> r = trim_and_fill([-0.2, 0.2, -0.1, 0.1, 0.0], [0.04, 0.04, 0.01, 0.01, 0.02], method="EE")
    >>> r.k0, round(r.adjusted.estimate, 12) + 0.0
    (0, 0.0)
    """
    y, v = _data(yi, vi, 3, "trim and fill")
    if estimator not in ("L0", "R0"):
        raise ValueError(f"unknown estimator {estimator!r}; choose 'L0' or 'R0'")
    if side not in (None, "left", "right"):
        raise ValueError(f"side must be None, 'left' or 'right'; got {side!r}")
    side = side or _side(y, v, method)
    sign = -1.0 if side == "right" else 1.0
    order = np.argsort(sign * y, kind="stable")
    ys, vs = sign * y[order], v[order]
    k = y.size
    k0, se_k0, beta = 0, 0.0, 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for _ in range(maxiter):
            beta = _fit_uni(ys[: k - k0], vs[: k - k0], method, "z", level).estimate
            raw, se_k0 = _estimator_k0(ys - beta, estimator)
            new = int(max(0, np.floor(raw + 0.5)))  # R round() of a positive k0 (.5 cases do not arise here)
            if new == k0:
                break
            k0 = new
        else:
            raise MetaError(f"trim and fill did not converge in {maxiter} iterations")
    filled_y = sign * (2 * beta - ys[k - k0:])
    filled_v = vs[k - k0:]
    all_y, all_v = np.concatenate([y, filled_y]), np.concatenate([v, filled_v])
    adjusted = pool_effects(all_y, all_v, method=method, test=test, level=level)
    return TrimFillResult(k0, float(max(0.0, se_k0)), side, estimator, adjusted,
                          pl.DataFrame({"yi": filled_y, "vi": filled_v}), int(k), _caveat(k, min_k))  # fmt: skip


# --------------------------------------------------------------------------------------------------
# funnel plot
# --------------------------------------------------------------------------------------------------


def funnel_plot(
    yi: Any,
    vi: Any,
    estimate: float | None = None,
    *,
    ax: Axes | None = None,
    level: float = 0.95,
    filled: TrimFillResult | None = None,
    xlabel: str = "Effect (model scale)",
) -> Figure | SubFigure:
    """Funnel plot: effects against their standard errors (inverted axis) with the pseudo-confidence region.

    Parameters
    ----------
    yi, vi : array_like
        Effects and sampling variances.
    estimate : float, optional
        Centre of the funnel; default the equal-effects (inverse-variance) estimate. metafor's ``funnel()`` of a
        fitted model uses that model's estimate: pass it here.
    ax : matplotlib.axes.Axes, optional
        Axes to draw into; a new figure otherwise.
    level : float
        Level of the pseudo-confidence region ``estimate ± z·se``.
    filled : TrimFillResult, optional
        Draw the filled studies of a trim-and-fill analysis as open circles.
    xlabel : str
        Label of the effect axis.

    Returns
    -------
    matplotlib.figure.Figure or matplotlib.figure.SubFigure
        The figure of ``ax`` (a subfigure when ``ax`` lies in one).

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> fig = funnel_plot([0.1, 0.3, 0.2], [0.01, 0.04, 0.02])
    >>> fig.axes[0].get_ylabel()
    'Standard error'
    """
    import matplotlib.pyplot as plt

    y, v = _data(yi, vi, 1, "a funnel plot")
    se = np.sqrt(v)
    centre = float(np.sum(y / v) / np.sum(1 / v)) if estimate is None else float(estimate)
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 4))
    fig = ax.figure
    top = float(se.max()) * 1.05
    z = float(stats.norm.isf((1 - level) / 2))
    ax.fill([centre - z * top, centre, centre + z * top], [top, 0.0, top], color="0.92", zorder=0,
            label=f"{100 * level:g}% pseudo-confidence region")  # fmt: skip
    ax.plot([centre - z * top, centre, centre + z * top], [top, 0.0, top], color="0.5", lw=0.8, ls="--")
    ax.axvline(centre, color="0.3", lw=0.8)
    ax.scatter(y, se, color="black", s=18, zorder=3, label="studies")
    if filled is not None and filled.k0 > 0:
        ax.scatter(filled.filled["yi"].to_numpy(), np.sqrt(filled.filled["vi"].to_numpy()), facecolors="white",
                   edgecolors="black", s=18, zorder=3, label="filled studies")  # fmt: skip
    ax.set_ylim(top, 0.0)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("Standard error")
    return fig
