"""Random-effects meta-analysis of proportions and generic effects, pinned to R metafor 3.8.

Everything here reproduces a named metafor function for the intercept-only model:

========================  =========================================================================
trialcompare              metafor
========================  =========================================================================
transform_proportions     ``escalc(measure = "PLO" | "PAS" | "PFT" | "PR", xi, ni)`` (``add = 1/2``,
                          ``to = "only0"``: the 0.5 correction is applied to studies with 0 or n events
                          for PLO and PR only; escalc sets ``add = 0`` for PAS and PFT)
pool_effects              ``rma(yi, vi, method, test)`` + ``predict()`` + ``confint()`` (Q-profile)
pool_proportions          the same on the transformed proportions, or ``rma.glmm(measure = "PLO")``
back_transform            ``transf.ilogit``, ``transf.iarcsin``, ``transf.ipft.hm`` (harmonic-mean n);
                          raw proportions are clipped to [0, 1]
MetaResult.leave_one_out  ``leave1out()``
MetaResult.influence      ``influence()``: rstudent, cook.d, hat, weight
========================  =========================================================================

Numerical differences from metafor, on purpose: iterative τ² estimators (REML, ML, EB, PM) and the
Q-profile bounds are iterated to the numerical solution (metafor stops at |Δτ²| < 1e-5 or a uniroot
tolerance of 1.2e-4), and the Paule-Mandel bracket is widened beyond τ² = 100 instead of stopping.

Failure policy: a τ² algorithm that does not converge returns its last iterate with
``MetaResult.converged = False`` and emits :class:`MetaConvergenceWarning`. A GLMM that has no finite
maximum-likelihood estimate (k = 1, all studies with 0 events, all with n events) raises
:class:`MetaError`. Invalid input raises ``ValueError``.
"""

from __future__ import annotations

import html
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl
from scipy import special, stats

from trialcompare.meta import _glmm
from trialcompare.meta._tau2 import METHODS, estimate_tau2, q_profile, q_statistic
from trialcompare.options import POOLING_METHODS, TESTS, TRANSFORM_CODES

__all__ = [
    "METHODS",
    "TESTS",
    "TRANSFORMS",
    "MetaConvergenceWarning",
    "MetaError",
    "MetaResult",
    "back_transform",
    "pool_effects",
    "pool_proportions",
    "transform_proportions",
]

TRANSFORMS: dict[str, str] = TRANSFORM_CODES
_ALL_METHODS: tuple[str, ...] = (*POOLING_METHODS, "EE")
EQUAL_EFFECTS = "EE"
"""metafor's ``method = "EE"`` (alias "FE"): τ² fixed at 0, inverse-variance weights 1/vᵢ."""
_FT_NOTE = (
    "Freeman-Tukey double-arcsine results are back-transformed with the harmonic mean of the sample "
    "sizes (Miller 1978, metafor transf.ipft.hm); the back-transformation can mislead when sample sizes "
    "differ, so treat them as a sensitivity analysis and use logit or GLMM as the primary analysis."
)


class MetaError(RuntimeError):
    """A meta-analytic model cannot be fitted to these data (e.g. GLMM without finite MLE)."""


class MetaConvergenceWarning(UserWarning):
    """An iterative estimator stopped before converging; ``MetaResult.converged`` is False."""


# --------------------------------------------------------------------------------------------------
# input checking and transformations
# --------------------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------------------
# core fit (intercept-only random-effects model)
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Fit:
    estimate: float
    se: float
    ci: tuple[float, float]
    pi: tuple[float, float]
    tau2: float
    q: float
    q_p: float
    df: int
    i2: float
    h2: float
    vt: float
    weights: np.ndarray
    s2w: float
    test: str
    converged: bool
    q_wald: float | None = None
    tau2_boundary: bool = False


def _nan_fit() -> _Fit:
    """Placeholder row for a leave-one-out GLMM refit that has no finite estimate."""
    nan = float("nan")
    return _Fit(nan, nan, (nan, nan), (nan, nan), nan, nan, nan, 0, nan, nan, nan, np.empty(0), nan, "z", False)


def _typical_variance(v: np.ndarray) -> float:
    """metafor's 'typical' within-study variance (i2def = 1): (k - 1) / tr(P) with FE weights."""
    w = 1.0 / v
    return (v.size - 1) / float(np.sum(w) - np.sum(w**2) / np.sum(w))


