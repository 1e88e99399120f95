"""Text people typed reaches the terminal as text (issue 12).

`log pain 5 --note "see [/] later"` once broke `history` for good (Rich MarkupError, "bug"); an
ESC sequence in a note cleared the screen; `[link=…]` became a live hyperlink. Every place a
note, comment, activity or other typed text is echoed is driven here with hostile text.
"""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from b12pain.cli.errors import run_guarded
from b12pain.cli.main import app


def cli(monkeypatch, capsys, *args: str) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "argv", ["b12pain", *args])
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    code = run_guarded(app)
    out = capsys.readouterr()
    return code, out.out, out.err


#: (typed text, what must be shown literally)
HOSTILE = {
    "unbalanced markup": ("see [/] later", "see [/] later"),
    "live link": ("[link=https://evil.example]click[/link]", "[link=https://evil.example]"),
    "style": ("[bold red]loud[/bold red]", "[bold red]loud"),
    "clear screen": ("\x1b[2J\x1b[Hcleared", "cleared"),
    "window title": ("\x1b]0;owned\x07title", "title"),
    "OSC 8 link": ("\x1b]8;;https://evil.example\x1b\\x\x1b]8;;\x1b\\", "x"),
    "carriage return": ("all fine\rlies", "lies"),
    "C1 CSI": ("\x9b2Jc1", "c1"),
    "bidi override": ("abc\u202edcba", "dcba"),
}
RAW_CONTROLS = ("\x1b", "\x07", "\r", "\x9b", "\u202e")


def assert_safe(code: int, out: str, err: str, shown: str) -> None:
    assert code == 0, err
    assert "bug in b12pain" not in err and "MarkupError" not in err
    for control in RAW_CONTROLS:
        assert control not in out, repr(out)
    assert shown in out, out


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_a_hostile_note_never_breaks_or_drives_history(
    name: str, data_dir: Path, monkeypatch, capsys
) -> None:
    typed, shown = HOSTILE[name]
    code, out, err = cli(monkeypatch, capsys, "log", "pain", "5", "--note", typed)
    assert code == 0, err
    for control in RAW_CONTROLS:
        assert control not in out
    code, out, err = cli(monkeypatch, capsys, "history", "--all")  # every entry, with its note
    assert_safe(code, out, err, shown)
    code, out, err = cli(monkeypatch, capsys, "history", "--json")  # JSON keeps the text exact
    assert code == 0 and json.loads(out)["entries"][0]["note"] == typed


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_a_hostile_activity_is_echoed_safely(
    name: str, data_dir: Path, monkeypatch, capsys
) -> None:
    typed, shown = HOSTILE[name]
    code, out, err = cli(monkeypatch, capsys, "log", "exercise", "30", "--kind", typed)
    assert_safe(code, out, err, shown)
    code, out, err = cli(monkeypatch, capsys, "history", "--all")
    assert_safe(code, out, err, shown)


@pytest.mark.parametrize("name", ["clear screen", "window title", "unbalanced markup"])
def test_a_hostile_comment_and_author_are_echoed_safely(
    name: str, data_dir: Path, monkeypatch, capsys
) -> None:
    typed, _shown = HOSTILE[name]
    code, out, _ = cli(monkeypatch, capsys, "log", "pain", "5", "--json")
    uid = json.loads(out)["saved"]["uid"]
    code, out, err = cli(monkeypatch, capsys, "log", "comment", uid, typed, "--author", typed)
    assert code == 0, err
    for control in RAW_CONTROLS:
        assert control not in out
    code, out, err = cli(monkeypatch, capsys, "history", "--all")
    assert code == 0 and "bug in b12pain" not in err
    for control in RAW_CONTROLS:
        assert control not in out


@pytest.mark.parametrize("name", ["clear screen", "window title", "C1 CSI"])
def test_refused_values_are_echoed_without_control_characters(
    name: str, data_dir: Path, monkeypatch, capsys
) -> None:
    typed, _ = HOSTILE[name]
    code, _out, err = cli(monkeypatch, capsys, "log", "symptoms", typed)
    assert code == 2
    for control in RAW_CONTROLS:
        assert control not in err, repr(err)
