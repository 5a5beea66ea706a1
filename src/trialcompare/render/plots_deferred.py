"""Figures deferred and embedded: :func:`deferred_figures`, :class:`FigureCall` and :func:`svg_data_uri`.

Inside :func:`deferred_figures` the ``*_svg`` functions of :mod:`trialcompare.render.plots` (each decorated with
:func:`_deferrable`) draw nothing: each records its call as a :class:`FigureCall` and returns the URL
``figure:<n>``, which the PDF renderer resolves by drawing the call.
"""

from __future__ import annotations

import base64
import contextlib
import functools
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

__all__ = ["FIGURE_SCHEME", "FigureCall", "deferred_figures", "svg_data_uri"]

#: URL scheme of a deferred figure: ``figure:<n>`` is the n-th call recorded by :func:`deferred_figures`.
FIGURE_SCHEME = "figure"

_DEFERRED: ContextVar[list[FigureCall] | None] = ContextVar("trialcompare_deferred_figures", default=None)
_DRAWERS: dict[str, Callable[..., str]] = {}


@dataclass(frozen=True)
class FigureCall:
    """A figure to draw later: one of the ``*_svg`` functions of :mod:`trialcompare.render.plots` and its arguments.

    Attributes
    ----------
    name : str
        The function's name, e.g. ``"forest_plot_svg"``.
    args : tuple
        Its positional arguments.
    kwargs : dict of str to Any
        Its keyword arguments.
    """

    name: str
    args: tuple[Any, ...] = ()
    kwargs: dict[str, Any] = field(default_factory=dict)

    def svg(self) -> str:
        """Draw the figure now, whether or not figures are being deferred.

        Returns
        -------
        str
            SVG document text.
        """
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
    >>> from trialcompare.render.plots import forest_plot_svg
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