def _heterogeneity(y: np.ndarray, v: np.ndarray, tau2: float) -> tuple[float, float, float, float, float]:
    """Q, its p-value, I², H² and the typical variance vt (all as metafor; k = 1 gives 0, 1, 0, 1, 0)."""
    k = y.size
    if k == 1:
        return 0.0, 1.0, 0.0, 1.0, 0.0
    q = max(0.0, q_statistic(y, v))
    vt = _typical_variance(v)
    return q, float(stats.chi2.sf(q, k - 1)), 100.0 * tau2 / (vt + tau2), tau2 / vt + 1.0, vt


def _critical(test: str, level: float, df: int) -> float:
    alpha = 1.0 - level
    if test == "knha":
        return float(stats.t.isf(alpha / 2, df)) if df > 0 else float("nan")
    return float(stats.norm.isf(alpha / 2))


def _tau2_for(y: np.ndarray, v: np.ndarray, method: str) -> tuple[float, bool, bool]:
    """(τ², converged, set to the τ² = 0 boundary by the likelihood check)."""
    if y.size == 1 or method == EQUAL_EFFECTS:
        return 0.0, True, False
    fit = estimate_tau2(y, v, method)
    return fit.tau2, fit.converged, fit.boundary


def _fit_uni(y: np.ndarray, v: np.ndarray, method: str, test: str, level: float) -> _Fit:
    """rma.uni(yi, vi, method, test) + predict() for the intercept-only model."""
    k = y.size
    if k == 1 and test != "z":
        warnings.warn('k = 1: setting test="z" (as metafor does)', UserWarning, stacklevel=3)
        test = "z"
    tau2, converged, boundary = _tau2_for(y, v, method)
    w = 1.0 / (v + tau2)
    est = float(np.sum(w * y) / np.sum(w))
    var = 1.0 / float(np.sum(w))
    s2w = 1.0
    if test == "knha":
        rss = float(np.sum(w * (y - est) ** 2))
        s2w = 0.0 if rss <= np.finfo(float).eps else rss / (k - 1)
        var *= s2w
    se = float(np.sqrt(var))
    crit = _critical(test, level, k - 1)
    half_pi = crit * float(np.sqrt(var + tau2))
    q, q_p, i2, h2, vt = _heterogeneity(y, v, tau2)
    if method == EQUAL_EFFECTS and k > 1:  # rma.uni for EE/FE models: I² and H² from Q, not from τ²
        i2, h2 = (max(0.0, 100.0 * (q - (k - 1)) / q) if q > 0 else 0.0), q / (k - 1)
    return _Fit(
        estimate=est, se=se, ci=(est - crit * se, est + crit * se), pi=(est - half_pi, est + half_pi),
        tau2=tau2, q=q, q_p=q_p, df=k - 1, i2=i2, h2=h2, vt=vt, weights=w, s2w=s2w, test=test,
        converged=converged, tau2_boundary=boundary,
    )  # fmt: skip


def _fit_glmm(events: np.ndarray, totals: np.ndarray, level: float) -> _Fit:
    """rma.glmm(measure = "PLO", xi, ni) + predict() (z-test)."""
    k = events.size
    if k < 2:
        raise MetaError("the GLMM needs at least 2 studies (metafor: more parameters than observations)")
    if np.all(events == 0) or np.all(events == totals):
        raise MetaError(
            "the GLMM has no finite maximum-likelihood estimate when every study has 0 events or every "
            "study has all events; use a transformation with continuity correction (e.g. transform='logit')"
        )
    y, v = transform_proportions(events, totals, "logit")
    start = estimate_tau2(y, v, "DL").tau2
    fit = _glmm.fit_glmm(events, totals, start)
    crit = _critical("z", level, k - 1)
    half_pi = crit * float(np.sqrt(fit.se**2 + fit.tau2))
    q = _glmm.heterogeneity_lrt(events, totals)
    vt = _typical_variance(v)
    return _Fit(
        estimate=fit.estimate, se=fit.se, ci=(fit.estimate - crit * fit.se, fit.estimate + crit * fit.se),
        pi=(fit.estimate - half_pi, fit.estimate + half_pi), tau2=fit.tau2, q=q,
        q_p=float(stats.chi2.sf(q, k - 1)), df=k - 1, i2=100 * fit.tau2 / (vt + fit.tau2),
        h2=fit.tau2 / vt + 1, vt=vt, weights=1.0 / (v + fit.tau2), s2w=1.0, test="z",
        converged=fit.converged, q_wald=_glmm.heterogeneity_wald(events, totals),
    )  # fmt: skip


