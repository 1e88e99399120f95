"""The journal store: the one door through which records are written and read.

Every write is one transaction (an entry row and its detail row commit together or not at all).
Records go in and come out as the pydantic models of `records.py`; bad input raises `InputError`
before anything is written.

Every row belongs to an owner, and every read and write takes one (`owner=`): a row of another
owner is never read, changed or referred to (it is simply "not found"). A local, single-person
store has one implicit owner, `LOCAL_OWNER`; the service layer always passes its context's owner.
Reads cost what they return: comments are loaded for the entries asked for only, `get` reads one
entry, and the current profile is one indexed query.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from pydantic import TypeAdapter, ValidationError

from b12pain.errors import ConflictError, InputError, NotFoundError, problems_from_pydantic
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
    entry_as,
)
from b12pain.journal.tables import LOCAL_OWNER

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
    if offset is None:  # records only accept aware times; a naive one here is a caller's bug
        raise ValueError(f"an aware time is needed, not {at.isoformat()}")
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

    def add(self, record: Entry, *, owner: str = LOCAL_OWNER) -> Entry:
        """Store one record (and its comments) for `owner` in one transaction; returns it."""
        self.add_many([record], owner=owner)
        return record

    def add_many(
        self,
        records: Iterable[Entry],
        *,
        owner: str = LOCAL_OWNER,
        preferences: Mapping[str, Any] | None = None,
    ) -> int:
        """Store many records for `owner` in ONE transaction: all of them or none. With
        `preferences` (an import that carries them), the owner's preferences are replaced in
        the same transaction."""
        batch = list(records)
        with self._writing(), self._writer.begin() as conn:
            self._insert(conn, batch, owner)
            if preferences is not None:
                replace_preferences(conn, preferences, owner=owner)
        return len(batch)

    def stop_plan(
        self,
        uid: str,
        stopped_on: dt.date,
        *,
        owner: str = LOCAL_OWNER,
        then_add: Sequence[Entry] = (),
    ) -> None:
        """Mark `owner`'s plan `uid` stopped from `stopped_on` (and add `then_add`, e.g. the plan
        that replaces it) in ONE transaction. `ConflictError` if it has already stopped."""
        plans = t.Base.metadata.tables["supplement_plans"]
        with self._writing(), self._writer.begin() as conn:
            entry_id = self._entry_id(conn, uid, owner, kind="plan")
            row = conn.execute(
                sa.select(plans.c.starts_on, plans.c.stopped_on).where(plans.c.entry_id == entry_id)
            ).one()
            if row.stopped_on is not None:
                raise ConflictError.single(
                    "plan", uid[:8], f"stopped already, from {row.stopped_on}"
                )
            if stopped_on < row.starts_on:
                raise InputError.single(
                    "stopped_on",
                    stopped_on.isoformat(),
                    f"on or after the plan's first day ({row.starts_on})",
                )
            conn.execute(
                plans.update().where(plans.c.entry_id == entry_id).values(stopped_on=stopped_on)
            )
            self._insert(conn, list(then_add), owner)

    def replace(
        self, record: Entry, *, owner: str = LOCAL_OWNER, at: dt.datetime | None = None
    ) -> Entry:
        """Put `record` in place of `owner`'s entry with the same uid (same kind), in one
        transaction: its comments are kept as `record.comments` says. Returns the old record.
        With `at` (when the change was made), the old record is kept so it can be undone."""
        old = self.get(record.uid, owner=owner)
        if old.kind != record.kind:  # type: ignore[attr-defined]
            raise InputError.single(
                "kind",
                record.kind,  # type: ignore[attr-defined]
                f"an entry keeps its kind ({old.kind})",  # type: ignore[attr-defined]
            )
        with self._writing(), self._writer.begin() as conn:
            self._rewrite(conn, record, owner)
            if at is not None:
                self._remember(conn, owner, at, "edit", old)
        return old

    def _rewrite(self, conn: sa.Connection, record: Entry, owner: str) -> None:
        """Replace the stored entry of `record.uid` by `record` (same id, same kind)."""
        entry_id = self._entry_id(conn, record.uid, owner)
        self._ensure_unreferenced(conn, entry_id, record)
        version = conn.execute(  # an edited profile keeps its place in the history
            sa.select(t.ProfileVersionRow.version).where(t.ProfileVersionRow.entry_id == entry_id)
        ).scalar()
        conn.execute(sa.delete(t.EntryRow).where(t.EntryRow.id == entry_id))
        self._insert(conn, [record], owner, profile_version=version)

    def delete(self, uid: str, *, owner: str = LOCAL_OWNER, at: dt.datetime | None = None) -> Entry:
        """Delete `owner`'s entry `uid` (with its comments); returns what was deleted. With `at`,
        the deleted record is kept so the deletion can be undone."""
        old = self.get(uid, owner=owner)
        with self._writing(), self._writer.begin() as conn:
            entry_id = self._entry_id(conn, uid, owner)
            self._ensure_unreferenced(conn, entry_id, old)
            conn.execute(sa.delete(t.EntryRow).where(t.EntryRow.id == entry_id))
            if at is not None:
                self._remember(conn, owner, at, "delete", old)
        return old

    def undo_last_change(self, *, owner: str = LOCAL_OWNER) -> tuple[str, Entry] | None:
        """Undo `owner`'s newest edit or delete (one transaction): the entry is back as it was.
        Returns the action undone and the record restored, or None when there is nothing."""
        changes = t.Base.metadata.tables["entry_changes"]
        with self._writing(), self._writer.begin() as conn:
            row = conn.execute(
                sa.select(changes.c.id, changes.c.action, changes.c.before)
                .where(changes.c.owner == owner)
                .order_by(changes.c.id.desc())
                .limit(1)
            ).first()
            if row is None:
                return None
            before = parse_record(dict(row.before))
            if row.action == "delete":
                self._insert(conn, [before], owner)
            else:
                self._rewrite(conn, before, owner)
            conn.execute(changes.delete().where(changes.c.id == row.id))
        return str(row.action), before

    def _remember(
        self, conn: sa.Connection, owner: str, at: dt.datetime, action: str, old: Entry
    ) -> None:
        conn.execute(
            sa.insert(t.Base.metadata.tables["entry_changes"]),
            {
                "owner": owner,
                "changed_at": to_utc(at)[0],
                "action": action,
                "entry_uid": old.uid,
                "before": old.model_dump(mode="json"),
            },
        )

    def _ensure_unreferenced(self, conn: sa.Connection, entry_id: int, record: Entry) -> None:
        """A plan with doses or stock counts is stopped, not deleted or rewritten."""
        if record.kind != "plan":  # type: ignore[attr-defined]
            return
        doses = conn.execute(
            sa.select(sa.func.count())
            .select_from(t.DoseEventRow)
            .where(t.DoseEventRow.plan_id == entry_id)
        ).scalar_one()
        counts = conn.execute(
            sa.select(sa.func.count())
            .select_from(t.StockCountRow)
            .where(t.StockCountRow.plan_id == entry_id)
        ).scalar_one()
        if doses or counts:
            raise ConflictError.single(
                "entry",
                record.uid[:8],
                "a plan with doses or stock counts is stopped (plan stop), not deleted or edited",
            )

    @contextlib.contextmanager
    def _writing(self) -> Iterator[None]:
        """Turn the database's refusals into one clean problem; nothing is half-written."""
        try:
            yield
        except sa.exc.IntegrityError as exc:
            reason = str(exc.orig).splitlines()[0]
            if "uid" in reason:
                reason = "an entry with the same id is already in the journal (imported before?)"
            raise ConflictError.single(
                "(record)", None, f"refused by the journal's rules, nothing saved: {reason}"
            ) from None

    def comment(
        self,
        entry_uid: str,
        text: str,
        at: dt.datetime,
        author: str = "me",
        *,
        owner: str = LOCAL_OWNER,
    ) -> Comment:
        """Add a comment to `owner`'s existing entry (their own note, or a clinician's)."""
        try:
            comment = Comment(at=at, author=author, text=text)
        except ValidationError as exc:
            raise InputError(problems_from_pydantic(exc)) from None
        with self._writer.begin() as conn:
            entry_id = self._entry_id(conn, entry_uid, owner)
            self._insert_comments(conn, [(entry_id, comment)], owner)
        return comment

    def delete_all(self, *, owner: str = LOCAL_OWNER) -> int:
        """Delete every record and comment of `owner` (the schema stays). Returns how many
        entries went.

        On SQLite (`secure_delete` on) the write-ahead log is then checkpointed and truncated, so
        deleted entries linger neither in free pages nor in the log.
        """
        entries = t.Base.metadata.tables["entries"]
        mine = entries.c.owner == owner
        with self._writer.begin() as conn:
            count = conn.execute(sa.select(sa.func.count()).where(mine)).scalar_one()
            ids = sa.select(entries.c.id).where(mine).scalar_subquery()
            # Children first: doses and stock counts of these plans, comments, detail rows.
            comments = t.Base.metadata.tables["comments"]
            conn.execute(comments.delete().where(comments.c.owner == owner))
            changes = t.Base.metadata.tables["entry_changes"]
            conn.execute(changes.delete().where(changes.c.owner == owner))
            for table in reversed(t.Base.metadata.sorted_tables):
                if "entry_id" in table.c and table is not comments:
                    conn.execute(table.delete().where(table.c.entry_id.in_(ids)))
            conn.execute(entries.delete().where(mine))
        if self.engine.dialect.name == "sqlite":
            with self.engine.connect() as conn:  # outside a transaction
                raw = conn.connection.dbapi_connection
                if raw is not None:
                    raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return int(count)

    def _entry_id(self, conn: sa.Connection, uid: str, owner: str, kind: str | None = None) -> int:
        query = sa.select(t.EntryRow.id).where(t.EntryRow.uid == uid, t.EntryRow.owner == owner)
        if kind is not None:
            query = query.where(t.EntryRow.kind == kind)
        found = conn.execute(query).scalar()
        if found is None:
            what = "supplement plan" if kind == "plan" else "entry"
            raise NotFoundError.single(
                "plan" if kind == "plan" else "entry", uid, f"no {what} with this id in the journal"
            )
        return int(found)

    def _insert(
        self,
        conn: sa.Connection,
        batch: Sequence[Entry],
        owner: str,
        profile_version: int | None = None,
    ) -> None:
        if not batch:
            return
        entries = t.Base.metadata.tables["entries"]
        rows = []
        for record in batch:
            recorded_at, offset = to_utc(record.at)
            rows.append(
                {
                    "uid": record.uid,
                    "owner": owner,
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
        plan_ids = self._plan_ids(conn, batch, ids, owner)
        versions = profile_version or (
            self._next_profile_version(conn, owner)
            if any(isinstance(r, ProfileEntry) for r in batch)
            else 1
        )
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
        self._insert_comments(conn, comments, owner)

    def _plan_ids(
        self, conn: sa.Connection, batch: Sequence[Entry], ids: list[int], owner: str
    ) -> dict[str, int]:
        wanted = {r.plan_uid for r in batch if isinstance(r, DoseEvent | StockCount) and r.plan_uid}
        if not wanted:
            return {}
        found = {r.uid: i for r, i in zip(batch, ids, strict=True) if isinstance(r, PlanEntry)}
        missing = wanted - found.keys()
        if missing:
            query = sa.select(t.EntryRow.uid, t.EntryRow.id).where(
                t.EntryRow.uid.in_(missing), t.EntryRow.kind == "plan", t.EntryRow.owner == owner
            )
            found.update({uid: entry_id for uid, entry_id in conn.execute(query)})
        unknown = wanted - found.keys()
        if unknown:
            raise InputError.single(
                "plan_uid", sorted(unknown)[0], "no supplement plan with this id in the journal"
            )
        return found

    def _next_profile_version(self, conn: sa.Connection, owner: str) -> int:
        latest = conn.execute(
            sa.select(sa.func.max(t.ProfileVersionRow.version))
            .join(t.EntryRow, t.EntryRow.id == t.ProfileVersionRow.entry_id)
            .where(t.EntryRow.owner == owner, t.EntryRow.kind == "profile")
        ).scalar()
        return int(latest or 0) + 1

    def _insert_comments(
        self, conn: sa.Connection, items: list[tuple[int, Comment]], owner: str
    ) -> None:
        if not items:
            return
        rows = []
        for entry_id, comment in items:
            recorded_at, offset = to_utc(comment.at)
            rows.append(
                {
                    "uid": comment.uid,
                    "owner": owner,
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
        *,
        owner: str = LOCAL_OWNER,
    ) -> list[Entry]:
        """`owner`'s records (with comments), oldest first; optionally only `kinds`, in
        [start, end). Comments are read for the entries returned only."""
        wanted = list(kinds) if kinds is not None else list(KINDS)
        unknown = [k for k in wanted if k not in RECORD_TYPES]
        if unknown:
            raise InputError.single("kind", unknown[0], f"one of {', '.join(KINDS)}")
        found: list[tuple[dt.datetime, int, Entry]] = []
        with self.engine.connect() as conn:
            rows = []
            for kind in wanted:
                rows += self._read_rows(conn, kind, owner, start=start, end=end)
            comments = self._comments(conn, [row["id"] for _, row in rows])
            found = [
                (row["recorded_at"], row["id"], self._to_record(kind, row, comments))
                for kind, row in rows
            ]
        found.sort(key=lambda item: (item[0], item[1]))  # time, then the order written
        return [record for _, _, record in found]

    def stored_uids(self, uids: Iterable[str]) -> set[str]:
        """Those of `uids` already used by an entry (of any owner: ids are unique in a store),
        so an import can name each clash before writing anything."""
        wanted = list(dict.fromkeys(uids))
        found: set[str] = set()
        with self.engine.connect() as conn:
            for start in range(0, len(wanted), 500):  # stay under SQLite's variable limit
                chunk = wanted[start : start + 500]
                query = sa.select(t.EntryRow.uid).where(t.EntryRow.uid.in_(chunk))
                found.update(conn.execute(query).scalars())
        return found

    def get(self, uid: str, *, owner: str = LOCAL_OWNER) -> Entry:
        """`owner`'s record `uid`; `NotFoundError` when they have none (one entry is read)."""
        with self.engine.connect() as conn:
            found = conn.execute(
                sa.select(t.EntryRow.id, t.EntryRow.kind).where(
                    t.EntryRow.uid == uid, t.EntryRow.owner == owner
                )
            ).first()
            if found is None:
                raise NotFoundError.single("entry", uid, "no entry with this id in the journal")
            entry_id, kind = found
            ((_, row),) = self._read_rows(conn, kind, owner, entry_id=entry_id)
            return self._to_record(kind, row, self._comments(conn, [row["id"]]))

    def resolve(self, prefix: str, *, owner: str = LOCAL_OWNER, kind: str | None = None) -> str:
        """The full uid of `owner`'s one entry (of `kind`) whose uid starts with `prefix` (as
        shown: 8 characters)."""
        cleaned = prefix.strip().lower()
        if not cleaned or any(c not in "0123456789abcdef" for c in cleaned):
            raise InputError.single("entry", prefix, "an entry id (hexadecimal, from `history`)")
        # A range on the unique index (ids are lower-case hex, and "g" sorts after "f"), so
        # finding an entry by its shown prefix does not scan the journal. The owner is compared
        # as an expression, so the planner takes the id index, not the owner's whole range.
        query = sa.select(t.EntryRow.uid).where(
            t.EntryRow.uid >= cleaned,
            t.EntryRow.uid < cleaned + "g",
            sa.func.coalesce(t.EntryRow.owner, "") == owner,
        )
        if kind is not None:
            query = query.where(t.EntryRow.kind == kind)
        with self.engine.connect() as conn:
            found = conn.execute(query.limit(2)).scalars().all()
        if not found:
            raise NotFoundError.single("entry", prefix, "no entry with this id")
        if len(found) > 1:
            raise InputError.single("entry", prefix, "several entries match; give more")
        return str(found[0])

    def profile_history(self, *, owner: str = LOCAL_OWNER) -> list[ProfileEntry]:
        """Every saved profile version of `owner`, oldest first (the last one is current)."""
        return [r for r in self.entries(["profile"], owner=owner) if isinstance(r, ProfileEntry)]

    def current_profile(self, *, owner: str = LOCAL_OWNER) -> ProfileEntry | None:
        """`owner`'s newest profile version, or None (one indexed query, not the history)."""
        with self.engine.connect() as conn:
            rows = self._read_rows(conn, "profile", owner, newest_only=True)
            if not rows:
                return None
            ((_, row),) = rows
            record = self._to_record("profile", row, self._comments(conn, [row["id"]]))
        return entry_as(record, ProfileEntry)

    def profile_count(self, *, owner: str = LOCAL_OWNER) -> int:
        """How many profile versions `owner` has saved."""
        with self.engine.connect() as conn:
            return int(
                conn.execute(
                    sa.select(sa.func.count()).where(
                        t.EntryRow.owner == owner, t.EntryRow.kind == "profile"
                    )
                ).scalar_one()
            )

    def plans(self, *, owner: str = LOCAL_OWNER) -> list[PlanEntry]:
        """Every supplement plan of `owner`, oldest first."""
        return [r for r in self.entries(["plan"], owner=owner) if isinstance(r, PlanEntry)]

    def owners(self) -> set[str]:
        """Whose rows the store holds (at most two are looked for: one, or "several")."""
        with self.engine.connect() as conn:
            found = conn.execute(sa.select(t.EntryRow.owner).distinct().limit(2)).scalars()
            return set(found)

    def counts(self, *, owner: str = LOCAL_OWNER) -> dict[str, int]:
        """How many entries of each kind `owner` has (kinds with none left out), plus comments."""
        with self.engine.connect() as conn:
            query = (
                sa.select(t.EntryRow.kind, sa.func.count())
                .where(t.EntryRow.owner == owner)
                .group_by(t.EntryRow.kind)
            )
            counts = {kind: int(n) for kind, n in conn.execute(query)}
            comments = conn.execute(
                sa.select(sa.func.count()).where(t.CommentRow.owner == owner)
            ).scalar_one()
        if comments:
            counts["comments"] = int(comments)
        return dict(sorted(counts.items()))

    def _comments(self, conn: sa.Connection, entry_ids: Sequence[int]) -> dict[int, list[Comment]]:
        """The comments on these entries only, by entry id (in chunks: SQL parameter limits)."""
        grouped: dict[int, list[Comment]] = {}
        table = t.CommentRow.__table__
        ids = list(entry_ids)
        for first in range(0, len(ids), _CHUNK):
            chunk = ids[first : first + _CHUNK]
            query = (
                sa.select(table)
                .where(table.c.entry_id.in_(chunk))
                .order_by(table.c.recorded_at, table.c.uid)
            )
            for row in conn.execute(query):
                grouped.setdefault(row.entry_id, []).append(
                    Comment(
                        uid=row.uid,
                        at=from_utc(row.recorded_at, row.utc_offset_minutes),
                        author=row.author,
                        text=row.text,
                    )
                )
        return grouped

    def _read_rows(
        self,
        conn: sa.Connection,
        kind: str,
        owner: str,
        *,
        start: dt.datetime | None = None,
        end: dt.datetime | None = None,
        entry_id: int | None = None,
        newest_only: bool = False,
    ) -> list[tuple[str, Any]]:
        """Rows of one kind for `owner` (entry columns joined with the detail columns)."""
        entries = t.EntryRow.__table__
        detail = t.DETAIL_TABLES[kind].__table__
        columns = [entries.c.id, entries.c.uid, entries.c.recorded_at]
        columns += [entries.c.utc_offset_minutes, entries.c.note]
        columns += [c for c in detail.c if c.name != "entry_id"]
        query = sa.select(*columns).join(detail, detail.c.entry_id == entries.c.id)
        query = query.where(entries.c.owner == owner, entries.c.kind == kind)
        if kind in ("dose", "stock"):
            plan = entries.alias("plan_entry")
            query = query.add_columns(plan.c.uid.label("plan_uid")).outerjoin(
                plan, plan.c.id == detail.c.plan_id
            )
        if entry_id is not None:  # one entry, by its primary key
            query = query.where(entries.c.id == entry_id)
        if start is not None:
            query = query.where(entries.c.recorded_at >= to_utc(start)[0])
        if end is not None:
            query = query.where(entries.c.recorded_at < to_utc(end)[0])
        if newest_only:  # profiles: the highest version is the current one
            query = query.order_by(detail.c.version.desc()).limit(1)
        return [(kind, row) for row in conn.execute(query).mappings()]

    def _to_record(self, kind: str, row: Any, comments: dict[int, list[Comment]]) -> Entry:
        model = RECORD_TYPES[kind]
        renames = {column: field for field, column in _RENAMES.get(kind, {}).items()}
        fields: dict[str, Any] = {}
        for name, value in row.items():
            name = renames.get(name, name)
            if name in model.model_fields and value is not None:
                fields[name] = value
        fields["at"] = from_utc(row["recorded_at"], row["utc_offset_minutes"])
        fields["comments"] = comments.get(row["id"], [])
        fields["kind"] = kind
        return model.model_validate(fields, context=STORED)


#: Entry ids per `IN (...)` when reading comments (well under SQLite's parameter limit).
_CHUNK = 900


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


def replace_preferences(
    conn: sa.Connection, values: Mapping[str, Any], *, owner: str = LOCAL_OWNER
) -> None:
    """Replace `owner`'s preferences by `values` inside the caller's transaction."""
    rows = t.PreferenceRow
    conn.execute(sa.delete(rows).where(rows.owner == owner))
    conn.execute(sa.insert(rows).values(owner=owner, values=dict(values)))
