"""CDS Hooks and the FHIR download on a real uvicorn server (`b12pain serve`), over HTTP."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from cds_requests import lab, request

FIXTURES = Path(__file__).parent / "fixtures" / "cds-hooks"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def server(data_dir: Path) -> Iterator[str]:
    port = _free_port()
    env = {**os.environ, "B12PAIN_DATA_DIR": str(data_dir)}
    process = subprocess.Popen(
        [sys.executable, "-c", "from b12pain.cli.main import run; run()", "serve",
         "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                httpx.get(f"{base}/cds-services", timeout=2)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            pytest.fail("the server never answered")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)


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
