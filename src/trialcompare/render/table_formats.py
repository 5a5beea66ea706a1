"""The exports of a table of strings: md, csv, xlsx, html, json, and the fixed-width terminal text (re-exported by
:mod:`trialcompare.render.tables`)."""

from __future__ import annotations

import html
import io
import json
from collections.abc import Callable, Iterator

import polars as pl

from .escape import markdown_cell, needs_quote, spreadsheet_cell, terminal_text, xlsx_cell

__all__ = ["FORMATS", "export", "format_text"]

FORMATS = ("md", "csv", "xlsx", "html", "json")


def _md(df: pl.DataFrame) -> str:
    esc = markdown_cell
    lines = ["| " + " | ".join(map(esc, df.columns)) + " |", "|" + "---|" * len(df.columns)]
    lines += ["| " + " | ".join(esc(v) for v in row) + " |" for row in df.iter_rows()]
    return "\n".join(lines) + "\n"


def _html(df: pl.DataFrame) -> str:
    head = "".join(f"<th>{html.escape(c)}</th>" for c in df.columns)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in row) + "</tr>\n"
                   for row in df.iter_rows())
    return f'<table class="table">\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}</tbody>\n</table>\n'


def _xlsx(df: pl.DataFrame) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.worksheets[0]  # the new workbook's one sheet (its active one)
    ws.title = "comparison"
    for row in [df.columns, *df.iter_rows()]:
        ws.append([xlsx_cell(v) for v in row])
        for cell in ws[ws.max_row]:
            if needs_quote(cell.value):  # text, never a formula (Excel's own single-quote prefix)
                cell.data_type, cell.quotePrefix = "s", True
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _csv(df: pl.DataFrame) -> str:
    strings = [c for c, t in df.schema.items() if t == pl.String]
    safe = df.with_columns(pl.col(c).map_elements(spreadsheet_cell, return_dtype=pl.String) for c in strings)
    return safe.rename({c: spreadsheet_cell(c) for c in df.columns}).write_csv()


def _json(df: pl.DataFrame) -> str:
    return json.dumps(df.to_dicts(), indent=2, ensure_ascii=False) + "\n"


_WRITERS: dict[str, Callable[[pl.DataFrame], str | bytes]] = {
    "md": _md, "csv": _csv, "xlsx": _xlsx, "html": _html, "json": _json}


def export(df: pl.DataFrame, fmt: str) -> str | bytes:
    """Render a table in one of :data:`FORMATS` (xlsx gives bytes, the rest text).

    Parameters
    ----------
    df : polars.DataFrame
        A table of strings (e.g. :func:`trialcompare.render.tables.table_iv`).
    fmt : {"md", "csv", "xlsx", "html", "json"}

    Returns
    -------
    str or bytes
    """
    if fmt not in _WRITERS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}; got {fmt!r}")
    return _WRITERS[fmt](df)


NULL = "–"
"""A null cell in the terminal rendering (a missing interval, no reason): a dash, never "None"."""


def format_text(df: pl.DataFrame, width: int = 34) -> str:
    """A readable fixed-width terminal rendering (headers and cells wrapped at ``width`` characters, never cut).

    A null cell is :data:`NULL`, not "None".

    Parameters
    ----------
    df : polars.DataFrame
    width : int

    Returns
    -------
    str

    Examples
    --------
    >>> text = format_text(pl.DataFrame({"Apatinib (Liao 2020) [reference] (N=33)": ["2/33"]}), width=20)
    >>> for line in text.splitlines():
    ...     print(line.rstrip())
    Apatinib (Liao 2020)
    [reference] (N=33)
    ────────────────────
    2/33
    >>> format_text(pl.DataFrame({"ci_low": [None, 0.25]})).splitlines()[2:]
    ['–     ', '0.25  ']
    """
    import textwrap

    cols = [textwrap.wrap(terminal_text(c), width) or [""] for c in df.columns]
    wrapped = [[textwrap.wrap(NULL if v is None else terminal_text(v), width) or [""] for v in row]
               for row in df.iter_rows()]
    widths = [min(width, max(len(line) for r in [c, *(r[i] for r in wrapped)] for line in r))
              for i, c in enumerate(cols)]
    out = [*_text_lines(cols, widths), "─┼─".join("─" * w for w in widths)]
    for row in wrapped:
        out.extend(_text_lines(row, widths))
    return "\n".join(out) + "\n"


def _text_lines(row: list[list[str]], widths: list[int]) -> Iterator[str]:
    for k in range(max(len(cell) for cell in row)):
        yield " │ ".join((cell[k] if k < len(cell) else "").ljust(w) for cell, w in zip(row, widths, strict=True))