# --------------------------------------------------------------------------------------------------
# result object
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MetaResult:
    """Result of a random-effects meta-analysis (model scale unless stated otherwise).

    Attributes
    ----------
    estimate, se : float
        Pooled estimate and its standard error (Knapp-Hartung-scaled for ``test="knha"``).
    ci, pi : tuple of float
        Confidence and prediction interval (``predict.rma``: t(k − 1) quantiles under Knapp-Hartung).
    tau2 : float
        Between-study variance (never negative).
    tau2_ci, i2_ci, h2_ci : tuple of float or None
        Q-profile intervals (``confint.rma.uni``); None when not available (k = 1, GLMM).
    i2, h2 : float
        I² (percent) and H², from τ² and metafor's typical within-study variance.
    q, q_p, df : float, float, int
        Cochran's Q (for the GLMM: the likelihood-ratio statistic ``QE.LRT``), p-value, degrees of freedom.
    q_wald : float or None
        GLMM only: Wald-type heterogeneity statistic ``QE.Wld`` (NaN if a study has 0 or n events).
    k : int
        Number of studies.
    proportion : tuple of float or None
        ``(estimate, ci_low, ci_high, pi_low, pi_high)`` back-transformed (``pool_proportions`` only).
    back_transform_note : str or None
        Set for Freeman-Tukey: the back-transformation is a sensitivity analysis.
    converged : bool
        False if an iterative estimator stopped early (a :class:`MetaConvergenceWarning` was emitted).
    studies : polars.DataFrame
        Per-study ``label, yi, vi, ci_low, ci_high, weight`` (percent), plus ``events, totals,
        proportion, proportion_ci_low, proportion_ci_high`` for proportions. For the GLMM the weights
        are the inverse-variance weights 1/(vi + τ²) of the logit-transformed data (display only).
    tau2_boundary : bool
        τ² was set to 0 by metafor's likelihood check (the likelihood at 0 beats the iterative solution); the
        summary says so.
    """

    estimate: float
    se: float
    ci: tuple[float, float]
    pi: tuple[float, float]
    tau2: float
    tau2_ci: tuple[float, float] | None
    i2: float
    i2_ci: tuple[float, float] | None
    h2: float
    h2_ci: tuple[float, float] | None
    q: float
    q_p: float
    df: int
    k: int
    method: str
    test: str
    level: float
    transform: str | None
    converged: bool
    studies: pl.DataFrame = field(repr=False)
    proportion: tuple[float, float, float, float, float] | None = None
    back_transform_note: str | None = None
    q_wald: float | None = None
    tau2_boundary: bool = False
    _y: np.ndarray = field(default_factory=lambda: np.empty(0), repr=False)
    _v: np.ndarray = field(default_factory=lambda: np.empty(0), repr=False)
    _events: np.ndarray | None = field(default=None, repr=False)
    _totals: np.ndarray | None = field(default=None, repr=False)

    # ---- leave-one-out and influence ----------------------------------------------------------

    def _loo_fits(self) -> list[_Fit]:
        if self.k < 2:
            raise MetaError("leave-one-out analysis needs at least 2 studies (k = 1)")
        keep = [np.arange(self.k) != i for i in range(self.k)]
        if self.method == "GLMM":
            assert self._events is not None and self._totals is not None
            return [self._glmm_or_nan(self._events[m], self._totals[m]) for m in keep]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return [_fit_uni(self._y[m], self._v[m], self.method, self.test, self.level) for m in keep]

    def _glmm_or_nan(self, events: np.ndarray, totals: np.ndarray) -> _Fit:
        try:
            return _fit_glmm(events, totals, self.level)
        except MetaError:
            return _nan_fit()

    def leave_one_out(self) -> pl.DataFrame:
        """Refit with each study omitted in turn (metafor ``leave1out()``).

        Returns
        -------
        polars.DataFrame
            One row per omitted study, in input order: ``study, estimate, se, ci_low, ci_high, q, q_p,
            tau2, i2, h2, converged`` (False where the refit's iterative estimator or GLMM did not converge, or
            the refit has no finite estimate; the refits' convergence warnings are not repeated) and, for
            proportions, ``proportion, proportion_ci_low, proportion_ci_high``
            (back-transformed; Freeman-Tukey uses the harmonic mean of all studies' sample sizes, as
            ``leave1out(res, transf = transf.ipft.hm, targs = list(ni = ni))``).

        Raises
        ------
        MetaError
            If k = 1.
        """
        fits = self._loo_fits()
        cols: dict[str, Any] = {"study": self.studies["label"].to_list()}
        for name in ("estimate", "se", "q", "q_p", "tau2", "i2", "h2"):
            cols[name] = [float(getattr(f, name)) for f in fits]
        cols["ci_low"] = [f.ci[0] for f in fits]
        cols["ci_high"] = [f.ci[1] for f in fits]
        cols["converged"] = [bool(f.converged) for f in fits]
        order = ["study", "estimate", "se", "ci_low", "ci_high", "q", "q_p", "tau2", "i2", "h2", "converged"]
        frame = pl.DataFrame({c: cols[c] for c in order})
        if self.transform is not None:
            frame = frame.with_columns(
                pl.Series("proportion", self._back(frame["estimate"].to_numpy())),
                pl.Series("proportion_ci_low", self._back(frame["ci_low"].to_numpy())),
                pl.Series("proportion_ci_high", self._back(frame["ci_high"].to_numpy())),
            )
        return frame

    def influence(self) -> pl.DataFrame:
        """Case-deletion diagnostics (metafor ``influence()``).

        Returns
        -------
        polars.DataFrame
            ``study, rstudent, cooks_distance, hat, weight`` (weight in percent). Hat values come from the
            diagonal formula ``wᵢ / Σw`` (no k×k matrix).

        Raises
        ------
        MetaError
            If k = 1 or the model is a GLMM (metafor has no ``influence()`` for ``rma.glmm``).
        """
        if self.method == "GLMM":
            raise MetaError("influence diagnostics are not defined for the GLMM (as in metafor)")
        fits = self._loo_fits()
        est_del = np.array([f.estimate for f in fits])
        tau2_del = np.array([f.tau2 for f in fits])
        s2w_del = np.array([f.s2w for f in fits])
        var_del = np.array([f.se**2 for f in fits])
        resid = self._y - est_del
        resid[np.abs(resid) < 100 * np.finfo(float).eps] = 0.0
        rstudent = resid / np.sqrt(self._v * s2w_del + var_del + tau2_del * s2w_del)
        cooks = (self.estimate - est_del) ** 2 / self.se**2
        hat = self.studies["weight"].to_numpy() / 100.0
        return pl.DataFrame(
            {
                "study": self.studies["label"].to_list(),
                "rstudent": rstudent,
                "cooks_distance": cooks,
                "hat": hat,
                "weight": hat * 100.0,
            }
        )

    def _back(self, x: np.ndarray) -> np.ndarray:
        assert self.transform is not None
        return back_transform(x, self.transform, self._totals)

    @property
    def tau2_upper_bounded(self) -> bool:
        """The Q-profile upper bound of τ² reached the search limit max(100, 10 τ̂²): it is a bound (metafor prints
        ">100"), and so are the upper bounds of I² and H²."""
        return self.tau2_ci is not None and self.tau2_ci[1] >= max(100.0, 10.0 * self.tau2) * (1 - 1e-12)

    # ---- presentation --------------------------------------------------------------------------

    def _rows(self) -> list[tuple[str, str]]:
        pct = f"{100 * self.level:g}%"
        rows = [
            ("Model", f"{self._model_words()}, test {self.test}, k = {self.k}"),
            ("Estimate (model scale)", f"{self.estimate:.4f} (SE {self.se:.4f})"),
            (f"{pct} CI", _fmt_interval(self.ci)),
            (f"{pct} prediction interval", _fmt_interval(self.pi)),
            ("τ²", f"{self.tau2:.4f}  {pct} CI {_fmt_interval(self.tau2_ci, bound=self.tau2_upper_bounded)}"),
            ("I²", f"{self.i2:.1f}%  {pct} CI {_fmt_interval(self.i2_ci, '.1f', self.tau2_upper_bounded)}"),
            ("H²", f"{self.h2:.2f}  {pct} CI {_fmt_interval(self.h2_ci, '.2f', self.tau2_upper_bounded)}"),
            ("Q", f"{self.q:.3f} on {self.df} df, p = {self.q_p:.4g}"),
        ]
        if self.proportion is not None:
            p = self.proportion
            rows.append(("Proportion", f"{p[0]:.4f}, CI {_fmt_interval(p[1:3])}, PI {_fmt_interval(p[3:5])}"))
        if not self.converged:
            rows.append(("Warning", "the estimation algorithm did not converge"))
        if self.back_transform_note:
            rows.append(("Note", self.back_transform_note))
        if self.tau2_boundary:
            rows.append(("Note", f"τ² set to 0: the {'restricted ' if self.method == 'REML' else ''}likelihood at "
                                 "τ² = 0 is higher than at the iterative solution (metafor's ll0check)"))
        return rows

    def _model_words(self) -> str:
        if self.method == EQUAL_EFFECTS:
            return "equal effects (inverse variance, τ² = 0)"
        return f"random effects, τ² by {self.method}"

    def summary(self) -> str:
        """Readable multi-line summary of the fit.

        Returns
        -------
        str
            One ``label: value`` line per quantity.
        """
        rows = self._rows()
        width = max(len(label) for label, _ in rows)
        return "\n".join(f"{label.ljust(width)} : {value}" for label, value in rows)

    def _repr_html_(self) -> str:
        body = "".join(
            f"<tr><th style='text-align:left'>{html.escape(a)}</th><td>{html.escape(b)}</td></tr>"
            for a, b in self._rows()
        )
        return f"<table class='trialcompare-meta'>{body}</table>"


