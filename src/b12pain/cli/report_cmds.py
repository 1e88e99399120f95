"""Commands for what a person takes to the appointment: `report`, `plan ics`, and the CSV side
of `export --csv` / `import --csv` (those two options live on the journal's own commands and
call the functions here).

Thin: parse arguments, call `b12pain.service.reports`, write the files privately, print.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from b12pain.cli.dates import parse_date
from b12pain.cli.journal_common import AsJson, DataDir, print_json, session, shown

if TYPE_CHECKING:
    from b12pain.reports.model import Report

__all__ = ["export_csv_folder", "import_csv_folder", "one_target", "plan_ics", "register", "report"]


def register(app: typer.Typer) -> None:
    """Add `report` to the app and `ics` to the `plan` group."""
    from b12pain.cli.plan_cmds import plan_app

    app.command("report")(report)
    plan_app.command("ics")(plan_ics)


def report(
    start: str | None = typer.Option(
        None, "--from", help="First day (YYYY-MM-DD); default 90 days before --to."
    ),
    end: str | None = typer.Option(None, "--to", help="Last day (YYYY-MM-DD); default today."),
    pdf: Path | None = typer.Option(None, "--pdf", help="Write the report as PDF to this file."),
    html: Path | None = typer.Option(None, "--html", help="Write the report as HTML to this file."),
    since: str | None = typer.Option(
        None,
        "--since",
        help="Day of your last report: 'what changed' counts from it (default --from).",
    ),
    as_json: AsJson = False,
    data_dir: DataDir = None,
) -> None:
    """The report for your clinician: page 1 readable in a minute, details after (PDF and/or HTML).

    Page 1: red flags, B12 status with the latest results and the lab's range, questionnaire scores, your regimen with adherence and stock, pain before and after starting treatment, what changed, questions to discuss. Without --pdf or --html, page 1 is printed here.

    Example: b12pain report --from 2026-01-01 --to 2026-11-30 --pdf report.pdf
    """
    from rich.console import Console
    from rich.progress import Progress

    from b12pain.privacy import check_export_target, write_private
    from b12pain.service.reports import build_report, render_report

    first, last = parse_date(start, "from"), parse_date(end, "to")
    last_report = parse_date(since, "since")
    targets = {"--pdf": pdf, "--html": html}
    for field, target in targets.items():
        if target is not None:
            check_export_target(target, data_folder(data_dir), field)
    with (
        Progress(console=Console(stderr=True), transient=True, disable=as_json) as progress,
        session(data_dir) as ctx,
    ):
        task = progress.add_task("Building the report", total=2)
        built = build_report(ctx, first, last, last_report)
        progress.update(task, advance=1, description="Rendering")
        rendered = render_report(built, html=html is not None, pdf=pdf is not None)
        progress.update(task, advance=1)
    written = []
    if pdf is not None and rendered.pdf is not None:
        written.append(write_private(pdf, rendered.pdf))
    if html is not None and rendered.html is not None:
        written.append(write_private(html, rendered.html))
    remember_copies(written, data_dir)
    if as_json:
        print_json(
            {
                "from": built.start.isoformat(),
                "to": built.end.isoformat(),
                "red_flags": [f.title for f in built.red_flags],
                "b12_status": built.b12_status,
                "questions": list(built.questions),
                "files": [str(p) for p in written],
                "disclaimer": built.disclaimer,
            }
        )
        return
    if not written:
        _print_page_one(built)
    for path in written:
        typer.echo(f"Wrote {shown(str(path))}")
    typer.echo(built.disclaimer)


def _print_page_one(built: Report) -> None:
    """Page 1 as plain lines (the same layout the PDF and HTML use), then the sources its
    numbers point to."""
    from b12pain.reports.document import Bullets, Heading, Paragraph, Table, page_one

    shown_text: list[str] = []
    for block in page_one(built):
        if isinstance(block, Heading):
            lines = [f"\n{block.text.upper()}"]
        elif isinstance(block, Paragraph):
            lines = [block.text]
        elif isinstance(block, Bullets):
            lines = [f"  • {item}" for item in block.items]
        elif isinstance(block, Table):
            lines = ["  " + " | ".join(block.header)]
            lines += ["  " + " | ".join(row) for row in block.rows]
        else:
            lines = []
        shown_text += lines
        for line in lines:
            typer.echo(shown(line))
    cited = _numbers_in("\n".join(shown_text))
    if cited:
        typer.echo("\nSOURCES")
        for source in built.sources:
            if source.number in cited:
                typer.echo(shown(f"  [{source.number}] {source.text}"))


def _numbers_in(text: str) -> set[int]:
    """Citation numbers in text such as `[1, 4-7]`."""
    import re

    found: set[int] = set()
    for group in re.findall(r"\[([\d, -]+)\]", text):
        for part in group.split(","):
            low, _, high = part.strip().partition("-")
            if low.isdigit():
                found.update(range(int(low), int(high or low) + 1))
    return found


def plan_ics(
    path: Path = typer.Argument(..., help="The .ics file to write."),
    zone: str | None = typer.Option(
        None,
        "--zone",
        help="Your time zone (IANA name, e.g. Europe/London); default this computer's.",
    ),
    at: str = typer.Option("09:00", "--at", help="Reminder time for doses (HH:MM, your time)."),
    as_json: AsJson = False,
    data_dir: DataDir = None,
) -> None:
    """Write your supplement plans as a calendar file: doses with reminders, reviews and tests.

    Import it into your calendar app; importing a newer file updates the same events.

    Example: b12pain plan ics b12-plan.ics --zone Europe/London --at 08:30
    """
    from b12pain.errors import InputError
    from b12pain.privacy import check_export_target, write_private
    from b12pain.reports.calendar import local_zone_name
    from b12pain.service.reports import calendar

    try:
        reminder = dt.time.fromisoformat(at)
    except ValueError:
        raise InputError.single("at", at, "a time of day such as 09:00") from None
    check_export_target(path, data_folder(data_dir))
    with session(data_dir) as ctx:
        text = calendar(ctx, zone or local_zone_name(), reminder)
    write_private(path, text)
    remember_copies([path], data_dir)
    events = text.count(b"BEGIN:VEVENT")
    if as_json:
        print_json({"file": str(path), "events": events})
    else:
        typer.echo(f"Wrote {events} calendar events to {shown(str(path))}.")


def one_target(path: Path | None, csv_dir: Path | None, command: str) -> Path:
    """The CSV folder of `export --csv DIR` / `import --csv DIR`; a file and --csv together, or
    neither, is refused by field."""
    from b12pain.errors import InputError

    if csv_dir is None:
        raise InputError.single(
            "file", None, f"a JSON file, or --csv DIR (b12pain {command} --help)"
        )
    if path is not None:
        raise InputError.single("--csv", str(csv_dir), "either a JSON file or --csv DIR, not both")
    return csv_dir


def data_folder(data_dir: Path | None) -> Path | None:
    """The journal's folder (`--data-dir` or the default); None when the journal is a server."""
    from b12pain.service.context import default_data_dir

    if data_dir is None and os.environ.get("B12PAIN_DATABASE_URL"):
        return None
    return data_dir or Path(default_data_dir())


