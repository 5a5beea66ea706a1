"""Reading individual patient data from a CSV file, with ``file:line:column`` for every problem (private).

Format (see docs/maic.md): UTF-8 text; optional comment lines starting with ``#`` before the header; a header
of unique column names; one row per patient. Every cell is a number except in an ``id`` column. ``time``
(>= 0) and ``event`` (0/1) hold the time-to-event outcome, ``response`` (0/1) the binary outcome; an optional
``arm`` column (text, exactly two labels) says which arm of a two-arm IPD study each patient was in (anchored
MAIC); any other column is a covariate (0/1 for a level of a factor). Missing cells are errors: MAIC needs
complete cases.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from ._errors import MaicInputError

__all__ = ["ARM_COLUMN", "IpdTable", "read_ipd_csv"]

MAX_BYTES = 50_000_000
ID_COLUMN = "id"
ARM_COLUMN = "arm"
TEXT_COLUMNS = (ID_COLUMN, ARM_COLUMN)
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.]*$")
#: A number as the CSV must write it: ASCII decimal, optional sign, fraction and exponent (no ``1_9``, no other
#: scripts' digits, no ``inf``/``nan``, no hexadecimal) — stricter than Python's ``float``.
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_SHOWN = 24  # characters of an offending cell shown in a message


def _cell(text: str) -> str:
    """The offending cell for a message: quoted, at most ``_SHOWN`` characters."""
    return repr(text if len(text) <= _SHOWN else text[:_SHOWN] + "...")


@dataclass(frozen=True)
class IpdTable:
    """Patient data read from a CSV file.

    Attributes
    ----------
    frame : polars.DataFrame
        One row per patient; numeric columns are Float64, ``id`` (if present) String.
    path : str
        The file as given.
    header_line : int
        Line number of the header.
    comments : tuple of str
        The comment lines before the header, without their ``#``.
    """

    frame: pl.DataFrame
    path: str
    header_line: int
    _lines: tuple[int, ...] = field(repr=False)
    _columns: dict[str, int] = field(repr=False)  # column name -> index
    _starts: tuple[tuple[int, ...], ...] = field(repr=False)  # per row (header first): 1-based field columns
    comments: tuple[str, ...] = ()

    @property
    def simulated(self) -> bool:
        """Whether a comment line before the header says the data are SIMULATED (docs/maic.md)."""
        return any("SIMULATED" in c.upper() for c in self.comments)

    def position(self, row: int | None, column: str) -> tuple[int, int]:
        """(line, column) of a cell (``row`` 0-based), or of the header name when ``row`` is None."""
        index = self._columns.get(column)
        starts = self._starts[0 if row is None else row + 1]
        col = 1 if index is None else starts[index]
        return (self.header_line if row is None else self._lines[row]), col

    def error(self, row: int | None, column: str, message: str) -> MaicInputError:
        """A :class:`MaicInputError` pointing at a cell or a header name."""
        line, col = self.position(row, column)
        return MaicInputError(self.path, line, col, message)


def _split(line: str, path: str, lineno: int) -> list[tuple[str, int]]:
    """Fields of one CSV line with their 1-based start columns (RFC 4180 quotes, no embedded newlines)."""
    fields: list[tuple[str, int]] = []
    i, n = 0, len(line)
    while True:
        start = i
        if i < n and line[i] == '"':
            buf, i = [], i + 1
            while True:
                j = line.find('"', i)
                if j < 0:
                    raise MaicInputError(path, lineno, start + 1, "unterminated quoted field")
                buf.append(line[i:j])
                if j + 1 < n and line[j + 1] == '"':
                    buf.append('"')
                    i = j + 2
                    continue
                i = j + 1
                break
            value = "".join(buf)
            if i < n and line[i] != ",":
                raise MaicInputError(path, lineno, i + 1, "unexpected text after a quoted field")
        else:
            j = line.find(",", i)
            j = n if j < 0 else j
            value, i = line[i:j], j
        fields.append((value.strip(" \t"), start + 1))
        if i >= n:
            return fields
        i += 1


def _read_text(path: Path, shown: str) -> str:
    try:
        if not path.is_file():
            raise MaicInputError(shown, 1, 1, "no such file" if not path.exists() else "not a regular file")
        if path.stat().st_size > MAX_BYTES:
            raise MaicInputError(shown, 1, 1, f"file is larger than {MAX_BYTES} bytes")
        data = path.read_bytes()
    except PermissionError:
        raise MaicInputError(shown, 1, 1, "permission denied") from None
    except OSError as exc:
        raise MaicInputError(shown, 1, 1, f"cannot read ({exc.strerror or exc})") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise MaicInputError(shown, line, 1, "not UTF-8 text") from None


def _header(lines: list[str], shown: str) -> tuple[int, list[tuple[str, int]]]:
    for k, raw in enumerate(lines):
        if raw.strip() and not raw.lstrip().startswith("#"):
            fields = _split(raw, shown, k + 1)
            seen: set[str] = set()
            for name, col in fields:
                if not _NAME.match(name):
                    raise MaicInputError(shown, k + 1, col, f"bad column name {_cell(name)} in the header (letters, "
                                         "digits, '_' or '.', not starting with a digit)")
                if name in seen:
                    raise MaicInputError(shown, k + 1, col, f"duplicate column {_cell(name)} in the header")
                seen.add(name)
            return k + 1, fields
    raise MaicInputError(shown, 1, 1, "no header row (the file is empty or has only comments)")


def _number(text: str, path: str, line: int, col: int, name: str) -> float:
    if not _DECIMAL.fullmatch(text):
        what = "an empty cell" if not text else f"{_cell(text)}, not a number"
        raise MaicInputError(path, line, col, f"column {name!r}: {what} (every cell must be a number, written "
                             "with the ASCII digits 0-9, an optional sign, '.' and exponent)")
    value = float(text)
    if not math.isfinite(value):
        raise MaicInputError(path, line, col, f"column {name!r}: {_cell(text)} is not a finite number")
    return value


def _check_roles(table: IpdTable) -> None:
    f = table.frame
    for name, allowed in (("event", "0/1 (1 = event, 0 = censored)"), ("response", "0/1 (1 = responder)")):
        if name in f.columns:
            bad = f.with_row_index("_r").filter(~pl.col(name).is_in([0.0, 1.0]))
            if bad.height:
                r = int(bad["_r"][0])
                raise table.error(r, name, f"{name} must be {allowed}, got {bad[name][0]:g}")
    if "time" in f.columns:
        bad = f.with_row_index("_r").filter(pl.col("time") < 0)
        if bad.height:
            raise table.error(int(bad["_r"][0]), "time", f"time must be >= 0, got {bad['time'][0]:g}")


def _check_arms(table: IpdTable) -> None:
    """An ``arm`` column holds exactly two non-empty labels."""
    if ARM_COLUMN not in table.frame.columns:
        return
    arms = table.frame[ARM_COLUMN].to_list()
    seen: list[str] = []
    for r, label in enumerate(arms):
        if not label:
            raise table.error(r, ARM_COLUMN, "column 'arm': an empty cell (every patient needs an arm label)")
        if label not in seen:
            if len(seen) == 2:
                raise table.error(r, ARM_COLUMN, f"column 'arm': a third arm {_cell(label)}; an anchored comparison "
                                  "needs exactly two arms")
            seen.append(label)
    if len(seen) < 2:
        raise table.error(None, ARM_COLUMN, "column 'arm' has one label; an anchored comparison "
                          "needs two arms (leave the column out for a single-arm IPD)")


def read_ipd_csv(path: str | Path) -> IpdTable:
    """Read an IPD CSV file (one row per patient) into a polars frame, checking every cell.

    Parameters
    ----------
    path : str or Path
        The CSV file.

    Returns
    -------
    IpdTable
        ``frame`` and the positions of its cells.

    Raises
    ------
    MaicInputError
        Naming ``file:line:column``: missing or unreadable file, bad header (empty, duplicate or malformed
        names), a row with the wrong number of fields, an empty or non-numeric cell, ``event``/``response``
        other than 0/1, a negative ``time``, an ``arm`` column without exactly two labels, or no data rows.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = Path(d) / "ipd.csv"
    ...     _ = p.write_text("# SIMULATED\\nid,age,time,event\\np1,30,5.5,1\\np2,41,7,0\\n", encoding="utf-8")
    ...     t = read_ipd_csv(p)
    >>> t.frame["age"].to_list(), t.position(1, "time"), t.simulated
    ([30.0, 41.0], (4, 7), True)
    """
    shown = str(path)
    # lines end at "\n" only (an optional "\r" before it is dropped): other line breaks str.splitlines knows
    # (\v, \f, \x1c-\x1e, \x85, U+2028, U+2029) are characters of a cell, so line numbers agree with editors
    lines = [raw[:-1] if raw.endswith("\r") else raw for raw in _read_text(Path(path), shown).split("\n")]
    header_line, header = _header(lines, shown)
    names = [name for name, _ in header]
    data: dict[str, list] = {name: [] for name in names}
    row_lines: list[int] = []
    starts: list[tuple[int, ...]] = [tuple(col for _, col in header)]
    for k in range(header_line, len(lines)):
        raw = lines[k]
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        fields = _split(raw, shown, k + 1)
        if len(fields) != len(names):
            col = fields[min(len(fields), len(names)) - 1][1]
            raise MaicInputError(shown, k + 1, col, f"{len(fields)} fields, the header has {len(names)}")
        for name, (text, col) in zip(names, fields, strict=True):
            data[name].append(text if name in TEXT_COLUMNS else _number(text, shown, k + 1, col, name))
        row_lines.append(k + 1)
        starts.append(tuple(col for _, col in fields))
    if not row_lines:
        raise MaicInputError(shown, header_line, 1, "no patients: the file has a header but no data rows")
    schema = {name: (pl.String if name in TEXT_COLUMNS else pl.Float64) for name in names}
    comments = tuple(raw.lstrip()[1:].strip() for raw in lines[:header_line - 1] if raw.lstrip().startswith("#"))
    table = IpdTable(pl.DataFrame(data, schema=schema), shown, header_line, tuple(row_lines),
                     {name: i for i, name in enumerate(names)}, tuple(starts), comments)
    _check_roles(table)
    _check_arms(table)
    return table
