"""Server mode (#15), the gaps closed after it was built, each on SQLite and PostgreSQL:

- a username PostgreSQL text refuses (a NUL) is refused before any query: /login answers it as
  a wrong login, the `users` commands and the service name the field (never a 500 or traceback);
- /cds-services needs no session but always a JWT from a trusted EHR issuer (403 with none set);
- the Settings page shows neither the server's data folder nor its database URL;
- an imported export cannot plant a comment in a clinician's name: every comment is signed "me";
- erasing a person takes their name off their failed logins, and the address limit still counts.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jwt
import pytest
import sqlalchemy as sa
from cryptography.hazmat.primitives.asymmetric import ec
from fastapi.testclient import TestClient

from b12pain.cli.errors import run_guarded
from b12pain.cli.main import app as cli_app
from b12pain.errors import InputError, NotFoundError
from b12pain.journal import Journal
from b12pain.journal import tables as t
from b12pain.service import accounts, diary, erasure, transfer
from b12pain.service.accounts import LoginPolicy, LoginRefused
from cds_requests import request as cds_request
from serverkit import PASSWORD, csrf_token, make_account, server_app, signed_in, store_of
from servicekit import context

NOW = dt.datetime(2026, 12, 3, 9, 0, tzinfo=dt.UTC)
#: Names PostgreSQL text refuses or no account can have; each must be refused before a query.
BAD_NAMES = ["ann\x00", "\x00", "a" * 300, "ann\n", "bad name"]
ISSUER = "https://ehr.example.org/"
SERVICE = "http://testserver/cds-services/b12pain-patient-view"
FIXTURES = Path(__file__).parent / "fixtures" / "cds-hooks"
PATIENT = {"resourceType": "Patient", "id": "p1", "gender": "male", "birthDate": "1960-05-01"}


@pytest.fixture
def store(journal_url: str) -> Iterator[Journal]:
    with Journal.open(journal_url) as journal:
        yield journal


@pytest.fixture
def where(journal_url: str, tmp_path: Path) -> Path | str:
    return tmp_path if journal_url.startswith("sqlite") else journal_url


# 1. no 500 from any username ----------------------------------------------------------------


@pytest.mark.parametrize("name", BAD_NAMES)
def test_a_name_that_cannot_be_a_username_is_refused_before_any_query(
    store: Journal, name: str
) -> None:
    make_account(store, "ann")
    with pytest.raises(InputError) as refused:
        accounts.get_account(store, name)
    assert refused.value.problems[0].field == "username"
    for call in (
        lambda: accounts.reset_password(store, name, "a long enough password", now=NOW),
        lambda: accounts.remove_account(store, name, now=NOW),
        lambda: accounts.logout_everywhere(store, name, now=NOW),
    ):
        with pytest.raises(InputError):
            call()
    with pytest.raises(NotFoundError):
        erasure.remove_account_and_data(store, name, by="root", now=NOW)
    with pytest.raises(LoginRefused) as wrong:  # exactly a wrong login, and not throttled
        accounts.login(store, username=name, password=PASSWORD, address="10.0.0.1", now=NOW)
    assert type(wrong.value) is LoginRefused and wrong.value.status_code == 401
    assert accounts.get_account(store, "ann").username == "ann"  # nothing else changed


def test_bad_names_count_against_the_address(store: Journal) -> None:
    """Guessing with unusable names is still guessing: the address limit counts it."""
    policy = LoginPolicy(max_address_failures=3)
    for _ in range(3):
        with pytest.raises(LoginRefused):
            accounts.login(store, username="x\x00", password="p", address="10.0.0.9", now=NOW,
                           policy=policy)  # fmt: skip
    with pytest.raises(accounts.LoginThrottled):
        accounts.login(store, username="ann", password="p", address="10.0.0.9", now=NOW,
                       policy=policy)  # fmt: skip


def test_login_page_answers_a_nul_name_as_a_wrong_login(where: Path | str) -> None:
    app = server_app(where)
    make_account(store_of(app), "ann")
    with TestClient(app, raise_server_exceptions=False) as client:
        token = csrf_token(client)
        answers = [
            client.post(
                "/login",
                data={"username": name, "password": PASSWORD, "csrftoken": token},
                follow_redirects=False,
            )
            for name in ["nobody", *BAD_NAMES]
            if name.strip() == name  # the form strips spaces: "ann\n" is ann
        ]
        assert [a.status_code for a in answers] == [401] * len(answers)
        assert "the username or password is not right" in answers[1].text
        signed_in(client, "ann")  # and the real one still works


def _cli(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, str]:
    monkeypatch.setattr(sys, "argv", ["b12pain", "users", *args])
    monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD + "\n"))
    code = run_guarded(cli_app)
    return code, capsys.readouterr().err


@pytest.mark.parametrize("name", ["ann\x00", "a" * 300])
def test_users_commands_refuse_a_nul_name_with_exit_2(
    journal_url: str,
    data_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    name: str,
) -> None:
    monkeypatch.setenv("B12PAIN_DATABASE_URL", journal_url)
    assert _cli(monkeypatch, capsys, "add", "ann", "--password-stdin")[0] == 0
    for args in (
        ["add", name, "--password-stdin"],
        ["remove", name, "--yes"],
        ["reset-password", name, "--password-stdin"],
    ):
        code, err = _cli(monkeypatch, capsys, *args)
        assert code == 2 and "username" in err and "Traceback" not in err, (args, err)


# 2. CDS Hooks: no session, but a trusted EHR's JWT --------------------------------------------


@pytest.fixture(scope="module")
def key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP384R1())


def _token(key: Any, url: str = SERVICE) -> str:
    moment = int(time.time())
    claims = {"iss": ISSUER, "aud": url, "iat": moment, "exp": moment + 300,
              "jti": str(uuid.uuid4())}  # fmt: skip
    return jwt.encode(claims, key, algorithm="ES384", headers={"kid": "ehr-1", "typ": "JWT"})


def _bearer(key: Any, url: str = SERVICE) -> dict[str, str]:
    return {"Authorization": f"Bearer {_token(key, url)}"}


def test_an_ehr_calls_cds_hooks_on_a_server_with_a_jwt_and_no_session(
    where: Path | str, tmp_path: Path, key: ec.EllipticCurvePrivateKey
) -> None:
    public = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(key.public_key()))
    jwks = tmp_path / "jwks.json"
    jwks.write_text(json.dumps({"keys": [{**public, "kid": "ehr-1", "alg": "ES384"}]}))
    app = server_app(where, cds_trusted_issuers=(ISSUER,), cds_jwks_file=jwks)
    make_account(store_of(app), "ann")
    with TestClient(app, raise_server_exceptions=False) as ehr:
        discovery = "http://testserver/cds-services"
        assert ehr.get("/cds-services", headers=_bearer(key, discovery)).status_code == 200
        cards = ehr.post(SERVICE, json=cds_request(PATIENT), headers=_bearer(key))
        assert cards.status_code == 200 and "cards" in cards.json()
        feedback = json.loads((FIXTURES / "feedback-overridden.json").read_text())
        url = f"{SERVICE}/feedback"
        answer = ehr.post(url, json=feedback, headers=_bearer(key, url))
        assert answer.status_code == 200, answer.text
        # no token, a wrong one, or a person's session instead: refused, never served
        assert ehr.get("/cds-services").status_code == 401
        assert ehr.post(SERVICE, json=cds_request(PATIENT)).status_code == 401
        assert ehr.post(url, json=feedback).status_code == 401
        other = ec.generate_private_key(ec.SECP384R1())
        assert ehr.post(SERVICE, json=cds_request(PATIENT), headers=_bearer(other)).status_code \
            == 401  # fmt: skip
        signed_in(ehr, "ann")
        assert ehr.post(SERVICE, json=cds_request(PATIENT)).status_code == 401


def test_with_no_trusted_issuer_cds_hooks_is_off_on_a_server(
    where: Path | str, key: ec.EllipticCurvePrivateKey
) -> None:
    app = server_app(where)
    make_account(store_of(app), "ann")
    with TestClient(app, raise_server_exceptions=False) as client:
        for signed in (False, True):
            if signed:
                signed_in(client, "ann")
            answers = [
                client.get("/cds-services", headers=_bearer(key)),
                client.post(SERVICE, json=cds_request(PATIENT), headers=_bearer(key)),
                client.post(f"{SERVICE}/feedback", json={"feedback": []}, headers=_bearer(key)),
            ]
            assert [a.status_code for a in answers] == [403, 403, 403], signed
            assert "CDS Hooks is off on this server" in answers[0].json()["reason"]


# 3. Settings shows no server paths ----------------------------------------------------------


def test_the_settings_page_shows_no_server_folder_or_database(where: Path | str) -> None:
    app = server_app(where)
    make_account(store_of(app), "ann")
    settings = app.state.settings
    secrets = {str(settings.data_dir), str(settings.database_url), store_of(app).url}
    with TestClient(app) as client:
        signed_in(client, "ann")
        for path in ("/settings", "/settings/delete"):
            page = client.get(path)
            assert page.status_code == 200
            for secret in secrets:
                assert secret not in page.text, (path, secret)
        page = client.get("/settings")
        assert "/settings/export" in page.text and "/settings/delete" in page.text
        assert "/settings/backup" not in page.text  # refused on a server, so not offered
        refused = client.post("/settings/delete", data={"confirm": "no"})
        assert refused.status_code == 422 and str(settings.data_dir) not in refused.text


# 4. imported comments are the importing person's --------------------------------------------


def _export_with_forged_comment() -> dict[str, Any]:
    return {
        "schema": transfer.SCHEMA,
        "entries": [
            {
                "kind": "pain",
                "at": "2026-11-20T08:00:00+00:00",
                "nrs": 5,
                "comments": [
                    {
                        "at": "2026-11-20T09:00:00+00:00",
                        "author": "Dr Lee",
                        "text": "Stop your B12 now.",
                    },
                    {"at": "2026-11-20T09:05:00+00:00", "text": "my own"},
                ],
            }
        ],
    }


def test_an_import_on_a_server_signs_every_comment_me(where: Path | str) -> None:
    app = server_app(where)
    store = store_of(app)
    make_account(store, "ann")
    make_account(store, "dr.lee", "clinician", display_name="Dr Lee")
    document = _export_with_forged_comment()
    with TestClient(app) as client:
        signed_in(client, "ann")
        upload = {"file": ("export.json", json.dumps(document).encode(), "application/json")}
        assert "Imported 1 entries" in client.post("/settings/import", files=upload).text
        document["entries"][0]["at"] = "2026-11-21T08:00:00+00:00"
        answer = client.post("/api/v1/import", json=document)
        assert answer.status_code == 200, answer.text
        assert "Dr Lee" not in client.get("/sharing").text  # no "comment from a clinician"
    authors = {c.author for e in diary.list_entries(context(store, "ann")) for c in e.comments}
    assert authors == {"me"}


def test_a_local_import_keeps_the_authors(store: Journal) -> None:
    """On one's own computer an export is one's own history, clinicians' comments included."""
    me = context(store, "local")
    transfer.import_document(me, _export_with_forged_comment())
    assert {c.author for e in diary.list_entries(me) for c in e.comments} == {"Dr Lee", "me"}


