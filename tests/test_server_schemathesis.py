"""API fuzzing with schemathesis against the running app (a real `b12pain serve` under uvicorn),
in local mode and in server mode signed in as a person: no 5xx, and responses conform to the
OpenAPI document (body schema and content type). Few examples per operation keep CI fast."""

from __future__ import annotations

import datetime as dt
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator

import httpx
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (  # type: ignore[attr-defined]
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
)

from serverkit import PASSWORD, SECRET_KEY

CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]
EXAMPLES = settings(
    max_examples=5,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _serve(args: list[str], env: dict[str, str], address: str) -> subprocess.Popen[bytes]:
    """Start `b12pain serve …` and wait until it answers."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("B12PAIN_")}
    process = subprocess.Popen(
        [sys.executable, "-c", "from b12pain.cli.main import run; run()", "serve", *args],
        env={**clean, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    for _ in range(600):
        try:
            httpx.get(address + "/api/v1/openapi.json", timeout=2)
            return process
        except httpx.TransportError:
            if process.poll() is not None:
                message = process.stderr.read().decode() if process.stderr else ""
                pytest.fail(f"b12pain serve stopped: {message}")
            time.sleep(0.1)
    process.terminate()
    pytest.fail("b12pain serve did not answer within a minute")


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    process.wait(timeout=20)


@pytest.fixture(scope="module")
def local_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data, port = tmp_path_factory.mktemp("local"), _free_port()
    address = f"http://127.0.0.1:{port}"
    process = _serve(["--port", str(port)], {"B12PAIN_DATA_DIR": str(data)}, address)
    yield address
    _stop(process)


@pytest.fixture(scope="module")
def server_server(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[str, requests.Session]]:
    """A multi-user server with one person signed in: (address, a session with the cookie and
    the CSRF header)."""
    from b12pain.service.accounts import add_account
    from b12pain.service.context import open_store

    data, port = tmp_path_factory.mktemp("server"), _free_port()
    with open_store(data) as store:
        add_account(
            store,
            username="ann",
            display_name="Ann",
            role="person",
            password=PASSWORD,
            now=dt.datetime.now(dt.UTC),
        )
    address = f"http://127.0.0.1:{port}"
    process = _serve(
        [
            "--multi-user",
            "--port",
            str(port),
            "--data-dir",
            str(data),
            "--public-url",
            address,
            "--insecure-dev",
        ],
        {"B12PAIN_SECRET_KEY": SECRET_KEY},
        address,
    )
    session = requests.Session()
    page = session.get(address + "/login")
    token = re.search(r'name="csrftoken" value="([^"]+)"', page.text)
    assert token, page.text[:300]
    done = session.post(
        address + "/login",
        data={"username": "ann", "password": PASSWORD, "csrftoken": token.group(1)},
        allow_redirects=False,
    )
    assert done.status_code == 303, done.text[:300]
    session.headers["x-csrftoken"] = token.group(1)
    yield address, session
    _stop(process)


def _fuzz(address: str, session: requests.Session) -> list[str]:
    """Run every API operation's generated cases against `address`; the operations exercised.
    (schemathesis's own pytest loader does not run under pytest 9, so hypothesis drives it.)"""
    schema = schemathesis.openapi.from_url(address + "/api/v1/openapi.json").include(
        path_regex="^/api/v1/"
    )
    done = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @EXAMPLES
        def run(case: schemathesis.Case) -> None:
            response = case.call_and_validate(session=session, checks=CHECKS)
            assert response.status_code not in (401, 403), (
                case.method,
                case.path,
                response.text[:300],
            )

        run()
        done.append(operation.label)
    return done


def test_local_mode_api(local_server: str) -> None:
    done = _fuzz(local_server, requests.Session())
    assert len(done) >= 20 and "POST /api/v1/entries/pain" in done


def test_server_mode_api_signed_in(server_server: tuple[str, requests.Session]) -> None:
    address, session = server_server
    assert session.get(address + "/api/v1/entries").status_code == 200  # signed in
    done = _fuzz(address, session)
    assert len(done) >= 20 and "POST /api/v1/entries/pain" in done


def test_server_mode_api_signed_out_answers_401(
    server_server: tuple[str, requests.Session],
) -> None:
    address, _ = server_server
    answer = requests.get(address + "/api/v1/entries", timeout=10)
    assert answer.status_code == 401 and answer.json()["errors"]
