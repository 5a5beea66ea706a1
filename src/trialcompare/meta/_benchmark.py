"""The meta-analytic check as a benchmark: pool the comparators, predict a new cohort, place the reference.

Pooling cohorts of different regimens estimates no treatment effect. What a meta-analysis of published cohorts can
say is how a *new* cohort treated like the comparators would likely turn out: the random-effects prediction
interval. The reference cohort is then placed against that interval; it is never pooled into it.

Rules (DESIGN.md, "Numbers must be right" and "Estimators and outcomes"; Cochrane Handbook 10.10.4.3; IntHout et
al. 2016):

* Who is a comparator: one set of exclusion rules applied to every cohort (:mod:`trialcompare.meta._bench_select`):
  the reference itself, cohorts left out by request, control arms (:func:`trialcompare.rules.control_arm`), and
  every cohort that is an arm of one study with, or may share patients with (shared registration; shared centre
  with overlapping accrual), the reference *or a comparator kept before it* (:func:`trialcompare.rules.
  pooling_exclusion`). :attr:`Benchmark.excluded` lists who was left out by which rule and because of whom.
* Like with like: counts (binomial proportions n/N) are pooled with counts; Kaplan-Meier landmark rates only with
  Kaplan-Meier rates of the same endpoint family, on the logit scale with the standard error recovered from each
  printed interval. A rate is never turned into a count. When the reference's estimator is not stated, nothing is
  pooled (reason ``"reference-estimator-unspecified"``).
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
* Placing the reference: only when its endpoint and estimator are those of the comparators (else the position is
  ``"not-comparable-endpoint"`` / ``"not-comparable-estimator"``), and only against an informative interval: a
  prediction interval wider than :data:`UNINFORMATIVE_WIDTH` gives the position ``"uninformative-interval"``.
* A sensitivity summary replaces the estimator × transform grid in the report body: one range of the pooled
  estimate and of the prediction bounds over all fits (:class:`SensitivityRange`); the grid stays for the annex.

Numbers are pinned to R metafor 3.8-1 (``tests/fixtures/benchmark_reference.R``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl

from ..load import CohortSet
from ..options import TAU2_METHODS, TRANSFORMS
from ..rules import is_control_arm as _is_control_arm
from ..stats.proportions import proportion_ci
from ._bench_fit import (
    GRID_SCHEMA,
    INTERVAL_SCHEMA,
    Heterogeneity,
    SensitivityRange,
    _Primary,
    _quiet_pool,
    fit_counts,
    fit_rates,
    grid_counts,
    grid_range,
    grid_rates,
    heterogeneity,
    interval_rows,
)
from ._bench_result import COMPARATOR_SCHEMA, OVERLAP_SCHEMA, Benchmark, benchmark_facts
from ._bench_select import EXCLUDED_SCHEMA, select
from ._data import is_count_outcome
from ._worth import MIN_K, scenario_worth_showing, subgroup_worth_showing
from .suite import outcome_data

__all__ = [
    "UNINFORMATIVE_WIDTH",
    "Benchmark",
    "Heterogeneity",
    "SensitivityRange",
    "benchmark",
    "benchmark_counts",
    "benchmark_facts",
    "benchmark_rates",
    "is_control_arm",
    "scenario_worth_showing",
    "subgroup_worth_showing",
]

_MIN_K = MIN_K

UNINFORMATIVE_WIDTH = 0.5
"""A prediction interval wider than this (50 percentage points) is called uninformative and the reference is not
placed against it: an interval that admits nearly any plausible rate for a new cohort (e.g. 2-78%, K3 of the
2026-12-07 review) cannot tell a reference that stands out from one that does not."""



# --------------------------------------------------------------------------------------------------
# comparators and the reference
# --------------------------------------------------------------------------------------------------


def is_control_arm(cohorts: CohortSet, cid: str) -> bool:
    """Whether a cohort is a control arm (:func:`trialcompare.rules.control_arm`), never a comparator.

    Parameters
    ----------
    cohorts : CohortSet
        Loaded descriptors.
    cid : str
        Cohort id.

    Returns
    -------
    bool
    """
    return _is_control_arm(cohorts[cid].descriptor)


def _count_frame(events: Sequence[int], totals: Sequence[int], labels: Sequence[str], level: float,
                 endpoints: Sequence[str | None] | None = None) -> pl.DataFrame:  # fmt: skip
    x = np.asarray(events, dtype=float)
    n = np.asarray(totals, dtype=float)
    lo, hi = proportion_ci(x, n, "exact", level) if x.size else (np.empty(0), np.empty(0))
    return pl.DataFrame(
        {"cohort": list(labels), "endpoint": list(endpoints) if endpoints is not None else [None] * x.size,
         "estimator": ["binomial"] * x.size, "events": [int(v) for v in events], "total": [int(v) for v in totals],
         "proportion": x / n if x.size else [], "ci_low": np.atleast_1d(lo), "ci_high": np.atleast_1d(hi),
         "ci_source": ["exact"] * x.size, "approximate": [False] * x.size},
        schema=COMPARATOR_SCHEMA,
    )  # fmt: skip


def _rate_frame(rates: Sequence[float], lows: Sequence[float], highs: Sequence[float], labels: Sequence[str],
                endpoints: Sequence[str | None] | None = None) -> pl.DataFrame:  # fmt: skip
    k = len(rates)
    return pl.DataFrame(
        {"cohort": list(labels), "endpoint": list(endpoints) if endpoints is not None else [None] * k,
         "estimator": ["kaplan-meier"] * k, "events": [None] * k, "total": [None] * k,
         "proportion": [float(v) for v in rates], "ci_low": [float(v) for v in lows],
         "ci_high": [float(v) for v in highs], "ci_source": ["published"] * k, "approximate": [False] * k},
        schema=COMPARATOR_SCHEMA,
    )  # fmt: skip


def _count_reference(ref: tuple[int, int] | None, level: float) -> tuple[float, float, float] | None:
    if ref is None:
        return None
    x, n = ref
    lo, hi = proportion_ci(x, n, "exact", level)
    return x / n, float(lo), float(hi)


def _position(ref: tuple[float, float, float] | None, pi: tuple[float, float] | None,
              comparable: str | None) -> tuple[Any, Any, Any]:  # fmt: skip
    """(position, reference CI overlaps the PI, PI informative)."""
    if pi is None:
        return comparable, None, None
    informative = bool(pi[1] - pi[0] <= UNINFORMATIVE_WIDTH)
    if ref is None:
        return None, None, informative
    p, lo, hi = ref
    overlap = None if lo is None or hi is None else bool(lo <= pi[1] and hi >= pi[0])
    if comparable is not None:
        return comparable, overlap, informative
    if not informative:
        return "uninformative-interval", overlap, informative
    return ("below" if p < pi[0] else "above" if p > pi[1] else "within"), overlap, informative


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
    return x, n, _labels(labels, x.size)


def _labels(labels: Sequence[str] | None, k: int) -> list[str]:
    names = [f"Cohort {i + 1}" for i in range(k)] if labels is None else [str(v) for v in labels]
    if len(names) != k:
        raise ValueError(f"labels has {len(names)} entries but there are {k} cohorts")
    return names


@dataclass(frozen=True)
class _Context:
    """What a benchmark carries besides its fit: names, options, the comparators and exclusions, the reference."""

    outcome: str
    reference_id: str
    level: float
    transform: str
    method: str
    comparators: pl.DataFrame
    excluded: pl.DataFrame
    reference_count: tuple[int, int] | None
    reference_proportion: tuple[float, float, float] | None
    estimator: str | None
    endpoint: str | None = None
    reference_estimator: str | None = None
    comparable: str | None = None  # a not-comparable-* position code
    reason: str | None = None  # why nothing is pooled whatever k is
    notes: tuple[str, ...] = ()


def _assemble(ctx: _Context, fit: tuple[_Primary, pl.DataFrame] | None) -> Benchmark:
    base: dict[str, Any] = {
            "outcome": ctx.outcome, "reference": ctx.reference_id, "level": ctx.level, "transform": ctx.transform,
            "method": ctx.method, "k": ctx.comparators.height, "comparators": ctx.comparators,
            "excluded": ctx.excluded, "overlaps": pl.DataFrame(schema=OVERLAP_SCHEMA),
            "reference_count": ctx.reference_count, "reference_proportion": ctx.reference_proportion,
            "estimator": ctx.estimator, "endpoint": ctx.endpoint, "reference_estimator": ctx.reference_estimator,
            "max_width": UNINFORMATIVE_WIDTH}  # fmt: skip
    if fit is None:
        return Benchmark(**base, estimable=False, reason=ctx.reason or "k<3", model=None, test=None, pooled=None,
                         prediction=None, prediction_df=None, intervals=pl.DataFrame(schema=INTERVAL_SCHEMA),
                         tau2=None, heterogeneity=None, position=ctx.comparable, reference_ci_overlaps_pi=None,
                         grid=pl.DataFrame(schema=GRID_SCHEMA), grid_range=None, notes=ctx.notes,
                         informative=None)  # fmt: skip
    p, grid = fit
    k = ctx.comparators.height
    intervals = pl.DataFrame(interval_rows(p, k, ctx.level), schema=INTERVAL_SCHEMA, orient="row")
    prim = intervals.filter(pl.col("primary"))
    ci_row, pi_row = prim.row(0, named=True), prim.row(1, named=True)
    pooled = (float(p.back([p.res.estimate])[0]), ci_row["low"], ci_row["high"])
    prediction = (pi_row["low"], pi_row["high"])
    position, overlap, informative = _position(ctx.reference_proportion, prediction, ctx.comparable)
    notes = [*p.notes, *ctx.notes] + (["uninformative-interval"] if not informative else [])
    return Benchmark(
        **base, estimable=True, reason=None, model=p.model, test=p.test, pooled=pooled, prediction=prediction,
        prediction_df=k - 2, intervals=intervals, tau2=float(p.res.tau2), heterogeneity=_nn_heterogeneity(p, ctx),
        position=position, reference_ci_overlaps_pi=overlap, grid=grid, grid_range=grid_range(grid),
        notes=tuple(notes), informative=informative, **_bayes_prediction(p, ctx),
    )  # fmt: skip


BAYES_PRIOR: tuple[Any, ...] = ("halfnormal", 0.5)
"""τ prior of the benchmark's Bayesian prediction interval (weakly informative on the logit scale; issue 23)."""