def _fmt_interval(ci: Sequence[float] | None, spec: str = ".4f", bound: bool = False) -> str:
    """``[lo, hi]``; with ``bound`` the upper end is a bound of the search ("[0.86, >100]")."""
    if ci is None:
        return "not available"
    upper = f">{format(ci[1], 'g')}" if bound else format(ci[1], spec)
    return f"[{format(ci[0], spec)}, {upper}]"


# --------------------------------------------------------------------------------------------------
# public API
# --------------------------------------------------------------------------------------------------


def _qprofile_cis(fit: _Fit, y: np.ndarray, v: np.ndarray, method: str, level: float) -> tuple[Any, Any, Any]:
    if y.size < 2 or method in ("GLMM", EQUAL_EFFECTS):
        return None, None, None
    lb, ub = q_profile(y, v, fit.tau2, level)
    vt = fit.vt
    return (lb, ub), (100 * lb / (vt + lb), 100 * ub / (vt + ub)), (lb / vt + 1, ub / vt + 1)


def _studies_frame(y: np.ndarray, v: np.ndarray, weights: np.ndarray, labels: list[str], level: float) -> pl.DataFrame:
    z = float(stats.norm.isf((1 - level) / 2))
    half = z * np.sqrt(v)
    return pl.DataFrame(
        {
            "label": labels,
            "yi": y,
            "vi": v,
            "ci_low": y - half,
            "ci_high": y + half,
            "weight": 100.0 * weights / np.sum(weights),
        }
    )


