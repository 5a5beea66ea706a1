"""The treatment network: treatments on a circle, the randomised studies linking them as labelled edges.

:func:`network_plot` draws the figure; :func:`network_plot_svg` (deferrable, :mod:`trialcompare.render.plots`) is
what the report embeds.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, overload

from .plots_deferred import _deferrable
from .plots_style import _INK, _new_figure, _rc_context, _to_svg, _wrap

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure, SubFigure

__all__ = ["network_plot", "network_plot_svg"]


@overload
def network_plot(nodes: Sequence[str], edges: Sequence[tuple[str, str, str]], *, ax: None = ...) -> Figure: ...
@overload
def network_plot(nodes: Sequence[str], edges: Sequence[tuple[str, str, str]], *, ax: Axes) -> Figure | SubFigure: ...
def network_plot(
    nodes: Sequence[str], edges: Sequence[tuple[str, str, str]], *, ax: Axes | None = None
) -> Figure | SubFigure:
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
        The figure of ``ax`` when it is given (a subfigure if ``ax`` is in one).

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
    """Draw :func:`network_plot` as SVG text for the report.

    Parameters
    ----------
    nodes : sequence of str
        Treatment names.
    edges : sequence of (str, str, str)
        (treatment, treatment, study label) per randomised comparison.

    Returns
    -------
    str
        SVG document text; inside :func:`~trialcompare.render.plots_deferred.deferred_figures`, the URL
        ``figure:<n>`` of the recorded call instead.
    """
    with _rc_context():
        return _to_svg(network_plot(nodes, edges))
