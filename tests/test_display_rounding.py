"""Display rounding where a spec asks for it (issue 10, item 7): "display rounding, where a spec asks for it, works
on the decimal string (round half away from zero), never on a float". Default: exactly as printed.

The example of issue 10: "17.61 (95% CI 10.85-24.37)" was shown "17.6 (95% CI 10.8, 24.4)" — 10.85 → 10.8 is float
rounding (the binary double nearest 10.85 is 10.8499999...); rounded on the decimal string half away from zero it is
10.9, 17.61 → 17.6 and 24.37 → 24.4.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from pydantic import ValidationError

import trialcompare as tc
from trialcompare.render.tables import table_iv
from trialcompare.spec import DisplaySpec, Spec

COHORT = """\
id: {id}
label: "{label}"
regimen: {{text: "drug"}}
sources: [{{key: s, citation: "c"}}]
design: {{type: prospective}}
population: {{n: 30, n_refers_to: efficacy, at: "Table 1"}}
baseline:
  - variable: sex
    at: "Table 1"
    levels: {{male: "{male}", female: "{female}"}}
endpoints:
  - name: PFS
    reports:
      - {{statistic: median, value: "{median}", interval: 95% CI, at: "Table 2"}}
"""


@pytest.fixture
def cmp(tmp_path: Path):
    (tmp_path / "a.yaml").write_text(COHORT.format(id="a", label="A", male="13 (43.33)", female="17 (56.67)",
                                                   median="17.61 (95% CI 10.85-24.37)"))
    (tmp_path / "b.yaml").write_text(COHORT.format(id="b", label="B", male="15 (50.00)", female="15 (50.00)",
                                                   median="7.89 (4.56-11.21)"))
    return tc.compare(tc.load(tmp_path), reference="a")


def _cell(table: pl.DataFrame, row: str, column_start: str) -> str:
    col = next(c for c in table.columns if c.startswith(column_start))
    return table.filter(pl.col("row") == row)[col][0]


def test_default_is_as_printed(cmp) -> None:
    table = table_iv(cmp)
    assert _cell(table, "Median, months (unless stated)", "A").startswith("17.61 (95% CI 10.85-24.37)")
    assert _cell(table, "  male", "A") == "13 (43.33)"


def test_spec_decimals_round_the_decimal_string_half_away_from_zero(cmp) -> None:
    table = table_iv(cmp, decimals=1)
    assert _cell(table, "Median, months (unless stated)", "A").startswith("17.6 (95% CI 10.9-24.4)")
    assert round(10.85, 1) == 10.8  # what float rounding would have shown
    assert _cell(table, "Median, months (unless stated)", "B").startswith("7.9 (4.6-11.2)")
    assert _cell(table, "  male", "A") == "13 (43.3)" and _cell(table, "  female", "A") == "17 (56.7)"
    assert _cell(table, "  male", "B") == "15 (50.0)"


def test_fewer_decimals_are_never_padded(cmp) -> None:
    """A number printed with fewer decimals than asked keeps its digits (none are invented)."""
    table = table_iv(cmp, decimals=3)
    assert _cell(table, "Median, months (unless stated)", "A").startswith("17.61 (95% CI 10.85-24.37)")


def test_the_spec_field_is_optional_and_checked() -> None:
    spec = Spec.model_validate({"name": "x", "title": "t"})
    assert spec.display.decimals is None
    assert Spec.model_validate({"name": "x", "title": "t", "display": {"decimals": 1}}).display.decimals == 1
    with pytest.raises(ValidationError):
        DisplaySpec.model_validate({"decimals": -1})
    with pytest.raises(ValidationError):
        Spec.model_validate({"name": "x", "title": "t", "display": {"digits": 1}})
