"""Figures for reports: forest plots, Kaplan-Meier curves and bar comparisons as deterministic SVG.

Every function builds its own :class:`matplotlib.figure.Figure` (no ``pyplot``, so no global figure
registry), applies its style through :func:`matplotlib.rc_context` (so the caller's rcParams are
left as they were), and returns the SVG as text. The SVG is byte-identical for identical input: the
element-id hash salt is fixed and no date is written. Text is kept as SVG ``<text>`` in DejaVu Sans,
the family of the fonts bundled in ``templates/fonts`` that the report stylesheet declares, so the
PDF carries real, searchable text.

Embed a figure in a report as ``<img src="{{ svg | svg_data_uri }}">`` (see :func:`svg_data_uri`).

Inside :func:`deferred_figures` the ``*_svg`` functions draw nothing: each records its call as a
:class:`FigureCall` and returns the URL ``figure:<n>``, which the PDF renderer resolves by drawing the call
(:func:`trialcompare.render.pdf.html_to_pdf`'s ``figures``). The command line's report uses this to draw the
figures in the process that lays out the PDF, so that its own process never imports matplotlib.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import io
import math
import textwrap
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "FIGURE_SCHEME",
    "PALETTE",
    "FigureCall",
    "bar_compare_svg",
    "deferred_figures",
    "forest_plot_svg",
    "km_plot_svg",
    "svg_data_uri",
]

#: Okabe-Ito colour-blind-safe palette (black last), used in order for curves and bars.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
_LINESTYLES = ("-", "--", "-.", ":", (0, (5, 1, 1, 1)), (0, (3, 1, 1, 1, 1, 1)), "-")
_INK = "#1a1a1a"
_GRID = "#d9d9d9"
_WIDTH_IN = 6.5
_LABEL_WIDTH = 42

_RC = {
    "svg.hashsalt": "trialcompare",
    "svg.fonttype": "none",
    "svg.image_inline": True,
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans"],
    "font.size": 8.5,
    "axes.titlesize": 9.5,
    "axes.labelsize": 8.5,
    "xtick.labelsize": 8,
    "ytick.labelsize": 8.5,
    "legend.fontsize": 8,
    "axes.edgecolor": _INK,
    "axes.labelcolor": _INK,
    "text.color": _INK,
    "xtick.color": _INK,
    "ytick.color": _INK,
    "axes.linewidth": 0.7,
    "xtick.major.width": 0.7,
    "ytick.major.width": 0.7,
    "lines.linewidth": 1.2,
    "path.simplify": False,
    "figure.dpi": 72,
    # labels come from descriptors: text, never TeX or mathtext ("$\\frac{1}$" is printed as written)
    "text.usetex": False,
    "text.parse_math": False,
}
_SVG_METADATA = {"Date": None, "Creator": "trialcompare"}


#: URL scheme of a deferred figure: ``figure:<n>`` is the n-th call recorded by :func:`deferred_figures`.
FIGURE_SCHEME = "figure"


# --------------------------------------------------------------------------------------------------
# deferred figures
# --------------------------------------------------------------------------------------------------

_DEFERRED: ContextVar[list[FigureCall] | None] = ContextVar("trialcompare_deferred_figures", default=None)
_DRAWERS: dict[str, Callable[..., str]] = {}


@dataclass(frozen=True)
class FigureCall:
    """A figure to draw later: the name of one of this module's ``*_svg`` functions and its arguments."""

    name: str
    args: tuple[Any, ...] = ()
    kwargs: dict[str, Any] = field(default_factory=dict)

    def svg(self) -> str:
        """Draw the figure now (whether or not figures are being deferred) and return its SVG text."""
        return _DRAWERS[self.name](*self.args, **self.kwargs)


@contextlib.contextmanager
def deferred_figures() -> Iterator[list[FigureCall]]:
    """Record figures instead of drawing them: the ``*_svg`` functions return ``figure:<n>`` within the block.

    Yields
    ------
    list of FigureCall
        The calls, in order: the n-th is the figure ``figure:<n>``.

    Examples
    --------
    >>> with deferred_figures() as figures:
    ...     url = forest_plot_svg(["A"], [0.5], [0.4], [0.6], xlim=(0, 1))
    >>> url, figures[0].name, figures[0].svg().lstrip()[:5]
    ('figure:0', 'forest_plot_svg', '<?xml')
    """
    calls: list[FigureCall] = []
    token = _DEFERRED.set(calls)
    try:
        yield calls
    finally:
        _DEFERRED.reset(token)


