"""Blood-test use cases: record a result in the journal, list them, read them against bands."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from b12pain.journal.records import LabEntry, entry_as
from b12pain.knowledge import KnowledgeBase
from b12pain.service.context import Context
from b12pain.service.diary import save
from b12pain.service.when import day_bounds

#: A past-dated result is filed at this local time of the day the blood was taken (a result has
#: a day, not a time; noon keeps it on that day in every nearby time zone).
RESULT_TIME = dt.time(12, 0)


@dataclass(frozen=True)
class LabInput:
    """A blood-test result as the lab reported it."""

    test: str
    value: float
    unit: str
    taken_on: dt.date | None = None
    lab: str | None = None
    reference_range: str | None = None
    note: str | None = None


def add_lab(ctx: Context, lab: LabInput) -> LabEntry:
    """Validate and store a result for `ctx.owner`. Filed now, or at noon of the day the blood
    was taken when that day has passed (so history and charts put it on its own day)."""
    at = ctx.now.replace(microsecond=0)
    if lab.taken_on is not None and lab.taken_on < at.date():
        at = dt.datetime.combine(lab.taken_on, RESULT_TIME, at.tzinfo)
    record = save(
        ctx,
        "lab",
        at=at,
        test=lab.test,
        value=lab.value,
        unit=lab.unit,
        taken_on=lab.taken_on,
        lab=lab.lab,
        reference_range=lab.reference_range,
        note=lab.note,
    )
    return entry_as(record, LabEntry)


def list_labs(
    ctx: Context, start: dt.date | None = None, end: dt.date | None = None
) -> list[LabEntry]:
    """`ctx.owner`'s results, oldest first, optionally between two days (inclusive)."""
    lower, upper = day_bounds(start, end, ctx.now.tzinfo)
    found = ctx.store.entries(["lab"], lower, upper, owner=ctx.owner)
    return [r for r in found if isinstance(r, LabEntry)]


@dataclass(frozen=True)
class QuickReading:
    """Results read against their bands for an adult, with what the reading assumed."""

    readings: tuple[Any, ...]
    today: dt.date


def read_labs(
    kb: KnowledgeBase,
    results: Sequence[Mapping[str, Any]],
    today: dt.date,
    pregnant: bool = False,
    last_injection: dt.date | None = None,
    has_symptoms: bool = False,
) -> QuickReading:
    """Each result (`{"test", "value", "unit", "date"?}`) read with `clinical.labs.read_lab` for
    an adult (the bands apply from 16); nothing is stored. `InputError` lists every bad result
    (`labs[1].unit …`); a date after `today` is refused."""
    from pydantic import ValidationError

    from b12pain.clinical.labs import LabContext, read_lab
    from b12pain.clinical.parse import refuse_dates_after
    from b12pain.clinical.profile import LabResult
    from b12pain.errors import InputError, Problem, problems_from_pydantic

    del kb  # the bands are read from the shipped knowledge base's catalogue
    problems: list[Problem] = []
    labs = []
    for index, raw in enumerate(results):
        try:
            labs.append(LabResult.model_validate(dict(raw)))
        except ValidationError as exc:
            problems += problems_from_pydantic(exc, prefix=f"labs[{index}]")
    if problems:
        raise InputError(problems)
    refuse_dates_after([("--date", labs[0].date)] if labs else [], today)
    context = LabContext(
        today=today,
        pregnant=pregnant,
        last_injection=last_injection,
        has_symptoms=has_symptoms,
        measured=frozenset(lab.test for lab in labs),
    )
    return QuickReading(tuple(read_lab(lab, context) for lab in labs), today)
