"""Entry kinds for dietary B12: reference intakes, absorption facts, food sources, dietary notes.

Used by `clinical.intake` (targets by life stage and region, absorption notes, gap advice). Values
are those of clinical-spec §B.4 and §C; anything the spec marks UNVERIFIED is `unverified: true`
and carries no number that code may use.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from b12pain.knowledge._model import Entry
from b12pain.knowledge.schema._registry import entry_kind

Region = Literal["us", "eu"]
Diet = Literal["omnivore", "pescatarian", "vegetarian", "vegan", "low_animal"]


@entry_kind("intake_reference")
class IntakeReference(Entry):
    """A reference intake for one life stage: US RDA/AI (IOM 1998) or EFSA 2015 AI, µg per day.

    Ages are in years, `min_age_years` inclusive and `max_age_years` exclusive (None: no upper
    bound). `pregnancy` / `lactation` entries apply whatever the age band.
    """

    region: Region
    measure: Literal["RDA", "AI"]
    life_stage: str
    min_age_years: float = Field(ge=0, le=120)
    max_age_years: float | None = Field(default=None, gt=0, le=121)
    pregnancy: bool = False
    lactation: bool = False
    amount_ug: float | None = Field(default=None, gt=0, lt=100)
    ear_ug: float | None = Field(default=None, gt=0, lt=100)

    @model_validator(mode="after")
    def _amount_unless_unverified(self) -> IntakeReference:
        if self.amount_ug is None and not self.unverified:
            raise ValueError("amount_ug is required unless the entry is unverified")
        if self.unverified and self.amount_ug is not None:
            raise ValueError("an unverified entry must not carry an amount code could use")
        return self


@entry_kind("absorption_note")
class AbsorptionNote(Entry):
    """A cited fact about how B12 from food is absorbed, and who it concerns.

    Shown when `min_age_years` is reached or the person takes one of `medications` (ids as in
    CONTRACT.md); an entry with `threshold_ug` is shown when a meal holds more B12 than that.
    """

    text: str
    clinician_text: str
    min_age_years: float | None = Field(default=None, ge=0, le=120)
    medications: tuple[str, ...] = ()
    threshold_ug: float | None = Field(default=None, gt=0, lt=100)


@entry_kind("food_source")
class FoodSource(Entry):
    """A food and the B12 in one serving (NIH ODS Table 2, clinical-spec §C.3).

    `ug_per_serving_high` is set when the source gives a range (e.g. fortified nutritional yeast).
    `diets` lists the diet patterns the food fits.
    """

    food: str
    serving: str
    ug_per_serving: float = Field(ge=0, lt=1000)
    ug_per_serving_high: float | None = Field(default=None, ge=0, lt=1000)
    fortified: bool = False
    check_label: bool = False
    diets: tuple[Diet, ...]
    ndb_number: str | None = None


@entry_kind("dietary_note")
class DietaryNote(Entry):
    """A cited statement about diet and B12, shown to people of the listed diet patterns."""

    text: str
    diets: tuple[Diet, ...] = ()


@entry_kind("intake_rule")
class IntakeRule(Entry):
    """A number b12pain's intake logic uses that is its own choice (policy), with its unit."""

    value: float
    unit: str
