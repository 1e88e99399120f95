"""Factor effects: is pain different on days with more sleep, exercise, stress, or doses taken?

Each factor splits the days with pain entries into two groups, timed so the factor comes first:
sleep and stress count for the same day, exercise for the next day, adherence for the 7 days
before. A factor is only compared with at least 3 days in each group; the wording reports an
association in the person's own data, never a cause.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from statistics import fmean, median
from typing import Literal

from b12pain.insights.series import DoseReading, FactorReading, PainReading
from b12pain.insights.stats import mean_difference
from b12pain.insights.trends import daily_pain

MIN_DAYS_EACH = 3
ADHERENCE_LOOKBACK_DAYS = 7

FactorName = Literal["sleep", "exercise", "stress", "adherence"]


@dataclass(frozen=True)
class FactorEffect:
    """Mean pain on days with vs without a factor, or "not enough data yet"."""

    factor: FactorName
    status: Literal["compared", "not_enough_data"]
    with_label: str
    without_label: str
    days_with: int
    days_without: int
    message: str
    mean_with: float | None = None
    mean_without: float | None = None
    difference: float | None = None
    low: float | None = None
    high: float | None = None


def _by_day(readings: Iterable[FactorReading], factor: str) -> dict[dt.date, float]:
    values: dict[dt.date, list[float]] = defaultdict(list)
    for reading in readings:
        if reading.factor == factor:
            values[reading.day].append(reading.amount)
    return {day: fmean(v) for day, v in values.items()}


def _split_sleep(pain: dict[dt.date, float], factors: list[FactorReading]) -> dict[dt.date, bool]:
    sleep = _by_day(factors, "sleep")
    if not sleep:
        return {}
    usual = median(sleep.values())
    return {day: sleep[day] >= usual for day in pain if day in sleep}


def _split_stress(pain: dict[dt.date, float], factors: list[FactorReading]) -> dict[dt.date, bool]:
    stress = _by_day(factors, "stress")
    if not stress:
        return {}
    usual = median(stress.values())
    return {day: stress[day] > usual for day in pain if day in stress}


def _split_exercise(
    pain: dict[dt.date, float], factors: list[FactorReading]
) -> dict[dt.date, bool]:
    exercise = _by_day(factors, "exercise")
    if not exercise:
        return {}
    first, last = min(exercise), max(exercise) + dt.timedelta(days=1)
    one = dt.timedelta(days=1)
    return {day: exercise.get(day - one, 0) > 0 for day in pain if first < day <= last}


def _split_adherence(pain: dict[dt.date, float], doses: list[DoseReading]) -> dict[dt.date, bool]:
    due: dict[dt.date, int] = defaultdict(int)
    missed: dict[dt.date, int] = defaultdict(int)
    for dose in doses:
        due[dose.day] += 1
        missed[dose.day] += dose.status not in ("taken", "late")
    split = {}
    window = [dt.timedelta(days=offset) for offset in range(1, ADHERENCE_LOOKBACK_DAYS + 1)]
    for day in pain:
        days = [day - offset for offset in window]
        if any(d in due for d in days):
            split[day] = not any(missed.get(d, 0) for d in days)
    return split


_LABELS: dict[FactorName, tuple[str, str]] = {
    "sleep": ("nights with at least your usual sleep", "nights with less sleep than usual"),
    "exercise": ("days after exercise", "days after no exercise"),
    "stress": ("days with more stress than usual", "days with usual or less stress"),
    "adherence": (
        "days after a week with every dose taken",
        "days after a week with a missed dose",
    ),
}


def factor_effects(
    pain: Iterable[PainReading],
    factors: Iterable[FactorReading],
    doses: Iterable[DoseReading],
    min_days: int = MIN_DAYS_EACH,
) -> list[FactorEffect]:
    """One comparison per factor (sleep, exercise, stress, adherence), in that order."""
    daily = daily_pain(pain)
    factor_list, dose_list = list(factors), list(doses)
    splits: dict[FactorName, dict[dt.date, bool]] = {
        "sleep": _split_sleep(daily, factor_list),
        "exercise": _split_exercise(daily, factor_list),
        "stress": _split_stress(daily, factor_list),
        "adherence": _split_adherence(daily, dose_list),
    }
    return [_compare(name, split, daily, min_days) for name, split in splits.items()]


def _compare(
    name: FactorName, split: dict[dt.date, bool], daily: dict[dt.date, float], min_days: int
) -> FactorEffect:
    with_label, without_label = _LABELS[name]
    with_values = [daily[d] for d, flag in split.items() if flag]
    without_values = [daily[d] for d, flag in split.items() if not flag]
    n_with, n_without = len(with_values), len(without_values)
    if n_with < min_days or n_without < min_days:
        return FactorEffect(
            name,
            "not_enough_data",
            with_label,
            without_label,
            n_with,
            n_without,
            f"Not enough data yet for {name}: needs pain entries on at least {min_days} "
            f"{with_label} and {min_days} {without_label} (now {n_with} and {n_without}).",
        )
    diff = mean_difference(without_values, with_values)
    if diff.high < 0:
        words = f"{abs(diff.difference):.1f} points lower"
    elif diff.low > 0:
        words = f"{diff.difference:.1f} points higher"
    else:
        words = "not clearly different"
    message = (
        f"Pain on {with_label} was {words} than on {without_label} ({diff.after_mean:.1f} vs "
        f"{diff.before_mean:.1f}; 95 % interval {diff.low:+.1f} to {diff.high:+.1f}; "
        f"{n_with} and {n_without} days). An association in your entries, not proof of a cause."
    )
    return FactorEffect(
        name,
        "compared",
        with_label,
        without_label,
        n_with,
        n_without,
        message,
        round(diff.after_mean, 2),
        round(diff.before_mean, 2),
        round(diff.difference, 2),
        round(diff.low, 2),
        round(diff.high, 2),
    )
