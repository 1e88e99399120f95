"""Food use cases: log something eaten (weighed by the food database) and compare intake with the
cited reference for the person's own life stage (never a guessed age)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from b12pain.journal.records import FoodEntry, entry_as
from b12pain.service.context import Context
from b12pain.service.diary import save
from b12pain.service.when import resolve_at


@dataclass(frozen=True)
class FoodInput:
    """What was eaten, as typed ("2 eggs", "150 g salmon"), optionally with a chosen food id."""

    amount_text: str
    food_id: str | None = None
    note: str | None = None
    at: dt.datetime | str | None = None


@dataclass(frozen=True)
class FoodLogView:
    """The stored entry and how the words were read (`foods.PhraseMatch`: food, grams, B12,
    measure and its basis, alternatives, did-you-mean, notes)."""

    saved: FoodEntry
    measured: Any


def log_food(ctx: Context, food: FoodInput, foods: Any) -> FoodLogView:
    """Read a food phrase in people's words ("2 slices toast", "a glass of milk") with `foods`
    (an open `foods.FoodDatabase`: `match_phrase`), and store what it matched for `ctx.owner`.
    The view carries the match (food, grams, B12, the measure and its basis, alternatives with
    their ids, "did you mean"), so every surface shows what was understood. With `food_id` the
    person picked the food and only the amount is read."""
    at = resolve_at(ctx.now, food.at)
    measured = foods.match_phrase(food.amount_text, food_id=food.food_id)
    record = save(
        ctx,
        "food",
        at=at,
        food_id=measured.food_id,
        description=measured.description,
        amount_text=measured.amount_text,
        grams=measured.grams,
        b12_ug=measured.b12_ug,
        b12_added_ug=measured.b12_added_ug,
        note=food.note,
    )
    return FoodLogView(entry_as(record, FoodEntry), measured)


def open_food_database(data_dir: Path | None = None) -> Any:
    """The food database (`foods.sqlite` in `data_dir`, else the default place); close it after
    use (`with open_food_database(...) as foods:`)."""
    from b12pain.foods import FoodDatabase
    from b12pain.foods.database import FILE_NAME

    return FoodDatabase.open(data_dir / FILE_NAME if data_dir else None)


def intake_target(ctx: Context) -> Any | None:
    """The cited reference intake for `ctx.owner`'s current profile, in the region and life
    stage of their preferences (`service.preferences`); None without a profile or an age
    (b12pain compares only with the person's own life stage, never a default age)."""
    from b12pain.clinical.intake import target_for
    from b12pain.service.preferences import get_preferences

    profile = ctx.store.current_profile(owner=ctx.owner)
    if profile is None or profile.profile.get("age") is None:
        return None
    data = profile.profile
    chosen = get_preferences(ctx)
    pregnant, breastfeeding = bool(data.get("pregnant")), bool(data.get("breastfeeding"))
    if chosen.intake_life_stage != "from_profile":
        pregnant = chosen.intake_life_stage == "pregnancy"
        breastfeeding = chosen.intake_life_stage == "breastfeeding"
    return target_for(
        data["age"],
        data.get("sex", "unspecified"),
        pregnant,
        breastfeeding,
        region=chosen.intake_region,
        kb=ctx.kb,
    )


def intake_summary(ctx: Context, start: dt.date, end: dt.date) -> Any | None:
    """B12 eaten by `ctx.owner` on the days `start`..`end` (inclusive), compared with the cited
    reference for their own life stage (`clinical.intake.IntakeSummary`); None without a profile
    age or without foods logged in those days."""
    from b12pain.clinical.intake import summarise_intake
    from b12pain.service.when import day_bounds

    target = intake_target(ctx)
    if target is None:
        return None
    lower, upper = day_bounds(start, end, ctx.now.tzinfo)
    eaten = [
        record
        for record in ctx.store.entries(["food"], lower, upper, owner=ctx.owner)
        if isinstance(record, FoodEntry) and start <= record.day <= end
    ]
    if not eaten:
        return None
    days = (end - start).days + 1
    return summarise_intake(eaten, target, days)