def _bayes_prediction(p: _Primary, ctx: _Context) -> dict[str, Any]:
    """Bayesian prediction interval of a new cohort for 3 to 5 comparators on the logit scale, else nothing."""
    from ._bayes import bayes_pool
    from ._pool import transform_proportions

    k = ctx.comparators.height
    if not 3 <= k <= 5:
        return {}
    if p.transform == "logit":  # the primary model's own logit data (counts, or Kaplan-Meier rates)
        y, v = p.res.studies["yi"].to_numpy(), p.res.studies["vi"].to_numpy()
    else:
        c = ctx.comparators
        y, v = transform_proportions(c["events"].to_numpy(), c["total"].to_numpy(), "logit")
    res = bayes_pool(y, v, tau_prior=BAYES_PRIOR, level=ctx.level)
    low, high = 1.0 / (1.0 + np.exp(-np.array([res.predictive.lower, res.predictive.upper])))
    return {"bayes_prediction": (float(low), float(high)), "bayes_prior": BAYES_PRIOR}


def _nn_heterogeneity(p: _Primary, ctx: _Context) -> Heterogeneity:
    if p.model == "normal-normal":
        return heterogeneity(p.res, ctx.level)
    c = ctx.comparators
    x, n = c["events"].to_numpy().astype(float), c["total"].to_numpy().astype(float)
    return heterogeneity(_quiet_pool(x, n, transform="logit", method=ctx.method, level=ctx.level), ctx.level)


