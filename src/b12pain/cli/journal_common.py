"""What the journal's commands share: their options, opening the local service context, and
printing a result. Commands only parse arguments, call one use case and print.

Heavy imports (SQLAlchemy, pydantic models) happen inside the commands so `--help` stays fast.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from b12pain.service.context import Context

_DATA_DIR_HELP = "Journal folder (default: B12PAIN_DATA_DIR or the user data folder)."
_AT_HELP = (
    'When: "08:30" (today), "yesterday 08:30", "today 7pm", "2h ago", "30 min ago", '
    "or an ISO date-time (2026-11-24T08:30); default now."
)
_NOTE_HELP = "A free-text note on this entry."
_JSON_HELP = "Print the result as JSON."

#: The options every journal command shares, written once. Use them as annotations:
#: `note: Note = None, at: At = None, as_json: AsJson = False, data_dir: DataDir = None`.
DataDir = Annotated[Path | None, typer.Option("--data-dir", help=_DATA_DIR_HELP)]
At = Annotated[str | None, typer.Option("--at", help=_AT_HELP)]
Note = Annotated[str | None, typer.Option("--note", help=_NOTE_HELP)]
AsJson = Annotated[bool, typer.Option("--json", help=_JSON_HELP)]
PlanId = Annotated[
    str | None, typer.Option("--plan", help="Plan id (default: the latest plan still running).")
]
StartDay = Annotated[
    str | None, typer.Option("--start", help="First day (YYYY-MM-DD); default today.")
]
Today = Annotated[
    str | None, typer.Option("--today", help="Pretend today is this day (YYYY-MM-DD).")
]
FromDay = Annotated[str | None, typer.Option("--from", help="First day (YYYY-MM-DD).")]
ToDay = Annotated[str | None, typer.Option("--to", help="Last day (YYYY-MM-DD), inclusive.")]
Kinds = Annotated[
    str | None, typer.Option("--kind", help="Only these kinds, comma-separated, e.g. pain,dose.")
]

#: The same options as defaults, for commands written in that style (`data_dir: Path | None =
#: DATA_DIR`).
DATA_DIR = typer.Option(None, "--data-dir", help=_DATA_DIR_HELP)
AT = typer.Option(None, "--at", help=_AT_HELP)
NOTE = typer.Option(None, "--note", help=_NOTE_HELP)
JSON = typer.Option(False, "--json", help=_JSON_HELP)
#: `log pain -3` reaches the model (and its "0 to 10" message) instead of "No such option: -3".
NUMBERS_MAY_BE_NEGATIVE = {"ignore_unknown_options": True}


def now() -> dt.datetime:
    """The one clock read of a command: now, aware, in the person's own time zone."""
    return dt.datetime.now().astimezone().replace(microsecond=0)


@contextlib.contextmanager
def session(data_dir: Path | None, today: dt.date | None = None) -> Iterator[Context]:
    """The local journal's service context for this command (closed afterwards)."""
    from b12pain.service.context import local_session

    with local_session(now(), data_dir=data_dir, today=today) as ctx:
        yield ctx


def split(text: str | None) -> list[str]:
    """Comma-separated words typed on the command line, trimmed, empty ones dropped."""
    return [part.strip() for part in (text or "").split(",") if part.strip()]


def print_json(data: Any) -> None:
    """Print a JSON result (UTF-8 as is, dates as ISO text)."""
    typer.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def shown(text: str) -> str:
    """Text for the terminal: control characters people may have typed are made visible."""
    from b12pain.textsafe import plain_for_terminal

    return plain_for_terminal(text)


def confirm_saved(record: Any, as_json: bool) -> None:
    """`Saved pain entry 3f2a9c1e: pain 6/10 …`, or the saved record as JSON."""
    from b12pain.presentation.entries import describe

    if as_json:
        print_json({"saved": record.model_dump(mode="json")})
    else:
        typer.echo(f"Saved {record.kind} entry {record.uid[:8]}: {shown(describe(record))}")
