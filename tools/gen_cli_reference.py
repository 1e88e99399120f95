"""Write docs/cli.md from the `b12pain` app itself, so the reference never drifts from the code.

Run: `.venv/bin/python tools/gen_cli_reference.py` (tests/test_docs.py fails when a command is missing).
"""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Any

import typer.main

from b12pain.cli.main import app

OUT = Path(__file__).resolve().parents[1] / "docs" / "cli.md"


def _commands(command: Any, prefix: str = "") -> list[tuple[str, Any]]:
    found = []
    for name, sub in sorted(getattr(command, "commands", {}).items()):
        path = f"{prefix} {name}".strip()
        if getattr(sub, "commands", None):
            found += _commands(sub, path)
        else:
            found.append((path, sub))
    return found


def _options(command: Any) -> list[str]:
    lines = []
    for param in command.params:
        names = ", ".join(getattr(param, "opts", []) or [param.name])
        kind = "argument" if param.param_type_name == "argument" else "option"
        help_text = (getattr(param, "help", "") or "").replace("\n", " ")
        lines.append(f"- `{names}` ({kind}) {help_text}".rstrip())
    return lines


def render() -> str:
    """The whole reference as Markdown."""
    parts = [
        "# CLI reference",
        "",
        "Generated from the code by `tools/gen_cli_reference.py`. Every command prints `--help`;",
        "bad input exits with status 2 and one line per problem (`field: value; what is allowed`).",
        "",
    ]
    for path, command in _commands(typer.main.get_command(app)):
        parts += [f"## `b12pain {path}`", "", inspect.cleandoc(command.help or ""), ""]
        options = _options(command)
        if options:
            parts += [*options, ""]
    return "\n".join(parts)


if __name__ == "__main__":
    OUT.write_text(render(), encoding="utf-8")
    print(f"wrote {OUT}")
