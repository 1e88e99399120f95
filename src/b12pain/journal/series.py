"""Read the journal into the plain series that `insights` works on (one query per kind)."""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm

from b12pain.insights.schedule import DueItem, PlanView, Step, due_on
from b12pain.insights.series import (
    DoseReading,
    FactorReading,
    FoodReading,
    LabReading,
    PainReading,
    Series,
)
from b12pain.journal import tables as t
from b12pain.journal.records import PlanEntry, StockCount
from b12pain.journal.store import Journal
from b12pain.journal.tables import LOCAL_OWNER

_E = t.EntryRow


def _local_day(dialect: str) -> sa.ColumnElement[Any]:
    """SQL for the person's own day of an entry (UTC time shifted by its offset), as a date.

    Computed by the database, so no stored timestamp has to be parsed in Python (the series
    needs days only); it equals `Entry.day` of the record.
    """
    if dialect == "sqlite":
        shift = sa.func.printf("%+d minutes", _E.utc_offset_minutes)
        return sa.type_coerce(sa.func.date(_E.recorded_at, shift), _IsoDate())
    minutes = sa.func.make_interval(0, 0, 0, 0, 0, _E.utc_offset_minutes)
    return sa.cast(_E.recorded_at + minutes, sa.Date)


class _IsoDate(sa.types.TypeDecorator[dt.date]):
    """A `YYYY-MM-DD` text result read as a date (fast C parsing)."""

    impl = sa.String
    cache_ok = True

    def process_result_value(self, value: Any, dialect: Any) -> dt.date | None:
        return None if value is None else _iso_day(value)


@functools.lru_cache(maxsize=4096)
def _iso_day(text: str) -> dt.date:
    """Days repeat (ten entries a day), so each distinct day is parsed once."""
    return dt.date.fromisoformat(text)


def read_series(
    journal: Journal,
    *,
    owner: str = LOCAL_OWNER,
    since: dt.date | None = None,
    pain_window: tuple[dt.date, dt.date] | None = None,
) -> Series:
    """`owner`'s pain, doses, lifestyle, labs and foods by their own day, plus the supplement
    start. With `since`, only days from `since` on are read (labs, which are few, all of them),
    plus pain in `pain_window` (the "is it helping?" before-window), so the cost follows the
    period asked for, not the size of the journal."""
    day = _local_day(journal.engine.dialect.name).label("day")
    mine = _E.owner == owner
    recent: list[sa.ColumnElement[bool]] = []
    pain_ranges: list[list[sa.ColumnElement[bool]]] = [[]]
    if since is not None:
        recent.append(_E.recorded_at >= _utc_floor(since))
        pain_ranges = [list(recent)]
        if pain_window is not None and pain_window[0] < since:
            # The before-window is read as its own range (one index range each, so the
            # years between are never scanned).
            upper = min(since, pain_window[1] + dt.timedelta(days=1))
            pain_ranges.append(
                [
                    _E.recorded_at >= _utc_floor(pain_window[0]),
                    _E.recorded_at < _utc_floor(upper),
                ]
            )
    with journal.engine.connect() as conn:
        pain_rows: dict[int, tuple[dt.datetime, dt.date, int]] = {}
        for bounds in pain_ranges:
            for entry_id, at, d, nrs in conn.execute(
                sa.select(_E.id, _E.recorded_at, day, t.PainEntryRow.nrs)
                .join(t.PainEntryRow)
                .where(mine, _E.kind == "pain", *bounds)
            ).all():
                pain_rows[entry_id] = (at, d, nrs)
        pain = tuple(
            PainReading(d, nrs)
            for _, d, nrs in sorted(pain_rows.values(), key=lambda row: row[0])
            if since is None or d >= since or _inside(d, pain_window)
        )
        doses = tuple(
            DoseReading(d, status)
            for d, status in conn.execute(
                sa.select(day, t.DoseEventRow.status)
                .join(t.DoseEventRow)
                .where(mine, _E.kind == "dose", *recent)
            ).all()
            if since is None or d >= since
        )
        factors = tuple(
            FactorReading(d, factor, amount)
            for d, factor, amount in conn.execute(
                sa.select(day, t.LifestyleRow.factor, t.LifestyleRow.amount)
                .join(t.LifestyleRow)
                .where(mine, _E.kind.in_(("sleep", "exercise", "stress", "mood")), *recent)
            ).all()
            if since is None or d >= since
        )
        lab = t.LabResultRow
        labs = tuple(
            LabReading(taken_on or d, test, value, unit)
            for d, test, value, unit, taken_on in conn.execute(
                sa.select(day, lab.test, lab.value, lab.unit, lab.taken_on)
                .join(lab)
                .where(mine, _E.kind == "lab")
            ).all()
        )
        food = t.FoodEntryRow
        foods = tuple(
            FoodReading(d, food_id, description, grams, b12, added)
            for d, food_id, description, grams, b12, added in conn.execute(
                sa.select(
                    day, food.food_id, food.description, food.grams, food.b12_ug, food.b12_added_ug
                )
                .join(food)
                .where(mine, _E.kind == "food", *recent)
            ).all()
            if since is None or d >= since
        )
    return Series(pain, doses, factors, labs, foods, supplement_start(journal, owner=owner))


