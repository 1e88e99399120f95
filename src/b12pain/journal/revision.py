"""A journal's revision for one owner: a small value that changes whenever that owner's entries
change, so a reader can keep what it derived from them (the insights dashboard) until then.

It is read from the tables themselves (one statement of indexed aggregates), so a change made by
another process or server (the CLI beside the web app, a second worker) is seen too. What
changes it:

- adding or importing entries: their count and the highest id;
- deleting an entry: the count and the sum of ids (and the undo log's row);
- editing an entry (rewritten in place, possibly under its old id on SQLite) and undoing: the
  undo log (`entry_changes`), whose newest row and time change with every edit and undo. After
  an undo, SQLite may give the next edit's log row the undone row's id; its time (to the
  microsecond, the clock each request reads) then tells the two edits apart;
- a comment, or a plan stopped: the comment count and id, the number of stopped plans.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from b12pain.journal import tables as t
from b12pain.journal.store import Journal
from b12pain.journal.tables import LOCAL_OWNER


@dataclass(frozen=True)
class Revision:
    """Aggregates over an owner's rows that together change with every write to them."""

    entries: int
    last_entry_id: int
    entry_id_sum: int
    changes: int
    last_change_id: int
    last_change_at: dt.datetime | None
    comments: int
    last_comment_id: int
    stopped_plans: int


def _statement() -> sa.Select[Any]:
    """One SELECT of every aggregate, for the owner bound as `:owner` (built once): one
    aggregate per table, each an index range of this owner's rows ((owner, id) indexes)."""
    entries, changes = t.EntryRow, t.Base.metadata.tables["entry_changes"]
    comments, plans = t.Base.metadata.tables["comments"], t.SupplementPlanRow
    owner = sa.bindparam("owner", type_=sa.String())
    mine = entries.owner == owner
    of_entries = (
        sa.select(sa.func.count(), sa.func.max(entries.id), sa.func.sum(entries.id))
        .where(mine)
        .subquery("of_entries")
    )
    of_changes = (
        sa.select(sa.func.count(), sa.func.max(changes.c.id), sa.func.max(changes.c.changed_at))
        .where(changes.c.owner == owner)
        .subquery("of_changes")
    )
    of_comments = (
        sa.select(sa.func.count(), sa.func.max(comments.c.id))
        .where(comments.c.owner == owner)
        .subquery("of_comments")
    )
    stopped = (
        sa.select(sa.func.count())
        .select_from(plans)
        .join(entries, entries.id == plans.entry_id)
        .where(mine, entries.kind == "plan", plans.stopped_on.is_not(None))
        .subquery("stopped")
    )
    # Each subquery is one row: joining them on TRUE is the single row of all of them.
    return sa.select(*of_entries.c, *of_changes.c, *of_comments.c, *stopped.c).select_from(
        of_entries.join(of_changes, sa.true()).join(of_comments, sa.true()).join(stopped, sa.true())
    )


_REVISION = _statement()


def revision(journal: Journal, *, owner: str = LOCAL_OWNER) -> Revision:
    """`owner`'s current revision of `journal` (compare two with `==`): one statement, each part
    an index range of this owner's rows."""
    with journal.engine.connect() as conn:
        row = conn.execute(_REVISION, {"owner": owner}).one()
    count, last_id, id_sum, changes_count, last_change_id, last_change_at, *rest = row
    noted, last_comment_id, stopped = (int(value or 0) for value in rest)
    return Revision(
        int(count), int(last_id or 0), int(id_sum or 0), int(changes_count),
        int(last_change_id or 0), last_change_at, noted, last_comment_id, stopped,
    )  # fmt: skip
