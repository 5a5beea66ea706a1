"""Bar charts of the report: cohorts compared as horizontal bars, and the histogram of MAIC weights.

:func:`bar_compare_svg`, :func:`weights_histogram` and its deferrable :func:`weights_histogram_svg`
(:mod:`trialcompare.render.plots`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, overload

import numpy as np

from .plots_deferred import _deferrable
from .plots_style import (
    _INK,
    _WIDTH_IN,
    PALETTE,
    _as_float_array,
    _new_figure,
    _rc_context,
    _style_axis,
    _to_svg,
    _wrap,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure, SubFigure

__all__ = ["bar_compare_svg", "weights_histogram", "weights_histogram_svg"]


@_deferrable
def bar_compare_svg(
    labels: Sequence[str],
    values: Sequence[float],
    ci_low: Sequence[float] | None = None,
    ci_high: Sequence[float] | None = None,
    *,
    xlabel: str = "Proportion",
    reference: str | None = None,
    value_format: str = "{:.2f}",
    xlim: tuple[float, float] | None = None,
    title: str | None = None,
) -> str:
    """Draw horizontal bars (one per cohort) with optional confidence whiskers.

    Parameters
    ----------
    labels : sequence of str
        Cohort labels, top to bottom.
    values : sequence of float
        Bar lengths.
    ci_low, ci_high : sequence of float, optional
        Confidence limits (both or neither).
    xlabel : str, default "Proportion"
        Axis label.
    reference : str, optional
        Label of the reference cohort: its bar is drawn dark, the others light.
    value_format : str, default "{:.2f}"
        Format of the value printed at the end of each bar.
    xlim : (float, float), optional
        Axis limits; default from min(0, values) to the largest upper limit plus a margin.
    title : str, optional
        Title above the plot.

    Returns
    -------
    str
        SVG document text.

    Examples
    --------
    >>> "B" in bar_compare_svg(["A", "B"], [0.3, 0.5], [0.2, 0.4], [0.4, 0.6], reference="A")
    True
    """
    n = len(labels)
    vals = _as_float_array("values", values, n)
    if (ci_low is None) != (ci_high is None):
        raise ValueError("give both ci_low and ci_high, or neither")
    lo = _as_float_array("ci_low", ci_low, n) if ci_low is not None else None
    hi = _as_float_array("ci_high", ci_high, n) if ci_high is not None else None
    top = float(np.nanmax(hi if hi is not None else vals))
    if xlim is None:
        xlim = (min(0.0, float(np.nanmin(vals))), top + 0.18 * (abs(top) or 1.0))
    ys = np.arange(n)[::-1].astype(float)
    with _rc_context():
        fig = _new_figure(_WIDTH_IN, 0.7 + 0.32 * n)
        ax = fig.subplots()
        colours = [PALETTE[0] if label == reference else "#9ec3e0" for label in labels]
        ax.barh(ys, vals, height=0.6, color=colours, edgecolor="none")
        if lo is not None and hi is not None:
            ax.errorbar(
                vals, ys, xerr=[vals - lo, hi - vals], fmt="none", ecolor=_INK, elinewidth=0.9, capsize=2.5
            )
        ends = hi if hi is not None else vals
        for y, v, end in zip(ys, vals, ends, strict=True):
            if math.isfinite(v):
                ax.annotate(
                    value_format.format(v),
                    (end, y),
                    xytext=(5, 0),
                    textcoords="offset points",
                    va="center",
                    ha="left",
                    fontsize=7.5,
                )
        ax.set_yticks(ys, [_wrap(label) for label in labels])
        ax.set_xlim(*xlim)
        ax.set_xlabel(xlabel)
        _style_axis(ax)
        if title:
            ax.set_title(title, loc="left", fontweight="bold")
        return _to_svg(fig)


@overload
def weights_histogram(weights: Sequence[float], *, ax: None = ..., title: str | None = ...) -> Figure: ...
@overload
def weights_histogram(weights: Sequence[float], *, ax: Axes, title: str | None = ...) -> Figure | SubFigure: ...
def weights_histogram(
    weights: Sequence[float], *, ax: Axes | None = None, title: str | None = None
) -> Figure | SubFigure:
    """Histogram of MAIC weights rescaled to sum to the number of patients (1 = an unweighted patient).

    Parameters
    ----------
    weights : sequence of float
        Rescaled weights.
    ax : matplotlib.axes.Axes, optional
        Draw into this axis (its figure is returned); a new figure otherwise.
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure
        The figure of ``ax`` when it is given (a subfigure if ``ax`` is in one).

    Examples
    --------
    >>> fig = weights_histogram([0.2, 0.5, 1.0, 1.3, 2.0])
    >>> fig.axes[0].get_xlabel()
    'rescaled weight (1 = one patient)'
    """
    w = _as_float_array("weights", weights)
    with _rc_context():
        fig = _new_figure(5.0, 2.2) if ax is None else ax.figure
        ax = ax or fig.add_subplot()
        ax.hist(w, bins=min(20, max(5, w.size // 2)), color="#7a7a7a", edgecolor="white")
        ax.axvline(1.0, color=_INK, linewidth=0.8, linestyle="--")
        ax.set_xlabel("rescaled weight (1 = one patient)")
        ax.set_ylabel("patients")
        if title:
            ax.set_title(title, fontsize=9)
        _style_axis(ax)
    return fig


@_deferrable
def weights_histogram_svg(weights: Sequence[float], title: str | None = None) -> str:
    """Draw :func:`weights_histogram` as SVG text for the report.

    Parameters
    ----------
    weights : sequence of float
        MAIC weights rescaled to sum to the number of patients.
    title : str, optional
        Title above the histogram.

    Returns
    -------
    str
        SVG document text; inside :func:`~trialcompare.render.plots_deferred.deferred_figures`, the URL
        ``figure:<n>`` of the recorded call instead.
    """
    with _rc_context():
        return _to_svg(weights_histogram(weights, title=title))

