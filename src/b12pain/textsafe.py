"""Text people typed, made safe to show: in a terminal (Rich) and in a spreadsheet (CSV).

A note is data, never instructions to the screen. Without care, `see [/] later` breaks every
later `history` (Rich reads it as markup), `[link=…]` becomes a live hyperlink, and an ESC
sequence clears the screen or retitles the window. In a CSV file, a cell starting with `=`
becomes a formula when the file is opened in a spreadsheet.

- `for_terminal(text)`: control characters shown visibly, then Rich markup escaped; use for
  every piece of user text printed through Rich (`console.print`, tables, panels).
- `plain_for_terminal(text)`: control characters only, for text printed without Rich
  (`typer.echo`, `print`).
- `csv_cell(value)` / `csv_row(values)`: text cells that a spreadsheet would run as a formula get
  a leading apostrophe (OWASP's advice); numbers stay numbers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from rich.markup import escape

__all__ = [
    "csv_cell",
    "csv_row",
    "for_terminal",
    "plain_for_terminal",
]

# C0 controls except tab and newline, DEL, C1 controls (0x9b is a one-byte CSI), and the Unicode
# controls that reorder or hide text (bidi overrides and isolates, line/paragraph separators).
_CONTROL = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "|", "%")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def plain_for_terminal(text: Any) -> str:
    """`text` with control characters (ESC, CR, backspace, bidi overrides …) shown as `\\xNN`.

    Tabs and newlines are kept: they only move the cursor forward.
    """
    return _CONTROL.sub(_visible, str(text))


def for_terminal(text: Any) -> str:
    """`text` safe inside Rich output: control characters made visible and markup escaped."""
    return escape(plain_for_terminal(text))


def csv_cell(value: Any) -> Any:
    """`value` for a CSV cell: text a spreadsheet would treat as a formula gets a leading `'`.

    Numbers (and text that is just a number, such as `-3.5`) are kept as they are.
    """
    if not isinstance(value, str) or not value:
        return value
    if value.startswith(_FORMULA_START) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def csv_row(values: Iterable[Any]) -> list[Any]:
    """Every cell of a row through `csv_cell`."""
    return [csv_cell(value) for value in values]
