"""Text and figures of a meta-analytic sensitivity suite (formatting only: the numbers come from
:class:`trialcompare.meta.suite.SuiteResult`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import polars as pl

from ..options import interval_label
from .plots import forest_plot_svg
from .tables import format_text

if TYPE_CHECKING:
    from ..meta.suite import SuiteResult

__all__ = ["MIN_POOLED", "suite_forest_svg", "suite_text"]

MIN_POOLED = 3
"""No pooled number from fewer cohorts (DESIGN.md: k < 3 is not estimable)."""


def suite_text(suite: SuiteResult, full: bool = False) -> str:
    """Readable text: per-cohort counts, the primary analysis and notes (``full``: every table).

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
              f"Not pooled: k = {suite.primary.k} cohort(s); no pooled number, heterogeneity or prediction interval "
              f"is given from fewer than {MIN_POOLED} (the per-cohort counts are above).")
    parts = [f"Outcome: {suite.label} ({suite.outcome}); primary analysis: {t}, {m}, test {s}", "",
             format_text(suite.data.with_columns(pl.col("estimate").round(4))), pooled]
    if suite.notes:
        parts += ["", "Notes:", *(f"- {n}" for n in suite.notes)]
    if full:
        for title, frame in suite.tables():
            parts += ["", f"{title}:", format_text(frame) if not frame.is_empty() else "(none)\n"]
    return "\n".join(parts).rstrip() + "\n"


def suite_forest_svg(suite: SuiteResult, *, pooled: bool = True, observed: pl.DataFrame | None = None) -> str:
    """Forest plot of the primary analysis: per-cohort CIs and, with ``pooled``, the diamond and the prediction
    interval.

    Parameters
    ----------
    suite : SuiteResult
    pooled : bool
        Draw the pooled diamond, the prediction interval and the studies' weights, with the studies on the
        pooling scale (back-transformed). Without a pooled estimate a weight means nothing, so none is shown, the
        squares are of one size, and each cohort is drawn as observed.
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
    else:
        studies, est, pi = (suite.observed() if observed is None else observed), None, None
    labels = [f"{r['label']} ({'≈' if r['approximate'] else ''}{r['events']}/{r['total']}"
              f"{', inferred' if r['inferred'] else ''})" for r in studies.iter_rows(named=True)]
    return forest_plot_svg(
        labels, studies["estimate"].to_list(), studies["ci_low"].to_list(), studies["ci_high"].to_list(),
        pooled=est, prediction=pi, xlabel=suite.label,
        weights=studies["weight"].to_list() if pooled else None, xlim=(0.0, 1.0),  # no pool, no weights
        prediction_label=f"{suite.level:.0%} prediction interval", interval_label=interval_label(suite.level),
        pooled_label=f"Pooled ({res.method}, {res.transform or 'logit'}), k = {res.k}",
    )
