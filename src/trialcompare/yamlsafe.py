"""Read YAML as data, never code, and remember where every value stood.

* Only the plain YAML types are built (mappings, sequences, strings, numbers, true/false, null); any other
  tag (``!!python/object``, ``!!binary``, ``!custom``) is refused, never executed.
* YAML 1.1 surprises are switched off: ``yes``/``no``/``on``/``off`` stay strings, dates stay strings,
  ``1:20`` stays a string (YAML 1.2 core schema for booleans and numbers).
* YAML 1.2 numbers only: ``030``/``08`` (YAML 1.1 octal) are refused with a message rather than read as 24;
  ``1:30`` stays the text "1:30" (never base 60); integers beyond 64 bits and overlong numbers are refused.
* No explicit tags at all (``!!int 1:30``, ``!!str``, ``!custom``) and no merge keys (``<<``).
* Duplicate keys are errors, compared on the loaded value as text (``0`` and ``"0"`` are the same key);
  alias expansion, self-reference and nesting depth are bounded; files over :data:`MAX_BYTES` are refused.
* Only regular files are read (no FIFOs, devices, sockets: checked with ``os.stat`` before opening, and the file
  is opened non-blocking), never more than the size limit (:func:`read_regular`).

Positions are kept as a mapping from a path (tuple of keys and indices) to a 1-based ``(line, column)``.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from yaml.composer import Composer

try:  # libyaml, bundled with PyYAML's wheels
    from yaml._yaml import CParser as _LibyamlParser

    CParser: type[_LibyamlParser] | None = _LibyamlParser
except ImportError:  # pragma: no cover - a PyYAML built without libyaml: the Python parser alone
    CParser = None

__all__ = ["MAX_BYTES", "MAX_DEPTH", "MAX_INT", "MAX_NODES", "Position", "YamlProblem", "read_regular", "read_yaml"]

MAX_BYTES = 1_000_000
MAX_NODES = 200_000
MAX_DEPTH = 64
MAX_INT = 2**63 - 1
_MAX_DIGITS = 40
Position = tuple[int, int]

_STD = "tag:yaml.org,2002:"
_SCALAR_TAGS = {f"{_STD}{t}" for t in ("str", "int", "float", "bool", "null")}


class YamlProblem(Exception):
    """A YAML file cannot be used; carries the 1-based line and column.

    Parameters
    ----------
    message : str
    line, column : int
    """

    def __init__(self, message: str, line: int = 1, column: int = 1) -> None:
        super().__init__(message)
        self.message, self.line, self.column = message, line, column


class _Hardened(Composer):
    """The composer of both loaders: no explicit tags, bounded depth (events from the Python or the C parser)."""

    _depth = 0
    peek_event: Callable[[], yaml.Event | None]  # the parser's (yaml.parser.Parser or libyaml's CParser)

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()
        tag = getattr(event, "tag", None)
        if tag is not None:
            tag = tag.replace(_STD, "!!")
            raise YamlProblem(f"explicit tag {tag!r} is not allowed in a descriptor (data only; write the plain "
                              "value, quoted if it is text)", *_pos(event))
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise YamlProblem(f"nested more than {MAX_DEPTH} levels deep; refusing to read further", *_pos(event))
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


class _Loader(_Hardened, yaml.SafeLoader):
    """SafeLoader with the YAML 1.2 core schema for booleans, numbers and no timestamps; no tags, bounded depth.

    The pure-Python reader, scanner and parser: the reference, and what every message comes from."""


_Loader.yaml_implicit_resolvers = {}
for _tag, _regexp, _first in (
    ("bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    ("int", r"^[-+]?[0-9]+$|^0o[0-7]+$|^0x[0-9a-fA-F]+$", "-+0123456789"),
    ("float", r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$"
              r"|^[-+]?\.(?:inf|Inf|INF)$|^\.(?:nan|NaN|NAN)$", "-+0123456789."),
):
    _Loader.add_implicit_resolver(f"{_STD}{_tag}", re.compile(_regexp), list(_first))

if CParser is not None:

    class _FastLoader(_Hardened, _LibyamlParser, yaml.constructor.SafeConstructor, yaml.resolver.Resolver):
        """libyaml's parser (events made in C, 5× faster) under the same Python composer, resolvers and
        constructor as :class:`_Loader`: the same nodes, tags and marks. Used only on text without what the two
        parsers treat differently (:func:`_fast_ok`), and any problem is read again by :class:`_Loader`, so that
        messages and positions stay those of the Python parser."""

        yaml_implicit_resolvers = _Loader.yaml_implicit_resolvers
        _flow = 0

        def __init__(self, stream: str) -> None:
            _LibyamlParser.__init__(self, stream)
            Composer.__init__(self)
            yaml.constructor.SafeConstructor.__init__(self)
            yaml.resolver.Resolver.__init__(self)

        def compose_scalar_node(self, anchor: Any) -> Any:
            event = self.peek_event()
            if (self._flow and isinstance(event, yaml.ScalarEvent) and not event.style
                    and ("?" in event.value or not event.value)):
                # in a flow collection ('[...]', '{...}') the Python scanner ends a plain value at '?', libyaml not;
                # an empty value there (an explicit key '? ') is placed elsewhere by libyaml
                raise _Diverges
            return super().compose_scalar_node(anchor)

        def compose_sequence_node(self, anchor: Any) -> Any:
            flow = _flow_style(self.peek_event())
            self._flow += flow
            try:
                return super().compose_sequence_node(anchor)
            finally:
                self._flow -= flow

        def compose_mapping_node(self, anchor: Any) -> Any:
            flow = _flow_style(self.peek_event())
            self._flow += flow
            try:
                return super().compose_mapping_node(anchor)
            finally:
                self._flow -= flow


class _Diverges(Exception):
    """libyaml would read the text otherwise than the Python parser: read it with :class:`_Loader`."""


class _Builder:
    """Build plain Python data from a composed node tree, recording positions."""

    def __init__(self, loader: _Loader) -> None:
        self.loader = loader
        self.positions: dict[tuple, Position] = {}
        self.count = 0
        self.stack: set[int] = set()

    def build(self, node: yaml.Node, path: tuple) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise _problem(node, f"more than {MAX_NODES} values (alias expansion?); refusing to read further")
        if len(path) > MAX_DEPTH:
            raise _problem(node, f"nested more than {MAX_DEPTH} levels deep; refusing to read further")
        self.positions.setdefault(path, _pos(node))
        if isinstance(node, yaml.ScalarNode):
            return _scalar(node.tag, node.value, node)
        if id(node) in self.stack:
            raise _problem(node, "an alias refers to the collection that contains it (a cycle)")
        self.stack.add(id(node))
        try:
            if isinstance(node, yaml.MappingNode):
                return self._mapping(node, path)
            if node.tag != f"{_STD}seq":
                raise _problem(node, f"tag {node.tag!r} is not allowed in a descriptor (data only)")
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        finally:
            self.stack.discard(id(node))

    def _mapping(self, node: yaml.MappingNode, path: tuple) -> dict:
        if node.tag != f"{_STD}map":
            raise _problem(node, f"tag {node.tag!r} is not allowed in a descriptor (data only, never code)")
        out: dict = {}
        seen: dict[str, Position] = {}
        for key_node, value_node in node.value:
            if key_node.tag == f"{_STD}merge" or (isinstance(key_node, yaml.ScalarNode) and key_node.value == "<<"
                                                   and not key_node.style):  # plain: None (Python) or "" (C)
                raise _problem(key_node, "merge keys ('<<') are not allowed in a descriptor: write the fields out")
            key = self.build(key_node, (*path, "<key>"))
            if isinstance(key, (dict, list)):
                raise _problem(key_node, "a mapping key must be a plain value")
            text = str(key).lower() if isinstance(key, bool) or key is None else str(key)
            if key in out or text in seen:
                first = seen.get(text) or self.positions.get((*path, key))
                raise _problem(key_node, f"duplicate key {key!r} (first at line {first[0] if first else '?'})")
            seen[text] = _pos(key_node)
            self.positions[(*path, key)] = _pos(key_node)
            out[key] = self.build(value_node, (*path, key))
        return out


class _Composed(Exception):
    """Anchors or aliases: :class:`_Events` leaves them to the composer (:class:`_FastLoader` and :class:`_Builder`)."""


class _Events:
    """Build the data and positions straight from libyaml's events, without composing nodes first.

    The same data, positions and limits as :class:`_FastLoader` composing nodes and :class:`_Builder` building them,
    at about half the cost (issue 12). Whatever those two refuse makes this raise too (:func:`parse_yaml` then asks the
    Python parser for the message); text with anchors or aliases raises :class:`_Composed`.
    """

    def __init__(self, text: str) -> None:
        self.loader = _FastLoader(text)
        self.positions: dict[tuple, Position] = {}
        self.count = 0
        self.flow = 0

    def document(self) -> tuple[dict, dict[tuple, Position]]:
        """The single document's top-level mapping and the positions of its values."""
        get = self.loader.get_event
        try:
            get()  # the stream's start
            if not isinstance(get(), yaml.DocumentStartEvent):
                raise _Diverges  # no document
            data = self._node(get(), (), 1)
            if not (isinstance(get(), yaml.DocumentEndEvent) and isinstance(get(), yaml.StreamEndEvent)):
                raise _Diverges  # more than one document
        finally:
            self.loader.dispose()
        if not isinstance(data, dict):
            raise _Diverges
        return data, self.positions

    def _node(self, event: yaml.Event | None, path: tuple, depth: int) -> Any:
        if getattr(event, "anchor", None) is not None:  # an anchor, or an alias (its anchor)
            raise _Composed
        if not isinstance(event, yaml.ScalarEvent | yaml.CollectionStartEvent):
            raise _Diverges  # not a value where a value belongs: the Python parser says why
        self.count += 1
        if event.tag is not None or depth > MAX_DEPTH or self.count > MAX_NODES:
            raise _Diverges
        self.positions.setdefault(path, _pos(event))
        if isinstance(event, yaml.ScalarEvent):
            if self.flow and not event.style and ("?" in event.value or not event.value):
                raise _Diverges  # see _FastLoader.compose_scalar_node
            tag = self.loader.resolve(yaml.ScalarNode, event.value, event.implicit)
            return _scalar(tag, event.value, event)
        flow = bool(event.flow_style)
        self.flow += flow
        try:
            if isinstance(event, yaml.MappingStartEvent):
                return self._mapping(path, depth)
            return self._sequence(path, depth)
        finally:
            self.flow -= flow

    def _sequence(self, path: tuple, depth: int) -> list:
        out: list = []
        event = self.loader.get_event()
        while not isinstance(event, yaml.SequenceEndEvent):
            out.append(self._node(event, (*path, len(out)), depth + 1))
            event = self.loader.get_event()
        return out

    def _mapping(self, path: tuple, depth: int) -> dict:
        """As :meth:`_Builder._mapping`; a merge key, a collection as key or a duplicate key raises."""
        out: dict = {}
        seen: set[str] = set()
        event = self.loader.get_event()
        while not isinstance(event, yaml.MappingEndEvent):
            if isinstance(event, yaml.ScalarEvent) and event.value == "<<" and not event.style:
                raise _Diverges
            key = self._node(event, (*path, "<key>"), depth + 1)
            text = str(key).lower() if isinstance(key, bool) or key is None else str(key)
            if isinstance(key, (dict, list)) or key in out or text in seen:
                raise _Diverges
            seen.add(text)
            self.positions[(*path, key)] = _pos(event)
            out[key] = self._node(self.loader.get_event(), (*path, key), depth + 1)
            event = self.loader.get_event()
        return out


