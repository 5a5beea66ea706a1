"""Read YAML as data, never code, and remember where every value stood.

* Only the plain YAML types are built (mappings, sequences, strings, numbers, true/false, null); any other
  tag (``!!python/object``, ``!!binary``, ``!custom``) is refused, never executed.
* YAML 1.1 surprises are switched off: ``yes``/``no``/``on``/``off`` stay strings, dates stay strings,
  ``1:20`` stays a string (YAML 1.2 core schema for booleans and numbers).
* Duplicate keys are errors; alias expansion is bounded; files over :data:`MAX_BYTES` are refused.

Positions are kept as a mapping from a path (tuple of keys and indices) to a 1-based ``(line, column)``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

__all__ = ["MAX_BYTES", "MAX_NODES", "Position", "YamlProblem", "read_yaml"]

MAX_BYTES = 1_000_000
MAX_NODES = 200_000
Position = tuple[int, int]

_STD = "tag:yaml.org,2002:"
_SCALAR_TAGS = {f"{_STD}{t}" for t in ("str", "int", "float", "bool", "null")}


class YamlProblem(Exception):
    """A YAML file cannot be used; carries the 1-based line and column."""

    def __init__(self, message: str, line: int = 1, column: int = 1) -> None:
        super().__init__(message)
        self.message, self.line, self.column = message, line, column


class _Loader(yaml.SafeLoader):
    """SafeLoader with the YAML 1.2 core schema for booleans, numbers and no timestamps."""


_Loader.yaml_implicit_resolvers = {}
for _tag, _regexp, _first in (
    ("bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    ("int", r"^[-+]?[0-9]+$|^0o[0-7]+$|^0x[0-9a-fA-F]+$", "-+0123456789"),
    ("float", r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$"
              r"|^[-+]?\.(?:inf|Inf|INF)$|^\.(?:nan|NaN|NAN)$", "-+0123456789."),
):
    _Loader.add_implicit_resolver(f"{_STD}{_tag}", re.compile(_regexp), list(_first))


class _Builder:
    """Build plain Python data from a composed node tree, recording positions."""

    def __init__(self, loader: _Loader) -> None:
        self.loader = loader
        self.positions: dict[tuple, Position] = {}
        self.count = 0

    def build(self, node: yaml.Node, path: tuple) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise _problem(node, f"more than {MAX_NODES} values (alias expansion?); refusing to read further")
        self.positions.setdefault(path, _pos(node))
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != f"{_STD}seq":
                raise _problem(node, f"tag {node.tag!r} is not allowed in a descriptor (data only)")
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        if node.tag not in _SCALAR_TAGS:
            raise _problem(node, f"tag {node.tag!r} is not allowed in a descriptor (data only, never code)")
        return self.loader.construct_object(node, deep=True)

    def _mapping(self, node: yaml.MappingNode, path: tuple) -> dict:
        if node.tag != f"{_STD}map":
            raise _problem(node, f"tag {node.tag!r} is not allowed in a descriptor (data only, never code)")
        out: dict = {}
        for key_node, value_node in node.value:
            if key_node.tag == f"{_STD}merge":
                raise _problem(key_node, "merge keys ('<<') are not allowed in a descriptor")
            key = self.build(key_node, (*path, "<key>"))
            if isinstance(key, (dict, list)):
                raise _problem(key_node, "a mapping key must be a plain value")
            if key in out:
                first = self.positions.get((*path, key), ("?", "?"))
                raise _problem(key_node, f"duplicate key {key!r} (first at line {first[0]})")
            self.positions[(*path, key)] = _pos(key_node)
            out[key] = self.build(value_node, (*path, key))
        return out


def _pos(node: yaml.Node) -> Position:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _problem(node: yaml.Node, message: str) -> YamlProblem:
    return YamlProblem(message, *_pos(node))


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        column = exc.start - (before.rfind(b"\n") + 1) + 1
        raise YamlProblem(f"not UTF-8 text (byte 0x{data[exc.start]:02x})", line, column) from None


def read_yaml(path: Path) -> tuple[dict, dict[tuple, Position]]:
    """Read one YAML file holding a mapping, as plain data with positions.

    Parameters
    ----------
    path : Path
        The file.

    Returns
    -------
    data : dict
        The top-level mapping.
    positions : dict
        Path (tuple of keys and indices) to 1-based (line, column).

    Raises
    ------
    YamlProblem
        Missing, too large, not UTF-8, empty, malformed, not a mapping, duplicate keys, disallowed tags.
    """
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise YamlProblem(f"file is {size} bytes; descriptors are limited to {MAX_BYTES} bytes")
        text = _decode(path.read_bytes())
    except FileNotFoundError:
        raise YamlProblem("no such file") from None
    except IsADirectoryError:
        raise YamlProblem("is a directory, not a file") from None
    except PermissionError:
        raise YamlProblem("permission denied") from None
    return parse_yaml(text)


def parse_yaml(text: str) -> tuple[dict, dict[tuple, Position]]:
    """Parse YAML text as in :func:`read_yaml`."""
    if not text.strip() or all(not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()):
        raise YamlProblem("file is empty")
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise YamlProblem("file is empty")
        builder = _Builder(loader)
        data = builder.build(node, ())
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise YamlProblem(f"malformed YAML: {exc.problem or exc.context}", line, col) from None
    except yaml.YAMLError as exc:
        raise YamlProblem(f"malformed YAML: {exc}") from None
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        raise YamlProblem(f"a descriptor must be a mapping of fields, not a {type(data).__name__}", *_pos(node))
    return data, builder.positions
