"""The JSON API under /api/v1: the same use cases as the pages, problem lists on bad input,
404 for unknown ids, 409 for clashes, OpenAPI, and no 500 from generated input (schemathesis)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings

from b12pain.web import Settings, create_app


def test_openapi_describes_every_area(client: TestClient) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in ("/api/v1/assessments", "/api/v1/labs", "/api/v1/entries/pain", "/api/v1/entries/{entry_id}",
                 "/api/v1/plans", "/api/v1/doses", "/api/v1/foods", "/api/v1/intake", "/api/v1/insights",
                 "/api/v1/export", "/api/v1/import"):
        assert path in paths, path
    assert not any(p.startswith(("/diary", "/labs", "/self-check")) for p in paths)  # pages stay out


def test_assessment_follows_the_contract(client: TestClient) -> None:
    body = client.post("/api/v1/assessments?today=2026-11-24", json={
        "age": 58, "sex": "female", "symptoms": ["tingling", "saddle_numbness"],
        "labs": [{"test": "total_b12", "value": 210, "unit": "ng/L", "date": "2026-11-01"}]}).json()
    assert body["schema"] == "b12pain.assessment/1"
    assert body["urgency"] == "emergency" and body["red_flags"][0]["urgency"] == "emergency"
    assert body["labs"][0]["band"] == "indeterminate" and body["disclaimer"]
    assert all(c["source"] for c in body["red_flags"][0]["citations"])


def test_assessment_refuses_bad_profiles_with_every_problem(client: TestClient) -> None:
    response = client.post("/api/v1/assessments", json={"age": 200, "labs": [{"test": "total_b12", "value": -1}]})
    assert response.status_code == 422
    fields = {p["field"] for p in response.json()["errors"]}
    assert {"age", "labs[0].value", "labs[0].unit"} <= fields


def test_invalid_json_is_a_problem_list(client: TestClient) -> None:
    response = client.post("/api/v1/assessments", content=b"{bad", headers={"content-type": "application/json"})
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "(body)"


def test_labs_read_store_and_list(client: TestClient) -> None:
    read = client.post("/api/v1/labs/read", json={"test": "total_b12", "value": 150, "unit": "pmol/L"})
    assert read.status_code == 200 and read.json()["band"] == "indeterminate"
    assert client.get("/api/v1/labs").json() == []
    saved = client.post("/api/v1/labs", json={"test": "active_b12", "value": 20, "unit": "pmol/L"})
    assert saved.status_code == 201 and saved.json()["reading"]["band"] == "deficiency_confirmed"
    assert len(client.get("/api/v1/labs").json()) == 1
    bad = client.post("/api/v1/labs", json={"test": "active_b12", "value": 20, "unit": "ng/L"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "labs[0].unit"


def test_entries_create_read_edit_delete(client: TestClient) -> None:
    uid = client.post("/api/v1/entries/pain", json={"nrs": 6, "regions": ["feet", "hands"]}).json()["uid"]
    assert client.get(f"/api/v1/entries/{uid}").json()["regions"] == ["feet", "hands"]
    assert client.patch(f"/api/v1/entries/{uid}", json={"fields": {"nrs": 3}}).json()["nrs"] == 3
    assert client.patch(f"/api/v1/entries/{uid}", json={"fields": {"nrs": 30}}).status_code == 422
    assert client.post(f"/api/v1/entries/{uid}/comments", json={"text": "better"}).status_code == 201
    assert client.delete(f"/api/v1/entries/{uid}").status_code == 200
    missing = client.get(f"/api/v1/entries/{uid}")
    assert missing.status_code == 404 and missing.json()["errors"][0]["value"] == uid


@pytest.mark.parametrize(("kind", "body"), [
    ("pain", {"nrs": 11}), ("sleep", {"hours": -1}), ("exercise", {"minutes": 5000}),
    ("stress", {"level": 11}), ("mood", {"level": 5}), ("symptoms", {"symptoms": ["not_a_symptom"]}),
    ("pain", {"nrs": 5, "surprise": 1}),
])
def test_entries_refuse_bad_input(client: TestClient, kind: str, body: dict) -> None:
    response = client.post(f"/api/v1/entries/{kind}", json=body)
    assert response.status_code == 422 and response.json()["errors"]
    assert client.get("/api/v1/entries").json() == []


def test_plans_doses_and_stock(client: TestClient) -> None:
    own = client.post("/api/v1/plans/own", json={"amount_ug": 1000, "every": "daily", "stock_units": 30})
    assert own.status_code == 201 and own.json()["comparison"]["text"]
    uid = own.json()["plan"]["uid"]
    assert client.post("/api/v1/doses", json={"plan": uid, "status": "taken"}).status_code == 201
    status = client.get("/api/v1/plans").json()[0]
    assert status["adherence"]["taken"] == 1 and status["adherence"]["percent"] == 100.0
    assert client.post("/api/v1/stock", json={"plan": uid, "units": 20}).status_code == 201
    assert client.post("/api/v1/plans", json={"regimen": "snake_oil"}).status_code == 422
    assert client.post(f"/api/v1/plans/{uid}/stop").status_code == 200
    assert client.post(f"/api/v1/plans/{uid}/stop").status_code == 409


def test_foods_intake_insights(client: TestClient) -> None:
    assert client.get("/api/v1/foods", params={"q": "egg"}).json()
    assert client.get("/api/v1/foods", params={"q": ""}).status_code == 422
    assert client.post("/api/v1/intake", json={"amount_text": "2 eggs"}).status_code == 201
    assert client.post("/api/v1/intake", json={"amount_text": "3 zorblax"}).status_code == 422
    insights = client.get("/api/v1/insights").json()
    assert "helping" in insights and insights["not_medical_advice"]


def test_export_then_import_is_all_or_nothing(client: TestClient) -> None:
    client.post("/api/v1/entries/mood", json={"level": 3})
    document = client.get("/api/v1/export").json()
    clash = client.post("/api/v1/import", json=document)
    assert clash.status_code == 409
    bad = client.post("/api/v1/import", json={"schema": "b12pain.journal/1", "entries": [
        {"kind": "mood", "level": 2, "at": "2026-11-01T10:00:00+00:00"},
        {"kind": "mood", "level": 9, "at": "2026-11-01T11:00:00+00:00"}]})
    assert bad.status_code == 422
    assert len(client.get("/api/v1/entries").json()) == 1  # nothing of the bad document went in


# Generated input: whatever fits the schema (and much that does not) never gets a 500.

# The fuzzed app writes to its own temporary folder (created when this module is collected).
_FUZZ_APP = create_app(Settings(data_dir=Path(tempfile.mkdtemp(prefix="b12pain-fuzz-"))))
schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", _FUZZ_APP).include(path_regex="^/api/v1/")


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_generated_input_gets_a_server_error(case: schemathesis.Case) -> None:
    response = case.call()
    assert response.status_code < 500, (case.method, case.path, response.text[:500])
