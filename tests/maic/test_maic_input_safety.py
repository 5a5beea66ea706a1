"""Input safety of ``trialcompare maic`` (issue 21, item 10): unknown mapping names with the nearest valid one,
the bootstrap's upper bound, ``maic:`` paths of a spec confined to its folder, ASCII decimal numbers only, lines
counted at ``\\n`` only, and no message that echoes more of a file than the offending cell."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from trialcompare.cli import main
from trialcompare.load import DescriptorError
from trialcompare.maic import MaicInputError, bootstrap_odds_ratio, read_ipd_csv
from trialcompare.spec import load_spec

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "maic"
TRIALS = REPO / "trials"
POSITION = re.compile(r"^(.+?):(\d+):(\d+): (.*)$")


def _run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["maic", *args])
    out, err = capsys.readouterr()
    return code, out, err


MAPPING = """columns:
  age: {variable: age, statistics: [mean, sd]}
  sex_male: {variable: sex, level: male}
  ecog_0: {variable: ecog, level: "0"}
  lesion_lung: {variable: lesion_site, level: lung}
"""


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    shutil.copy(EXAMPLE / "apatinib-ie-synthetic-ipd.csv", tmp_path / "ipd.csv")
    return tmp_path


@pytest.mark.parametrize(
    ("old", "new", "line", "column", "fragment"),
    [
        # line 2 is "  age: {variable: age, ...}": the key 'variable' starts at column 9
        ("{variable: age,", "{variable: agee,", 2, 9, "age: unknown variable 'agee'; did you mean 'age'?"),
        ("level: lung}", "level: lungs}", 5, 40, "unknown level 'lungs' of lesion_site; did you mean 'lung'?"),
        ("{variable: sex, level: male}", "{variable: sex}", 3, 14, "sex is categorical: name one level"),
        ("statistics: [mean, sd]}", "statistics: [mean, sd], level: old}", 2, 48, "age is continuous"),
        ("{variable: age,", "{varible: age,", 2, 9, "unknown key 'varible'; did you mean 'variable'?"),
        # a misspelt IPD column: the IPD has 'lesion_lung', the mapping names 'lesion_lungs' (line 5, column 3)
        ("  lesion_lung:", "  lesion_lungs:", 5, 3,
         "the IPD has no column 'lesion_lungs'; did you mean 'lesion_lung'?"),
    ],
)
def test_unknown_mapping_names_exit_2_with_the_nearest(capsys, folder: Path, old: str, new: str, line: int,
                                                        column: int, fragment: str) -> None:
    text = MAPPING
    assert old in text
    (folder / "mapping.yaml").write_text(text.replace(old, new, 1), encoding="utf-8")
    before = sorted(p.name for p in folder.iterdir())
    code, out, err = _run(capsys, "--ipd", str(folder / "ipd.csv"), "--target", "apatinib", str(TRIALS), "--json")
    m = POSITION.match(err.strip())
    assert code == 2 and out == "" and m, err
    assert (Path(m[1]), int(m[2]), int(m[3])) == (folder / "mapping.yaml", line, column)
    assert fragment in m[4]
    assert sorted(p.name for p in folder.iterdir()) == before


def test_bootstrap_is_capped(capsys, folder: Path) -> None:
    shutil.copy(EXAMPLE / "mapping.yaml", folder / "mapping.yaml")
    code, out, err = _run(capsys, "--ipd", str(folder / "ipd.csv"), "--target", "apatinib", str(TRIALS),
                          "--bootstrap", "100000000")
    assert code == 2 and out == ""
    assert err.strip() == ("trialcompare: maic: --bootstrap must be from 0 to 100000 resamples (got 100000000); "
                           "1,000 to 10,000 are usual")
    with pytest.raises(ValueError, match="from 1 to 100,000"):
        bootstrap_odds_ratio({"AGE": [40, 45, 50, 55]}, {"AGE": {"mean": 47}}, [1, 0, 1, 0], 2, 4, n_boot=100_001)


SPEC = 'name: s\ntitle: "T"\ntrials: [trials]\nmaic:\n  ipd: {ipd}\n  target: apatinib\n'


@pytest.mark.parametrize("ipd", ["../outside.csv", "/etc/passwd", "sub/../../outside.csv", "link.csv"])
def test_spec_maic_paths_are_confined(tmp_path: Path, ipd: str) -> None:
    project = tmp_path / "project"
    (project / "trials").mkdir(parents=True)
    (tmp_path / "outside.csv").write_text("id,age\n", encoding="utf-8")
    (project / "link.csv").symlink_to(tmp_path / "outside.csv")
    (project / "spec.yaml").write_text(SPEC.format(ipd=ipd), encoding="utf-8")
    with pytest.raises(DescriptorError) as info:
        load_spec(project / "spec.yaml")
    text = str(info.value)
    assert "maic.ipd" in text and "outside" in text and ":5:3:" in text  # the position of 'ipd:'
    (project / "spec.yaml").write_text(SPEC.format(ipd="data/ipd.csv") + "  mapping: ../../m.yaml\n",
                                       encoding="utf-8")
    with pytest.raises(DescriptorError, match=r"maic\.mapping"):
        load_spec(project / "spec.yaml")
    (project / "spec.yaml").write_text(SPEC.format(ipd="data/ipd.csv"), encoding="utf-8")
    assert load_spec(project / "spec.yaml").maic.ipd == "data/ipd.csv"
    # the default mapping beside the IPD, a symbolic link leaving the folder
    (project / "data").mkdir()
    (project / "data" / "mapping.yaml").symlink_to(tmp_path / "outside.csv")
    with pytest.raises(DescriptorError, match=r"maic\.mapping: 'data/mapping.yaml' is outside"):
        load_spec(project / "spec.yaml")


@pytest.mark.parametrize("cell", ["1_9", "\u0661\u0669", "\uff11\uff19", "nan", "inf", "0x13", "1e", "19.0.1",
                                  "\u00a019", "--1"])
def test_only_ascii_decimal_numbers(tmp_path: Path, cell: str) -> None:
    path = tmp_path / "ipd.csv"
    path.write_text(f"id,age\np1,20\np2,{cell}\n", encoding="utf-8")
    with pytest.raises(MaicInputError) as info:
        read_ipd_csv(path)
    assert (info.value.line, info.value.column) == (3, 4)


def test_ascii_decimal_forms_accepted(tmp_path: Path) -> None:
    path = tmp_path / "ipd.csv"
    path.write_text("id,age\np1,+2.\np2,-.5\np3,1e3\np4, 7 \r\np5,1E-1\n", encoding="utf-8")
    assert read_ipd_csv(path).frame["age"].to_list() == [2.0, -0.5, 1000.0, 7.0, 0.1]


@pytest.mark.parametrize("brk", ["\u2028", "\u2029", "\x0b", "\x0c", "\x1c", "\x85", "\r"])
def test_lines_end_at_newline_only(tmp_path: Path, brk: str) -> None:
    """A line break other than \\n is a character of the cell: the cell is not a number, on line 3 as an editor
    counts (str.splitlines would split there and shift every later line)."""
    path = tmp_path / "ipd.csv"
    path.write_text(f"id,age\np1,20\np2,3{brk}0\np3,x\n", encoding="utf-8")
    with pytest.raises(MaicInputError) as info:
        read_ipd_csv(path)
    assert (info.value.line, info.value.column) == (3, 4)
    path.write_text(f"id,age\np1,20\np2{brk},30\np3,x\n", encoding="utf-8")  # an id may hold it
    with pytest.raises(MaicInputError) as info:
        read_ipd_csv(path)
    assert (info.value.line, info.value.column) == (4, 4)


def test_messages_echo_at_most_the_offending_cell(tmp_path: Path) -> None:
    secret = "root:x:0:0:root:/root:/bin/bash-and-more-private-text"
    path = tmp_path / "passwd"
    path.write_text(secret + "\nsecond line that is private\n", encoding="utf-8")
    with pytest.raises(MaicInputError) as info:
        read_ipd_csv(path)
    assert "private" not in str(info.value) and "second" not in str(info.value)
    assert "'root:x:0:0:root:/root:/b...'" in str(info.value)
    path.write_text("id,age\np1," + "9" * 30 + "z,more\n", encoding="utf-8")
    with pytest.raises(MaicInputError) as info:
        read_ipd_csv(path)
    assert "more" not in str(info.value)


def test_misspelt_eligibility_column(capsys, folder: Path) -> None:
    """``agee: {min: 16}`` under eligibility (line 6, column 3): the IPD has 'age', which no entry maps."""
    (folder / "mapping.yaml").write_text(MAPPING.replace("  age: {variable: age, statistics: [mean, sd]}\n", "")
                                         + "eligibility:\n  agee: {min: 16}\n", encoding="utf-8")
    code, out, err = _run(capsys, "--ipd", str(folder / "ipd.csv"), "--target", "apatinib", str(TRIALS))
    assert (code, out) == (2, "")
    assert err.strip() == f"{folder / 'mapping.yaml'}:6:3: the IPD has no column 'agee'; did you mean 'age'?"
