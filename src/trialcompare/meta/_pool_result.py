"""The result of a frequentist meta-analysis: :class:`MetaResult`, with leave-one-out, influence and its summary.

Built by :func:`~trialcompare.meta.pool_effects` and :func:`~trialcompare.meta.pool_proportions`
(:mod:`trialcompare.meta._pool`); its refits use the fits of :mod:`trialcompare.meta._pool_fit`.
"""

from __future__ import annotations

import html
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl

from trialcompare.meta._pool_fit import EQUAL_EFFECTS, MetaError, _Fit, _fit_glmm, _fit_uni, _nan_fit
from trialcompare.meta._pool_input import back_transform

__all__ = ["MetaResult"]

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
    method : str
        The τ² estimator (``"REML"``, ``"DL"``, ...), ``"EE"`` for the equal-effects model, or ``"GLMM"``.
    test : {"z", "knha"}
        Normal-based inference or Knapp-Hartung.
    level : float
        Confidence level of every interval.
    transform : str or None
        Model scale of pooled proportions: ``"logit"`` (always, for the GLMM), ``"arcsine"``, ``"freeman-tukey"``
        or ``"raw"``; None for effect sizes (``pool_effects``).
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
        """Whether the Q-profile upper bound of τ² reached its search limit, max(100, 10 τ̂²).

        If so, it is a bound (metafor prints ">100"), and so are the upper bounds of I² and H².
        """
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