def _warn_if_not_converged(fit: _Fit, method: str) -> None:
    if not fit.converged:
        warnings.warn(
            f"the {method} estimator did not converge; results are from the last iterate "
            "(MetaResult.converged is False)",
            MetaConvergenceWarning,
            stacklevel=3,
        )


def _assemble(fit: _Fit, y: np.ndarray, v: np.ndarray, method: str, level: float, labels: list[str]) -> MetaResult:
    tau2_ci, i2_ci, h2_ci = _qprofile_cis(fit, y, v, method, level)
    _warn_if_not_converged(fit, method)
    return MetaResult(
        estimate=fit.estimate, se=fit.se, ci=fit.ci, pi=fit.pi, tau2=fit.tau2, tau2_ci=tau2_ci, i2=fit.i2,
        i2_ci=i2_ci, h2=fit.h2, h2_ci=h2_ci, q=fit.q, q_p=fit.q_p, df=fit.df, k=y.size, method=method,
        test=fit.test, level=level, transform=None, converged=fit.converged,
        studies=_studies_frame(y, v, fit.weights, labels, level), q_wald=fit.q_wald, tau2_boundary=fit.tau2_boundary,
        _y=y, _v=v,
    )  # fmt: skip


def _check_options(method: str, test: str, level: float) -> float:
    _check_choice(method, _ALL_METHODS, "method")
    _check_choice(test, TESTS, "test")
    if method == "GLMM" and test == "knha":
        raise ValueError("test='knha' is not defined for the GLMM; use test='z'")
    return _check_level(level)


