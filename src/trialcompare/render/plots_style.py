"""The report figures' shared style and helpers: palette, matplotlib rcParams, figure creation, SVG output.

Every figure of :mod:`trialcompare.render.plots` is drawn inside :func:`_rc_context` (the caller's rcParams are
left as they were) on a :class:`matplotlib.figure.Figure` of :func:`_new_figure` (no ``pyplot``), and written by
:func:`_to_svg` without a date and with a fixed hash salt, so that identical input gives identical SVG.
matplotlib is imported only when a figure is drawn.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["PALETTE"]

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

