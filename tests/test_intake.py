"""Dietary B12 against reference intakes: targets, arithmetic, coverage, notes and gap advice."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from b12pain.clinical.intake import (
    IntakeItem,
    absorption_notes,
    assess_intake,
    coverage_text,
    dietary_notes,
    gap_advice,
    summarise_intake,
    target_for,
)
from b12pain.errors import InputError
from b12pain.knowledge import load
from b12pain.knowledge.schema.foods import FoodSource, IntakeReference

# Expected values are clinical-spec §C.1 (US, IOM 1998 via NIH ODS) and §C.2 (EFSA 2015).
US = [
    (0.1, 0.4, "AI"),
    (0.75, 0.5, "AI"),
    (2, 0.9, "RDA"),
    (6, 1.2, "RDA"),
    (13.9, 1.8, "RDA"),
    (16, 2.4, "RDA"),
    (19, 2.4, "RDA"),
    (85, 2.4, "RDA"),
]
EU = [(0.75, 1.5), (16, 4.0), (18, 4.0), (70, 4.0)]


@pytest.mark.parametrize(("age", "amount", "measure"), US)
def test_us_target_by_life_stage(age: float, amount: float, measure: str) -> None:
    target = target_for(age, "female", region="us")
    assert (target.amount_ug, target.measure, target.region) == (amount, measure, "us")
    assert target.citations and target.note is None


@pytest.mark.parametrize(("age", "amount"), EU)
def test_eu_target_by_life_stage(age: float, amount: float) -> None:
    target = target_for(age, "male", region="eu")
    assert (target.amount_ug, target.measure, target.region) == (amount, "AI", "eu")
    assert [c.source for c in target.citations] == ["efsa-2015"]


@pytest.mark.parametrize(
    ("region", "pregnant", "breastfeeding", "amount"),
    [
        ("us", True, False, 2.6),
        ("us", False, True, 2.8),
        ("eu", True, False, 4.5),
        ("eu", False, True, 5.0),
        ("us", True, True, 2.8),
    ],
)
def test_pregnancy_and_lactation(
    region: str, pregnant: bool, breastfeeding: bool, amount: float
) -> None:
    assert target_for(30, "female", pregnant, breastfeeding, region).amount_ug == amount


@pytest.mark.parametrize("age", [1, 5, 10, 14.5])
def test_unverified_efsa_child_values_fall_back_to_us_with_a_note(age: float) -> None:
    target = target_for(age, region="eu")
    assert target.region == "us"
    assert target.note and "not verified" in target.note
    assert "b12pain-policy" in {c.source for c in target.citations}
    assert target.amount_ug == target_for(age, region="us").amount_ug


def test_unverified_references_carry_no_amount_and_are_shown_as_notes() -> None:
    unverified = [r for r in load().of_kind("intake_reference", IntakeReference) if r.unverified]
    assert unverified and all(r.amount_ug is None for r in unverified)
    notes = dietary_notes("omnivore", "eu")
    assert any(n.unverified and n.id == "intake.eu.children_1_14" for n in notes)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"age": -1}, "age"),
        ({"age": 121}, "age"),
        ({"age": 30, "region": "uk"}, "region"),
        ({"age": 30, "sex": "x"}, "sex"),
    ],
)
def test_target_bad_input(kwargs: dict[str, object], field: str) -> None:
    with pytest.raises(InputError) as caught:
        target_for(**kwargs)  # type: ignore[arg-type]
    assert caught.value.problems[0].field == field


def item(
    b12: float | None, added: float | None = None, meal: str = "", day: dt.date | None = None
) -> IntakeItem:
    return IntakeItem(
        food_id="x",
        description=f"food {b12}",
        grams=100,
        b12_ug=b12,
        b12_added_ug=added,
        meal=meal,
        day=day,
    )


def test_summary_arithmetic_and_coverage() -> None:
    target = target_for(40)
    items = [
        item(0.9, meal="breakfast"),
        item(1.1, 1.1, meal="breakfast"),
        item(None, meal="lunch"),
        item(0.0, meal="lunch"),
        item(None, meal="dinner"),
        item(0.3, meal="dinner"),
        item(0.2, 0.1, meal="dinner"),
    ]
    summary = summarise_intake(items, target)
    assert summary.total_b12_ug == pytest.approx(2.5)
    assert summary.added_b12_ug == pytest.approx(1.2)
    assert summary.natural_b12_ug == pytest.approx(1.3)
    assert (
        summary.foods == 7 and summary.foods_with_b12 == 5 and len(summary.foods_without_b12) == 2
    )
    assert (
        summary.is_lower_bound and summary.meets_target is True
    )  # 2.5 ≥ 2.4 even as a lower bound
    assert summary.coverage == "at least 2.5 µg; 2 of 7 foods have no B12 data"
    meals = {m.label: (m.b12_ug, m.foods, m.foods_without_b12) for m in summary.meals}
    assert meals == {"breakfast": (2.0, 2, 0), "lunch": (0.0, 2, 1), "dinner": (0.5, 3, 1)}


def test_missing_b12_makes_a_shortfall_uncertain_not_certain() -> None:
    target = target_for(40)
    uncertain = summarise_intake([item(1.0), item(None)], target)
    assert uncertain.meets_target is None and uncertain.daily_gap_ug == pytest.approx(1.4)
    certain = summarise_intake([item(1.0), item(0.0)], target)
    assert certain.meets_target is False and certain.coverage == "1.0 µg; all 2 foods have B12 data"


def test_a_week_is_averaged_per_day() -> None:
    target = target_for(40)
    start = dt.date(2026, 11, 16)
    items = [item(2.0, day=start + dt.timedelta(days=d)) for d in range(7)] + [
        item(None, day=start)
    ]
    summary = summarise_intake(items, target)
    assert summary.days == 7 and summary.total_b12_ug == pytest.approx(14.0)
    assert summary.daily_b12_ug == pytest.approx(2.0)
    assert summary.coverage == "at least 2.0 µg a day on average; 1 of 8 foods has no B12 data"
    assert summary.per_day[0].label == "2026-11-16" and len(summary.per_day) == 7
    assert summary.per_day[0].is_lower_bound and not summary.per_day[1].is_lower_bound


def test_nothing_logged() -> None:
    summary = summarise_intake([], target_for(40))
    assert summary.coverage == "nothing logged" and summary.meets_target is False


def test_measured_foods_are_accepted_as_items(tmp_path: object) -> None:
    from b12pain.foods import MeasuredFood

    measured = MeasuredFood(
        food_id="01123",
        description="Egg",
        grams=100,
        b12_ug=0.89,
        b12_added_ug=0.0,
        amount_text="2 eggs",
    )
    assert summarise_intake([measured], target_for(40)).total_b12_ug == pytest.approx(0.89)


amounts = st.one_of(st.none(), st.floats(min_value=0, max_value=100, allow_nan=False))


@given(st.lists(amounts, max_size=30))
def test_total_is_the_sum_of_known_values(values: list[float | None]) -> None:
    target = target_for(40)
    summary = summarise_intake([item(v) for v in values], target)
    known = [v for v in values if v is not None]
    assert summary.total_b12_ug == pytest.approx(sum(known), abs=1e-3)
    assert summary.is_lower_bound == (len(known) < len(values))
    assert summary.foods_with_b12 == len(known)
    if summary.meets_target is True:
        assert summary.daily_b12_ug >= target.amount_ug - 1e-9
    elif summary.meets_target is False:
        assert len(known) == len(values)
    assert summary.daily_gap_ug == pytest.approx(
        max(0.0, target.amount_ug - summary.daily_b12_ug), abs=1e-3
    )


@given(st.integers(min_value=1, max_value=50), st.integers(min_value=0, max_value=50))
def test_coverage_wording(foods: int, missing: int) -> None:
    missing = min(missing, foods)
    text = coverage_text(1.0, foods, missing)
    assert text.startswith("at least") == (missing > 0)
    assert (f"{missing} of {foods}" in text) == (missing > 0)


def test_gap_advice_fits_the_diet_and_closes_the_gap() -> None:
    sources = {s.id: s for s in load().of_kind("food_source", FoodSource)}
    for diet in ("vegan", "vegetarian", "pescatarian", "omnivore"):
        advice = gap_advice(1.4, diet)
        assert advice, diet
        for suggestion in advice:
            source = sources[suggestion.id]
            assert diet in source.diets
            assert suggestion.b12_ug >= 1.4 - 1e-9
            assert suggestion.servings <= 3 and suggestion.servings * 2 == int(
                suggestion.servings * 2
            )
            assert suggestion.b12_ug == pytest.approx(suggestion.servings * source.ug_per_serving)
            assert suggestion.citations
    vegan = gap_advice(1.4, "vegan")
    assert {s.id for s in vegan} <= {
        "food_source.nutritional_yeast",
        "food_source.cereal_fortified_25dv",
    }
    assert all(s.fortified and s.check_label for s in vegan)
    assert gap_advice(0.0, "vegan") == ()
    with pytest.raises(InputError):
        gap_advice(1.0, "fruitarian")


def test_absorption_notes_by_age_and_medicine() -> None:
    assert {n.id for n in absorption_notes(40)} == set()
    assert "absorption.over_50" in {n.id for n in absorption_notes(51)}
    ids = {n.id for n in absorption_notes(40, ["Metformin 500 mg", "omeprazole"])}
    assert ids == {"absorption.metformin", "absorption.ppi"}
    assert {n.id for n in absorption_notes(40, ["famotidine"])} == {"absorption.h2_antagonist"}
    for note in absorption_notes(70, ["metformin", "lansoprazole"]):
        assert note.citations and note.clinician_text and note.text != note.clinician_text


def test_meal_saturation_note_only_for_a_rich_meal() -> None:
    target = target_for(40)
    rich = summarise_intake([item(3.0, meal="dinner")], target)
    modest = summarise_intake([item(1.0, meal="breakfast"), item(1.0, meal="dinner")], target)
    assert "absorption.meal_saturation" in {n.id for n in absorption_notes(40, summary=rich)}
    assert "absorption.meal_saturation" not in {n.id for n in absorption_notes(40, summary=modest)}


def test_assess_intake_combines_everything() -> None:
    report = assess_intake(
        [item(0.5, meal="breakfast")], age=60, diet="vegan", medications=["metformin"], region="us"
    )
    assert report.summary.daily_gap_ug == pytest.approx(1.9)
    assert report.suggestions and all(s.fortified for s in report.suggestions)
    ids = {n.id for n in report.notes}
    assert {"absorption.over_50", "absorption.metformin", "diet.plant_foods_unfortified"} <= ids
    assert "not diagnose" in report.disclaimer
    met = assess_intake([item(3.0)], age=30)
    assert met.suggestions == ()
    eu = assess_intake([item(3.0)], age=30, region="eu")
    assert eu.summary.target.amount_ug == 4.0 and eu.suggestions
    assert "diet.efsa_ai_is_adequate_intake" in {n.id for n in eu.notes}
    with pytest.raises(InputError):
        assess_intake([], age=30, diet="keto")


def test_no_dose_is_ever_suggested() -> None:
    """Advice names foods and servings; supplements only as something to discuss (no µg or mg dose)."""
    report = assess_intake([item(0.0)], age=70, diet="vegan", medications=["metformin"])
    for note in report.notes:
        assert not re.search(r"\d\s*(mg|mcg)\b", note.text)
    for suggestion in report.suggestions:
        assert "supplement" not in suggestion.text.lower()


@pytest.mark.parametrize("days", [0, 367])
def test_days_out_of_range_is_refused(days: int) -> None:
    with pytest.raises(InputError) as caught:
        summarise_intake([item(1.0)], target_for(40), days=days)
    assert caught.value.problems[0].field == "days"


def test_children_get_no_adult_servings_but_a_note() -> None:
    report = assess_intake([item(0.1)], age=3, diet="omnivore")
    assert report.summary.meets_target is False
    assert report.suggestions == ()
    assert "intake.policy.children_ask_clinician" in {n.id for n in report.notes}
    teen = assess_intake([item(0.1)], age=14, diet="omnivore")
    assert teen.suggestions


def test_max_servings_comes_from_knowledge() -> None:
    from b12pain.knowledge.schema.foods import IntakeRule

    limit = load().typed("intake.rule.gap_advice_max_servings", IntakeRule).value
    for gap in (0.3, 1.0, 2.4, 5.0, 20.0):
        assert all(s.servings <= limit for s in gap_advice(gap, "omnivore", limit=50))
