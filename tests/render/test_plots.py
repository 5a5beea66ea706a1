"""Tests of the SVG figures: well-formed, labelled, deterministic, side-effect free, and embeddable."""

from __future__ import annotations

import base64
import io
import subprocess
import sys
import xml.etree.ElementTree as ET

import matplotlib
import numpy as np
import pypdf
import pytest

from trialcompare.render.pdf import SafeURLFetcher, html_to_pdf, render_template
from trialcompare.render.plots import bar_compare_svg, forest_plot_svg, km_plot_svg, svg_data_uri

SVG_NS = "{http://www.w3.org/2000/svg}"
LABELS = ["Apatinib + IE", "Apatinib phase II", "Camrelizumab arm", "IE series"]


def _texts(svg: str) -> list[str]:
    root = ET.fromstring(svg)
    return [el.text for el in root.iter(f"{SVG_NS}text") if el.text]


def _forest(**kwargs: object) -> str:
    args = dict(
        labels=LABELS,
        estimates=[0.39, 0.43, 0.21, 0.15],
        ci_low=[0.23, 0.29, 0.12, 0.05],
        ci_high=[0.58, 0.59, 0.33, 0.31],
        pooled=(0.29, 0.17, 0.44),
        prediction=(0.05, 0.75),
        xlabel="Objective response rate",
        weights=[33, 37, 43, 20],
    )
    args.update(kwargs)
    return forest_plot_svg(**args)  # type: ignore[arg-type]


def _km() -> str:
    return km_plot_svg(
        [
            ("Apatinib + IE", [1, 3, 5, 9, 12], [0.95, 0.8, 0.6, 0.45, 0.4]),
            ("IE", [1, 3, 5, 7], [0.8, 0.5, 0.3, 0.15]),
        ],
        censor_marks={"Apatinib + IE": [4, 10]},
        risk_table=([0, 3, 6, 9, 12], {"Apatinib + IE": [33, 27, 20, 15, 11], "IE": [20, 10, 4, 1, 0]}),
        ylabel="Progression-free survival",
    )


def test_forest_plot_is_xml_with_labels_and_numbers() -> None:
    texts = _texts(_forest())
    for label in [*LABELS, "Pooled (random effects)", "95% prediction interval", "Objective response rate"]:
        assert label in texts
    assert "0.29 [0.17, 0.44]" in texts
    assert "[0.05, 0.75]" in texts
    # relative weights: 33 / 133 = 24.8 %
    assert "24.8%" in texts


def test_forest_plot_wraps_long_labels() -> None:
    long = "A retrospective series with a deliberately long descriptive label"
    texts = _texts(_forest(labels=[long, *LABELS[1:]]))
    assert long not in texts
    start = next(i for i, t in enumerate(texts) if t.startswith("A retrospective"))
    pieces = texts[start : start + 3]
    assert all(len(p) <= 34 for p in pieces)
    assert " ".join(pieces) == long


def test_forest_plot_without_pooled_or_weights() -> None:
    svg = forest_plot_svg(["A", "B"], [0.2, 0.4], [0.1, 0.3], [0.3, 0.5], xlim=(0.15, 0.45))
    texts = _texts(svg)
    assert "A" in texts and "B" in texts
    assert not any("Pooled" in t for t in texts)
    assert "Weight" not in texts


def test_forest_plot_axis_from_the_intervals_when_nothing_else_is_given() -> None:
    """No xlim, no pooled estimate: the axis spans the intervals, 0.1 to 0.5, padded by 5% of 0.4 each side.

    (This raised ``TypeError`` before: ``min(x, *[])`` with nothing to unpack.)
    """
    from trialcompare.render.plots import _forest_xlim, forest_plot

    lo, hi = np.array([0.1, 0.3]), np.array([0.3, 0.5])
    assert _forest_xlim(lo, hi, [], None) == pytest.approx((0.08, 0.52))
    fig = forest_plot(["A", "B"], [0.2, 0.4], [0.1, 0.3], [0.3, 0.5])
    assert fig.axes[1].get_xlim() == pytest.approx((0.08, 0.52))


