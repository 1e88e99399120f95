"""Insight use cases: the dashboard of trends, adherence, labs, intake, "is it helping?" and
factor effects over a person's own entries, as of `ctx.today`, and the timeline of pain, B12
results and doses drawn on one time axis.

The journal is read for the period the dashboard looks at (the last `LOOKBACK_DAYS`, plus the
weeks before the supplement start that "is it helping?" compares with), so its cost follows that
period and not the size of a journal kept for years.

The page's view (`insights_view`: the dashboard and the timeline) is kept once computed, in a
bounded thread-safe cache (`service._cache`) keyed by value: the journal's location, the owner,
the owner's journal revision (`journal.revision`, which changes with every add, edit, delete,
undo or import, from any process), the day, the time zone, the knowledge version and the
owner's preferences. A page opened again before anything changed costs one aggregate query
instead of reading a year of entries. Kept views are shared: read them, never change them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from b12pain.insights import Dashboard, dashboard
from b12pain.insights.dashboard import LabPoint
from b12pain.insights.helping import LAG_DAYS, WINDOW_DAYS
from b12pain.journal.records import DoseEvent
from b12pain.journal.series import read_series, supplement_start
from b12pain.service._cache import BoundedCache, kept_until_changed
from b12pain.service.context import Context
from b12pain.service.intake import intake_target
from b12pain.service.preferences import Preferences, get_preferences
from b12pain.service.when import day_bounds

#: Days read for the dashboard: factor effects are over the last year of entries; every other
#: view looks at 12 weeks or less.
LOOKBACK_DAYS = 365
#: B12 tests the timeline can show, in the order it prefers them.
TIMELINE_TESTS = ("total_b12", "active_b12")

NOT_ADVICE = (
    "Not medical advice: these are your own entries summarised; discuss changes with a clinician."
)


@dataclass(frozen=True)
class Timeline:
    """Weekly pain, one B12 test's results (in the person's chosen unit where it converts) and
    the days with a dose taken (or taken late), for one time axis."""

    weekly_pain: tuple[tuple[dt.date, float], ...]
    b12_test: str | None
    b12_unit: str
    b12: tuple[tuple[dt.date, float], ...]
    dose_days: tuple[dt.date, ...]


@dataclass(frozen=True)
class InsightsView:
    """What the Insights page shows: the dashboard and the timeline, from one journal state."""

    dashboard: Dashboard
    timeline: Timeline


#: Dashboards and timelines kept (a few owners × a few days is plenty; old ones go first).
_KEPT: BoundedCache[InsightsView] = BoundedCache(maxsize=64)


def insights(ctx: Context) -> Dashboard:
    """Every insight over `ctx.owner`'s entries as of `ctx.today` (kept until they change)."""
    return insights_view(ctx).dashboard


def insights_view(ctx: Context, *, in_reference_units: bool = False) -> InsightsView:
    """The dashboard and the timeline of `ctx.owner` as of `ctx.today`: weekly pain (the
    dashboard's 12 weeks), the results of the first B12 test in `TIMELINE_TESTS` that has any
    (in the person's chosen unit; with `in_reference_units`, as a clinician reads them, in the
    laboratory reference unit whatever the person chose), and the days with a dose taken from
    the first of those days on. Computed once per journal state, day, zone and preferences,
    then kept."""
    chosen = Preferences() if in_reference_units else get_preferences(ctx)
    return kept_until_changed(_KEPT, ctx, lambda: _view(ctx, chosen), chosen)


def forget_kept_views() -> None:
    """Forget every kept view (the next call computes afresh; for benchmarks and tests)."""
    _KEPT.clear()


def _view(ctx: Context, chosen: Preferences) -> InsightsView:
    board = _dashboard(ctx)
    return InsightsView(board, _timeline(ctx, board, chosen))


def _dashboard(ctx: Context) -> Dashboard:
    since = ctx.today - dt.timedelta(days=LOOKBACK_DAYS - 1)
    start = supplement_start(ctx.store, owner=ctx.owner)
    window = None
    if start is not None:
        window = (
            start - dt.timedelta(days=WINDOW_DAYS),
            start + dt.timedelta(days=LAG_DAYS + WINDOW_DAYS),
        )
    series = read_series(ctx.store, owner=ctx.owner, since=since, pain_window=window)
    return dashboard(series, ctx.today, intake_target(ctx))


def _timeline(ctx: Context, board: Dashboard, chosen: Preferences) -> Timeline:
    weekly = tuple(board.weekly_pain.items())
    test = next((t for t in TIMELINE_TESTS if t in board.labs), None)
    points = board.labs.get(test, ()) if test else ()
    unit = points[0].reference_unit if points else ""
    b12 = tuple((p.day, p.reference_value) for p in points)
    if test == "total_b12" and chosen.b12_unit is not None and points:
        converted = _in_unit(points, chosen.b12_unit)
        if converted is not None:
            unit, b12 = chosen.b12_unit, converted
    first = min((day for day, _ in weekly + b12), default=None)
    doses: tuple[dt.date, ...] = ()
    if first is not None:
        lower, upper = day_bounds(first, None, ctx.now.tzinfo)
        doses = tuple(
            sorted(
                {
                    record.at.date()
                    for record in ctx.store.entries(["dose"], lower, upper, owner=ctx.owner)
                    if isinstance(record, DoseEvent) and record.status in ("taken", "late")
                }
            )
        )
    return Timeline(weekly, test, unit, b12, doses)


def _in_unit(points: tuple[LabPoint, ...], unit: str) -> tuple[tuple[dt.date, float], ...] | None:
    """Total-B12 points in `unit` through the cited conversions; None if one does not convert."""
    from b12pain.clinical.units import to_unit

    try:
        return tuple((p.day, round(to_unit("total_b12", p.value, p.unit, unit), 1)) for p in points)
    except (ValueError, KeyError):
        return None
