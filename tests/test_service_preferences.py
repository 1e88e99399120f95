"""Preferences in the service layer: typed, checked (field, value, what is allowed), per owner,
replaced in one transaction, and applied to the intake target. SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from typing import get_args

import pytest

from b12pain.clinical.intake import REGIONS
from b12pain.clinical.profile import ALLOWED_UNITS
from b12pain.errors import InputError
from b12pain.journal import Journal
from b12pain.journal.preferences import read_preferences, write_preferences
from b12pain.service import intake, preferences, profile
from servicekit import context


@pytest.fixture
def store(journal_url: str) -> Iterator[Journal]:
    with Journal.open(journal_url) as journal:
        yield journal


def test_the_choices_are_the_ones_the_rest_of_b12pain_accepts() -> None:
    assert ALLOWED_UNITS["total_b12"] == preferences.B12_UNITS
    assert get_args(preferences.Region) == REGIONS


def test_defaults_when_nothing_was_saved(store: Journal) -> None:
    chosen = preferences.get_preferences(context(store))
    assert chosen == preferences.Preferences()
    assert (chosen.b12_unit, chosen.intake_region, chosen.intake_life_stage) == (
        None,
        "us",
        "from_profile",
    )


def test_saved_per_owner_and_replaced_whole(store: Journal) -> None:
    alice, bob = context(store, "alice"), context(store, "bob")
    preferences.save_preferences(alice, {"b12_unit": "pmol/L", "intake_region": "eu"})
    assert preferences.get_preferences(alice).b12_unit == "pmol/L"
    assert preferences.get_preferences(bob) == preferences.Preferences()
    preferences.save_preferences(alice, {"intake_life_stage": "pregnancy"})
    assert preferences.get_preferences(alice) == preferences.Preferences(
        intake_life_stage="pregnancy"
    )
    assert preferences.reset_preferences(alice) is True
    assert preferences.reset_preferences(alice) is False
    assert read_preferences(store, owner="alice") == {}


def test_every_refused_field_is_named_with_its_value_and_what_is_allowed(store: Journal) -> None:
    ctx = context(store)
    preferences.save_preferences(ctx, {"b12_unit": "ng/L"})
    with pytest.raises(InputError) as refused:
        preferences.save_preferences(
            ctx, {"b12_unit": "mmol/L", "intake_region": ["us"], "colour": "blue"}
        )
    found = {(p.field, str(p.value), p.message) for p in refused.value.problems}
    assert found == {
        ("b12_unit", "mmol/L", "one of ng/L, pg/mL, pmol/L, ng/mL, empty (ask each time)"),
        ("intake_region", "['us']", "one of us, eu"),
        ("colour", "blue", "not a preference; one of b12_unit, intake_region, intake_life_stage"),
    }
    assert preferences.get_preferences(ctx).b12_unit == "ng/L"  # nothing was written
    with pytest.raises(InputError):
        preferences.parse_preferences(["b12_unit"])  # type: ignore[arg-type]


def test_a_stored_value_no_longer_allowed_falls_back_to_its_default(store: Journal) -> None:
    write_preferences(store, {"b12_unit": "furlongs", "intake_region": "eu"}, owner="local")
    chosen = preferences.get_preferences(context(store))
    assert (chosen.b12_unit, chosen.intake_region) == (None, "eu")


def test_the_intake_target_follows_region_and_life_stage(store: Journal) -> None:
    ctx = context(store)
    assert intake.intake_target(ctx) is None
    preferences.save_preferences(ctx, {"intake_region": "eu"})
    assert intake.intake_target(ctx) is None  # still no age: never a default one
    profile.save_profile(ctx, {"age": 30, "sex": "female", "breastfeeding": True})
    target = intake.intake_target(ctx)
    assert (target.region, target.amount_ug, target.life_stage) == ("eu", 5, "breastfeeding")
    preferences.save_preferences(ctx, {"intake_region": "us", "intake_life_stage": "neither"})
    target = intake.intake_target(ctx)
    assert (target.region, target.amount_ug) == ("us", 2.4)
    preferences.save_preferences(ctx, {"intake_life_stage": "pregnancy"})
    assert intake.intake_target(ctx).life_stage == "pregnancy"
