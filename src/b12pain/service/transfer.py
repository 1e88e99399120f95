"""Moving a whole journal: export, import (all or nothing, checked as strictly as the commands),
dated backups, and deleting everything (backups too). Scoped to `ctx.owner`.

An export carries the owner's saved preferences (`"preferences": {...}`, only when some were
saved) and an import restores them (checked first, as Settings checks them); a document without
the key (older exports) leaves the owner's preferences as they are.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from b12pain.errors import ConflictError, InputError, Problem
from b12pain.journal.preferences import delete_preferences, read_preferences
from b12pain.journal.records import DoseEvent, PlanEntry
from b12pain.journal.transfer import (
    SCHEMA,
    backup,
    export_document,
    parse_document,
    read_document,
)
from b12pain.service.context import Context
from b12pain.service.plans import check_imported_plans
from b12pain.service.preferences import (
    Preferences,
    get_preferences,
    parse_preferences,
)
from b12pain.service.when import FUTURE_SLACK

#: The JSON document of an export: `{"schema": "b12pain.journal/1", "entries": [...]}`, with
#: `"preferences": {...}` when the owner saved any.
ExportDocument = dict[str, Any]
Progress = Callable[[int, int], None]

__all__ = [
    "SCHEMA",
    "ExportDocument",
    "backup_journal",
    "delete_everything",
    "export_journal",
    "export_to_file",
    "import_document",
    "import_journal",
]


def export_journal(ctx: Context) -> ExportDocument:
    """All of `ctx.owner`'s entries, and their preferences when saved, as one JSON-ready
    document (deterministic)."""
    document = export_document(ctx.store, owner=ctx.owner)
    if read_preferences(ctx.store, owner=ctx.owner):
        document["preferences"] = get_preferences(ctx).model_dump(mode="json")
    return document


def export_to_file(ctx: Context, path: Path, data_folder: Path | None = None) -> int:
    """Write `ctx.owner`'s export to `path` (0600, atomic); refuses paths inside the data folder
    (an export there could overwrite the journal) and notes the copy, so `delete_everything`
    can name it. Returns how many entries were written."""
    from b12pain.privacy import check_export_target, note_copy

    if path.parent.is_dir():
        check_export_target(path, data_folder)
        if path.resolve() in _journal_files(ctx):  # a journal kept outside the data folder
            raise InputError.single(
                "file", str(path), "a new file name, not the journal itself or its side files"
            )
    count = _write_export(path, export_journal(ctx))
    if data_folder is not None:
        note_copy(data_folder, path)
    return count


def _write_export(path: Path, document: ExportDocument) -> int:
    """Write `document` to `path`: private (0600) and atomic, so a crash leaves no half file.
    Returns how many entries it holds."""
    from b12pain.journal.transfer import write_export

    return write_export(path, dict(document))


def _journal_files(ctx: Context) -> set[Path]:
    """The SQLite journal file of `ctx.store` and its side files (empty on PostgreSQL)."""
    from b12pain.privacy import SQLITE_SIDE_SUFFIXES

    database = ctx.store.engine.url.database
    if ctx.store.engine.dialect.name != "sqlite" or not database or database == ":memory:":
        return set()
    journal = Path(database).resolve()
    return {journal, *(journal.with_name(journal.name + s) for s in SQLITE_SIDE_SUFFIXES)}


def import_document(
    ctx: Context, document: Any, progress: Progress | None = None, *, comments_as_me: bool = False
) -> int:
    """Import an export document into `ctx.owner`'s journal: every record is validated as the
    commands would (plans through the same dose check as `plan start`), then all are written in
    one transaction, or none. With `comments_as_me` (a shared server) every comment is signed
    "me", whatever author the file names: a file cannot plant a comment in a clinician's name."""
    records = parse_document(document, progress)
    chosen = _imported_preferences(document)
    if comments_as_me:
        records = [_signed_by_me(r) for r in records]
    problems = _times_in_the_future(ctx, records)
    plans = [(i, r) for i, r in enumerate(records) if isinstance(r, PlanEntry)]
    problems += check_imported_plans(ctx.kb, plans)
    if problems:
        raise InputError(problems)
    clashes = ctx.store.stored_uids(r.uid for r in records)
    if clashes:
        raise ConflictError(
            [
                Problem(
                    f"entries[{i}].uid",
                    r.uid,
                    "refused: an entry with this id is already in the journal (imported "
                    "before?); nothing was imported",
                )
                for i, r in enumerate(records)
                if r.uid in clashes
            ]
        )
    # The document's preferences (when it carries them) replace the owner's in the same
    # transaction as the entries: all of it is imported, or none.
    values = chosen.model_dump(mode="json") if chosen is not None else None
    return ctx.store.add_many(records, owner=ctx.owner, preferences=values)


