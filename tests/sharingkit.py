"""Helpers for the sharing tests: accounts written straight into the `accounts` table (no
password hashing, which the service-level tests do not need) and a viewer for each."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa

from b12pain.journal import tables as t
from b12pain.journal.store import Journal

CREATED = dt.datetime(2026, 11, 1, 8, 0)


@dataclass(frozen=True)
class Viewer:
    """A signed-in account as the service layer sees it (the shape of `service.accounts.Account`)."""

    username: str
    display_name: str
    role: str


def account(store: Journal, username: str, role: str, display_name: str | None = None) -> Viewer:
    """Write an account row (its password hash is a placeholder no login accepts)."""
    name = display_name or username.capitalize()
    with store.engine.begin() as conn:
        conn.execute(
            sa.insert(t.AccountRow).values(
                username=username,
                display_name=name,
                role=role,
                password_hash="!",
                created_at=CREATED,
                sessions_valid_after=CREATED,
                locked_until=None,
            )
        )
    return Viewer(username, name, role)


def count(store: Journal, table: type[t.Base], **where: str) -> int:
    """How many rows of `table` match `where` (column = value)."""
    columns = t.Base.metadata.tables[table.__tablename__].c
    query = sa.select(sa.func.count()).select_from(table)
    for column, value in where.items():
        query = query.where(columns[column] == value)
    with store.engine.connect() as conn:
        return int(conn.execute(query).scalar_one())
