"""The journal's commands, registered on the app: `log …` and `history` (diary_cmds), `plan …`,
`log dose` and `today` (plan_cmds), and here `insights`, `export`, `import`, `backup`,
`delete-all`. `labs_add` serves the lead's `b12pain labs add`.

Thin: each command parses its arguments, makes one call into `b12pain.service`, and prints.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from b12pain.cli import plan_cmds
from b12pain.cli.dates import parse_date
from b12pain.cli.diary_cmds import delete, edit, history, labs_add, log_app, undo
from b12pain.cli.journal_common import AsJson, DataDir, Today, print_json, session, shown

__all__ = ["labs_add", "register"]


def register(app: typer.Typer) -> None:
    """Add this area's commands to the app."""
    app.add_typer(log_app, name="log")
    app.add_typer(plan_cmds.plan_app, name="plan")
    for command in (
        history,
        edit,
        delete,
        undo,
        insights,
        plan_cmds.today,
        export,
        import_,
        backup,
        delete_all,
    ):
        name = command.__name__.rstrip("_").replace("_", "-")
        app.command(name)(command)


def insights(
    on: Today = None,
    as_json: AsJson = False,
    data_dir: DataDir = None,
) -> None:
    """Trends, adherence, "is it helping?" and factor effects from your own entries.

    Example: b12pain insights --json
    """
    from b12pain.service import insights as use_case

    with session(data_dir, parse_date(on, "today")) as ctx:
        board = use_case.insights(ctx)
    if as_json:
        print_json({**board.as_dict(), "disclaimer": use_case.NOT_ADVICE})
        return
    _render_dashboard(board, use_case.NOT_ADVICE)


def _render_dashboard(board: Any, not_advice: str) -> None:
    typer.echo(f"Insights as of {board.today}")
    if board.recent_pain_mean is not None:
        typer.echo(
            f"Pain, last 30 days: average {board.recent_pain_mean:.1f}/10 over "
            f"{board.recent_pain_days} day(s) with entries."
        )
    else:
        typer.echo("Pain: no entries in the last 30 days.")
    if board.weekly_pain:
        weeks = ", ".join(f"{w}: {v:.1f}" for w, v in list(board.weekly_pain.items())[-4:])
        typer.echo(f"Weekly averages (week starting): {weeks}")
    adherence = board.adherence
    if adherence.percent is not None:
        typer.echo(
            f"Doses, last 30 days: {adherence.percent:.0f}% taken "
            f"({adherence.taken + adherence.late} of the {adherence.due} doses recorded)."
        )
    for test, results in board.labs.items():
        points = ", ".join(
            f"{r.day} {r.value:g} {r.unit}"
            + (
                f" (≈{r.reference_value:.4g} {r.reference_unit})"
                if r.unit != r.reference_unit
                else ""
            )
            for r in results[-5:]
        )
        typer.echo(f"{test}: {points}")
    if board.intake is None and board.foods_logged:
        typer.echo(
            "B12 from food: save a profile (b12pain log profile FILE) to compare your "
            "intake with the reference for your age."
        )
    if board.intake:
        intake = board.intake
        target = intake["target"]
        sources = "; ".join(
            f"{c['source']} §{c['section']} [{c['level']}]" if c.get("section") else c["source"]
            for c in target["citations"]
        )
        typer.echo(
            f"B12 from food, last 7 days: {intake['coverage']}. Reference: "
            f"{target['amount_ug']:g} µg a day ({target['measure']}, {target['life_stage']}) "
            f"[{sources}]."
        )
    typer.echo(f"Is it helping? {board.helping.message}")
    if board.helping.status == "estimated":
        typer.echo(f"  {board.helping.caveat}")
    for effect in board.factors:
        typer.echo(f"- {effect.message}")
    typer.echo(not_advice)


