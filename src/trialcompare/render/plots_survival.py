"""Kaplan-Meier (or digitised) survival curves as right-continuous steps, with censoring marks and a risk table.

:func:`km_plot` draws the figure; :func:`km_plot_svg` (deferrable, :mod:`trialcompare.render.plots`) is what the
report embeds.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, overload

import numpy as np

from .plots_deferred import _deferrable
from .plots_style import (
    _GRID,
    _LINESTYLES,
    _WIDTH_IN,
    PALETTE,
    _as_float_array,
    _new_figure,
    _rc_context,
    _to_svg,
    _wrap,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure, SubFigure

    _Curves = Sequence[tuple[str, Sequence[float], Sequence[float]]]
    _CensorMarks = Mapping[str, Sequence[float]] | Sequence[Sequence[float] | None]
    _RiskTable = tuple[Sequence[float], Mapping[str, Sequence[int]]]

__all__ = ["km_plot", "km_plot_svg"]


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
    printed_times, counts = risk_table
    times = _as_float_array("risk_table times", printed_times)
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


@overload
def km_plot(curves: _Curves, xlabel: str = ..., ylabel: str = ..., censor_marks: _CensorMarks | None = ...,
            risk_table: _RiskTable | None = ..., *, xlim: tuple[float, float] | None = ...,
            xticks: Sequence[float] | None = ..., title: str | None = ..., ax: None = ...) -> Figure: ...
@overload
def km_plot(curves: _Curves, xlabel: str = ..., ylabel: str = ..., censor_marks: _CensorMarks | None = ...,
            risk_table: _RiskTable | None = ..., *, xlim: tuple[float, float] | None = ...,
            xticks: Sequence[float] | None = ..., title: str | None = ..., ax: Axes) -> Figure | SubFigure: ...
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
) -> Figure | SubFigure:
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
        The figure of ``ax`` when it is given (a subfigure if ``ax`` is in one).

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
            style: dict[str, Any] = {"color": PALETTE[k % len(PALETTE)], "linestyle": _LINESTYLES[k % len(_LINESTYLES)]}
            ax.step(t, s, where="post", label=_wrap(label, 36), linewidth=1.4, **style)
            marks = _censor_times(censor_marks, label, k)
            if marks is not None and marks.size:
                ax.plot(marks, _survival_at(t, s, marks), "+", markersize=5, color=style["color"])
        _style_km_axes(ax, xlabel, ylabel, xlim, xticks)
        if risk_ax is not None and risk_table is not None:  # a risk-table axis is made for a risk table only
            _draw_risk_table(risk_ax, risk_table, labels)
            ax.tick_params(labelbottom=True)
        if title:
            ax.set_title(title, loc="left", fontweight="bold")
        return fig


def _km_axes(ax: Axes | None, n_risk: int) -> tuple[Figure | SubFigure, Axes, Axes | None]:
    """The figure, the curve axis and (with a risk table) the risk-table axis."""
    if ax is not None:
        return ax.figure, ax, None
    fig = _new_figure(_WIDTH_IN, 3.1 + (0.3 + 0.17 * n_risk if n_risk else 0.0))
    if n_risk:
        ax, risk_ax = fig.subplots(2, 1, height_ratios=[3.1, 0.3 + 0.17 * n_risk], sharex=True)
        return fig, ax, risk_ax
    return fig, fig.subplots(1, 1), None


@_deferrable
def km_plot_svg(*args: Any, **kwargs: Any) -> str:
    """Draw :func:`km_plot` as SVG text, which the report embeds.

    Parameters
    ----------
    *args, **kwargs
        The arguments of :func:`km_plot`, passed on unchanged.

    Returns
    -------
    str
        SVG document text; inside :func:`~trialcompare.render.plots_deferred.deferred_figures`, the URL
        ``figure:<n>`` of the recorded call instead.
    """
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

