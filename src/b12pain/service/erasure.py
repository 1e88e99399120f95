"""Deleting everything one person left on a multi-user server (the server-mode "delete
everything"): their entries and comments, their edit history, the shares they made and the shares
made with them, the audit log of their data, their preferences and their sessions; and their
name on failed logins.

Failed logins are counted per username and per address (`service.accounts`). Erasing a person
takes their username off those rows but keeps each row's address and time: the per-address limit
must keep counting (an attacker's failures do not vanish because their target erased their
diary), while nothing left names the person, and a later account with the same username starts
with no failures against it. The rows still go at the end of the login window, as all do.

The account itself stays: accounts are the admin's to add and remove, and the person signs in
again to an empty diary. When the admin removes an account, `erase_person` runs first, so a new
account later given the same username never inherits anyone's diary.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from b12pain.errors import ConflictError
from b12pain.journal import accounts as account_rows
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
    other += account_rows.unname_failures(store, username)
    entries = store.delete_all(owner=username)  # last: on SQLite it also truncates the log
    return Erased(entries, other)


def remove_account_and_data(store: Journal, username: str, *, by: str, now: dt.datetime) -> Erased:
    """The admin's "remove": everything `username` left (`erase_person`), then the account.
    `NotFoundError` when there is no such account; an admin cannot remove their own account
    (`ConflictError`: another admin does, so the server always keeps one)."""
    from b12pain.errors import NotFoundError
    from b12pain.service.accounts import get_account, is_username, remove_account

    if not is_username(username):  # names no account (and PostgreSQL refuses a NUL)
        raise NotFoundError.single("username", username, "the name of an existing account")

    if username == by:
        raise ConflictError.single(
            "username", username, "another account's name (your own is removed by another admin)"
        )
    get_account(store, username)  # NotFoundError before anything is deleted
    erased = erase_person(store, username)
    remove_account(store, username, now=now)
    return erased