_SURROGATE = re.compile("[\ud800-\udfff]")
_NUMBER_TAGS = {f"{_STD}int", f"{_STD}float"}
_LEADING_ZERO = re.compile(r"^[-+]?0[0-9]")


def _scalar(tag: str, text: str, where: Any) -> Any:
    """The value of a scalar resolved to ``tag``, as SafeConstructor builds it, with the refusals of this module.

    ``where`` is the scalar's node or event (for the position of a problem)."""
    if tag not in _SCALAR_TAGS:
        raise _problem(where, f"tag {tag!r} is not allowed in a descriptor (data only, never code)")
    if tag in _NUMBER_TAGS:
        return _number(tag, text, where)
    if tag == f"{_STD}null":
        return None
    if tag == f"{_STD}bool":
        return text.lower() == "true"  # the resolver allows true/false in three spellings only
    if _SURROGATE.search(text):
        raise _problem(where, "text with an unpaired surrogate escape (\\ud800-\\udfff) is not valid Unicode; "
                              "write the character itself or \\U0001xxxx")
    return text


def _number(tag: str, text: str, node: Any) -> int | float:
    """A YAML 1.2 core-schema number; YAML 1.1 octal/base-60 look-alikes and oversized numbers are refused."""
    if ":" in text:
        raise _problem(node, f"{text!r} is not a number in YAML 1.2 (YAML 1.1 read it as base 60); "
                             f"quote it if it is text")
    if tag == f"{_STD}int":
        if _LEADING_ZERO.match(text):
            raise _problem(node, f"{text!r} has a leading zero (YAML 1.1 reads it as octal); write "
                                 f"{text.lstrip('+-').lstrip('0') or '0'} or quote it as text")
        digits = text.lstrip("+-")
        if len(digits) > _MAX_DIGITS:
            raise _problem(node, f"number with {len(digits)} digits is too long")
        value = int(digits[2:], 16 if digits[1] == "x" else 8) if digits[:2] in ("0x", "0o") else int(digits)
        value = -value if text.startswith("-") else value
        if abs(value) > MAX_INT:
            raise _problem(node, f"integer {text} is beyond the 64-bit range (at most {MAX_INT})")
        return value
    if len(text) > 2 * _MAX_DIGITS:
        raise _problem(node, f"number written with {len(text)} characters is too long")
    lower = text.lower()
    if lower.lstrip("+-") in (".inf", ".nan"):
        return float("nan") if "nan" in lower else (float("-inf") if lower.startswith("-") else float("inf"))
    number = float(text)
    if number in (float("inf"), float("-inf")):
        raise _problem(node, f"number {text} is out of range")
    return number


