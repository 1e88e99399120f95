"""HTTP input that must never become a 500 (issue 12: "no HTTP 500 from any input").

Bodies and cookies are JSON a client controls; a 100,000-deep array or a 5,000-digit number
made Python's json module raise RecursionError or a plain ValueError, which no handler caught.
"""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from b12pain.interop.cds import SERVICE_ID
from b12pain.web.app import create_app
from b12pain.web.settings import Settings

HOSTILE_JSON = {
    "deep": "[" * 100_000 + "]" * 100_000,
    "huge integer": '{"hook": ' + "9" * 5_000 + "}",
    "duplicate keys": '{"hook": "patient-view", "hook": "x"}',
    "NaN": '{"hook": NaN}',
}


@pytest.fixture
def client(tmp_path: Path) -> TestClient:
    return TestClient(create_app(Settings(data_dir=tmp_path)), raise_server_exceptions=False)


@pytest.mark.parametrize("name", sorted(HOSTILE_JSON))
def test_a_hostile_cds_hooks_body_is_a_client_error(name: str, client: TestClient) -> None:
    response = client.post(
        f"/cds-services/{SERVICE_ID}",
        content=HOSTILE_JSON[name].encode(),
        headers={"content-type": "application/json"},
    )
    assert 400 <= response.status_code < 500, (response.status_code, response.text[:300])


@pytest.mark.parametrize("name", ["deep", "huge integer"])
def test_a_hostile_self_check_cookie_is_ignored_not_a_500(name: str, client: TestClient) -> None:
    text = HOSTILE_JSON[name] if name != "deep" else "[" * 3_000 + "]" * 3_000
    cookie = base64.urlsafe_b64encode(text.encode()).decode()
    client.cookies.set("b12pain_selfcheck", cookie)
    response = client.get("/self-check/result")
    assert response.status_code < 500, (response.status_code, response.text[:300])