def _deferrable(draw: Callable[..., str]) -> Callable[..., str]:
    """Make an ``*_svg`` function record its call inside :func:`deferred_figures` (and draw otherwise)."""
    _DRAWERS[draw.__name__] = draw

    @functools.wraps(draw)
    def svg(*args: Any, **kwargs: Any) -> str:
        calls = _DEFERRED.get()
        if calls is None:
            return draw(*args, **kwargs)
        calls.append(FigureCall(draw.__name__, args, kwargs))
        return f"{FIGURE_SCHEME}:{len(calls) - 1}"

    return svg


# --------------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------------


def _rc_context():
    import matplotlib

    return matplotlib.rc_context(_RC)


def _new_figure(width: float, height: float, *, constrained: bool = True) -> Figure:
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained" if constrained else None)


def _grid_margins(width: float, height: float, *, top: float, bottom: float, side: float, gap: float,
                  columns: int) -> dict[str, float]:
    """``gridspec_kw`` placing ``columns`` axes with margins and gaps given in inches (a fixed layout).

    Matplotlib's constrained layout finds these margins on every draw, which costs a third of a small figure's
    rendering; where the texts around the axes are of known size the margins are set once, here.

    Examples
    --------
    >>> _grid_margins(6.5, 2.0, top=0.3, bottom=0.4, side=0.05, gap=0.2, columns=3)["bottom"]
    0.2
    """
    axes_width = (width - 2 * side - (columns - 1) * gap) / columns
    return {"left": side / width, "right": 1 - side / width, "bottom": bottom / height, "top": 1 - top / height,
            "wspace": gap / axes_width}


def _to_svg(fig: Figure) -> str:
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", metadata=_SVG_METADATA)
    return buffer.getvalue()


def _as_float_array(name: str, values: Sequence[float], n: int | None = None) -> np.ndarray:
    array = np.asarray(values, dtype=float).reshape(-1)
    if n is not None and array.size != n:
        raise ValueError(f"{name} has {array.size} values, expected {n}")
    return array


def _wrap(label: str, width: int = _LABEL_WIDTH) -> str:
    return "\n".join(textwrap.wrap(str(label), width=width)) or str(label)


def _style_axis(ax: Axes) -> None:
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.tick_params(axis="y", length=0)
    ax.grid(axis="x", color=_GRID, linewidth=0.5)
    ax.set_axisbelow(True)


def svg_data_uri(svg: str) -> str:
    """Encode SVG text as a base64 ``data:`` URI for ``<img src>`` or CSS ``url()``.

    Parameters
    ----------
    svg : str
        SVG document text, or the ``figure:<n>`` URL of a deferred figure (returned as it is).

    Returns
    -------
    str
        ``data:image/svg+xml;base64,...``.

    Examples
    --------
    >>> svg_data_uri("<svg/>")
    'data:image/svg+xml;base64,PHN2Zy8+'
    >>> svg_data_uri("figure:2")
    'figure:2'
    """
    if svg.startswith(f"{FIGURE_SCHEME}:"):
        return svg
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


# --------------------------------------------------------------------------------------------------
# forest plot
# --------------------------------------------------------------------------------------------------


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
) -> str:
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
    """:func:`forest_plot` as SVG text (the report embeds it; same arguments)."""
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


# --------------------------------------------------------------------------------------------------
# Kaplan-Meier plot
# --------------------------------------------------------------------------------------------------


def _step_data(times: Sequence[float], survival: Sequence[float]) -> tuple[np.ndarray, np.ndarray]:
    t = _as_float_array("times", times)
    s = _as_float_array("survival", survival, t.size)
    if t.size == 0 or np.any(np.diff(t) < 0) or np.any(~np.isfinite(t)) or np.any(~np.isfinite(s)):
        raise ValueError("KM curve times must be finite, non-empty and non-decreasing")
    if np.any((s < 0) | (s > 1)):
        raise ValueError("KM survival values must lie in [0, 1]")
    if t[0] > 0:
        t, s = np.concatenate([[0.0], t]), np.concatenate([[1.0], s])
    return t, s


def _survival_at(t: np.ndarray, s: np.ndarray, at: np.ndarray) -> np.ndarray:
    idx = np.searchsorted(t, at, side="right") - 1
    return np.where(idx >= 0, s[np.clip(idx, 0, None)], 1.0)


def _censor_times(
    censor_marks: Mapping[str, Sequence[float]] | Sequence[Sequence[float] | None] | None,
    label: str,
    index: int,
) -> np.ndarray | None:
    if censor_marks is None:
        return None
    marks = censor_marks.get(label) if isinstance(censor_marks, Mapping) else censor_marks[index]
    return None if marks is None else _as_float_array("censor_marks", marks)


