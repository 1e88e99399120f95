"""Moving a whole journal: export, import (all or nothing, checked as strictly as the commands),
dated backups, and deleting everything (backups too). Scoped to `ctx.owner`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from b12pain.errors import ConflictError, InputError, Problem
from b12pain.journal.preferences import delete_preferences
from b12pain.journal.records import DoseEvent, PlanEntry
from b12pain.journal.transfer import (
    SCHEMA,
    backup,
    export_document,
    export_file,
    parse_document,
    read_document,
)
from b12pain.service.context import Context
from b12pain.service.plans import check_imported_plans
from b12pain.service.when import FUTURE_SLACK

#: The JSON document of an export: `{"schema": "b12pain.journal/1", "entries": [...]}`.
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
    """All of `ctx.owner`'s entries as one JSON-ready document (deterministic)."""
    return export_document(ctx.store, owner=ctx.owner)


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
    count = export_file(ctx.store, path, owner=ctx.owner)
    if data_folder is not None:
        note_copy(data_folder, path)
    return count


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
    return ctx.store.add_many(records, owner=ctx.owner)


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
