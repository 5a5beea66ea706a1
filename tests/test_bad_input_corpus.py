"""A corpus of bad input: every case runs the command line in-process and must exit 2 with a message that names
``file:line:column`` (or the offending argument), print no traceback and write nothing.

Each case starts from the scaffold (a valid descriptor, see conftest.py), changes one thing, and names the
command to run. ``{d}`` in arguments is the descriptor, ``{t}`` the temporary folder.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from trialcompare.cli import main

REPO = Path(__file__).resolve().parents[1]
CURVE = "    curve: null "


@dataclass
class Case:
    name: str
    edits: list[tuple[str, str]] = field(default_factory=list)  # (old, new) in the scaffold
    files: dict[str, str | bytes] = field(default_factory=dict)  # extra files (name → content); "@fifo" makes one
    argv: tuple[str, ...] = ("validate", "{d}")
    fragment: str = ""  # expected in the message
    where: str | None = r"demo\.yaml:\d+:\d+: "  # regex the message must contain (None: an argument message)
    raw: str | bytes | None = None  # the whole descriptor instead of the edited scaffold


def _curve(file: str = "pfs.csv", extra: str = "") -> tuple[str, str]:
    return CURVE, f"    curve: {{file: {file}, at: Figure 2{extra}}}\n    #"


SPEC_HEAD = 'name: spec\ntitle: "T"\ntrials: [trials]\n'

CASES = [
    # --- YAML as data: numbers, tags, merge keys, duplicates, control bytes, bounds -----------------------------
    Case("octal-looking N", [("  n: 30 ", "  n: 030 ")], fragment="leading zero"),
    Case("octal-looking 08", [("  n: 30 ", "  n: 08 ")], fragment="leading zero"),
    Case("octal-looking level count", [('PR: "6 (20.0)"', "PR: 016")], fragment="leading zero"),
    Case("explicit !!int base 60", [("  n: 30 ", "  n: !!int 1:30 ")], fragment="explicit tag '!!int'"),
    Case("explicit !!int abc", [("  n: 30 ", "  n: !!int abc ")], fragment="explicit tag"),
    Case("explicit !!str", [('label: "Demo"', 'label: !!str "Demo"')], fragment="explicit tag"),
    Case("local tag", [('label: "Demo"', 'label: !custom "Demo"')], fragment="explicit tag"),
    Case("python tag", [('label: "Demo"', "label: !!python/object/apply:os.system ['true']")],
         fragment="explicit tag"),
    Case("merge key", [("design:\n", "base: &b {type: prospective}\ndesign:\n  <<: *b\n")], fragment="merge keys"),
    Case("duplicate 0 and '0'", [('levels: {CR: "0 (0.0)",', 'levels: {0: "0 (0.0)", "0": "1",')],
         fragment="duplicate key"),
    Case("duplicate 1 and 1.0", [("notes: []", "notes: []\nx: {1: a, 1.0: b}")], fragment="duplicate key"),
    Case("NUL byte", [('label: "Demo"', 'label: "De\x00mo"')], fragment="control character #x0000"),
    Case("BEL byte", [('label: "Demo"', 'label: "De\x07mo"')], fragment="control character #x0007"),
    Case("unpaired surrogate escape", [('label: "Demo"', 'label: "De\\ud800mo"')], fragment="surrogate"),
    Case("ESC byte", [('label: "Demo"', 'label: De\x1bmo')], fragment="control character"),
    Case("self-referencing alias", [("notes: []", "notes: &n [a, *n]")], fragment="cycle"),
    Case("10,000-deep nesting", [("notes: []", "notes: " + "[" * 10000 + "]" * 10000)], fragment="nested"),
    Case("deep mapping nesting", [("notes: []", "notes: " + "{a: " * 200 + "1" + "}" * 200)], fragment="nested"),
    Case("5,000-digit integer", [("  n: 30 ", "  n: " + "9" * 5000 + " ")], fragment="too long"),
    Case("5,000-digit float", [("  n: 30 ", "  n: 1." + "9" * 5000 + " ")], fragment="too long"),
    Case("5,000-digit printed count", [('male: "13 (43.3)"', 'male: "' + "1" * 5000 + ' (43.3)"')],
         fragment="male"),
    Case("integer 2^63", [("  n: 30 ", "  n: 9223372036854775808 ")], fragment="64-bit"),
    Case("printed count 2^63", [('male: "13 (43.3)"', 'male: "9223372036854775808/9223372036854775809"')],
         fragment="64-bit"),
    Case("denominator 2^63", [('  - variable: sex', '  - variable: sex\n    denominator: 99999999999999999999')],
         fragment="64-bit"),
    Case("float overflow", [("  n: 30 ", "  n: 1e999 ")], fragment="out of range"),
    Case("alias bomb", raw="a: &a [x,x,x,x,x,x,x,x,x,x]\n" + "".join(
        f"{c}: &{c} [{', '.join(['*' + p] * 10)}]\n" for p, c in zip("abcdef", "bcdefg", strict=True)),
        fragment="alias expansion"),
    Case("not UTF-8", raw=b"id: demo\nlabel: \xff\xfe\n", fragment="not UTF-8"),
    Case("UTF-16 BOM", raw="id: demo\n".encode("utf-16"), fragment=""),
    Case("empty", raw="", fragment="empty"),
    Case("top-level list", raw="- a\n- b\n", fragment="mapping"),
    Case("top-level scalar", raw="42\n", fragment="mapping"),
    Case("unterminated quote", [('label: "Demo"', 'label: "Demo')], fragment="malformed YAML"),
    Case("tab indentation", [("  n: 30 ", "\tn: 30 ")], fragment="malformed YAML"),
    Case("two documents", [("notes: []", "notes: []\n---\nid: other")], fragment="malformed YAML"),
    # --- descriptor values out of bounds ----------------------------------------------------------------------
    Case("landmark at .inf months", [("statistic: rate, months: 6,", "statistic: rate, months: .inf,")],
         fragment="months"),
    Case("landmark at .nan months", [("statistic: rate, months: 6,", "statistic: rate, months: .nan,")],
         fragment="months"),
    Case("negative N", [("  n: 30 ", "  n: -1 ")], fragment="greater than or equal to 0"),
    Case("N as text", [("  n: 30 ", "  n: thirty ")], fragment="integer"),
    Case("N as float", [("  n: 30 ", "  n: 30.5 ")], fragment="integer"),
    Case("YAML 1.1 boolean", [("    primary: true\n", "    primary: yes\n")], fragment="true or false"),
    Case("unknown field", [('label: "Demo"', 'labl: "Demo"\nlabel: "Demo"')], fragment="unknown field"),
    # --- curve files: validate checks what report reads -----------------------------------------------------
    Case("curve header with spaces is fine but rising survival is not", [_curve()],
         {"pfs.csv": "time, survival\n0,1\n1,0.8\n2,0.9\n"}, fragment="must not increase",
         where=r"pfs\.csv:4:1: "),
    Case("curve nan time", [_curve()], {"pfs.csv": "time,survival\n0,1\nnan,0.8\n"}, fragment="finite",
         where=r"pfs\.csv:3:1: "),
    Case("curve inf time", [_curve()], {"pfs.csv": "time,survival\n0,1\ninf,0.8\n"}, fragment="finite",
         where=r"pfs\.csv:3:1: "),
    Case("curve negative time", [_curve()], {"pfs.csv": "time,survival\n-1,1\n"}, fragment="negative",
         where=r"pfs\.csv:2:1: "),
    Case("curve three columns", [_curve()], {"pfs.csv": "time,survival\n0,1,2\n"}, fragment="two numbers",
         where=r"pfs\.csv:2:1: "),
    Case("curve not UTF-8", [_curve()], {"pfs.csv": b"time,survival\n0,\xff\n"}, fragment="UTF-8",
         where=r"pfs\.csv:1:1: "),
    Case("curve is a FIFO", [_curve()], {"pfs.csv": "@fifo"}, fragment="FIFO", where=r"pfs\.csv:1:1: "),
    Case("curve is a folder", [_curve("sub")], {"sub/x": ""}, fragment="is a directory", where=r"sub:1:1: "),
    Case("curve symlink leaving the folder", [_curve("link.csv")], {"link.csv": "@link:/etc/passwd"},
         fragment="leaves the descriptor's folder"),
    Case("curve absolute path", [_curve("/etc/passwd")], fragment="leaves the descriptor's folder"),
    Case("curve unsorted risk times", [_curve(extra=", risk_times: [0, 6, 3], n_at_risk: [30, 20, 10]")],
         {"pfs.csv": "time,survival\n0,1\n6,0.5\n"}, fragment="risk_times"),
    Case("curve rising numbers at risk", [_curve(extra=", risk_times: [0, 3], n_at_risk: [20, 30]")],
         {"pfs.csv": "time,survival\n0,1\n6,0.5\n"}, fragment="n_at_risk"),
    Case("curve total_events > N", [_curve(extra=", total_events: 31")],
         {"pfs.csv": "time,survival\n0,1\n6,0.5\n"}, fragment="total_events"),
    Case("curve nan risk time", [_curve(extra=", risk_times: [0, .nan], n_at_risk: [30, 20]")],
         {"pfs.csv": "time,survival\n0,1\n6,0.5\n"}, fragment="risk_times"),
    # --- files that are not regular files -----------------------------------------------------------------------
    Case("descriptor is a FIFO", argv=("validate", "{t}/fifo.yaml"), files={"fifo.yaml": "@fifo"},
         fragment="FIFO", where=r"fifo\.yaml:1:1: "),
    Case("descriptor is /dev/zero", argv=("validate", "/dev/zero"), fragment="device", where=r"/dev/zero:1:1: "),
    Case("descriptor is a folder without descriptors", argv=("validate", "{t}/empty"), files={"empty/x.txt": ""},
         fragment="no descriptor files", where=r"empty:1:1: "),
    Case("symlink in a scanned folder leading out", argv=("validate", "{t}/trials"),
         files={"trials/evil.yaml": "@link:../outside.yaml", "outside.yaml": "id: x\n"},
         fragment="symlink leads outside", where=r"evil\.yaml:1:1: "),
    Case("descriptor too large", raw="notes:\n" + "  - x\n" * 200_000, fragment="limited to"),
    # --- command-line arguments -------------------------------------------------------------------------------
    Case("--denominator beyond 64 bits", argv=("table", "{d}", "--denominator", "demo=9223372036854775808"),
         fragment="--denominator", where=None),
    Case("--denominator of thousands of digits", argv=("table", "{d}", "--denominator", "demo=" + "9" * 5000),
         fragment="--denominator", where=None),
    Case("--denominator smaller than a count", argv=("table", "{d}", "--denominator", "demo=3"),
         fragment="demo", where=None),
    Case("--denominator smaller than a count (meta)", argv=("meta", "{d}", "--outcome", "orr",
                                                            "--denominator", "demo=3"), fragment="demo", where=None),
    Case("--denominator of an unknown cohort", argv=("table", "{d}", "--denominator", "nope=3"),
         fragment="nope", where=None),
    Case("-o without a suffix", argv=("table", "{d}", "-o", "{t}/out"), fragment="format", where=None),
    Case("-o into a missing folder", argv=("table", "{d}", "-o", "{t}/missing/out.csv"), fragment="no such folder",
         where=None),
    Case("-o onto a folder", argv=("table", "{d}", "--format", "csv", "-o", "{t}"), fragment="folder", where=None),
    Case("-o onto /dev/full", argv=("table", "{d}", "--format", "csv", "-o", "/dev/full"), fragment="device",
         where=None),
    # --- table and report on numbers that validate flags ----------------------------------------------------
    Case("table with N = 0", [("  n: 30 ", "  n: 0 ")], argv=("table", "{d}"), fragment="exceeds the denominator 0"),
    Case("meta with N = 0", [("  n: 30 ", "  n: 0 ")], argv=("meta", "{d}", "--outcome", "orr"),
         fragment="exceeds the denominator 0"),
    Case("table with a count above N", [('SD: "15 (50.0)"', 'SD: "45"')], argv=("table", "{d}"),
         fragment="exceeds"),
    Case("table with ORR/DCR above N", [('PR: "6 (20.0)"', 'PR: "16"')], argv=("table", "{d}"),
         fragment="DCR (CR + PR + SD) 31 exceeds"),
    Case("table with events above N", [("{statistic: events, value: 25,", "{statistic: events, value: 45,")],
         argv=("table", "{d}"), fragment="endpoint.PFS.events"),
    # --- specs ---------------------------------------------------------------------------------------------------
    Case("spec trials outside its folder", argv=("report", "{t}/spec.yaml"),
         files={"spec.yaml": 'name: spec\ntitle: "T"\ntrials: [../outside]\n'}, fragment="outside",
         where=r"spec\.yaml:3:\d+: "),
    Case("spec trials /etc", argv=("report", "{t}/spec.yaml"),
         files={"spec.yaml": 'name: spec\ntitle: "T"\ntrials: [/etc]\n'}, fragment="outside",
         where=r"spec\.yaml:3:\d+: "),
    Case("spec trials /", argv=("report", "{t}/spec.yaml"),
         files={"spec.yaml": 'name: spec\ntitle: "T"\ntrials: /\n'}, fragment="outside",
         where=r"spec\.yaml:3:\d+: "),
    Case("spec trials empty", argv=("report", "{t}/spec.yaml"),
         files={"spec.yaml": 'name: spec\ntitle: "T"\ntrials: []\n'}, fragment="trials",
         where=r"spec\.yaml:3:\d+: "),
    Case("spec cohorts omit the reference", argv=("report", "{t}/spec.yaml"),
         files={"spec.yaml": SPEC_HEAD + "cohorts: [demo]\nreference: other\n"}, fragment="reference",
         where=r"spec\.yaml:5:\d+: "),
    Case("spec repeats a cohort", argv=("report", "{t}/spec.yaml"),
         files={"spec.yaml": SPEC_HEAD + "cohorts: [demo, demo]\n"}, fragment="twice",
         where=r"spec\.yaml:4:\d+: "),
    Case("spec names a missing cohort", argv=("report", "{t}/spec.yaml"),
         files={"spec.yaml": SPEC_HEAD + "cohorts: [demo, ghost]\n"}, fragment="ghost",
         where=r"spec\.yaml:4:\d+: "),
    Case("spec date yesterday", argv=("report", "{t}/spec.yaml"),
         files={"spec.yaml": SPEC_HEAD + "date: yesterday\n"}, fragment="date", where=r"spec\.yaml:4:\d+: "),
    Case("spec date 0001-01-01", argv=("report", "{t}/spec.yaml"),
         files={"spec.yaml": SPEC_HEAD + "date: 0001-01-01\n"}, fragment="date", where=r"spec\.yaml:4:\d+: "),
    Case("spec date 2026-02-30", argv=("report", "{t}/spec.yaml"),
         files={"spec.yaml": SPEC_HEAD + 'date: "2026-02-30"\n'}, fragment="date", where=r"spec\.yaml:4:\d+: "),
    Case("spec is a FIFO", argv=("report", "{t}/reports/spec.yaml"), files={"reports/spec.yaml": "@fifo"},
         fragment="FIFO", where=r"spec\.yaml:1:1: "),
    Case("spec with octal", argv=("report", "{t}/spec.yaml"),
         files={"spec.yaml": SPEC_HEAD + "denominators: {demo: {n: 030, why: x}}\n"}, fragment="leading zero",
         where=r"spec\.yaml:4:\d+: "),
    # --- issue 24, item 7: the last failures of the attack run ----------------------------------------------
    Case("spec scenario denominator 0", argv=("report", "{t}/spec.yaml"),
         files={"spec.yaml": SPEC_HEAD + "meta:\n  scenarios:\n    - name: z\n      denominators: {demo: 0}\n"},
         fragment="greater than 0", where=r"spec\.yaml:7:\d+: "),
    Case("spec scenario denominator negative", argv=("report", "{t}/spec.yaml"),
         files={"spec.yaml": SPEC_HEAD + "meta:\n  scenarios:\n    - name: z\n      denominators: {demo: -3}\n"},
         fragment="greater than 0", where=r"spec\.yaml:7:\d+: "),
    Case("spec scenario unknown substitute endpoint", argv=("report", "{t}/spec.yaml"),
         files={"spec.yaml": SPEC_HEAD + "meta:\n  scenarios:\n    - name: z\n"
                "      substitute_endpoint: {demo: XYZ}\n"}, fragment="not an endpoint", where=r"spec\.yaml:7:\d+: "),
    Case("spec scenario substitute endpoint the cohort lacks", argv=("report", "{t}/spec.yaml"),
         files={"spec.yaml": SPEC_HEAD + "meta:\n  scenarios:\n    - name: z\n"
                "      substitute_endpoint: {demo: DOR}\n"}, fragment="reports no DOR", where=r"spec\.yaml:7:\d+: "),
    Case("spec trials name too long", argv=("report", "{t}/spec.yaml"),
         files={"spec.yaml": 'name: spec\ntitle: "T"\ntrials: [trials/' + "x" * 300 + '.yaml]\n'},
         fragment="not a usable path", where=r"spec\.yaml:3:\d+: "),
    Case("curve file name with NUL", [_curve('"a\\0b.csv"')], fragment="not a usable file name"),
    Case("curve file name too long", [_curve("x" * 300 + ".csv")], fragment="not a usable file name"),
    Case("landmark at 1e308 years", [("statistic: rate, months: 6,", "statistic: rate, time: 1e308, unit: years,")],
         fragment="beyond a century"),
    Case("landmark at 10,000 weeks", [("statistic: rate, months: 6,", "statistic: rate, time: 10000, unit: weeks,")],
         fragment="beyond a century"),
    Case("landmark at 1e9 months", [("statistic: rate, months: 6,", "statistic: rate, months: 1e9,")],
         fragment="beyond a century"),
    Case("response time point 200 years", [("    levels: {CR:", "    time: 200\n    unit: years\n    levels: {CR:")],
         fragment="beyond a century"),
    Case("table: landmark at 1e308 years", [("statistic: rate, months: 6,",
                                             "statistic: rate, time: 1e308, unit: years,")],
         argv=("table", "{d}", "--format", "json"), fragment="beyond a century"),
    Case("report -o through a file", argv=("report", "{d}", "--html", "-o", "{t}/trials/demo.yaml/x.html"),
         fragment="not a folder", where=None),
    Case("new --dir through a file", argv=("new", "x", "--dir", "{d}/sub"), fragment="not a folder", where=None),
    Case("new --arm-names not kebab-case", argv=("new", "x", "--arm-names", "A,B", "--dir", "{t}"),
         fragment="kebab-case", where=None),
    Case("new --arm-names twice the same", argv=("new", "x", "--arm-names", "a,a", "--dir", "{t}"),
         fragment="twice", where=None),
    Case("new --arm-names against --arms", argv=("new", "x", "--arms", "3", "--arm-names", "a,b", "--dir", "{t}"),
         fragment="--arms is 3", where=None),
    Case("spec maic.ipd name too long", argv=("report", "{t}/spec.yaml"),
         files={"spec.yaml": SPEC_HEAD + "maic: {ipd: " + "i" * 300 + ".csv, target: demo}\n"},
         fragment="not a usable path", where=r"spec\.yaml:4:\d+: "),
    Case("spec maic.ipd name with NUL", argv=("report", "{t}/spec.yaml"),
         files={"spec.yaml": SPEC_HEAD + 'maic: {ipd: "a\\0b.csv", target: demo}\n'},
         fragment="not a usable path", where=r"spec\.yaml:4:\d+: "),
    Case("report with two specs", argv=("report", "{t}/spec.yaml", "{t}/spec2.yaml"),
         files={"spec.yaml": SPEC_HEAD, "spec2.yaml": SPEC_HEAD}, fragment="one spec", where=None),
]


def _materialise(tmp_path: Path, case: Case, valid_text: str) -> tuple[Path, list[str]]:
    text: str | bytes = valid_text
    for old, new in case.edits:
        assert old in text, f"scaffold changed: {old!r}"
        text = text.replace(old, new, 1)
    if case.raw is not None:
        text = case.raw
    desc = tmp_path / "trials" / "demo.yaml"
    desc.parent.mkdir(parents=True, exist_ok=True)
    desc.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    for name, content in case.files.items():
        path = desc.parent / name if not name.startswith(("spec", "reports", "fifo", "empty", "trials/",
                                                           "outside")) else tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if content == "@fifo":
            os.mkfifo(path)
        elif isinstance(content, str) and content.startswith("@link:"):
            path.symlink_to(content.removeprefix("@link:"))
        else:
            path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    argv = [a.replace("{d}", str(desc)).replace("{t}", str(tmp_path)) for a in case.argv]
    return desc, argv


def _tree(root: Path) -> dict[str, int]:
    return {str(p.relative_to(root)): (p.lstat().st_size if not p.is_dir() else -1) for p in root.rglob("*")}


@pytest.mark.skipif(sys.platform == "win32", reason="FIFOs and symlinks")
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input_exits_2_with_a_position(case, tmp_path, valid_text, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _, argv = _materialise(tmp_path, case, valid_text)
    before = _tree(tmp_path)
    code = main(argv)
    out, err = capsys.readouterr()
    assert "Traceback" not in err and "Traceback" not in out
    assert code == 2, (code, err, out[:500])
    assert case.fragment in err, err
    if case.where is not None:
        assert re.search(case.where, err), err
    else:
        assert err.startswith("trialcompare: "), err
    assert out == "" or argv[0] != "validate"
    assert _tree(tmp_path) == before  # nothing written


def test_corpus_is_large_enough():
    assert len(CASES) >= 60
