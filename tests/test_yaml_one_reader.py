"""Issue 24, item 8: one YAML reader. The libyaml fast path and the Python parser accept and refuse the same
documents, with the same data and positions: on the whole bad-input corpus, on the divergences the attack run found
('>#' block-scalar headers, '? :' in flow collections), and on documents hypothesis generates."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trialcompare import yamlsafe
from trialcompare.descriptor.scaffold import example

pytestmark = pytest.mark.skipif(yamlsafe.CParser is None, reason="PyYAML without libyaml: only the Python parser")

HERE = Path(__file__).resolve().parent


def _corpus() -> list[tuple[str, str]]:
    spec = importlib.util.spec_from_file_location("bad_input_corpus", HERE / "test_bad_input_corpus.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # (dataclasses look their module up)
    spec.loader.exec_module(module)
    out = []
    for case in module.CASES:
        text = case.raw if case.raw is not None else example("demo")
        for old, new in case.edits:
            text = text.replace(old, new, 1) if isinstance(text, str) else text
        if isinstance(text, str) and len(text.encode("utf-8")) > yamlsafe.MAX_BYTES:
            continue  # refused before any parser reads it (read_regular)
        out += [(case.name, text)] if isinstance(text, str) else []
        out += [(f"{case.name}: {name}", c) for name, c in case.files.items()
                if isinstance(c, str) and name.endswith(".yaml") and not c.startswith("@")]
    return out


CORPUS = _corpus()


def _python(text: str) -> str:
    try:
        return repr(("ok", *yamlsafe._parse(text, yamlsafe._Loader)))
    except yamlsafe.YamlProblem as exc:
        return repr(("problem", exc.message, exc.line, exc.column))
    except RecursionError:
        return "recursion"


def _public(text: str) -> str:
    try:
        return repr(("ok", *yamlsafe.parse_yaml(text)))
    except yamlsafe.YamlProblem as exc:
        return repr(("problem", exc.message, exc.line, exc.column))


def _fast_alone(text: str) -> str | None:
    """What the fast path reads when it is allowed to and succeeds; None when it hands over to the Python parser."""
    if not yamlsafe._fast_ok(text):
        return None
    try:
        return repr(("ok", *yamlsafe._fast(text)))
    except Exception:
        return None


def _same(text: str) -> None:
    if not text.strip() or all(not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()):
        return  # "file is empty" is decided before either parser
    expected = _python(text)
    fast = _fast_alone(text)
    assert fast is None or fast == expected, (text, fast, expected)
    assert _public(text) == expected, text


def test_the_corpus_is_read():
    assert len(CORPUS) >= 80


@pytest.mark.parametrize(("name", "text"), CORPUS, ids=[n for n, _ in CORPUS])
def test_both_readers_agree_on_the_bad_input_corpus(name, text):
    _same(text)


@pytest.mark.parametrize("text", [
    "a: >#\n  x\n", "a: |#c\n  x\n", "a: >-#\n  x\n", "a: |+#\n", "a: >2#\n  x\n",   # '#' right after the header
    "x: {? : 1}\n", "x: [? : a]\n", "x: {? }\n", "x: [? ]\n", "x: [\n  ? ]\n", "x: {? a : 1}\n", "x: {a, ? : b}\n",
    "x: {?  , }\n", "x: {? \n}\n",
])
def test_the_divergences_of_the_attack_run(text):
    _same(text)
    if text.startswith("a:"):
        assert _public(text).startswith("('problem'"), text  # the Python parser's refusal, whichever path


_PIECES = ["? ", ": ", ":", "{", "}", "[", "]", ", ", ",", "a", "b1", "#", " #c", ">", "|", "-", "+", "2", "\n",
           "\n  ", "\n- ", " ", "?", '"q"', "'s'", "&x ", "*x", "0", "1.5", "~", "null", "true", "...", "---",
           "- ", "\\", "é", "\r\n", "\u2028", "\x85", "!!str ", "<<: "]


@settings(max_examples=400, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_PIECES), min_size=1, max_size=10).map("".join),
       st.sampled_from(["x: ", "x:\n  ", "- ", "x: [", "x: {", "? ", ""]))
def test_both_readers_agree_on_generated_documents(body, head):
    _same(head + body + "\n")


@settings(max_examples=150, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 5000), st.integers(1, 3), st.lists(st.sampled_from(_PIECES), min_size=1, max_size=3))
def test_both_readers_agree_on_edited_descriptors(position, width, pieces):
    text = example("demo")
    i = position % len(text)
    _same(text[:i] + "".join(pieces) + text[i + width:])
