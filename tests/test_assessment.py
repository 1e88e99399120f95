"""`assess()` follows CONTRACT.md; `parse_profile()` refuses bad input with every problem named."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from b12pain import InputError, assess, parse_profile
from b12pain.clinical.result import SCHEMA

TODAY = dt.date(2026, 11, 24)

CONTRACT_EXAMPLE = {
    "age": 58,
    "sex": "female",
    "pregnant": False,
    "breastfeeding": False,
    "ethnicity": "black",
    "diet": "omnivore",
    "medications": [
        {"name": "metformin", "dose": "2 g/day", "since": "2021-06-01"},
        {"name": "omeprazole", "duration": "6y"},
    ],
    "conditions": ["type2_diabetes", "diabetic_neuropathy"],
    "nitrous_oxide": "none",
    "symptoms": ["tingling", "burning"],
    "pain": {"types": ["diabetic_neuropathy"], "nrs": 6},
    "b12_treatment": {"route": "im", "last_dose": "2026-11-14"},
    "labs": [
        {"test": "total_b12", "value": 210, "unit": "ng/L", "date": "2026-11-01"},
        {"test": "mma", "value": 0.5, "unit": "umol/L"},
    ],
}


def test_contract_example_round_trips_to_contract_json() -> None:
    result = assess(parse_profile(CONTRACT_EXAMPLE), TODAY).to_json_dict()
    assert result["schema"] == SCHEMA
    for key in (
        "knowledge_version",
        "urgency",
        "red_flags",
        "testing",
        "labs",
        "deficiency",
        "neurological_involvement",
        "treatment",
        "findings",
        "plan",
        "instruments",
        "disclaimer",
    ):
        assert key in result
    assert set(result["testing"]) >= {
        "status",
        "monitoring_suggested",
        "tests",
        "reasons",
        "citations",
    }
    lab = result["labs"][0]
    assert set(lab) >= {
        "test",
        "value",
        "unit",
        "value_in_reference_unit",
        "band",
        "next_tests",
        "flags",
        "citations",
    }
    assert lab["band"] == "indeterminate"  # taken 17 days after the injection: interpretable
    assert "black_ethnicity_caution" in lab["flags"]
    assert result["labs"][1]["band"] == "raised"  # MMA above the lab's own 0.28 (§J.6)
    assert result["deficiency"] == "confirmed"  # indeterminate B12 + raised MMA → treat by cause
    citation = result["testing"]["citations"][0]
    assert set(citation) == {"source", "section", "level"}
    json.dumps(result)


def test_treatment_shape() -> None:
    profile = parse_profile(
        {
            "age": 45,
            "diet": "vegan",
            "symptoms": ["fatigue"],
            "labs": [{"test": "total_b12", "value": 140, "unit": "ng/L"}],
        }
    )
    treatment = assess(profile, TODAY).to_json_dict()["treatment"]
    assert set(treatment) >= {
        "regimen_id",
        "alternatives",
        "route",
        "dose",
        "frequency",
        "maintenance",
        "lifelong",
        "review_after_days",
        "schedule",
        "citations",
    }
    assert treatment["schedule"][0]["date"] == "2026-11-24"


def test_every_finding_has_both_wordings_and_citations() -> None:
    result = assess(parse_profile(CONTRACT_EXAMPLE), TODAY)
    assert result.findings
    for finding in result.findings:
        assert finding.summary and finding.clinician_summary and finding.citations
    assert all(flag.citations for flag in result.red_flags)


def test_no_diagnosis_wording_anywhere() -> None:
    profiles = [
        CONTRACT_EXAMPLE,
        {
            "age": 52,
            "conditions": ["gastrectomy"],
            "symptoms": ["tingling"],
            "labs": [{"test": "total_b12", "value": 95, "unit": "ng/L"}],
        },
    ]
    for data in profiles:
        text = json.dumps(assess(parse_profile(data), TODAY).to_json_dict()).lower()
        for phrase in (
            "meets criteria for",
            "consistent with",
            "you have vitamin b12 deficiency",
            "diagnosed with",
        ):
            assert phrase not in text


def test_not_medical_advice() -> None:
    assert "not medical advice" in assess(parse_profile({"age": 30}), TODAY).disclaimer.lower()


def test_nothing_to_say_is_urgency_none() -> None:
    result = assess(parse_profile({"age": 30}), TODAY)
    assert result.urgency == "none"
    assert result.testing.status == "not_indicated"
    assert result.deficiency == "unknown"
    assert result.treatment is None


def test_urgency_is_the_highest_of_all() -> None:
    result = assess(
        parse_profile(
            {"age": 30, "symptoms": ["thunderclap_headache", "fatigue"], "diet": "vegan"}
        ),
        TODAY,
    )
    assert result.urgency == "emergency"
    assert result.red_flags[0].urgency == "emergency"


def test_recent_injection_not_interpretable_and_no_treatment() -> None:
    data = {
        **CONTRACT_EXAMPLE,
        "labs": [{"test": "total_b12", "value": 900, "unit": "ng/L", "date": "2026-11-20"}],
    }
    result = assess(parse_profile(data), TODAY)
    assert result.labs[0].band == "not_interpretable"
    assert result.deficiency == "unknown"
    assert "flag.recent_injection" in {f.code for f in result.findings}


def test_renal_impairment_with_raised_mma_is_discordant() -> None:
    data = {
        "age": 70,
        "conditions": ["renal_impairment"],
        "symptoms": ["fatigue"],
        "labs": [
            {"test": "total_b12", "value": 250, "unit": "ng/L"},
            {"test": "mma", "value": 0.6, "unit": "umol/L"},
        ],
    }
    result = assess(parse_profile(data), TODAY)
    assert result.deficiency == "discordant"
    assert result.treatment is None
    assert "flag.renal_impairment_raises_mma" in {f.code for f in result.findings}


def test_indeterminate_with_normal_mma_is_unlikely() -> None:
    data = {
        "age": 50,
        "symptoms": ["fatigue"],
        "labs": [
            {"test": "total_b12", "value": 250, "unit": "ng/L"},
            {"test": "mma", "value": 0.3, "unit": "umol/L"},
        ],
    }
    assert assess(parse_profile(data), TODAY).deficiency == "unlikely"


def test_strong_features_with_normal_result_do_not_delay_treatment() -> None:
    data = {
        "age": 50,
        "symptoms": ["positive_romberg"],
        "labs": [{"test": "total_b12", "value": 400, "unit": "ng/L"}],
    }
    result = assess(parse_profile(data), TODAY)
    assert result.deficiency == "discordant"
    assert result.neurological_involvement
    assert (
        result.treatment is not None and result.treatment.regimen_id == "im_hydroxocobalamin_neuro"
    )


def test_folate_and_anaemia_notes_on_treatment() -> None:
    data = {
        "age": 50,
        "diet": "vegan",
        "symptoms": ["fatigue"],
        "labs": [
            {"test": "total_b12", "value": 100, "unit": "ng/L"},
            {"test": "folate", "value": 2.0, "unit": "ug/L"},
            {
                "test": "haemoglobin",
                "value": 80,
                "unit": "g/L",
                "reference_low": 120,
                "reference_high": 160,
            },
        ],
    }
    treatment = assess(parse_profile(data), TODAY).treatment
    assert treatment is not None
    notes = " ".join(treatment.notes).lower()
    assert "never folic acid alone" in notes and "potassium" in notes


def test_unverified_age_note_is_labelled() -> None:
    finding = next(
        f for f in assess(parse_profile({"age": 80}), TODAY).findings if f.code == "age_prevalence"
    )
    assert finding.unverified and finding.evidence == "unverified"
    assert assess(parse_profile({"age": 80}), TODAY).testing.status == "not_indicated"


def test_policy_and_secondary_evidence_are_labelled() -> None:
    data = {"age": 40, "labs": [{"test": "total_b12", "value": 30000, "unit": "ng/L"}]}
    finding = next(
        f for f in assess(parse_profile(data), TODAY).findings if f.code == "flag.implausible_value"
    )
    assert finding.evidence == "policy"


def test_under_16_gets_no_adult_reading_or_treatment() -> None:
    data = {
        "age": 12,
        "symptoms": ["tingling"],
        "diet": "vegan",
        "labs": [{"test": "total_b12", "value": 100, "unit": "ng/L"}],
    }
    result = assess(parse_profile(data), TODAY)
    assert result.testing.status == "out_of_scope"
    assert result.labs[0].band == "not_interpretable"
    assert result.treatment is None


# --- parse_profile ---------------------------------------------------------------------------


def problems(data: Any) -> list[tuple[str, Any, str]]:
    with pytest.raises(InputError) as caught:
        parse_profile(data)
    return [(p.field, p.value, p.message) for p in caught.value.problems]


def test_synonyms_resolve() -> None:
    profile = parse_profile(
        {
            "age": 40,
            "symptoms": ["pins and needles", "Tingling"],
            "conditions": ["pernicious_anaemia"],
            "medications": ["famotidine", {"name": "Nexium"}],
        }
    )
    assert profile.symptoms == ("tingling",)
    assert profile.conditions == ("autoimmune_gastritis",)
    assert [m.name for m in profile.medications] == ["h2_antagonist", "esomeprazole"]


def test_unknown_ids_name_the_allowed_ids() -> None:
    found = problems(
        {
            "age": 40,
            "symptoms": ["tingling", "wobbly ears"],
            "conditions": ["gout"],
            "medications": [{"name": "snake oil"}],
        }
    )
    assert [(f, v) for f, v, _ in found] == [
        ("symptoms[1]", "wobbly ears"),
        ("conditions[0]", "gout"),
        ("medications[0].name", "snake oil"),
    ]
    assert (
        "tingling" in found[0][2]
        and "autoimmune_gastritis" in found[1][2]
        and "metformin" in found[2][2]
    )


def test_every_problem_is_reported_at_once() -> None:
    found = problems(
        {
            "age": 130,
            "symptoms": ["nope"],
            "labs": [
                {"test": "total_b12", "value": -1},
                {"test": "ferritin", "value": 3, "unit": "ug/L"},
            ],
        }
    )
    fields = [f for f, _, _ in found]
    assert "symptoms[0]" in fields
    assert "age" in fields
    assert "labs[0].value" in fields and "labs[0].unit" in fields
    assert "labs[1].test" in fields
    unit = next(m for f, _, m in found if f == "labs[0].unit")
    assert "ng/L" in unit and "pmol/L" in unit


def test_wrong_unit_and_zero_value() -> None:
    found = problems({"age": 40, "labs": [{"test": "active_b12", "value": 0, "unit": "ng/L"}]})
    assert {f for f, _, _ in found} == {"labs[0].value", "labs[0].unit"}


def test_not_a_mapping() -> None:
    assert problems(["age", 40])[0][0] == "(input)"


def test_nitrous_oxide_with_raised_homocysteine() -> None:
    data = {
        "age": 25,
        "nitrous_oxide": "recreational",
        "symptoms": ["fatigue"],
        "labs": [{"test": "homocysteine", "value": 40, "unit": "umol/L"}],
    }
    result = assess(parse_profile(data), TODAY)
    # A raised functional marker alone never confirms a deficiency (§J.6); after nitrous oxide
    # it is still treated (stop nitrous oxide, replacement).
    assert result.deficiency == "indeterminate"
    assert result.labs[0].band == "raised"
    assert result.treatment is not None and result.treatment.regimen_id == "nitrous_oxide_related"


def test_indeterminate_without_symptoms_gets_policy_default() -> None:
    data = {
        "age": 50,
        "diet": "vegan",
        "labs": [{"test": "total_b12", "value": 250, "unit": "ng/L"}],
    }
    finding = next(
        f
        for f in assess(parse_profile(data), TODAY).findings
        if f.code == "indeterminate_no_symptoms"
    )
    assert finding.evidence == "policy"


def test_bad_medication_entries() -> None:
    found = problems(
        {
            "age": 40,
            "symptoms": [3],
            "medications": ["snake oil", {"name": "metformin", "duration": "long"}],
        }
    )
    fields = {f for f, _, _ in found}
    assert {"symptoms[0]", "medications[0]", "medications[1].duration"} <= fields


def test_medication_days_taken() -> None:
    profile = parse_profile(
        {
            "age": 40,
            "medications": [
                {"name": "metformin", "since": "2026-11-14"},
                "omeprazole",
                {"name": "colchicine", "duration": "2w"},
            ],
        }
    )
    assert [m.days_taken(TODAY) for m in profile.medications] == [10.0, None, 14.0]


def test_memoised_findings_stay_correct_when_the_memos_are_emptied() -> None:
    from b12pain.clinical import assessment

    lab = {"test": "total_b12", "value": 300, "unit": "ng/L"}
    first = assess(parse_profile({"age": 30, "symptoms": ["fatigue"], "labs": [lab]}), TODAY)
    assessment._testing_answer.cache_clear()
    assessment._treated.cache_clear()
    second = assess(
        parse_profile({"age": 30, "diet": "vegan", "labs": [{**lab, "value": 100}]}), TODAY
    )
    again = assess(
        parse_profile({"age": 30, "diet": "vegan", "labs": [{**lab, "value": 101}]}), TODAY
    )
    assert [f.code for f in second.findings] == [f.code for f in again.findings]
    assert first.findings[0].code == "testing.clinician_judgement"
    assert second.findings[0].code == "testing.not_indicated"
    assert assessment._testing_answer.cache_info().currsize == 1


def test_profile_built_directly_with_synonyms_is_read_the_same() -> None:
    from b12pain import Profile

    direct = Profile(
        age=50,
        symptoms=("pins and needles",),
        medications=({"name": "Nexium"},),
        conditions=("pernicious anaemia", "not-a-condition"),
    )
    parsed = parse_profile(
        {
            "age": 50,
            "symptoms": ["tingling"],
            "medications": ["esomeprazole"],
            "conditions": ["autoimmune_gastritis"],
        }
    )
    a, b = assess(direct, TODAY), assess(parsed, TODAY)
    assert a.testing == b.testing
    assert a.testing.status == "recommended"


def test_pregnant_male_is_refused() -> None:
    found = problems({"age": 30, "sex": "male", "pregnant": True})
    assert "pregnant" in found[0][2]


def test_dates_after_the_assessment_day_are_refused_by_field() -> None:
    """Every date of the profile must be on or before `today`; each later one is named."""
    profile = parse_profile(
        {
            "age": 58,
            "medications": [{"name": "metformin", "since": "2026-12-01"}],
            "b12_treatment": {"route": "oral", "last_dose": "2026-11-25"},
            "labs": [
                {"test": "total_b12", "value": 150, "unit": "ng/L", "date": "2026-11-24"},
                {"test": "total_b12", "value": 150, "unit": "ng/L", "date": "2026-11-30"},
            ],
        }
    )
    with pytest.raises(InputError) as refused:
        assess(profile, dt.date(2026, 11, 24))
    fields = {p.field: p.value for p in refused.value.problems}
    assert fields == {
        "labs[1].date": "2026-11-30",
        "medications[0].since": "2026-12-01",
        "b12_treatment.last_dose": "2026-11-25",
    }
    assert all("2026-11-24" in p.message for p in refused.value.problems)
    # The same profile assessed on the latest of its dates is fine.
    assert assess(profile, dt.date(2026, 12, 1)).today == dt.date(2026, 12, 1)
