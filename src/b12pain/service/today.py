"""The Today use case: what a person sees first when they open b12pain — the assessment of
their current profile (red flags first), what is due today (doses, reviews, tests) and their
recent pain.

Today is the page opened most often, and nothing on it changes until the journal does, so the
view is kept once computed (`service._cache.kept_until_changed`: until the owner's journal
changes, from any process, or the day, the zone or the knowledge turns). Kept views are shared
between requests: read them, never change them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from b12pain.clinical.result import Assessment
from b12pain.insights.schedule import DueItem
from b12pain.journal.records import Entry
from b12pain.service import diary, plans, profile
from b12pain.service._cache import BoundedCache, kept_until_changed
from b12pain.service.context import Context

#: Days of pain entries Today looks back over.
RECENT_DAYS = 7
#: Pain entries Today lists at most.
RECENT_SHOWN = 10


@dataclass(frozen=True)
class TodayView:
    """The current assessment (None before the first self-check), today's due items, and the
    newest pain entries of the last `RECENT_DAYS` days (newest first, at most `RECENT_SHOWN`)."""

    assessment: Assessment | None
    due: tuple[DueItem, ...]
    recent_pain: tuple[Entry, ...]


#: Views kept (a few owners × a few days is plenty; the least recently used go first).
_KEPT: BoundedCache[TodayView] = BoundedCache(maxsize=64)


def today_view(ctx: Context) -> TodayView:
    """`ctx.owner`'s Today as of `ctx.today`, computed once per journal state and day."""
    return kept_until_changed(_KEPT, ctx, lambda: _view(ctx))


def forget_kept_views() -> None:
    """Forget every kept view (the next call computes afresh; for benchmarks and tests)."""
    _KEPT.clear()


def _view(ctx: Context) -> TodayView:
    start = ctx.today - dt.timedelta(days=RECENT_DAYS - 1)
    recent = diary.list_entries(ctx, ["pain"], start=start)
    return TodayView(
        assessment=profile.assess_current(ctx),
        due=tuple(plans.due_today(ctx)),
        recent_pain=tuple(reversed(recent))[:RECENT_SHOWN],
    )
