"""funnel_plot: a matplotlib Figure whose marks are the data (hand derivation in each test)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.figure import Figure

from trialcompare.meta import funnel_plot, trim_and_fill

Y = [0.1, 0.3, 0.2, 0.6]
V = [0.01, 0.04, 0.02, 0.09]


def test_marks_are_effects_against_standard_errors():
    fig = funnel_plot(Y, V)
    try:
        assert isinstance(fig, Figure)
        ax = fig.axes[0]
        points = ax.collections[-1].get_offsets()
        expected = [c for y, v in zip(Y, V, strict=True) for c in (y, v**0.5)]
        assert np.asarray(points).ravel().tolist() == pytest.approx(expected)
        # centre: inverse-variance mean Σ(y/v)/Σ(1/v) = (10 + 7.5 + 10 + 6.667)/(100 + 25 + 50 + 11.111)
        centre = (10 + 7.5 + 10 + 0.6 / 0.09) / (100 + 25 + 50 + 1 / 0.09)
        line = ax.lines[0].get_xydata()
        top = 0.3 * 1.05
        z = 1.959963984540054
        assert line.ravel().tolist() == pytest.approx([centre - z * top, top, centre, 0.0, centre + z * top, top])
        assert ax.get_ylim() == pytest.approx((top, 0.0))  # standard error axis inverted: precise studies on top
    finally:
        plt.close(fig)


def test_draws_into_given_axes_and_shows_filled_studies():
    fig, ax = plt.subplots()
    try:
        y = [-0.9, -0.6, -0.5, -0.45, -0.3, -0.2, 0.0, 0.1, 0.4, 0.8, 1.6]
        v = [0.01, 0.02, 0.015, 0.03, 0.05, 0.06, 0.1, 0.12, 0.2, 0.3, 0.5]
        tf = trim_and_fill(y, v, method="EE")
        out = funnel_plot(y, v, estimate=0.05, ax=ax, filled=tf)
        assert out is fig
        assert ax.lines[0].get_xydata()[1].tolist() == [0.05, 0.0]
        n_sets = 2 if tf.k0 > 0 else 1
        assert tf.k0 > 0 and len(ax.collections) == n_sets  # studies, filled studies (the region is a patch)
        filled = np.asarray(ax.collections[1].get_offsets())
        assert filled[:, 0].tolist() == pytest.approx(tf.filled["yi"].to_list())
    finally:
        plt.close(fig)
