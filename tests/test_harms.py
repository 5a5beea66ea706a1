"""Harms (issue 22): the adverse_events block, harms_table and ``table --what harms``.

Reference values are independent of the package: Clopper-Pearson bounds from ``scipy.stats.beta`` quantiles
(lower = Beta(x, n − x + 1) at α/2, upper = Beta(x + 1, n − x) at 1 − α/2), the Newcombe (1998) method-10
difference from Wilson intervals computed here by their closed form.
"""

from __future__ import annotations

import io
import json
import math
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from scipy.stats import beta, norm

import trialcompare as tc
from trialcompare.cli import main
from trialcompare.descriptor.harms import normalise_grade, parse_harm_value
from trialcompare.descriptor.printed import PrintedValueError
from trialcompare.harms import HARMS_SCHEMA, harms_table, harms_terms
from trialcompare.render.harms import harms_cells

REPO = Path(__file__).resolve().parents[1]
TRIALS = REPO / "trials"


def _cp(x: int, n: int, level: float = 0.95) -> tuple[float, float]:
    a = 1 - level
    lo = 0.0 if x == 0 else beta.ppf(a / 2, x, n - x + 1)
    hi = 1.0 if x == n else beta.ppf(1 - a / 2, x + 1, n - x)
    return lo, hi


def _wilson(x: int, n: int, z: float) -> tuple[float, float]:
    p = x / n
    centre, half = (p + z * z / (2 * n)) / (1 + z * z / n), z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (
        1 + z * z / n)
    return centre - half, centre + half


def _newcombe(x1: int, n1: int, x2: int, n2: int) -> tuple[float, float, float]:
    z = norm.ppf(0.975)
    p1, p2 = x1 / n1, x2 / n2
    (l1, u1), (l2, u2) = _wilson(x1, n1, z), _wilson(x2, n2, z)
    d = p1 - p2
    return d, d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2), d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)


def _descriptor(cid: str, n: int, design: str = "prospective", **parts: Any) -> dict[str, Any]:
    return {"id": cid, "label": cid.upper(), "regimen": {"text": "drug"},
            "sources": [{"key": "paper", "citation": "The paper"}],
            "design": {"type": design, "at": "Methods"},
            "population": {"n": n, "n_refers_to": "treated", "at": "Table 1"}, **parts}


def _block(n: int, **parts: Any) -> dict[str, Any]:
    return {"population": {"n": n, "refers_to": "safety", "at": "Table 3"}, **parts}


def _ev(term: str, grade: str, value: Any = None, **extra: Any) -> dict[str, Any]:
    out = {"term": term, "grade": grade, "at": "Table 3", **extra}
    return out | ({"value": value} if value is not None else {})


@pytest.fixture
def three(tmp_path: Path) -> tc.CohortSet:
    """Three cohorts: ref (retrospective, 30), b (prospective, 40), c (no adverse_events block).

    ref prints neutropenia ≥3 in 6/30 and hypertension in words only; b neutropenia 3-4 "25%" of 40 (10/40 the only
    count), hypertension 0 (printed), severe AEs 50 episodes; dose reduced in 12/30 vs 20/40."""
    ref = _descriptor("ref", 30, "retrospective", adverse_events=_block(
        30, grading="CTCAE v5.0",
        events=[_ev("Neutropenia", ">=3", "6 (20.0)", ctcae="Neutrophil count decreased"),
                _ev("hypertension", ">=3", quote="hypertension was the main grade 3 AE")],
        modifications=[{"kind": "dose_reduction", "value": "12/30", "at": "Results"}]))
    b = _descriptor("b", 40, adverse_events=_block(
        40, events=[_ev("neutrophil count decreased", "3-4", "25%"), _ev("Hypertension", ">=3", 0),
                    _ev("severe AEs", ">=3", 50, unit="episodes")],
        modifications=[{"kind": "dose_reduction", "value": "20 (50.0)", "at": "Results"}],
        deaths=[{"related": "treatment-related", "value": 0, "at": "Abstract",
                 "quote": "no treatment-related deaths"}]))
    c = _descriptor("c", 25)
    for d in (ref, b, c):
        (tmp_path / f"{d['id']}.yaml").write_text(json.dumps(d), encoding="utf-8")
    return tc.load(tmp_path)


