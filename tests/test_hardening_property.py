"""Property: whatever one mutation does to a valid descriptor, load → check → compare → table never raises.

``validate`` exits 0, 1 or 2 and ``table`` exits 0 or 2; an exit 2 prints ``file:line:column: message`` lines (or
a ``trialcompare:`` argument message) and nothing on stdout. Mutations: a number replaced (huge, negative,
octal-looking, base 60, non-finite), a printed count replaced, the label replaced by arbitrary text (formula
characters, control characters, markup), a line deleted or duplicated.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import tempfile
from pathlib import Path

import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from trialcompare.cli import main  # noqa: E402
from trialcompare.descriptor.scaffold import example  # noqa: E402

VALID = example("demo")
LINES = VALID.splitlines(keepends=True)
NUMBER = re.compile(r"(?<![\w.])\d+(?:\.\d+)?(?![\w.])")
SPOTS = [(i, m.span()) for i, line in enumerate(LINES) if not line.lstrip().startswith("#")
         for m in NUMBER.finditer(line.split(" #")[0])]
SPECIAL = ["030", "08", "0x1F", "0o17", "1:30", ".inf", "-.inf", ".nan", "1e999", "-0", "9223372036854775808",
           "9223372036854775807", "4294967296", "1" * 60, "!!int 1", "&a 1", "*a", "[1]", "{a: 1}", "~", "''"]
NUMBERS = st.one_of(st.integers(min_value=-(10**20), max_value=10**20).map(str), st.sampled_from(SPECIAL),
                    st.floats(allow_nan=True, allow_infinity=True).map(repr))
TEXT = st.text(st.one_of(st.sampled_from(list("=+-@\t\r\n|<>&$\\\"'`*_[]{}#:\x00\x07\x1b\u202e")),
                         st.characters()), max_size=40)


def _number(data: st.DataObject) -> str:
    i, (a, b) = data.draw(st.sampled_from(SPOTS))
    lines = list(LINES)
    lines[i] = lines[i][:a] + data.draw(NUMBERS) + lines[i][b:]
    return "".join(lines)


def _count(data: st.DataObject) -> str:
    k = data.draw(st.integers(min_value=-5, max_value=10**19))
    p = data.draw(st.floats(min_value=-10, max_value=1e6, allow_nan=False))
    form = data.draw(st.sampled_from(["{k} ({p:.1f})", "{k}/{k} ({p:.2f}%)", "{k}", "{k} ({p})"]))
    return VALID.replace('PR: "6 (20.0)"', 'PR: "' + form.format(k=k, p=p) + '"', 1)


def _label(data: st.DataObject) -> str:
    return VALID.replace('label: "Demo"', "label: " + json.dumps(data.draw(TEXT)), 1)


def _delete(data: st.DataObject) -> str:
    i = data.draw(st.integers(min_value=0, max_value=len(LINES) - 1))
    return "".join(LINES[:i] + LINES[i + 1:])


def _duplicate(data: st.DataObject) -> str:
    i = data.draw(st.integers(min_value=0, max_value=len(LINES) - 1))
    return "".join(LINES[: i + 1] + LINES[i:])


MUTATIONS = [_number, _count, _label, _delete, _duplicate]
POSITION = re.compile(r"^(?:.+?:\d+:\d+: .+|trialcompare: .+)$")


def _run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


@settings(max_examples=int(os.environ.get("TC_PROPERTY_EXAMPLES", "60")), deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_mutated_descriptor_never_crashes(data):
    text = data.draw(st.sampled_from(MUTATIONS))(data)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "demo.yaml"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        code, out, err = _run(["validate", str(path)])
        assert code in (0, 1, 2)
        if code == 2:
            assert out == "" and err and all(POSITION.match(line) for line in err.splitlines() if line), err
            return
        for fmt in ("md", "csv", "json"):
            code, out, err = _run(["table", str(path), "--format", fmt])
            assert code in (0, 2), err
            if code == 2:
                assert all(POSITION.match(line) for line in err.splitlines() if line), err
            elif fmt == "md":
                assert "\x1b" not in out and "<script" not in out
        assert sorted(p.name for p in Path(tmp).iterdir()) == ["demo.yaml"]
