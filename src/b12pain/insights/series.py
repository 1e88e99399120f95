"""The inputs of every insight: plain, dated readings (the journal produces them, tests build them)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class PainReading:
    """One pain rating (NRS 0–10) on the person's own calendar day."""

    day: dt.date
    nrs: int


@dataclass(frozen=True)
class DoseReading:
    """One dose event: planned, taken, skipped or taken late."""

    day: dt.date
    status: str  # planned | taken | skipped | late


@dataclass(frozen=True)
class FactorReading:
    """One lifestyle reading: sleep hours, exercise minutes, stress 0–10 or mood 0–4."""

    day: dt.date
    factor: str  # sleep | exercise | stress | mood
    amount: float


@dataclass(frozen=True)
class LabReading:
    """One lab result as reported (value in the lab's unit)."""

    day: dt.date
    test: str
    value: float
    unit: str


@dataclass(frozen=True)
class FoodReading:
    """One food eaten, with its B12 (None when the food has no B12 value)."""

    day: dt.date
    food_id: str
    description: str
    grams: float
    b12_ug: float | None
    b12_added_ug: float | None = None


@dataclass(frozen=True)
class Series:
    """Everything the dashboard looks at, oldest first within each list."""

    pain: tuple[PainReading, ...] = ()
    doses: tuple[DoseReading, ...] = ()
    factors: tuple[FactorReading, ...] = ()
    labs: tuple[LabReading, ...] = ()
    foods: tuple[FoodReading, ...] = ()
    #: The first day of the first supplement plan (or first dose taken), if any.
    supplement_start: dt.date | None = None
