"""Household measures in people's words ("a glass", "2 slices", "a handful") weighed in grams.

A measure is weighed through the food's own USDA portions first ("1 can" of tuna is the can USDA
weighed). When the food has no such portion, a volume ("a glass", "1 tbsp") is converted through
the food's own cup, tablespoon or fluid-ounce weight (1 cup = 240 mL, US nutrition labeling), and
a few measures with no standard size ("a handful") take a b12pain policy weight. Every weighing
says which of these it used (`Weighing.basis`). The table is `foods/data/measures.yaml`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction
from functools import cache
from importlib import resources
from typing import Any

import yaml

from b12pain.errors import InputError
from b12pain.foods.model import Portion
from b12pain.foods.search import singular, words

_TEXT = resources.files("b12pain.foods") / "data" / "measures.yaml"

#: Grams per unit of weight (exact definitions of the avoirdupois units).
WEIGHT_UNITS: dict[str, float] = {
    "g": 1.0,
    "gr": 1.0,
    "gram": 1.0,
    "grams": 1.0,
    "gramme": 1.0,
    "grammes": 1.0,
    "kg": 1000.0,
    "kgs": 1000.0,
    "kilo": 1000.0,
    "kilos": 1000.0,
    "oz": 28.349523125,
    "ounce": 28.349523125,
    "ounces": 28.349523125,
    "lb": 453.59237,
    "lbs": 453.59237,
    "pound": 453.59237,
    "pounds": 453.59237,
}
#: Volume units a USDA portion may be given in, in cups (1 cup = 16 tbsp = 48 tsp = 8 fl oz).
_PORTION_CUPS = {
    "cup": 1.0,
    "cups": 1.0,
    "tbsp": 1 / 16,
    "tablespoon": 1 / 16,
    "tsp": 1 / 48,
    "teaspoon": 1 / 48,
    "fl oz": 1 / 8,
    "quart": 4.0,
    "liter": 1000 / 240,
    "litre": 1000 / 240,
    "ml": 1 / 240,
}
_VOLUME_IN_LABEL = re.compile(r"(\d+/\d+|\d+(?:\.\d+)?)\s*(fl oz|cups?)\b")
MAX_GRAMS = 5000.0
MIN_GRAMS = 0.1


@dataclass(frozen=True)
class Measure:
    """A household measure: the words for it, the USDA portions it matches, its fallback size."""

    name: str
    words: tuple[str, ...]
    portion_words: tuple[str, ...]
    cups: float | None
    grams: float | None
    drink_serving: bool
    basis: str  # "unit" (a defined unit, cited) or "policy"
    note: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Weighing:
    """Grams for an amount of one food, the portion used, and how it was worked out."""

    grams: float
    label: str  # e.g. "2 × 1 slice, large (27 g)"
    basis: str  # plain words: the food's own portion, a unit conversion, or a policy
    policy: bool


@cache
def _table() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(_TEXT.read_text(encoding="utf-8"))
    return data


@cache
def measures() -> dict[str, Measure]:
    """Every household measure, keyed by each word people use for it."""
    by_word: dict[str, Measure] = {}
    for row in _table()["measures"]:
        measure = Measure(
            name=row["words"][0],
            words=tuple(row["words"]),
            portion_words=tuple(row.get("portion") or ()),
            cups=row.get("cups"),
            grams=row.get("grams"),
            drink_serving=bool(row.get("drink_serving")),
            basis=row["basis"],
            note=row.get("note", ""),
            sources=tuple(row.get("sources") or ()),
        )
        for word in measure.words:
            by_word[word] = measure
    return by_word


def count_portions() -> tuple[str, ...]:
    """Portions tried, in order, for a bare count ("2 sausages": a link before a patty)."""
    return tuple(_table()["count_portions"])


def sources() -> dict[str, dict[str, Any]]:
    """The sources the measure table cites, by id."""
    return {row["id"]: row for row in _table()["sources"]}


def measure_name(portion: Portion) -> str:
    """The first words of a USDA measure: `slice` of `slice, large`, `can` of `can (3.75 oz)`."""
    return re.split(r"[,(]", portion.unit.lower(), maxsplit=1)[0].strip()


def _named(portion: Portion, wanted: str) -> bool:
    name = measure_name(portion)
    return name == wanted or name.startswith(wanted + " ")


def _own_portion(portions: tuple[Portion, ...], measure: Measure) -> Portion | None:
    """The food's portion for this measure, trying the measure's portion words in order."""
    for wanted in measure.portion_words:
        for portion in portions:
            if _named(portion, wanted):
                return portion
    return None


def _per_cup(portions: tuple[Portion, ...]) -> Portion | None:
    """The food's weight of one cup, from its cup, tbsp, tsp or fl oz portion (None if none)."""
    ranked: list[tuple[int, float, Portion]] = []
    for portion in portions:
        name = measure_name(portion)
        unit = next((u for u in _PORTION_CUPS if name == u or name.startswith(u + " ")), None)
        cups = None if unit is None else _PORTION_CUPS[unit]
        rank = 0 if name == "cup" else 1
        if cups is None:
            found = _VOLUME_IN_LABEL.search(portion.unit.lower())
            if not found:
                continue
            amount, unit = float(Fraction(found.group(1))), found.group(2)
            cups = amount * (_PORTION_CUPS["fl oz"] if unit == "fl oz" else 1.0)
            rank = 2
        ranked.append((rank, cups * portion.amount, portion))
    if not ranked:
        return None
    rank, cups, portion = min(ranked, key=lambda r: r[0])
    return Portion(amount=1, unit="cup", grams=round(portion.grams / cups, 4))


