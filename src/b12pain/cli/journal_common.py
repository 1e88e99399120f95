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
from typing import TYPE_CHECKING, Any

import typer

if TYPE_CHECKING:
    from b12pain.service.context import Context

DATA_DIR = typer.Option(
    None, "--data-dir", help="Journal folder (default: B12PAIN_DATA_DIR or the user data folder)."
)
AT = typer.Option(None, "--at", help="When (ISO date-time, e.g. 2026-11-24T08:30); default now.")
NOTE = typer.Option(None, "--note", help="A free-text note on this entry.")
JSON = typer.Option(False, "--json", help="Print the result as JSON.")
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