def check_csv_folder(folder: Path, data: Path | None) -> None:
    """Refuse a CSV export folder inside the data folder, or a path that is a file."""
    from b12pain.errors import InputError
    from b12pain.privacy import is_inside

    if data is not None and is_inside(folder, data):
        raise InputError.single(
            "--csv", str(folder), f"a folder outside b12pain's data folder ({data})"
        )
    if folder.exists() and not folder.is_dir():
        raise InputError.single("--csv", str(folder), "a folder (this is a file)")


def remember_copies(paths: list[Path], data_dir: Path | None) -> None:
    """Note copies of the person's data made outside the data folder, so `delete-all` names them."""
    from b12pain.privacy import note_copy

    data = data_folder(data_dir)
    if data is not None and data.is_dir():
        for path in paths:
            note_copy(data, path)


def export_csv_folder(folder: Path, as_json: bool, data_dir: Path | None) -> None:
    """`b12pain export --csv DIR`: the journal as one CSV file per diary kind in `folder`."""
    from b12pain.service.reports import export_csv

    check_csv_folder(folder, data_folder(data_dir))
    with session(data_dir) as ctx:
        written = export_csv(ctx, folder)
    remember_copies([folder], data_dir)
    if as_json:
        print_json({"folder": str(folder), "files": [p.name for p in written]})
    else:
        typer.echo(f"Wrote {len(written)} CSV files to {shown(str(folder))}.")


def import_csv_folder(folder: Path, as_json: bool, data_dir: Path | None) -> None:
    """`b12pain import --csv DIR`: every CSV file b12pain wrote, all or nothing."""
    from b12pain.service.reports import import_csv

    with session(data_dir) as ctx:
        count = import_csv(ctx, folder)
    if as_json:
        print_json({"imported": count, "folder": str(folder)})
    else:
        typer.echo(f"Imported {count} entries from {shown(str(folder))}.")
