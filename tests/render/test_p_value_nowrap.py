"""Newcomer friction 21: a P value in the table of published between-arm effects never wraps ("P = ." / "017")."""

from __future__ import annotations

from pathlib import Path

import trialcompare as tc
from trialcompare.render.report import render_html

NEWCOMER = Path(__file__).resolve().parents[1] / "fixtures" / "newcomer"


def test_the_p_value_is_kept_on_one_line():
    a = tc.analyse([str(NEWCOMER)], with_meta=False)
    html = render_html(a)
    assert 'HR 0.42 (95% CI, 0.21 to 0.85), <span class="nowrap">P = .017</span>' in html
    css = (Path(__file__).resolve().parents[2] / "templates" / "report.css").read_text(encoding="utf-8")
    assert ".nowrap { white-space: nowrap; }" in css