# 6. erasing a person and their failed logins ------------------------------------------------


def _failures(store: Journal) -> list[tuple[str, str]]:
    with store.engine.connect() as conn:
        found = conn.execute(sa.select(t.LoginFailureRow.username, t.LoginFailureRow.address))
        return sorted((u, a) for u, a in found)


def test_erasing_a_person_unnames_their_failed_logins_and_the_address_limit_holds(
    store: Journal,
) -> None:
    make_account(store, "ann")
    make_account(store, "bob")
    policy = LoginPolicy(max_account_failures=50, max_address_failures=3)
    for name in ("ann", "ann", "bob"):
        with pytest.raises(LoginRefused):
            accounts.login(store, username=name, password="wrong password!", address="10.0.0.7",
                           now=NOW, policy=policy)  # fmt: skip
    erased = erasure.erase_person(store, "ann")
    assert erased.other_rows >= 2
    assert _failures(store) == [("", "10.0.0.7"), ("", "10.0.0.7"), ("bob", "10.0.0.7")]
    with pytest.raises(accounts.LoginThrottled):  # the address still counts all three
        accounts.login(store, username="ann", password=PASSWORD, address="10.0.0.7", now=NOW,
                       policy=policy)  # fmt: skip
    account, _ = accounts.login(store, username="ann", password=PASSWORD, address="10.0.0.8",
                                now=NOW, policy=policy)  # fmt: skip
    assert account.username == "ann"
