"""The package's layering (DESIGN.md, "The data's way"), checked on the source with the standard library's ast.

- No import cycle among the package's modules, counting function-level imports (imports under
  ``if TYPE_CHECKING:`` are annotations only and do not count).
- ``render/`` formats a finished Analysis: nothing under it imports an analysis function (load, check, compare,
  pooling, survival, caveats, analyse) except for type annotations.
- Computation never imports ``render`` at module level.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "trialcompare"
ANALYSIS_MODULES = (
    "trialcompare.load", "trialcompare.frame", "trialcompare.checks", "trialcompare.comparison", "trialcompare.meta",
    "trialcompare.survival", "trialcompare.caveats", "trialcompare.analysis", "trialcompare.maic",
    "trialcompare.appraise.caveats", "trialcompare.appraise.certainty", "trialcompare.appraise.factors",
    "trialcompare.appraise.verdict", "trialcompare.appraise.sensitivity", "trialcompare.appraise.risk_of_bias",
    "trialcompare.appraise.limitations", "trialcompare.appraise.maic_facts", "trialcompare.appraise.themes",
    "trialcompare.appraise.provenance",
    "trialcompare.rules", "trialcompare.effects", "trialcompare.stats", "trialcompare.contrasts", "trialcompare.harms",
)
"""What render may not import (issue 19, item 14): every rule and computation. It receives facts and frames; the
fact type itself (``trialcompare.appraise.facts``) and the vocabulary are below it and allowed."""


def _module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(path: Path) -> list[tuple[str, int, bool]]:
    """(imported module, line, at module level) for every runtime import of a file."""
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out: list[tuple[str, int, bool]] = []

    def visit(node: ast.AST, top: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child):
                for sub in child.orelse:
                    visit(sub, top)
                continue
            if isinstance(child, ast.Import):
                out.extend((a.name, child.lineno, top) for a in child.names if a.name.startswith("trialcompare"))
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    anchor = package.split(".")
                    anchor = anchor[: len(anchor) - child.level + 1]
                    base = ".".join([*anchor, base] if base else anchor)
                if base.startswith("trialcompare"):
                    for a in child.names:
                        out.append((f"{base}.{a.name}" if _is_module(f"{base}.{a.name}") else base, child.lineno, top))
            inner = top and not isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
            visit(child, inner if not isinstance(child, ast.ClassDef) else top)

    visit(tree, True)
    return out


def _is_module(name: str) -> bool:
    rel = Path(*name.split(".")[1:])
    return (PACKAGE / rel).with_suffix(".py").is_file() or (PACKAGE / rel / "__init__.py").is_file()


def _graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        me = _module_name(path)
        graph.setdefault(me, set())
        for target, _, _ in _imports(path):
            target = _resolve(target)
            if target != me:
                graph[me].add(target)
    return graph


def _resolve(name: str) -> str:
    while name.count(".") and not _is_module(name):
        name = name.rpartition(".")[0]
    return name


def _reach(graph: dict[str, set[str]], start: str) -> set[str]:
    seen: set[str] = set()
    todo = list(graph.get(start, ()))
    while todo:
        v = todo.pop()
        if v not in seen:
            seen.add(v)
            todo.extend(graph.get(v, ()))
    return seen


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module: v and w are in one when each reaches the other."""
    reach = {v: _reach(graph, v) for v in graph}
    comps = {tuple(sorted(w for w in reach[v] if v in reach.get(w, ()))) for v in graph if v in reach[v]}
    return sorted(list(c) for c in comps if len(c) > 1)


def _ancestors(name: str) -> set[str]:
    parts = name.split(".")
    return {".".join(parts[:i]) for i in range(2, len(parts))}


def test_no_import_cycle_among_modules() -> None:
    """A package's ``__init__`` importing its own submodules is not a cycle; anything else is."""
    graph = {m: {t for t in targets if t not in _ancestors(m)} for m, targets in _graph().items()}
    assert _cycles(graph) == []


def test_the_cycle_detector_finds_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


@pytest.mark.parametrize("path", sorted((PACKAGE / "render").glob("*.py")), ids=lambda p: p.name)
def test_render_calls_no_analysis_function(path: Path) -> None:
    bad = [(t, line) for t, line, _ in _imports(path) if _resolve(t).startswith(ANALYSIS_MODULES)]
    assert bad == [], f"{path.name} imports analysis code at runtime: {bad}"


def test_computation_does_not_import_render_at_module_level() -> None:
    for path in PACKAGE.rglob("*.py"):
        me = _module_name(path)
        if me.startswith(("trialcompare.render", "trialcompare.cli", "trialcompare.analysis")):
            continue
        top = [t for t, _, at_top in _imports(path) if at_top and _resolve(t).startswith("trialcompare.render")]
        assert top == [], f"{me} imports render at module level: {top}"
