"""The shapes the food database hands out: foods, portions, search hits, measured amounts, reports."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

_FROZEN = ConfigDict(frozen=True, extra="forbid")

#: Nutrient numbers (USDA SR `Nutr_No`, FoodData Central `nutrient_nbr`) the app reads by name.
VITAMIN_B12 = "418"
VITAMIN_B12_ADDED = "578"
ENERGY_KCAL = "208"


class Portion(BaseModel):
    """A household measure of a food: `amount` × `unit` weighs `grams` (USDA WEIGHT / food_portion)."""

    model_config = _FROZEN

    amount: float
    unit: str
    grams: float

    def label(self) -> str:
        """Readable form, e.g. `1 cup (244 g)`."""
        amount = f"{self.amount:g}"
        return f"{amount} {self.unit} ({self.grams:g} g)"


class NutrientAmount(BaseModel):
    """One nutrient of a food, per 100 g edible portion."""

    model_config = _FROZEN

    number: str
    name: str
    unit: str
    per_100g: float


class Food(BaseModel):
    """A food with its identity in the source database, its nutrients per 100 g and its portions.

    `food_id` is the NDB number (SR28), the fdcId (FoodData Central) or `starter-<NDB>` for the
    starter table shipped in the package. `b12_ug` is None when the source reports no value:
    that is unknown, not zero.
    """

    model_config = _FROZEN

    food_id: str
    description: str
    food_group: str = ""
    common_names: str = ""
    source: str
    data_type: str
    ndb_number: str | None = None
    b12_ug: float | None = None
    b12_added_ug: float | None = None
    citation: str | None = None
    nutrients: tuple[NutrientAmount, ...] = ()
    portions: tuple[Portion, ...] = ()


class SearchHit(BaseModel):
    """One search result, best first."""

    model_config = _FROZEN

    food_id: str
    description: str
    food_group: str
    data_type: str
    b12_ug: float | None
    b12_added_ug: float | None
    matched_by: str  # "words" (FTS5 BM25) or "similar spelling" (trigram fallback)


class MeasuredFood(BaseModel):
    """An amount of a food as a person typed it, weighed and with its B12 worked out.

    `b12_ug` is None when the food has no B12 value in its source (unknown, not zero).
    """

    model_config = _FROZEN

    food_id: str
    description: str
    grams: float
    b12_ug: float | None
    b12_added_ug: float | None
    amount_text: str
    portion: str = ""


class SkippedRows(BaseModel):
    """Rows an import left out, grouped by file and reason, with a few examples."""

    model_config = _FROZEN

    file: str
    reason: str
    count: int
    examples: tuple[str, ...] = ()


class ImportReport(BaseModel):
    """What an import did: which source, how many rows of each kind, and what it skipped."""

    model_config = _FROZEN

    source: str
    data_types: tuple[str, ...]
    foods: int
    nutrient_values: int
    portions: int
    foods_with_b12: int
    skipped: tuple[SkippedRows, ...]
    seconds: float
