"""CDS Hooks and the FHIR download on a real uvicorn server (`b12pain serve`), over HTTP."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from cds_requests import lab, request
from servekit import free_port, running_serve

FIXTURES = Path(__file__).parent / "fixtures" / "cds-hooks"


@pytest.fixture
def server(data_dir: Path) -> Iterator[str]:
    env = {**os.environ, "B12PAIN_DATA_DIR": str(data_dir)}
    with running_serve(env, free_port(), ready="/cds-services") as address:
        yield address


def test_an_ehr_calls_the_service_over_http(server: str) -> None:
    discovery = httpx.get(f"{server}/cds-services", timeout=10)
    assert discovery.status_code == 200
    service = discovery.json()["services"][0]
    url = f"{server}/cds-services/{service['id']}"
    patient = {"resourceType": "Patient", "id": "p9", "gender": "male", "birthDate": "1958-02-01"}
    body = request(patient, labs=[lab("o1", "p9", "2132-9", 140, "ng/L", "2026-01-10")])
    answer = httpx.post(url, json=body, timeout=30)
    assert answer.status_code == 200
    cards = answer.json()["cards"]
    assert cards and all(len(c["summary"]) < 140 for c in cards)
    assert any("140" in c["summary"] for c in cards)
    missing = httpx.post(url, json=json.loads((FIXTURES / "patient-view-request.json").read_text()))
    assert missing.status_code == 412
    junk = httpx.post(url, content=b"{", headers={"content-type": "application/json"})
    assert junk.status_code == 400
    feedback = {"feedback": [{"card": cards[0]["uuid"], "outcome": "overridden",
                              "outcomeTimestamp": "2026-12-01T10:00:00Z"}]}  # fmt: skip
    assert httpx.post(f"{url}/feedback", json=feedback, timeout=10).status_code == 200
    listed = httpx.get(f"{server}/admin/cds-feedback", timeout=10).json()["feedback"]
    assert [item["feedback"]["card"] for item in listed] == [cards[0]["uuid"]]
    bundle = httpx.get(f"{server}/api/v1/fhir/bundle", timeout=10)
    assert bundle.status_code == 200 and bundle.json()["resourceType"] == "Bundle"
