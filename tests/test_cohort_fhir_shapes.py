"""FHIR shapes the Bulk adapter must read: R5 `medication.concept`, `medicationReference` to a
Medication resource, supply from `expectedSupplyDuration`, and records that did not happen."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from b12pain.cohort.screen import screen
from b12pain.cohort.synth import RULE_A

AS_OF = dt.date(2026, 6, 30)
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"


def day(n: int) -> str:
    return (AS_OF - dt.timedelta(days=n)).isoformat()


def write(folder: Path, name: str, resources: list[dict[str, Any]]) -> None:
    (folder / f"{name}.000.ndjson").write_text("".join(json.dumps(r) + "\n" for r in resources))


def request(rid: str, patient: str, status: str = "completed", **medication: Any) -> dict[str, Any]:
    return {
        "resourceType": "MedicationRequest",
        "id": rid,
        "status": status,
        "intent": "order",
        "subject": {"reference": f"Patient/{patient}"},
        **medication,
    }


def b12_result(patient: str) -> dict[str, Any]:
    """A normal total B12 result (400 pg/mL) 30 days before the as-of date."""
    return {
        "resourceType": "Observation",
        "id": f"b12-{patient}",
        "status": "final",
        "code": {"coding": [{"system": "http://loinc.org", "code": "2132-9"}]},
        "subject": {"reference": f"Patient/{patient}"},
        "effectiveDateTime": day(30),
        "valueQuantity": {"value": 400, "unit": "pg/mL", "code": "pg/mL"},
    }


def test_r5_reference_and_status_shapes(tmp_path: Path) -> None:
    metformin = {"coding": [{"system": RXNORM, "code": "6809", "display": "metformin"}]}
    write(
        tmp_path,
        "Patient",
        [
            {"resourceType": "Patient", "id": pid, "birthDate": "1960-02"}
            for pid in ("r5", "ref", "err", "lab")
        ],
    )
    write(
        tmp_path, "Medication", [{"resourceType": "Medication", "id": "med-1", "code": metformin}]
    )
    write(
        tmp_path,
        "MedicationRequest",
        [
            # R5: medication.concept, 101 days from the validity period …
            request(
                "a",
                "r5",
                medication={"concept": metformin},
                authoredOn=day(300),
                dispenseRequest={"validityPeriod": {"start": day(300), "end": day(200)}},
            ),
            # … plus a referenced Medication with a 30-day supply: 131 days in all.
            request(
                "b",
                "r5",
                medicationReference={"reference": "Medication/med-1"},
                authoredOn=day(150),
                dispenseRequest={"expectedSupplyDuration": {"value": 30, "unit": "days"}},
            ),
            # A referenced Medication alone, 200 days.
            request(
                "c",
                "ref",
                medicationReference={"reference": "Medication/med-1"},
                authoredOn=day(250),
                dispenseRequest={"expectedSupplyDuration": {"value": 200, "unit": "days"}},
            ),
            # Entered in error: must not count.
            request(
                "d",
                "err",
                status="entered-in-error",
                medicationCodeableConcept=metformin,
                authoredOn=day(250),
                dispenseRequest={"expectedSupplyDuration": {"value": 200}},
            ),
        ],
    )
    write(tmp_path, "Observation", [b12_result("lab")])
    result = screen(tmp_path, "fhir-bulk", AS_OF, [RULE_A])
    rows = {r["person_id"]: r for r in result.flags.to_pylist()}
    assert set(rows) == {"r5", "ref"}
    assert rows["r5"]["cumulative_days"] == 131
    assert rows["ref"]["cumulative_days"] == 200
    assert result.completeness.b12_tests == 1


def test_a_patient_repeated_in_the_export_is_flagged_once(tmp_path: Path) -> None:
    """Bulk exports can list a Patient twice (two pages, two files); the flag must not double."""
    metformin = {"coding": [{"system": RXNORM, "code": "6809"}]}
    patient = {"resourceType": "Patient", "id": "twice", "birthDate": "1960-02-01"}
    write(tmp_path, "Patient", [patient, patient])
    (tmp_path / "Patient.001.ndjson").write_text(json.dumps(patient) + "\n")
    # Someone else's B12 test, so that the source has a lab feed and rule (a) may run.
    write(tmp_path, "Observation", [b12_result("other")])
    write(
        tmp_path,
        "MedicationRequest",
        [
            request(
                "m",
                "twice",
                medicationCodeableConcept=metformin,
                authoredOn=day(300),
                dispenseRequest={"expectedSupplyDuration": {"value": 200, "unit": "days"}},
            )
        ],
    )
    result = screen(tmp_path, "fhir-bulk", AS_OF, [RULE_A])
    assert result.refused == {}
    assert result.flags.column("person_id").to_pylist() == ["twice"]
    assert result.completeness.persons == 1
