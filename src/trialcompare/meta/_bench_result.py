"""The benchmark's result object (part of :mod:`trialcompare.meta._benchmark`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import polars as pl

from ..appraise.facts import Fact, fact
from ..options import BENCHMARK_REASONS
from ._bench_fit import Heterogeneity, SensitivityRange

__all__ = ["COMPARATOR_SCHEMA", "OVERLAP_SCHEMA", "Benchmark", "benchmark_facts"]

COMPARATOR_SCHEMA: dict[str, Any] = {
    "cohort": pl.String, "endpoint": pl.String, "estimator": pl.String, "events": pl.Int64, "total": pl.Int64,
    "proportion": pl.Float64, "ci_low": pl.Float64, "ci_high": pl.Float64, "ci_source": pl.String,
    "approximate": pl.Boolean,
}  # fmt: skip
"""``estimator``: ``"binomial"`` (``events``/``total`` set, exact Clopper-Pearson CI, ``ci_source`` "exact") or
``"kaplan-meier"`` (no count; the printed rate and CI, ``ci_source`` "published"). ``approximate`` is always False
(no count is ever made from a rate)."""
OVERLAP_SCHEMA: dict[str, Any] = {"cohort": pl.String, "other": pl.String, "registration": pl.String}


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
        Model scale and τ² estimator of the normal-normal model (the GLMM and Kaplan-Meier rates are always logit).
    k : int
        Number of comparators pooled.
    comparators : polars.DataFrame
        ``cohort, endpoint, estimator, events, total, proportion, ci_low, ci_high, ci_source, approximate``
        (:data:`COMPARATOR_SCHEMA`): counts with exact Clopper-Pearson CIs, or Kaplan-Meier rates with their
        printed CIs.
    excluded : polars.DataFrame
        ``cohort, reason, other, detail``: every cohort not pooled, the rule's code, the cohort the rule names (the
        reference, or a comparator kept before it) and the token it tested (registration, study, estimator).
    overlaps : polars.DataFrame
        ``cohort, other, registration``: always empty since cohorts that may share patients are excluded
        (:attr:`excluded`); kept for readers of the older result.
    estimable : bool
        False for k < 3 or when nothing can be pooled like with like (then every number below is None).
    reason : str or None
        ``"k<3"``, ``"reference-estimator-unspecified"`` or ``"no-reference-value"`` when not estimable.
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
        ``(proportion, ci_low, ci_high)``: exact CI of a count, the printed CI of a rate (bounds None when none
        was printed).
    position : str or None
        ``"below"``, ``"within"`` or ``"above"`` the prediction interval; ``"not-comparable-estimator"`` /
        ``"not-comparable-endpoint"`` when the reference's estimator or endpoint is not the comparators';
        ``"uninformative-interval"`` when the interval is wider than :attr:`max_width`; None when there is
        nothing to place.
    reference_ci_overlaps_pi : bool or None
        Whether the reference's CI overlaps the prediction interval.
    grid : polars.DataFrame
        One fit per transform × τ² estimator plus the GLMM (annex).
    grid_range : SensitivityRange or None
        The range of the grid.
    notes : tuple of str
        Codes: ``"glmm-primary"``, ``"glmm-failed"``, ``"endpoint-differs"``, ``"logit-se-from-printed-ci"``,
        ``"uninformative-interval"``.
    estimator : str or None
        What was pooled: ``"binomial"`` (counts) or ``"kaplan-meier"`` (rates); None when nothing could be.
    endpoint : str or None
        The reference's endpoint (landmark outcomes) or outcome name.
    reference_estimator : str or None
        The estimator of the reference's value.
    informative : bool or None
        Whether the prediction interval is at most :attr:`max_width` wide (None without one).
    max_width : float
        The width beyond which an interval is uninformative (:data:`UNINFORMATIVE_WIDTH`).
    bayes_prediction : tuple of float or None
        For 3 to 5 comparators: ``(low, high)`` of the Bayesian posterior predictive interval for a new cohort
        (normal-normal model on the logit scale, flat prior on μ, the τ prior in ``bayes_prior``; exact
        integration, :func:`~trialcompare.meta.bayes_pool`), to show beside the t(k − 2) interval (issue 23).
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
    estimator: str | None = None
    endpoint: str | None = None
    reference_estimator: str | None = None
    informative: bool | None = None
    max_width: float = 0.5
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
                f"{_pct(self.prediction[1])}; reference {self.position or 'not placed (no value)'}"
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
        """Give the words of every code this benchmark uses (exclusions, estimability, notes).

        Returns
        -------
        dict of str to str
            Code → words, from :data:`trialcompare.options.BENCHMARK_REASONS`.
        """
        codes = [*self.excluded["reason"].to_list(), *([self.reason] if self.reason else []), *self.notes]
        return {c: BENCHMARK_REASONS.get(c, c) for c in dict.fromkeys(codes)}


def _pct(p: float) -> str:
    return f"{100 * p:.1f}%"


def _fmt_ref(b: Benchmark) -> str:
    if b.reference_proportion is None:
        return "(no value)"
    p, lo, hi = b.reference_proportion
    ci = f"CI {_pct(lo)} to {_pct(hi)}" if lo is not None and hi is not None else "no CI"
    if b.reference_count is None:
        return f"{_pct(p)} ({b.reference_estimator}), {ci}"
    x, n = b.reference_count
    return f"{x}/{n} = {_pct(p)}, exact {ci}"


def _fmt_comparators(frame: pl.DataFrame) -> str:
    return ", ".join(f"{r['cohort']} {r['events']}/{r['total']}" if r["events"] is not None else
                     f"{r['cohort']} {_pct(r['proportion'])} (KM)" for r in frame.iter_rows(named=True)) or "none"


def _fmt_excluded(frame: pl.DataFrame) -> str:
    return ", ".join(f"{r['cohort']} ({r['reason']}{' ' + r['other'] if r['other'] else ''})"
                     for r in frame.iter_rows(named=True)) or "none"


def _fmt_heterogeneity(h: Heterogeneity | None) -> str:
    if h is None:
        return "Q-profile: not available"
    up = ">" if h.upper_bounded else ""
    lo = ">" if h.lower_bounded else ""
    return (f"{h.model}: τ² {h.tau2:.4f} (Q-profile {lo}{h.tau2_ci[0]:.4f} to {up}{h.tau2_ci[1]:.4f}), "
            f"I² {h.i2:.1f}% ({lo}{h.i2_ci[0]:.1f} to {up}{h.i2_ci[1]:.1f}), H² {h.h2:.2f}")  # fmt: skip




def benchmark_facts(b: Benchmark) -> tuple[Fact, ...]:
    """The benchmark as judgement facts (:mod:`trialcompare.appraise.facts`; words in
    :mod:`trialcompare.render.phrasebook`, section "benchmark and contrasts").

    One result fact — ``benchmark-not-estimable`` (k < 3 or nothing like with like: the report says only this),
    ``benchmark-placed`` (the reference below / within / above the prediction interval) or ``benchmark-not-placed``
    (estimator or endpoint differ, or the interval is uninformative) — then one ``benchmark-excluded`` fact per cohort
    left out (the reference aside). Percentages are in percent, rounded to one decimal.

    Parameters
    ----------
    b : Benchmark

    Returns
    -------
    tuple of Fact

    Examples
    --------
    >>> from trialcompare.meta._benchmark import benchmark_counts
    >>> [f.code for f in benchmark_facts(benchmark_counts([9, 16], [43, 37]))]
    ['benchmark-not-estimable']
    """
    ev = (f"benchmark/{b.outcome}",)
    if not b.estimable or b.prediction is None:
        head = fact("benchmark-not-estimable", ev, outcome=b.outcome, k=b.k, reason=b.reason, min_k=3)
    elif b.position in ("below", "within", "above") and b.reference_proportion is not None:
        head = fact("benchmark-placed", ev, outcome=b.outcome, k=b.k, estimator=b.estimator,
                    pi_low=_percent(b.prediction[0]), pi_high=_percent(b.prediction[1]),
                    reference=_percent(b.reference_proportion[0]), position=b.position)  # fmt: skip
    else:
        head = fact("benchmark-not-placed", ev, outcome=b.outcome, k=b.k, pi_low=_percent(b.prediction[0]),
                    pi_high=_percent(b.prediction[1]), position=b.position, max_width=round(100 * b.max_width))
    bayes: tuple[Fact, ...] = ()
    if head.code != "benchmark-not-estimable" and b.bayes_prediction is not None and b.bayes_prior is not None:
        family, *scale = b.bayes_prior
        bayes = (fact("benchmark-bayes", ev, outcome=b.outcome, k=b.k, prior=str(family),
                      scale=float(scale[0]) if scale else None, pi_low=_percent(b.bayes_prediction[0]),
                      pi_high=_percent(b.bayes_prediction[1])),)
    excluded = tuple(fact("benchmark-excluded", (f"benchmark/{b.outcome}/excluded/{r['cohort']}",),
                          cohort=r["cohort"], rule=r["reason"], other=r["other"])
                     for r in b.excluded.iter_rows(named=True) if r["reason"] != "reference")  # fmt: skip
    return (head, *bayes, *excluded)


def _percent(p: float) -> float:
    return round(100 * float(p), 1)
