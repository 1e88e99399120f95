"""The Insights view is kept per journal state, and every change to the journal is seen.

`service.insights.insights_view` keeps what it computed under a key made of values (the
journal's location, the owner, the owner's `journal.revision`, the day, the zone, the knowledge
version, the preferences). These tests show that a second call is served from what was kept,
and that each way of changing the journal (add, edit, delete, undo — including an edit, an undo
and a different edit of the newest entry, whose id SQLite may reuse — a comment, an import,
delete everything, a write through another connection, a new day, a preference) gives the new
answer at once. They run on SQLite and PostgreSQL.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
from collections.abc import Iterator

import pytest

from b12pain.journal import Journal
from b12pain.journal.revision import revision
from b12pain.service import diary, insights, labs, preferences, transfer
from b12pain.service._cache import BoundedCache
from b12pain.service.context import Context
from servicekit import NOW, context, later


@pytest.fixture
def store(journal_url: str) -> Iterator[Journal]:
    with Journal.open(journal_url) as journal:
        yield journal


def mean(ctx: Context) -> float | None:
    return insights.insights_view(ctx).dashboard.recent_pain_mean


def test_a_second_call_is_served_from_what_was_kept(store: Journal) -> None:
    ctx = context(store)
    diary.log_pain(ctx, diary.PainInput(4))
    first = insights.insights_view(ctx)
    assert insights.insights_view(ctx) is first
    assert insights.insights(ctx) is first.dashboard
    # Another Journal object on the same database, same owner, same state: the same value.
    with Journal.open(_url(store)) as again:
        assert insights.insights_view(context(again)) is first


def _url(store: Journal) -> str:
    return store.engine.url.render_as_string(hide_password=False)


def tick(ctx: Context) -> Context:
    """The same context a moment later (each request reads the clock)."""
    return dataclasses.replace(ctx, now=ctx.now + dt.timedelta(milliseconds=1))


def test_adding_editing_deleting_and_undoing_are_seen(store: Journal) -> None:
    ctx = context(store)
    first = diary.log_pain(ctx, diary.PainInput(2))
    assert mean(ctx) == 2
    newest = diary.log_pain(ctx := tick(ctx), diary.PainInput(6))
    assert mean(ctx) == 4
    diary.edit_entry(ctx := tick(ctx), newest.uid, diary.EntryChanges({"nrs": 8}))
    assert mean(ctx) == 5
    diary.undo_last_change(ctx := tick(ctx))
    assert mean(ctx) == 4
    # Edit, undo, edit again: the newest entry and the undo row may keep their ids on SQLite;
    # the change's own time tells the two edits apart.
    diary.edit_entry(ctx := tick(ctx), newest.uid, diary.EntryChanges({"nrs": 10}))
    assert mean(ctx) == 6
    diary.delete_entry(ctx := tick(ctx), first.uid)
    assert mean(ctx) == 10
    diary.undo_last_change(ctx := tick(ctx))
    assert mean(ctx) == 6


def test_delete_then_add_in_place_of_the_newest_entry_is_seen(store: Journal) -> None:
    ctx = context(store)
    diary.log_pain(ctx, diary.PainInput(2))
    newest = diary.log_pain(ctx, diary.PainInput(4))
    assert mean(ctx) == 3
    diary.delete_entry(ctx, newest.uid)
    diary.log_pain(ctx, diary.PainInput(8))  # may take the deleted row's id on SQLite
    assert mean(ctx) == 5


def test_labs_imports_and_delete_everything_are_seen(store: Journal) -> None:
    ctx = context(store)
    assert insights.insights_view(ctx).timeline.b12 == ()
    labs.add_lab(ctx, labs.LabInput("total_b12", 271, "ng/L", NOW.date()))
    assert [v for _, v in insights.insights_view(ctx).timeline.b12] == [271]
    document = transfer.export_journal(ctx)
    transfer.delete_everything(ctx)
    assert insights.insights_view(ctx).timeline.b12 == ()
    transfer.import_document(ctx, document)
    assert [v for _, v in insights.insights_view(ctx).timeline.b12] == [271]


def test_a_write_through_another_connection_is_seen(store: Journal) -> None:
    ctx = context(store)
    diary.log_pain(ctx, diary.PainInput(2))
    assert mean(ctx) == 2
    with Journal.open(_url(store)) as other:  # e.g. the CLI beside the running web app
        diary.log_pain(context(other), diary.PainInput(6))
    assert mean(ctx) == 4


def test_comments_and_a_stopped_plan_change_the_revision(store: Journal) -> None:
    ctx = context(store)
    pain = diary.log_pain(ctx, diary.PainInput(2))
    before = revision(store, owner="local")
    diary.add_comment(ctx, pain.uid, "after a long walk")
    commented = revision(store, owner="local")
    assert commented != before
    from b12pain.service import plans

    plan = plans.record_own_supplement(ctx, plans.OwnSupplementInput(500)).plan
    started = revision(store, owner="local")
    plans.stop_plan(ctx, plan.uid)
    assert revision(store, owner="local") not in (started, commented, before)


def test_a_new_day_the_zone_and_preferences_give_a_new_view(store: Journal) -> None:
    ctx = context(store)
    diary.log_pain(ctx, diary.PainInput(3))
    today = insights.insights_view(ctx)
    assert today.dashboard.recent_pain_mean == 3
    tomorrow = later(ctx, days=31)
    assert insights.insights_view(tomorrow).dashboard.recent_pain_mean is None  # out of 30 days
    labs.add_lab(ctx, labs.LabInput("total_b12", 271, "ng/L", NOW.date()))
    assert insights.insights_view(ctx).timeline.b12_unit == "ng/L"
    preferences.save_preferences(ctx, {"b12_unit": "pmol/L"})
    line = insights.insights_view(ctx).timeline
    assert (line.b12_unit, [v for _, v in line.b12]) == ("pmol/L", [200.0])


def test_owners_never_share_a_view(store: Journal) -> None:
    alice, bob = context(store, "alice"), context(store, "bob")
    diary.log_pain(alice, diary.PainInput(9))
    assert mean(alice) == 9
    assert mean(bob) is None
    assert revision(store, owner="alice") != revision(store, owner="bob")


def test_an_in_memory_journal_is_never_kept() -> None:
    with Journal.open("sqlite://") as store:
        ctx = context(store)
        assert insights.insights_view(ctx) is not insights.insights_view(ctx)


# the cache itself --------------------------------------------------------------------------------


def test_the_cache_keeps_at_most_maxsize_values_dropping_the_least_recently_used() -> None:
    cache: BoundedCache[str] = BoundedCache(maxsize=2)
    assert cache.get_or_compute("a", lambda: "A") == "A"
    assert cache.get_or_compute("b", lambda: "B") == "B"
    assert cache.get_or_compute("a", lambda: "not computed again") == "A"  # a is now newest
    assert cache.get_or_compute("c", lambda: "C") == "C"
    assert len(cache) == 2
    assert cache.get_or_compute("b", lambda: "B again") == "B again"  # b had gone
    assert cache.get_or_compute("a", lambda: "A again") == "A again"
    with pytest.raises(ValueError, match="maxsize"):
        BoundedCache(maxsize=0)


def test_many_threads_asking_for_the_same_key_compute_it_once() -> None:
    cache: BoundedCache[int] = BoundedCache(maxsize=4)
    calls: list[int] = []
    release = threading.Event()

    def compute() -> int:
        calls.append(1)
        release.wait(10)
        return 42

    results: list[int] = []
    threads = [
        threading.Thread(target=lambda: results.append(cache.get_or_compute("k", compute)))
        for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    release.set()
    for thread in threads:
        thread.join(10)
    assert results == [42] * 8 and calls == [1]


def test_a_failed_computation_is_not_kept() -> None:
    cache: BoundedCache[int] = BoundedCache(maxsize=4)

    def broken() -> int:
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError):
        cache.get_or_compute("k", broken)
    assert cache.get_or_compute("k", lambda: 7) == 7
