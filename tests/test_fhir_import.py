"""FHIR import: Bundle or Bulk NDJSON in, all or nothing, unknown codes refused by id and path."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from b12pain.errors import InputError
from b12pain.interop.codes import LOCAL_REGIMEN
from b12pain.journal import Journal
from b12pain.knowledge import load
from b12pain.service import fhir
from b12pain.service.context import Context, local_context
from fhir_journal import at, filled_journal

NOW = at(30)
ROUND_TRIP_TYPES = {"Patient", "Observation", "QuestionnaireResponse", "MedicationStatement",
                    "Condition"}  # fmt: skip


def _empty(folder: Path) -> Context:
    return local_context(Journal.open(f"sqlite:///{folder / 'empty.sqlite'}"), load(), NOW)


def _observation(rid: str, code: str, value: float, unit: str, **extra: Any) -> dict[str, Any]:
    return {
        "resourceType": "Observation", "id": rid, "status": "final",
        "code": {"coding": [{"system": "http://loinc.org", "code": code}]},
        "effectiveDateTime": "2026-10-01",
        "valueQuantity": {"value": value, "unit": unit, "system": "http://unitsofmeasure.org",
                          "code": unit},
        **extra,
    }  # fmt: skip


def _clinical(text: str) -> list[str]:
    """The resources of a Bundle that import carries, ignoring Bundle id and time."""
    bundle = json.loads(text)
    return sorted(
        json.dumps(e["resource"], sort_keys=True)
        for e in bundle["entry"]
        if e["resource"]["resourceType"] in ROUND_TRIP_TYPES and not _own_plan(e["resource"])
    )


def _own_plan(resource: dict[str, Any]) -> bool:
    """b12pain's own B12 plans and supplements: started in b12pain, never imported."""
    codings = resource.get("medicationCodeableConcept", {}).get("coding", [])
    return any(c["system"] == LOCAL_REGIMEN for c in codings)


def test_round_trip_gives_the_same_clinical_content(tmp_path: Path) -> None:
    journal = filled_journal(tmp_path)
    first = fhir.export_bundle(local_context(journal, load(), NOW))
    target = _empty(tmp_path)
    summary = fhir.import_fhir(target, first)
    assert summary.written == {"lab": 8, "pain": 2, "instrument": 1, "profile": 1}
    assert summary.skipped == {
        "MedicationRequest": 1,
        "MedicationStatement": 1,
        "MedicationAdministration": 3,
    }
    second = fhir.export_bundle(target)
    assert _clinical(first) == _clinical(second)
    assert len(_clinical(first)) == 18
    imported = target.store.current_profile()
    assert imported is not None
    assert imported.profile["b12_treatment"] == {
        "route": "im", "last_dose": "2026-05-20", "since": "2025-09-01"
    }  # fmt: skip


def test_bulk_ndjson_of_observations_medicines_and_conditions(tmp_path: Path) -> None:
    lines = [
        {"resourceType": "Patient", "id": "p1", "gender": "male", "birthDate": "1961-03-02"},
        _observation("lab-1", "2132-9", 150, "pg/mL", referenceRange=[
            {"low": {"value": 180, "unit": "pg/mL", "system": "http://unitsofmeasure.org",
                     "code": "pg/mL"}}]),
        _observation("lab-2", "13964-2", 0.45, "umol/L"),
        {"resourceType": "MedicationStatement", "id": "ms-1", "status": "active",
         "subject": {"reference": "Patient/p1"}, "effectiveDateTime": "2018-02-01",
         "medicationCodeableConcept": {"coding": [
             {"system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": "6809"}]}},
        {"resourceType": "Condition", "id": "c-1", "subject": {"reference": "Patient/p1"},
         "code": {"coding": [{"system": "http://snomed.info/sct", "code": "23056005"}]}},
    ]  # fmt: skip
    path = tmp_path / "export.ndjson"
    path.write_text("\n".join(json.dumps(line) for line in lines), encoding="utf-8")
    ctx = _empty(tmp_path)
    summary = fhir.import_fhir(ctx, path)
    assert summary.written == {"lab": 2, "profile": 1}
    labs = ctx.store.entries(["lab"])
    assert [(lab.test, lab.value, lab.unit) for lab in labs] == [  # type: ignore[attr-defined]
        ("total_b12", 150, "pg/mL"), ("mma", 0.45, "umol/L")
    ]  # fmt: skip
    assert labs[0].reference_range == ">180"  # type: ignore[attr-defined]
    profile = ctx.store.current_profile()
    assert profile is not None
    assert profile.profile["age"] == 65 and profile.profile["sex"] == "male"
    assert profile.profile["medications"] == [{"name": "metformin", "since": "2018-02-01"}]
    assert profile.profile["conditions"] == ["sciatica"]


