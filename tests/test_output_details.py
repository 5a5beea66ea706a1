"""Newcomer friction 23: terminal headers wrap instead of being cut, null cells print "–" (not "None"), an event
count that prints its denominator does not get " of N" again, and a missing file suggests a close sibling name."""

from __future__ import annotations

from pathlib import Path

from trialcompare.cli import main

NEWCOMER = Path(__file__).parent / "fixtures" / "newcomer"


def test_headers_wrap_and_are_never_cut(capsys):
    assert main(["table", str(NEWCOMER)]) == 0
    lines = capsys.readouterr().out.splitlines()
    rule = next(i for i, line in enumerate(lines) if line.startswith("─"))
    header = [" ".join(cell.strip() for cell in column) for column in
              zip(*(line.split(" │ ") for line in lines[:rule]), strict=True)]
    assert header[2] == "Apatinib (Liao 2020) [reference] (N=33)"


def test_meta_prints_a_dash_for_a_missing_interval(capsys):
    assert main(["meta", str(NEWCOMER), "--outcome", "orr"]) == 0
    out = capsys.readouterr().out
    assert "None" not in out and "│ –" in out


def test_events_print_their_denominator_once(capsys):
    assert main(["table", str(NEWCOMER)]) == 0
    events = next(line for line in capsys.readouterr().out.splitlines() if "Events, n" in line)
    assert "15/33 (45.45%) " in events and "of 33" not in events


def test_a_missing_file_suggests_a_close_name(tmp_path, capsys):
    (tmp_path / "mystudy.yaml").write_text("name: x\n", encoding="utf-8")
    assert main(["validate", str(tmp_path / "mystudy.yml")]) == 2
    expected = f"{tmp_path / 'mystudy.yml'}:1:1: no such file; did you mean mystudy.yaml?"
    assert capsys.readouterr().err.strip() == expected
    assert main(["validate", str(tmp_path / "other.yml")]) == 2
    assert capsys.readouterr().err.strip().endswith("no such file")
