"""Today and the diary's recent days are kept per journal state, and every change is seen at once.

`service.today.today_view` and `service.diary.recent_days` keep what they computed through
`service._cache.kept_until_changed`, keyed by values (the journal's address, the owner, the
owner's `journal.revision`, the day, the zone, the knowledge version, and the diary's kinds and
days). These tests show that a second call is served from what was kept and that each way of
changing what the page shows (a pain entry, a profile with a red flag, a dose checked off, an
edit, a delete and its undo, a comment, a write through another connection, a new day) gives the
new answer at once. They run on SQLite and PostgreSQL.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator

import pytest

from b12pain.journal import Journal
from b12pain.service import diary, plans, profile, today
from b12pain.service.context import Context
from servicekit import NOW, context, later

SHOWN = ("pain", "sleep", "symptoms")


@pytest.fixture
def store(journal_url: str) -> Iterator[Journal]:
    with Journal.open(journal_url) as journal:
        yield journal


def tick(ctx: Context) -> Context:
    """The same context a moment later (each request reads the clock)."""
    return dataclasses.replace(ctx, now=ctx.now + dt.timedelta(milliseconds=1))


def ratings(ctx: Context) -> list[int]:
    return [entry.nrs for entry in today.today_view(ctx).recent_pain]  # type: ignore[attr-defined]


def listed(ctx: Context) -> list[str]:
    return [e.kind for day in diary.recent_days(ctx, SHOWN, 14) for e in day.entries]


def test_a_second_call_is_served_from_what_was_kept(store: Journal) -> None:
    ctx = context(store)
    diary.log_pain(ctx, diary.PainInput(4))
    first, days = today.today_view(ctx), diary.recent_days(ctx, SHOWN, 14)
    assert today.today_view(tick(ctx)) is first
    assert diary.recent_days(tick(ctx), SHOWN, 14) is days
    # Other kinds or another number of days are another view.
    assert diary.recent_days(ctx, ("sleep",), 14) == ()
    assert diary.recent_days(ctx, SHOWN, 7) is not days


def test_today_sees_pain_profiles_and_doses_at_once(store: Journal) -> None:
    ctx = context(store)
    assert today.today_view(ctx) == today.TodayView(None, (), ())
    diary.log_pain(ctx := tick(ctx), diary.PainInput(3))
    assert ratings(ctx) == [3]
    profile.save_profile(ctx := tick(ctx), {"age": 50, "symptoms": ["saddle_numbness"]})
    view = today.today_view(ctx)
    assert view.assessment is not None and view.assessment.red_flags[0].id == "cauda_equina"
    plan = plans.record_own_supplement(ctx := tick(ctx), plans.OwnSupplementInput(500)).plan
    (due,) = today.today_view(ctx).due
    assert (due.kind, due.plan_uid, due.done) == ("dose", plan.uid, False)
    plans.log_dose(ctx := tick(ctx), plans.DoseInput(plan=plan.uid))
    assert [item.done for item in today.today_view(ctx).due] == [True]


def test_edits_deletes_undo_and_comments_are_seen(store: Journal) -> None:
    ctx = context(store)
    first = diary.log_pain(ctx, diary.PainInput(2))
    diary.log_sleep(ctx := tick(ctx), diary.SleepInput(7))
    assert ratings(ctx) == [2] and listed(ctx) == ["sleep", "pain"]
    diary.edit_entry(ctx := tick(ctx), first.uid, diary.EntryChanges({"nrs": 8}))
    assert ratings(ctx) == [8]
    diary.delete_entry(ctx := tick(ctx), first.uid)
    assert ratings(ctx) == [] and listed(ctx) == ["sleep"]
    diary.undo_last_change(ctx := tick(ctx))
    assert ratings(ctx) == [8] and sorted(listed(ctx)) == ["pain", "sleep"]
    diary.add_comment(ctx := tick(ctx), first.uid, "after a long walk")
    (pain,) = today.today_view(ctx).recent_pain
    assert [c.text for c in pain.comments] == ["after a long walk"]
    (shown,) = [e for d in diary.recent_days(ctx, SHOWN, 14) for e in d.entries if e.kind == "pain"]
    assert [c.text for c in shown.comments] == ["after a long walk"]


def test_a_write_through_another_connection_and_a_new_day_are_seen(store: Journal) -> None:
    ctx = context(store)
    diary.log_pain(ctx, diary.PainInput(2))
    assert ratings(ctx) == [2]
    url = store.engine.url.render_as_string(hide_password=False)
    with Journal.open(url) as other:  # e.g. the CLI beside the running web app
        diary.log_pain(context(other, now=NOW + dt.timedelta(minutes=5)), diary.PainInput(6))
    assert ratings(ctx) == [6, 2]
    assert ratings(later(ctx, days=7)) == []  # out of the last 7 days
    assert listed(later(ctx, days=14)) == []


def test_days_are_newest_first_with_their_entries_newest_first(store: Journal) -> None:
    ctx = context(store)
    for hours_ago, nrs in ((30, 1), (2, 4), (1, 5)):
        diary.log_pain(ctx, diary.PainInput(nrs, at=NOW - dt.timedelta(hours=hours_ago)))
    days = diary.recent_days(ctx, SHOWN, 14)
    assert [d.day for d in days] == [NOW.date(), NOW.date() - dt.timedelta(days=1)]
    assert [[e.nrs for e in d.entries] for d in days] == [[5, 4], [1]]  # type: ignore[attr-defined]


def test_owners_never_share_a_view(store: Journal) -> None:
    alice, bob = context(store, "alice"), context(store, "bob")
    diary.log_pain(alice, diary.PainInput(9))
    assert ratings(alice) == [9]
    assert ratings(bob) == [] and listed(bob) == []
