"""The dashboard: every insight over a journal's series in one call (what `b12pain insights` shows)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Any

from b12pain.insights.factors import FactorEffect, factor_effects
from b12pain.insights.helping import HelpingResult, is_it_helping
from b12pain.insights.series import LabReading, Series
from b12pain.insights.trends import Adherence, adherence, daily_pain, weekly_pain

RECENT_DAYS = 30
INTAKE_DAYS = 7
B12_TESTS = ("total_b12", "active_b12", "mma", "homocysteine")


@dataclass(frozen=True)
class LabPoint:
    """A lab result as reported, and in the test's reference unit when that needs a conversion
    (cited in knowledge, e.g. total B12 pmol/L → ng/L), so results from different labs line up."""

    day: dt.date
    value: float
    unit: str
    reference_value: float
    reference_unit: str
    conversion_sources: tuple[str, ...] = ()


def lab_points(readings: tuple[LabReading, ...]) -> tuple[LabPoint, ...]:
    """Each reading with its value in the reference unit (`clinical.units.display_equivalent`)."""
    from b12pain.clinical.units import display_equivalent

    points = []
    for lab in readings:
        try:
            same = display_equivalent(lab.test, lab.value, lab.unit)
        except KeyError:  # a test the knowledge has no unit facts for: shown as reported
            same = None
        if same is None:
            points.append(LabPoint(lab.day, lab.value, lab.unit, lab.value, lab.unit))
        else:
            sources = tuple(f"{c.source}#{c.section}" for c in same.citations)
            points.append(LabPoint(lab.day, lab.value, lab.unit, same.value, same.unit, sources))
    return tuple(points)


@dataclass(frozen=True)
class Dashboard:
    """Trends, "is it helping?" and factor effects as of `today`."""

    today: dt.date
    daily_pain: dict[dt.date, float]
    weekly_pain: dict[dt.date, float]
    adherence: Adherence
    labs: dict[str, tuple[LabPoint, ...]]
    intake: dict[str, Any] | None
    foods_logged: int
    helping: HelpingResult
    factors: tuple[FactorEffect, ...]
    #: Mean of the daily means of the last 30 days (None without entries), and over how many days.
    recent_pain_mean: float | None = None
    recent_pain_days: int = 0

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form (dates as ISO strings)."""
        result: dict[str, Any] = _jsonable(dataclasses.asdict(self))
        return result


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k) if isinstance(k, dt.date) else k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def dashboard(series: Series, today: dt.date, intake_target: Any | None = None) -> Dashboard:
    """Every aggregate over `series`: last 30 days of daily pain, weekly pain, 30-day adherence,
    B12 lab trajectories, last-7-day intake vs `intake_target` (a `clinical.intake.IntakeTarget`),
    "is it helping?" and factor effects."""
    start = today - dt.timedelta(days=RECENT_DAYS - 1)
    daily_all = daily_pain(series.pain)
    recent = {day: round(v, 2) for day, v in daily_all.items() if start <= day <= today}
    weekly = {week: round(v, 2) for week, v in weekly_pain(daily_all).items()}
    weekly = dict(list(weekly.items())[-12:])
    labs = {
        test: tuple(sorted((lab for lab in series.labs if lab.test == test), key=lambda x: x.day))
        for test in B12_TESTS
    }
    return Dashboard(
        today=today,
        daily_pain=recent,
        weekly_pain=weekly,
        adherence=adherence(series.doses, start, today),
        labs={test: lab_points(found) for test, found in labs.items() if found},
        intake=_intake(series, today, intake_target),
        foods_logged=sum(1 for f in series.foods if start <= f.day <= today),
        helping=is_it_helping(series.pain, series.supplement_start, today),
        factors=tuple(factor_effects(series.pain, series.factors, series.doses)),
        recent_pain_mean=round(sum(recent.values()) / len(recent), 2) if recent else None,
        recent_pain_days=len(recent),
    )


def _intake(series: Series, today: dt.date, target: Any | None) -> dict[str, Any] | None:
    if target is None:
        return None
    from b12pain.clinical.intake import summarise_intake

    start = today - dt.timedelta(days=INTAKE_DAYS - 1)
    eaten = [food for food in series.foods if start <= food.day <= today]
    if not eaten:
        return None
    summary = summarise_intake(eaten, target)
    return summary.model_dump(mode="json")
