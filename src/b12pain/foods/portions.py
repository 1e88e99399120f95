"""Amounts people type: "2 eggs", "1 cup milk", "150 g salmon", "3 oz beef liver", "1/2 cup".

`parse_amount` splits the text into a quantity, an optional unit and the food words (pure).
`choose_portion` turns quantity and unit into grams using weight units or the food's own
household portions; an unknown portion is refused with the portions the food has.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

from b12pain.errors import InputError
from b12pain.foods.model import Portion

#: Grams per unit of weight.
WEIGHT_UNITS: dict[str, float] = {
    "g": 1.0,
    "gram": 1.0,
    "grams": 1.0,
    "gr": 1.0,
    "kg": 1000.0,
    "oz": 28.349523125,
    "ounce": 28.349523125,
    "ounces": 28.349523125,
    "lb": 453.59237,
    "lbs": 453.59237,
    "pound": 453.59237,
    "pounds": 453.59237,
}
#: Household words and the spelling USDA uses in its measures.
HOUSEHOLD_UNITS: dict[str, str] = {
    "cup": "cup",
    "cups": "cup",
    "c": "cup",
    "tbsp": "tbsp",
    "tablespoon": "tbsp",
    "tablespoons": "tbsp",
    "tsp": "tsp",
    "teaspoon": "tsp",
    "teaspoons": "tsp",
    "slice": "slice",
    "slices": "slice",
    "piece": "piece",
    "pieces": "piece",
    "serving": "serving",
    "servings": "serving",
    "container": "container",
    "containers": "container",
    "large": "large",
    "medium": "medium",
    "small": "small",
    "extra large": "extra large",
    "fillet": "fillet",
    "fillets": "fillet",
    "can": "can",
    "cans": "can",
    "stalk": "stalk",
    "leaf": "leaf",
    "fl oz": "fl oz",
    "breast": "breast",
    "bar": "bar",
    "packet": "packet",
    "egg": "large",
    "eggs": "large",
}
#: Portions tried, in order, when a count is given without a unit ("2 eggs", "1 banana").
COUNT_PORTIONS = ("large", "medium", "each", "whole", "item", "piece", "serving", "slice", "fillet")
_UNICODE_FRACTIONS = {"½": "1/2", "¼": "1/4", "¾": "3/4", "⅓": "1/3", "⅔": "2/3", "⅛": "1/8"}
_QUANTITY = re.compile(
    r"^\s*(?P<q>(?:\d+\s+\d+/\d+|\d+/\d+|\d+(?:[.,]\d+)?|\.\d+)(?![\d/.,])"
    r"|(?:an?|one|two|three|half)\b)\s*(?P<rest>.*)$",
    re.IGNORECASE,
)
_WORD_NUMBERS = {"a": "1", "an": "1", "one": "1", "two": "2", "three": "3", "half": "1/2"}
MAX_GRAMS = 5000.0
MIN_GRAMS = 0.1


@dataclass(frozen=True)
class ParsedAmount:
    """The parts of an amount: quantity, unit (weight or household; "" for a count) and food words."""

    quantity: float
    unit: str
    food_text: str
    grams_per_unit: float | None  # set for weight units


def _quantity(text: str) -> float:
    text = _WORD_NUMBERS.get(text.lower(), text).replace(",", ".")
    total = Fraction(0)
    for part in text.split():
        total += Fraction(part)
    return float(total)


def parse_amount(text: str) -> ParsedAmount:
    """Split "1 1/2 cups milk" into (1.5, "cup", "milk"); `InputError` when no quantity is given."""
    cleaned = text.strip()
    for char, plain in _UNICODE_FRACTIONS.items():
        cleaned = re.sub(rf"(\d)\s*{char}", rf"\1 {plain}", cleaned).replace(char, plain)
    match = _QUANTITY.match(cleaned)
    if not match:
        raise InputError.single(
            "amount", text, 'start with a quantity, e.g. "2 eggs", "1 cup milk", "150 g salmon"'
        )
    try:
        quantity = _quantity(match.group("q"))
    except (ValueError, ZeroDivisionError):
        raise InputError.single("amount", text, "the quantity is not a number") from None
    if quantity <= 0:
        raise InputError.single("amount", text, "the quantity must be more than 0")
    rest = match.group("rest").strip()
    rest = re.sub(r"^(?:x|×)\s*", "", rest)
    lowered = rest.lower()
    for unit in sorted({**WEIGHT_UNITS, **HOUSEHOLD_UNITS}, key=len, reverse=True):
        if lowered == unit or lowered.startswith(unit + " ") or lowered.startswith(unit + "."):
            food = rest[len(unit) :].lstrip(". ")
            food = re.sub(r"^of\s+", "", food, flags=re.IGNORECASE)
            if unit in ("egg", "eggs"):
                food = rest  # "2 eggs": the unit word is the food
            if unit in WEIGHT_UNITS:
                return ParsedAmount(quantity, unit, food, WEIGHT_UNITS[unit])
            return ParsedAmount(quantity, HOUSEHOLD_UNITS[unit], food, None)
    return ParsedAmount(quantity, "", rest, None)


def _measure_name(portion: Portion) -> str:
    """The first words of a USDA measure: `cup` of `cup, chopped`, `large` of `large (2 oz)`."""
    return re.split(r"[,(]", portion.unit.lower(), maxsplit=1)[0].strip()


def choose_portion(
    parsed: ParsedAmount, portions: tuple[Portion, ...], food_label: str
) -> tuple[float, str]:
    """Grams for the parsed amount and a label of the portion used; `InputError` if unknown."""
    if parsed.grams_per_unit is not None:
        grams = parsed.quantity * parsed.grams_per_unit
        label = f"{parsed.quantity:g} {parsed.unit}"
    else:
        portion = _find(parsed.unit, portions)
        if portion is None:
            offered = "; ".join(p.label() for p in portions) or "none recorded"
            unit = parsed.unit or "a count"
            raise InputError.single(
                "amount",
                f"{parsed.quantity:g} {parsed.unit}".strip(),
                f"{food_label} has no portion {unit!r}; use grams or ounces, or one of: {offered}",
            )
        grams = parsed.quantity / portion.amount * portion.grams
        label = f"{parsed.quantity:g} × {portion.label()}"
    if grams < MIN_GRAMS:
        raise InputError.single(
            "amount", f"{parsed.quantity:g} {parsed.unit}", f"less than {MIN_GRAMS:g} g of food"
        )
    if grams > MAX_GRAMS:
        raise InputError.single(
            "amount", f"{parsed.quantity:g} {parsed.unit}", f"more than {MAX_GRAMS:g} g of one food"
        )
    return round(grams, 2), label


def _find(unit: str, portions: tuple[Portion, ...]) -> Portion | None:
    if unit:
        exact = [p for p in portions if _measure_name(p) == unit]
        if exact:
            return exact[0]
        loose = [p for p in portions if _measure_name(p).startswith(unit)]
        return loose[0] if loose else None
    for wanted in COUNT_PORTIONS:
        for portion in portions:
            if _measure_name(portion) == wanted:
                return portion
    return None
