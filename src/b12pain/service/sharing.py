"""Sharing on a multi-user server: a person shares their diary with a named clinician and can
revoke it (access stops at once); a clinician lists the people who shared with them, most urgent
first, and reads one of them through a read-only `Context` that writes an audit event.

Another person's data is "not found" unless they shared it with this clinician right now: the
answer never says whether the person exists. Every read by a clinician is in the owner's audit log.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from b12pain.clinical.result import URGENCY_ORDER, RedFlag, Urgency
from b12pain.errors import InputError, NotFoundError
from b12pain.journal import sharing as rows
from b12pain.journal.records import Comment
from b12pain.journal.store import Journal
from b12pain.knowledge import KnowledgeBase
from b12pain.service.audit import record_access
from b12pain.service.context import Context

__all__ = [
    "RED_FLAG_DAYS",
    "USERNAME",
    "LatestPain",
    "Patient",
    "ReceivedComment",
    "Share",
    "Viewer",
    "comment_on_entry",
    "comments_received",
    "patient_context",
    "patients_of",
    "person_name",
    "red_flags_of",
    "revoke",
    "share",
    "shares_of",
]

#: A username, by the same rule as `Context.owner`; anything else names no account (and is
#: refused before the database sees it).
USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@:-]{0,63}$")
#: Symptoms ticked in the diary this many days back count towards a person's red flags.
RED_FLAG_DAYS = 30
#: Days of pain entries read for the latest pain on the patient list.
PAIN_DAYS = 14


class Viewer(Protocol):
    """Who is reading: any signed-in account (`service.accounts.Account` fits)."""

    @property
    def username(self) -> str: ...

    @property
    def display_name(self) -> str: ...

    @property
    def role(self) -> str: ...


@dataclass(frozen=True)
class Share:
    """A share the person made: with whom (username and name), since when, revoked when."""

    clinician: str
    clinician_name: str
    since: dt.datetime
    revoked_at: dt.datetime | None

    @property
    def active(self) -> bool:
        """True until revoked."""
        return self.revoked_at is None


@dataclass(frozen=True)
class LatestPain:
    """A person's latest pain rating: when, and 0-10."""

    at: dt.datetime
    nrs: int


@dataclass(frozen=True)
class Patient:
    """One person on a clinician's list: red flags first, then the latest pain."""

    username: str
    display_name: str
    shared_since: dt.datetime
    red_flags: tuple[RedFlag, ...]
    latest_pain: LatestPain | None

    @property
    def urgency(self) -> Urgency:
        """The most pressing red flag's urgency (`none` without red flags)."""
        return self.red_flags[0].urgency if self.red_flags else "none"


@dataclass(frozen=True)
class ReceivedComment:
    """A comment someone else wrote on one of the person's entries."""

    entry_uid: str
    entry_kind: str
    at: dt.datetime
    author: str
    text: str


def _no_clinician(clinician: str) -> InputError:
    return InputError.single(
        "clinician", clinician, "the username of a clinician account on this server"
    )


def share(ctx: Context, clinician: str) -> Share:
    """Share `ctx.owner`'s diary with the clinician whose username is `clinician`. `InputError`
    unless such a clinician account exists; `ConflictError` if it is shared with them already."""
    name = clinician.strip()
    found = rows.accounts_named(ctx.store, [name]) if USERNAME.match(name) else {}
    if name not in found or found[name][1] != "clinician" or name == ctx.owner:
        raise _no_clinician(clinician)
    made = rows.add_share(ctx.store, ctx.owner, name, ctx.now)
    return Share(name, found[name][0], made.created_at, None)


def revoke(ctx: Context, clinician: str) -> None:
    """Stop sharing `ctx.owner`'s diary with `clinician`, at once (their next request is refused).
    `NotFoundError` when the diary is not shared with them."""
    name = clinician.strip()
    if not USERNAME.match(name):
        raise NotFoundError.single("clinician", clinician, "a clinician your diary is shared with")
    rows.revoke_share(ctx.store, ctx.owner, name, ctx.now)


def shares_of(ctx: Context) -> list[Share]:
    """Every share `ctx.owner` made: active ones first, then revoked ones, newest first."""
    made = rows.shares_of_owner(ctx.store, ctx.owner)
    names = rows.accounts_named(ctx.store, {s.clinician for s in made})
    found = [
        Share(s.clinician, names.get(s.clinician, (s.clinician, ""))[0], s.created_at, s.revoked_at)
        for s in made
    ]
    return sorted(found, key=lambda s: not s.active)


def _not_shared(person: str) -> NotFoundError:
    return NotFoundError.single(
        "person", person, "someone who has shared their diary with you (see your patient list)"
    )