def _refused(ctx: Context, resources: list[dict[str, Any]]) -> list[str]:
    bundle = {"resourceType": "Bundle", "type": "collection",
              "entry": [{"resource": r} for r in resources]}  # fmt: skip
    with pytest.raises(InputError) as caught:
        fhir.import_fhir(ctx, json.dumps(bundle))
    return [str(p) for p in caught.value.problems]


def test_unknown_code_refused_with_id_path_and_allowed_values(tmp_path: Path) -> None:
    ctx = _empty(tmp_path)
    (problem,) = _refused(ctx, [_observation("hba1c", "4548-4", 6.1, "%")])
    assert problem.startswith("Observation/hba1c code.coding: 'http://loinc.org|4548-4'")
    assert "2132-9" in problem and "13964-2" in problem and "72514-3" in problem


def test_unit_that_does_not_fit_the_code_is_refused(tmp_path: Path) -> None:
    ctx = _empty(tmp_path)
    # pmol/L is a molar unit: it belongs to 14685-2, never to the mass code 2132-9.
    (problem,) = _refused(ctx, [_observation("b12", "2132-9", 150, "pmol/L")])
    assert problem == (
        "Observation/b12 valueQuantity.code: 'pmol/L'; not a unit for LOINC 2132-9; "
        "UCUM one of ng/L, pg/mL, ng/mL"
    )


def test_unknown_medicine_and_condition_are_refused(tmp_path: Path) -> None:
    ctx = _empty(tmp_path)
    problems = _refused(ctx, [
        {"resourceType": "MedicationStatement", "id": "lisinopril", "status": "active",
         "subject": {"reference": "Patient/p"},
         "medicationCodeableConcept": {"coding": [
             {"system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": "314076"}]}},
        {"resourceType": "Condition", "id": "sepsis", "subject": {"reference": "Patient/p"},
         "code": {"coding": [{"system": "http://snomed.info/sct", "code": "91302008"}]}},
    ])  # fmt: skip
    assert problems[0].startswith("MedicationStatement/lisinopril medicationCodeableConcept.coding")
    assert "7646 (Omeprazole)" in problems[0]
    assert problems[1].startswith("Condition/sepsis code.coding")
    assert "23056005 (Sciatica (disorder))" in problems[1]


def test_all_or_nothing(tmp_path: Path) -> None:
    ctx = _empty(tmp_path)
    good = _observation("good", "2132-9", 300, "ng/L")
    bad = _observation("bad", "2132-9", 300, "mg/dL")
    _refused(ctx, [good, bad])
    assert ctx.store.entries() == []
    fhir.import_fhir(ctx, json.dumps({"resourceType": "Bundle", "type": "collection",
                                      "entry": [{"resource": good}]}))  # fmt: skip
    assert len(ctx.store.entries(["lab"])) == 1
    # The same file again: refused as a whole (already imported), nothing doubled.
    with pytest.raises(InputError, match="same id"):
        fhir.import_fhir(ctx, json.dumps({"resourceType": "Bundle", "type": "collection",
                                          "entry": [{"resource": good}]}))  # fmt: skip
    assert len(ctx.store.entries(["lab"])) == 1


