"""Instruments in the assessment (issue 3), through `b12pain.assess`: the `instruments` section,
a positive neuropathic screen counting for the T1 testing rule, and the pain-type profile shaping
the plan."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from b12pain import InputError, assess, parse_profile

TODAY = dt.date(2026, 11, 24)

#: Long-term metformin is a risk factor; with no symptom T1 is not met (risk factor only).
BASE: dict[str, Any] = {"age": 60, "medications": [{"name": "metformin", "duration": "5y"}]}

DN4_POSITIVE = {f"q{i}": i in (1, 2, 8, 9) for i in range(1, 11)}  # 4: exactly at the cut-off
DN4_NEGATIVE = {f"q{i}": i in (1, 2, 3) for i in range(1, 11)}  # 3: one below
SLANSS_POSITIVE = {f"q{i}": i in (1, 2, 4) for i in range(1, 8)}  # 12
MNSI_POSITIVE = {f"q{i}": i in (1, 2, 3, 5, 11, 12, 7) for i in range(1, 16)}  # 7
FIBRO = {
    "painful_areas": [
        "shoulder_girdle_left",
        "shoulder_girdle_right",
        "hip_left",
        "hip_right",
        "neck",
        "lower_back",
        "upper_leg_left",
    ],
    "fatigue": 2,
    "waking_unrefreshed": 2,
    "cognitive_symptoms": 1,
    "headaches": False,
    "lower_abdominal_pain": False,
    "depression": False,
    "duration_months": 6,
}
BACK = {f"q{i}": i == 1 for i in range(1, 9)} | {"q9": "moderately"}


def run(**instruments: dict[str, Any]) -> Any:
    return assess(parse_profile(BASE | {"instruments": instruments}), TODAY)


def test_without_instruments_metformin_alone_does_not_meet_t1() -> None:
    assert run().testing.status == "not_indicated"
    assert run().instruments == ()


@pytest.mark.parametrize(
    ("instrument", "answers"),
    [("dn4", DN4_POSITIVE), ("slanss", SLANSS_POSITIVE), ("mnsi", MNSI_POSITIVE)],
)
def test_positive_neuropathic_screen_counts_as_neuropathic_symptoms_for_t1(
    instrument: str, answers: dict[str, Any]
) -> None:
    assessment = run(**{instrument: answers})
    assert assessment.testing.status == "recommended"
    assert any("nerve-pain questionnaire" in reason for reason in assessment.testing.reasons)
    assert assessment.neurological_involvement is False  # a screen is not neurological involvement


def test_negative_screen_does_not_trigger_t1() -> None:
    assert run(dn4=DN4_NEGATIVE).testing.status == "not_indicated"


def test_instruments_section_has_each_score_category_and_citation() -> None:
    assessment = run(dn4=DN4_POSITIVE, acr2016=FIBRO, nrs={"nrs": 6, "baseline": 8})
    section = {entry["instrument"]: entry for entry in assessment.instruments}
    assert set(section) == {"dn4", "acr2016", "nrs"}
    assert (section["dn4"]["score"], section["dn4"]["category"], section["dn4"]["positive"]) == (
        4,
        "positive",
        True,
    )
    assert (section["acr2016"]["wpi"], section["acr2016"]["fs"]) == (7, 12)
    assert section["nrs"]["change_category"] == "minimal"  # 8 -> 6 is 25 %
    assert all(entry["citations"] for entry in section.values())
    assert assessment.to_json_dict()["instruments"][0]["instrument"] == "nrs"


def test_pain_type_profile_shapes_the_plan_and_states_the_evidence() -> None:
    assert run().plan == ()
    assessment = run(acr2016=FIBRO, start_back=BACK)
    plan_ids = {point.id for point in assessment.plan}
    assert "plan.exercise" in plan_ids
    assert (
        "plan.surgery" in plan_ids
    )  # limited to sciatica/back pain: the STarT Back answers add back_pain
    findings = {f.code: f for f in assessment.findings}
    assert "limited" in findings["pain_support.fibromyalgia"].clinician_summary.lower()
    assert "seed-article" in {c.source for c in findings["pain_support.back_pain"].citations}


def test_neuropathic_support_says_deficiency_neuropathy_is_treatable() -> None:
    findings = {f.code: f for f in run(dn4=DN4_POSITIVE).findings}
    nerve = findings["pain_support.peripheral_neuropathy"]
    assert "treatable" in nerve.clinician_summary
    assert nerve.citations


def test_bad_instrument_answers_refuse_the_whole_profile() -> None:
    with pytest.raises(InputError) as caught:
        run(dn4=DN4_POSITIVE | {"q3": "maybe"}, hit6={"q1": "often"})
    fields = {p.field for p in caught.value.problems}
    assert {"instruments.dn4.q3", "instruments.hit6.q1"} <= fields