def patient_context(
    store: Journal,
    kb: KnowledgeBase,
    viewer: Viewer,
    person: str,
    *,
    now: dt.datetime,
    action: str,
    target: str = "",
) -> Context:
    """The context for reading `person`'s data as `viewer`, and an audit event saying so.

    `NotFoundError` unless `viewer` is a clinician `person` shares with right now; the same
    answer whether or not `person` exists. Callers only read through it (the clinician's pages
    call read use cases; `comment_on_entry` is the one write)."""
    if viewer.role != "clinician" or person == viewer.username or not USERNAME.match(person):
        raise _not_shared(person)
    if not rows.active_share(store, person, viewer.username):
        raise _not_shared(person)
    ctx = Context(store=store, kb=kb, owner=person, now=now, today=now.date())
    record_access(store, owner=person, actor=viewer.username, now=now, action=action, target=target)
    return ctx


def person_name(ctx: Context) -> str:
    """The display name of `ctx.owner`'s account (the username when there is none)."""
    return rows.accounts_named(ctx.store, [ctx.owner]).get(ctx.owner, (ctx.owner, ""))[0]


def red_flags_of(ctx: Context) -> tuple[RedFlag, ...]:
    """`ctx.owner`'s red flags now: from their current profile (as the self-check saved it) and
    the symptoms ticked in the diary in the last `RED_FLAG_DAYS` days, most urgent first."""
    glance = _glances(ctx.store, [ctx.owner], ctx.now)[ctx.owner]
    return _red_flags(glance)


def _glances(store: Journal, owners: Sequence[str], now: dt.datetime) -> dict[str, rows.Glance]:
    return rows.glances(
        store,
        owners,
        symptoms_since=now - dt.timedelta(days=RED_FLAG_DAYS),
        pain_since=now - dt.timedelta(days=PAIN_DAYS),
    )


def _red_flags(glance: rows.Glance) -> tuple[RedFlag, ...]:
    """The red flags of a profile and the symptoms ticked lately (as the clinician report reads
    them: without a profile, age 0 only fills the required field)."""
    from b12pain.clinical.profile import Profile
    from b12pain.clinical.triage import red_flags

    symptoms = list((glance.profile or {}).get("symptoms", ()))
    symptoms += [s for s in glance.symptoms if s not in symptoms]
    if not symptoms:
        return ()
    data: dict[str, object] = {**(glance.profile or {"age": 0}), "symptoms": symptoms}
    try:
        profile = Profile.model_validate(data)
    except ValueError:  # a profile saved by an older version: red flags from symptoms alone
        profile = Profile(age=0, symptoms=tuple(symptoms))
    return red_flags(profile)


def patients_of(
    store: Journal, kb: KnowledgeBase, viewer: Viewer, *, now: dt.datetime
) -> list[Patient]:
    """The people who share their diary with `viewer` (a clinician) right now: red flags first
    (emergencies, then urgent), then the highest latest pain, then by name. Reading each
    person's red flags and latest pain is written to their audit log. A few queries in all,
    however many patients."""
    del kb  # red flags come from the shipped catalogue (clinical.triage)
    if viewer.role != "clinician":
        return []
    panel = rows.patient_panel(
        store,
        viewer.username,
        symptoms_since=now - dt.timedelta(days=RED_FLAG_DAYS),
        pain_since=now - dt.timedelta(days=PAIN_DAYS),
    )
    rows.add_audit_events(
        store,
        [line.share.owner for line in panel],
        actor=viewer.username,
        at=now,
        action="patient list",
        target="red flags and latest pain",
    )
    found = []
    for line in panel:
        latest = line.glance.latest_pain
        found.append(
            Patient(
                username=line.share.owner,
                display_name=line.display_name,
                shared_since=line.share.created_at,
                red_flags=_red_flags(line.glance),
                latest_pain=LatestPain(*latest) if latest is not None else None,
            )
        )
    return sorted(found, key=_most_urgent_first)


def _most_urgent_first(patient: Patient) -> tuple[int, int, str]:
    pain = patient.latest_pain.nrs if patient.latest_pain is not None else -1
    return (URGENCY_ORDER.index(patient.urgency), -pain, patient.display_name.lower())


def comment_on_entry(
    store: Journal,
    kb: KnowledgeBase,
    viewer: Viewer,
    person: str,
    entry_id: str,
    text: str,
    *,
    now: dt.datetime,
) -> tuple[str, Comment]:
    """`viewer` (a clinician `person` shares with) comments on one of `person`'s entries; the
    comment's author is the clinician's display name. Written to the person's audit log."""
    from b12pain.service.diary import add_comment

    ctx = patient_context(
        store, kb, viewer, person, now=now, action="comment", target=f"entry {entry_id[:32]}"
    )
    return add_comment(ctx, entry_id, text, author=viewer.display_name)


def comments_received(ctx: Context, limit: int = 20) -> list[ReceivedComment]:
    """The newest comments others (clinicians) wrote on `ctx.owner`'s entries, newest first."""
    return [
        ReceivedComment(c.entry_uid, c.entry_kind, c.at, c.author, c.text)
        for c in rows.comments_by_others(ctx.store, ctx.owner, limit)
    ]
