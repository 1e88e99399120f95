"""Read the journal into the plain series that `insights` works on (one query per kind)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

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
from b12pain.journal.store import Journal

_E = t.EntryRow


_OFFSETS: dict[int, dt.timedelta] = {}


def _day(recorded_at: dt.datetime, offset: int) -> dt.date:
    """Local day; the same as `local_day`, with the offset's timedelta cached (hot loop)."""
    shift = _OFFSETS.get(offset)
    if shift is None:
        shift = _OFFSETS[offset] = dt.timedelta(minutes=offset)
    return (recorded_at + shift).date()


def read_series(journal: Journal) -> Series:
    """Pain, doses, lifestyle, labs and foods by the person's own day, plus the supplement start."""
    base = (_E.recorded_at, _E.utc_offset_minutes)
    with journal.engine.connect() as conn:
        pain = tuple(
            PainReading(_day(at, off), nrs)
            for at, off, nrs in conn.execute(
                sa.select(*base, t.PainEntryRow.nrs).join(t.PainEntryRow).order_by(_E.recorded_at)
            ).all()
        )
        doses = tuple(
            DoseReading(_day(at, off), status)
            for at, off, status in conn.execute(
                sa.select(*base, t.DoseEventRow.status).join(t.DoseEventRow)
            ).all()
        )
        factors = tuple(
            FactorReading(_day(at, off), factor, amount)
            for at, off, factor, amount in conn.execute(
                sa.select(*base, t.LifestyleRow.factor, t.LifestyleRow.amount).join(t.LifestyleRow)
            ).all()
        )
        lab = t.LabResultRow
        labs = tuple(
            LabReading(taken_on or _day(at, off), test, value, unit)
            for at, off, test, value, unit, taken_on in conn.execute(
                sa.select(*base, lab.test, lab.value, lab.unit, lab.taken_on).join(lab)
            ).all()
        )
        food = t.FoodEntryRow
        foods = tuple(
            FoodReading(_day(at, off), food_id, description, grams, b12)
            for at, off, food_id, description, grams, b12 in conn.execute(
                sa.select(*base, food.food_id, food.description, food.grams, food.b12_ug).join(food)
            ).all()
        )
        first_plan = conn.execute(sa.select(sa.func.min(t.SupplementPlanRow.starts_on))).scalar()
    first_taken = min((d.day for d in doses if d.status in ("taken", "late")), default=None)
    starts = [d for d in (first_plan, first_taken) if d is not None]
    return Series(pain, doses, factors, labs, foods, min(starts) if starts else None)


def plan_views(journal: Journal) -> list[PlanView]:
    """Every supplement plan in the shape `insights.schedule` uses."""
    return [
        PlanView(
            p.uid,
            p.regimen_id,
            p.form,
            p.amount_ug,
            p.every_days,
            p.starts_on,
            p.ends_on,
            p.review_on,
            p.stock_units,
            tuple(Step(s.date, s.what, s.kind) for s in p.schedule),
        )
        for p in journal.plans()
    ]


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