# -- parsing ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    ("25 (75.8)", (25, None, 75.8, 1)), ("13/43 (30.2%)", (13, 43, 30.2, 1)), ("24 (55.8%) of 43", (24, 43, 55.8, 1)),
    ("25 of 37 (67.57%)", (25, 37, 67.57, 2)), ("9%", (None, None, 9.0, 0)), (0, (0, None, None, None)),
    ("7 (24%) of 29 patients", (7, 29, 24.0, 0)),
])
def test_parse_harm_value(text, expected):
    v = parse_harm_value(text)
    assert (v.n, v.denominator, v.percent, v.percent_decimals) == expected


@pytest.mark.parametrize("text", ["many", "30 of 20", "5/20 of 30", "120%", "<10%", True, "-3"])
def test_parse_harm_value_refuses(text):
    with pytest.raises(PrintedValueError):
        parse_harm_value(text)


@pytest.mark.parametrize(("printed", "band"), [(">=3", ">=3"), ("≥ 3", ">=3"), ("Grade 3-4", "3-4"), (5, "5"),
                                                ("ANY", "any")])
def test_grade_bands(printed, band):
    assert normalise_grade(printed) == band


# -- bad input: file:line:column, exit 2, never a traceback --------------------------------------------------------


@pytest.mark.parametrize(("event", "message"), [
    ({"term": "rash", "grade": "any", "at": "T"}, "give the printed 'value'"),
    ({"term": "rash", "grade": "6", "value": 3, "at": "T"}, "grade must be one of"),
    ({"term": "rash", "grade": "any", "value": "3 of 2", "at": "T"}, "larger than the denominator"),
    ({"term": "rash", "grade": "any", "value": 3, "unit": "events", "at": "T"}, "unit"),
    ({"term": "rash", "grade": "any", "value": "3/20", "denominator": 30, "at": "T"}, "differs"),
    ({"term": "rash", "grade": "any", "value": 3, "at": "T", "seriuos": True}, "unknown field"),
])
def test_bad_block_is_a_located_problem(tmp_path, capsys, event, message):
    d = _descriptor("bad", 30, adverse_events=_block(30, events=[event]))
    path = tmp_path / "bad.yaml"
    path.write_text(json.dumps(d, indent=1), encoding="utf-8")
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"{path}:") and message in err and "Traceback" not in err
    line = int(err.split(":")[1])
    assert "adverse_events" in err and 1 < line <= len(path.read_text().splitlines())


def test_unknown_source_in_block_is_located(tmp_path, capsys):
    d = _descriptor("bad", 30, adverse_events=_block(30, events=[_ev("rash", "any", 3, source="nope")]))
    (tmp_path / "bad.yaml").write_text(json.dumps(d, indent=1), encoding="utf-8")
    assert main(["validate", str(tmp_path)]) == 2
    assert "unknown source 'nope'" in capsys.readouterr().err


# -- harms_table ---------------------------------------------------------------------------------------------------


def test_columns_and_default_terms(three):
    t = harms_table(three, "ref")
    assert dict(t.schema) == HARMS_SCHEMA
    # reported by two cohorts at >=3 (a 3-4 figure answers >=3): neutropenia and hypertension; severe AEs only by b
    assert harms_terms(three) == ["hypertension", "neutrophil count decreased"]
    assert t.filter(section="event")["term"].unique(maintain_order=True).to_list() == \
        ["hypertension", "neutrophil count decreased"]
    assert t.height == 3 * (2 + 1 + 1)  # 2 terms, dose_reduction, death:treatment-related; 3 cohorts each


