"""Building CDS Hooks `patient-view` requests for tests (b12pain's prefetch keys)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from b12pain.interop.codes import LOCAL_SYMPTOM, LOINC, UCUM

PREFETCH_KEYS = ("patient", "b12", "mma", "homocysteine", "folate", "medicationRequests",
                 "medicationStatements", "conditions")  # fmt: skip


def searchset(resources: list[dict[str, Any]]) -> dict[str, Any] | None:
    """A searchset Bundle of `resources`, or None (the specification's "no data")."""
    if not resources:
        return None
    return {"resourceType": "Bundle", "type": "searchset",
            "entry": [{"resource": r} for r in resources]}  # fmt: skip


def lab(rid: str, patient: str, loinc: str, value: float, unit: str, day: str) -> dict[str, Any]:
    """A lab Observation in the US Core shape."""
    return {
        "resourceType": "Observation", "id": rid, "status": "final",
        "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category",
                                  "code": "laboratory"}]}],
        "code": {"coding": [{"system": LOINC, "code": loinc}]},
        "subject": {"reference": f"Patient/{patient}"},
        "effectiveDateTime": day,
        "valueQuantity": {"value": value, "unit": unit, "system": UCUM, "code": unit},
    }  # fmt: skip


def symptom(rid: str, patient: str, symptom_id: str) -> dict[str, Any]:
    """A Condition carrying a b12pain symptom id (how one b12pain passes symptoms to another)."""
    return {"resourceType": "Condition", "id": rid, "subject": {"reference": f"Patient/{patient}"},
            "code": {"coding": [{"system": LOCAL_SYMPTOM, "code": symptom_id}]}}  # fmt: skip


def request(
    patient: dict[str, Any] | None,
    labs: Sequence[dict[str, Any]] = (),
    medication_requests: Sequence[dict[str, Any]] = (),
    conditions: Sequence[dict[str, Any]] = (),
) -> dict[str, Any]:
    """A complete patient-view call (every prefetch key present, null where there is no data)."""
    by_key: dict[str, list[dict[str, Any]]] = {"b12": [], "mma": [], "homocysteine": [],
                                               "folate": []}  # fmt: skip
    key_of = {"2132-9": "b12", "14685-2": "b12", "72160-5": "b12", "13964-2": "mma",
              "13965-9": "homocysteine", "2284-8": "folate"}  # fmt: skip
    for observation in labs:
        by_key[key_of[observation["code"]["coding"][0]["code"]]].append(observation)
    patient_id = patient["id"] if patient else "unknown"
    return {
        "hook": "patient-view",
        "hookInstance": str(uuid.uuid4()),
        "context": {"userId": "Practitioner/example", "patientId": patient_id},
        "prefetch": {
            "patient": patient,
            **{key: searchset(found) for key, found in by_key.items()},
            "medicationRequests": searchset(list(medication_requests)),
            "medicationStatements": None,
            "conditions": searchset(list(conditions)),
        },
    }