def benchmark_counts(
    events: Sequence[int],
    totals: Sequence[int],
    *,
    labels: Sequence[str] | None = None,
    reference: tuple[int, int] | None = None,
    reference_id: str = "reference",
    outcome: str = "",
    level: float = 0.95,
    transform: str = "logit",
    method: str = "REML",
    _context: dict[str, Any] | None = None,
) -> Benchmark:
    """Benchmark from comparator counts (binomial proportions; the reference's count apart, never pooled).

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
    >>> round(b.pooled[0], 4), b.position, b.informative   # the t(1) interval spans nearly 0-100%
    (0.3627, 'uninformative-interval', False)
    >>> b = benchmark_counts([9, 16], [43, 37])
    >>> b.estimable, b.reason, b.pooled
    (False, 'k<3', None)
    """
    level = _check_options(transform, method, level)
    x, n, names = _counts_or_raise(events, totals, labels)
    extra: dict[str, Any] = dict(_context or {})
    frame = _count_frame(x.astype(int).tolist(), n.astype(int).tolist(), names, level, extra.pop("endpoints", None))
    known: dict[str, Any] = {
        "outcome": outcome, "reference_id": reference_id, "level": level, "transform": transform, "method": method,
        "comparators": frame, "excluded": pl.DataFrame(schema=EXCLUDED_SCHEMA),
        "reference_count": None if reference is None else (int(reference[0]), int(reference[1])),
        "reference_proportion": _count_reference(reference, level), "estimator": "binomial",
        "reference_estimator": "binomial" if reference is not None else None}  # fmt: skip
    ctx = _Context(**(known | extra))
    if x.size < _MIN_K or ctx.reason is not None:
        return _assemble(ctx, None)
    p = fit_counts(x, n, transform, method, level)
    grid = grid_counts(x, n, level, ("logit", "GLMM") if p.model == "GLMM" else (transform, method))
    return _assemble(ctx, (p, grid))


