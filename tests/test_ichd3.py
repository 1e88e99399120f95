"""ICHD-3 (2018) migraine criteria: spec §5 vectors, the 3-of-6 aura rule, chronic migraine."""

from __future__ import annotations

from typing import Any

import pytest

from b12pain.errors import InputError
from b12pain.instruments import score


def without_aura(attacks: int, hours: float, *features: str, **extra: Any) -> dict[str, Any]:
    return (
        {"without_aura_attacks": attacks, "attack_hours": hours}
        | dict.fromkeys(features, True)
        | extra
    )


def with_aura(attacks: int, *features: str) -> dict[str, Any]:
    return {
        "with_aura_attacks": attacks,
        "aura_visual": True,
        "aura_fully_reversible": True,
    } | dict.fromkeys(features, True)


@pytest.mark.parametrize(
    ("vector", "history", "category", "codes"),
    [
        (
            "M-A",
            without_aura(5, 4, "unilateral", "pulsating", "nausea_or_vomiting"),
            "migraine_without_aura",
            ["1.1"],
        ),
        (
            "M-B",
            without_aura(4, 24, "unilateral", "moderate_or_severe", "photophobia", "phonophobia"),
            "probable_migraine_without_aura",
            ["1.5.1"],
        ),
        (
            "M-C",
            without_aura(5, 12, "unilateral", "pulsating", "photophobia"),
            "probable_migraine_without_aura",
            ["1.5.1"],
        ),
        (
            "M-D",
            without_aura(5, 2, "pulsating", "moderate_or_severe", "nausea_or_vomiting", age=17),
            "migraine_without_aura",
            ["1.1"],
        ),
        (
            "MA-A",
            with_aura(
                2,
                "aura_gradual_spread",
                "aura_each_5_to_60_min",
                "aura_unilateral",
                "aura_positive",
                "aura_headache_within_60_min",
            ),
            "migraine_with_aura",
            ["1.2"],
        ),
        (
            "MA-B",
            with_aura(2, "aura_gradual_spread", "aura_headache_within_60_min"),
            "probable_migraine_with_aura",
            ["1.5.2"],
        ),
        (
            "MA-C",
            with_aura(2, "aura_gradual_spread", "aura_succession", "aura_positive"),
            "migraine_with_aura",
            ["1.2"],
        ),
    ],
)
def test_attack_vectors(
    vector: str, history: dict[str, Any], category: str, codes: list[str]
) -> None:
    result = score("ichd3", history)
    assert result.category == category, vector
    assert result.subscores["codes"] == codes
    assert result.positive is True


def test_m_d_boundary_is_only_for_under_18() -> None:
    adult = without_aura(5, 2, "pulsating", "moderate_or_severe", "nausea_or_vomiting", age=18)
    assert score("ichd3", adult).category == "probable_migraine_without_aura"
    assert score(
        "ichd3", without_aura(5, 72, "unilateral", "pulsating", "nausea_or_vomiting")
    ).category == ("migraine_without_aura")
    assert score(
        "ichd3", without_aura(5, 72.5, "unilateral", "pulsating", "nausea_or_vomiting")
    ).category == ("probable_migraine_without_aura")


def test_discrepancy_7_aura_uses_2018_three_of_six_not_beta_two_of_four() -> None:
    # MA-B has 2 characteristics: it would pass ICHD-3 beta's "2 of 4" but not 2018's "3 of 6".
    result = score("ichd3", with_aura(2, "aura_gradual_spread", "aura_headache_within_60_min"))
    assert result.subscores["criteria"]["1.2"] == {"A": True, "B": True, "C": False}
    assert result.category != "migraine_with_aura"
    assert result.subscores["edition"] == "ICHD-3 (2018)"


def test_one_attack_short_of_with_aura_is_probable_and_two_short_criteria_is_nothing() -> None:
    assert score(
        "ichd3", with_aura(1, "aura_gradual_spread", "aura_succession", "aura_positive")
    ).category == ("probable_migraine_with_aura")
    two_missing = without_aura(4, 1, "unilateral", "pulsating", "nausea_or_vomiting")
    result = score("ichd3", two_missing)
    assert (result.category, result.positive, result.subscores["codes"]) == (
        "criteria_not_met",
        False,
        [],
    )


PRIOR = without_aura(5, 8, "unilateral", "pulsating", "nausea_or_vomiting")


@pytest.mark.parametrize(
    ("vector", "days", "migraine_days", "months", "chronic"),
    [
        ("CM-A", 16, 8, 4, True),
        ("CM-B", 14, 10, 6, False),
        ("CM-C", 20, 10, 3, False),
        ("7 migraine days", 16, 7, 4, False),
    ],
)
def test_chronic_migraine_vectors(
    vector: str, days: int, migraine_days: int, months: float, chronic: bool
) -> None:
    history = PRIOR | {
        "headache_days_per_month": days,
        "migraine_days_per_month": migraine_days,
        "pattern_months": months,
    }
    result = score("ichd3", history)
    assert (result.category == "chronic_migraine") is chronic, vector
    assert result.score == days
    assert result.subscores["headache_days_per_month"] == days
    if chronic:
        assert result.subscores["codes"] == ["1.3", "1.1"]


def test_chronic_needs_five_prior_migraine_attacks() -> None:
    history = without_aura(4, 8, "unilateral", "pulsating", "nausea_or_vomiting") | {
        "headache_days_per_month": 20,
        "migraine_days_per_month": 10,
        "pattern_months": 6,
    }
    assert score("ichd3", history).category == "probable_migraine_without_aura"


def test_wording_is_never_a_diagnosis() -> None:
    result = score("ichd3", PRIOR)
    text = (result.summary + result.clinician_summary).lower()
    assert "meets the published ichd-3 criteria" in text
    assert "clinician" in text
    for phrase in ("you have", "diagnosed with", "meets criteria for", "consistent with"):
        assert phrase not in text


def test_migraine_days_cannot_exceed_headache_days_and_bad_values_are_named() -> None:
    with pytest.raises(InputError) as caught:
        score("ichd3", {"headache_days_per_month": 5, "migraine_days_per_month": 9})
    assert caught.value.problems[0].field == "ichd3.migraine_days_per_month"
    with pytest.raises(InputError) as caught:
        score(
            "ichd3", {"headache_days_per_month": 32, "attack_hours": -1, "aura_visual": "sometimes"}
        )
    assert {p.field for p in caught.value.problems} == {
        "ichd3.headache_days_per_month",
        "ichd3.attack_hours",
        "ichd3.aura_visual",
    }
