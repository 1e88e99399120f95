"""What is due on a day: doses from active supplement plans, and a review blood test."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from b12pain.insights.trends import Stock, stock_forecast


@dataclass(frozen=True)
class PlanView:
    """The parts of a supplement plan that decide when doses and tests are due."""

    uid: str
    regimen_id: str
    form: str
    amount_ug: float
    every_days: int
    starts_on: dt.date
    ends_on: dt.date | None = None
    review_on: dt.date | None = None
    stock_units: int | None = None


@dataclass(frozen=True)
class DueItem:
    """One thing due: a dose (done or not yet) or a review blood test."""

    kind: Literal["dose", "test"]
    what: str
    plan_uid: str
    done: bool
    stock: Stock | None = None


def dose_due(plan: PlanView, day: dt.date) -> bool:
    """True when the plan has a dose on `day` (every `every_days` from its start, until its end)."""
    if day < plan.starts_on or (plan.ends_on is not None and day > plan.ends_on):
        return False
    return (day - plan.starts_on).days % plan.every_days == 0


def due_on(
    plans: Iterable[PlanView],
    taken: Mapping[str, Sequence[dt.date]],
    lab_days: Iterable[dt.date],
    day: dt.date,
) -> list[DueItem]:
    """Doses due on `day` (marked done when a dose of that plan was taken that day) and a review
    blood test when the plan's review date has come and no lab result was recorded since."""
    labs = sorted(lab_days)
    items = []
    for plan in plans:
        taken_days = taken.get(plan.uid, ())
        stock = None
        if plan.stock_units is not None:
            stock = stock_forecast(
                plan.stock_units, plan.starts_on, taken_days, plan.every_days, day
            )
        if dose_due(plan, day):
            what = f"{plan.regimen_id}: {plan.amount_ug:g} µg {plan.form}"
            items.append(DueItem("dose", what, plan.uid, day in taken_days, stock))
        if plan.review_on is not None and plan.review_on <= day:
            done = any(lab >= plan.review_on for lab in labs)
            items.append(
                DueItem("test", f"review blood test for {plan.regimen_id}", plan.uid, done)
            )
    return items
