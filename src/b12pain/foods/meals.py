"""The MEALS file of `b12pain intake`: who ate, and what, per day and meal (YAML or JSON).

```yaml
person: {age: 58, sex: female, diet: vegetarian, region: us, medications: [metformin]}
days:
  - date: 2026-11-23
    meals:
      breakfast: ["2 eggs", "1 cup milk", {amount: "1/2 cup", food: "08077"}]
      dinner: ["150 g salmon"]
```
A single day may be written as top-level `meals:` instead of `days:`. Every entry is read as
`log food` reads it (`FoodDatabase.match_phrase`: "1 bowl oatmeal", "2 slices toast", "1 can
tuna"); all problems are reported together, each with its place in the file.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from b12pain.days import EARLIEST_DAY, LATEST_DAY
from b12pain.errors import InputError, Problem, problems_from_pydantic
from b12pain.foods.database import FoodDatabase
from b12pain.foods.model import MeasuredFood
from b12pain.userfiles import read_user_file, strict_type_problems

_MODEL = ConfigDict(frozen=True, extra="forbid")


class Person(BaseModel):
    """What the target depends on (CONTRACT.md field names)."""

    model_config = _MODEL

    age: float | None = Field(default=None, ge=0, le=120)
    sex: str = "unspecified"
    pregnant: bool = False
    breastfeeding: bool = False
    diet: str = "omnivore"
    region: str = "us"
    medications: tuple[str, ...] = ()

    @model_validator(mode="before")
    @classmethod
    def _medication_names(cls, value: Any) -> Any:
        if isinstance(value, dict) and isinstance(value.get("medications"), list):
            names = [m.get("name", "") if isinstance(m, dict) else m for m in value["medications"]]
            return {**value, "medications": names}
        return value


class Entry(BaseModel):
    """One food: `"2 eggs"`, or `{amount: "1/2 cup", food: "01077"}` with the food chosen by id."""

    model_config = _MODEL

    amount: str = Field(min_length=1, max_length=200)
    food: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, value: Any) -> Any:
        return {"amount": value} if isinstance(value, str) else value


class Day(BaseModel):
    """One day's meals, each a list of entries."""

    model_config = _MODEL

    date: dt.date | None = None
    meals: dict[str, list[Entry]]


class MealsFile(BaseModel):
    """The whole file."""

    model_config = _MODEL

    person: Person = Person()
    days: list[Day] = Field(min_length=1)

    @model_validator(mode="before")
    @classmethod
    def _one_day(cls, value: Any) -> Any:
        if isinstance(value, dict) and "meals" in value and "days" not in value:
            rest = {k: v for k, v in value.items() if k not in ("meals", "date")}
            return {**rest, "days": [{"date": value.get("date"), "meals": value["meals"]}]}
        return value


class LoggedFood(MeasuredFood):
    """A measured food with the meal and day it was eaten (accepted by `summarise_intake`), and
    how its words were read (the measure's basis, a "did you mean" when unsure)."""

    meal: str = ""
    day: dt.date | None = None
    measure_basis: str = ""
    did_you_mean: str | None = None


def read_meals(path: Path) -> MealsFile:
    """Read and validate a MEALS file; `InputError` naming each bad field."""
    raw = read_user_file(path, "MEALS")
    if not isinstance(raw, dict):
        raise InputError.single(
            "MEALS", str(path), "must hold a mapping with person and meals (see docs/foods.md)"
        )
    problems = strict_type_problems(MealsFile, raw)  # `age: yes` is not a one-year-old
    try:
        meals = MealsFile.model_validate(raw)
    except ValidationError as exc:
        raise InputError(problems + problems_from_pydantic(exc)) from None
    problems += [
        Problem(
            f"days[{i}].date",
            day.date.isoformat(),
            f"a date between {EARLIEST_DAY} and {LATEST_DAY}",
        )
        for i, day in enumerate(meals.days)
        if day.date is not None and not EARLIEST_DAY <= day.date <= LATEST_DAY
    ]
    if problems:
        raise InputError(problems)
    return meals


def measure_meals(db: FoodDatabase, meals: MealsFile) -> list[LoggedFood]:
    """Weigh every entry with the food-phrase reader `log food` uses (`FoodDatabase.match_phrase`:
    household measures such as bowl, slice, glass, can; plain common foods first); collect every
    problem (with its place in the file) before failing."""
    logged: list[LoggedFood] = []
    problems: list[Problem] = []
    for d, day in enumerate(meals.days):
        for meal, entries in day.meals.items():
            for e, entry in enumerate(entries):
                where = f"days[{d}].meals.{meal}[{e}]"
                try:
                    match = db.match_phrase(entry.amount, food_id=entry.food)
                except InputError as exc:
                    problems += [Problem(where, p.value, p.message) for p in exc.problems]
                    continue
                logged.append(
                    LoggedFood(
                        food_id=match.food_id,
                        description=match.description,
                        grams=match.grams,
                        b12_ug=match.b12_ug,
                        b12_added_ug=match.b12_added_ug,
                        amount_text=match.amount_text,
                        portion=match.portion,
                        meal=meal,
                        day=day.date,
                        measure_basis=match.measure_basis,
                        did_you_mean=match.did_you_mean,
                    )
                )
    if problems:
        raise InputError(problems)
    return logged
