"""The audit log of a multi-user server: every access to a person's data by someone else (a
clinician they shared with) is written here, and the person reads it on their Sharing page."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from b12pain.journal import sharing as rows
from b12pain.journal.store import Journal
from b12pain.service.context import Context

__all__ = ["AuditEvent", "audit_events", "record_access"]

#: How many events the Sharing page shows (newest first).
SHOWN = 200


@dataclass(frozen=True)
class AuditEvent:
    """One access: when (UTC), who (username and display name), what kind, and what."""

    at: dt.datetime
    actor: str
    actor_name: str
    action: str
    target: str


def record_access(
    store: Journal, *, owner: str, actor: str, now: dt.datetime, action: str, target: str = ""
) -> None:
    """Write that `actor` did `action` on `owner`'s `target` at `now`. An owner reading their
    own data is not an access by someone else, and is not written."""
    if actor == owner:
        return
    rows.add_audit_event(store, owner=owner, actor=actor, at=now, action=action, target=target)


def audit_events(ctx: Context, limit: int = SHOWN) -> list[AuditEvent]:
    """The newest accesses to `ctx.owner`'s data by others, newest first, with the actors'
    display names (an actor whose account has gone keeps their username)."""
    found = rows.audit_log(ctx.store, ctx.owner, limit)
    names = rows.accounts_named(ctx.store, {event.actor for event in found})
    return [
        AuditEvent(
            at=event.at,
            actor=event.actor,
            actor_name=names.get(event.actor, (event.actor, ""))[0],
            action=event.action,
            target=event.target,
        )
        for event in found
    ]
