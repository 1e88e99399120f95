"""Everyday food names ("toast", "porridge", "a tin of tuna") and the plain foods they usually mean.

The table (`foods/data/everyday.yaml`) maps names to USDA records by NDB number, so the same
name finds the same food in the starter table, an SR28 import or a FoodData Central SR Legacy
import. `longest_name` finds the longest everyday name inside the words a person typed.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

from b12pain.foods.search import singular, words

_TEXT = resources.files("b12pain.foods") / "data" / "everyday.yaml"


@dataclass(frozen=True)
class EverydayName:
    """A name people use and the foods it means, most usual first (NDB numbers or starter ids)."""

    name: str
    foods: tuple[str, ...]
    count: str | None  # the portion a bare count means, when not the usual medium


def normalise(text: str) -> tuple[str, ...]:
    """Lower-case singular words: `Slices of Toast` → ("slice", "of", "toast")."""
    return tuple(singular(w) for w in words(text))


@cache
def names() -> dict[tuple[str, ...], EverydayName]:
    """Every everyday name, keyed by its normalised words."""
    rows: list[dict[str, Any]] = yaml.safe_load(_TEXT.read_text(encoding="utf-8"))["names"]
    table: dict[tuple[str, ...], EverydayName] = {}
    for row in rows:
        for said in row["say"]:
            table[normalise(str(said))] = EverydayName(
                name=str(said), foods=tuple(str(f) for f in row["foods"]), count=row.get("count")
            )
    return table


def longest_name(food_words: tuple[str, ...]) -> tuple[EverydayName, int, int] | None:
    """The longest everyday name found as consecutive words, with its start and end; or None."""
    table = names()
    for size in range(len(food_words), 0, -1):
        for start in range(len(food_words) - size + 1):
            found = table.get(food_words[start : start + size])
            if found is not None:
                return found, start, start + size
    return None
