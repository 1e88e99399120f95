"""Rows of a multi-user server: accounts, sessions and failed logins (migration 0008).

Only reads and writes live here; the rules (who may sign in, rate limits, hashing) are in
`b12pain.service.accounts`. Times go in and come out aware; they are stored as naive UTC, like
every other time in the journal.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from b12pain.errors import ConflictError
from b12pain.journal import tables as t
from b12pain.journal.store import Journal


@dataclass(frozen=True)
class AccountRecord:
    """One stored account, hash included (never leaves the service layer)."""

    username: str
    display_name: str
    role: str
    password_hash: str
    created_at: dt.datetime
    sessions_valid_after: dt.datetime
    locked_until: dt.datetime | None


@dataclass(frozen=True)
class SessionRecord:
    """One stored session: whose it is and its times."""

    username: str
    created_at: dt.datetime
    last_seen_at: dt.datetime
    expires_at: dt.datetime


def _utc(at: dt.datetime) -> dt.datetime:
    """An aware time as stored: naive UTC."""
    return at.astimezone(dt.UTC).replace(tzinfo=None)


def _aware(at: dt.datetime | None) -> dt.datetime | None:
    return None if at is None else at.replace(tzinfo=dt.UTC)


def _writer(store: Journal) -> sa.Engine:
    return store.engine.execution_options(journal_write=True)


def _account(row: Any) -> AccountRecord:
    return AccountRecord(
        username=row.username,
        display_name=row.display_name,
        role=row.role,
        password_hash=row.password_hash,
        created_at=row.created_at.replace(tzinfo=dt.UTC),
        sessions_valid_after=row.sessions_valid_after.replace(tzinfo=dt.UTC),
        locked_until=_aware(row.locked_until),
    )


# accounts -----------------------------------------------------------------------------------


def insert_account(
    store: Journal,
    *,
    username: str,
    display_name: str,
    role: str,
    password_hash: str,
    now: dt.datetime,
) -> None:
    """Store a new account; `ConflictError` if the username is taken."""
    try:
        with _writer(store).begin() as conn:
            conn.execute(
                sa.insert(t.AccountRow).values(
                    username=username,
                    display_name=display_name,
                    role=role,
                    password_hash=password_hash,
                    created_at=_utc(now),
                    sessions_valid_after=_utc(now),
                    locked_until=None,
                )
            )
    except sa.exc.IntegrityError:
        raise ConflictError.single("username", username, "a name no other account has") from None


def find_account(store: Journal, username: str) -> AccountRecord | None:
    """The account called `username`, or None."""
    with store.engine.connect() as conn:
        row = conn.execute(
            sa.select(t.AccountRow.__table__).where(t.AccountRow.username == username)
        ).one_or_none()
    return None if row is None else _account(row)


def all_accounts(store: Journal) -> list[AccountRecord]:
    """Every account, by username."""
    with store.engine.connect() as conn:
        rows = conn.execute(sa.select(t.AccountRow.__table__).order_by(t.AccountRow.username)).all()
    return [_account(row) for row in rows]


def delete_account(store: Journal, username: str) -> bool:
    """Delete the account, its sessions and its failed logins; False if there was none."""
    with _writer(store).begin() as conn:
        conn.execute(sa.delete(t.SessionRow).where(t.SessionRow.username == username))
        conn.execute(sa.delete(t.LoginFailureRow).where(t.LoginFailureRow.username == username))
        gone = conn.execute(sa.delete(t.AccountRow).where(t.AccountRow.username == username))
    return bool(gone.rowcount)


def set_password(store: Journal, username: str, password_hash: str, now: dt.datetime) -> bool:
    """Store a new hash, clear the lock and failures, end every session (False: no account)."""
    with _writer(store).begin() as conn:
        changed = conn.execute(
            sa.update(t.AccountRow)
            .where(t.AccountRow.username == username)
            .values(password_hash=password_hash, locked_until=None, sessions_valid_after=_utc(now))
        )
        conn.execute(sa.delete(t.SessionRow).where(t.SessionRow.username == username))
        conn.execute(sa.delete(t.LoginFailureRow).where(t.LoginFailureRow.username == username))
    return bool(changed.rowcount)


def set_hash(store: Journal, username: str, password_hash: str) -> None:
    """Replace the stored hash only (a rehash with newer parameters after a login)."""
    with _writer(store).begin() as conn:
        conn.execute(
            sa.update(t.AccountRow)
            .where(t.AccountRow.username == username)
            .values(password_hash=password_hash)
        )


def lock_account(store: Journal, username: str, until: dt.datetime) -> None:
    """Refuse logins to `username` until `until`."""
    with _writer(store).begin() as conn:
        conn.execute(
            sa.update(t.AccountRow)
            .where(t.AccountRow.username == username)
            .values(locked_until=_utc(until))
        )


def end_sessions(store: Journal, username: str, now: dt.datetime) -> None:
    """End every session of `username` begun before `now` (logout everywhere)."""
    with _writer(store).begin() as conn:
        conn.execute(
            sa.update(t.AccountRow)
            .where(t.AccountRow.username == username)
            .values(sessions_valid_after=_utc(now))
        )
        conn.execute(sa.delete(t.SessionRow).where(t.SessionRow.username == username))


# sessions -----------------------------------------------------------------------------------


def insert_session(
    store: Journal, id_hash: str, username: str, now: dt.datetime, expires_at: dt.datetime
) -> None:
    """Store a new session (its id's hash only) and forget the account's failed logins."""
    with _writer(store).begin() as conn:
        conn.execute(
            sa.insert(t.SessionRow).values(
                id_hash=id_hash,
                username=username,
                created_at=_utc(now),
                last_seen_at=_utc(now),
                expires_at=_utc(expires_at),
            )
        )
        conn.execute(sa.delete(t.LoginFailureRow).where(t.LoginFailureRow.username == username))


def find_session(store: Journal, id_hash: str) -> tuple[SessionRecord, AccountRecord] | None:
    """The session with this id hash and its account, or None."""
    sessions, accounts = t.SessionRow.__table__, t.AccountRow.__table__
    query = (
        sa.select(
            sessions.c.created_at.label("s_created_at"),
            sessions.c.last_seen_at,
            sessions.c.expires_at,
            accounts,
        )
        .join(accounts, accounts.c.username == sessions.c.username)
        .where(sessions.c.id_hash == id_hash)
    )
    with store.engine.connect() as conn:
        row = conn.execute(query).one_or_none()
    if row is None:
        return None
    session = SessionRecord(
        username=row.username,
        created_at=row.s_created_at.replace(tzinfo=dt.UTC),
        last_seen_at=row.last_seen_at.replace(tzinfo=dt.UTC),
        expires_at=row.expires_at.replace(tzinfo=dt.UTC),
    )
    return session, _account(row)


def touch_session(store: Journal, id_hash: str, now: dt.datetime) -> None:
    """Record that the session was used at `now` (for the idle timeout)."""
    with _writer(store).begin() as conn:
        conn.execute(
            sa.update(t.SessionRow)
            .where(t.SessionRow.id_hash == id_hash)
            .values(last_seen_at=_utc(now))
        )


def delete_session(store: Journal, id_hash: str) -> None:
    """Forget one session (logout, or found expired)."""
    with _writer(store).begin() as conn:
        conn.execute(sa.delete(t.SessionRow).where(t.SessionRow.id_hash == id_hash))


# failed logins ------------------------------------------------------------------------------


def record_failure(store: Journal, username: str, address: str, now: dt.datetime) -> None:
    """Remember one failed login (names and addresses are cut to the column's size)."""
    with _writer(store).begin() as conn:
        conn.execute(
            sa.insert(t.LoginFailureRow).values(
                username=username[:64], address=address[:64], at=_utc(now)
            )
        )


def failures_since(
    store: Journal, *, since: dt.datetime, username: str, address: str
) -> tuple[int, int]:
    """How many failed logins since `since`: (for this username, from this address)."""
    failures = t.LoginFailureRow.__table__
    recent = failures.c.at >= _utc(since)
    by_name = sa.select(sa.func.count()).where(recent, failures.c.username == username[:64])
    by_address = sa.select(sa.func.count()).where(recent, failures.c.address == address[:64])
    with store.engine.connect() as conn:
        return conn.execute(by_name).scalar_one(), conn.execute(by_address).scalar_one()


def forget_failures_before(store: Journal, before: dt.datetime) -> None:
    """Drop failed logins older than `before` (they no longer count)."""
    with _writer(store).begin() as conn:
        conn.execute(sa.delete(t.LoginFailureRow).where(t.LoginFailureRow.at < _utc(before)))


def unname_failures(store: Journal, username: str) -> int:
    """Take `username` off its failed logins (erasing a person), keeping each row's address and
    time so the per-address limit still counts them; returns how many rows changed."""
    with _writer(store).begin() as conn:
        changed = conn.execute(
            sa.update(t.LoginFailureRow)
            .where(t.LoginFailureRow.username == username[:64])
            .values(username="")
        )
    return int(changed.rowcount or 0)