def test_cells_exact_interval_and_risk_difference(three):
    """ref 6/30: Clopper-Pearson by scipy beta; b 10/40 implied by "25%" of 40 (the only count: 9/40 = 22.5,
    11/40 = 27.5); RD b − ref = 0.25 − 0.20 = 0.05 with Newcombe's interval from the two Wilson intervals."""
    t = harms_table(three, "ref", terms=["Neutropenia"])
    ref = t.filter(cohort="ref", section="event").row(0, named=True)
    b = t.filter(cohort="b", section="event").row(0, named=True)
    assert (ref["patients"], ref["denominator"], ref["count_basis"], ref["grade_printed"]) == (6, 30, "printed", ">=3")
    assert (ref["lower"], ref["upper"]) == pytest.approx(_cp(6, 30), abs=1e-10)
    assert (b["patients"], b["denominator"], b["count_basis"], b["grade_printed"]) == \
        (10, 40, "implied-by-percentage", "3-4")
    assert (b["lower"], b["upper"]) == pytest.approx(_cp(10, 40), abs=1e-10)
    assert (b["rd"], b["rd_lower"], b["rd_upper"]) == pytest.approx(_newcombe(10, 40, 6, 30), abs=1e-10)
    assert b["rd_method"] == "newcombe" and b["evidence"] == "unanchored" and ref["rd"] is None


def test_not_reported_is_not_zero(three):
    """hypertension: ref names it without a count, b prints 0, c has no block: three different cells."""
    rows = {r["cohort"]: r for r in harms_table(three, "ref", terms=["hypertension"]).filter(section="event")
            .iter_rows(named=True)}
    assert rows["ref"]["reported"] and rows["ref"]["patients"] is None and rows["ref"]["quote"]
    assert rows["b"]["reported"] and rows["b"]["patients"] == 0 and rows["b"]["upper"] == pytest.approx(_cp(0, 40)[1])
    assert not rows["c"]["reported"] and rows["c"]["patients"] is None and rows["c"]["safety_n"] is None
    cells = harms_cells(harms_table(three, "ref", terms=["hypertension"]))
    row = cells.row(0, named=True)
    assert (row["ref"], row["c"]) == ("reported, no count", "not reported")
    assert row["b"].startswith("0/40 (0.0%; 95% CI 0.0-8.8)")


def test_episodes_never_patients(three):
    t = harms_table(three, "ref", terms=["severe AEs"])
    r = t.filter(cohort="b", section="event").row(0, named=True)
    assert (r["episodes"], r["patients"], r["proportion"], r["unit"]) == (50, None, None, "episodes")


def test_modifications_deaths_and_ascertainment(three):
    t = harms_table(three, "ref", terms=[])
    mod = {r["cohort"]: r for r in t.filter(term="dose_reduction").iter_rows(named=True)}
    assert (mod["ref"]["patients"], mod["b"]["patients"], mod["c"]["reported"]) == (12, 20, False)
    assert mod["b"]["rd"] == pytest.approx(_newcombe(20, 40, 12, 30)[0])
    death = t.filter(term="death:treatment-related", cohort="b").row(0, named=True)
    assert death["patients"] == 0 and death["reported"]
    assert dict(zip(t["cohort"], t["ascertainment"], strict=True)) == {
        "ref": "retrospective-chart-review", "b": "prospective-grading", "c": "prospective-grading"}
    assert t.filter(cohort="ref")["grading"].unique().to_list() == ["CTCAE v5.0"]


@pytest.mark.parametrize(("kw", "message"), [({"reference": "zz"}, "not a cohort"), ({"grade": "2"}, "grade must"),
                                             ({"terms": ["alopecia"]}, "no cohort reports"),
                                             ({"ci_method": "bogus"}, "ci_method")])
def test_harms_table_refuses(three, kw, message):
    with pytest.raises(ValueError, match=message):
        harms_table(three, **({"reference": "ref"} | kw))


