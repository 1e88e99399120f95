"""`b12pain preferences [show|set …]`: the unit B12 results are read in and how the food intake
target is chosen, the same preferences as the web app's Settings (`service.preferences`).

`set` changes only the options given and keeps the others; a value that is not allowed is
refused (exit 2) naming the option, the value and what is allowed, and nothing is saved.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from b12pain.cli.journal_common import DATA_DIR, JSON, print_json, session

preferences_app = typer.Typer(
    help="Your preferences: B12 unit, whose reference intake, pregnancy or breastfeeding.",
    invoke_without_command=True,
)

#: Each preference's command-line option, by its field name.
OPTIONS = {
    "b12_unit": "--b12-unit",
    "intake_region": "--intake-region",
    "intake_life_stage": "--intake-life-stage",
}
#: How each preference is read aloud.
LABELS = {
    "b12_unit": "Unit for B12 blood results",
    "intake_region": "Whose reference intake for food",
    "intake_life_stage": "Pregnancy or breastfeeding (intake target)",
}


def register(app: typer.Typer) -> None:
    """Add this area's commands to the app."""
    app.add_typer(preferences_app, name="preferences")


@preferences_app.callback()
def preferences_group(ctx: typer.Context) -> None:
    """Show or change your preferences (`b12pain preferences` alone shows them).

    Example: b12pain preferences set --b12-unit pmol/L
    """
    if ctx.invoked_subcommand is None:
        show(as_json=False, data_dir=None)


@preferences_app.command("show")
def show(as_json: bool = JSON, data_dir: Path | None = DATA_DIR) -> None:
    """Show your preferences (the defaults for any not set).

    Example: b12pain preferences show --json
    """
    from b12pain.service import preferences

    with session(data_dir) as ctx:
        chosen = preferences.get_preferences(ctx)
    _print(chosen.model_dump(mode="json"), as_json)


@preferences_app.command("set")
def set_(
    b12_unit: str | None = typer.Option(
        None, "--b12-unit", help='ng/L, pg/mL, pmol/L or ng/mL; "" to be asked each time.'
    ),
    intake_region: str | None = typer.Option(
        None, "--intake-region", help="us (NIH ODS RDA/AI) or eu (EFSA AI)."
    ),
    intake_life_stage: str | None = typer.Option(
        None,
        "--intake-life-stage",
        help="from_profile (your self-check answers), pregnancy, breastfeeding or neither.",
    ),
    as_json: bool = JSON,
    data_dir: Path | None = DATA_DIR,
) -> None:
    """Change the preferences given; the others stay as they are.

    Example: b12pain preferences set --b12-unit pmol/L --intake-region eu
    """
    from b12pain.errors import InputError, Problem
    from b12pain.service import preferences

    given = {
        "b12_unit": b12_unit,
        "intake_region": intake_region,
        "intake_life_stage": intake_life_stage,
    }
    changes: dict[str, Any] = {k: v for k, v in given.items() if v is not None}
    if not changes:
        raise InputError.single(
            "preferences", None, f"at least one of {', '.join(OPTIONS.values())}"
        )
    if changes.get("b12_unit") == "":
        changes["b12_unit"] = None  # asked each time, as Settings' "Ask each time"
    with session(data_dir) as ctx:
        current = preferences.get_preferences(ctx).model_dump(mode="json")
        try:
            chosen = preferences.save_preferences(ctx, {**current, **changes})
        except InputError as exc:  # named as the options people typed
            raise InputError(
                [Problem(OPTIONS.get(p.field, p.field), p.value, p.message) for p in exc.problems]
            ) from None
    _print(chosen.model_dump(mode="json"), as_json)


def _print(values: dict[str, Any], as_json: bool) -> None:
    if as_json:
        print_json(values)
        return
    for field, label in LABELS.items():
        value = values[field]
        typer.echo(f"{label}: {'ask each time' if value is None else value} ({OPTIONS[field]})")
