"""The meta-analytic check as a benchmark: pool the comparators, predict a new cohort, place the reference.

Pooling cohorts of different regimens estimates no treatment effect. What a meta-analysis of published cohorts can
say is how a *new* cohort treated like the comparators would likely turn out: the random-effects prediction
interval. The reference cohort is then placed against that interval; it is never pooled into it.

Rules (DESIGN.md, "Numbers must be right"; Cochrane Handbook 10.10.4.3; IntHout et al. 2016):

* comparators are the cohorts with a usable count, minus the reference, minus cohorts that share a trial
  registration with the reference (their patients may overlap), minus other arms of the reference's own study,
  minus control arms of randomised studies (unless ``include_controls``), minus those left out by request. Each
  exclusion is a row of :attr:`Benchmark.excluded` with a reason code (:data:`trialcompare.options.BENCHMARK_REASONS`).
* A **control arm** is a cohort whose ``design.arm_of`` says ``randomised: true`` and whose arm name, label,
  regimen text or an agent name says *placebo* or *best supportive care* (the descriptors have no explicit
  control flag).
* k < 3 comparators: not estimable (``estimable=False``, reason ``"k<3"``): no pooled number, no interval.
* k ≥ 3: random effects on the logit (or chosen) scale. The confidence interval is Hartung-Knapp-Sidik-Jonkman
  (``rma(test = "knha")``, t with k − 1 df) for k < 5 and normal (z) for k ≥ 5; both are in
  :attr:`Benchmark.intervals`, with a ``primary`` flag. The prediction interval is
  ``μ̂ ± t(k−2; 1−α/2) · sqrt(τ̂² + SE²)`` with the SE of the primary test — computed here explicitly, because
  metafor 3.8's ``predict()`` uses t(k − 1) under ``test = "knha"`` and z otherwise.
* When a comparator has 0% or 100%, the binomial-normal GLMM (``rma.glmm(measure = "PLO")``) is primary: its
  τ² and SE make the prediction interval and its CI uses t(k − 1) for k < 5 (``rma.glmm(test = "t")``), z for
  k ≥ 5. Heterogeneity CIs are then those of the normal-normal model (metafor has no Q-profile for the GLMM).
* τ², I² and H² come with Q-profile CIs (``confint()``); a bound beyond the search limit ``max(100, 10 τ̂²)`` is
  flagged (``upper_bounded``; metafor prints it as ">limit") and the limit is stored — never a fake number.
* A sensitivity summary replaces the estimator × transform grid in the report body: one range of the pooled
  estimate and of the prediction bounds over all fits (:class:`SensitivityRange`); the grid stays for the annex.

Numbers are pinned to R metafor 3.8-1 (``tests/fixtures/benchmark_reference.R``).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl
from scipy import stats

from ..load import CohortSet
from ..options import BENCHMARK_REASONS, TAU2_METHODS, TRANSFORMS
from ..rules import is_control_arm as _is_control_arm
from ..stats.proportions import proportion_ci
from ._pool import MetaError, MetaResult, back_transform, pool_proportions
from ._tau2 import q_statistic
from .suite import outcome_data

__all__ = [
    "Benchmark",
    "Heterogeneity",
    "SensitivityRange",
    "benchmark",
    "benchmark_counts",
    "is_control_arm",
    "scenario_worth_showing",
    "subgroup_worth_showing",
]

_MIN_K = 3
_Z_FROM_K = 5

COMPARATOR_SCHEMA: dict[str, Any] = {
    "cohort": pl.String, "events": pl.Int64, "total": pl.Int64, "proportion": pl.Float64, "ci_low": pl.Float64,
    "ci_high": pl.Float64, "approximate": pl.Boolean,
}  # fmt: skip
EXCLUDED_SCHEMA: dict[str, Any] = {"cohort": pl.String, "reason": pl.String, "detail": pl.String}
OVERLAP_SCHEMA: dict[str, Any] = {"cohort": pl.String, "other": pl.String, "registration": pl.String}
INTERVAL_SCHEMA: dict[str, Any] = {
    "interval": pl.String, "test": pl.String, "distribution": pl.String, "df": pl.Int64, "low": pl.Float64,
    "high": pl.Float64, "primary": pl.Boolean,
}  # fmt: skip
GRID_SCHEMA: dict[str, Any] = {
    "transform": pl.String, "method": pl.String, "model": pl.String, "test": pl.String, "k": pl.Int64,
    "proportion": pl.Float64, "ci_low": pl.Float64, "ci_high": pl.Float64, "pi_low": pl.Float64,
    "pi_high": pl.Float64, "tau2": pl.Float64, "converged": pl.Boolean, "primary": pl.Boolean, "error": pl.String,
}  # fmt: skip


# --------------------------------------------------------------------------------------------------
# result objects
# --------------------------------------------------------------------------------------------------


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


@dataclass(frozen=True, repr=False)
class Benchmark:
    """The comparators' random-effects benchmark for one outcome, and where the reference falls.

    All proportions are on the proportion scale (back-transformed); codes are those of
    :data:`trialcompare.options.BENCHMARK_REASONS`.

    Attributes
    ----------
    outcome, reference : str
        Outcome name and reference cohort id.
    level : float
        Confidence level of every interval.
    transform, method : str
        Model scale and τ² estimator of the normal-normal model (the GLMM is always logit).
    k : int
        Number of comparators pooled.
    comparators : polars.DataFrame
        ``cohort, events, total, proportion, ci_low, ci_high, approximate`` (exact Clopper-Pearson CIs).
    excluded : polars.DataFrame
        ``cohort, reason, detail``: every cohort not pooled and why (``detail``: the shared registration, the
        study name, or null).
    overlaps : polars.DataFrame
        ``cohort, other, registration``: comparator pairs sharing a registration (not arms of one study).
    estimable : bool
        False for k < 3 (then every number below is None).
    reason : str or None
        ``"k<3"`` when not estimable.
    model : str or None
        ``"normal-normal"`` or ``"GLMM"``.
    test : str or None
        Test of the primary CI: ``"knha"`` / ``"z"`` (normal-normal), ``"t"`` / ``"z"`` (GLMM).
    pooled : tuple of float or None
        ``(estimate, ci_low, ci_high)`` of the primary model.
    prediction : tuple of float or None
        ``(low, high)``: the t(k − 2) prediction interval for a new comparator-like cohort.
    prediction_df : int or None
        ``k − 2``.
    intervals : polars.DataFrame
        Every CI and PI computed (``interval, test, distribution, df, low, high, primary``).
    tau2 : float or None
        τ² of the primary model (the GLMM's when the GLMM is primary): the one in the prediction interval.
    heterogeneity : Heterogeneity or None
        Q-profile heterogeneity of the normal-normal model.
    reference_count : tuple of int or None
        ``(events, total)`` of the reference (None if it has no usable count).
    reference_proportion : tuple of float or None
        ``(proportion, ci_low, ci_high)``, exact CI.
    position : str or None
        ``"below"``, ``"within"`` or ``"above"`` the prediction interval.
    reference_ci_overlaps_pi : bool or None
        Whether the reference's CI overlaps the prediction interval.
    grid : polars.DataFrame
        One fit per transform × τ² estimator plus the GLMM (annex).
    grid_range : SensitivityRange or None
        The range of the grid.
    notes : tuple of str
        Codes: ``"glmm-primary"``, ``"glmm-failed"``, ``"endpoint-differs"``, ``"approximate-counts"``,
        ``"comparator-overlap"``.
    bayes_prediction : tuple of float or None
        For 3 to 5 comparators: ``(low, high)`` of the Bayesian posterior predictive interval for a new cohort
        (normal-normal model on the logit scale, flat prior on μ, the τ prior in ``bayes_prior``; exact
        integration, :func:`~trialcompare.meta.bayes_pool`), to show beside the t(k − 2) interval.
    bayes_prior : tuple or None
        Its τ prior, e.g. ``("halfnormal", 0.5)``.
    """

    outcome: str
    reference: str
    level: float
    transform: str
    method: str
    k: int
    comparators: pl.DataFrame
    excluded: pl.DataFrame
    overlaps: pl.DataFrame
    estimable: bool
    reason: str | None
    model: str | None
    test: str | None
    pooled: tuple[float, float, float] | None
    prediction: tuple[float, float] | None
    prediction_df: int | None
    intervals: pl.DataFrame
    tau2: float | None
    heterogeneity: Heterogeneity | None
    reference_count: tuple[int, int] | None
    reference_proportion: tuple[float, float, float] | None
    position: str | None
    reference_ci_overlaps_pi: bool | None
    grid: pl.DataFrame
    grid_range: SensitivityRange | None
    notes: tuple[str, ...] = field(default=())
    bayes_prediction: tuple[float, float] | None = None
    bayes_prior: tuple[Any, ...] | None = None

    def __repr__(self) -> str:
        lines = [f"Benchmark({self.outcome}; reference {self.reference} {_fmt_ref(self)})",
                 f"  comparators (k = {self.k}): {_fmt_comparators(self.comparators)}",
                 f"  excluded: {_fmt_excluded(self.excluded)}"]  # fmt: skip
        if not self.estimable:
            lines.append(f"  not estimable ({self.reason})")
        else:
            assert self.pooled is not None and self.prediction is not None
            pct = f"{100 * self.level:g}%"
            lines += [
                f"  model {self.model}, test {self.test}: pooled {_pct(self.pooled[0])} "
                f"({pct} CI {_pct(self.pooled[1])} to {_pct(self.pooled[2])})",
                f"  {pct} prediction interval, t({self.prediction_df}): {_pct(self.prediction[0])} to "
                f"{_pct(self.prediction[1])}; reference {self.position or 'not placed (no count)'}"
                + (" (its CI overlaps)" if self.reference_ci_overlaps_pi and self.position != "within" else ""),
                f"  τ² of the {self.model} model {self.tau2:.4f}; {_fmt_heterogeneity(self.heterogeneity)}",
            ]
            if self.grid_range is not None:
                g = self.grid_range
                lines.append(f"  sensitivity ({g.n_fits} fits): pooled {_pct(g.estimate[0])} to {_pct(g.estimate[1])}, "
                             f"PI low {_pct(g.pi_low[0])}-{_pct(g.pi_low[1])}, high {_pct(g.pi_high[0])}-"
                             f"{_pct(g.pi_high[1])}")  # fmt: skip
        if self.notes:
            lines.append(f"  notes: {', '.join(self.notes)}")
        return "\n".join(lines)

    def reasons(self) -> dict[str, str]:
        """Words for every code this benchmark uses (exclusions, estimability, notes).

        Returns
        -------
        dict of str to str
            Code → words, from :data:`trialcompare.options.BENCHMARK_REASONS`.
        """
        codes = [*self.excluded["reason"].to_list(), *([self.reason] if self.reason else []), *self.notes]
        return {c: BENCHMARK_REASONS[c] for c in dict.fromkeys(codes)}


def _pct(p: float) -> str:
    return f"{100 * p:.1f}%"


def _fmt_ref(b: Benchmark) -> str:
    if b.reference_count is None or b.reference_proportion is None:
        return "(no usable count)"
    x, n = b.reference_count
    p, lo, hi = b.reference_proportion
    return f"{x}/{n} = {_pct(p)}, exact CI {_pct(lo)} to {_pct(hi)}"


def _fmt_comparators(frame: pl.DataFrame) -> str:
    return ", ".join(f"{r['cohort']} {r['events']}/{r['total']}" for r in frame.iter_rows(named=True)) or "none"


def _fmt_excluded(frame: pl.DataFrame) -> str:
    return ", ".join(f"{r['cohort']} ({r['reason']})" for r in frame.iter_rows(named=True)) or "none"


def _fmt_heterogeneity(h: Heterogeneity | None) -> str:
    if h is None:
        return "Q-profile: not available"
    up = ">" if h.upper_bounded else ""
    lo = ">" if h.lower_bounded else ""
    return (f"{h.model}: τ² {h.tau2:.4f} (Q-profile {lo}{h.tau2_ci[0]:.4f} to {up}{h.tau2_ci[1]:.4f}), "
            f"I² {h.i2:.1f}% ({lo}{h.i2_ci[0]:.1f} to {up}{h.i2_ci[1]:.1f}), H² {h.h2:.2f}")  # fmt: skip


# --------------------------------------------------------------------------------------------------
# which cohorts are comparators
# --------------------------------------------------------------------------------------------------


def _registrations(cohorts: CohortSet, cid: str) -> list[str]:
    return list(dict.fromkeys(r.id.strip().upper() for r in cohorts[cid].descriptor.design.registrations))


def is_control_arm(cohorts: CohortSet, cid: str) -> bool:
    """Whether a cohort is the control arm of a randomised study (the rule of this module).

    Parameters
    ----------
    cohorts : CohortSet
        Loaded descriptors.
    cid : str
        Cohort id.

    Returns
    -------
    bool
        True if ``design.arm_of.randomised`` and the arm name, label, regimen text or an agent name says
        placebo or best supportive care.
    """
    return _is_control_arm(cohorts[cid].descriptor)


def _same_study(cohorts: CohortSet, a: str, b: str) -> str | None:
    arm_a, arm_b = cohorts[a].descriptor.design.arm_of, cohorts[b].descriptor.design.arm_of
    if arm_a is not None and arm_b is not None and arm_a.study == arm_b.study and arm_a.arm != arm_b.arm:
        return arm_a.study
    return None


def _structural_reason(cohorts: CohortSet, cid: str, reference: str, user: set[str], controls: bool) -> tuple:
    """(reason, detail) for a cohort that is not a comparator whatever its data, else (None, None)."""
    if cid == reference:
        return "reference", None
    if cid in user:
        return "user", None
    study = _same_study(cohorts, cid, reference)
    if study is not None:
        return "same-study", study
    shared = [r for r in _registrations(cohorts, cid) if r in set(_registrations(cohorts, reference))]
    if shared:
        return "shares-registration", ", ".join(shared)
    if not controls and is_control_arm(cohorts, cid):
        return "control-arm", cohorts[cid].descriptor.design.arm_of.study  # type: ignore[union-attr]
    return None, None


def _overlaps(cohorts: CohortSet, ids: list[str]) -> pl.DataFrame:
    rows = []
    for i, a in enumerate(ids):
        for b in ids[i + 1 :]:
            if _same_study(cohorts, a, b) is None:
                shared = [r for r in _registrations(cohorts, a) if r in set(_registrations(cohorts, b))]
                rows += [{"cohort": a, "other": b, "registration": r} for r in shared]
    return pl.DataFrame(rows, schema=OVERLAP_SCHEMA, orient="row")


def _comparator_frame(events: Sequence[int], totals: Sequence[int], labels: Sequence[str],
                      approximate: Sequence[bool], level: float) -> pl.DataFrame:  # fmt: skip
    x = np.asarray(events, dtype=float)
    n = np.asarray(totals, dtype=float)
    lo, hi = proportion_ci(x, n, "exact", level) if x.size else (np.empty(0), np.empty(0))
    return pl.DataFrame(
        {"cohort": list(labels), "events": [int(v) for v in events], "total": [int(v) for v in totals],
         "proportion": x / n if x.size else [], "ci_low": np.atleast_1d(lo), "ci_high": np.atleast_1d(hi),
         "approximate": [bool(a) for a in approximate]},
        schema=COMPARATOR_SCHEMA,
    )  # fmt: skip


# --------------------------------------------------------------------------------------------------
# fitting
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Primary:
    model: str
    test: str
    transform: str
    res: MetaResult
    alternative: MetaResult | None  # the same model with the other test (normal-normal only)
    notes: tuple[str, ...]


def _quiet_pool(x: np.ndarray, n: np.ndarray, **kw: Any) -> MetaResult:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return pool_proportions(x, n, **kw)


def _primary_test(k: int, model: str) -> str:
    if k >= _Z_FROM_K:
        return "z"
    return "t" if model == "GLMM" else "knha"


def _fit_primary(x: np.ndarray, n: np.ndarray, transform: str, method: str, level: float) -> _Primary:
    k = x.size
    notes: tuple[str, ...] = ()
    if np.any((x == 0) | (x == n)):
        try:
            res = _quiet_pool(x, n, method="GLMM", test="z", level=level)
        except MetaError:
            notes = ("glmm-failed",)
        else:
            return _Primary("GLMM", _primary_test(k, "GLMM"), "logit", res, None, ("glmm-primary",))
    test = _primary_test(k, "normal-normal")
    other = "z" if test == "knha" else "knha"
    res = _quiet_pool(x, n, transform=transform, method=method, test=test, level=level)
    alt = _quiet_pool(x, n, transform=transform, method=method, test=other, level=level)
    return _Primary("normal-normal", test, transform, res, alt, notes)


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


def _interval_rows(p: _Primary, n: np.ndarray, k: int, level: float) -> list[dict[str, Any]]:
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
            blo, bhi = back_transform([lo, hi], p.transform, n)
            rows.append({"interval": kind, "test": test, "distribution": dist, "df": None if dist == "normal" else df,
                         "low": float(blo), "high": float(bhi), "primary": test == p.test})  # fmt: skip
    return rows


def _heterogeneity(res: MetaResult, level: float) -> Heterogeneity:
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


def _grid(x: np.ndarray, n: np.ndarray, level: float, primary: tuple[str, str]) -> pl.DataFrame:
    cells = [(t, m) for t in TRANSFORMS for m in TAU2_METHODS] + [("logit", "GLMM")]
    rows = [_grid_row(x, n, t, m, level) | {"primary": (t, m) == primary} for t, m in cells]
    for r in rows:
        if r["error"] is not None:
            r["primary"] = False
    return pl.DataFrame(rows, schema=GRID_SCHEMA, orient="row")


def _grid_range(grid: pl.DataFrame) -> SensitivityRange | None:
    ok = grid.filter(pl.col("error").is_null())
    if ok.is_empty():
        return None

    def span(col: str) -> tuple[float, float]:
        return float(ok[col].min()), float(ok[col].max())  # type: ignore[arg-type]

    return SensitivityRange(
        estimate=span("proportion"), pi_low=span("pi_low"), pi_high=span("pi_high"), n_fits=grid.height,
        n_failed=grid.height - ok.height, n_not_converged=int((~ok["converged"]).sum()),
    )  # fmt: skip


# --------------------------------------------------------------------------------------------------
# placing the reference
# --------------------------------------------------------------------------------------------------


def _reference_values(ref: tuple[int, int] | None, level: float) -> tuple[float, float, float] | None:
    if ref is None:
        return None
    x, n = ref
    lo, hi = proportion_ci(x, n, "exact", level)
    return x / n, float(lo), float(hi)


def _position(ref: tuple[float, float, float] | None, pi: tuple[float, float] | None) -> tuple[Any, Any]:
    if ref is None or pi is None:
        return None, None
    p, lo, hi = ref
    where = "below" if p < pi[0] else "above" if p > pi[1] else "within"
    return where, bool(lo <= pi[1] and hi >= pi[0])


# --------------------------------------------------------------------------------------------------
# entry points
# --------------------------------------------------------------------------------------------------


def _check_options(transform: str, method: str, level: float) -> float:
    if transform not in TRANSFORMS:
        raise ValueError(f"unknown transform {transform!r}; choose one of {', '.join(TRANSFORMS)}")
    if method not in TAU2_METHODS:
        raise ValueError(f"unknown τ² method {method!r}; choose one of {', '.join(TAU2_METHODS)} "
                         "(the GLMM is chosen by the benchmark itself when a comparator has 0% or 100%)")  # fmt: skip
    if not 0.0 < float(level) < 1.0:
        raise ValueError(f"level must be a probability in (0, 1), e.g. 0.95; got {level!r}")
    return float(level)


def _counts_or_raise(events: Any, totals: Any, labels: Sequence[str] | None) -> tuple[np.ndarray, np.ndarray, list]:
    x = np.asarray(events, dtype=float).ravel()
    n = np.asarray(totals, dtype=float).ravel()
    if x.size != n.size:
        raise ValueError(f"events and totals differ in length ({x.size} vs {n.size})")
    if np.any(~np.isfinite(x)) or np.any(x < 0) or np.any(n <= 0) or np.any(x > n) or np.any(x % 1) or np.any(n % 1):
        raise ValueError("counts must be whole numbers with 0 <= events <= totals and totals > 0")
    names = [f"Cohort {i + 1}" for i in range(x.size)] if labels is None else [str(v) for v in labels]
    if len(names) != x.size:
        raise ValueError(f"labels has {len(names)} entries but there are {x.size} cohorts")
    return x, n, names


def benchmark_counts(
    events: Sequence[int],
    totals: Sequence[int],
    *,
    labels: Sequence[str] | None = None,
    reference: tuple[int, int] | None = None,
    reference_id: str = "reference",
    outcome: str = "",
    approximate: Sequence[bool] | None = None,
    level: float = 0.95,
    transform: str = "logit",
    method: str = "REML",
    _excluded: pl.DataFrame | None = None,
    _overlaps: pl.DataFrame | None = None,
    _notes: Sequence[str] = (),
) -> Benchmark:
    """Benchmark from comparator counts (the reference's count apart, never pooled).

    Parameters
    ----------
    events, totals : sequence of int
        Comparator counts.
    labels : sequence of str, optional
        Comparator ids (default ``"Cohort 1"``, ...).
    reference : tuple of int, optional
        ``(events, total)`` of the reference cohort.
    reference_id, outcome : str
        Names carried into the result.
    approximate : sequence of bool, optional
        Which comparator counts are approximate.
    level : float
        Confidence level.
    transform : {"logit", "arcsine", "freeman-tukey", "raw"}
        Scale of the normal-normal model.
    method : {"REML", "DL", "PM", "ML", "SJ", "HE", "HS", "EB"}
        τ² estimator of the normal-normal model.

    Returns
    -------
    Benchmark

    Raises
    ------
    ValueError
        Invalid counts or options.

    Examples
    --------
    >>> b = benchmark_counts([4, 9, 15], [20, 25, 30], reference=(21, 33))
    >>> b.k, b.model, b.test, b.prediction_df
    (3, 'normal-normal', 'knha', 1)
    >>> round(b.pooled[0], 4), b.position
    (0.3627, 'within')
    >>> benchmark_counts([9, 16], [43, 37]).estimable
    False
    """
    level = _check_options(transform, method, level)
    x, n, names = _counts_or_raise(events, totals, labels)
    flags = [False] * x.size if approximate is None else list(approximate)
    base = {
        "outcome": outcome, "reference": reference_id, "level": level, "transform": transform, "method": method,
        "k": x.size, "comparators": _comparator_frame(x.astype(int).tolist(), n.astype(int).tolist(), names, flags,
                                                      level),
        "excluded": _excluded if _excluded is not None else pl.DataFrame(schema=EXCLUDED_SCHEMA),
        "overlaps": _overlaps if _overlaps is not None else pl.DataFrame(schema=OVERLAP_SCHEMA),
    }  # fmt: skip
    ref = _reference_values(reference, level)
    notes = [*_notes] + [c for c, on in (("approximate-counts", any(flags)), ("comparator-overlap",
             not base["overlaps"].is_empty())) if on]  # fmt: skip
    if x.size < _MIN_K:
        return _not_estimable(base, reference, ref, notes)
    p = _fit_primary(x, n, transform, method, level)
    intervals = pl.DataFrame(_interval_rows(p, n, x.size, level), schema=INTERVAL_SCHEMA, orient="row")
    prim = intervals.filter(pl.col("primary"))
    ci_row, pi_row = prim.row(0, named=True), prim.row(1, named=True)
    pooled = (float(back_transform([p.res.estimate], p.transform, n)[0]), ci_row["low"], ci_row["high"])
    prediction = (pi_row["low"], pi_row["high"])
    nn = p.res if p.model == "normal-normal" else _quiet_pool(x, n, transform="logit", method=method, level=level)
    grid = _grid(x, n, level, ("logit", "GLMM") if p.model == "GLMM" else (transform, method))
    position, overlap = _position(ref, prediction)
    return Benchmark(
        **base, estimable=True, reason=None, model=p.model, test=p.test, pooled=pooled, prediction=prediction,
        prediction_df=x.size - 2, intervals=intervals, tau2=float(p.res.tau2), heterogeneity=_heterogeneity(nn, level),
        reference_count=None if reference is None else (int(reference[0]), int(reference[1])),
        reference_proportion=ref, position=position, reference_ci_overlaps_pi=overlap, grid=grid,
        grid_range=_grid_range(grid), notes=tuple([*p.notes, *notes]), **_bayes_prediction(x, n, level),
    )  # fmt: skip


BAYES_PRIOR: tuple[Any, ...] = ("halfnormal", 0.5)
"""τ prior of the benchmark's Bayesian prediction interval (weakly informative on the logit scale)."""


def _bayes_prediction(x: np.ndarray, n: np.ndarray, level: float) -> dict[str, Any]:
    """Bayesian prediction interval of a new cohort for 3 to 5 comparators (issue 23), else nothing."""
    if not 3 <= x.size <= 5:
        return {}
    res = pool_proportions(x, n, transform="logit", method="bayes", level=level, tau_prior=BAYES_PRIOR)
    return {"bayes_prediction": (res.proportion[3], res.proportion[4]), "bayes_prior": BAYES_PRIOR}


def _not_estimable(base: dict[str, Any], reference: Any, ref: Any, notes: list[str]) -> Benchmark:
    return Benchmark(
        **base, estimable=False, reason="k<3", model=None, test=None, pooled=None, prediction=None,
        prediction_df=None, intervals=pl.DataFrame(schema=INTERVAL_SCHEMA), tau2=None, heterogeneity=None,
        reference_count=None if reference is None else (int(reference[0]), int(reference[1])),
        reference_proportion=ref, position=None, reference_ci_overlaps_pi=None,
        grid=pl.DataFrame(schema=GRID_SCHEMA), grid_range=None, notes=tuple(notes),
    )  # fmt: skip


def benchmark(
    cohorts: CohortSet,
    outcome: str,
    reference: str,
    *,
    exclude: Iterable[str] = (),
    include_controls: bool = False,
    level: float = 0.95,
    transform: str = "logit",
    method: str = "REML",
    **data_kw: Any,
) -> Benchmark:
    """Pool the comparators of ``reference``, predict a new cohort, and place the reference against it.

    Parameters
    ----------
    cohorts : CohortSet
        Loaded descriptors.
    outcome : str
        Outcome name as for :func:`trialcompare.meta.suite.outcome_data` (``"orr"``, ``"dcr"``, ``"tte_6m"``...).
    reference : str
        The cohort placed against the benchmark (never pooled).
    exclude : iterable of str
        Further cohorts to leave out (reason ``"user"``).
    include_controls : bool
        Keep control (placebo) arms of randomised studies among the comparators.
    level : float
        Confidence level.
    transform, method : str
        Scale and τ² estimator of the normal-normal model (see :func:`benchmark_counts`).
    **data_kw
        ``denominators``, ``use_errata``, ``substitute_endpoint``, ``prefer_locations`` for
        :func:`~trialcompare.meta.suite.outcome_data`.

    Returns
    -------
    Benchmark

    Raises
    ------
    ValueError
        Unknown outcome, cohort id or option.

    Examples
    --------
    >>> import trialcompare as tc
    >>> cs = tc.load("trials/apatinib-ie.yaml", "trials/apatinib.yaml", "trials/apatinib-camrelizumab.yaml",
    ...              "trials/ie.yaml")                                     # doctest: +SKIP
    >>> b = benchmark(cs, "orr", "apatinib-ie", denominators={"apatinib-camrelizumab": 43})  # doctest: +SKIP
    >>> b.k, b.estimable, b.excluded["reason"].to_list()                   # doctest: +SKIP
    (2, False, ['reference', 'shares-registration'])
    """
    if reference not in cohorts:
        raise ValueError(f"reference {reference!r} is not a cohort; cohorts: {', '.join(cohorts.ids)}")
    user = set(exclude)
    unknown = sorted(user - set(cohorts.ids))
    if unknown:
        raise ValueError(f"exclude names {', '.join(map(repr, unknown))}, not a cohort")
    data = outcome_data(cohorts, outcome, reference=reference, include_controls=True, **data_kw)  # rule below
    rows, excluded, ref, ref_endpoint = [], [], None, None
    for r in data.iter_rows(named=True):
        why, detail = _structural_reason(cohorts, r["cohort"], reference, user, include_controls)
        if r["cohort"] == reference and r["events"] is not None:
            ref, ref_endpoint = (int(r["events"]), int(r["total"])), r["endpoint"]
        if why is None and r["events"] is None:
            why = "no-count"
        if why is None:
            rows.append(r)
        else:
            excluded.append({"cohort": r["cohort"], "reason": why, "detail": detail})
    ids = [r["cohort"] for r in rows]
    differs = ref_endpoint is not None and any(r["endpoint"] != ref_endpoint for r in rows)
    return benchmark_counts(
        [r["events"] for r in rows], [r["total"] for r in rows], labels=ids, reference=ref, reference_id=reference,
        outcome=outcome.strip().lower(), approximate=[bool(r["approximate"]) for r in rows], level=level,
        transform=transform, method=method, _excluded=pl.DataFrame(excluded, schema=EXCLUDED_SCHEMA, orient="row"),
        _overlaps=_overlaps(cohorts, ids), _notes=("endpoint-differs",) if differs else (),
    )  # fmt: skip


# --------------------------------------------------------------------------------------------------
# what is worth showing
# --------------------------------------------------------------------------------------------------


def subgroup_worth_showing(
    cohorts: Sequence[str], partitions: Mapping[str, Sequence[Hashable]], min_k: int = _MIN_K
) -> pl.DataFrame:
    """Flag subgroup partitions that add nothing: one group, a repeat of another partition, or a subgroup with k < 3.

    Parameters
    ----------
    cohorts : sequence of str
        The pooled cohorts.
    partitions : mapping of str to sequence
        Partition name (e.g. ``"design"``) → the group of each cohort, in the order of ``cohorts``.
    min_k : int
        Smallest subgroup that gets a pooled number.

    Returns
    -------
    polars.DataFrame
        ``by, groups, smallest_k, worth_showing, reason, same_as`` (reason codes ``"single-group"``,
        ``"same-partition"``, ``"subgroup-k<3"``; null when worth showing).

    Examples
    --------
    >>> f = subgroup_worth_showing(["a", "b", "c", "d"], {"design": ["p", "p", "r", "r"],
    ...                                                 "endpoint": ["PFS", "PFS", "EFS", "EFS"]})
    >>> f["reason"].to_list(), f["same_as"].to_list()
    (['subgroup-k<3', 'same-partition'], [None, 'design'])
    """
    seen: dict[frozenset, str] = {}
    rows = []
    for by, groups in partitions.items():
        g = list(groups)
        if len(g) != len(cohorts):
            raise ValueError(f"partition {by!r} has {len(g)} entries but there are {len(cohorts)} cohorts")
        members: dict[Hashable, set[str]] = {}
        for cid, grp in zip(cohorts, g, strict=True):
            members.setdefault(grp, set()).add(cid)
        key = frozenset(frozenset(m) for m in members.values())
        smallest = min((len(m) for m in members.values()), default=0)
        reason, same = _partition_reason(len(members), seen.get(key), smallest, min_k)
        seen.setdefault(key, by)
        rows.append({"by": by, "groups": len(members), "smallest_k": smallest, "worth_showing": reason is None,
                     "reason": reason, "same_as": same})  # fmt: skip
    schema = {"by": pl.String, "groups": pl.Int64, "smallest_k": pl.Int64, "worth_showing": pl.Boolean,
              "reason": pl.String, "same_as": pl.String}  # fmt: skip
    return pl.DataFrame(rows, schema=schema, orient="row")


def _partition_reason(n_groups: int, same: str | None, smallest: int, min_k: int) -> tuple[str | None, str | None]:
    if n_groups < 2:
        return "single-group", None
    if same is not None:
        return "same-partition", same
    if smallest < min_k:
        return "subgroup-k<3", None
    return None, None


def _count_key(frame: pl.DataFrame) -> frozenset:
    used = frame.filter(pl.col("events").is_not_null())
    return frozenset(zip(used["cohort"].to_list(), used["events"].to_list(), used["total"].to_list(), strict=True))


def scenario_worth_showing(
    primary: pl.DataFrame, scenarios: Mapping[str, pl.DataFrame], min_k: int = _MIN_K
) -> pl.DataFrame:
    """Flag scenarios that change nothing (the same counts as the primary or an earlier scenario) or have k < 3.

    Parameters
    ----------
    primary : polars.DataFrame
        Counts of the primary analysis (``cohort, events, total``; rows with null ``events`` are not pooled), e.g.
        :attr:`Benchmark.comparators` or :func:`~trialcompare.meta.suite.outcome_data`.
    scenarios : mapping of str to polars.DataFrame
        Scenario name → its counts, in the same form.
    min_k : int
        Smallest k that gets a pooled number.

    Returns
    -------
    polars.DataFrame
        ``name, k, worth_showing, reason, same_as`` (codes ``"no-change"``, ``"same-as-scenario"``, ``"k<3"``).

    Examples
    --------
    >>> base = pl.DataFrame({"cohort": ["a", "b", "c"], "events": [1, 2, 3], "total": [10, 10, 10]})
    >>> f = scenario_worth_showing(base, {"same": base, "drop-c": base.head(2)})
    >>> f["reason"].to_list()
    ['no-change', 'k<3']
    """
    seen: dict[frozenset, str] = {_count_key(primary): ""}
    rows = []
    for name, frame in scenarios.items():
        key = _count_key(frame)
        earlier = seen.get(key)
        if earlier == "":
            reason, same = "no-change", None
        elif earlier is not None:
            reason, same = "same-as-scenario", earlier
        else:
            reason, same = ("k<3", None) if len(key) < min_k else (None, None)
        seen.setdefault(key, name)
        rows.append({"name": name, "k": len(key), "worth_showing": reason is None, "reason": reason, "same_as": same})
    schema = {"name": pl.String, "k": pl.Int64, "worth_showing": pl.Boolean, "reason": pl.String,
              "same_as": pl.String}  # fmt: skip
    return pl.DataFrame(rows, schema=schema, orient="row")