def test_forest_plot_fixed_margins_keep_every_text_inside_the_figure() -> None:
    """The forest plot's margins are set in inches (no constrained layout); no text may be cut off."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from trialcompare.render.plots import _rc_context, forest_plot

    long = "Apatinib plus camrelizumab, phase II, second and later lines (9/43)"
    with _rc_context():
        fig = forest_plot([long, "B"], [0.2, 0.4], [0.1, 0.3], [0.3, 0.5], pooled=(0.3, 0.2, 0.4),
                          prediction=(0.05, 0.6), weights=[1, 3], title="Objective response", xlabel="ORR")
        tight = fig.get_tightbbox(FigureCanvasAgg(fig).get_renderer())  # inches, every visible artist
    width, height = fig.get_size_inches()
    assert tight.x0 >= 0 and tight.y0 >= 0 and tight.x1 <= width and tight.y1 <= height, tight


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"estimates": [0.39, 0.43, 0.21]}, "expected 4"),
        ({"estimates": [0.1, 0.43, 0.21, 0.15]}, "within its confidence interval"),
        ({"ci_high": [0.58, float("nan"), 0.33, 0.31]}, "finite"),
        ({"weights": [1, -1, 1, 1]}, "non-negative"),
        ({"labels": [], "estimates": [], "ci_low": [], "ci_high": []}, "at least one"),
    ],
)
def test_forest_plot_rejects_bad_input(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        _forest(**kwargs)


def test_km_plot_has_curves_legend_and_risk_table() -> None:
    svg = _km()
    texts = _texts(svg)
    assert texts.count("Apatinib + IE") >= 2  # legend and risk-table row
    assert "Number at risk" in texts
    assert {"33", "27", "20", "15", "11"} <= set(texts)
    assert "Months" in texts
    assert "Progression-free survival" in texts


@pytest.mark.parametrize(
    ("curves", "kwargs"),
    [
        ([], {}),
        ([("A", [3, 1], [0.9, 0.8])], {}),
        ([("A", [1, 2], [0.9, 1.2])], {}),
        ([("A", [1, 2], [0.9, 0.8])], {"risk_table": ([0, 1], {"A": [10]})}),
    ],
)
def test_km_plot_rejects_bad_input(curves: list, kwargs: dict) -> None:
    with pytest.raises(ValueError):
        km_plot_svg(curves, **kwargs)


def test_bar_compare() -> None:
    texts = _texts(bar_compare_svg(["A", "B"], [0.3, 0.5], [0.2, 0.4], [0.4, 0.6], reference="A"))
    assert {"A", "B", "0.30", "0.50", "Proportion"} <= set(texts)
    with pytest.raises(ValueError):
        bar_compare_svg(["A"], [0.3], ci_low=[0.2])


def test_svg_is_deterministic_and_dateless() -> None:
    assert _forest() == _forest()
    assert _km() == _km()
    assert "<dc:date>" not in _forest()
    assert "trialcompare" in _forest()  # creator metadata, not the matplotlib version


def test_plots_leave_rcparams_untouched() -> None:
    before = dict(matplotlib.rcParams)
    _forest()
    _km()
    after = dict(matplotlib.rcParams)
    assert before == after


def test_plots_do_not_use_pyplot() -> None:
    """Figures are built on ``matplotlib.figure.Figure``: pyplot (global figure state) is never imported."""
    code = (
        "import sys\n"
        "from trialcompare.render import plots\n"
        "plots.forest_plot_svg(['A'], [0.2], [0.1], [0.3], pooled=(0.2, 0.1, 0.3))\n"
        "plots.km_plot_svg([('A', [1, 2], [0.9, 0.8])])\n"
        "plots.bar_compare_svg(['A'], [0.2])\n"
        "print('matplotlib.pyplot' in sys.modules, 'matplotlib' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "True"]


def test_svg_data_uri_round_trip() -> None:
    svg = _forest()
    uri = svg_data_uri(svg)
    assert uri.startswith("data:image/svg+xml;base64,")
    assert base64.b64decode(uri.split(",", 1)[1]).decode("utf-8") == svg


def test_plots_embed_in_pdf_as_text() -> None:
    """The figures render through the safe fetcher and their text is real PDF text."""
    html = render_template("base.html.j2", title="Figure embedding check").replace(
        "</main>",
        f'<figure class="figure"><img src="{svg_data_uri(_forest())}" alt="forest"></figure>'
        f'<figure class="figure"><img src="{svg_data_uri(_km())}" alt="km"></figure></main>',
    )
    fetcher = SafeURLFetcher()
    data = html_to_pdf(html, created="2024-05-01", title="Figures", url_fetcher=fetcher)
    assert fetcher.refused == []
    assert sum(u.startswith("data:image/svg+xml") for u in fetcher.requested) == 2
    reader = pypdf.PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Figure embedding check" in text
    assert "Pooled (random effects)" in text
    assert "Number at risk" in text


def test_deferred_figures_record_calls_that_draw_the_same_svg() -> None:
    from trialcompare.render.plots import deferred_figures

    args = (["A", "B"], [0.2, 0.4], [0.1, 0.3], [0.3, 0.5])
    with deferred_figures() as figures:
        first = forest_plot_svg(*args, xlim=(0.0, 1.0))
        second = km_plot_svg([("A", [0.0, 2.0, 5.0], [1.0, 0.8, 0.5])])
    assert (first, second) == ("figure:0", "figure:1")
    assert [f.name for f in figures] == ["forest_plot_svg", "km_plot_svg"]
    assert figures[0].svg() == forest_plot_svg(*args, xlim=(0.0, 1.0))  # drawn outside the block: SVG text
    assert svg_data_uri(first) == "figure:0"


def test_a_figure_url_without_its_figure_is_refused() -> None:
    fetcher = SafeURLFetcher(figures={"figure:0": "<svg xmlns='http://www.w3.org/2000/svg'/>"})
    assert fetcher.fetch("figure:0").read().startswith(b"<svg")
    with pytest.raises(ValueError, match="refused"):
        fetcher.fetch("figure:1")
