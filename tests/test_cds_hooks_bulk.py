"""CDS Hooks cards equal the CLI assessment of the same data: the shared FHIR Bulk sample and a
set of crafted test patients.

Each Patient of ../shared/data/fhir-bulk-10-patients becomes one `patient-view` call: its active
MedicationRequests and its Conditions as the EHR would prefetch them, plus B12 results written
by the test in the US Core shape (the sample has no Observation file). The cards from the running
app must be exactly the cards of `b12pain assess --json` on the profile the service read.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient

from b12pain.cli.errors import run_guarded
from b12pain.cli.main import app as cli_app
from b12pain.clinical.result import Assessment
from b12pain.interop.cds import cards_for, parse_request, profile_from_facts, read_prefetch
from b12pain.knowledge import load
from b12pain.web.app import create_app
from b12pain.web.settings import Settings
from cds_requests import lab, request, symptom

METFORMIN_PRODUCT = "860975"
#: B12 results the test gives some patients, by position (value, unit, LOINC), to vary the cards.
PLANTED = [(150, "ng/L", "2132-9"), (210, "ng/L", "2132-9"), (95, "pmol/L", "14685-2"),
           (420, "pg/mL", "2132-9")]  # fmt: skip


def _read(folder: Path, kind: str) -> list[dict[str, Any]]:
    path = folder / f"{kind}.000.ndjson"
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


@pytest.fixture(scope="module")
def calls(shared_dir: Path) -> list[dict[str, Any]]:
    source = shared_dir / "data/fhir-bulk-10-patients"
    if not (source / "Patient.000.ndjson").exists():
        pytest.skip(f"FHIR Bulk sample not found at {source}")
    by_patient: dict[str, dict[str, list[dict[str, Any]]]] = defaultdict(
        lambda: {"MedicationRequest": [], "Condition": []}
    )
    for kind in ("MedicationRequest", "Condition"):
        for resource in _read(source, kind):
            patient = resource["subject"]["reference"].removeprefix("Patient/")
            if kind == "MedicationRequest" and resource["status"] != "active":
                continue  # the prefetch template asks for active requests only
            by_patient[patient][kind].append(resource)
    out = []
    for index, patient in enumerate(_read(source, "Patient")):
        found = by_patient[patient["id"]]
        labs = []
        if index < len(PLANTED):
            value, unit, loinc = PLANTED[index]
            labs.append(lab(f"b12-{index}", patient["id"], loinc, value, unit, "2026-10-01"))
        out.append(request(patient, labs, found["MedicationRequest"], found["Condition"]))
    return out


def _cli_assessment(profile_data: dict[str, Any], today: dt.date, folder: Path,
                    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
                    ) -> Assessment:  # fmt: skip
    path = folder / "profile.yaml"
    path.write_text(yaml.safe_dump(profile_data), encoding="utf-8")
    monkeypatch.setattr(sys, "argv", ["b12pain", "assess", str(path), "--json",
                                      "--today", today.isoformat()])  # fmt: skip
    capsys.readouterr()
    assert run_guarded(cli_app) == 0
    return Assessment.model_validate(json.loads(capsys.readouterr().out))


def _assert_cards_equal_cli(
    bodies: list[dict[str, Any]],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    kb = load()
    client = TestClient(create_app(Settings(data_dir=tmp_path)))
    today = dt.date.today()  # the app reads the clock; the CLI is given the same day
    for body in bodies:
        response = client.post("/cds-services/b12pain-patient-view", json=body)
        assert response.status_code == 200, response.text
        cards = response.json()["cards"]
        profile, _ = profile_from_facts(read_prefetch(parse_request(body), kb), today)
        assert profile is not None
        data = profile.model_dump(mode="json", exclude_defaults=True)
        assessment = _cli_assessment(data, today, tmp_path, capsys, monkeypatch)
        expected = [
            card.model_dump(mode="json", exclude_none=True)
            for card in cards_for(assessment, kb, body["hookInstance"])
        ]
        assert cards == expected, body["context"]["patientId"]
        critical = [c for c in cards if c["summary"].startswith("Red flag:")]
        assert len(critical) == len(assessment.red_flags)


def test_cards_equal_the_cli_assessment_for_every_sample_patient(
    calls: list[dict[str, Any]],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert len(calls) >= 10
    _assert_cards_equal_cli(calls, tmp_path, capsys, monkeypatch)


def _crafted() -> list[dict[str, Any]]:
    """Test patients that need no shared data: each path of the cards once."""
    today = dt.date.today()
    day = (today - dt.timedelta(days=7)).isoformat()

    def patient(pid: str, sex: str, years: int) -> dict[str, Any]:
        born = f"{today.year - years}-01-15"
        return {"resourceType": "Patient", "id": pid, "gender": sex, "birthDate": born}

    metformin = {
        "resourceType": "MedicationRequest", "id": "m", "status": "active", "intent": "order",
        "subject": {"reference": "Patient/a"}, "authoredOn": "2018-03-01",
        "medicationCodeableConcept": {"coding": [
            {"system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": "6809"}]},
    }  # fmt: skip
    sciatica = {"resourceType": "Condition", "id": "c", "subject": {"reference": "Patient/e"},
                "code": {"coding": [{"system": "http://snomed.info/sct", "code": "23056005"}]}}  # fmt: skip
    return [
        request(patient("a", "male", 66), medication_requests=[metformin]),
        request(patient("b", "female", 52), labs=[lab("l", "b", "2132-9", 210, "ng/L", day)],
                conditions=[symptom("s", "b", "tingling"), symptom("t", "b", "burning")]),
        request(patient("c", "female", 70), labs=[lab("l", "c", "2132-9", 120, "ng/L", day),
                                                  lab("m", "c", "13964-2", 0.7, "umol/L", day)]),
        request(patient("d", "male", 45), conditions=[symptom("s", "d", "saddle_numbness"),
                                                      symptom("t", "d", "urinary_retention")]),
        request(patient("e", "female", 38), conditions=[sciatica],
                labs=[lab("l", "e", "14685-2", 300, "pmol/L", day)]),
        request(patient("f", "male", 61), medication_requests=[metformin],
                conditions=[symptom("s", "f", "unsteady_gait"),
                            symptom("t", "f", "reduced_vibration_sense")]),
    ]  # fmt: skip


def test_cards_equal_the_cli_assessment_for_crafted_patients(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _assert_cards_equal_cli(_crafted(), tmp_path, capsys, monkeypatch)


def test_the_profiles_read_what_the_sample_holds(calls: list[dict[str, Any]]) -> None:
    kb = load()
    today = dt.date.today()
    on_metformin = 0
    for body in calls:
        requests = body["prefetch"]["medicationRequests"] or {"entry": []}
        takes_metformin = any(
            coding.get("code") == METFORMIN_PRODUCT
            for entry in requests["entry"]
            for coding in entry["resource"]["medicationCodeableConcept"]["coding"]
        )
        profile, _ = profile_from_facts(read_prefetch(parse_request(body), kb), today)
        assert profile is not None
        names = {m.name for m in profile.medications}
        assert ("metformin" in names) == takes_metformin
        on_metformin += takes_metformin
        birth = dt.date.fromisoformat(body["prefetch"]["patient"]["birthDate"])
        assert abs(profile.age - (today - birth).days / 365.25) < 1
        assert profile.sex == body["prefetch"]["patient"]["gender"]
    assert on_metformin >= 1  # the sample's README: metformin (RxNorm 860975) is in it
    planted = [len(call["prefetch"]["b12"]["entry"]) if call["prefetch"]["b12"] else 0
               for call in calls]  # fmt: skip
    assert sum(planted) == len(PLANTED)
