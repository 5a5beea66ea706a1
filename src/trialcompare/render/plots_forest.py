"""Forest plots: one row per study with its interval, the pooled estimate as a diamond, the prediction interval.

:func:`forest_plot` draws the figure; :func:`forest_plot_svg` (deferrable, :mod:`trialcompare.render.plots`) is
what the report embeds.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from .plots_deferred import _deferrable
from .plots_style import (
    _INK,
    _WIDTH_IN,
    _as_float_array,
    _grid_margins,
    _new_figure,
    _rc_context,
    _style_axis,
    _to_svg,
    _wrap,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["forest_plot", "forest_plot_svg"]


def _check_forest_input(
    labels: Sequence[str],
    estimates: Sequence[float],
    ci_low: Sequence[float],
    ci_high: Sequence[float],
    weights: Sequence[float] | None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray | None]:
    n = len(labels)
    if n == 0:
        raise ValueError("a forest plot needs at least one study")
    est = _as_float_array("estimates", estimates, n)
    lo = _as_float_array("ci_low", ci_low, n)
    hi = _as_float_array("ci_high", ci_high, n)
    printed = np.isfinite(lo) & np.isfinite(hi)
    none = np.isnan(lo) & np.isnan(hi)  # an estimate printed without an interval: drawn as a point only
    if not (np.all(np.isfinite(est)) and np.all(printed | none)):
        raise ValueError("estimates and confidence limits must be finite (both limits NaN: no interval printed)")
    if np.any(printed & ((lo > est) | (est > hi))):
        raise ValueError("each estimate must lie within its confidence interval")
    w = None
    if weights is not None:
        w = _as_float_array("weights", weights, n)
        if np.any(~np.isfinite(w)) or np.any(w < 0) or not np.any(w > 0):
            raise ValueError("weights must be finite, non-negative and not all zero")
    return est, lo, hi, w


def _marker_sizes(weights: np.ndarray | None, n: int) -> np.ndarray:
    """Square side in points: area proportional to weight, between 3 and 11 pt."""
    if weights is None:
        return np.full(n, 6.0)
    return 3.0 + 8.0 * np.sqrt(weights / weights.max())


def _forest_xlim(
    lo: np.ndarray, hi: np.ndarray, extra: Sequence[float], xlim: tuple[float, float] | None,
    est: Sequence[float] | None = None,
) -> tuple[float, float]:
    if xlim is not None:
        return float(xlim[0]), float(xlim[1])
    left = min([float(np.nanmin(lo)) if np.isfinite(lo).any() else math.inf, *extra, *(est or ())])
    right = max([float(np.nanmax(hi)) if np.isfinite(hi).any() else -math.inf, *extra, *(est or ())])
    pad = 0.05 * (right - left or 1.0)
    return left - pad, right + pad


def _draw_clipped_interval(ax: Axes, y: float, lo: float, hi: float, limits: tuple[float, float]) -> None:
    """Horizontal CI line, with an arrow head where it runs beyond the axis limits."""
    left, right = limits
    ax.plot([max(lo, left), min(hi, right)], [y, y], color=_INK, linewidth=1.0, solid_capstyle="butt")
    if lo < left:
        ax.plot([left], [y], marker="<", color=_INK, markersize=4, clip_on=False)
    if hi > right:
        ax.plot([right], [y], marker=">", color=_INK, markersize=4, clip_on=False)


def _draw_pooled(
    ax: Axes,
    y: float,
    pooled: tuple[float, float, float],
    prediction: tuple[float, float] | None,
    limits: tuple[float, float],
) -> None:
    from matplotlib.patches import Polygon

    est, lo, hi = (float(v) for v in pooled)
    if prediction is not None:
        _draw_clipped_interval(ax, y - 1.0, float(prediction[0]), float(prediction[1]), limits)
        for x in prediction:
            if limits[0] <= x <= limits[1]:
                ax.plot([x, x], [y - 1.18, y - 0.82], color=_INK, linewidth=1.0)
    diamond = [(lo, y), (est, y + 0.32), (hi, y), (est, y - 0.32)]
    ax.add_patch(Polygon(diamond, closed=True, facecolor=_INK, edgecolor=_INK, linewidth=0.6))
    ax.axvline(est, color="#7f7f7f", linewidth=0.6, linestyle=(0, (3, 2)), zorder=0.5)


def _annotate_column(ax: Axes, ys: Sequence[float], texts: Sequence[str], header: str, x: float) -> None:
    for y, text in zip(ys, texts, strict=True):
        ax.text(x, y, text, ha="right", va="center", fontsize=8)
    ax.text(
        x,
        1.0,
        header,
        ha="right",
        va="bottom",
        multialignment="right",
        fontsize=8,
        fontweight="bold",
        transform=ax.transAxes,
    )


def forest_plot(
    labels: Sequence[str],
    estimates: Sequence[float],
    ci_low: Sequence[float],
    ci_high: Sequence[float],
    pooled: tuple[float, float, float] | None = None,
    prediction: tuple[float, float] | None = None,
    xlabel: str = "Proportion",
    weights: Sequence[float] | None = None,
    xlim: tuple[float, float] | None = None,
    *,
    pooled_label: str = "Pooled (random effects)",
    prediction_label: str = "95% prediction interval",
    interval_label: str = "95% CI",
    value_format: str = "{:.2f}",
    reference_line: float | None = None,
    title: str | None = None,
) -> Figure:
    """Draw a forest plot: one row per study, the pooled estimate as a diamond.

    Parameters
    ----------
    labels : sequence of str
        Study labels, top to bottom. Long labels are wrapped.
    estimates, ci_low, ci_high : sequence of float
        Point estimate and confidence limits per study (on the scale to be shown). Both limits NaN: the source
        printed the estimate without an interval — drawn as a point, "[not printed]" in the column (an interval is
        never made up for it).
    pooled : (float, float, float), optional
        Pooled estimate and its confidence limits, drawn as a diamond below the studies.
    prediction : (float, float), optional
        Prediction interval, drawn as a bar on its own row below the diamond.
    xlabel : str, default "Proportion"
        Label of the horizontal axis.
    weights : sequence of float, optional
        Study weights (any scale); square area is proportional to weight and the relative weight
        (in %) is printed in a column. Equal squares if omitted.
    xlim : (float, float), optional
        Horizontal axis limits; intervals running beyond them end in an arrow head.
    pooled_label, prediction_label : str
        Row labels of the pooled estimate and of the prediction interval.
    interval_label : str, default "95% CI"
        Header of the interval column (follow the level of the intervals drawn).
    value_format : str, default "{:.2f}"
        Format of the numbers in the "Estimate [95% CI]" column.
    reference_line : float, optional
        Draw a solid vertical line at this value (e.g. 0 for differences, 1 for ratios).
    title : str, optional
        Title above the plot.

    Returns
    -------
    matplotlib.figure.Figure
        Three axes: labels, the plot, the estimates column.

    Raises
    ------
    ValueError
        If the input lengths differ, values are not finite, an estimate lies outside its interval,
        or weights are negative.

    Examples
    --------
    >>> svg = forest_plot_svg(["A", "B"], [0.3, 0.5], [0.2, 0.35], [0.42, 0.65], pooled=(0.4, 0.3, 0.5))
    >>> svg.lstrip().startswith("<?xml")
    True
    """
    est, lo, hi, w = _check_forest_input(labels, estimates, ci_low, ci_high, weights)
    n = est.size
    extra = [float(v) for v in (*(pooled or ()), *(prediction or ()))]
    limits = _forest_xlim(lo, hi, extra, xlim, est.tolist())
    ys = [float(n - k + (2 if pooled else 0)) for k in range(n)]
    rows = [_wrap(label, 34) for label in labels]
    row_ys = list(ys)
    if pooled is not None:
        rows.append(_wrap(pooled_label, 32))
        row_ys.append(1.5)
        if prediction is not None:
            rows.append(_wrap(prediction_label, 32))
            row_ys.append(0.5)
    lines = sum(r.count("\n") + 1 for r in rows)
    with _rc_context():
        height = 0.95 + 0.2 * lines + 0.1 * len(rows)
        fig = _new_figure(_WIDTH_IN, height, constrained=False)
        # margins as constrained layout finds them: the two-line column headers above, ticks and label below
        grid = _grid_margins(_WIDTH_IN, height, top=0.31 + (0.22 if title else 0.0), bottom=0.42, side=0.04,
                             gap=0.17, columns=3)
        names, ax, side = fig.subplots(1, 3, width_ratios=[2.4, 2.5, 1.6], sharey=True, gridspec_kw=grid)
        _draw_forest_rows(ax, ys, est, lo, hi, _marker_sizes(w, n), limits)
        if pooled is not None:
            _draw_pooled(ax, 1.5, pooled, prediction, limits)
        if reference_line is not None:
            ax.axvline(reference_line, color=_INK, linewidth=0.7, zorder=0.6)
        ax.set_xlim(*limits)
        ax.set_ylim(min(row_ys) - 0.6, max(row_ys) + 0.6)
        ax.set_xlabel(xlabel)
        _style_axis(ax)
        ax.tick_params(axis="y", left=False, labelleft=False)
        _fill_forest_names(names, row_ys, rows, n)
        _fill_forest_table(side, row_ys, est, lo, hi, w, pooled, prediction, value_format, interval_label)
        if title:
            fig.suptitle(title, x=0.01, ha="left", fontsize=9.5, fontweight="bold")
        return fig


@_deferrable
def forest_plot_svg(*args: Any, **kwargs: Any) -> str:
    """Draw :func:`forest_plot` as SVG text, which the report embeds.

    Parameters
    ----------
    *args, **kwargs
        The arguments of :func:`forest_plot`, passed on unchanged.

    Returns
    -------
    str
        SVG document text; inside :func:`~trialcompare.render.plots_deferred.deferred_figures`, the URL
        ``figure:<n>`` of the recorded call instead.
    """
    with _rc_context():
        return _to_svg(forest_plot(*args, **kwargs))


def _draw_forest_rows(
    ax: Axes,
    ys: Sequence[float],
    est: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    sizes: np.ndarray,
    limits: tuple[float, float],
) -> None:
    for y, e, a, b, s in zip(ys, est, lo, hi, sizes, strict=True):
        if np.isfinite(a):
            _draw_clipped_interval(ax, y, float(a), float(b), limits)
        if limits[0] <= e <= limits[1]:
            ax.plot([e], [y], marker="s", markersize=s, color=_INK, markeredgewidth=0, linestyle="none")


def _fill_forest_names(names: Axes, row_ys: Sequence[float], rows: Sequence[str], n: int) -> None:
    """Left column: study labels, left-aligned; the summary rows in bold."""
    names.set_axis_off()
    names.set_xlim(0, 1)
    for k, (y, text) in enumerate(zip(row_ys, rows, strict=True)):
        weight = "bold" if k >= n else "normal"
        names.text(0.0, y, text, ha="left", va="center", fontsize=8.5, fontweight=weight, linespacing=1.15)
    names.text(
        0.0, 1.0, "Study", ha="left", va="bottom", fontsize=8, fontweight="bold", transform=names.transAxes
    )


def _fill_forest_table(
    side: Axes,
    row_ys: Sequence[float],
    est: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    w: np.ndarray | None,
    pooled: tuple[float, float, float] | None,
    prediction: tuple[float, float] | None,
    value_format: str,
    interval_label: str,
) -> None:
    def fmt(e: float | None, a: float, b: float) -> str:
        if math.isnan(a):
            return f"{value_format.format(e)} [not printed]"
        inner = f"{value_format.format(a)}, {value_format.format(b)}"
        return f"[{inner}]" if e is None else f"{value_format.format(e)} [{inner}]"

    cells = [fmt(e, a, b) for e, a, b in zip(est, lo, hi, strict=True)]
    if pooled is not None:
        cells.append(fmt(*pooled))
        if prediction is not None:
            cells.append(fmt(None, *prediction))
    side.set_axis_off()
    side.set_xlim(0, 1)
    col_x = 0.68 if w is not None else 1.0
    _annotate_column(side, row_ys, cells, f"Estimate\n[{interval_label}]", col_x)
    if w is not None:
        shares = [f"{100 * v / w.sum():.1f}%" for v in w]
        _annotate_column(side, row_ys[: len(shares)], shares, "Weight", 1.0)