def test_seed_cohorts_modifications_as_printed():
    """apatinib: 25 of 37 (67.57%); apatinib + camrelizumab: 24 of 43 and 4 discontinued, over its 43 enrolled
    (not the 41 of Table IV); apatinib + IE: 25 severe AEs as episodes, terms in words only."""
    t = harms_table(tc.load(*(TRIALS / f"{i}.yaml" for i in ("apatinib-ie", "apatinib", "apatinib-camrelizumab",
                                                             "ie"))), "apatinib-ie", terms=["severe AEs"])
    get = {(r["cohort"], r["term"]): r for r in t.iter_rows(named=True)}
    assert (get[("apatinib", "reduction_or_interruption")]["patients"],
            get[("apatinib", "reduction_or_interruption")]["denominator"]) == (25, 37)
    cam = get[("apatinib-camrelizumab", "reduction_or_interruption")]
    assert (cam["patients"], cam["denominator"], cam["safety_n"]) == (24, 43, 43)
    assert get[("apatinib-camrelizumab", "discontinuation")]["patients"] == 4
    assert get[("apatinib-ie", "severe aes")]["episodes"] == 25
    assert get[("apatinib-ie", "severe aes")]["patients"] is None
    assert not get[("ie", "reduction_or_interruption")]["reported"]


# -- the command line ----------------------------------------------------------------------------------------------


def test_cli_every_format(three, tmp_path, capsys):
    folder = str(tmp_path)
    for fmt in ("md", "csv", "html", "json"):
        assert main(["table", folder, "--reference", "ref", "--what", "harms", "--format", fmt]) == 0
        out = capsys.readouterr().out
        assert "not reported" in out and "reported, no count" in out
    assert main(["table", folder, "--what", "harms"]) == 0
    assert "0/40" in capsys.readouterr().out
    xlsx = tmp_path / "out" / "h.xlsx"
    xlsx.parent.mkdir()
    assert main(["table", folder, "--what", "harms-data", "-o", str(xlsx)]) == 0
    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(xlsx.read_bytes())).active
    assert [c.value for c in ws[1]][:4] == ["cohort", "label", "is_reference", "section"]
    assert main(["table", folder, "--what", "harms-data", "--format", "json", "--grade", "any"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {r["section"] for r in data} == {"modification", "death"}  # no term at any grade in two cohorts


def test_cli_terms_and_spreadsheet_safety(tmp_path, capsys):
    """A printed term that a spreadsheet would run as a formula is quoted in CSV."""
    for cid in ("a", "b"):
        d = _descriptor(cid, 20, adverse_events=_block(20, events=[_ev("=HYPERLINK(1)", "any", 2)]))
        (tmp_path / f"{cid}.yaml").write_text(json.dumps(d), encoding="utf-8")
    assert main(["table", str(tmp_path), "--what", "harms-data", "--grade", "any", "--terms", "=hyperlink(1)",
                 "--format", "csv"]) == 0
    out = capsys.readouterr().out
    assert "'=HYPERLINK(1)" in out and "\n=" not in out and ",=" not in out
    assert main(["table", str(tmp_path), "--what", "harms", "--grade", "any", "--terms", "=HYPERLINK(1)"]) == 0
    assert "event: =hyperlink(1)" in capsys.readouterr().out


def test_cli_bad_options_exit_2_nothing_written(three, tmp_path, capsys):
    target = tmp_path / "out.csv"
    for extra in (["--terms", "alopecia"], ["--grade", "7"], ["--reference", "zz"]):
        assert main(["table", str(tmp_path), "--what", "harms", "-o", str(target), *extra]) == 2
        err = capsys.readouterr().err
        assert err.startswith("trialcompare: ") and "Traceback" not in err
    assert not target.exists()


def test_frame_is_polars(three):
    assert isinstance(harms_table(three), pl.DataFrame)
