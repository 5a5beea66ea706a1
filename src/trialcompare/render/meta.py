"""Text and figures of a meta-analytic sensitivity suite and of the benchmark (formatting only: the numbers come
from :class:`trialcompare.meta.suite.SuiteResult`, the judgements from the benchmark's facts)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import polars as pl

from ..options import interval_label
from .phrasebook import Words, say
from .plots import forest_plot_svg
from .tables import format_text

if TYPE_CHECKING:
    from ..appraise.facts import Fact
    from ..meta.suite import SuiteResult

__all__ = ["MIN_POOLED", "benchmark_sentences", "benchmark_text", "forest_label", "observed_forest_svg",
           "suite_forest_svg", "suite_text"]

MIN_POOLED = 3
"""No pooled number from fewer cohorts (DESIGN.md: k < 3 is not estimable)."""


def benchmark_sentences(facts: Sequence[Fact], words: Words | None = None) -> list[str]:
    """The benchmark's sentences, from its facts (:func:`trialcompare.meta._benchmark.benchmark_facts`).

    With k < 3 (a ``benchmark-not-estimable`` fact) the section is ONE sentence: no method paragraph, no scenario
    lines, no list of exclusions (T15, H11 of the 2026-12-07 review).

    Parameters
    ----------
    facts : sequence of Fact
        The facts of one benchmark.
    words : Words, optional
        Cohort labels.

    Returns
    -------
    list of str

    Examples
    --------
    >>> from trialcompare.appraise.facts import fact
    >>> facts = [fact("benchmark-not-estimable", outcome="orr", k=1, reason="k<3", min_k=3),
    ...          fact("benchmark-excluded", cohort="ie", rule="shares-registration", other="apatinib-ie")]
    >>> [s[:57] for s in benchmark_sentences(facts)]   # one sentence: the exclusion is not listed
    ['Too few comparable cohorts to pool for objective response']
    """
    if any(f.code == "benchmark-not-estimable" for f in facts):
        return [say(next(f for f in facts if f.code == "benchmark-not-estimable"), words)]
    return [say(f, words) for f in facts]


def benchmark_text(facts: Sequence[Fact], words: Words | None = None) -> str:
    """:func:`benchmark_sentences` as one paragraph.

    Parameters
    ----------
    facts : sequence of Fact
    words : Words, optional

    Returns
    -------
    str
    """
    return " ".join(benchmark_sentences(facts, words))


def suite_text(suite: SuiteResult, full: bool = False) -> str:
    """Readable text: per-cohort values, the primary analysis and notes (``full``: every table).

    Parameters
    ----------
    suite : SuiteResult
        A computed sensitivity suite.
    full : bool
        Also show the transform × method grid, leave-one-out, subgroups, scenarios and pairwise tables.

    Returns
    -------
    str
    """
    t, m, s = suite.options
    pooled = (suite.primary.summary() if suite.primary.k >= MIN_POOLED else
              f"Not pooled: k = {suite.primary.k} cohort(s) with a count; no pooled number, heterogeneity or "
              f"prediction interval is given from fewer than {MIN_POOLED} (the per-cohort values are above).")
    shown = suite.data.select("cohort", "endpoint", "estimator", "estimate", "ci_low", "ci_high", "note", "reason")
    parts = [f"Outcome: {suite.label} ({suite.outcome}); primary analysis: {t}, {m}, test {s}", "",
             format_text(shown.with_columns(pl.col(pl.Float64).round(4))), pooled]
    if suite.notes:
        parts += ["", "Notes:", *(f"- {n}" for n in suite.notes)]
    if full:
        for title, frame in suite.tables():
            parts += ["", f"{title}:", format_text(frame) if not frame.is_empty() else "(none)\n"]
    return "\n".join(parts).rstrip() + "\n"


_ESTIMATOR = {"binomial": "binomial", "kaplan-meier": "Kaplan-Meier", "unspecified": "estimator not stated"}


def forest_label(row: dict[str, Any]) -> str:
    """A forest row's label: the cohort, its count when it is one, and its estimator — never "≈".

    Parameters
    ----------
    row : dict
        A row of :meth:`SuiteResult.observed` (``label, estimator, events, total, inferred``).

    Returns
    -------
    str

    Examples
    --------
    >>> forest_label({"label": "Apatinib + camrelizumab", "estimator": "binomial", "events": 13, "total": 43,
    ...               "inferred": False})
    'Apatinib + camrelizumab (13/43, binomial)'
    >>> forest_label({"label": "Apatinib + camrelizumab", "estimator": "kaplan-meier", "events": None,
    ...               "total": None, "inferred": False})
    'Apatinib + camrelizumab (Kaplan-Meier)'
    """
    what = _ESTIMATOR.get(row.get("estimator") or "binomial", str(row.get("estimator")))
    if row.get("events") is None:
        return f"{row['label']} ({what})"
    inferred = ", inferred" if row.get("inferred") else ""
    return f"{row['label']} ({row['events']}/{row['total']}, {what}{inferred})"


def _nan(values: Sequence[float | None]) -> list[float]:
    return [math.nan if v is None else float(v) for v in values]


def observed_forest_svg(observed: pl.DataFrame, label: str, level: float = 0.95) -> str:
    """Forest plot of cohorts as observed or printed, without a pooled estimate (no diamond, no weights).

    A count with its interval, a Kaplan-Meier rate with its printed interval (a point when none was printed),
    each labelled by its estimator. Needs no suite: a landmark outcome whose cohorts print no count still gets
    its figure.

    Parameters
    ----------
    observed : polars.DataFrame
        :func:`trialcompare.meta.suite.observed_rates`.
    label : str
        The outcome's name (the axis label).
    level : float
        Level of the intervals (the column header).

    Returns
    -------
    str
        SVG text.
    """
    labels = [forest_label(r) for r in observed.iter_rows(named=True)]
    return forest_plot_svg(labels, observed["estimate"].to_list(), _nan(observed["ci_low"].to_list()),
                           _nan(observed["ci_high"].to_list()), xlabel=label, xlim=(0.0, 1.0),
                           interval_label=interval_label(level))  # fmt: skip


def suite_forest_svg(suite: SuiteResult, *, pooled: bool = True, observed: pl.DataFrame | None = None) -> str:
    """Forest plot of the primary analysis.

    Per-cohort CIs and, with ``pooled``, the diamond and the prediction interval.

    Parameters
    ----------
    suite : SuiteResult
    pooled : bool
        Draw the pooled diamond, the prediction interval and the studies' weights, with the studies on the
        pooling scale (back-transformed). Without a pooled estimate a weight means nothing, so none is shown, the
        squares are of one size, and each cohort is drawn as observed or printed: a count with its interval, a
        Kaplan-Meier rate with its printed interval (a point alone when none was printed), each labelled by its
        estimator.
    observed : polars.DataFrame, optional
        The cohorts as observed when not ``pooled`` (:meth:`SuiteResult.observed`, which :func:`~trialcompare.analyse`
        computes with the comparison's interval method; default: its exact intervals).

    Returns
    -------
    str
        SVG text.
    """
    pooled = pooled and suite.primary.k >= MIN_POOLED
    res = suite.primary
    if pooled:
        studies, est, pi = suite.forest_data()
        studies = studies.with_columns(estimator=pl.lit("binomial"))
    else:
        studies, est, pi = (suite.observed() if observed is None else observed), None, None
    labels = [forest_label(r) for r in studies.iter_rows(named=True)]
    return forest_plot_svg(
        labels, studies["estimate"].to_list(), _nan(studies["ci_low"].to_list()), _nan(studies["ci_high"].to_list()),
        pooled=est, prediction=pi, xlabel=suite.label,
        weights=studies["weight"].to_list() if pooled else None, xlim=(0.0, 1.0),  # no pool, no weights
        prediction_label=f"{suite.level:.0%} prediction interval", interval_label=interval_label(suite.level),
        pooled_label=f"Pooled ({res.method}, {res.transform or 'logit'}), k = {res.k}",
    )
