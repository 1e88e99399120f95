"""Hypothesis properties of the clinical engine over generated profiles."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from b12pain import assess, build_schedule, parse_profile
from b12pain.clinical.catalogue import catalogue
from b12pain.clinical.labs import LabContext, band_for, read_lab
from b12pain.clinical.profile import LabResult
from b12pain.clinical.result import URGENCY_ORDER

TODAY = dt.date(2026, 11, 24)
SEVERITY = {"deficiency_confirmed": 2, "indeterminate": 1, "unlikely": 0}
B12_UNITS = {"total_b12": ["ng/L", "pg/mL", "ng/mL", "pmol/L"], "active_b12": ["pmol/L"]}

b12_lab = st.sampled_from([(t, u) for t, units in B12_UNITS.items() for u in units])
positive = st.floats(min_value=0.01, max_value=5000, allow_nan=False, allow_infinity=False)


@given(b12_lab, positive, positive, st.booleans(), st.booleans())
def test_lower_b12_never_gives_a_milder_band(
    lab: tuple[str, str], a: float, b: float, symptoms: bool, pregnant: bool
) -> None:
    test, unit = lab
    scale = 0.001 if unit == "ng/mL" else 1
    low, high = sorted((a * scale, b * scale))
    context = LabContext(today=TODAY, has_symptoms=symptoms, pregnant=pregnant)
    bands = [read_lab(LabResult(test=test, value=v, unit=unit), context).band for v in (low, high)]
    if "not_interpretable" not in bands:
        assert SEVERITY[bands[0]] >= SEVERITY[bands[1]]


@given(positive, positive, positive)
def test_band_for_is_monotonic(value: float, x: float, y: float) -> None:
    low, high = sorted((x, y))
    assert SEVERITY[band_for(value, low, high)] >= SEVERITY[band_for(value * 1.5, low, high)]


@given(
    st.sampled_from(sorted(catalogue().regimens)),
    st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2090, 12, 31)),
    st.sampled_from([30, 90]),
)
def test_no_schedule_dose_outside_its_regimen(regimen_id: str, start: dt.date, review: int) -> None:
    regimen = catalogue().regimens[regimen_id]
    schedule = build_schedule(regimen_id, start, review_after_days=review)
    for step in schedule:
        assert step.date >= start
        assert step.regimen_id == regimen_id
        if step.kind == "dose":
            assert step.dose == regimen.dose
            assert regimen.drug in step.what and regimen.dose in step.what


cat = catalogue()
symptom_ids = sorted(cat.symptoms)
condition_ids = sorted(cat.conditions)
medicine_ids = sorted(cat.medicines)


@st.composite
def profiles(draw: st.DrawFn) -> dict[str, Any]:
    labs = []
    for _ in range(draw(st.integers(0, 3))):
        test = draw(
            st.sampled_from(["total_b12", "active_b12", "mma", "homocysteine", "folate", "mcv"])
        )
        unit = draw(
            st.sampled_from(
                {
                    "total_b12": ["ng/L", "pmol/L", "pg/mL"],
                    "active_b12": ["pmol/L"],
                    "mma": ["umol/L", "nmol/L"],
                    "homocysteine": ["umol/L"],
                    "folate": ["ug/L"],
                    "mcv": ["fL"],
                }[test]
            )
        )
        labs.append(
            {"test": test, "unit": unit, "value": draw(st.floats(0.05, 3000, allow_nan=False))}
        )
    return {
        "age": draw(st.integers(0, 120)),
        "pregnant": draw(st.booleans()),
        "diet": draw(
            st.sampled_from(["omnivore", "pescatarian", "vegetarian", "vegan", "low_animal"])
        ),
        "nitrous_oxide": draw(st.sampled_from(["none", "recreational", "medical_recent"])),
        "symptoms": draw(st.lists(st.sampled_from(symptom_ids), max_size=5, unique=True)),
        "conditions": draw(st.lists(st.sampled_from(condition_ids), max_size=3, unique=True)),
        "medications": draw(st.lists(st.sampled_from(medicine_ids), max_size=3, unique=True)),
        "pain": {
            "types": draw(
                st.lists(
                    st.sampled_from(
                        [
                            "diabetic_neuropathy",
                            "sciatica",
                            "peripheral_neuropathy",
                            "back_pain",
                            "fibromyalgia",
                            "migraine",
                            "other",
                        ]
                    ),
                    max_size=2,
                    unique=True,
                )
            )
        },
        "labs": labs,
    }


@settings(max_examples=150, deadline=None)
@given(profiles())
def test_assessment_invariants(data: dict[str, Any]) -> None:
    result = assess(parse_profile(data), TODAY)
    # red flags first: sorted by urgency, and overall urgency at least as pressing as any flag
    ranks = [URGENCY_ORDER.index(f.urgency) for f in result.red_flags]
    assert ranks == sorted(ranks)
    if ranks:
        assert URGENCY_ORDER.index(result.urgency) <= ranks[0]
    # urgency is the highest of all findings
    severity_rank = {"emergency": 0, "urgent": 1, "warning": 2, "caution": 2, "info": 3}
    if result.findings:
        assert URGENCY_ORDER.index(result.urgency) <= min(
            severity_rank[f.severity] for f in result.findings
        )
    # everything a user sees is cited
    assert all(f.citations for f in result.red_flags)
    assert all(f.citations and f.summary and f.clinician_summary for f in result.findings)
    assert all(lab.citations for lab in result.labs)
    assert result.testing.status == "out_of_scope" or result.testing.citations
    assert all(p.citations for p in result.plan)
    if result.treatment is not None:
        regimen = cat.regimens[result.treatment.regimen_id]
        assert result.treatment.citations
        assert result.treatment.dose == regimen.dose
        assert all(s.dose == regimen.dose for s in result.treatment.schedule if s.kind == "dose")
        marker_raised = any(
            lab.test in ("mma", "homocysteine") and lab.band == "raised" for lab in result.labs
        )
        assert (
            result.deficiency in ("confirmed", "discordant")
            or result.neurological_involvement
            or (data.get("nitrous_oxide") != "none" and marker_raised)  # §J.5-§J.6
        )
        if result.before_treatment is not None:  # no result yet: no dated schedule (§J.4)
            assert result.treatment.schedule == ()
    if data["age"] < 16:
        assert result.testing.status == "out_of_scope" and result.treatment is None
    # unverified findings never drive anything: they are info only
    assert all(f.severity == "info" for f in result.findings if f.unverified)


# -- issue 10 (clinical-spec §J): red flags that never miss --------------------------------------
CAUDA_EQUINA_FEATURES = [
    "saddle_numbness",
    "urinary_retention",
    "bladder_dysfunction",
    "bowel_dysfunction",
    "bilateral_leg_weakness",
]
#: Features of suspected neurological involvement (§J.2) that fire without any lab result.
SUSPECTED_NEURO_SIGNS = [
    "unsteady_gait",
    "positive_romberg",
    "reduced_vibration_sense",
    "rapidly_progressive_symptoms",
    "muscle_weakness",
    "visual_changes",
    "confusion",
    "memory_problems",
]
#: Ways a profile can carry a B12 risk factor, known autoimmune gastritis or a past deficiency.
RISKS: list[dict[str, Any]] = [
    {"diet": "vegan"},
    {"medications": ["metformin"]},
    {"medications": ["omeprazole"]},
    {"conditions": ["autoimmune_gastritis"]},
    {"conditions": ["gastrectomy"]},
    {"conditions": ["previous_b12_deficiency"]},
    {"nitrous_oxide": "recreational"},
]


@settings(max_examples=200, deadline=None)
@given(profiles(), st.sampled_from(CAUDA_EQUINA_FEATURES))
def test_any_cauda_equina_feature_makes_any_profile_an_emergency(
    data: dict[str, Any], feature: str
) -> None:
    """§J.1: whatever the pain types, conditions, labs or age, a cauda-equina feature → emergency."""
    data = {**data, "symptoms": [*data["symptoms"], feature]}
    result = assess(parse_profile(data), TODAY)
    assert result.urgency == "emergency"
    assert result.red_flags[0].urgency == "emergency"
    assert any(f.id == "cauda_equina" and feature in f.triggered_by for f in result.red_flags)


@settings(max_examples=200, deadline=None)
@given(profiles(), st.sampled_from(SUSPECTED_NEURO_SIGNS), st.sampled_from(RISKS))
def test_suspected_neurological_sign_with_a_risk_never_below_urgent(
    data: dict[str, Any], sign: str, risk: dict[str, Any]
) -> None:
    """§J.2: a suspected-neurological sign in a person with a risk factor is at least urgent,
    with or without labs, and never less pressing than the profile without it."""
    with_risk = {**data, **risk}
    if "medications" in risk:
        with_risk["medications"] = [*data["medications"], *risk["medications"]]
    if "conditions" in risk:
        with_risk["conditions"] = [*data["conditions"], *risk["conditions"]]
    before = assess(parse_profile(with_risk), TODAY)
    after = assess(parse_profile({**with_risk, "symptoms": [*with_risk["symptoms"], sign]}), TODAY)
    assert URGENCY_ORDER.index(after.urgency) <= URGENCY_ORDER.index("urgent")
    assert URGENCY_ORDER.index(after.urgency) <= URGENCY_ORDER.index(before.urgency)
    assert any(f.urgency in ("urgent", "emergency") for f in after.red_flags)
