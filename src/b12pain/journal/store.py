"""The journal store: the one door through which records are written and read.

Every write is one transaction (an entry row and its detail row commit together or not at all).
Records go in and come out as the pydantic models of `records.py`; bad input raises `InputError`
before anything is written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from pydantic import TypeAdapter, ValidationError

from b12pain.errors import InputError, problems_from_pydantic
from b12pain.journal import tables as t
from b12pain.journal._db import journal_url, make_engine
from b12pain.journal.migrate import ensure_current
from b12pain.journal.records import (
    KINDS,
    RECORD_TYPES,
    STORED,
    Comment,
    DoseEvent,
    Entry,
    PlanEntry,
    ProfileEntry,
    Record,
    StockCount,
)

_COMMON = {"uid", "at", "note", "comments", "kind"}
_RENAMES: dict[str, dict[str, str]] = {
    "sleep": {"hours": "amount"},
    "exercise": {"minutes": "amount"},
    "stress": {"level": "amount"},
    "mood": {"level": "amount"},
}
_RECORD_ADAPTER: TypeAdapter[Entry] = TypeAdapter(Record)


def parse_record(data: dict[str, Any], field: str = "") -> Entry:
    """Validate one record (a dict with `kind`); `InputError` naming each bad field otherwise."""
    try:
        return _RECORD_ADAPTER.validate_python(data)
    except ValidationError as exc:
        kind = data.get("kind") if isinstance(data, dict) else None
        problems = [  # dates and times shown as typed (2026-11-24), not as Python objects
            type(p)(p.field, p.value.isoformat(), p.message) if isinstance(p.value, dt.date) else p
            for p in problems_from_pydantic(exc, prefix=field)
        ]
        if kind in RECORD_TYPES:  # drop the union's "kind" prefix from paths (`pain.nrs` → `nrs`)
            problems = [
                type(p)(p.field.replace(f"{kind}.", "", 1), p.value, p.message) for p in problems
            ]
        raise InputError(problems) from None


def make_record(kind: str, **fields: Any) -> Entry:
    """Build a record of `kind` from keyword fields, validated (`InputError` if anything is off)."""
    if kind not in RECORD_TYPES:
        raise InputError.single("kind", kind, f"one of {', '.join(KINDS)}")
    return parse_record({"kind": kind, **{k: v for k, v in fields.items() if v is not None}})


def to_utc(at: dt.datetime) -> tuple[dt.datetime, int]:
    """Split an aware time into naive UTC (as stored) and the offset in minutes (kept)."""
    offset = at.utcoffset()
    assert offset is not None  # records only accept aware times
    return at.astimezone(dt.UTC).replace(tzinfo=None), int(offset.total_seconds() // 60)


def from_utc(recorded_at: dt.datetime, offset_minutes: int) -> dt.datetime:
    """The entry's own local time, rebuilt from stored UTC and offset."""
    zone = dt.timezone(dt.timedelta(minutes=offset_minutes))
    return recorded_at.replace(tzinfo=dt.UTC).astimezone(zone)


