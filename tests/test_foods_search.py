"""Search over the starter table (no import needed): ranking, prefix, typos, filters, safety."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from b12pain.errors import InputError
from b12pain.foods import FoodDatabase
from b12pain.foods.search import singular, words


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FoodDatabase]:
    database = FoodDatabase.open(tmp_path_factory.mktemp("starter") / "foods.sqlite")
    yield database
    database.close()


def test_open_builds_the_starter_table_in_the_data_dir(data_dir: Path) -> None:
    with FoodDatabase.open() as database:
        assert database.path == data_dir / "foods.sqlite"
        first = database.counts()
    assert first["starter"]["foods"] >= 30
    with FoodDatabase.open() as again:  # second open: the starter table is not loaded twice
        assert again.counts() == first
        ids = [h.food_id for h in again.search("egg", limit=50)]
        assert len(ids) == len(set(ids))


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("milk", "Milk, whole, 3.25% milkfat"),
        ("egg", "Egg, whole, raw"),
        ("eggs", "Egg, whole, raw"),
        ("beef liver", "Beef liver"),
        ("spinach", "Spinach, raw"),
        ("bananas", "Bananas, raw"),
        ("banana", "Bananas, raw"),
    ],
)
def test_plain_food_first(db: FoodDatabase, query: str, first: str) -> None:
    assert db.search(query)[0].description.startswith(first)


def test_prefix_as_you_type(db: FoodDatabase) -> None:
    for typed in ("sal", "salm", "salmo"):
        assert db.search(typed)[0].description.startswith("Salmon"), typed
    assert any(h.description.startswith("Salmon") for h in db.search("sa", limit=5))
    assert db.search("sal")[0].matched_by == "words"


def test_typo_falls_back_to_trigrams(db: FoodDatabase) -> None:
    hits = db.search("salmn")
    assert hits[0].description.startswith("Salmon")
    assert hits[0].matched_by == "similar spelling"
    assert db.search("chedar")[0].description == "Cheese, cheddar"


def test_common_names_and_groups_are_searched(db: FoodDatabase) -> None:
    assert db.search("yoghurt")[0].description.startswith("Yogurt")
    assert db.search("nooch")[0].description == "Nutritional yeast, fortified"
    assert {h.food_group for h in db.search("dairy", limit=50)} == {"Dairy and Egg Products"}


def test_filters(db: FoodDatabase) -> None:
    rich = db.search("liver", min_b12_ug=50)
    assert rich and all((h.b12_ug or 0) >= 50 for h in rich)
    fish = db.search("tuna", group="Finfish")
    assert fish and all(h.food_group == "Finfish and Shellfish Products" for h in fish)
    assert db.search("milk", data_type="branded_food") == []
    with pytest.raises(InputError):
        db.search("milk", limit=0)


def test_unknown_b12_is_not_zero(db: FoodDatabase) -> None:
    oat_drink = db.get("starter-oat-drink")  # fortification varies by brand: no value
    assert oat_drink.b12_ug is None
    assert all(h.food_id != oat_drink.food_id for h in db.search("oat", min_b12_ug=0, limit=100))


def test_richest_sources_per_diet(db: FoodDatabase) -> None:
    vegan = [h.food_id for h in db.richest_sources("vegan")]
    # Fortified plant foods only, richest first (nutritional yeast: NIH ODS Table 2, cited).
    assert vegan[:2] == ["starter-nutritional-yeast-fortified", "starter-08013"]
    assert "starter-cereal-fortified-25dv" in vegan and "starter-01123" not in vegan
    vegetarian = {h.food_group for h in db.richest_sources("vegetarian", limit=50)}
    assert "Beef Products" not in vegetarian and "Dairy and Egg Products" in vegetarian
    assert db.richest_sources("omnivore")[0].food_id == "starter-13327"


def test_words_and_singular() -> None:
    assert words('Milk, "whole" 3.25%') == ["milk", "whole", "3.25%"]
    assert [singular(w) for w in ("eggs", "cherries", "glass", "boxes", "egg")] == [
        "egg",
        "cherry",
        "glass",
        "box",
        "egg",
    ]


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=40))
def test_any_text_is_a_safe_query(db: FoodDatabase, text: str) -> None:
    """FTS5 syntax in user input (quotes, *, NEAR, parentheses) never reaches the engine raw."""
    hits = db.search(text, limit=5)
    assert len(hits) <= 5


def test_fortified_cereal_lists_fortified_cereals_richest_first(db: FoodDatabase) -> None:
    hits = db.search("fortified cereal")
    assert hits and all((h.b12_added_ug or 0) > 0 for h in hits)
    assert all("cereal" in h.description.lower() for h in hits)
    b12 = [h.b12_ug or 0 for h in hits]
    assert b12 == sorted(b12, reverse=True)
    assert "starter-cereal-fortified-25dv" in {h.food_id for h in hits}


def test_nutritional_yeast_has_cited_b12(db: FoodDatabase) -> None:
    yeast = db.search("nutritional yeast")[0]
    assert yeast.food_id == "starter-nutritional-yeast-fortified"
    assert yeast.b12_ug == pytest.approx(55.3) and yeast.b12_added_ug == yeast.b12_ug
    food = db.get(yeast.food_id)
    assert "NIH ODS Vitamin B12 fact sheet, Table 2" in (food.citation or "")
    assert "8.3 to 24" in (food.citation or "")


def test_fortified_needs_the_word_and_another(db: FoodDatabase) -> None:
    assert db.search("cereal fortified with vitamin b12") == db.search("fortified cereal")
    assert db.search("fortified")[0].description.lower().count("fortified") >= 1  # a plain word