def benchmark_rates(
    rates: Sequence[float],
    lows: Sequence[float],
    highs: Sequence[float],
    *,
    ci_level: float | Sequence[float] = 0.95,
    labels: Sequence[str] | None = None,
    reference: tuple[float, float, float] | None = None,
    reference_id: str = "reference",
    outcome: str = "",
    level: float = 0.95,
    method: str = "REML",
    _context: dict[str, Any] | None = None,
) -> Benchmark:
    """Benchmark from comparator Kaplan-Meier landmark rates, each with its printed interval (never a count).

    Each rate enters on the logit scale with the standard error recovered from its printed interval,
    ``(logit(high) − logit(low)) / (2 z)`` (:func:`trialcompare.meta._data.logit_se`); the model is the
    normal-normal random-effects model with the tests and prediction interval of :func:`benchmark_counts`.

    Parameters
    ----------
    rates, lows, highs : sequence of float
        Comparator rates and their printed interval bounds, as proportions.
    ci_level : float or sequence of float
        Level of the printed intervals (one for all, or one per rate).
    labels : sequence of str, optional
        Comparator ids.
    reference : tuple of float, optional
        ``(rate, low, high)`` of the reference's Kaplan-Meier rate (placed, never pooled).
    reference_id, outcome : str
        Names carried into the result.
    level : float
        Confidence level of the benchmark's intervals.
    method : {"REML", "DL", "PM", "ML", "SJ", "HE", "HS", "EB"}
        τ² estimator.

    Returns
    -------
    Benchmark

    Raises
    ------
    ValueError
        A bound at 0 or 1, bounds not around the rate, or invalid options.

    Examples
    --------
    >>> b = benchmark_rates([0.40, 0.50, 0.45, 0.55], [0.30, 0.40, 0.35, 0.45], [0.50, 0.60, 0.55, 0.65],
    ...                     reference=(0.52, 0.40, 0.63))
    >>> b.estimator, b.k, b.test, round(b.pooled[0], 3), b.position
    ('kaplan-meier', 4, 'knha', 0.476, 'within')
    """
    from ._data import logit_se

    level = _check_options("logit", method, level)
    r, lo, hi = (np.asarray(v, dtype=float).ravel() for v in (rates, lows, highs))
    if not (r.size == lo.size == hi.size) or np.any(~((lo <= r) & (r <= hi))):
        raise ValueError("each rate needs its interval around it: low <= rate <= high")
    levels = np.broadcast_to(np.asarray(ci_level, dtype=float), r.shape)
    se = np.array([logit_se(a, b, c) or math.nan for a, b, c in zip(lo, hi, levels, strict=True)])
    if np.any(~np.isfinite(se)) or np.any(r <= 0) or np.any(r >= 1):
        raise ValueError("a Kaplan-Meier rate and its bounds must lie strictly between 0 and 1 to be pooled")
    extra: dict[str, Any] = dict(_context or {})
    frame = _rate_frame(r.tolist(), lo.tolist(), hi.tolist(), _labels(labels, r.size), extra.pop("endpoints", None))
    known: dict[str, Any] = {
        "outcome": outcome, "reference_id": reference_id, "level": level, "transform": "logit", "method": method,
        "comparators": frame, "excluded": pl.DataFrame(schema=EXCLUDED_SCHEMA), "reference_count": None,
        "reference_proportion": reference, "estimator": "kaplan-meier",
        "reference_estimator": "kaplan-meier" if reference is not None else None}  # fmt: skip
    ctx = _Context(**(known | extra))
    if r.size < _MIN_K or ctx.reason is not None:
        return _assemble(ctx, None)
    y = np.log(r / (1 - r))
    return _assemble(ctx, (fit_rates(y, se, method, level), grid_rates(y, se, level, method)))


