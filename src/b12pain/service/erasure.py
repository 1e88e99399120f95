"""Deleting everything one person left on a multi-user server (the server-mode "delete
everything"): their entries and comments, their edit history, the shares they made and the shares
made with them, the audit log of their data, their preferences and their sessions.

The account itself stays: accounts are the admin's to add and remove, and the person signs in
again to an empty diary. When the admin removes an account, `erase_person` runs first, so a new
account later given the same username never inherits anyone's diary.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from b12pain.errors import ConflictError
from b12pain.journal import sharing as rows
from b12pain.journal.store import Journal

__all__ = ["Erased", "erase_person", "remove_account_and_data"]


@dataclass(frozen=True)
class Erased:
    """How many entries went, and how many other rows (shares, audit events, sessions ...)."""

    entries: int
    other_rows: int


def erase_person(store: Journal, username: str) -> Erased:
    """Delete every row of `username` except their account (see the module's note). Their
    sessions end, so every browser they are signed in on is signed out."""
    other = rows.erase_owner(store, username)
    entries = store.delete_all(owner=username)  # last: on SQLite it also truncates the log
    return Erased(entries, other)


def remove_account_and_data(store: Journal, username: str, *, by: str, now: dt.datetime) -> Erased:
    """The admin's "remove": everything `username` left (`erase_person`), then the account.
    `NotFoundError` when there is no such account; an admin cannot remove their own account
    (`ConflictError`: another admin does, so the server always keeps one)."""
    from b12pain.errors import NotFoundError
    from b12pain.service.accounts import get_account, remove_account
    from b12pain.service.sharing import USERNAME

    if not USERNAME.match(username):  # names no account (and PostgreSQL refuses a NUL)
        raise NotFoundError.single("username", username, "the name of an existing account")

    if username == by:
        raise ConflictError.single(
            "username", username, "another account's name (your own is removed by another admin)"
        )
    get_account(store, username)  # NotFoundError before anything is deleted
    erased = erase_person(store, username)
    remove_account(store, username, now=now)
    return erased