def export(
    path: Path | None = typer.Argument(None, help="The JSON file to write."),
    csv_dir: Path | None = typer.Option(
        None, "--csv", help="Instead: write one CSV file per diary kind into this folder."
    ),
    as_json: AsJson = False,
    data_dir: DataDir = None,
) -> None:
    """Export the whole journal as one JSON file (schema b12pain.journal/1), or as CSV files.

    Example: b12pain export my-journal.json
    Example: b12pain export --csv my-journal-csv
    """
    if csv_dir is not None or path is None:
        from b12pain.cli.report_cmds import export_csv_folder, one_target

        export_csv_folder(one_target(path, csv_dir, "export"), as_json, data_dir)
        return
    from b12pain.service import transfer
    from b12pain.service.context import local_data_folder

    with session(data_dir) as ctx:
        count = transfer.export_to_file(ctx, path, local_data_folder(data_dir))
    if as_json:
        print_json({"exported": count, "file": str(path)})
    else:
        typer.echo(f"Exported {count} entries to {shown(str(path))}.")


def import_(
    path: Path | None = typer.Argument(None, help="A JSON file written by `b12pain export`."),
    csv_dir: Path | None = typer.Option(
        None, "--csv", help="Instead: read the CSV files `export --csv` wrote in this folder."
    ),
    as_json: AsJson = False,
    data_dir: DataDir = None,
) -> None:
    """Import a journal export: every entry in one go, or nothing if any entry is invalid.

    Example: b12pain import my-journal.json
    Example: b12pain import --csv my-journal-csv
    """
    if csv_dir is not None or path is None:
        from b12pain.cli.report_cmds import import_csv_folder, one_target

        import_csv_folder(one_target(path, csv_dir, "import"), as_json, data_dir)
        return
    from rich.console import Console
    from rich.progress import Progress

    from b12pain.service import transfer

    with session(data_dir) as ctx, Progress(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("checking entries", total=None)

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        count = transfer.import_journal(ctx, path, advance)
    if as_json:
        print_json({"imported": count, "file": str(path)})
    else:
        typer.echo(f"Imported {count} entries from {shown(str(path))}.")


def backup(
    folder: Path | None = typer.Option(None, "--to", help="Folder (default: data dir/backups)."),
    as_json: AsJson = False,
    data_dir: DataDir = None,
) -> None:
    """Save a dated copy of the journal (SQLite file; a JSON export in server mode).

    Example: b12pain backup --to ~/Backups
    """
    from b12pain.service import transfer
    from b12pain.service.context import default_data_dir

    home = data_dir or default_data_dir()
    target_folder = folder or home / "backups"
    with session(data_dir) as ctx:
        path = transfer.backup_journal(ctx, target_folder, home)
    if as_json:
        print_json({"backup": str(path)})
    else:
        typer.echo(f"Backup written to {shown(str(path))}.")


def delete_all(
    yes: bool = typer.Option(False, "--yes", help="Confirm: delete every entry for good."),
    as_json: AsJson = False,
    data_dir: DataDir = None,
) -> None:
    """Delete every journal entry, and the backups in the data folder (consider `b12pain
    export` first). Needs --yes.

    Example: b12pain delete-all --yes
    """
    from b12pain.errors import InputError
    from b12pain.service import transfer
    from b12pain.service.context import local_data_folder

    if not yes:
        raise InputError.single("--yes", None, "add --yes to confirm deleting every entry")
    with session(data_dir) as ctx:
        done = transfer.delete_everything(ctx, local_data_folder(data_dir))
    if as_json:
        print_json(
            {
                "deleted": done.entries,
                "copies_deleted": [str(p) for p in done.copies],
                "copies_not_deleted": [str(p) for p in done.out_of_reach],
            }
        )
        return
    typer.echo(f"Deleted {done.entries} entries.")
    if done.copies:
        names = ", ".join(shown(p.name) for p in done.copies)
        typer.echo(f"Deleted {len(done.copies)} backup(s) and copies in the data folder: {names}.")
    if done.out_of_reach:
        typer.echo("Copies you saved elsewhere are still there (delete them yourself if you wish):")
        for path in done.out_of_reach:
            typer.echo(f"  {shown(str(path))}")
