"""Export and import of a whole journal as one JSON document (schema `b12pain.journal/1`).

The export is deterministic (records oldest first, keys sorted), so exporting, importing into an
empty store and exporting again gives the same bytes. Import validates everything first and then
writes everything in one transaction, or nothing.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from b12pain.errors import InputError, Problem
from b12pain.journal.records import Entry
from b12pain.journal.store import Journal, parse_record

SCHEMA = "b12pain.journal/1"


def export_document(journal: Journal) -> dict[str, Any]:
    """The whole journal as a JSON-ready dict: `{"schema", "entries": [...]}`."""
    return {
        "schema": SCHEMA,
        "entries": [record.model_dump(mode="json") for record in journal.entries()],
    }


def dumps(document: dict[str, Any]) -> str:
    """The canonical text of a document (sorted keys, two-space indent, UTF-8 as is)."""
    return json.dumps(document, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def export_file(journal: Journal, path: Path) -> int:
    """Write the journal to `path` (via a temporary file, so a crash leaves no half file)."""
    document = export_document(journal)
    partial = path.with_name(path.name + ".partial")
    try:
        partial.write_text(dumps(document), encoding="utf-8")
        partial.replace(path)
    except OSError as exc:
        raise InputError.single("file", str(path), f"cannot be written: {exc.strerror}") from None
    return len(document["entries"])


Progress = Callable[[int, int], None]


def parse_document(document: Any, progress: Progress | None = None) -> list[Entry]:
    """Validate an export document; every problem is reported (`entries[3].nrs` …).

    `progress(done, total)` is called as entries are checked (for a progress bar).
    """
    if not isinstance(document, dict):
        raise InputError.single("(document)", None, f'a JSON object with "schema": "{SCHEMA}"')
    if document.get("schema") != SCHEMA:
        raise InputError.single("schema", document.get("schema"), f"must be {SCHEMA}")
    raw = document.get("entries")
    if not isinstance(raw, list):
        raise InputError.single("entries", None, "a list of records")
    records: list[Entry] = []
    problems: list[Problem] = []
    for index, item in enumerate(raw):
        if progress is not None and index % 250 == 0:
            progress(index, len(raw))
        field = f"entries[{index}]"
        if not isinstance(item, dict):
            shown = item if isinstance(item, str | int | float | bool) else None
            problems.append(Problem(field, shown, "a record object with a kind"))
            continue
        try:
            records.append(parse_record(item, field=field))
        except InputError as exc:
            problems += [
                Problem(
                    p.field.replace(f"{field}.{item.get('kind')}.", f"{field}.", 1),
                    p.value,
                    p.message,
                )
                for p in exc.problems
            ]
    if problems:
        raise InputError(problems)
    if progress is not None:
        progress(len(raw), len(raw))
    return records


def import_file(journal: Journal, path: Path, progress: Progress | None = None) -> int:
    """Read an export file into the journal: all records in one transaction, or none."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError.single("file", str(path), "no such file") from None
    except IsADirectoryError:
        raise InputError.single("file", str(path), "is a folder, not an export file") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError.single("file", str(path), f"not a JSON export: {exc}") from None
    return journal.add_many(parse_document(document, progress))


def backup(journal: Journal, folder: Path, now: dt.datetime) -> Path:
    """A dated copy in `folder`: the SQLite file itself (online backup), else a JSON export."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError.single("--to", str(folder), f"cannot be created: {exc.strerror}") from None
    stamp = now.strftime("%Y%m%dT%H%M%S")
    if journal.engine.dialect.name == "sqlite":
        import sqlite3

        target = folder / f"journal-{stamp}.sqlite"
        partial = target.with_name(target.name + ".partial")
        source = sqlite3.connect(str(journal.engine.url.database))
        try:
            copy = sqlite3.connect(str(partial))
            with copy:
                source.backup(copy)
            copy.close()
        finally:
            source.close()
        partial.replace(target)
        return target
    target = folder / f"journal-{stamp}.json"
    export_file(journal, target)
    return target
