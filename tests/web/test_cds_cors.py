"""CORS on the CDS Hooks endpoints, and nowhere else.

The CDS Hooks specification: CDS Services and browser-based CDS Clients require CORS. Every
answer under /cds-services may be read by any origin (clients authenticate with a bearer JWT in
a header, never a cookie, so credentials are not allowed), and a preflight there allows GET and
POST with Authorization and Content-Type. Pages, the API and the feedback list stay same-origin.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from cds_requests import request as patient_view_request

EHR = "https://ehr.example.org"
CDS_PATHS = (
    "/cds-services",
    "/cds-services/b12pain-patient-view",
    "/cds-services/b12pain-patient-view/feedback",
)
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "cds-hooks"


def preflight(client: TestClient, path: str, method: str = "POST") -> object:
    return client.options(
        path,
        headers={
            "Origin": EHR,
            "Access-Control-Request-Method": method,
            "Access-Control-Request-Headers": "authorization, content-type",
        },
    )


@pytest.mark.parametrize("path", CDS_PATHS)
def test_the_preflight_allows_get_and_post_with_a_bearer_token(
    client: TestClient, path: str
) -> None:
    response = preflight(client, path)
    assert response.status_code == 204
    assert response.headers["access-control-allow-origin"] == "*"
    assert set(response.headers["access-control-allow-methods"].split(", ")) == {
        "GET",
        "POST",
        "OPTIONS",
    }
    allowed = {
        h.strip().lower() for h in response.headers["access-control-allow-headers"].split(",")
    }
    assert {"authorization", "content-type"} <= allowed
    assert "access-control-allow-credentials" not in response.headers


def test_discovery_is_readable_from_another_origin(client: TestClient) -> None:
    response = client.get("/cds-services", headers={"Origin": EHR})
    assert response.status_code == 200 and response.json()["services"]
    assert response.headers["access-control-allow-origin"] == "*"


def test_cards_and_refusals_are_readable_from_another_origin(client: TestClient) -> None:
    body = json.dumps(patient_view_request({"resourceType": "Patient", "id": "p1"}))
    cards = client.post("/cds-services/b12pain-patient-view", content=body)
    assert cards.status_code == 200 and "cards" in cards.json()
    assert cards.headers["access-control-allow-origin"] == "*"
    malformed = client.post("/cds-services/b12pain-patient-view", content=b"{not json")
    assert malformed.status_code == 400 and malformed.json()["reason"]
    assert malformed.headers["access-control-allow-origin"] == "*"  # the client can read why
    feedback = json.loads((FIXTURES / "feedback-accepted.json").read_text(encoding="utf-8"))
    recorded = client.post("/cds-services/b12pain-patient-view/feedback", json=feedback)
    assert recorded.status_code == 200 and recorded.headers["access-control-allow-origin"] == "*"


@pytest.mark.parametrize(
    "path", ["/", "/settings", "/api/v1/preferences", "/api/v1/insights", "/admin/cds-feedback"]
)
def test_nothing_else_answers_cors(client: TestClient, path: str) -> None:
    response = client.get(path, headers={"Origin": EHR})
    assert "access-control-allow-origin" not in response.headers
    asked = preflight(client, path, "GET")
    assert "access-control-allow-origin" not in asked.headers
    assert asked.status_code in (404, 405)


def test_a_browser_client_on_another_origin_gets_cards(client: TestClient) -> None:
    body = json.dumps(patient_view_request({"resourceType": "Patient", "id": "p1"}))
    response = client.post(
        "/cds-services/b12pain-patient-view",
        content=body,
        headers={"Origin": EHR, "Sec-Fetch-Site": "cross-site", "Content-Type": "application/json"},
    )
    assert response.status_code == 200 and response.headers["access-control-allow-origin"] == "*"