def pool_effects(
    yi: Any,
    vi: Any,
    method: str = "REML",
    test: str = "z",
    level: float = 0.95,
    labels: Sequence[str] | None = None,
) -> MetaResult:
    """Random- or equal-effects meta-analysis of generic effect sizes (metafor ``rma(yi, vi, ...)``).

    Every τ² estimator of ``rma.uni`` is available, and ``method="EE"`` is the equal-effects (inverse-variance,
    "fixed-effect") model: τ² = 0, weights 1/vᵢ, I² = (Q − (k − 1))/Q and H² = Q/(k − 1) as metafor reports for
    EE models, the prediction interval equal to the confidence interval, and no Q-profile intervals. ``test="knha"``
    with ``"EE"`` is computed as metafor computes it (which warns that Knapp-Hartung is not meant for EE models).

    Parameters
    ----------
    yi, vi : array_like
        Effect sizes and their sampling variances (``vi > 0``).
    method : {"REML", "DL", "PM", "ML", "SJ", "HE", "HS", "EB", "EE"}
        τ² estimator, or ``"EE"`` for the equal-effects model.
    test : {"z", "knha"}
        Normal-based inference or Knapp-Hartung (t with k − 1 df, also for the prediction interval).
    level : float
        Confidence level for all intervals.
    labels : sequence of str, optional
        Study labels (default ``"Study 1"``, ...).

    Returns
    -------
    MetaResult
        Pooled estimate, heterogeneity, intervals; no back-transformation.

    Examples
    --------
    >>> r = pool_effects([0.1, 0.3, 0.5], [0.01, 0.02, 0.03], method="DL")
    >>> round(r.estimate, 4)
    0.2674
    """
    y = _as_vector(yi, "yi")
    v = _as_vector(vi, "vi")
    if y.size != v.size:
        raise ValueError(f"yi and vi differ in length ({y.size} vs {v.size})")
    if np.any(v <= 0):
        raise ValueError(f"sampling variances must be positive; not at positions {np.flatnonzero(v <= 0).tolist()}")
    level = _check_options(method, test, level)
    if method == "GLMM":
        raise ValueError("method='GLMM' needs counts: use pool_proportions")
    names = _check_labels(labels, y.size)
    return _assemble(_fit_uni(y, v, method, test, level), y, v, method, level, names)


def _proportion_columns(frame: pl.DataFrame, x: np.ndarray, n: np.ndarray, transform: str) -> pl.DataFrame:
    def back_each(col: str) -> np.ndarray:
        vals = frame[col].to_numpy()
        if transform != "freeman-tukey":
            return back_transform(vals, transform)
        return np.array([back_transform([a], transform, [b])[0] for a, b in zip(vals, n, strict=True)])

    return frame.with_columns(
        pl.Series("events", x),
        pl.Series("totals", n),
        pl.Series("proportion", x / n),
        pl.Series("proportion_ci_low", back_each("ci_low")),
        pl.Series("proportion_ci_high", back_each("ci_high")),
    )


