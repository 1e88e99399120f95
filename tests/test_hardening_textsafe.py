"""Text people typed is shown as text: no Rich markup, no terminal escapes, no CSV formulas."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.console import Console
from rich.text import Text

from b12pain.textsafe import csv_cell, csv_row, for_terminal, plain_for_terminal

HOSTILE_NOTES = [
    "see [/] later",
    "[link=https://evil.example]click[/link]",
    "[bold red]shouting[/]",
    "[",
    "\\[escaped]",
    "\x1b[2J\x1b[Hcleared",
    "\x1b]0;new title\x07",
    "\x1b]8;;https://evil.example\x1b\\link\x1b]8;;\x1b\\",
    "over\rwrite",
    "back\x08\x08space",
    "\x9b31mC1 CSI",
    "bidi \u202eevil\u202c",
    "nul\x00byte",
]


def rendered(text: str) -> str:
    """What a terminal receives when `text` is printed through Rich."""
    console = Console(file=io.StringIO(), force_terminal=True, color_system="truecolor", width=200)
    console.print(text)
    return console.file.getvalue()  # type: ignore[attr-defined]


@pytest.mark.parametrize("note", HOSTILE_NOTES)
def test_hostile_notes_print_without_markup_or_escapes(note: str) -> None:
    output = rendered("note: " + for_terminal(note))
    # Rich adds its own style codes; none of the note's own control bytes survive.
    body = output.replace("\x1b[0m", "")
    for control in ("\x1b]", "\x1b[2J", "\x07", "\r", "\x08", "\x9b", "\x00", "\u202e"):
        assert control not in body
    assert "\x1b]8;" not in output  # no live hyperlink (OSC 8)


@pytest.mark.parametrize("note", ["see [/] later", "[link=x]y[/link]", "[b]bold[/b]", "a [ b ] c"])
def test_markup_is_shown_literally(note: str) -> None:
    assert Text.from_markup(for_terminal(note)).plain == note


@given(st.text(max_size=60))
def test_any_text_renders_and_keeps_printable_characters(text: str) -> None:
    safe = for_terminal(text)
    plain = Text.from_markup(safe).plain  # never a MarkupError
    # Rich doubles a trailing backslash so it cannot escape a tag that follows it.
    assert plain.rstrip("\\") == plain_for_terminal(text).rstrip("\\")
    for ch in text:
        if (
            ch.isprintable()
            and ch not in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
        ):
            assert ch in plain


def test_controls_are_shown_visibly() -> None:
    assert plain_for_terminal("a\x1bb") == "a\\x1bb"
    assert plain_for_terminal("tab\tand\nnewline") == "tab\tand\nnewline"
    assert plain_for_terminal("\u202e") == "\\u202e"


@pytest.mark.parametrize(
    "cell",
    ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx", "=1", "|cmd", "%0A"],
)
def test_formula_cells_are_neutralised(cell: str) -> None:
    assert csv_cell(cell) == "'" + cell
    buffer = io.StringIO()
    csv.writer(buffer).writerow(csv_row(["id", cell]))
    first = next(csv.reader(io.StringIO(buffer.getvalue())))
    assert first[1].startswith("'")


@pytest.mark.parametrize("value", [-3, -3.5, "-3.5", "+4", "1e5", "plain", "", None, 0])
def test_numbers_and_plain_text_are_kept(value: object) -> None:
    assert csv_cell(value) == value


@pytest.mark.parametrize(
    "note", ['=HYPERLINK("http://evil.example","click")', "+1+1", "@SUM(A1)", "-2+3"]
)
def test_csv_exports_neutralise_formulas_and_import_them_back_as_typed(
    note: str, tmp_path, monkeypatch, capsys
) -> None:
    import sys

    from b12pain.cli.errors import run_guarded
    from b12pain.cli.main import app

    def run(*args: str) -> int:
        monkeypatch.setattr(sys, "argv", ["b12pain", *args])
        code = run_guarded(app)
        capsys.readouterr()
        return code

    monkeypatch.setenv("B12PAIN_DATA_DIR", str(tmp_path / "one"))
    monkeypatch.delenv("B12PAIN_DATABASE_URL", raising=False)
    assert run("log", "pain", "5", "--note", note) == 0
    folder = tmp_path / "csv"
    assert run("export", "--csv", str(folder)) == 0
    rows = list(csv.reader(io.StringIO((folder / "pain.csv").read_text(encoding="utf-8"))))
    cells = [cell for row in rows[1:] for cell in row]
    assert "'" + note in cells and note not in cells  # no cell starts with the formula
    monkeypatch.setenv("B12PAIN_DATA_DIR", str(tmp_path / "two"))
    assert run("import", "--csv", str(folder)) == 0
    monkeypatch.setattr(sys, "argv", ["b12pain", "history", "--json"])
    assert run_guarded(app) == 0
    import json

    assert json.loads(capsys.readouterr().out)["entries"][0]["note"] == note  # lossless
