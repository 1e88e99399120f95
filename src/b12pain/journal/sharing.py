"""Rows of a multi-user server's sharing: who shared their diary with which clinician, the audit
log of every access by someone other than the owner, and erasing everything one person left.

The journal stores and reads; who may share, and what an access means, are the service layer's
(`service.sharing`, `service.audit`). Times are stored as naive UTC, like every journal row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from b12pain.errors import ConflictError, NotFoundError
from b12pain.journal import tables as t
from b12pain.journal.store import Journal, from_utc

__all__ = [
    "AuditRecord",
    "Glance",
    "OthersComment",
    "PanelRow",
    "ShareRecord",
    "account_role",
    "accounts_named",
    "active_share",
    "add_audit_event",
    "add_audit_events",
    "add_share",
    "audit_log",
    "comments_by_others",
    "erase_owner",
    "glances",
    "owners_sharing_with",
    "patient_panel",
    "revoke_share",
    "shares_of_owner",
]


@dataclass(frozen=True)
class ShareRecord:
    """One share: `owner`'s diary shown to `clinician` from `created_at` until `revoked_at`."""

    owner: str
    clinician: str
    created_at: dt.datetime
    revoked_at: dt.datetime | None

    @property
    def active(self) -> bool:
        """True until the share is revoked."""
        return self.revoked_at is None


@dataclass(frozen=True)
class AuditRecord:
    """One access to `owner`'s data by `actor`: when, what kind (`action`) and what (`target`)."""

    id: int
    owner: str
    actor: str
    at: dt.datetime
    action: str
    target: str


def _utc(at: dt.datetime) -> dt.datetime:
    """An aware time as stored: naive UTC."""
    return at.astimezone(dt.UTC).replace(tzinfo=None)


def _aware(stored: dt.datetime | None) -> dt.datetime | None:
    return None if stored is None else stored.replace(tzinfo=dt.UTC)


def _writing(store: Journal) -> Any:
    """A write transaction (SQLite: `BEGIN IMMEDIATE`, so writers queue instead of failing)."""
    return store.engine.execution_options(journal_write=True).begin()


def _share(row: Any) -> ShareRecord:
    created = row.created_at.replace(tzinfo=dt.UTC)  # a share always has its start
    return ShareRecord(row.owner, row.clinician, created, _aware(row.revoked_at))


def account_role(store: Journal, username: str) -> str | None:
    """The role of account `username`, or None when there is no such account."""
    with store.engine.connect() as conn:
        found = conn.execute(
            sa.select(t.AccountRow.role).where(t.AccountRow.username == username)
        ).scalar()
    return None if found is None else str(found)


def accounts_named(store: Journal, usernames: Iterable[str]) -> dict[str, tuple[str, str]]:
    """The display name and role of each of `usernames` that has an account."""
    wanted = sorted(set(usernames))
    if not wanted:
        return {}
    with store.engine.connect() as conn:
        rows = conn.execute(
            sa.select(t.AccountRow.username, t.AccountRow.display_name, t.AccountRow.role).where(
                t.AccountRow.username.in_(wanted)
            )
        )
        return {row.username: (row.display_name, row.role) for row in rows}


def add_share(store: Journal, owner: str, clinician: str, at: dt.datetime) -> ShareRecord:
    """Share `owner`'s diary with `clinician` from `at`; `ConflictError` if already shared."""
    with _writing(store) as conn:
        if _active_id(conn, owner, clinician) is not None:
            raise ConflictError.single(
                "clinician", clinician, "already shared with; nothing changed"
            )
        conn.execute(
            sa.insert(t.ShareRow).values(
                owner=owner, clinician=clinician, created_at=_utc(at), revoked_at=None
            )
        )
    return ShareRecord(owner, clinician, at.astimezone(dt.UTC), None)