def pool_proportions(
    events: Any,
    totals: Any,
    transform: str = "logit",
    method: str = "REML",
    test: str = "z",
    level: float = 0.95,
    labels: Sequence[str] | None = None,
    tau_prior: Sequence[Any] = ("halfnormal", 0.5),
    mu_prior: Sequence[Any] | None = None,
) -> Any:
    """Random-effects meta-analysis of single proportions (metafor ``escalc`` + ``rma`` or ``rma.glmm``).

    ``method="bayes"`` fits the Bayesian normal-normal model on the transformed proportions (default logit) by
    :func:`~trialcompare.meta.bayes_pool` with ``tau_prior`` and ``mu_prior`` and returns its
    :class:`~trialcompare.meta.BayesResult` (with ``proportion`` back-transformed); every other method returns a
    :class:`MetaResult`.

    Parameters
    ----------
    events, totals : array_like
        Event counts and sample sizes per study.
    transform : {"logit", "arcsine", "freeman-tukey", "raw"}
        Model scale (escalc PLO, PAS, PFT, PR). Ignored for ``method="GLMM"`` (always logit, no
        continuity correction).
    method : {"REML", "DL", "PM", "ML", "SJ", "HE", "HS", "EB", "EE", "GLMM", "bayes"}
        τ² estimator, ``"EE"`` (equal effects, τ² = 0), the binomial-normal GLMM fitted by ML with 7-node
        adaptive Gauss-Hermite quadrature (``rma.glmm(measure = "PLO")``), or ``"bayes"`` (see above).
    test : {"z", "knha"}
        Normal-based inference or Knapp-Hartung (not available for the GLMM).
    level : float
        Confidence level.
    labels : sequence of str, optional
        Study labels.
    tau_prior, mu_prior : tuple
        Priors of ``method="bayes"`` (see :func:`~trialcompare.meta.bayes_pool`); ignored otherwise.

    Returns
    -------
    MetaResult or BayesResult
        Model-scale results plus ``proportion = (estimate, ci_low, ci_high, pi_low, pi_high)`` (for
        ``"bayes"``: posterior median, credible interval and posterior predictive interval).

    Raises
    ------
    ValueError
        Invalid counts or options.
    MetaError
        GLMM without finite maximum-likelihood estimate (k = 1, all 0 events, all n events).

    Examples
    --------
    >>> r = pool_proportions([4, 6, 9], [20, 22, 25], method="DL")
    >>> round(r.proportion[0], 3)
    0.288
    >>> b = pool_proportions([4, 6, 9], [20, 22, 25], method="bayes", tau_prior=("halfnormal", 0.5))
    >>> b.method, b.transform, 0.2 < b.proportion[0] < 0.35
    ('bayes', 'logit', True)
    """
    x, n = _check_counts(events, totals)
    _check_choice(transform, tuple(TRANSFORMS), "transform")
    if method == "bayes":
        return _pool_bayes(x, n, transform, test, level, labels, tau_prior, mu_prior)
    level = _check_options(method, test, level)
    names = _check_labels(labels, x.size)
    if method == "GLMM":
        transform = "logit"
    y, v = transform_proportions(x, n, transform)
    fit = _fit_glmm(x, n, level) if method == "GLMM" else _fit_uni(y, v, method, test, level)
    res = _assemble(fit, y, v, method, level, names)
    prop = back_transform([fit.estimate, *fit.ci, *fit.pi], transform, n)
    note = _FT_NOTE if transform == "freeman-tukey" else None
    return _replace(
        res, transform=transform, proportion=tuple(float(p) for p in prop), back_transform_note=note,
        studies=_proportion_columns(res.studies, x, n, transform), _events=x, _totals=n,
    )  # fmt: skip


def _replace(res: MetaResult, **changes: Any) -> MetaResult:
    from dataclasses import replace

    return replace(res, **changes)


def _pool_bayes(
    x: np.ndarray, n: np.ndarray, transform: str, test: str, level: float, labels: Sequence[str] | None,
    tau_prior: Sequence[Any], mu_prior: Sequence[Any] | None,
) -> Any:
    """``pool_proportions(method="bayes")``: bayes_pool on the transformed proportions, quantiles back-transformed."""
    from dataclasses import replace

    from ._bayes import bayes_pool

    if test != "z":
        raise ValueError("test applies to frequentist pooling only; method='bayes' gives credible intervals")
    y, v = transform_proportions(x, n, transform)
    res = bayes_pool(y, v, tau_prior=tau_prior, mu_prior=mu_prior, level=level, labels=_check_labels(labels, x.size))
    q = [res.mu.median, res.mu.lower, res.mu.upper, res.predictive.lower, res.predictive.upper]
    prop = back_transform(q, transform, n)
    return replace(res, transform=transform, proportion=tuple(float(p) for p in prop))
