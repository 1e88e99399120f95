"""What is due on a day: doses from supplement plans (an interval or a dated schedule from
the regimen), reviews with the clinician, and follow-up blood tests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from b12pain.insights.trends import Stock, stock_forecast


@dataclass(frozen=True)
class Step:
    """One dated step of a plan's schedule: a dose, a review or a test."""

    date: dt.date
    what: str
    kind: str = "dose"


@dataclass(frozen=True)
class PlanView:
    """The parts of a supplement plan that decide when doses and tests are due."""

    uid: str
    regimen_id: str
    form: str
    amount_ug: float
    every_days: int | None
    starts_on: dt.date
    ends_on: dt.date | None = None
    review_on: dt.date | None = None
    stock_units: int | None = None
    schedule: tuple[Step, ...] = field(default=())
    #: The first day whose doses draw on `stock_units` (default `starts_on`; the day after a
    #: later stock count).
    stock_from: dt.date | None = None


@dataclass(frozen=True)
class DueItem:
    """One thing due: a dose (done or not yet), a clinician review or a blood test."""

    kind: Literal["dose", "review", "test"]
    what: str
    plan_uid: str
    done: bool
    stock: Stock | None = None


def dose_days(plan: PlanView, until: dt.date) -> list[dt.date]:
    """Every day up to `until` with a dose: the repeating interval and the scheduled doses."""
    days = {step.date for step in plan.schedule if step.kind == "dose" and step.date <= until}
    if plan.every_days is not None:
        last = min(until, plan.ends_on) if plan.ends_on else until
        day = plan.starts_on
        while day <= last:
            days.add(day)
            day += dt.timedelta(days=plan.every_days)
    return sorted(days)


def dose_due(plan: PlanView, day: dt.date) -> bool:
    """True when the plan has a dose on `day`."""
    if day < plan.starts_on or (plan.ends_on is not None and day > plan.ends_on):
        return False
    if any(step.kind == "dose" and step.date == day for step in plan.schedule):
        return True
    return plan.every_days is not None and (day - plan.starts_on).days % plan.every_days == 0


def _stock(plan: PlanView, taken: Sequence[dt.date], day: dt.date) -> Stock | None:
    if plan.stock_units is None:
        return None
    upcoming = None
    if plan.every_days is None:
        horizon = day + dt.timedelta(days=3 * 366)
        upcoming = [d for d in dose_days(plan, horizon) if d >= day]
    every = plan.every_days or 1
    stock_from = plan.stock_from or plan.starts_on
    return stock_forecast(plan.stock_units, stock_from, taken, every, day, upcoming)


def due_on(
    plans: Iterable[PlanView],
    taken: Mapping[str, Sequence[dt.date]],
    lab_days: Iterable[dt.date],
    day: dt.date,
) -> list[DueItem]:
    """Doses due on `day` (done when a dose of that plan was taken that day), reviews on their
    day, and blood tests from their day on until a lab result is recorded on or after it."""
    labs = sorted(lab_days)
    items = []
    for plan in plans:
        taken_days = taken.get(plan.uid, ())
        if dose_due(plan, day):
            what = f"{plan.regimen_id}: {plan.amount_ug:g} µg {plan.form}"
            stock = _stock(plan, taken_days, day)
            items.append(DueItem("dose", what, plan.uid, day in taken_days, stock))
        for step in plan.schedule:
            if step.kind == "review" and step.date == day:
                items.append(DueItem("review", step.what, plan.uid, False))
        tests = [(s.date, s.what) for s in plan.schedule if s.kind == "test"]
        if not tests and plan.review_on is not None:
            tests = [(plan.review_on, f"follow-up check for {plan.regimen_id}")]
        for test_day, what in sorted(set(tests)):
            done = any(lab >= test_day for lab in labs)
            if test_day == day or (test_day < day and not done):
                items.append(DueItem("test", f"{what} (from {test_day})", plan.uid, done))
    return items