def _pos(node: yaml.Node | yaml.Event | None) -> Position:
    """1-based line and column where a node or event starts (1, 1 when the parser gave none)."""
    mark = node.start_mark if node is not None else None
    return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)


def _flow_style(event: yaml.Event | None) -> bool:
    """Whether a collection's start event opens a flow collection (``[...]``, ``{...}``)."""
    return isinstance(event, yaml.CollectionStartEvent) and bool(event.flow_style)


def _problem(node: yaml.Node | yaml.Event, message: str) -> YamlProblem:
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
    return parse_yaml(_decode(read_regular(path, MAX_BYTES)))


def read_regular(path: Path, limit: int = MAX_BYTES, what: str = "descriptors") -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes.

    The file is checked with :func:`os.stat` before it is opened (FIFOs, devices, sockets and folders are refused,
    so nothing blocks or reads forever), opened non-blocking, checked again on the open descriptor, and never read
    past ``limit + 1`` bytes (a file that grows in the meantime is still refused).

    Parameters
    ----------
    path : Path
    limit : int
        The largest size accepted, in bytes.
    what : str
        What the file is, for the messages.

    Returns
    -------
    bytes

    Raises
    ------
    YamlProblem
        At line 1, column 1: missing, not a regular file, too large, unreadable.
    """
    try:
        info = os.stat(path)
        _check_regular(info, limit, what)
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
        try:
            _check_regular(os.fstat(fd), limit, what)
            chunks, size = [], 0
            while size <= limit:
                chunk = os.read(fd, min(1 << 20, limit + 1 - size))
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
        finally:
            os.close(fd)
    except FileNotFoundError:
        raise YamlProblem("no such file" + _did_you_mean(path)) from None
    except PermissionError:
        raise YamlProblem("permission denied") from None
    except OSError as exc:
        raise YamlProblem(f"cannot read: {exc.strerror or exc}") from None
    data = b"".join(chunks)
    if len(data) > limit:
        raise YamlProblem(f"file is larger than {limit} bytes; {what} are limited to {limit} bytes")
    return data


def _did_you_mean(path: str | os.PathLike[str]) -> str:
    """``"; did you mean mystudy.yaml?"`` when the missing file's folder holds a file with a close name, else ``""``.

    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as d:
    ...     _ = (pathlib.Path(d) / "mystudy.yaml").write_text("name: x")
    ...     _did_you_mean(pathlib.Path(d) / "mystudy.yml"), _did_you_mean(pathlib.Path(d) / "other.yml")
    ('; did you mean mystudy.yaml?', '')
    """
    import difflib

    missing = Path(path)
    try:
        names = [p.name for p in missing.parent.iterdir() if p.is_file()]
    except OSError:
        return ""
    close = difflib.get_close_matches(missing.name, names, n=1, cutoff=0.75)
    return f"; did you mean {close[0]}?" if close else ""


def _check_regular(info: os.stat_result, limit: int, what: str) -> None:
    mode = info.st_mode
    if stat.S_ISDIR(mode):
        raise YamlProblem("is a directory, not a file")
    if not stat.S_ISREG(mode):
        kind = ("a FIFO (named pipe)" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode)
                else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "not a regular file")
        raise YamlProblem(f"is {kind}, not a regular file; only regular files are read")
    if info.st_size > limit:
        raise YamlProblem(f"file is {info.st_size} bytes; {what} are limited to {limit} bytes")


#: Text the two parsers read differently, found by the fuzz tests (tests/test_yaml_one_reader.py): a block scalar
#: header followed by '#' with no space ('>#', '|-#': libyaml reads a comment, the Python scanner refuses it), and an
#: explicit key '?' in a flow collection ('{? : 1}', '[? a]': libyaml places the empty key elsewhere, or accepts
#: what the Python parser refuses).
_DIVERGING = re.compile(r"[|>][-+0-9]*#|[\[{,]\s*\?")


def _fast_ok(text: str) -> bool:
    """Whether libyaml may read the text: no tab and no byte-order mark (libyaml accepts a tab inside a plain
    value, which the Python scanner refuses, and skips a byte-order mark the Python reader counts), nothing the two
    parsers read differently (:data:`_DIVERGING`)."""
    return CParser is not None and "\t" not in text and "\ufeff" not in text and not _DIVERGING.search(text)


def parse_yaml(text: str) -> tuple[dict, dict[tuple, Position]]:
    """Parse YAML text as in :func:`read_yaml`.

    libyaml parses when it can (:func:`_fast_ok`); on any problem the pure-Python parser reads the text again
    and gives the message, so results and messages are those of the Python parser (tests/test_yamlsafe_fast.py).
    """
    if not text.strip() or all(not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()):
        raise YamlProblem("file is empty")
    if _fast_ok(text):
        try:
            return _fast(text)
        except Exception:  # any problem at all: the Python parser reads the text again and names it
            pass
    return _parse(text, _Loader)


def _fast(text: str) -> tuple[dict, dict[tuple, Position]]:
    """libyaml's events built straight into data (:class:`_Events`); text with anchors or aliases composed first
    (:class:`_FastLoader`). Raises on any problem."""
    try:
        return _Events(text).document()
    except _Composed:
        return _parse(text, _FastLoader)


def _parse(text: str, loader_class: type) -> tuple[dict, dict[tuple, Position]]:
    loader = None
    try:
        loader = loader_class(text)
        node = loader.get_single_node()
        if node is None:
            raise YamlProblem("file is empty")
        builder = _Builder(loader)
        data = builder.build(node, ())
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise YamlProblem(f"malformed YAML: {exc.problem or exc.context}", line, col) from None
    except yaml.reader.ReaderError as exc:
        before = text[: exc.position]
        line, col = before.count("\n") + 1, exc.position - (before.rfind("\n") + 1) + 1
        raise YamlProblem(f"control character #x{exc.character:04x} is not allowed in YAML text", line, col) from None
    except yaml.YAMLError as exc:
        raise YamlProblem(f"malformed YAML: {exc}") from None
    except RecursionError:
        raise YamlProblem(f"nested too deeply (more than {MAX_DEPTH} levels); refusing to read further") from None
    finally:
        if loader is not None:
            loader.dispose()
    if not isinstance(data, dict):
        raise YamlProblem(f"a descriptor must be a mapping of fields, not a {type(data).__name__}", *_pos(node))
    return data, builder.positions
