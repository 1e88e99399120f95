"""Who to test (§A.1 T1, clinician judgement, not indicated, metformin monitoring, under 16) and
which test first (§A.2)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from b12pain import parse_profile
from b12pain.clinical.screening import first_tests, risk_profile, screen

TODAY = dt.date(2026, 11, 24)


def screened(**data: Any) -> Any:
    return screen(parse_profile({"age": 50, **data}), TODAY)


def test_symptom_and_risk_factor_recommends_testing() -> None:
    result = screened(symptoms=["tingling"], medications=["metformin"])
    assert result.status == "recommended"
    assert result.tests == ("total_b12", "folate")
    assert {"ng239-bmj", "pulse"} <= {c.source for c in result.citations}


def test_symptom_without_risk_factor_is_clinician_judgement() -> None:
    result = screened(symptoms=["fatigue"])
    assert result.status == "clinician_judgement"
    assert "aafp-2025" in {c.source for c in result.citations}


def test_risk_factor_without_symptom_is_not_indicated() -> None:
    result = screened(diet="vegan")
    assert result.status == "not_indicated"
    assert result.tests == ()
    assert not result.monitoring_suggested


def test_metformin_without_symptoms_suggests_monitoring() -> None:
    result = screened(medications=[{"name": "metformin", "duration": "5y"}])
    assert result.status == "not_indicated"
    assert result.monitoring_suggested
    # One answer (§J.13): "not indicated" lists no tests; the monitoring note says the rest.
    assert result.tests == ()
    assert {"ada-soc", "mhra-dsu-2022"} <= {c.source for c in result.citations}


def test_under_16_is_out_of_scope() -> None:
    result = screen(parse_profile({"age": 15, "symptoms": ["tingling"], "diet": "vegan"}), TODAY)
    assert result.status == "out_of_scope"
    assert result.tests == ()
    assert screened(age=16, symptoms=["tingling"], diet="vegan").status == "recommended"


@pytest.mark.parametrize("pain_type", ["back_pain", "fibromyalgia", "migraine", "sciatica"])
def test_pain_type_alone_is_not_a_b12_symptom(pain_type: str) -> None:
    result = screened(pain={"types": [pain_type]}, diet="vegan")
    assert result.status == "not_indicated"


def test_seed_only_symptoms_do_not_satisfy_t1() -> None:
    assert screened(symptoms=["burning", "pale_skin"], diet="vegan").status == "not_indicated"


def test_pregnancy_prefers_active_b12() -> None:
    profile = parse_profile({"age": 30, "pregnant": True, "symptoms": ["fatigue"], "diet": "vegan"})
    assert first_tests(profile) == ("active_b12", "folate")
    assert "active_b12" in screen(profile, TODAY).tests


def test_nitrous_oxide_prefers_homocysteine() -> None:
    profile = parse_profile({"age": 30, "nitrous_oxide": "recreational", "symptoms": ["numbness"]})
    result = screen(profile, TODAY)
    assert result.status == "recommended"
    assert result.tests[0] == "homocysteine"
    assert "ng239-draft" in {c.source for c in result.citations}


@pytest.mark.parametrize(
    ("data", "risk_id"),
    [
        ({"medications": ["famotidine"]}, "risk.acid_suppression"),
        ({"medications": ["Nexium"]}, "risk.acid_suppression"),
        ({"medications": ["colchicine"]}, "risk.other_medicines"),
        ({"conditions": ["pernicious_anaemia"]}, "risk.autoimmune_gastritis"),
        ({"conditions": ["gastrectomy"]}, "risk.gastric_surgery"),
        ({"conditions": ["coeliac"]}, "risk.coeliac"),
        ({"conditions": ["family_history_b12_deficiency"]}, "risk.family_history"),
        ({"diet": "low_animal"}, "risk.diet"),
        ({"nitrous_oxide": "recreational"}, "risk.nitrous_oxide"),
    ],
)
def test_risk_factors_match(data: dict[str, Any], risk_id: str) -> None:
    risks = risk_profile(parse_profile({"age": 40, **data}))
    assert risk_id in {f.id for f in risks.factors}


def test_age_is_not_a_risk_factor() -> None:
    assert risk_profile(parse_profile({"age": 80})).factors == ()


def test_likely_cause_prefers_the_most_specific() -> None:
    risks = risk_profile(
        parse_profile({"age": 40, "diet": "vegan", "conditions": ["autoimmune_gastritis"]})
    )
    assert risks.cause == "autoimmune_gastritis"
    assert risk_profile(parse_profile({"age": 40, "diet": "vegan"})).cause == "dietary"
    assert risk_profile(parse_profile({"age": 40})).cause is None


def test_monitoring_only_for_long_term_metformin_or_other_risk_factors() -> None:
    """§J.8: monitoring is suggested for long-term use or with risk factors, not for any use;
    "annual after 4 years" is not ADA's wording and is not shown."""
    long_term = screened(medications=[{"name": "metformin", "since": "2020-01-01"}])
    short = screened(medications=[{"name": "metformin", "duration": "18m"}])
    unknown = screened(medications=["metformin"])
    short_with_ppi = screened(
        medications=[{"name": "metformin", "duration": "18m"}, {"name": "omeprazole"}]
    )
    assert long_term.monitoring_suggested and short_with_ppi.monitoring_suggested
    assert not short.monitoring_suggested and not unknown.monitoring_suggested
    for result in (long_term, short, unknown, short_with_ppi):
        assert not any("annual" in r.lower() for r in result.reasons)
    assert "param.metformin_monitoring_years" not in {c.section for c in long_term.citations}
    assert any(c.level == "policy" for c in long_term.citations)  # "long-term" is policy


def test_extra_t1_features_can_be_added() -> None:
    profile = parse_profile({"age": 50, "medications": ["metformin"]})
    risks = risk_profile(profile).with_symptoms("positive DN4 screen", "positive DN4 screen")
    result = screen(profile, TODAY, risks=risks)
    assert result.status == "recommended"
    assert any("positive DN4 screen" in r for r in result.reasons)
    assert risks.t1_symptoms == ("positive DN4 screen",)