def _draw_risk_table(
    ax: Axes, risk_table: tuple[Sequence[float], Mapping[str, Sequence[int]]], labels: Sequence[str]
) -> None:
    times, counts = risk_table
    times = _as_float_array("risk_table times", times)
    ordered = [label for label in labels if label in counts]
    for row, label in enumerate(ordered):
        values = list(counts[label])
        if len(values) != times.size:
            raise ValueError(f"risk table row {label!r} has {len(values)} counts for {times.size} times")
        colour = PALETTE[list(labels).index(label) % len(PALETTE)]
        for t, v in zip(times, values, strict=True):
            ax.text(
                t, -row, "" if v is None else f"{v:d}", ha="center", va="center", fontsize=7.5, color=colour
            )
    ax.set_ylim(-len(ordered) + 0.5, 0.5)
    ax.set_yticks([-r for r in range(len(ordered))], [_wrap(x, 28) for x in ordered], fontsize=7.5)
    for tick, label in zip(ax.get_yticklabels(), ordered, strict=True):
        tick.set_color(PALETTE[list(labels).index(label) % len(PALETTE)])
    ax.tick_params(axis="both", length=0, labelbottom=False)
    ax.tick_params(axis="y", pad=14)
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.set_title("Number at risk", loc="left", fontsize=7.5, fontweight="bold", pad=2)


def km_plot(
    curves: Sequence[tuple[str, Sequence[float], Sequence[float]]],
    xlabel: str = "Months",
    ylabel: str = "Survival probability",
    censor_marks: Mapping[str, Sequence[float]] | Sequence[Sequence[float] | None] | None = None,
    risk_table: tuple[Sequence[float], Mapping[str, Sequence[int]]] | None = None,
    *,
    xlim: tuple[float, float] | None = None,
    xticks: Sequence[float] | None = None,
    title: str | None = None,
    ax: Axes | None = None,
) -> Figure:
    """Draw Kaplan-Meier (or digitised) survival curves as right-continuous steps.

    Parameters
    ----------
    curves : sequence of (label, times, survival)
        One entry per curve: a legend label, event/step times (non-decreasing) and the survival
        probability from each time on. A start at (0, 1) is added when the first time is positive.
    xlabel, ylabel : str
        Axis labels.
    censor_marks : mapping label -> times, or sequence aligned with ``curves``, optional
        Censoring times, drawn as ``+`` on the curve.
    risk_table : (times, mapping label -> counts), optional
        Numbers at risk printed under the plot at ``times`` (one row per curve label present).
    xlim : (float, float), optional
        Horizontal axis limits; default from 0 to the last time.
    xticks : sequence of float, optional
        Tick positions; default: the risk-table times if given, else automatic.
    title : str, optional
        Title above the plot.
    ax : matplotlib.axes.Axes, optional
        Draw into this axis (its figure is returned); not with ``risk_table``, which needs an axis of its own.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        If there is no curve, a curve's times decrease or its survival leaves [0, 1], a risk
        table row has the wrong length, or both ``ax`` and ``risk_table`` are given.

    Examples
    --------
    >>> svg = km_plot_svg([("Arm A", [2, 5, 9], [0.9, 0.7, 0.5])], risk_table=([0, 6, 12], {"Arm A": [20, 15, 9]}))
    >>> "Arm A" in svg
    True
    >>> km_plot([("Arm A", [2, 5, 9], [0.9, 0.7, 0.5])]).axes[0].get_ylabel()
    'Survival probability'
    """
    if ax is not None and risk_table is not None:
        raise ValueError("a risk table needs its own axis: give risk_table or ax, not both")
    if not curves:
        raise ValueError("km_plot_svg needs at least one curve")
    labels = [str(c[0]) for c in curves]
    data = [_step_data(times, surv) for _, times, surv in curves]
    if xlim is None:
        xlim = (0.0, max(float(t[-1]) for t, _ in data) * 1.02 or 1.0)
    if xticks is None and risk_table is not None:
        xticks = list(risk_table[0])
    with _rc_context():
        fig, ax, risk_ax = _km_axes(ax, len(risk_table[1]) if risk_table is not None else 0)
        for k, (label, (t, s)) in enumerate(zip(labels, data, strict=True)):
            style = {"color": PALETTE[k % len(PALETTE)], "linestyle": _LINESTYLES[k % len(_LINESTYLES)]}
            ax.step(t, s, where="post", label=_wrap(label, 36), linewidth=1.4, **style)
            marks = _censor_times(censor_marks, label, k)
            if marks is not None and marks.size:
                ax.plot(marks, _survival_at(t, s, marks), "+", markersize=5, color=style["color"])
        _style_km_axes(ax, xlabel, ylabel, xlim, xticks)
        if risk_ax is not None:
            _draw_risk_table(risk_ax, risk_table, labels)
            ax.tick_params(labelbottom=True)
        if title:
            ax.set_title(title, loc="left", fontweight="bold")
        return fig


