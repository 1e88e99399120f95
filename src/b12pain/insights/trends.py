"""Trends: daily and weekly pain, adherence, the B12 lab trajectory, stock and run-out date."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from statistics import fmean

from b12pain.insights.series import DoseReading, LabReading, PainReading


def daily_pain(readings: Iterable[PainReading]) -> dict[dt.date, float]:
    """Mean NRS of each day with entries (several a day are averaged: 4, 6, 8 → 6.0)."""
    by_day: dict[dt.date, list[int]] = defaultdict(list)
    for reading in readings:
        by_day[reading.day].append(reading.nrs)
    return {day: sum(values) / len(values) for day, values in sorted(by_day.items())}


def week_start(day: dt.date) -> dt.date:
    """The Monday of the ISO week containing `day`."""
    return day - dt.timedelta(days=day.weekday())


def weekly_pain(daily: dict[dt.date, float]) -> dict[dt.date, float]:
    """Mean of daily means per ISO week (keyed by its Monday), so busy days do not weigh more."""
    by_week: dict[dt.date, list[float]] = defaultdict(list)
    for day, value in daily.items():
        by_week[week_start(day)].append(value)
    return {week: fmean(values) for week, values in sorted(by_week.items())}


@dataclass(frozen=True)
class Adherence:
    """Doses taken (on time or late) out of doses due, over a period."""

    taken: int
    late: int
    skipped: int
    missed: int
    due: int
    percent: float | None


def adherence(doses: Iterable[DoseReading], start: dt.date, end: dt.date) -> Adherence:
    """Adherence in [start, end]: (taken + late) / due; a planned dose still open in the past
    counts as missed. `percent` is None when nothing was due."""
    counts = {"taken": 0, "late": 0, "skipped": 0, "planned": 0}
    for dose in doses:
        if start <= dose.day <= end and not (dose.status == "planned" and dose.day >= end):
            counts[dose.status] += 1
    due = sum(counts.values())
    done = counts["taken"] + counts["late"]
    percent = round(100 * done / due, 1) if due else None
    return Adherence(
        counts["taken"], counts["late"], counts["skipped"], counts["planned"], due, percent
    )


def lab_trajectory(labs: Iterable[LabReading], test: str = "total_b12") -> list[LabReading]:
    """The results of one test over time, oldest first (values in the units the lab reported)."""
    return sorted((lab for lab in labs if lab.test == test), key=lambda lab: lab.day)


@dataclass(frozen=True)
class Stock:
    """Units left of a supplement and the day they run out at the plan's pace."""

    remaining: int
    runs_out_on: dt.date | None


def stock_forecast(
    stock_units: int,
    stock_day: dt.date,
    taken_days: Sequence[dt.date],
    every_days: int,
    today: dt.date,
    upcoming: Sequence[dt.date] | None = None,
) -> Stock:
    """Stock on hand at `stock_day` minus one unit per dose taken since, and the first dose day
    with no unit left: at one dose every `every_days`, or among the `upcoming` scheduled dose
    days (today's counts until it is taken; None when the stock outlasts them)."""
    used = sum(1 for day in taken_days if day >= stock_day)
    remaining = max(0, stock_units - used)
    if upcoming is not None:
        taken_today = today in taken_days
        future = sorted(d for d in upcoming if d > today or (d == today and not taken_today))
        return Stock(remaining, future[remaining] if remaining < len(future) else None)
    runs_out = today + dt.timedelta(days=remaining * every_days) if remaining else today
    return Stock(remaining, runs_out)
