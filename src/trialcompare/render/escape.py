"""Neutralising text from descriptors before it goes into a spreadsheet, markdown or a terminal.

Labels, row names and cells come from YAML files written by others; they are data and must never become
a formula, markup or a terminal command.

* Spreadsheets (CSV, xlsx) — OWASP "CSV injection": a cell that begins with ``=``, ``+``, ``-``, ``@``, a tab
  or a carriage return is prefixed with a single quote, so that no spreadsheet evaluates it (``=HYPERLINK(...)``,
  ``=cmd|' /C calc'!A0``). A cell that is a plain number (``-3``, ``+0.5``, ``-1.2e3``) stays a number.
* Markdown — ``&``, ``<`` and ``>`` are escaped (no raw HTML), ``|`` is escaped (no extra columns), line breaks
  become ``<br>`` (the row stays one row), other control characters are shown escaped.
* Terminal — control characters (C0, DEL, C1: escape sequences that move the cursor, retitle the window, ...)
  and bidirectional overrides are shown as ``\\x1b``-style escapes instead of being sent to the terminal.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["FORMULA_START", "markdown_cell", "needs_quote", "row_label", "spreadsheet_cell", "terminal_text",
           "xlsx_cell"]

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$")
# C0 controls except none, DEL, C1 controls; bidi embedding/override/isolate marks (Trojan-source style text)
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
_SPACES = re.compile("[\t\n\r\v\f]")
_XLSX_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
_MD_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")


def spreadsheet_cell(value: Any) -> Any:
    """A cell value safe for CSV/xlsx: text that a spreadsheet would evaluate gets a leading single quote.

    Parameters
    ----------
    value : Any
        A cell; only strings are changed.

    Returns
    -------
    Any

    Examples
    --------
    >>> spreadsheet_cell("=HYPERLINK(\\"http://x\\")")
    '\\'=HYPERLINK("http://x")'
    >>> spreadsheet_cell("-0.25"), spreadsheet_cell("13 (39.4)")
    ('-0.25', '13 (39.4)')
    """
    if isinstance(value, str) and value.startswith(FORMULA_START) and not _NUMBER.match(value):
        return "'" + value
    return value


def needs_quote(value: Any) -> bool:
    """Whether a spreadsheet would read ``value`` as a formula (see :func:`spreadsheet_cell`).

    Parameters
    ----------
    value : object

    Returns
    -------
    bool
    """
    return isinstance(value, str) and value.startswith(FORMULA_START) and not _NUMBER.match(value)


def _escaped(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def terminal_text(value: Any) -> str:
    """Text with control characters and bidi overrides shown as escapes (``\\x1b``) rather than executed.

    Tabs and line breaks become spaces (a cell stays on its lines).

    Parameters
    ----------
    value : object

    Returns
    -------
    str

    Examples
    --------
    >>> terminal_text("red\\x1b[31m")
    'red\\\\x1b[31m'
    """
    return _CONTROL.sub(_escaped, _SPACES.sub(" ", str(value)))


def xlsx_cell(value: Any) -> Any:
    """A cell for openpyxl: control characters that xlsx cannot hold are shown escaped (``\\x1b``).

    Parameters
    ----------
    value : object

    Returns
    -------
    object
        A string escaped, any other value unchanged.
    """
    return _XLSX_ILLEGAL.sub(_escaped, value) if isinstance(value, str) else value


def markdown_cell(value: Any) -> str:
    """A markdown table cell: no raw HTML, no column break, no row break.

    Parameters
    ----------
    value : object

    Returns
    -------
    str

    Examples
    --------
    >>> markdown_cell("<b>a</b> | b\\nc")
    '&lt;b&gt;a&lt;/b&gt; \\\\| b<br>c'
    >>> markdown_cell("<10%"), markdown_cell(">=3"), markdown_cell("a < b & c")
    ('<10%', '>=3', 'a < b &amp; c')
    """
    text = _TAG_START.sub("&lt;", str(value).replace("&", "&amp;"))  # "<10%" stays: only a tag could be HTML
    text = text.replace(">", "&gt;") if "&lt;" in text else text
    text = text.replace("|", "\\|")
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "<br>")
    return _MD_CONTROL.sub(_escaped, text)


_TAG_START = re.compile(r"<(?=[A-Za-z/!?])")
"""A ``<`` that could open an HTML tag, comment or declaration (``<b``, ``</``, ``<!--``, ``<?``); "<10%" cannot."""

_FOOTNOTE_MARK = re.compile(r"\^[A-Za-z0-9*†‡§¶]+")


def row_label(label: str) -> str:
    """A row label as printed, without a footnote mark written ``^a`` (the footnote itself is not shown).

    Parameters
    ----------
    label : str

    Returns
    -------
    str

    Examples
    --------
    >>> row_label("Lung+bone+other lesions^a"), row_label("1st line MAPI^b")
    ('Lung+bone+other lesions', '1st line MAPI')
    """
    return _FOOTNOTE_MARK.sub("", label).strip()
