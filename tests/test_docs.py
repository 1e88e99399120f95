"""Docs are tested: every CLI command has help with an example, and is in the CLI reference."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import typer.main

from b12pain.cli.main import app

ROOT = Path(__file__).resolve().parents[1]


def _walk(command: Any, prefix: str = "") -> list[tuple[str, Any]]:
    found = []
    for name, sub in sorted(getattr(command, "commands", {}).items()):
        path = f"{prefix} {name}".strip()
        if getattr(sub, "commands", None):
            found += _walk(sub, path)
        else:
            found.append((path, sub))
    return found


COMMANDS = _walk(typer.main.get_command(app))


def test_there_are_commands() -> None:
    names = {name for name, _ in COMMANDS}
    assert {"assess", "check", "labs", "regimen", "sources", "explain"} <= names


@pytest.mark.parametrize(("name", "command"), COMMANDS, ids=[n for n, _ in COMMANDS])
def test_command_has_help_with_example(name: str, command: Any) -> None:
    help_text = command.help or ""
    assert len(help_text.strip()) > 20, f"`b12pain {name}` has no help"
    assert "Example:" in help_text, f"`b12pain {name}` help has no Example: line"


@pytest.mark.parametrize(("name", "command"), COMMANDS, ids=[n for n, _ in COMMANDS])
def test_command_is_in_cli_reference(name: str, command: Any) -> None:
    reference = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert f"b12pain {name}" in reference, f"`b12pain {name}` is missing from docs/cli.md"


def test_readme_has_the_two_commands_and_disclaimer() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make run" in readme and "make test" in readme
    assert "not medical advice" in readme.lower()


def test_readme_library_example_runs_and_prints_what_it_says(capsys) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    code = readme.split("```python\n", 1)[1].split("```", 1)[0]
    expected = code.strip().splitlines()[-1].split("#", 1)[1].strip()
    exec(compile(code, "README.md", "exec"), {})
    assert capsys.readouterr().out.strip() == expected
