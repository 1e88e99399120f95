"""Read the journal into the plain series that `insights` works on (one query per kind)."""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from typing import Any

import sqlalchemy as sa

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
from b12pain.journal.records import StockCount
from b12pain.journal.store import Journal

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


def read_series(journal: Journal) -> Series:
    """Pain, doses, lifestyle, labs and foods by the person's own day, plus the supplement start."""
    day = _local_day(journal.engine.dialect.name).label("day")
    with journal.engine.connect() as conn:
        pain = tuple(
            PainReading(d, nrs)
            for d, nrs in conn.execute(
                sa.select(day, t.PainEntryRow.nrs).join(t.PainEntryRow).order_by(_E.recorded_at)
            ).all()
        )
        doses = tuple(
            DoseReading(d, status)
            for d, status in conn.execute(
                sa.select(day, t.DoseEventRow.status).join(t.DoseEventRow)
            ).all()
        )
        factors = tuple(
            FactorReading(d, factor, amount)
            for d, factor, amount in conn.execute(
                sa.select(day, t.LifestyleRow.factor, t.LifestyleRow.amount).join(t.LifestyleRow)
            ).all()
        )
        lab = t.LabResultRow
        labs = tuple(
            LabReading(taken_on or d, test, value, unit)
            for d, test, value, unit, taken_on in conn.execute(
                sa.select(day, lab.test, lab.value, lab.unit, lab.taken_on).join(lab)
            ).all()
        )
        food = t.FoodEntryRow
        foods = tuple(
            FoodReading(d, food_id, description, grams, b12, added)
            for d, food_id, description, grams, b12, added in conn.execute(
                sa.select(
                    day, food.food_id, food.description, food.grams, food.b12_ug, food.b12_added_ug
                ).join(food)
            ).all()
        )
        first_plan = conn.execute(sa.select(sa.func.min(t.SupplementPlanRow.starts_on))).scalar()
    first_taken = min((d.day for d in doses if d.status in ("taken", "late")), default=None)
    starts = [d for d in (first_plan, first_taken) if d is not None]
    return Series(pain, doses, factors, labs, foods, min(starts) if starts else None)


def plan_views(journal: Journal) -> list[PlanView]:
    """Every supplement plan in the shape `insights.schedule` uses; a later stock count replaces
    the stock given when the plan started (doses from the next day on draw on it)."""
    counts: dict[str, StockCount] = {}
    for record in journal.entries(["stock"]):
        if isinstance(record, StockCount):
            counts[record.plan_uid] = record  # oldest first: the last one wins
    views = []
    for p in journal.plans():
        count = counts.get(p.uid)
        views.append(
            PlanView(
                p.uid,
                p.regimen_id,
                p.form,
                p.amount_ug,
                p.every_days,
                p.starts_on,
                p.ends_on,
                p.review_on,
                count.units if count else p.stock_units,
                tuple(Step(s.date, s.what, s.kind) for s in p.schedule),
                count.day + dt.timedelta(days=1) if count else None,
            )
        )
    return views


def due_today(journal: Journal, today: dt.date) -> list[DueItem]:
    """Doses and review tests due `today`, with what was already done."""
    plans = plan_views(journal)
    taken: dict[str, list[dt.date]] = defaultdict(list)
    lab_days: list[dt.date] = []
    for record in journal.entries(["dose", "lab"]):
        plan_uid = getattr(record, "plan_uid", None)
        if record.kind == "dose" and plan_uid and record.status in ("taken", "late"):  # type: ignore[attr-defined]
            taken[plan_uid].append(record.day)
        elif record.kind == "lab":  # type: ignore[attr-defined]
            lab_days.append(getattr(record, "taken_on", None) or record.day)
    return due_on(plans, taken, lab_days, today)
