"""Deleting everything one person left on a multi-user server (the server-mode "delete
everything"): their entries and comments, their edit history, the shares they made and the shares
made with them, the audit log of their data, their preferences and their sessions.

The account itself stays: accounts are the admin's to add and remove, and the person signs in
again to an empty diary. When the admin removes an account, `erase_person` runs first, so a new
account later given the same username never inherits anyone's diary.
"""

from __future__ import annotations

from dataclasses import dataclass

from b12pain.journal import sharing as rows
from b12pain.journal.store import Journal

__all__ = ["Erased", "erase_person"]


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
