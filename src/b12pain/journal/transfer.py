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
from b12pain.journal.records import RECORD_TYPES, Entry
from b12pain.journal.store import Journal, parse_record
from b12pain.journal.tables import LOCAL_OWNER
from b12pain.userfiles import strict_type_problems

SCHEMA = "b12pain.journal/1"


def export_document(journal: Journal, *, owner: str = LOCAL_OWNER) -> dict[str, Any]:
    """All of `owner`'s journal as a JSON-ready dict: `{"schema", "entries": [...]}`."""
    return {
        "schema": SCHEMA,
        "entries": [record.model_dump(mode="json") for record in journal.entries(owner=owner)],
    }


def dumps(document: dict[str, Any]) -> str:
    """The canonical text of a document (sorted keys, two-space indent, UTF-8 as is)."""
    return json.dumps(document, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def export_file(journal: Journal, path: Path, *, owner: str = LOCAL_OWNER) -> int:
    """Write `owner`'s journal to `path`: a private (0600) file written atomically, so a crash
    leaves no half file."""
    return write_export(path, export_document(journal, owner=owner))


def write_export(path: Path, document: dict[str, Any]) -> int:
    """Write an export `document` to `path`: private (0600) and atomic, so a crash leaves no
    half file; `InputError` naming the file when it cannot be written. Returns how many entries
    it holds."""
    from b12pain.privacy import write_private

    if not path.parent.is_dir():
        raise InputError.single("file", str(path), "cannot be written: its folder does not exist")
    try:
        write_private(path, dumps(document))
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
    first_seen: dict[str, int] = {}  # uid -> index of the entry that has it
    for index, item in enumerate(raw):
        if progress is not None and index % 250 == 0:
            progress(index, len(raw))
        field = f"entries[{index}]"
        if not isinstance(item, dict):
            shown = item if isinstance(item, str | int | float | bool) else None
            problems.append(Problem(field, shown, "a record object with a kind"))
            continue
        kind_model = RECORD_TYPES.get(str(item.get("kind")))
        if kind_model is not None:  # `nrs: true` is not 1, as on the command line
            strict = strict_type_problems(kind_model, item, field) + _profile_problems(item, field)
            if strict:
                problems += strict
                continue
        uid = item.get("uid")
        if isinstance(uid, str) and uid in first_seen:
            problems.append(
                Problem(f"{field}.uid", uid, f"each id once; entries[{first_seen[uid]}] has it too")
            )
            continue
        if isinstance(uid, str):
            first_seen[uid] = index
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


def _profile_problems(item: dict[str, Any], field: str) -> list[Problem]:
    """A profile entry is checked as `log profile` checks it (`age: true`, a lab from 1066,
    `duration: 999999999y`, unknown symptom names), not only by its shape."""
    profile = item.get("profile")
    if item.get("kind") != "profile" or not isinstance(profile, dict):
        return []
    from b12pain.clinical.parse import parse_profile

    try:
        parse_profile(profile)
    except InputError as exc:
        return [Problem(f"{field}.profile.{p.field}", p.value, p.message) for p in exc.problems]
    return []


#: Largest export file read back (a decade of dense entries is about 20 MB).
MAX_IMPORT_BYTES = 256_000_000
#: Most JSON values in one export (a dense decade is about 2 million).
MAX_IMPORT_VALUES = 20_000_000


def read_document(path: Path) -> Any:
    """The JSON document in an export file (checked as any file a person gives: a regular
    file, UTF-8, bounded), or `InputError` on `file`."""
    from b12pain.userfiles import parse_user_text, read_user_text

    text = read_user_text(path, "file", max_bytes=MAX_IMPORT_BYTES)
    # Duplicate keys, 5,000-digit numbers, NaN and deep nesting refused as in any user file.
    return parse_user_text(text, path, "file", max_items=MAX_IMPORT_VALUES, as_json=True)


def import_file(
    journal: Journal,
    path: Path,
    progress: Progress | None = None,
    *,
    owner: str = LOCAL_OWNER,
) -> int:
    """Read an export file into `owner`'s journal: all records in one transaction, or none.
    (No dose rule here: the service layer checks plans before it imports.)"""
    return journal.add_many(parse_document(read_document(path), progress), owner=owner)


def backup(journal: Journal, folder: Path, now: dt.datetime, *, owner: str = LOCAL_OWNER) -> Path:
    """A dated private copy in a 0700 `folder`: the SQLite file itself (online backup) when
    `owner` is the store's only owner (the local journal), else `owner`'s JSON export (a store
    shared by several owners is never copied whole for one of them)."""
    from b12pain.privacy import private_dir, private_temporary

    try:
        private_dir(folder, tighten_existing=False)  # new: 0700; a chosen --to keeps its mode
    except OSError as exc:
        raise InputError.single("--to", str(folder), f"cannot be created: {exc.strerror}") from None
    stamp = now.strftime("%Y%m%dT%H%M%S")
    if journal.engine.dialect.name == "sqlite" and journal.owners() <= {owner}:
        import sqlite3

        target = folder / f"journal-{stamp}.sqlite"
        source = sqlite3.connect(str(journal.engine.url.database))
        try:  # a random, exclusively created temporary: a planted `.partial` link is not followed
            with private_temporary(target) as partial:
                copy = sqlite3.connect(str(partial))
                try:
                    with copy:
                        source.backup(copy)
                finally:
                    copy.close()
        finally:
            source.close()
        return target
    target = folder / f"journal-{stamp}.json"
    export_file(journal, target, owner=owner)
    return target