def revoke_share(store: Journal, owner: str, clinician: str, at: dt.datetime) -> None:
    """End `owner`'s active share with `clinician` at `at`; `NotFoundError` when there is none."""
    with _writing(store) as conn:
        found = _active_id(conn, owner, clinician)
        if found is None:
            raise NotFoundError.single(
                "clinician", clinician, "a clinician your diary is shared with"
            )
        conn.execute(
            sa.update(t.ShareRow).where(t.ShareRow.id == found).values(revoked_at=_utc(at))
        )


def _active_id(conn: sa.Connection, owner: str, clinician: str) -> int | None:
    found = conn.execute(
        sa.select(t.ShareRow.id).where(
            t.ShareRow.owner == owner,
            t.ShareRow.clinician == clinician,
            t.ShareRow.revoked_at.is_(None),
        )
    ).scalar()
    return None if found is None else int(found)


def active_share(store: Journal, owner: str, clinician: str) -> bool:
    """True when `owner`'s diary is shared with `clinician` right now (one indexed query)."""
    with store.engine.connect() as conn:
        return _active_id(conn, owner, clinician) is not None


def shares_of_owner(store: Journal, owner: str) -> list[ShareRecord]:
    """Every share `owner` made, active and revoked, newest first."""
    with store.engine.connect() as conn:
        rows = conn.execute(
            sa.select(t.ShareRow.__table__)
            .where(t.ShareRow.owner == owner)
            .order_by(t.ShareRow.created_at.desc(), t.ShareRow.id.desc())
        )
        return [_share(row) for row in rows]


def owners_sharing_with(store: Journal, clinician: str) -> list[ShareRecord]:
    """The active shares made with `clinician`, oldest first."""
    with store.engine.connect() as conn:
        rows = conn.execute(
            sa.select(t.ShareRow.__table__)
            .where(t.ShareRow.clinician == clinician, t.ShareRow.revoked_at.is_(None))
            .order_by(t.ShareRow.created_at, t.ShareRow.id)
        )
        return [_share(row) for row in rows]


def add_audit_event(
    store: Journal, *, owner: str, actor: str, at: dt.datetime, action: str, target: str
) -> None:
    """Write one access to `owner`'s data by `actor` (texts cut to the columns' lengths)."""
    with _writing(store) as conn:
        conn.execute(
            sa.insert(t.AuditEventRow).values(
                owner=owner, actor=actor, at=_utc(at), action=action[:40], target=target[:200]
            )
        )


def audit_log(store: Journal, owner: str, limit: int = 200) -> list[AuditRecord]:
    """The newest `limit` accesses to `owner`'s data by others, newest first."""
    with store.engine.connect() as conn:
        rows = conn.execute(
            sa.select(t.AuditEventRow.__table__)
            .where(t.AuditEventRow.owner == owner)
            .order_by(t.AuditEventRow.id.desc())
            .limit(limit)
        )
        return [
            AuditRecord(
                row.id, row.owner, row.actor, row.at.replace(tzinfo=dt.UTC), row.action, row.target
            )
            for row in rows
        ]


def erase_owner(store: Journal, username: str) -> int:
    """Delete every row `username` left besides diary entries: shares both ways, the audit log of
    their data, their preferences and their sessions. The account row stays (the admin removes
    accounts). Returns how many rows went. Entries and comments go with `Journal.delete_all`."""
    deleted = 0
    with _writing(store) as conn:
        for statement in (
            sa.delete(t.ShareRow).where(
                sa.or_(t.ShareRow.owner == username, t.ShareRow.clinician == username)
            ),
            sa.delete(t.AuditEventRow).where(t.AuditEventRow.owner == username),
            sa.delete(t.PreferenceRow).where(t.PreferenceRow.owner == username),
            sa.delete(t.SessionRow).where(t.SessionRow.username == username),
        ):
            deleted += conn.execute(statement).rowcount
    return deleted


@dataclass(frozen=True)
class OthersComment:
    """A comment someone other than the owner ("me") wrote on one of the owner's entries."""

    entry_uid: str
    entry_kind: str
    at: dt.datetime
    author: str
    text: str


