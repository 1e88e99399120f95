"""API fuzzing with schemathesis against the running app (a real `b12pain serve` under uvicorn),
in local mode and in server mode signed in as a person: no 5xx, and responses conform to the
OpenAPI document (body schema and content type). Few examples per operation keep CI fast."""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterator

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (  # type: ignore[attr-defined]
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
)

from servekit import free_port, running_serve, running_server
from serverkit import PASSWORD, SECRET_KEY

#: What a started server must answer before the tests begin (the document they fuzz).
OPENAPI = "/api/v1/openapi.json"
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]
EXAMPLES = settings(
    max_examples=5,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture(scope="module")
def local_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data, port = tmp_path_factory.mktemp("local"), free_port()
    env = {**_clean_environment(), "B12PAIN_DATA_DIR": str(data)}
    with running_serve(env, port, ready=OPENAPI) as address:
        yield address


@pytest.fixture(scope="module")
def server_server(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[str, requests.Session]]:
    """A multi-user server with one person signed in: (address, a session with the cookie and
    the CSRF header)."""
    from b12pain.service.accounts import add_account
    from b12pain.service.context import open_store

    data, port = tmp_path_factory.mktemp("server"), free_port()
    with open_store(data) as store:
        add_account(
            store,
            username="ann",
            display_name="Ann",
            role="person",
            password=PASSWORD,
            now=dt.datetime.now(dt.UTC),
        )
    env = {**_clean_environment(), "B12PAIN_SECRET_KEY": SECRET_KEY}
    with running_server(env, port, "--data-dir", str(data), ready=OPENAPI) as address:
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


def _clean_environment() -> dict[str, str]:
    """This process's environment without any `B12PAIN_*` setting (each server gets its own)."""
    return {k: v for k, v in os.environ.items() if not k.startswith("B12PAIN_")}


def _fuzz(address: str, session: requests.Session) -> list[str]:
    """Run every API operation's generated cases against `address`; the operations exercised.
    (schemathesis's own pytest loader does not run under pytest 9, so hypothesis drives it.)"""
    schema = schemathesis.openapi.from_url(address + OPENAPI).include(path_regex="^/api/v1/")
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
