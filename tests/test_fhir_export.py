"""FHIR export: one Bundle of fhir.resources R4B models, US Core lab invariants, FHIR.js clean."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle

from b12pain.instruments.registry import instrument
from b12pain.interop.codes import LOINC, UCUM
from b12pain.interop.export import JournalContent, export_bundle
from b12pain.journal import make_record
from b12pain.knowledge import load
from b12pain.service import fhir
from b12pain.service.context import local_context
from fhir_journal import at, filled_journal
from fhir_validate import fhirjs_errors, node_available, us_core_lab_failures


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    journal = filled_journal(tmp_path_factory.mktemp("journal"))
    text = fhir.export_bundle(local_context(journal, load(), at(30)))
    journal.close()
    data: dict[str, Any] = json.loads(text)
    return data


def _of(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def _labs(bundle: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        o for o in _of(bundle, "Observation")
        if o["category"][0]["coding"][0]["code"] == "laboratory"
    ]  # fmt: skip


def test_bundle_and_every_resource_parse_with_fhir_resources(bundle: dict[str, Any]) -> None:
    Bundle.model_validate(bundle)
    for entry in bundle["entry"]:
        resource = entry["resource"]
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
        assert entry["fullUrl"].replace("-", "").endswith(resource["id"])


def test_bundle_holds_each_kind_of_resource(bundle: dict[str, Any]) -> None:
    kinds = Counter(e["resource"]["resourceType"] for e in bundle["entry"])
    assert kinds == {
        "Patient": 1,
        "Condition": 2,
        "MedicationStatement": 2 + 1 + 1,  # medicines, B12 treatment, the person's own supplement
        "Observation": 8 + 2 + 1,  # labs, pain ratings, one questionnaire score
        "QuestionnaireResponse": 1,
        "MedicationRequest": 1,
        "MedicationAdministration": 3,
    }


def test_patient_is_minimal(bundle: dict[str, Any]) -> None:
    (patient,) = _of(bundle, "Patient")
    assert set(patient) == {"resourceType", "id", "gender", "birthDate"}
    assert patient["gender"] == "female"
    assert patient["birthDate"] == "1968"  # year only: the person gave an age (58 in 2026)


def test_lab_observations_follow_us_core(bundle: dict[str, Any]) -> None:
    labs = _labs(bundle)
    assert len(labs) == 8
    subject = _of(bundle, "Patient")[0]["id"]
    for obs in labs:
        assert obs["status"] == "final"
        assert obs["code"]["coding"][0]["system"] == LOINC
        assert obs["subject"]["reference"].replace("-", "").endswith(subject)
        assert len(obs["effectiveDateTime"]) == 10
        quantity = obs["valueQuantity"]
        assert quantity["system"] == UCUM and quantity["code"] == quantity["unit"]
        assert us_core_lab_failures(obs) == [], obs["id"]


def test_lab_codes_units_ranges_and_interpretation(bundle: dict[str, Any]) -> None:
    by_code = {}
    for obs in _labs(bundle):
        by_code.setdefault(obs["code"]["coding"][0]["code"], []).append(obs)
    mass = by_code["2132-9"][0]
    assert mass["valueQuantity"]["value"] == 210 and mass["valueQuantity"]["code"] == "ng/L"
    assert mass["effectiveDateTime"] == "2026-11-02"  # the day the blood was taken
    assert mass["referenceRange"][0]["low"] == {
        "value": 180, "unit": "ng/L", "system": UCUM, "code": "ng/L"
    }  # fmt: skip
    assert mass["referenceRange"][0]["high"]["value"] == 914
    assert mass["interpretation"][0]["coding"][0]["code"] == "IND"  # NG239 grey zone
    molar = by_code["14685-2"][0]  # pmol/L is the molar LOINC code, never 2132-9
    assert molar["valueQuantity"]["code"] == "pmol/L"
    mma = by_code["13964-2"][0]
    assert mma["referenceRange"][0]["high"]["value"] == 0.28
    assert "low" not in mma["referenceRange"][0]
    assert mma["interpretation"][0]["coding"][0]["code"] == "H"
    assert by_code["72160-5"][0]["valueQuantity"]["code"] == "pmol/L"
    assert by_code["718-7"][0]["valueQuantity"]["code"] == "g/L"
    assert by_code["787-2"][0]["valueQuantity"]["code"] == "fL"
    assert {"13965-9", "2284-8"} <= set(by_code)


def test_invariant_checks_can_fail() -> None:
    broken = {
        "resourceType": "Observation",
        "effectiveDateTime": "2026",
        "valueQuantity": {"value": 1, "system": "http://example.org/units", "code": "x"},
        "referenceRange": [{"high": {"value": 2, "system": "http://example.org/units"}}],
    }
    assert us_core_lab_failures(broken) == ["us-core-1", "us-core-3", "us-core-22"]
    assert us_core_lab_failures({"resourceType": "Observation"}) == ["us-core-2"]


def test_pain_observations_use_loinc_72514_3(bundle: dict[str, Any]) -> None:
    pains = [o for o in _of(bundle, "Observation") if o["code"]["coding"][0]["code"] == "72514-3"]
    assert sorted(o["valueQuantity"]["value"] for o in pains) == [4, 6]
    assert all(o["valueQuantity"]["code"] == "{score}" for o in pains)
    assert any(o.get("note") == [{"text": "worse at night"}] for o in pains)


def test_questionnaire_response_has_stable_link_ids_and_no_item_text(
    bundle: dict[str, Any],
) -> None:
    (response,) = _of(bundle, "QuestionnaireResponse")
    assert response["questionnaire"].endswith("/dn4")
    item_ids = [item.id for item in instrument("dn4").info.items]
    assert [i["linkId"] for i in response["item"]] == item_ids  # the instrument's own item ids
    assert all(set(item) == {"linkId", "answer"} for item in response["item"])  # no item text
    assert response["item"][0]["answer"] == [{"valueBoolean": True}]
    (score,) = [o for o in _of(bundle, "Observation") if "derivedFrom" in o]
    assert score["valueQuantity"]["value"] == 4
    assert score["interpretation"][0]["text"] == "positive"
    assert score["derivedFrom"][0]["reference"].replace("-", "").endswith(response["id"])


def test_medicines_plans_and_doses(bundle: dict[str, Any]) -> None:
    statements = {
        s["medicationCodeableConcept"]["text"]: s for s in _of(bundle, "MedicationStatement")
    }
    assert statements["metformin"]["medicationCodeableConcept"]["coding"][0]["code"] == "6809"
    assert statements["metformin"]["effectivePeriod"]["start"] == "2019-06-01"
    assert statements["omeprazole"]["effectivePeriod"]["start"] < "2020-12-01"  # "6y" before
    (plan,) = _of(bundle, "MedicationRequest")
    assert plan["intent"] == "plan" and plan["status"] == "active"
    dosage = plan["dosageInstruction"][0]
    assert (
        dosage["timing"]["repeat"]["period"] == 1
        and dosage["timing"]["repeat"]["periodUnit"] == "d"
    )
    assert dosage["doseAndRate"][0]["doseQuantity"] == {
        "value": 50, "unit": "ug", "system": UCUM, "code": "ug"
    }  # fmt: skip
    assert plan["medicationCodeableConcept"]["coding"][0]["code"] == "B03BA01"  # cyanocobalamin
    doses = {d["effectiveDateTime"][:10]: d for d in _of(bundle, "MedicationAdministration")}
    assert doses["2026-11-11"]["status"] == "not-done"
    injection = doses["2026-11-12"]["dosage"]
    assert injection["site"]["text"] == "deltoid left"
    assert injection["route"]["text"] == "intramuscular injection"
    conditions = {c["code"]["text"] for c in _of(bundle, "Condition")}
    assert conditions == {"type2 diabetes", "diabetic neuropathy"}


def test_date_range_limits_the_records(tmp_path: Path) -> None:
    journal = filled_journal(tmp_path)
    ctx = local_context(journal, load(), at(30))
    only = json.loads(fhir.export_bundle(ctx, dt.date(2026, 11, 6), dt.date(2026, 11, 7)))
    journal.close()
    observations = _of(only, "Observation")
    assert [o["code"]["coding"][0]["code"] for o in observations] == ["72514-3", "72514-3"]


@pytest.mark.skipif(not node_available(), reason="node or node_modules/fhir (npm ci) missing")
def test_fhirjs_finds_no_error_in_the_bundle(bundle: dict[str, Any]) -> None:
    assert fhirjs_errors(bundle) == []


@pytest.mark.skipif(not node_available(), reason="node or node_modules/fhir (npm ci) missing")
def test_fhirjs_catches_a_code_outside_its_value_set(bundle: dict[str, Any]) -> None:
    lab = dict(_labs(bundle)[0], status="done")  # not an observation-status code
    errors = fhirjs_errors(lab)
    assert [e["location"] for e in errors] == ["Observation.status"]


@pytest.mark.parametrize(
    ("test", "value", "unit", "code"),
    [
        ("total_b12", 120, "ng/L", "L"),
        ("total_b12", 1000, "ng/L", "N"),
        ("folate", 2.0, "ug/L", "L"),
        ("mma", 0.9, "umol/L", "H"),
        ("homocysteine", 9, "umol/L", "N"),
    ],
)
def test_interpretation_codes_follow_the_reading(
    test: str, value: float, unit: str, code: str
) -> None:
    now = at(30)
    record = make_record("lab", at=now, test=test, value=value, unit=unit, taken_on=now.date())
    bundle = export_bundle(JournalContent([record], None), load(), now.date(), now)
    (obs,) = [e.resource for e in bundle.entry if e.resource.get_resource_type() == "Observation"]
    (interpretation,) = obs.interpretation
    assert interpretation.coding[0].code == code
    assert "deficiency confirmed" not in interpretation.text.lower()