class Journal:
    """One person's journal on SQLite or PostgreSQL; open with `Journal.open()`."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine
        self._writer = engine.execution_options(journal_write=True)

    @classmethod
    def open(cls, url: str | None = None, data_dir: Path | None = None) -> Journal:
        """Open (and create or migrate) the journal at `url`, or the default location.

        Default: `B12PAIN_DATABASE_URL` if set, else `journal.sqlite` in the data directory.
        """
        engine = make_engine(url or journal_url(data_dir))
        try:
            ensure_current(engine)
        except sa.exc.DBAPIError as exc:  # unreachable server, a file that is not a journal …
            engine.dispose()
            reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
            shown = engine.url.render_as_string(hide_password=True)
            raise InputError.single(
                "journal", shown, f"cannot be opened ({reason}); check the path or server"
            ) from None
        return cls(engine)

    def close(self) -> None:
        """Release connections (the file stays as it is)."""
        self.engine.dispose()

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def url(self) -> str:
        """Where this journal lives (password hidden)."""
        return self.engine.url.render_as_string(hide_password=True)

    # writing ---------------------------------------------------------------------------

    def add(self, record: Entry) -> Entry:
        """Store one record (and its comments) in one transaction; returns it."""
        self.add_many([record])
        return record

    def add_many(self, records: Iterable[Entry]) -> int:
        """Store many records in ONE transaction: all of them or none. Returns how many."""
        batch = list(records)
        try:
            with self._writer.begin() as conn:
                self._insert(conn, batch)
        except sa.exc.IntegrityError as exc:
            reason = str(exc.orig).splitlines()[0]
            if "uid" in reason:
                reason = "an entry with the same id is already in the journal (imported before?)"
            raise InputError.single(
                "(record)", None, f"refused by the journal's rules, nothing saved: {reason}"
            ) from None
        return len(batch)

    def comment(self, entry_uid: str, text: str, at: dt.datetime, author: str = "me") -> Comment:
        """Add a comment to an existing entry (the person's own note, or a clinician's)."""
        try:
            comment = Comment(at=at, author=author, text=text)
        except ValidationError as exc:
            raise InputError(problems_from_pydantic(exc)) from None
        with self._writer.begin() as conn:
            entry_id = self._entry_id(conn, entry_uid)
            self._insert_comments(conn, [(entry_id, comment)])
        return comment

    def delete_all(self) -> int:
        """Delete every record and comment (the schema stays). Returns how many entries went.

        On SQLite (`secure_delete` on) the write-ahead log is then checkpointed and truncated, so
        deleted entries linger neither in free pages nor in the log.
        """
        with self._writer.begin() as conn:
            count = conn.execute(sa.select(sa.func.count()).select_from(t.EntryRow)).scalar_one()
            for table in reversed(t.Base.metadata.sorted_tables):
                conn.execute(table.delete())
        if self.engine.dialect.name == "sqlite":
            with self.engine.connect() as conn:  # outside a transaction
                raw = conn.connection.dbapi_connection
                assert raw is not None
                raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return int(count)

    def _entry_id(self, conn: sa.Connection, uid: str) -> int:
        found = conn.execute(sa.select(t.EntryRow.id).where(t.EntryRow.uid == uid)).scalar()
        if found is None:
            raise InputError.single("entry", uid, "no entry with this id in the journal")
        return int(found)

    def _insert(self, conn: sa.Connection, batch: Sequence[Entry]) -> None:
        if not batch:
            return
        entries = t.Base.metadata.tables["entries"]
        rows = []
        for record in batch:
            recorded_at, offset = to_utc(record.at)
            rows.append(
                {
                    "uid": record.uid,
                    "kind": record.kind,  # type: ignore[attr-defined]
                    "recorded_at": recorded_at,
                    "utc_offset_minutes": offset,
                    "note": record.note,
                }
            )
        result = conn.execute(
            sa.insert(entries).returning(entries.c.id, sort_by_parameter_order=True), rows
        )
        ids = [row[0] for row in result]
        plan_ids = self._plan_ids(conn, batch, ids)
        versions = self._next_profile_version(conn)
        details: dict[sa.Table, list[dict[str, Any]]] = {}
        comments: list[tuple[int, Comment]] = []
        for entry_id, record in zip(ids, batch, strict=True):
            values = _detail_values(record)
            values["entry_id"] = entry_id
            if isinstance(record, ProfileEntry):
                values["version"] = versions
                versions += 1
            elif isinstance(record, DoseEvent | StockCount):
                values["plan_id"] = plan_ids.get(record.plan_uid) if record.plan_uid else None
            table = t.DETAIL_TABLES[record.kind].__table__  # type: ignore[attr-defined]
            row = {column.name: values.get(column.name) for column in table.columns}
            details.setdefault(table, []).append(row)  # type: ignore[arg-type]
            comments += [(entry_id, c) for c in record.comments]
        for table in t.Base.metadata.sorted_tables:  # plans before the doses that refer to them
            if table in details:
                conn.execute(sa.insert(table), details[table])
        self._insert_comments(conn, comments)

    def _plan_ids(
        self, conn: sa.Connection, batch: Sequence[Entry], ids: list[int]
    ) -> dict[str, int]:
        wanted = {r.plan_uid for r in batch if isinstance(r, DoseEvent | StockCount) and r.plan_uid}
        if not wanted:
            return {}
        found = {r.uid: i for r, i in zip(batch, ids, strict=True) if isinstance(r, PlanEntry)}
        missing = wanted - found.keys()
        if missing:
            query = sa.select(t.EntryRow.uid, t.EntryRow.id).where(
                t.EntryRow.uid.in_(missing), t.EntryRow.kind == "plan"
            )
            found.update({uid: entry_id for uid, entry_id in conn.execute(query)})
        unknown = wanted - found.keys()
        if unknown:
            raise InputError.single(
                "plan_uid", sorted(unknown)[0], "no supplement plan with this id in the journal"
            )
        return found

    def _next_profile_version(self, conn: sa.Connection) -> int:
        latest = conn.execute(sa.select(sa.func.max(t.ProfileVersionRow.version))).scalar()
        return int(latest or 0) + 1

    def _insert_comments(self, conn: sa.Connection, items: list[tuple[int, Comment]]) -> None:
        if not items:
            return
        rows = []
        for entry_id, comment in items:
            recorded_at, offset = to_utc(comment.at)
            rows.append(
                {
                    "uid": comment.uid,
                    "entry_id": entry_id,
                    "recorded_at": recorded_at,
                    "utc_offset_minutes": offset,
                    "author": comment.author,
                    "text": comment.text,
                }
            )
        conn.execute(sa.insert(t.Base.metadata.tables["comments"]), rows)

    # reading ---------------------------------------------------------------------------

    def entries(
        self,
        kinds: Iterable[str] | None = None,
        start: dt.datetime | None = None,
        end: dt.datetime | None = None,
    ) -> list[Entry]:
        """Records (with comments), oldest first; optionally only `kinds`, in [start, end)."""
        wanted = list(kinds) if kinds is not None else list(KINDS)
        unknown = [k for k in wanted if k not in RECORD_TYPES]
        if unknown:
            raise InputError.single("kind", unknown[0], f"one of {', '.join(KINDS)}")
        found: list[tuple[dt.datetime, int, Entry]] = []
        with self.engine.connect() as conn:
            comments = self._comments(conn)
            for kind in wanted:
                found += self._read_kind(conn, kind, start, end, comments)
        found.sort(key=lambda item: (item[0], item[1]))  # time, then the order written
        return [record for _, _, record in found]

    def get(self, uid: str) -> Entry:
        """One record by its uid; `InputError` when there is none."""
        with self.engine.connect() as conn:
            kind = conn.execute(sa.select(t.EntryRow.kind).where(t.EntryRow.uid == uid)).scalar()
            if kind is None:
                raise InputError.single("entry", uid, "no entry with this id in the journal")
            for _, _, record in self._read_kind(conn, kind, None, None, self._comments(conn)):
                if record.uid == uid:
                    return record
        raise AssertionError("entry vanished while reading")  # pragma: no cover

    def resolve(self, prefix: str) -> str:
        """The full uid of the one entry whose uid starts with `prefix` (as shown: 8 characters)."""
        cleaned = prefix.strip().lower()
        if not cleaned or any(c not in "0123456789abcdef" for c in cleaned):
            raise InputError.single("entry", prefix, "an entry id (hexadecimal, from `history`)")
        with self.engine.connect() as conn:
            found = (
                conn.execute(
                    sa.select(t.EntryRow.uid).where(t.EntryRow.uid.startswith(cleaned)).limit(2)
                )
                .scalars()
                .all()
            )
        if len(found) != 1:
            reason = "no entry with this id" if not found else "several entries match; give more"
            raise InputError.single("entry", prefix, reason)
        return str(found[0])

    def profile_history(self) -> list[ProfileEntry]:
        """Every saved profile version, oldest first (the last one is current)."""
        return [r for r in self.entries(["profile"]) if isinstance(r, ProfileEntry)]

    def current_profile(self) -> ProfileEntry | None:
        """The newest profile version, or None."""
        history = self.profile_history()
        return history[-1] if history else None

    def plans(self) -> list[PlanEntry]:
        """Every supplement plan, oldest first."""
        return [r for r in self.entries(["plan"]) if isinstance(r, PlanEntry)]

    def counts(self) -> dict[str, int]:
        """How many entries of each kind (kinds with none are left out), plus comments."""
        with self.engine.connect() as conn:
            query = sa.select(t.EntryRow.kind, sa.func.count()).group_by(t.EntryRow.kind)
            counts = {kind: int(n) for kind, n in conn.execute(query)}
            comments = conn.execute(
                sa.select(sa.func.count()).select_from(t.CommentRow)
            ).scalar_one()
        if comments:
            counts["comments"] = int(comments)
        return dict(sorted(counts.items()))

    def _comments(self, conn: sa.Connection) -> dict[int, list[Comment]]:
        grouped: dict[int, list[Comment]] = {}
        table = t.CommentRow.__table__
        for row in conn.execute(sa.select(table).order_by(table.c.recorded_at, table.c.uid)):
            grouped.setdefault(row.entry_id, []).append(
                Comment(
                    uid=row.uid,
                    at=from_utc(row.recorded_at, row.utc_offset_minutes),
                    author=row.author,
                    text=row.text,
                )
            )
        return grouped

    def _read_kind(
        self,
        conn: sa.Connection,
        kind: str,
        start: dt.datetime | None,
        end: dt.datetime | None,
        comments: dict[int, list[Comment]],
    ) -> list[tuple[dt.datetime, int, Entry]]:
        entries = t.EntryRow.__table__
        detail = t.DETAIL_TABLES[kind].__table__
        columns = [entries.c.id, entries.c.uid, entries.c.recorded_at]
        columns += [entries.c.utc_offset_minutes, entries.c.note]
        columns += [c for c in detail.c if c.name != "entry_id"]
        query = sa.select(*columns).join(detail, detail.c.entry_id == entries.c.id)
        query = query.where(entries.c.kind == kind)
        if kind in ("dose", "stock"):
            plan = entries.alias("plan_entry")
            query = query.add_columns(plan.c.uid.label("plan_uid")).outerjoin(
                plan, plan.c.id == detail.c.plan_id
            )
        if start is not None:
            query = query.where(entries.c.recorded_at >= to_utc(start)[0])
        if end is not None:
            query = query.where(entries.c.recorded_at < to_utc(end)[0])
        model = RECORD_TYPES[kind]
        renames = {column: field for field, column in _RENAMES.get(kind, {}).items()}
        found = []
        for row in conn.execute(query).mappings():
            fields: dict[str, Any] = {}
            for name, value in row.items():
                name = renames.get(name, name)
                if name in model.model_fields and value is not None:
                    fields[name] = value
            fields["at"] = from_utc(row["recorded_at"], row["utc_offset_minutes"])
            fields["comments"] = comments.get(row["id"], [])
            fields["kind"] = kind
            found.append(
                (row["recorded_at"], row["id"], model.model_validate(fields, context=STORED))
            )
        return found


def _detail_values(record: Entry) -> dict[str, Any]:
    kind: str = record.kind  # type: ignore[attr-defined]
    values = record.model_dump(exclude=_COMMON | {"plan_uid"})
    for field, column in _RENAMES.get(kind, {}).items():
        values[column] = values.pop(field)
    if kind in _RENAMES:
        values["factor"] = kind
    if kind == "plan":  # dated steps go to a JSON column: ISO dates, NULL when there are none
        steps = getattr(record, "schedule", ())
        values["schedule"] = [step.model_dump(mode="json") for step in steps] or None
    return {k: list(v) if isinstance(v, tuple) else v for k, v in values.items()}
