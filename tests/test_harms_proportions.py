"""Named proportions (issue 22, item 4): ``rates:`` may hold ``custom:...`` or ``ae:...`` proportions, and
``trialcompare meta --outcome NAME`` pools them with the same engine and rules.

The DerSimonian-Laird reference is computed by hand here on the logit scale: y = log(x / (n − x)),
v = 1/x + 1/(n − x), w = 1/v, Q = Σw(y − ȳ_w)², τ² = max(0, (Q − (k − 1)) / (Σw − Σw²/Σw)), then the
random-effects mean with w* = 1/(v + τ²) and its expit.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

import trialcompare as tc
from trialcompare.cli import main
from trialcompare.outcomes import parse_outcome_name

COUNTS = [(12, 40), (4, 35), (25, 50), (5, 30)]


def _write(folder: Path, counts: list[tuple[int, int]], name: str = "custom:infection", **extra) -> Path:
    for i, (k, n) in enumerate(counts):
        d = {"id": f"c{i}", "label": f"C{i}", "regimen": {"text": "drug"}, "sources": [{"key": "p", "citation": "P"}],
             "design": {"type": "retrospective", "at": "Methods"},
             "population": {"n": n, "n_refers_to": "treated", "at": "Table 1"},
             "rates": [{"name": name, "value": f"{k}/{n}", "at": "Table 2", **extra}]}
        (folder / f"c{i}.yaml").write_text(json.dumps(d), encoding="utf-8")
    return folder


def _dl(counts: list[tuple[int, int]]) -> tuple[float, float]:
    y = [math.log(k / (n - k)) for k, n in counts]
    v = [1 / k + 1 / (n - k) for k, n in counts]
    w = [1 / x for x in v]
    ybar = sum(wi * yi for wi, yi in zip(w, y, strict=True)) / sum(w)
    q = sum(wi * (yi - ybar) ** 2 for wi, yi in zip(w, y, strict=True))
    tau2 = max(0.0, (q - (len(y) - 1)) / (sum(w) - sum(wi * wi for wi in w) / sum(w)))
    ws = [1 / (x + tau2) for x in v]
    mu = sum(wi * yi for wi, yi in zip(ws, y, strict=True)) / sum(ws)
    return tau2, 1 / (1 + math.exp(-mu))


def test_names_are_parsed():
    assert parse_outcome_name("Custom:Infection").rate == "custom:infection"
    assert parse_outcome_name("ae:neutropenia:grade3").name == "ae:neutropenia:grade3"


def test_meta_pools_a_named_proportion_as_dl_by_hand(tmp_path, capsys):
    folder = _write(tmp_path, COUNTS)
    assert main(["meta", str(folder), "--outcome", "custom:infection", "--method", "DL", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    tau2, p = _dl(COUNTS)
    assert tau2 > 0
    assert out["primary"]["tau2"] == pytest.approx(tau2, rel=1e-9)
    assert out["primary"]["proportion"]["estimate"] == pytest.approx(p, rel=1e-9)
    assert [(r["events"], r["total"]) for r in out["data"]] == COUNTS


def test_fewer_than_three_is_not_estimable(tmp_path, capsys):
    folder = _write(tmp_path, COUNTS[:2], name="ae:neutropenia:grade3")
    assert main(["meta", str(folder), "--outcome", "ae:neutropenia:grade3", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["estimable"] is False


def test_percentage_needs_a_stated_denominator(tmp_path):
    """"25%" with denominator 40 gives the one count 10/40; "25%" without a denominator is not pooled (never the
    cohort's N by default)."""
    from trialcompare.meta._data import outcome_data

    d = {"id": "x", "label": "X", "regimen": {"text": "drug"}, "sources": [{"key": "p", "citation": "P"}],
         "design": {"type": "retrospective", "at": "M"}, "population": {"n": 40, "n_refers_to": "treated", "at": "T"},
         "rates": [{"name": "custom:infection", "value": "25%", "denominator": 40, "at": "T"}]}
    (tmp_path / "x.yaml").write_text(json.dumps(d), encoding="utf-8")
    d2 = d | {"id": "y", "label": "Y", "rates": [{"name": "custom:infection", "value": "25%", "at": "T"}]}
    (tmp_path / "y.yaml").write_text(json.dumps(d2), encoding="utf-8")
    rows = {r["cohort"]: r for r in outcome_data(tc.load(tmp_path), "custom:infection").iter_rows(named=True)}
    assert (rows["x"]["events"], rows["x"]["total"], rows["x"]["inferred"]) == (10, 40, True)
    assert rows["y"]["events"] is None and rows["y"]["reason"] == "no-denominator"  # a code, not a sentence


def test_named_proportion_stays_out_of_table_iv_and_is_checked(tmp_path, capsys):
    folder = _write(tmp_path, COUNTS)
    assert main(["table", str(folder)]) == 0
    assert "custom:infection" not in capsys.readouterr().out
    d = json.loads((folder / "c0.yaml").read_text())
    d["rates"][0]["value"] = "12/40 (35.0%)"  # 12/40 = 30.0%
    (folder / "c0.yaml").write_text(json.dumps(d), encoding="utf-8")
    assert "PCT-MISMATCH" in {f.code for f in tc.check(tc.load(folder))}


@pytest.mark.parametrize("name", ["infection", "custom:", "Custom:Infection", "other:infection"])
def test_unknown_rate_names_are_located_errors(tmp_path, capsys, name):
    folder = _write(tmp_path, COUNTS[:1], name=name)
    assert main(["validate", str(folder)]) == 2
    err = capsys.readouterr().err
    assert "unknown rate" in err and "custom:infection" in err and err.startswith(str(folder / "c0.yaml") + ":")
