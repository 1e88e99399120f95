"""Foods: USDA SR28 / FoodData Central import, a cited starter table, search, and portions.

The journal and the CLI use `FoodDatabase.open()`, then `db.search(text)`, `db.get(food_id)` and
`db.measure("2 eggs")`; food phrases in people's words ("2 slices toast") go through
`match_phrase(db, text)`. Nothing here is clinical: targets and advice live in `clinical.intake`.
"""

from b12pain.foods.database import FoodDatabase
from b12pain.foods.model import (
    Food,
    ImportReport,
    MeasuredFood,
    NutrientAmount,
    Portion,
    SearchHit,
    SkippedRows,
)
from b12pain.foods.phrases import PhraseAlternative, PhraseMatch, match_phrase, parse_phrase

__all__ = [
    "Food",
    "FoodDatabase",
    "ImportReport",
    "MeasuredFood",
    "NutrientAmount",
    "PhraseAlternative",
    "PhraseMatch",
    "Portion",
    "SearchHit",
    "SkippedRows",
    "match_phrase",
    "parse_phrase",
]