def test_malformed_resources_name_their_path(tmp_path: Path) -> None:
    ctx = _empty(tmp_path)
    broken = _observation("x", "2132-9", 300, "ng/L", effectiveDateTime="2026-13-45")
    (problem,) = _refused(ctx, [broken])
    assert problem.startswith("Observation/x effectiveDateTime: '2026-13-45'")
    (problem,) = _refused(ctx, [{"resourceType": "NotAType", "id": "n"}])
    assert "not a FHIR R4 resource type" in problem


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("not json", "not JSON"),
        ("{}", "resourceType"),
        ('{"resourceType": "Patient"}\n{"resourceType": "Patient"}\nx', "line 3"),
    ],
)
def test_unreadable_files_are_refused(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "in.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        fhir.import_fhir(_empty(tmp_path), path)


def test_future_dates_are_refused(tmp_path: Path) -> None:
    ctx = _empty(tmp_path)
    (problem,) = _refused(
        ctx, [_observation("later", "2132-9", 300, "ng/L", effectiveDateTime="2027-01-01")]
    )
    assert problem.startswith("Observation/later effectiveDateTime") and "on or before" in problem


def test_medicines_need_an_age(tmp_path: Path) -> None:
    ctx = _empty(tmp_path)
    (problem,) = _refused(ctx, [
        {"resourceType": "Condition", "id": "c", "subject": {"reference": "Patient/p"},
         "code": {"coding": [{"system": "http://snomed.info/sct", "code": "23056005"}]}}])  # fmt: skip
    assert problem.startswith("Patient.birthDate")


def test_a_medicine_started_after_today_is_refused(tmp_path: Path) -> None:
    ctx = _empty(tmp_path)
    later = {
        "resourceType": "MedicationStatement",
        "id": "m",
        "status": "active",
        "subject": {"reference": "Patient/p"},
        "effectiveDateTime": "2027-03-01",
        "medicationCodeableConcept": {
            "coding": [{"system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": "6809"}]
        },
    }
    patient = {"resourceType": "Patient", "id": "p", "birthDate": "1970-01-01"}
    (problem,) = _refused(ctx, [patient, later])
    assert "since" in problem and "2027-03-01" in problem
    assert ctx.store.entries() == []


def test_results_are_filed_like_labs_add_files_them(tmp_path: Path) -> None:
    ctx = _empty(tmp_path)
    today = _observation("today", "2132-9", 300, "ng/L", effectiveDateTime="2026-11-30")
    past = _observation("past", "2132-9", 250, "ng/L", effectiveDateTime="2026-11-02")
    bundle = {"resourceType": "Bundle", "type": "collection",
              "entry": [{"resource": today}, {"resource": past}]}  # fmt: skip
    fhir.import_fhir(ctx, json.dumps(bundle))
    filed = {lab.taken_on.isoformat(): lab.at for lab in ctx.store.entries(["lab"])}  # type: ignore[attr-defined]
    assert filed["2026-11-30"] == NOW  # blood taken today: filed now
    assert filed["2026-11-02"].hour == 12  # a past day: noon of that day


def test_a_bulk_export_folder_is_read_file_by_file(tmp_path: Path) -> None:
    folder = tmp_path / "bulk"
    folder.mkdir()
    patient = {"resourceType": "Patient", "id": "p", "gender": "female", "birthDate": "1970-01-01"}
    (folder / "Patient.000.ndjson").write_text(json.dumps(patient) + "\n")
    observations = [_observation(f"o{i}", "2284-8", 3.1 + i, "ug/L") for i in range(2)]
    (folder / "Observation.000.ndjson").write_text("\n".join(json.dumps(o) for o in observations))
    ctx = _empty(tmp_path)
    assert fhir.import_fhir(ctx, folder).written == {"lab": 2, "profile": 1}
    (folder / "Observation.001.ndjson").write_text(
        json.dumps(_observation("o9", "2284-8", 2, "g/L"))
    )
    (problem,) = _refused_path(ctx, folder)
    assert problem.startswith("Observation/o9 valueQuantity.code: 'g/L'")
    empty = tmp_path / "empty"
    empty.mkdir()
    (problem,) = _refused_path(ctx, empty)
    assert "without .ndjson files" in problem


def _refused_path(ctx: Context, path: Path) -> list[str]:
    with pytest.raises(InputError) as caught:
        fhir.import_fhir(ctx, path)
    return [str(p) for p in caught.value.problems]


def test_duplicate_keys_are_refused_not_last_one_wins(tmp_path: Path) -> None:
    text = (
        '{"resourceType": "Observation", "id": "d", "status": "final",'
        ' "code": {"coding": [{"system": "http://loinc.org", "code": "2132-9"}]},'
        ' "valueQuantity": {"value": 150, "value": 1500, "unit": "ng/L", "code": "ng/L"}}'
    )
    ctx = _empty(tmp_path)
    with pytest.raises(InputError, match="value"):
        fhir.import_fhir(ctx, text)
    assert ctx.store.entries() == []
