"""CDS Hooks "Trusting CDS Clients": the EHR's signed JWT, checked when issuers are configured."""

from __future__ import annotations

import datetime as dt
import json
import time
import uuid
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from fastapi.testclient import TestClient

from b12pain.interop.cds_auth import CdsAuthError, SeenTokens, TrustPolicy, verify_bearer
from b12pain.web.app import create_app
from b12pain.web.settings import Settings
from cds_requests import request

FIXTURES = Path(__file__).parent / "fixtures" / "cds-hooks"
ISSUER = "https://ehr.example.org/"
SERVICE_URL = "http://testserver/cds-services/b12pain-patient-view"
PATIENT = {"resourceType": "Patient", "id": "p1", "gender": "male", "birthDate": "1960-05-01"}


# --- the specification's own example token --------------------------------------------------


@pytest.fixture(scope="module")
def example() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / "jwt-example.json").read_text())
    return data


def _example_policy(example: dict[str, Any]) -> TrustPolicy:
    return TrustPolicy((example["payload"]["iss"],), example["jwks"])


def test_spec_example_token_verifies_while_it_was_valid(example: dict[str, Any]) -> None:
    within = dt.datetime(2014, 1, 1, tzinfo=dt.UTC)  # between its iat (2011) and exp (2015)
    claims = verify_bearer(
        f"Bearer {example['token']}", example["payload"]["aud"], _example_policy(example), within
    )
    assert claims == example["payload"]


@pytest.mark.parametrize(
    ("change", "needle"),
    [
        ({"now": dt.datetime(2026, 1, 1, tzinfo=dt.UTC)}, "expired"),
        ({"aud": "https://cds.example.org/cds-services/other"}, "Audience"),
        ({"issuers": ("https://someone-else.example/",)}, "[Ii]ssuer"),
        ({"jwks": {"keys": []}}, "kid"),
        ({"header": "Basic abc"}, "Bearer"),
    ],
)
def test_spec_example_token_refused_when_anything_is_off(
    example: dict[str, Any], change: dict[str, Any], needle: str
) -> None:
    policy = TrustPolicy(
        change.get("issuers", (example["payload"]["iss"],)), change.get("jwks", example["jwks"])
    )
    with pytest.raises(CdsAuthError, match=needle):
        verify_bearer(
            change.get("header", f"Bearer {example['token']}"),
            change.get("aud", example["payload"]["aud"]),
            policy,
            change.get("now", dt.datetime(2014, 1, 1, tzinfo=dt.UTC)),
        )


def test_replayed_jti_is_refused(example: dict[str, Any]) -> None:
    seen = SeenTokens()
    within = dt.datetime(2014, 1, 1, tzinfo=dt.UTC)
    args = (f"Bearer {example['token']}", example["payload"]["aud"], _example_policy(example))
    verify_bearer(*args, within, seen)
    with pytest.raises(CdsAuthError, match="already used"):
        verify_bearer(*args, within, seen)


# --- the running app with an issuer allow-list -----------------------------------------------


@pytest.fixture(scope="module")
def key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP384R1())


@pytest.fixture
def client(tmp_path: Path, key: ec.EllipticCurvePrivateKey) -> TestClient:
    public = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(key.public_key()))
    jwks = tmp_path / "jwks.json"
    jwks.write_text(json.dumps({"keys": [{**public, "kid": "ehr-1", "alg": "ES384"}]}))
    settings = Settings(data_dir=tmp_path, cds_trusted_issuers=(ISSUER,), cds_jwks_file=jwks)
    return TestClient(create_app(settings))


def _token(key: Any, alg: str = "ES384", **claims: Any) -> str:
    moment = int(time.time())
    payload = {"iss": ISSUER, "aud": SERVICE_URL, "iat": moment, "exp": moment + 300,
               "jti": str(uuid.uuid4()), **claims}  # fmt: skip
    return jwt.encode(payload, key, algorithm=alg, headers={"kid": "ehr-1", "typ": "JWT"})


def _call(client: TestClient, token: str | None) -> int:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.post(SERVICE_URL, json=request(PATIENT), headers=headers).status_code


def test_signed_token_from_a_trusted_issuer_is_accepted(
    client: TestClient, key: ec.EllipticCurvePrivateKey
) -> None:
    assert _call(client, _token(key)) == 200


def test_calls_without_a_valid_token_are_401(
    client: TestClient, key: ec.EllipticCurvePrivateKey
) -> None:
    assert _call(client, None) == 401
    assert client.get("/cds-services").status_code == 401  # discovery too, per the spec
    assert _call(client, _token(key, iss="https://evil.example/")) == 401
    assert _call(client, _token(key, aud="http://testserver/cds-services")) == 401
    assert _call(client, _token(key, exp=int(time.time()) - 3600)) == 401
    assert _call(client, _token("a shared secret of 32 bytes or more!!", alg="HS256")) == 401
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    assert _call(client, _token(other, alg="RS384")) == 401  # right kid, wrong key
    token = _token(key)
    assert _call(client, token) == 200
    response = client.post(
        SERVICE_URL, json=request(PATIENT), headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 401 and "already used" in response.json()["reason"]


def test_rs384_keys_work_too(tmp_path: Path) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    jwks = tmp_path / "jwks.json"
    jwks.write_text(json.dumps({"keys": [{**public, "kid": "ehr-1", "alg": "RS384"}]}))
    settings = Settings(data_dir=tmp_path, cds_trusted_issuers=(ISSUER,), cds_jwks_file=jwks)
    client = TestClient(create_app(settings))
    assert _call(client, _token(key, alg="RS384")) == 200
    assert _call(client, _token(key, alg="RS256")) == 401  # only the two the specification names