def comments_by_others(store: Journal, owner: str, limit: int = 20) -> list[OthersComment]:
    """The newest `limit` comments on `owner`'s entries not written by the owner, newest first."""
    comments, entries = t.CommentRow.__table__, t.EntryRow.__table__
    query = (
        sa.select(
            entries.c.uid,
            entries.c.kind,
            comments.c.recorded_at,
            comments.c.utc_offset_minutes,
            comments.c.author,
            comments.c.text,
        )
        .join(entries, entries.c.id == comments.c.entry_id)
        .where(comments.c.owner == owner, entries.c.owner == owner, comments.c.author != "me")
        .order_by(comments.c.recorded_at.desc(), comments.c.id.desc())
        .limit(limit)
    )
    with store.engine.connect() as conn:
        return [
            OthersComment(
                row.uid,
                row.kind,
                from_utc(row.recorded_at, row.utc_offset_minutes),
                row.author,
                row.text,
            )
            for row in conn.execute(query)
        ]


@dataclass(frozen=True)
class Glance:
    """What a clinician's patient list shows of one owner, read in a few queries for everyone:
    the current profile, the symptoms ticked since a time, and the latest pain since a time."""

    profile: dict[str, Any] | None
    symptoms: tuple[str, ...]
    latest_pain: tuple[dt.datetime, int] | None


def glances(
    store: Journal,
    owners: Sequence[str],
    *,
    symptoms_since: dt.datetime,
    pain_since: dt.datetime,
) -> dict[str, Glance]:
    """A `Glance` of each of `owners`, in three queries whatever their number (the patient list
    of a clinician with many patients stays fast)."""
    with store.engine.connect() as conn:
        return _glances_on(conn, owners, symptoms_since=symptoms_since, pain_since=pain_since)


@dataclass(frozen=True)
class PanelRow:
    """One line of a clinician's patient list: the active share, the person's display name
    (their username when the account is gone) and their `Glance`."""

    share: ShareRecord
    display_name: str
    glance: Glance


def patient_panel(
    store: Journal,
    clinician: str,
    *,
    symptoms_since: dt.datetime,
    pain_since: dt.datetime,
) -> list[PanelRow]:
    """Everyone sharing with `clinician` right now (oldest share first), with their names and
    glances: four queries on one connection, whatever the number of patients."""
    with store.engine.connect() as conn:
        found = conn.execute(_PANEL, {"clinician": clinician}).all()
        seen = _glances_on(
            conn,
            [row.owner for row in found],
            symptoms_since=symptoms_since,
            pain_since=pain_since,
        )
    return [PanelRow(_share(row), row.display_name or row.owner, seen[row.owner]) for row in found]


def _glances_on(
    conn: sa.Connection,
    owners: Sequence[str],
    *,
    symptoms_since: dt.datetime,
    pain_since: dt.datetime,
) -> dict[str, Glance]:
    wanted = sorted(set(owners))
    if not wanted:
        return {}
    bound = {
        "owners": wanted,
        "symptoms_since": _utc(symptoms_since),
        "pain_since": _utc(pain_since),
    }
    found_profile = {owner: dict(profile) for owner, profile in conn.execute(_PROFILES, bound)}
    found_symptoms: dict[str, list[str]] = {}
    for owner, symptoms in conn.execute(_SYMPTOMS, bound):
        seen = found_symptoms.setdefault(owner, [])
        seen += [s for s in symptoms if s not in seen]
    found_pain = {
        owner: (from_utc(at, offset), nrs) for owner, at, offset, nrs in conn.execute(_PAIN, bound)
    }
    return {
        owner: Glance(
            profile=found_profile.get(owner),
            symptoms=tuple(found_symptoms.get(owner, ())),
            latest_pain=found_pain.get(owner),
        )
        for owner in wanted
    }