def _imported_preferences(document: dict[str, Any]) -> Preferences | None:
    """The preferences an export document carries (None without the key); `InputError` naming
    `preferences.FIELD`, the value and what is allowed when one is not."""
    values = document.get("preferences")
    if values is None:
        return None
    if not isinstance(values, dict):
        shown = values if isinstance(values, str | int | float | bool) else None
        raise InputError.single("preferences", shown, "an object of preferences, e.g. {}")
    try:
        return parse_preferences(values)
    except InputError as exc:
        problems = [Problem(f"preferences.{p.field}", p.value, p.message) for p in exc.problems]
        raise InputError(problems) from None


def _times_in_the_future(ctx: Context, records: list[Any]) -> list[Problem]:
    """Entries timed more than a day ahead, refused as `log` refuses them (a planned dose may)."""
    latest = ctx.now + FUTURE_SLACK
    return [
        Problem(
            f"entries[{i}].at",
            r.at.isoformat(),
            f"a time that has passed (now is {ctx.now:%Y-%m-%d %H:%M}); only a planned dose "
            "may lie ahead",
        )
        for i, r in enumerate(records)
        if r.at > latest and not (isinstance(r, DoseEvent) and r.status == "planned")
    ]


def _signed_by_me(record: Any) -> Any:
    """`record` with each of its comments' author set to "me" (the importing person)."""
    if not any(c.author != "me" for c in getattr(record, "comments", ())):
        return record
    mine = tuple(c.model_copy(update={"author": "me"}) for c in record.comments)
    return record.model_copy(update={"comments": mine})


def import_journal(ctx: Context, path: Path, progress: Progress | None = None) -> int:
    """Import an export file (see `import_document`)."""
    return import_document(ctx, read_document(path), progress)


def backup_journal(ctx: Context, folder: Path, data_folder: Path | None = None) -> Path:
    """A dated private copy of the journal in `folder` (0700), named by `ctx.now`; a copy outside
    `data_folder` is noted so `delete_everything` can name it."""
    from b12pain.privacy import note_copy

    path = backup(ctx.store, folder, ctx.now.replace(tzinfo=None), owner=ctx.owner)
    if data_folder is not None:
        note_copy(data_folder, path)
    return path


@dataclass(frozen=True)
class Deleted:
    """What `delete_everything` removed, and the copies it knows of but may not delete."""

    entries: int
    copies: tuple[Path, ...] = ()
    out_of_reach: tuple[Path, ...] = ()


def delete_everything(ctx: Context, data_folder: Path | None = None) -> Deleted:
    """Delete every entry, comment and preference of `ctx.owner`; with `data_folder` (the local
    store), also the backups and half-written copies b12pain made there. Copies the person put
    elsewhere (exports, `backup --to`) are named, not deleted."""
    from b12pain.privacy import delete_copies

    count = ctx.store.delete_all(owner=ctx.owner)
    delete_preferences(ctx.store, owner=ctx.owner)
    if data_folder is None:
        return Deleted(count)
    copies = delete_copies(data_folder)
    return Deleted(count, copies.deleted, copies.out_of_reach)
