"""``trialcompare maic``: the example runs; bad input names file:line:column, exits 2, writes nothing."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

import trialcompare as tc
from trialcompare.cli import main
from trialcompare.maic import MaicInputError, load_mapping, read_ipd_csv, targets_from_cohort
from trialcompare.maic._targets import MappingEntry

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "maic"
IPD = EXAMPLE / "apatinib-ie-synthetic-ipd.csv"
TRIALS = REPO / "trials"
HEADER = "id,age,sex_male,ecog_0,time,event,response"


def _run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["maic", *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    shutil.copy(EXAMPLE / "mapping.yaml", tmp_path / "mapping.yaml")
    return tmp_path


def test_example_runs_text_and_json(capsys) -> None:
    code, out, err = _run(capsys, "--ipd", str(IPD), "--target", "apatinib", str(TRIALS))
    assert code == 0, err
    assert "effective sample size" in out and "unanchored" in out and "sex_male (sex = male)" in out
    code, out, err = _run(capsys, "--ipd", str(IPD), "--target", "apatinib", str(TRIALS), "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["comparator"] == "apatinib" and data["evidence"] == "unanchored"
    assert {e["method"] for e in data["effects"]} == {"unadjusted", "MAIC", "MAIC bootstrap", "STC"}
    assert data["unmatched"][0]["factor"] == "sex_male"
    assert all(abs(b["after"] - b["target"]) < 1e-9 for b in data["balance"])
    assert data["stc"]["non_collapsible"] is True


def test_bootstrap_option_is_reproducible(capsys) -> None:
    args = ("--ipd", str(IPD), "--target", "apatinib", str(TRIALS), "--json", "--bootstrap", "50", "--seed", "4")
    first = json.loads(_run(capsys, *args)[1])
    second = json.loads(_run(capsys, *args)[1])
    assert first["bootstrap"] == second["bootstrap"] and first["bootstrap"]["n_boot"] == 50


def _write(folder: Path, text: str, name: str = "ipd.csv") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


ROW = "p1,20,1,1,5.5,1,1\np2,30,0,0,7.0,0,0\np3,25,1,0,3.1,1,1\np4,15,0,1,9.9,1,0\n"


@pytest.mark.parametrize(
    ("text", "line", "column", "fragment"),
    [
        ("# SIMULATED\n" + HEADER + "\n" + ROW.replace("p2,30", "p2,abc"), 4, 4, "'abc', not a number"),
        (HEADER + "\n" + ROW.replace("p3,25,", "p3,,"), 4, 4, "empty cell"),
        (HEADER + "\n" + ROW.replace("5.5,1,1", "5.5,2,1"), 2, 15, "event must be 0/1"),
        (HEADER + "\n" + ROW.replace("7.0,0,0", "-7.0,0,0"), 3, 11, "time must be >= 0"),
        (HEADER + "\n" + ROW.replace("9.9,1,0", "9.9,1,0.5"), 5, 17, "response must be 0/1"),
        (HEADER.replace("sex_male", "age") + "\n" + ROW, 1, 8, "duplicate column 'age'"),
        (HEADER.replace("sex_male", "sex male") + "\n" + ROW, 1, 8, "bad column name"),
        (HEADER.replace("id,", ",") + "\n" + ROW, 1, 1, "bad column name"),
        (HEADER + "\n" + ROW.replace("p4,15,0,1,9.9,1,0", "p4,15,0,1,9.9,1"), 5, 15, "6 fields, the header has 7"),
        (HEADER + "\n", 1, 1, "no patients"),
        ("# only a comment\n", 1, 1, "no header"),
        (HEADER + "\n" + ROW.replace("p1,20", 'p1,"20'), 2, 4, "unterminated"),
        (HEADER + "\n" + ROW.replace("p1,20", "p1,inf"), 2, 4, "not a number"),
        (HEADER + "\n" + ROW.replace("p1,20", "p1,1e999"), 2, 4, "not a finite number"),
    ],
)
def test_bad_ipd_csv(capsys, folder: Path, text: str, line: int, column: int, fragment: str) -> None:
    path = _write(folder, text)
    before = sorted(p.name for p in folder.iterdir())
    code, out, err = _run(capsys, "--ipd", str(path), "--target", "apatinib", str(TRIALS))
    assert code == 2 and out == "" and "Traceback" not in err
    m = re.match(r"^(.+?):(\d+):(\d+): (.*)$", err.strip())
    assert m, err
    assert (Path(m[1]), int(m[2]), int(m[3])) == (path, line, column), err
    assert fragment in m[4]
    assert sorted(p.name for p in folder.iterdir()) == before


def test_missing_ipd_file(capsys, folder: Path) -> None:
    code, out, err = _run(capsys, "--ipd", str(folder / "nope.csv"), "--target", "apatinib", str(TRIALS))
    assert code == 2 and out == ""
    assert err.strip() == f"{folder / 'nope.csv'}:1:1: no such file"


def test_ipd_that_is_a_folder(capsys, folder: Path) -> None:
    code, _, err = _run(capsys, "--ipd", str(folder), "--target", "apatinib", str(TRIALS))
    assert code == 2 and "not a regular file" in err


def test_unknown_target(capsys) -> None:
    code, out, err = _run(capsys, "--ipd", str(IPD), "--target", "nope", str(TRIALS))
    assert code == 2 and out == "" and "'nope' is not a cohort" in err and "apatinib" in err


def test_missing_mapping(capsys, tmp_path: Path) -> None:
    path = _write(tmp_path, HEADER + "\n" + ROW)
    code, _, err = _run(capsys, "--ipd", str(path), "--target", "apatinib", str(TRIALS))
    assert code == 2 and err.strip() == f"{tmp_path / 'mapping.yaml'}:1:1: no such file"


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("columns:\n  age: {variable: age, statistics: [sd]}\n", 2, "sd is matched with the mean"),
        ("columns:\n  age: {variable: age, colour: red}\n", 2, "unknown key 'colour'"),
        ("columns:\n  age: {level: male}\n", 2, "'variable'"),
        ("colums:\n  age: age\n", 1, "unknown key 'colums'"),
        ("columns:\n  age: [1, 2\n", 3, "malformed YAML"),
    ],
)
def test_bad_mapping(capsys, tmp_path: Path, text: str, line: int, fragment: str) -> None:
    path = _write(tmp_path, HEADER + "\n" + ROW)
    mapping = _write(tmp_path, text, "map.yaml")
    code, out, err = _run(capsys, "--ipd", str(path), "--target", "apatinib", "--mapping", str(mapping), str(TRIALS))
    assert code == 2 and out == "" and "Traceback" not in err
    m = re.match(r"^(.+?):(\d+):(\d+): (.*)$", err.strip())
    assert m and Path(m[1]) == mapping and int(m[2]) == line and fragment in m[4], err


def test_outcome_columns_and_curves_are_required(capsys, folder: Path) -> None:
    path = _write(folder, "id,age,ecog_0\np1,20,1\np2,30,0\n")
    code, _, err = _run(capsys, "--ipd", str(path), "--target", "apatinib", str(TRIALS))
    assert code == 2 and "needs a 'response' column" in err
    code, _, err = _run(capsys, "--ipd", str(IPD), "--target", "apatinib", str(TRIALS), "--outcome", "PFS")
    assert code == 2 and "no digitised PFS curve" in err


def test_targets_outside_the_hull_exit_2(capsys, folder: Path) -> None:
    # every patient has ECOG 0: the comparator's 73% cannot be reached
    path = _write(folder, HEADER + "\n" + ROW.replace(",0,0,7.0", ",0,1,7.0").replace(",1,0,3.1", ",1,1,3.1"))
    code, out, err = _run(capsys, "--ipd", str(path), "--target", "apatinib", str(TRIALS))
    assert code == 2 and out == "" and "no finite weights" in err and "Traceback" not in err


def test_negative_bootstrap(capsys) -> None:
    code, _, err = _run(capsys, "--ipd", str(IPD), "--target", "apatinib", "--bootstrap", "-1", str(TRIALS))
    assert code == 2 and "--bootstrap must be from 0 to 100000" in err


def test_targets_from_cohort_sources_and_unmatched() -> None:
    cs = tc.load(TRIALS)
    ipd = read_ipd_csv(IPD)
    t = targets_from_cohort(cs, "apatinib", load_mapping(EXAMPLE / "mapping.yaml"), ipd.frame.columns)
    assert t.targets["age"] == {"mean": 21.7, "sd": 11.5}
    assert t.targets["lesion_lung"]["proportion"] == pytest.approx(27 / 37, rel=1e-12)
    assert t.targets["prior_lines_1"]["proportion"] == pytest.approx(31 / 37, rel=1e-12)
    assert set(t.sources["location"].to_list()) == {"Table IV"}
    assert [(u.factor, u.reason) for u in t.unmatched] == [
        ("sex_male", "comparator"), ("ecog_1", "choice"), ("lesion_lung_msk", "choice"), ("prior_lines_2", "choice"),
        ("subtype", "mapping")]
    # a median-only comparator: the IE + apatinib series prints age 19.1 ± 8.5 first, so mean and sd are used
    ie = targets_from_cohort(cs, "apatinib-ie", [MappingEntry("age", "age", statistics=("median",)),
                                                 MappingEntry("sex_male", "sex", "male"),
                                                 MappingEntry("smoker", "smoking", "yes")], ["age"])
    assert ie.targets == {"age": {"median": 16.0}}
    assert {(u.factor, u.reason) for u in ie.unmatched} >= {("sex_male", "ipd"), ("smoker", "comparator")}


def test_maic_input_error_is_a_value_error() -> None:
    exc = MaicInputError("f.csv", 3, 4, "bad")
    assert isinstance(exc, ValueError) and str(exc) == "f.csv:3:4: bad"


def test_time_to_event_analysis_with_a_comparator_curve(monkeypatch) -> None:
    import polars as pl

    from trialcompare.maic import _analysis

    ref = pl.DataFrame({"time": [1.0, 2.5, 3.0, 4.2, 6.0, 7.5, 9.0, 12.0, 15.0, 20.0],
                        "event": [1, 1, 0, 1, 1, 1, 0, 1, 1, 0]})
    monkeypatch.setattr(_analysis, "_comparator_curve", lambda cohorts, cohort, endpoint: ref)
    cs = tc.load(TRIALS)
    ipd = read_ipd_csv(IPD).frame
    a = _analysis.maic_analysis(ipd, cs, "apatinib", load_mapping(EXAMPLE / "mapping.yaml"), "PFS", n_boot=20)
    assert a.effects["measure"].to_list() == ["HR", "HR", "HR", "HR"]
    assert a.effects["method"].to_list() == ["unadjusted", "MAIC", "MAIC bootstrap", "STC"]
    assert a.stc is not None and a.stc.model == "exponential" and a.comparator_data["pseudo_ipd_n"] == 10
    json.dumps(a.to_dict(), allow_nan=False)


def test_analysis_repr_and_html() -> None:
    from trialcompare.maic import maic_analysis

    a = maic_analysis(read_ipd_csv(IPD).frame, tc.load(TRIALS), "apatinib", load_mapping(EXAMPLE / "mapping.yaml"))
    # 33 patients less the 2 at ECOG 2 and the 1 with lung + bone + other lesions (levels at 0% in the trial)
    assert repr(a).startswith("MaicAnalysis(comparator='apatinib', outcome='orr', n=30, ess=8.3, OR=")
    html = a._repr_html_()
    assert "Unanchored MAIC against apatinib (orr): uninformative" in html and "sex_male" in html
    assert "<script" not in html and repr(a).endswith(", unanchored, uninformative)")
