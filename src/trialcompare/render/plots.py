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

The figures are written one module each, all importable from here: :mod:`~trialcompare.render.plots_forest`
(forest plots), :mod:`~trialcompare.render.plots_survival` (Kaplan-Meier curves),
:mod:`~trialcompare.render.plots_bars` (bar comparison, MAIC weights histogram) and
:mod:`~trialcompare.render.plots_network` (treatment network), with their shared style in
:mod:`~trialcompare.render.plots_style` and the deferral in :mod:`~trialcompare.render.plots_deferred`.
Importing this module registers every ``*_svg`` function that a :class:`FigureCall` may name.
"""

from __future__ import annotations

from .plots_bars import bar_compare_svg
from .plots_bars import weights_histogram as weights_histogram
from .plots_bars import weights_histogram_svg as weights_histogram_svg
from .plots_deferred import FIGURE_SCHEME, FigureCall, deferred_figures, svg_data_uri
from .plots_forest import _forest_xlim as _forest_xlim
from .plots_forest import forest_plot as forest_plot
from .plots_forest import forest_plot_svg
from .plots_network import network_plot as network_plot
from .plots_network import network_plot_svg as network_plot_svg
from .plots_style import PALETTE
from .plots_style import _rc_context as _rc_context
from .plots_survival import km_plot as km_plot
from .plots_survival import km_plot_svg

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
