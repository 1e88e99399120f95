"""Food logging in people's words: the phrase parser, the matcher and its hit rate (issue 13).

The test set (tests/fixtures/food_phrases.yaml) holds everyday phrases written as people type
them, with the food meant and roughly how much it weighs. The hit rate is measured against the
starter table and against SR28 (skipped with a reason when the archive is absent); both must
reach 95 %. Run this file as a script to print the rates and the misses:
`.venv/bin/python tests/test_food_phrases.py [path/to/sr28asc.zip]`.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from b12pain.errors import InputError
from b12pain.foods import FoodDatabase, PhraseMatch, match_phrase, parse_phrase
from b12pain.foods.everyday import names
from b12pain.foods.measures import measures, sources

FIXTURE = Path(__file__).parent / "fixtures" / "food_phrases.yaml"
TARGET = 0.95


def phrases() -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = yaml.safe_load(FIXTURE.read_text(encoding="utf-8"))["phrases"]
    return rows


def held_out() -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = yaml.safe_load(FIXTURE.read_text(encoding="utf-8"))["held_out"]
    return rows


@dataclass(frozen=True)
class Outcome:
    text: str
    hit: bool
    got: str


def judge(db: FoodDatabase, row: dict[str, Any]) -> Outcome:
    """Match one phrase and compare it with what the person meant."""
    try:
        match = match_phrase(db, row["text"])
    except InputError as exc:
        return Outcome(row["text"], False, f"refused: {exc}")
    food = db.get(match.food_id)
    if "food" in row:
        right_food = food.ndb_number in row["food"] or food.food_id in row["food"]
    else:
        described = food.description.lower()
        right_food = all(w in described for w in row["words"])
    close = abs(match.grams - row["grams"]) <= row.get("tol", 0.2) * row["grams"]
    got = f"{food.food_id} {food.description!r} {match.grams:g} g ({match.measure})"
    return Outcome(row["text"], right_food and close, got)


def hit_rate(db: FoodDatabase, rows: list[dict[str, Any]]) -> tuple[float, list[Outcome]]:
    """The share of phrases matched to the right food and weight, and the misses."""
    outcomes = [judge(db, row) for row in rows]
    misses = [o for o in outcomes if not o.hit]
    return (len(outcomes) - len(misses)) / len(outcomes), misses


@pytest.fixture(scope="module")
def starter_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FoodDatabase]:
    db = FoodDatabase.open(tmp_path_factory.mktemp("starter") / "foods.sqlite")
    yield db
    db.close()


@pytest.fixture(scope="module")
def sr28_db(sr28_zip: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[FoodDatabase]:
    db = FoodDatabase.open(tmp_path_factory.mktemp("sr28-phrases") / "foods.sqlite")
    db.import_archive(sr28_zip)
    yield db
    db.close()


# -- the test set ---------------------------------------------------------------------------------
def test_the_test_set_has_at_least_100_everyday_phrases() -> None:
    rows = phrases()
    assert len(rows) >= 100
    assert len({r["text"] for r in rows}) == len(rows)
    assert all(r["grams"] > 0 and r["food"] for r in rows)


def test_hit_rate_on_the_starter_table(starter_db: FoodDatabase) -> None:
    rate, misses = hit_rate(starter_db, phrases())
    assert rate >= TARGET, "\n".join(f"{m.text!r} → {m.got}" for m in misses)


@pytest.mark.sr28
@pytest.mark.xdist_group("sr28")
def test_hit_rate_on_sr28(sr28_db: FoodDatabase) -> None:
    rate, misses = hit_rate(sr28_db, phrases())
    assert rate >= TARGET, "\n".join(f"{m.text!r} → {m.got}" for m in misses)


@pytest.mark.sr28
@pytest.mark.xdist_group("sr28")
def test_held_out_phrases_on_sr28_are_measured(sr28_db: FoodDatabase) -> None:
    """Phrases the everyday table was not tuned on: search alone finds most of them (the rate is
    reported in docs/foods.md); those it misses are refused or flagged, never silently odd."""
    rate, misses = hit_rate(sr28_db, held_out())
    assert rate >= 0.5, "\n".join(f"{m.text!r} → {m.got}" for m in misses)


# -- the issue's examples -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "description", "grams"),
    [
        ("1 bowl oatmeal", "Oatmeal", 234),
        ("2 slices toast", "Bread, white, toasted", 54),
        ("1 can tuna", "Tuna, light, canned", 142),
        ("1 cup lentil soup", "Soup, lentil, vegetarian", 248),
        ("1 glass milk", "Milk, reduced fat, 2%", 244),
        ("1 tbsp nutritional yeast", "Nutritional yeast, fortified", 3.75),
        ("1 cup almond milk", "Almond milk, unsweetened", 262),
    ],
)
def test_the_failed_entries_of_the_issue_now_match(
    starter_db: FoodDatabase, text: str, description: str, grams: float
) -> None:
    match = match_phrase(starter_db, text)
    assert match.description.startswith(description)
    assert match.grams == pytest.approx(grams)
    assert "French" not in match.description and match.confidence == "high"


def test_every_match_says_food_grams_b12_and_how_it_was_weighed(starter_db: FoodDatabase) -> None:
    match = match_phrase(starter_db, "1 tbsp nutritional yeast")
    assert match.food_id == "starter-nutritional-yeast-fortified"
    assert match.b12_ug == pytest.approx(55.3 * 3.75 / 100, rel=1e-3)
    assert match.b12_added_ug == match.b12_ug
    assert "NIH ODS" in (match.citation or "")
    toast = match_phrase(starter_db, "2 slices toast")
    assert toast.b12_ug == 0 and toast.measure == "2 × 1 slice (27 g)"
    assert toast.measure_basis == "the food's own portion"


def test_almond_milk_shows_the_sweetened_alternative_and_unknown_b12(
    starter_db: FoodDatabase,
) -> None:
    match = match_phrase(starter_db, "1 cup almond milk")
    assert match.b12_ug is None  # fortification varies: unknown, not zero
    assert any("unknown, not zero" in n for n in match.notes)
    assert match.alternatives[0].description.startswith("Almond milk, sweetened")
    assert match.alternatives[0].grams == 240


def test_picking_an_alternative_is_one_step(starter_db: FoodDatabase) -> None:
    first = match_phrase(starter_db, "1 glass milk")
    assert first.food_id == "starter-01079"
    whole = next(a for a in first.alternatives if "whole" in a.description)
    picked = match_phrase(starter_db, "1 glass milk", food_id=whole.food_id)
    assert (picked.food_id, picked.grams, picked.matched_by) == (whole.food_id, 244, "chosen")
    assert picked.b12_ug == whole.b12_ug
    amount_only = match_phrase(starter_db, "1/2 cup", food_id="starter-01079")
    assert amount_only.grams == 122


def test_did_you_mean_when_unsure(starter_db: FoodDatabase) -> None:
    typo = match_phrase(starter_db, "100 g salmn")
    assert typo.confidence == "low" and typo.matched_by == "similar spelling"
    assert typo.did_you_mean and "did you mean Salmon" in typo.did_you_mean
    extra = match_phrase(starter_db, "100 g smoked salmon")  # no smoked salmon in the table
    assert extra.confidence == "low" and extra.did_you_mean
    sure = match_phrase(starter_db, "2 eggs")
    assert sure.confidence == "high" and sure.did_you_mean is None


def test_policy_measures_say_so(starter_db: FoodDatabase) -> None:
    bowl = match_phrase(starter_db, "a bowl of porridge")
    assert bowl.measure_basis.startswith("policy: a bowl is taken as 1 cup")
    handful = match_phrase(starter_db, "a handful of almonds")
    assert handful.grams == 30 and handful.measure_basis.startswith("policy")
    tbsp = match_phrase(starter_db, "1 tbsp milk")
    assert tbsp.grams == pytest.approx(244 / 16, abs=0.01) and "240 mL" in tbsp.measure_basis


def test_a_second_food_is_not_silently_dropped(starter_db: FoodDatabase) -> None:
    match = match_phrase(starter_db, "2 slices toast with butter")
    assert match.description.startswith("Bread, white, toasted")
    assert match.notes and "'butter'" in match.notes[0]


@pytest.mark.parametrize(
    ("text", "field", "says"),
    [
        ("", "food", "say what you ate"),
        ("2", "food", "name the food"),
        ("1 glass", "food", "name the food"),
        ("0 eggs", "amount", "more than 0"),
        ("99999 eggs", "amount", "up to 10,000"),
        ("xyzzy plugh", "food", "no food matches"),
        ("3 slices egg", "amount", "no portion 'slice'"),
        ("40 cups milk", "amount", "between 0.1 g and 5000 g"),
        ("x" * 300, "food", "at most 200 characters"),
    ],
)
def test_bad_phrases_are_refused_with_field_and_what_is_allowed(
    starter_db: FoodDatabase, text: str, field: str, says: str
) -> None:
    with pytest.raises(InputError) as caught:
        match_phrase(starter_db, text)
    problem = caught.value.problems[0]
    assert problem.field == field and says in problem.message


# -- the parser -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "quantity", "unit", "food", "size"),
    [
        ("2 slices toast", 2, "slice", "toast", None),
        ("half a tin of tuna", 0.5, "can", "tuna", None),
        ("a glass of milk", 1, "glass", "milk", None),
        ("cup of tea", 1, "cup", "tea", None),
        ("an 8 oz steak", 8, "oz", "steak", None),
        ("250ml milk", 250, "ml", "milk", None),
        ("1 1/2 cups of rice", 1.5, "cup", "rice", None),
        ("1½ cups rice", 1.5, "cup", "rice", None),
        ("one and a half cups rice", 1.5, "cup", "rice", None),
        ("a couple of eggs", 2, "", "eggs", None),
        ("2 large eggs", 2, "", "eggs", "large"),
        ("3 rashers of bacon", 3, "slice", "bacon", None),
        ("a pot of yoghurt", 1, "pot", "yoghurt", None),
        ("2 tablespoons nutritional yeast", 2, "tbsp", "nutritional yeast", None),
        ("a handful of almonds", 1, "handful", "almonds", None),
        ("toast", 1, "", "toast", None),
        ("2x eggs", 2, "", "eggs", None),
    ],
)
def test_parse_phrase(text: str, quantity: float, unit: str, food: str, size: str | None) -> None:
    phrase = parse_phrase(text)
    assert (phrase.quantity, phrase.unit, phrase.food_text, phrase.size) == (
        pytest.approx(quantity),
        unit,
        food,
        size,
    )


def test_every_everyday_name_and_measure_is_well_formed() -> None:
    for name in names().values():
        assert name.foods and all(f.startswith("starter-") or f.isdigit() for f in name.foods)
    cited = set(sources())
    for measure in measures().values():
        assert measure.basis in ("unit", "policy")
        if measure.basis == "unit":
            assert measure.sources and {s.split("#")[0] for s in measure.sources} <= cited
        else:
            assert measure.note  # a policy says what it assumes


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(max_size=60))
def test_any_text_is_matched_or_refused_cleanly(starter_db: FoodDatabase, text: str) -> None:
    try:
        match = match_phrase(starter_db, text)
    except InputError as exc:
        assert exc.problems and exc.problems[0].field in ("food", "amount")
        return
    assert isinstance(match, PhraseMatch) and 0.1 <= match.grams <= 5000


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    quantity=st.integers(min_value=1, max_value=12),
    food=st.sampled_from(["eggs", "slices toast", "cups milk", "tbsp butter"]),
)
def test_grams_grow_with_the_quantity(starter_db: FoodDatabase, quantity: int, food: str) -> None:
    one = match_phrase(starter_db, f"1 {food}")
    many = match_phrase(starter_db, f"{quantity} {food}")
    assert many.food_id == one.food_id
    assert many.grams == pytest.approx(one.grams * quantity, rel=1e-3)


if __name__ == "__main__":  # pragma: no cover - a report for docs/foods.md
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        report: list[tuple[str, FoodDatabase, list[dict[str, Any]]]] = []
        starter = FoodDatabase.open(Path(folder) / "starter.sqlite")
        report.append(("starter table", starter, phrases()))
        if len(sys.argv) > 1:
            sr28 = FoodDatabase.open(Path(folder) / "sr28.sqlite")
            sr28.import_archive(sys.argv[1])
            report += [("SR28", sr28, phrases()), ("SR28, held out", sr28, held_out())]
        for label, db, rows in report:
            rate, misses = hit_rate(db, rows)
            print(f"{label}: {len(rows) - len(misses)} of {len(rows)} = {rate:.1%}")
            for miss in misses:
                print(f"  miss: {miss.text!r} → {miss.got}")
