"""Parsing amounts people type, and weighing them with a food's portions."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from b12pain.errors import InputError
from b12pain.foods import FoodDatabase, Portion
from b12pain.foods.portions import choose_portion, parse_amount


@pytest.mark.parametrize(
    ("text", "quantity", "unit", "food"),
    [
        ("2 eggs", 2, "large", "eggs"),
        ("1 cup milk", 1, "cup", "milk"),
        ("150 g salmon", 150, "g", "salmon"),
        ("150g salmon", 150, "g", "salmon"),
        ("3 oz beef liver", 3, "oz", "beef liver"),
        ("1/2 cup", 0.5, "cup", ""),
        ("1 1/2 cups of milk", 1.5, "cup", "milk"),
        ("½ cup yogurt", 0.5, "cup", "yogurt"),
        ("1½ cups milk", 1.5, "cup", "milk"),
        ("0,5 cup milk", 0.5, "cup", "milk"),
        ("a slice of bread", 1, "slice", "bread"),
        ("2 tablespoons nutritional yeast", 2, "tbsp", "nutritional yeast"),
        ("1 large egg", 1, "large", "egg"),
        ("1 banana", 1, "", "banana"),
    ],
)
def test_parse_amount(text: str, quantity: float, unit: str, food: str) -> None:
    parsed = parse_amount(text)
    assert (parsed.quantity, parsed.unit, parsed.food_text) == (pytest.approx(quantity), unit, food)


@pytest.mark.parametrize(
    "text", ["", "milk", "cup of milk", "0 g salmon", "1/0 cup milk", "-2 eggs"]
)
def test_parse_amount_refuses_text_without_a_usable_quantity(text: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_amount(text)
    problem = caught.value.problems[0]
    assert problem.field == "amount" and problem.value == text


@given(st.integers(min_value=1, max_value=4999), st.sampled_from(["salmon", "beef liver", "rice"]))
def test_grams_are_taken_as_given(grams: int, food: str) -> None:
    parsed = parse_amount(f"{grams} g {food}")
    weight, _ = choose_portion(parsed, (), food)
    assert weight == pytest.approx(grams)
    assert parsed.food_text == food


@given(st.fractions(min_value=0.25, max_value=8, max_denominator=4))
def test_household_portions_scale_linearly(amount: object) -> None:
    portions = (Portion(amount=0.5, unit="cup, chopped", grams=90.0),)
    parsed = parse_amount(f"{amount} cup")
    grams, _ = choose_portion(parsed, portions, "beans")
    assert grams == pytest.approx(float(amount) / 0.5 * 90.0, abs=0.01)  # type: ignore[arg-type]


def test_unknown_portion_lists_the_portions_the_food_has() -> None:
    portions = (
        Portion(amount=1, unit="large", grams=50),
        Portion(amount=1, unit="medium", grams=44),
    )
    with pytest.raises(InputError) as caught:
        choose_portion(parse_amount("2 slices"), portions, "Egg, whole, raw")
    message = caught.value.problems[0].message
    assert "no portion 'slice'" in message
    assert "1 large (50 g)" in message and "1 medium (44 g)" in message


@pytest.mark.parametrize("text", ["6 kg salmon", "0.01 g salmon"])
def test_implausible_weights_are_refused(text: str) -> None:
    with pytest.raises(InputError):
        choose_portion(parse_amount(text), (), "salmon")


@pytest.fixture
def starter_db(tmp_path: Path) -> FoodDatabase:
    db = FoodDatabase.open(tmp_path / "foods.sqlite")
    yield db
    db.close()


def test_measure_with_the_starter_table(starter_db: FoodDatabase) -> None:
    eggs = starter_db.measure("2 eggs")
    assert (eggs.food_id, eggs.grams) == ("starter-01123", 100.0)
    assert eggs.b12_ug == pytest.approx(0.89)
    milk = starter_db.measure("1 cup milk")
    assert milk.grams == 244 and milk.b12_ug == pytest.approx(0.45 * 2.44)
    half = starter_db.measure("1/2 cup", food_id="starter-01079")
    assert half.grams == 122 and half.amount_text == "1/2 cup"
    salmon = starter_db.measure("150 g salmon")
    assert salmon.grams == 150 and salmon.description.startswith("Salmon")
    yeast = starter_db.measure("1/4 cup", food_id="starter-nutritional-yeast-fortified")
    assert yeast.grams == 15 and yeast.b12_ug == pytest.approx(8.3, abs=0.01)  # ODS: 8.3–24 µg


def test_measure_bad_input(starter_db: FoodDatabase) -> None:
    with pytest.raises(InputError) as caught:
        starter_db.measure("2 slices", food_id="starter-01123")
    assert "1 large (50 g)" in caught.value.problems[0].message
    with pytest.raises(InputError):
        starter_db.measure("1/2 cup")  # no food named, none chosen
    with pytest.raises(InputError):
        starter_db.measure("100 g qqqqzzzz")
    with pytest.raises(InputError) as unknown:
        starter_db.measure("1 cup", food_id="no-such-food")
    assert unknown.value.problems[0].field == "food_id"


@given(st.text(max_size=40))
def test_any_text_parses_or_is_refused_cleanly(text: str) -> None:
    """Whatever a person types, the result is an amount or an `InputError`, never a crash."""
    try:
        parsed = parse_amount(text)
    except InputError as exc:
        assert exc.problems and exc.problems[0].field == "amount"
    else:
        assert parsed.quantity > 0


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet="0123456789 /.,½abcegilkmnoprstuvy", max_size=25))
def test_measure_never_crashes(starter_db: FoodDatabase, text: str) -> None:
    try:
        measured = starter_db.measure(text)
    except InputError:
        return
    assert 0 < measured.grams <= 5000