def _km_axes(ax: Axes | None, n_risk: int) -> tuple[Figure, Axes, Axes | None]:
    """The figure, the curve axis and (with a risk table) the risk-table axis."""
    if ax is not None:
        return ax.figure, ax, None  # type: ignore[return-value]
    fig = _new_figure(_WIDTH_IN, 3.1 + (0.3 + 0.17 * n_risk if n_risk else 0.0))
    if n_risk:
        ax, risk_ax = fig.subplots(2, 1, height_ratios=[3.1, 0.3 + 0.17 * n_risk], sharex=True)
        return fig, ax, risk_ax
    return fig, fig.subplots(1, 1), None


@_deferrable
def km_plot_svg(*args: Any, **kwargs: Any) -> str:
    """:func:`km_plot` as SVG text (the report embeds it; same arguments)."""
    with _rc_context():
        return _to_svg(km_plot(*args, **kwargs))


def _style_km_axes(
    ax: Axes, xlabel: str, ylabel: str, xlim: tuple[float, float], xticks: Sequence[float] | None
) -> None:
    ax.set_xlim(*xlim)
    ax.set_ylim(0.0, 1.02)
    ax.set_yticks([0.0, 0.25, 0.5, 0.75, 1.0])
    if xticks is not None:
        ax.set_xticks(list(xticks))
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.grid(axis="y", color=_GRID, linewidth=0.5)
    ax.set_axisbelow(True)
    ax.legend(loc="upper right", frameon=False, handlelength=2.6)


# --------------------------------------------------------------------------------------------------
# bar comparison
# --------------------------------------------------------------------------------------------------


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


def weights_histogram(weights: Sequence[float], *, ax: Axes | None = None, title: str | None = None) -> Figure:
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
    """:func:`weights_histogram` as SVG text for the report."""
    with _rc_context():
        return _to_svg(weights_histogram(weights, title=title))


def network_plot(nodes: Sequence[str], edges: Sequence[tuple[str, str, str]], *, ax: Axes | None = None) -> Figure:
    """A treatment network: nodes are treatments (placed on a circle), edges the randomised studies linking them.

    Parameters
    ----------
    nodes : sequence of str
        Treatment names.
    edges : sequence of (str, str, str)
        (treatment, treatment, study label) per randomised comparison.
    ax : matplotlib.axes.Axes, optional
        Draw into this axis (its figure is returned).

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> fig = network_plot(["drug-x", "placebo", "drug-y"], [("drug-x", "placebo", "TRIAL-X"),
    ...                                                        ("drug-y", "placebo", "TRIAL-Y")])
    >>> len(fig.axes[0].texts)
    5
    """
    import math

    names = list(dict.fromkeys(nodes))
    angle = {n: math.pi / 2 + 2 * math.pi * i / max(len(names), 1) for i, n in enumerate(names)}
    pos = {n: (math.cos(a), math.sin(a)) for n, a in angle.items()}
    with _rc_context():
        fig = _new_figure(4.2, 3.0) if ax is None else ax.figure
        ax = ax or fig.add_subplot()
        for a, b, label in edges:
            (x1, y1), (x2, y2) = pos[a], pos[b]
            ax.plot([x1, x2], [y1, y2], color="#7a7a7a", linewidth=1.4, zorder=1)
            ax.text((x1 + x2) / 2, (y1 + y2) / 2, _wrap(label, 18), fontsize=7, ha="center", va="center",
                    color=_INK, bbox={"facecolor": "white", "edgecolor": "none", "pad": 1})
        for n, (x, y) in pos.items():
            ax.scatter([x], [y], s=260, color="#d9d9d9", edgecolors=_INK, zorder=2)
            ax.text(x, y - 0.22, _wrap(n, 18), fontsize=8, ha="center", va="top", color=_INK)
        ax.set_xlim(-1.6, 1.6)
        ax.set_ylim(-1.6, 1.5)
        ax.set_axis_off()
    return fig


@_deferrable
def network_plot_svg(nodes: Sequence[str], edges: Sequence[tuple[str, str, str]]) -> str:
    """:func:`network_plot` as SVG text for the report."""
    with _rc_context():
        return _to_svg(network_plot(nodes, edges))
