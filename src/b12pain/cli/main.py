"""The `b12pain` command: one Typer app; each area adds its commands from its own module.

Modules register commands with `register(app)`. Keep imports at the top of those modules light
(typer, rich at most); import heavy libraries inside the command functions so `--help` stays fast.
"""

from __future__ import annotations

import sys
from difflib import get_close_matches
from typing import Any

import click
import typer
from typer.core import TyperGroup

from b12pain.cli import (
    assess_cmds,
    cohort_cmds,
    fhir_cmds,
    foods_cmds,
    journal_cmds,
    knowledge_cmds,
    preferences_cmds,
    questionnaire_cmds,
    report_cmds,
    serve_cmds,
    users_cmds,
)
from b12pain.cli.errors import run_guarded

#: Commands never offered as "Did you mean …?" for a typo: `b12pain delet` must not lead a
#: person one Enter away from erasing everything.
NEVER_SUGGESTED = frozenset({"delete-all"})


class _Commands(TyperGroup):
    """The top-level command group: suggests a close command for a typo, never a destructive one."""

    def resolve_command(self, ctx: click.Context, args: list[str]) -> Any:
        try:
            return click.Group.resolve_command(self, ctx, args)
        except click.UsageError as exc:
            if hasattr(exc, "possibilities"):  # click's own suggestions (click 8.4 and later)
                kept = [name for name in exc.possibilities or () if name not in NEVER_SUGGESTED]
                exc.possibilities = kept or None  # type: ignore[misc]
            elif args:
                offered = [name for name in self.commands if name not in NEVER_SUGGESTED]
                matches = get_close_matches(args[0], offered)
                if matches:
                    shown = ", ".join(repr(name) for name in matches)
                    exc.message = f"{exc.message.rstrip('.')}. Did you mean {shown}?"
            raise


app = typer.Typer(
    cls=_Commands,
    name="b12pain",
    help=(
        "Could low vitamin B12 be part of this pain? Cited self-check, blood-test reading, pain "
        "questionnaires, food intake, journal and population case-finding.\n\n"
        "Not medical advice: b12pain prepares a conversation with a clinician; it does not diagnose."
    ),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
)


@app.callback()
def main() -> None:
    """b12pain: cited B12 self-check, lab reading, pain questionnaires, intake, journal, cohorts."""


@app.command()
def version() -> None:
    """Show the b12pain and knowledge versions.

    Example: b12pain version
    """
    from b12pain import __version__
    from b12pain.knowledge import load

    typer.echo(f"b12pain {__version__} (knowledge {load().version})")


for module in (
    assess_cmds,
    knowledge_cmds,
    questionnaire_cmds,
    foods_cmds,
    journal_cmds,
    cohort_cmds,
    serve_cmds,
    fhir_cmds,
    report_cmds,
    users_cmds,
    preferences_cmds,
):
    module.register(app)


def run() -> None:
    """Console-script entry point: run the app, turning known errors into clean exits."""
    sys.exit(run_guarded(app))