def _drink_serving(portions: tuple[Portion, ...]) -> Portion | None:
    for portion in portions:
        label = portion.unit.lower()
        if label.startswith("serving") and "fl oz" in label:
            return portion
    return None


def _count_portion(
    portions: tuple[Portion, ...], food_words: set[str], size: str | None, prefer: str | None
) -> Portion | None:
    """The portion one item of the food weighs: its size or preferred count, else medium."""
    order = count_portions()

    def rank(portion: Portion) -> tuple[int, int] | None:
        name = measure_name(portion)
        label_words = {singular(w) for w in words(portion.unit)}
        first = {singular(w) for w in words(name)}
        if size and size in label_words:
            return (0, 0)
        if prefer and name == prefer:
            return (1, 0)
        if "medium" in first or ("medium" in label_words and first & food_words):
            return (2, 0)
        if first & food_words or name in ("fruit", "each", "whole", "item"):
            return (3, 0)
        if name in order:
            return (4, order.index(name))
        return None

    ranked = [(r, i, p) for i, p in enumerate(portions) if (r := rank(p)) is not None]
    return min(ranked, key=lambda t: (t[0], t[1]))[2] if ranked else None


def weigh(
    quantity: float,
    unit: str,
    portions: tuple[Portion, ...],
    food_label: str,
    *,
    food_words: set[str] = frozenset(),  # type: ignore[assignment]
    size: str | None = None,
    count: str | None = None,
) -> Weighing:
    """Weigh `quantity` × `unit` ("" for a count) of a food with these portions.

    `InputError` when the food has no such portion and the measure has no fallback size, or the
    amount is outside 0.1 g – 5 kg; the message lists the portions the food has.
    """
    weighing = _weigh(quantity, unit, portions, food_label, food_words, size, count)
    if weighing.grams < MIN_GRAMS or weighing.grams > MAX_GRAMS:
        raise InputError.single(
            "amount",
            f"{quantity:g} {unit}".strip(),
            f"{weighing.grams:g} g of {food_label}; one food is weighed between "
            f"{MIN_GRAMS:g} g and {MAX_GRAMS:g} g",
        )
    return weighing


def _weigh(
    quantity: float,
    unit: str,
    portions: tuple[Portion, ...],
    food_label: str,
    food_words: set[str],
    size: str | None,
    count: str | None,
) -> Weighing:
    if unit in WEIGHT_UNITS:
        grams = quantity * WEIGHT_UNITS[unit]
        return Weighing(round(grams, 2), f"{quantity:g} {unit}", "the weight given", False)
    measure = measures().get(unit) if unit else None
    if unit and measure is None:
        raise InputError.single("amount", unit, "not a measure b12pain knows")
    if measure is None:
        portion = _count_portion(portions, food_words, size, count)
        if portion is not None:
            return _from_portion(quantity, portion)
        if portions:  # a food with no per-item portion: its first household measure
            return _whole_portion(
                quantity, portions[0], "policy: one item taken as the food's first USDA measure"
            )
        raise _no_portion(quantity, "a count", portions, food_label)
    if measure.drink_serving:
        own = _own_portion(portions, measure)
        serving = own or _drink_serving(portions)
        if serving is not None:
            basis = "the food's own portion" if own else f"policy: {measure.note}"
            return _from_portion(quantity, serving, basis, policy=own is None)
    own = _own_portion(portions, measure)
    if own is not None:
        return _from_portion(quantity, own)
    if measure.cups is not None:
        per_cup = _per_cup(portions)
        cups = quantity * measure.cups
        policy = measure.basis == "policy"
        how = f"policy: {measure.note}" if policy else "1 cup = 240 mL (US nutrition labeling)"
        if per_cup is None:
            grams = cups * 240.0
            return Weighing(
                round(grams, 2),
                f"{quantity:g} {measure.name} ({grams:g} g)",
                f"{how}; no volume weight for this food, so 1 mL is taken as 1 g (policy)",
                True,
            )
        grams = cups * per_cup.grams
        return Weighing(
            round(grams, 2),
            f"{quantity:g} {measure.name} ({grams:.4g} g, at {per_cup.grams:g} g a cup)",
            how,
            policy,
        )
    if measure.grams is not None:
        grams = quantity * measure.grams
        return Weighing(
            round(grams, 2),
            f"{quantity:g} {measure.name} ({grams:g} g)",
            f"policy: {measure.note}",
            True,
        )
    if measure.name == "serving" and portions:
        return _whole_portion(
            quantity, portions[0], "policy: a serving taken as the food's first USDA measure"
        )
    raise _no_portion(quantity, measure.name, portions, food_label)


def _from_portion(
    quantity: float, portion: Portion, basis: str = "the food's own portion", policy: bool = False
) -> Weighing:
    grams = quantity / portion.amount * portion.grams
    return Weighing(round(grams, 2), f"{quantity:g} × {portion.label()}", basis, policy)


def _whole_portion(quantity: float, portion: Portion, basis: str) -> Weighing:
    """`quantity` times the whole of a USDA measure ("a tuna steak" as one "3 oz" portion)."""
    grams = quantity * portion.grams
    return Weighing(round(grams, 2), f"{quantity:g} × {portion.label()}", basis, True)


def _no_portion(
    quantity: float, unit: str, portions: tuple[Portion, ...], food_label: str
) -> InputError:
    offered = "; ".join(p.label() for p in portions) or "none recorded"
    return InputError.single(
        "amount",
        f"{quantity:g} {unit}".strip(),
        f"{food_label} has no portion {unit!r}; use grams or ounces, or one of: {offered}",
    )
