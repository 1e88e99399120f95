"""CLI commands for FHIR R4: `b12pain fhir export FILE [--from --to]`, `b12pain fhir import FILE`.

Thin: each command builds the service `Context`, calls `service.fhir`, and prints what happened.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import typer

fhir_app = typer.Typer(
    help="FHIR R4: export the journal as a Bundle for a clinic; import a Bundle or Bulk NDJSON.",
    no_args_is_help=True,
)

JSON = typer.Option(False, "--json", help="Print the result as JSON.")
DATA_DIR = typer.Option(
    None, "--data-dir", help="Journal folder (default: B12PAIN_DATA_DIR or the user data folder)."
)


def register(app: typer.Typer) -> None:
    """Add this area's commands to the app."""
    app.add_typer(fhir_app, name="fhir")


def _session(data_dir: Path | None) -> Any:
    """The local journal's service context for now (closed when the block ends)."""
    from b12pain.service.context import local_session

    return local_session(dt.datetime.now().astimezone(), data_dir=data_dir)


def _working(what: str) -> Any:
    """A spinner on stderr while a long step runs (gone when it ends; silent when piped)."""
    from rich.console import Console

    return Console(stderr=True).status(f"{what}…")


@fhir_app.command("export")
def export(
    path: Path = typer.Argument(..., help="The FHIR Bundle JSON file to write."),
    start: str | None = typer.Option(None, "--from", help="First day (YYYY-MM-DD), inclusive."),
    end: str | None = typer.Option(None, "--to", help="Last day (YYYY-MM-DD), inclusive."),
    as_json: bool = JSON,
    data_dir: Path | None = DATA_DIR,
) -> None:
    """Export labs, pain, questionnaires, medicines, plans and doses as one FHIR R4 Bundle.

    Lab results follow the US Core laboratory result profile (LOINC, UCUM). The file is
    private to you (0600); give it to your clinic yourself.

    Example: b12pain fhir export for-my-gp.json --from 2026-09-01
    """
    from b12pain.cli.dates import parse_date
    from b12pain.paths import data_dir as default_dir
    from b12pain.privacy import check_export_target, write_private
    from b12pain.service import fhir

    first, last = parse_date(start, "--from"), parse_date(end, "--to")
    target = check_export_target(path, data_dir or default_dir())
    with _session(data_dir) as ctx, _working("Writing the FHIR Bundle"):
        text = fhir.export_bundle(ctx, first, last)
    write_private(target, text)
    count = len(json.loads(text)["entry"])
    if as_json:
        typer.echo(json.dumps({"exported": count, "file": str(target)}))
    else:
        typer.echo(f"Exported {count} FHIR resources to {target}.")


@fhir_app.command("import")
def import_(
    path: Path = typer.Argument(
        ..., help="A FHIR Bundle (.json), a Bulk NDJSON file, or a Bulk export folder."
    ),
    as_json: bool = JSON,
    data_dir: Path | None = DATA_DIR,
) -> None:
    """Import lab results, pain ratings, medicines and conditions from a FHIR file.

    Everything or nothing: a code or unit b12pain does not know is refused, naming the
    resource, the path and the allowed values, and nothing is saved.

    Example: b12pain fhir import clinic-results.json
    """
    from b12pain.service import fhir

    with _session(data_dir) as ctx, _working("Checking every resource before saving anything"):
        summary = fhir.import_fhir(ctx, path)
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "imported": summary.written,
                    "profile_updated": summary.profile_updated,
                    "not_imported": summary.skipped,
                }
            )
        )
    else:
        for line in fhir.summary_lines(summary):
            typer.echo(line)