def benchmark(
    cohorts: CohortSet,
    outcome: str,
    reference: str,
    *,
    exclude: Iterable[str] = (),
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
    level : float
        Confidence level.
    transform, method : str
        Scale and τ² estimator of the normal-normal model (see :func:`benchmark_counts`; Kaplan-Meier rates are
        always pooled on the logit scale).
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
    (1, False, ['reference', 'shares-centre', 'shares-registration'])
    """
    if reference not in cohorts:
        raise ValueError(f"reference {reference!r} is not a cohort; cohorts: {', '.join(cohorts.ids)}")
    user = set(exclude)
    unknown = sorted(user - set(cohorts.ids))
    if unknown:
        raise ValueError(f"exclude names {', '.join(map(repr, unknown))}, not a cohort")
    data = outcome_data(cohorts, outcome, reference=reference, include_controls=True, **data_kw)  # rules below
    counts = is_count_outcome(outcome)
    sel = select(cohorts, data, reference, user, counts=counts)
    ref = sel.reference
    endpoints = [r["endpoint"] for r in sel.rows]
    context = {"excluded": pl.DataFrame(sel.excluded, schema=EXCLUDED_SCHEMA, orient="row"), "endpoints": endpoints,
               "reason": sel.reason, "endpoint": ref["endpoint"] if ref else None, "estimator": sel.estimator,
               "comparable": _comparable(ref, sel.estimator, endpoints),
               "notes": ("endpoint-differs",) if ref and any(e != ref["endpoint"] for e in endpoints) else ()}
    common: dict[str, Any] = {"labels": [r["cohort"] for r in sel.rows], "reference_id": reference,
                              "outcome": outcome.strip().lower(), "level": level, "method": method}  # fmt: skip
    if sel.estimator == "kaplan-meier":
        ref_rate = (ref["estimate"], ref["ci_low"], ref["ci_high"]) if ref is not None else None
        return benchmark_rates([r["estimate"] for r in sel.rows], [r["ci_low"] for r in sel.rows],
                               [r["ci_high"] for r in sel.rows], reference=ref_rate, _context=context,
                               ci_level=[r["ci_level"] for r in sel.rows], **common)  # fmt: skip
    ref_count = (int(ref["events"]), int(ref["total"])) if ref is not None and ref["events"] is not None else None
    b = benchmark_counts([r["events"] for r in sel.rows], [r["total"] for r in sel.rows], reference=ref_count,
                         transform=transform, _context=context, **common)  # fmt: skip
    if ref is not None and ref_count is None:  # the reference has a value by another estimator: described only
        return _with_reference(b, ref)
    return b


def _comparable(ref: dict[str, Any] | None, estimator: str | None, endpoints: Sequence[str | None]) -> str | None:
    """The not-comparable-* position code when the reference cannot be placed against the comparators."""
    if ref is None:
        return None
    if estimator is None or ref["estimator"] != estimator:
        return "not-comparable-estimator"
    if any(e != ref["endpoint"] for e in endpoints):
        return "not-comparable-endpoint"
    return None


def _with_reference(b: Benchmark, ref: dict[str, Any]) -> Benchmark:
    """The benchmark with the reference's value described (its printed rate and interval) but not placed."""
    from dataclasses import replace

    return replace(b, reference_proportion=(ref["estimate"], ref["ci_low"], ref["ci_high"]),
                   reference_estimator=ref["estimator"],
                   position="not-comparable-estimator" if b.estimable else b.position)  # fmt: skip