def supplement_start(journal: Journal, *, owner: str = LOCAL_OWNER) -> dt.date | None:
    """The first day of supplementation: the earliest plan start or first dose taken (two
    indexed queries, whatever the journal's size)."""
    day = _local_day(journal.engine.dialect.name)
    with journal.engine.connect() as conn:
        first_plan = conn.execute(
            sa.select(sa.func.min(t.SupplementPlanRow.starts_on))
            .join(_E, _E.id == t.SupplementPlanRow.entry_id)
            .where(_E.owner == owner, _E.kind == "plan")
        ).scalar()
        first_taken = conn.execute(
            sa.select(day)
            .join(t.DoseEventRow)
            .where(
                _E.owner == owner,
                _E.kind == "dose",
                t.DoseEventRow.status.in_(("taken", "late")),
            )
            .order_by(_E.recorded_at)
            .limit(1)
        ).scalar()
    starts = [d for d in (first_plan, first_taken) if d is not None]
    return min(starts) if starts else None


def _utc_floor(day: dt.date) -> dt.datetime:
    """A stored (naive UTC) time at or before the start of `day` in any time zone."""
    return dt.datetime.combine(day, dt.time()) - dt.timedelta(hours=14)


def _inside(day: dt.date, window: tuple[dt.date, dt.date] | None) -> bool:
    return window is not None and window[0] <= day <= window[1]


def plan_view(plan: PlanEntry, count: StockCount | None = None) -> PlanView:
    """A plan in the shape `insights.schedule` uses. A later stock count replaces the stock given
    when the plan started (doses from the next day on draw on it); a stopped plan's doses end
    the day before it stopped."""
    ends_on = plan.ends_on
    if plan.stopped_on is not None:
        last = plan.stopped_on - dt.timedelta(days=1)
        ends_on = last if ends_on is None else min(ends_on, last)
    schedule = tuple(
        Step(s.date, s.what, s.kind)
        for s in plan.schedule
        if plan.stopped_on is None or s.date < plan.stopped_on or s.kind != "dose"
    )
    return PlanView(
        plan.uid,
        plan.name,
        plan.form,
        plan.amount_ug,
        plan.every_days,
        plan.starts_on,
        ends_on,
        plan.review_on,
        count.units if count else plan.stock_units,
        schedule,
        count.day + dt.timedelta(days=1) if count else None,
    )


def latest_stock_counts(journal: Journal, *, owner: str = LOCAL_OWNER) -> dict[str, StockCount]:
    """The newest stock count of each of `owner`'s plans."""
    counts: dict[str, StockCount] = {}
    for record in journal.entries(["stock"], owner=owner):
        if isinstance(record, StockCount):
            counts[record.plan_uid] = record  # oldest first: the last one wins
    return counts


def plan_views(journal: Journal, *, owner: str = LOCAL_OWNER) -> list[PlanView]:
    """Every supplement plan of `owner` in the shape `insights.schedule` uses."""
    counts = latest_stock_counts(journal, owner=owner)
    return [plan_view(p, counts.get(p.uid)) for p in journal.plans(owner=owner)]


def taken_days(
    journal: Journal, plan_uids: Sequence[str], *, owner: str = LOCAL_OWNER
) -> dict[str, list[dt.date]]:
    """Days on which a dose of each of these plans was taken (or taken late)."""
    day = _local_day(journal.engine.dialect.name)
    plan_entry = sa.orm.aliased(t.EntryRow)
    taken: dict[str, list[dt.date]] = defaultdict(list)
    if not plan_uids:
        return taken
    with journal.engine.connect() as conn:
        rows = conn.execute(
            sa.select(plan_entry.uid, day)
            .select_from(_E)
            .join(t.DoseEventRow, t.DoseEventRow.entry_id == _E.id)
            .join(plan_entry, plan_entry.id == t.DoseEventRow.plan_id)
            .where(
                _E.owner == owner,
                plan_entry.owner == owner,
                plan_entry.uid.in_(list(plan_uids)),
                t.DoseEventRow.status.in_(("taken", "late")),
            )
        ).all()
    for uid, d in rows:
        taken[uid].append(d)
    return taken


def due_today(journal: Journal, today: dt.date, *, owner: str = LOCAL_OWNER) -> list[DueItem]:
    """Doses and review tests due `today` for `owner`, with what was already done."""
    plans = plan_views(journal, owner=owner)
    taken = taken_days(journal, [p.uid for p in plans], owner=owner)
    lab_days = [
        getattr(record, "taken_on", None) or record.day
        for record in journal.entries(["lab"], owner=owner)
    ]
    return due_on(plans, taken, lab_days, today)
