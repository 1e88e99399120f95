"""Food logging in people's words: "2 slices toast", "a glass of milk", "1 can tuna".

`parse_phrase` splits a phrase into a quantity, a size, a household measure and the food words
(pure). `match_phrase` finds the food (everyday names first, then search), weighs the amount
(`foods.measures`) and returns a `PhraseMatch`: the food chosen, grams, B12, how the amount was
weighed, how sure the match is, the top alternatives and a "did you mean" when unsure. A caller
that lets a person pick another food passes its id back as `food_id` (one step).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict

from b12pain.errors import InputError
from b12pain.foods.everyday import EverydayName, longest_name, normalise
from b12pain.foods.measures import WEIGHT_UNITS, Weighing, measures, weigh
from b12pain.foods.model import Food

if TYPE_CHECKING:
    from b12pain.foods.database import FoodDatabase

Confidence = Literal["high", "medium", "low"]
MAX_PHRASE = 200
ALTERNATIVES = 3

_FROZEN = ConfigDict(frozen=True, extra="forbid")
_UNICODE_FRACTIONS = {"½": "1/2", "¼": "1/4", "¾": "3/4", "⅓": "1/3", "⅔": "2/3", "⅛": "1/8"}
_NUMBER = re.compile(r"^(?:\d+(?:[.,]\d+)?|\.\d+|\d+/\d+)$")
_WORD_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "dozen": 12,
    "half": 0.5, "quarter": 0.25,
}  # fmt: skip
_SIZES = {"large": "large", "big": "large", "small": "small", "little": "small", "medium": "medium"}
#: Words that say nothing about which food is meant ("a bowl of *plain cooked* rice").
_FILLER = frozenset(
    {"of", "some", "my", "the", "a", "an", "fresh", "plain", "cooked", "homemade", "home"}
    | {"made", "hot", "cold", "warm", "regular", "normal", "usual", "few", "bit", "little"}
)
#: Words after which a phrase names a second food ("toast with butter").
_SECOND_FOOD = re.compile(
    r"\s+(?:with|and(?!\s+an?\s+half)|plus|\+|&)\s+|\s*[,;]\s*", re.IGNORECASE
)


@dataclass(frozen=True)
class Phrase:
    """The parts of a food phrase; `quantity_given` is False when none was typed ("tea")."""

    text: str
    quantity: float
    quantity_given: bool
    size: str | None
    unit: str  # a weight unit, a household measure's name, or "" for a count
    food_text: str
    rest: str  # a second food after "with"/"and", not read


class PhraseAlternative(BaseModel):
    """Another food the phrase may mean, weighed the same way when its portions allow."""

    model_config = _FROZEN

    food_id: str
    description: str
    grams: float | None
    b12_ug: float | None


class PhraseMatch(BaseModel):
    """What a food phrase was taken to mean; shown on every log so a person can check it.

    `b12_ug` is None when the food has no B12 value (unknown, not zero). `amount_text` and
    `portion` mirror `MeasuredFood`, so a match can be summed by `clinical.intake` as it is.
    """

    model_config = _FROZEN

    text: str
    food_id: str
    description: str
    grams: float
    b12_ug: float | None
    b12_added_ug: float | None
    quantity: float
    measure: str
    measure_basis: str
    confidence: Confidence
    matched_by: Literal["everyday name", "search", "similar spelling", "chosen"]
    alternatives: tuple[PhraseAlternative, ...]
    did_you_mean: str | None
    notes: tuple[str, ...]
    citation: str | None

    @property
    def amount_text(self) -> str:
        """The phrase as typed (the `MeasuredFood` name for it)."""
        return self.text

    @property
    def portion(self) -> str:
        """The portion used (the `MeasuredFood` name for it)."""
        return self.measure


def parse_phrase(text: str, *, need_food: bool = True) -> Phrase:
    """Split "half a tin of tuna" into (0.5, None, "can", "tuna"); `InputError` if unusable.

    `need_food=False` accepts an amount alone ("1 cup"), for a food chosen by id.
    """
    if not isinstance(text, str) or not text.strip():
        raise InputError.single("food", text, 'say what you ate, e.g. "2 slices toast"')
    if len(text) > MAX_PHRASE:
        raise InputError.single("food", text, f"at most {MAX_PHRASE} characters: one food a line")
    cleaned = text.strip().lower()
    for char, plain in _UNICODE_FRACTIONS.items():
        cleaned = re.sub(rf"(\d)\s*{char}", rf"\1 {plain}", cleaned).replace(char, plain)
    cleaned = re.sub(r"(\d)\s*([a-z])", r"\1 \2", cleaned)  # "100g" → "100 g"
    cleaned = re.sub(r"(\d)\s*x\s+", r"\1 ", cleaned)  # "2x eggs"
    first, *others = _SECOND_FOOD.split(cleaned, maxsplit=1)
    tokens = first.split()
    quantity, given, tokens = _quantity(tokens, text)
    size = None
    if tokens and tokens[0] in _SIZES and len(tokens) > 1:
        size, tokens = _SIZES[tokens[0]], tokens[1:]
    unit, tokens = _unit(tokens)
    if unit and size is None and tokens and tokens[0] in _SIZES and len(tokens) > 1:
        size, tokens = _SIZES[tokens[0]], tokens[1:]
    while tokens and tokens[0] in ("of", "some", "my", "the"):
        tokens = tokens[1:]
    food_text = " ".join(tokens).strip(" .")
    if not food_text and need_food:
        raise InputError.single(
            "food", text, 'name the food after the amount, e.g. "1 cup milk", "2 eggs"'
        )
    return Phrase(text.strip(), quantity, given, size, unit, food_text, " ".join(others).strip())


def _quantity(tokens: list[str], text: str) -> tuple[float, bool, list[str]]:
    """The leading quantity ("1 1/2", "half a", "a couple of", "two"); 1 when none is given."""
    if len(tokens) >= 2 and tokens[0] in ("a", "an") and _NUMBER.match(tokens[1]):
        tokens = tokens[1:]  # "an 8 oz steak"
    if tokens[:2] == ["a", "couple"] or tokens[:1] == ["couple"]:
        rest = tokens[2:] if tokens[0] == "a" else tokens[1:]
        return 2.0, True, rest[1:] if rest[:1] == ["of"] else rest
    if tokens[:1] == ["half"] and tokens[1:2] in (["a"], ["an"]):
        return 0.5, True, tokens[2:]  # "half a tin of tuna"
    if tokens[:2] in (["a", "half"], ["one", "half"]):
        return 0.5, True, tokens[2:]
    if tokens[:2] == ["a", "quarter"]:
        rest = tokens[2:]
        return 0.25, True, rest[1:] if rest[:1] == ["of"] else rest
    total, used = Fraction(0), 0
    while used < len(tokens) and _NUMBER.match(tokens[used]) and used < 2:
        try:
            total += Fraction(tokens[used].replace(",", "."))
        except (ValueError, ZeroDivisionError):
            raise InputError.single("amount", text, "the quantity is not a number") from None
        used += 1
    if used == 0 and tokens and tokens[0] in _WORD_NUMBERS:
        total, used = Fraction(_WORD_NUMBERS[tokens[0]]).limit_denominator(), 1
    if used == 0:
        return 1.0, False, tokens
    rest = tokens[used:]
    if rest[:3] in (["and", "a", "half"],):
        total, rest = total + Fraction(1, 2), rest[3:]
    if total <= 0:
        raise InputError.single("amount", text, "the quantity must be more than 0")
    if total > 10_000:
        raise InputError.single("amount", text, "a quantity up to 10,000")
    return float(total), True, rest


def _unit(tokens: list[str]) -> tuple[str, list[str]]:
    """A weight unit or household measure at the start of `tokens` (two words first)."""
    table = measures()
    for size in (2, 1):
        if len(tokens) < size:
            continue
        word = " ".join(tokens[:size]).rstrip(".")
        if word in WEIGHT_UNITS:
            return word, tokens[size:]
        if word in table:
            return table[word].name, tokens[size:]
    return "", tokens


def match_phrase(database: FoodDatabase, text: str, *, food_id: str | None = None) -> PhraseMatch:
    """The food and amount a phrase means, with alternatives; `InputError` if none matches.

    Everyday names ("toast", "porridge", "tin of tuna") go to the plain food people usually mean;
    other words are searched, plain foods first. With `food_id` the person has chosen the food
    (e.g. one of the alternatives) and only the amount is read from `text`.
    """
    phrase = parse_phrase(text, need_food=food_id is None)
    notes: list[str] = []
    if phrase.rest:
        notes.append(f"only the first food was read; log {phrase.rest!r} as its own entry")
    food_words = normalise(phrase.food_text)
    if food_id is not None:
        food = database.get(food_id)
        weighing = _weigh(phrase, food, set(food_words), None)
        return _result(phrase, food, weighing, "high", "chosen", (), None, notes)
    candidates, eligible, name, confidence, how = _candidates(database, phrase, food_words)
    if not candidates:
        raise InputError.single(
            "food",
            phrase.text,
            f'no food matches {phrase.food_text!r}; use a common name (e.g. "1 glass milk") '
            "or find the food with `b12pain foods search` and give its id",
        )
    count = name.count if name else None
    food, weighing = _choose(phrase, candidates[:eligible], set(food_words), count)
    others = [c for c in candidates if c.food_id != food.food_id][:ALTERNATIVES]
    alternatives = tuple(_alternative(phrase, c, set(food_words), count) for c in others)
    did_you_mean = None
    if confidence == "low":
        offered = "; ".join(f"{a.description} [{a.food_id}]" for a in alternatives)
        did_you_mean = f"Not sure what {phrase.food_text!r} is: did you mean {food.description}?"
        if offered:
            did_you_mean += f" Or: {offered}."
    return _result(phrase, food, weighing, confidence, how, alternatives, did_you_mean, notes)


def _choose(
    phrase: Phrase, eligible: list[Food], food_words: set[str], count: str | None
) -> tuple[Food, Weighing]:
    """The first eligible food the amount fits by its own portion (or a defined unit); else the
    first it fits by a policy size; else the first food's error (it lists that food's portions)."""
    fitted: list[tuple[Food, Weighing]] = []
    first_error: InputError | None = None
    for food in eligible:
        try:
            weighing = _weigh(phrase, food, food_words, count)
        except InputError as exc:
            first_error = first_error or exc
            continue
        if not weighing.policy:
            return food, weighing
        fitted.append((food, weighing))
    if fitted:
        return fitted[0]
    assert first_error is not None
    raise first_error


#: How many search hits may be chosen for a phrase (the first whose own portions fit the amount).
SEARCH_CHOICES = 3
How = Literal["everyday name", "search", "similar spelling"]


def _candidates(
    database: FoodDatabase, phrase: Phrase, food_words: tuple[str, ...]
) -> tuple[list[Food], int, EverydayName | None, Confidence, How]:
    """Foods the phrase may mean, best first; how many of them may be chosen (the rest are
    alternatives only); the everyday name used; and how sure the match is."""
    found = longest_name(food_words)
    named: list[Food] = []
    if found is not None:
        name, start, end = found
        named = [f for f in (_resolve(database, ref) for ref in name.foods) if f is not None]
        leftover = [w for w in food_words[:start] + food_words[end:] if w not in _FILLER]
        if named and not leftover:
            foods = _plus_search(database, named, phrase.food_text)
            return foods, len(named), name, "high", "everyday name"
    hits = database.search(phrase.food_text, limit=8)
    searched = [database.get(h.food_id) for h in hits]
    wanted = {w for w in food_words if w not in _FILLER}
    if found is not None and named:
        # The name was found with other words ("smoked salmon"): a search hit holding every
        # word wins; otherwise the everyday food stands, flagged as unsure.
        for food in searched[:SEARCH_CHOICES]:
            if wanted <= set(normalise(f"{food.description} {food.common_names}")):
                rest = [f for f in searched if f.food_id != food.food_id]
                return [food, *named, *rest], 1, None, "medium", "search"
        foods = _plus_search(database, named, phrase.food_text)
        return foods, len(named), found[0], "low", "everyday name"
    if not hits:
        return [], 0, None, "low", "search"
    how: How = "similar spelling" if hits[0].matched_by == "similar spelling" else "search"
    top = set(normalise(f"{searched[0].description} {searched[0].common_names}"))
    confidence: Confidence = "medium" if how == "search" and wanted <= top else "low"
    return searched, SEARCH_CHOICES, None, confidence, how


def _plus_search(database: FoodDatabase, named: list[Food], text: str) -> list[Food]:
    """The everyday foods, then search hits as further alternatives."""
    seen = {f.food_id for f in named}
    extra = [database.get(h.food_id) for h in database.search(text, limit=4)]
    return [*named, *(f for f in extra if f.food_id not in seen)]


def _resolve(database: FoodDatabase, ref: str) -> Food | None:
    """A food by starter id or by NDB number (an imported USDA record before the starter row)."""
    if ref.startswith("starter-"):
        try:
            return database.get(ref)
        except InputError:
            return None
    food_id = database.food_id_for_ndb(ref)
    return database.get(food_id) if food_id else None


def _weigh(phrase: Phrase, food: Food, food_words: set[str], count: str | None) -> Weighing:
    return weigh(
        phrase.quantity,
        phrase.unit,
        food.portions,
        food.description,
        food_words=food_words,
        size=phrase.size,
        count=count,
    )


def _alternative(
    phrase: Phrase, food: Food, food_words: set[str], count: str | None
) -> PhraseAlternative:
    try:
        grams: float | None = _weigh(phrase, food, food_words, count).grams
    except InputError:
        grams = None
    return PhraseAlternative(
        food_id=food.food_id,
        description=food.description,
        grams=grams,
        b12_ug=_b12(food.b12_ug, grams),
    )


def _b12(per_100g: float | None, grams: float | None) -> float | None:
    return None if per_100g is None or grams is None else round(per_100g * grams / 100, 4)


def _result(
    phrase: Phrase,
    food: Food,
    weighing: Weighing,
    confidence: Confidence,
    how: Literal["everyday name", "search", "similar spelling", "chosen"],
    alternatives: tuple[PhraseAlternative, ...],
    did_you_mean: str | None,
    notes: list[str],
) -> PhraseMatch:
    if food.b12_ug is None:
        notes.append(
            "this food has no B12 value in its source (unknown, not zero); check the label"
        )
    return PhraseMatch(
        text=phrase.text,
        food_id=food.food_id,
        description=food.description,
        grams=weighing.grams,
        b12_ug=_b12(food.b12_ug, weighing.grams),
        b12_added_ug=_b12(food.b12_added_ug, weighing.grams),
        quantity=phrase.quantity,
        measure=weighing.label,
        measure_basis=weighing.basis,
        confidence=confidence,
        matched_by=how,
        alternatives=alternatives,
        did_you_mean=did_you_mean,
        notes=tuple(notes),
        citation=food.citation,
    )