def _newest_per_owner(query: sa.Select[Any], *newest_first: Any) -> sa.Select[Any]:
    """`query`'s first row per owner in the order `newest_first` (one row per owner, chosen by
    the database: a window function, in SQLite and PostgreSQL alike). `query`'s first column
    is the owner; the rows keep `query`'s columns."""
    ranked = query.add_columns(
        sa.func.row_number()
        .over(partition_by=query.selected_columns[0], order_by=newest_first)
        .label("rank")
    ).subquery("ranked")
    columns = [c for c in ranked.c if c.name != "rank"]
    return sa.select(*columns).where(ranked.c.rank == 1)


def _panel_statements() -> tuple[sa.Select[Any], ...]:
    """The patient list's statements, built once (they run on every view of the list): the
    active shares of `:clinician` with the owners' names; and, for the owners bound as
    `:owners`, each one's newest profile, the symptoms ticked since `:symptoms_since` (oldest
    first) and the newest pain since `:pain_since`."""
    shares, accounts = t.ShareRow.__table__, t.AccountRow.__table__
    entries, profiles = t.EntryRow.__table__, t.ProfileVersionRow.__table__
    checks, pains = t.SymptomCheckRow.__table__, t.PainEntryRow.__table__
    panel = (
        sa.select(shares, accounts.c.display_name)
        .outerjoin(accounts, accounts.c.username == shares.c.owner)
        .where(shares.c.clinician == sa.bindparam("clinician"), shares.c.revoked_at.is_(None))
        .order_by(shares.c.created_at, shares.c.id)
    )
    mine = entries.c.owner.in_(sa.bindparam("owners", expanding=True))
    newest_profile = _newest_per_owner(
        sa.select(entries.c.owner, profiles.c.profile)
        .join(profiles, profiles.c.entry_id == entries.c.id)
        .where(mine, entries.c.kind == "profile"),
        profiles.c.version.desc(),
    )
    symptoms = (
        sa.select(entries.c.owner, checks.c.symptoms)
        .join(checks, checks.c.entry_id == entries.c.id)
        .where(
            mine,
            entries.c.kind == "symptoms",
            entries.c.recorded_at >= sa.bindparam("symptoms_since", type_=sa.DateTime()),
        )
        .order_by(entries.c.recorded_at)
    )
    # The newest pain time per owner comes from the (owner, kind, recorded_at) index alone;
    # only those entries are then joined to their ratings (equal times: the highest id wins).
    newest_at = (
        sa.select(entries.c.owner, sa.func.max(entries.c.recorded_at).label("at"))
        .where(
            mine,
            entries.c.kind == "pain",
            entries.c.recorded_at >= sa.bindparam("pain_since", type_=sa.DateTime()),
        )
        .group_by(entries.c.owner)
        .subquery("newest_at")
    )
    newest_pain = (
        sa.select(entries.c.owner, entries.c.recorded_at, entries.c.utc_offset_minutes, pains.c.nrs)
        .join(pains, pains.c.entry_id == entries.c.id)
        .join(
            newest_at,
            sa.and_(
                newest_at.c.owner == entries.c.owner,
                newest_at.c.at == entries.c.recorded_at,
                entries.c.kind == "pain",
            ),
        )
        .order_by(entries.c.id)
    )
    return panel, newest_profile, symptoms, newest_pain


_PANEL, _PROFILES, _SYMPTOMS, _PAIN = _panel_statements()


def add_audit_events(
    store: Journal,
    owners: Sequence[str],
    *,
    actor: str,
    at: dt.datetime,
    action: str,
    target: str,
) -> None:
    """Write one access by `actor` to each of `owners`' data, in one transaction."""
    if not owners:
        return
    with _writing(store) as conn:
        conn.execute(
            sa.insert(t.AuditEventRow),
            [
                {
                    "owner": owner,
                    "actor": actor,
                    "at": _utc(at),
                    "action": action[:40],
                    "target": target[:200],
                }
                for owner in owners
            ],
        )
