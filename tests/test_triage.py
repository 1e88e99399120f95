"""Red flags (§E): evaluated first, set urgency, emergencies listed before urgent ones."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from b12pain import assess, parse_profile
from b12pain.clinical.triage import highest, red_flags

TODAY = dt.date(2026, 11, 24)


def flags(deficiency_confirmed: bool = False, **data: Any) -> list[str]:
    profile = parse_profile({"age": 50, **data})
    return [f.id for f in red_flags(profile, deficiency_confirmed)]


@pytest.mark.parametrize(
    "symptom",
    [
        "saddle_numbness",
        "urinary_retention",
        "bladder_dysfunction",
        "bowel_dysfunction",
        "bilateral_leg_weakness",
    ],
)
def test_cauda_equina_with_back_or_leg_pain_is_an_emergency(symptom: str) -> None:
    profile = parse_profile({"age": 50, "symptoms": [symptom], "pain": {"types": ["back_pain"]}})
    found = red_flags(profile)
    assert found[0].id == "cauda_equina"
    assert found[0].urgency == "emergency"
    assert "bmjbp-ces" in {c.source for c in found[0].citations}


def test_cauda_equina_fires_whatever_the_pain_type() -> None:
    """§J.1: cauda-equina features are an emergency in every profile (policy, labelled)."""
    found = red_flags(
        parse_profile(
            {"age": 50, "symptoms": ["bladder_dysfunction"], "pain": {"types": ["migraine"]}}
        )
    )
    assert found[0].id == "cauda_equina" and found[0].urgency == "emergency"
    assert any(c.level == "policy" for c in found[0].citations)


def test_bilateral_sciatica_anywhere() -> None:
    assert flags(symptoms=["bilateral_sciatica"]) == ["cauda_equina_bilateral_sciatica"]


def test_thunderclap_headache_is_emergency_marked_as_tool_decision() -> None:
    profile = parse_profile({"age": 40, "symptoms": ["thunderclap_headache"]})
    found = red_flags(profile)
    assert found[0].urgency == "emergency"
    assert found[0].urgency_is_tool_decision
    assert "cg150" in {c.source for c in found[0].citations}


def test_headache_with_fever_is_urgent() -> None:
    profile = parse_profile(
        {"age": 40, "symptoms": ["headache_with_fever"], "pain": {"types": ["migraine"]}}
    )
    assert [(f.id, f.urgency) for f in red_flags(profile)] == [("headache_urgent", "urgent")]


def test_new_deficit_with_migraine_is_emergency_else_urgent() -> None:
    with_migraine = flags(symptoms=["new_neurological_deficit"], pain={"types": ["migraine"]})
    assert with_migraine[0] == "headache_emergency"
    assert flags(symptoms=["new_neurological_deficit"]) == ["systemic_features"]


def test_foot_drop_is_urgent() -> None:
    assert flags(symptoms=["foot_drop"]) == ["spinal_urgent"]


def test_neuropathy_red_flags_only_for_neuropathy_pain() -> None:
    assert "neuropathy_progressive" in flags(
        symptoms=["unsteady_gait"], pain={"types": ["diabetic_neuropathy"]}
    )
    assert flags(symptoms=["unsteady_gait"], pain={"types": ["migraine"]}) == []


def test_b12_neurological_needs_confirmed_deficiency() -> None:
    assert flags(symptoms=["tingling"]) == []
    assert flags(True, symptoms=["tingling"]) == ["b12_neurological"]


def test_nitrous_oxide_with_neurological_symptoms() -> None:
    assert flags(symptoms=["numbness"], nitrous_oxide="recreational") == [
        "nitrous_oxide_neurological"
    ]
    assert flags(symptoms=["numbness"], nitrous_oxide="none") == []


def test_severe_anaemia_symptoms() -> None:
    assert flags(symptoms=["breathless_at_rest"]) == ["severe_anaemia"]


def test_emergencies_come_first_and_set_urgency() -> None:
    profile = parse_profile(
        {
            "age": 60,
            "symptoms": ["foot_drop", "saddle_numbness", "fever"],
            "pain": {"types": ["back_pain"]},
            "labs": [{"test": "total_b12", "value": 100, "unit": "ng/L"}],
        }
    )
    result = assess(profile, TODAY)
    urgencies = [f.urgency for f in result.red_flags]
    assert urgencies[0] == "emergency"
    assert urgencies == sorted(urgencies, key=["emergency", "urgent"].index)
    assert result.urgency == "emergency"


def test_highest() -> None:
    assert highest([]) == "none"
    assert highest(["routine", "urgent", "none"]) == "urgent"
    assert highest(["routine", "emergency"]) == "emergency"


def test_red_flags_carry_their_evidence_level() -> None:
    profile = parse_profile(
        {"age": 40, "symptoms": ["saddle_numbness"], "pain": {"types": ["sciatica"]}}
    )
    assert red_flags(profile)[0].evidence == "primary"  # BMJ Best Practice (P*)
    headache = red_flags(
        parse_profile(
            {"age": 40, "symptoms": ["headache_with_fever"], "pain": {"types": ["migraine"]}}
        )
    )
    assert headache[0].evidence == "secondary"  # CG150 reproductions (S) + tool policy


def test_triage_facts_follow_the_catalogue_order() -> None:
    """`red_flags` looks rule sets up by a plain tuple in `TriageFacts` order."""
    from b12pain.clinical.catalogue import RED_FLAG_FACTS
    from b12pain.clinical.triage import TriageFacts

    assert TriageFacts._fields == RED_FLAG_FACTS
