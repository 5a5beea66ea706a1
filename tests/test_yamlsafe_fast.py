"""libyaml reads descriptors for speed (issue 12); what it reads must be exactly what the Python parser reads.

``parse_yaml`` builds the data straight from libyaml's events when it may (text with anchors or aliases under the
Python composer), and reads the text again with the pure-Python parser on any problem, so that every message and
position stays the Python parser's. These tests pin that: same data and positions on every bundled descriptor, the
known divergences of the two parsers routed to the Python one, and a seeded fuzz of small edits where libyaml's
success (either way) must mean the same result.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
import yaml

from trialcompare import yamlsafe
from trialcompare.descriptor.scaffold import example

REPO = Path(__file__).resolve().parents[1]
DESCRIPTORS = sorted(p for folder in ("trials", "tests/fixtures", "examples") for p in (REPO / folder).rglob("*.yaml"))

pytestmark = pytest.mark.skipif(yamlsafe.CParser is None, reason="PyYAML without libyaml: only the Python parser")


def _outcome(loader: type, text: str) -> tuple:
    try:
        return ("ok", *yamlsafe._parse(text, loader))
    except yamlsafe.YamlProblem as exc:
        return ("problem", exc.message, exc.line, exc.column)


def test_libyaml_is_there():
    """PyYAML's manylinux wheels bundle libyaml; without it validate is about 0.4 s slower."""
    assert yaml.__with_libyaml__


@pytest.mark.parametrize("path", DESCRIPTORS, ids=lambda p: str(p.relative_to(REPO)))
def test_same_data_and_positions_on_every_bundled_file(path):
    text = path.read_text(encoding="utf-8")
    assert yamlsafe._fast_ok(text)
    expected = repr(_outcome(yamlsafe._Loader, text))
    assert repr(_outcome(yamlsafe._FastLoader, text)) == expected
    assert repr(("ok", *yamlsafe._Events(text).document())) == expected


@pytest.mark.parametrize("text", [
    "a: &x {k: v}\nb: *x\n",       # anchors and aliases: composed first
    "a: &x [1, 2]\nb: [*x, *x]\n",
    "&k a: 1\nb: 2\n",
])
def test_anchors_and_aliases_are_composed(text):
    with pytest.raises(yamlsafe._Composed):
        yamlsafe._Events(text).document()
    assert repr(("ok", *yamlsafe.parse_yaml(text))) == repr(_outcome(yamlsafe._Loader, text))


@pytest.mark.parametrize("text", [
    "x: a\tb\n",                 # a tab inside a plain value: libyaml accepts it, the Python scanner does not
    "\ufeffa: 1\nb: 2\n",        # a byte-order mark
    "a: 1\n\ufeffb: 2\n",
    "x: {a: 1 ?}\n",             # '?' ends a plain value in a flow collection for the Python scanner only
    "x: [a ?]\n",
    "x: {a: b?, c: d}\n",
    'x: "\\ud800"\n',            # libyaml refuses a surrogate escape with its own message
    "x: a\x07b\n",               # a control character: the Python reader's message and position
    "<<: {a: 1}\n",
    "x: !!int 1:30\n",
    "a: 1\na: 2\n",
])
def test_divergences_get_the_python_parsers_answer(text):
    expected = _outcome(yamlsafe._Loader, text)
    try:
        got = ("ok", *yamlsafe.parse_yaml(text))
    except yamlsafe.YamlProblem as exc:
        got = ("problem", exc.message, exc.line, exc.column)
    assert repr(got) == repr(expected)


_PIECES = [*":-  \n\"'[]{}#&*!|>?,%@`\\é0.~", "\n  ", "\n- ", ": ", "<<", "---", "...", "\r", "\u2028", "\x85",
           "1:30", "0o7", "!!str ", "&a ", "*a", "{", "[", "? "]


def _mutants(seed: int, count: int):
    rng = random.Random(seed)
    texts = [example("demo"), *(p.read_text(encoding="utf-8") for p in DESCRIPTORS[:4]),
             'x: {a: 1, b: [c, d], e: "f"}\ny:\n  - {p: q, r: s}\n  - [1, 2.5, -3, .inf, ~, true]\nz: |\n  t ? h\n'
             "w: >-\n  folded\nv: 'it''s'\nu: &a {k: v}\nt: *a\n? complex\n: value\n"]
    for _ in range(count):
        text = rng.choice(texts)
        i = rng.randrange(len(text))
        text = text[max(0, i - 300): i + 300]
        for _ in range(rng.randint(1, 4)):
            j, op = rng.randrange(len(text) + 1), rng.random()
            piece = rng.choice(_PIECES)
            text = text[:j] + piece + text[j:] if op < 0.4 else text[:j] + text[j + rng.randint(1, 5):] if op < 0.7 \
                else text[:j] + piece + text[j + 1:]
        yield text


@pytest.mark.parametrize("seed", range(4))
def test_fuzz_libyaml_success_means_the_same_result(seed):
    for text in _mutants(seed, 250):
        if not yamlsafe._fast_ok(text):
            continue
        for fast in (_fast(yamlsafe._fast, text), _fast(lambda t: yamlsafe._parse(t, yamlsafe._FastLoader), text)):
            if fast is not None:
                assert repr(fast) == repr(_outcome(yamlsafe._Loader, text)), text


def _fast(parse, text: str) -> tuple | None:
    """libyaml's result, or None when it fails in any way (parse_yaml then asks the Python parser)."""
    try:
        return ("ok", *parse(text))
    except Exception:
        return None
