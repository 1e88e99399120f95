"""The FHIR Bulk adapter on the SMART 10-patient export (read from ../shared at test time), with
B12 Observations written by the test in the export's shape."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest

from b12pain.cohort.screen import screen
from b12pain.cohort.synth import RULE_A

METFORMIN_PRODUCT = "860975"


@pytest.fixture
def export(shared_dir: Path, tmp_path: Path) -> Path:
    source = shared_dir / "data/fhir-bulk-10-patients"
    if not (source / "Patient.000.ndjson").exists():
        pytest.skip(f"FHIR Bulk sample not found at {source}")
    target = tmp_path / "export"
    target.mkdir()
    for path in source.glob("*.ndjson"):
        shutil.copy(path, target / path.name)
    return target


def metformin_orders(export: Path) -> dict[str, list[dt.date]]:
    """Metformin order dates per patient, read straight from the NDJSON."""
    orders: dict[str, list[dt.date]] = {}
    for line in (export / "MedicationRequest.000.ndjson").read_text().splitlines():
        request = json.loads(line)
        codes = {c["code"] for c in request.get("medicationCodeableConcept", {}).get("coding", [])}
        if METFORMIN_PRODUCT in codes and request["status"] not in (
            "entered-in-error",
            "cancelled",
        ):
            patient = request["subject"]["reference"].removeprefix("Patient/")
            orders.setdefault(patient, []).append(dt.date.fromisoformat(request["authoredOn"][:10]))
    return orders


def covered_days(orders: list[dt.date], as_of: dt.date) -> int:
    """Distinct days covered by 30-day orders (no supply in the export) in [as_of - 730, as_of]."""
    days = {o + dt.timedelta(days=k) for o in orders for k in range(30)}
    return len({d for d in days if as_of - dt.timedelta(days=730) <= d <= as_of})


def observation(patient: str, loinc: str, day: dt.date, value: float, unit: str) -> str:
    return json.dumps(
        {
            "resourceType": "Observation",
            "id": f"obs-{patient}-{day}",
            "status": "final",
            "category": [
                {
                    "coding": [
                        {
                            "system": "http://terminology.hl7.org/CodeSystem/observation-category",
                            "code": "laboratory",
                        }
                    ]
                }
            ],
            "code": {
                "coding": [
                    {
                        "system": "http://loinc.org",
                        "code": loinc,
                        "display": "Cobalamin (Vitamin B12)",
                    }
                ]
            },
            "subject": {"reference": f"Patient/{patient}"},
            "effectiveDateTime": f"{day.isoformat()}T09:30:00-05:00",
            "valueQuantity": {
                "value": value,
                "unit": unit,
                "system": "http://unitsofmeasure.org",
                "code": unit,
            },
        }
    )


def test_metformin_users_flagged_until_a_b12_test_is_recorded(export: Path) -> None:
    orders = metformin_orders(export)
    patient, dates = max(orders.items(), key=lambda item: len(item[1]))
    # The as-of date right after the order that ends this patient's densest two years of orders.
    as_of = max((d + dt.timedelta(days=1) for d in dates), key=lambda day: covered_days(dates, day))
    expected = {p for p, d in orders.items() if covered_days(d, as_of) >= 120}
    assert patient in expected
    # Without any Observation the source has no B12 tests: the "no test" rules refuse.
    refused = screen(export, "fhir-bulk", as_of)
    assert RULE_A in refused.refused
    # Another patient's test makes the lab feed visible; the metformin user has none yet.
    others = [p for p in orders if p != patient] or ["someone-else"]
    (export / "Observation.000.ndjson").write_text(
        observation(others[0], "2132-9", as_of - dt.timedelta(days=1000), 420, "pg/mL") + "\n"
    )
    result = screen(export, "fhir-bulk", as_of, [RULE_A])
    flagged = {r["person_id"] for r in result.flags.to_pylist()}
    alive = {p for p in expected if _eligible(export, p, as_of)}
    assert flagged == alive and patient in flagged
    row = next(r for r in result.flags.to_pylist() if r["person_id"] == patient)
    assert row["cumulative_days"] == covered_days(dates, as_of)
    assert row["matched_codes"] == [f"RxNorm:{METFORMIN_PRODUCT}"]
    # A B12 test 10 days before as-of (a timestamp with a zone; the date is what counts) clears it.
    with (export / "Observation.000.ndjson").open("a") as fh:
        fh.write(
            observation(patient, "14685-2", as_of - dt.timedelta(days=10), 300, "pmol/L") + "\n"
        )
    cleared = screen(export, "fhir-bulk", as_of, [RULE_A])
    assert patient not in {r["person_id"] for r in cleared.flags.to_pylist()}


def _eligible(export: Path, patient: str, as_of: dt.date) -> bool:
    for line in (export / "Patient.000.ndjson").read_text().splitlines():
        resource = json.loads(line)
        if resource["id"] == patient:
            death = resource.get("deceasedDateTime")
            born = dt.date.fromisoformat(resource["birthDate"][:10])
            adult = born <= as_of.replace(year=as_of.year - 16)
            return adult and (death is None or dt.date.fromisoformat(death[:10]) > as_of)
    return False
