"""CDS Hooks "Trusting CDS Clients": check the EHR's signed JWT bearer token.

The specification: every call carries `Authorization: Bearer <JWT>` signed with the client's
private key (ES384 or RS384 recommended; never `none`, never a symmetric algorithm); the header
names `alg`, `kid` and `typ: JWT`; the payload has `iss`, `aud` (the URL of the endpoint being
called), `exp`, `iat` and `jti`; a service keeps an allow-list of issuers. b12pain reads the
clients' public keys from a JWK Set given to it out of band (it makes no network calls, so a
`jku` URL is never fetched) and refuses a `jti` it has already seen until that token expires.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

#: Signing algorithms accepted (the specification's recommended pair).
ALGORITHMS = ("ES384", "RS384")
REQUIRED_CLAIMS = ("iss", "aud", "exp", "iat", "jti")


class CdsAuthError(Exception):
    """The token is missing or not trusted; `reason` says why (answered 401)."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


@dataclass
class SeenTokens:
    """`jti` values already used, kept until their token expires (replay protection)."""

    _seen: dict[str, float] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def first_use(self, jti: str, expires: float, now: float) -> bool:
        """True the first time `jti` is presented (and remembers it), False on a replay."""
        with self._lock:
            for old in [k for k, exp in self._seen.items() if exp < now]:
                del self._seen[old]
            if jti in self._seen:
                return False
            self._seen[jti] = expires
            return True


@dataclass(frozen=True)
class TrustPolicy:
    """Which clients are trusted: issuer allow-list and their public keys (a JWK Set)."""

    issuers: tuple[str, ...]
    jwks: dict[str, Any]
    leeway_seconds: int = 30

    @property
    def enabled(self) -> bool:
        """Tokens are checked only when some issuer is trusted."""
        return bool(self.issuers)


def verify_bearer(
    authorization: str | None,
    audience: str,
    policy: TrustPolicy,
    now: dt.datetime,
    seen: SeenTokens | None = None,
) -> dict[str, Any]:
    """The verified claims of the bearer JWT, or `CdsAuthError` naming what is wrong."""
    import jwt

    if authorization is None or not authorization.lower().startswith("bearer "):
        raise CdsAuthError("Authorization: Bearer <JWT> is required")
    token = authorization.split(" ", 1)[1].strip()
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as exc:
        raise CdsAuthError(f"not a JWT ({exc})") from None
    if header.get("alg") not in ALGORITHMS:
        raise CdsAuthError(f"alg {header.get('alg')!r}; one of {', '.join(ALGORITHMS)}")
    if header.get("typ") != "JWT" or not header.get("kid"):
        raise CdsAuthError("the JWT header needs typ JWT and a kid")
    key = _key(header["kid"], header["alg"], policy.jwks)
    try:
        claims = _decode(jwt, token, key, audience, policy, now)
    except jwt.PyJWTError as exc:
        raise CdsAuthError(f"token refused: {exc}") from None
    if seen is not None and not seen.first_use(
        str(claims["jti"]), float(claims["exp"]), now.timestamp()
    ):
        raise CdsAuthError("token refused: this jti was already used")
    return claims


def _decode(
    jwt: Any, token: str, key: Any, audience: str, policy: TrustPolicy, now: dt.datetime
) -> dict[str, Any]:
    """Signature, audience, issuer and required claims by PyJWT; times against `now`."""
    claims: dict[str, Any] = jwt.decode(
        token,
        key=key,
        algorithms=list(ALGORITHMS),
        audience=audience,
        issuer=list(policy.issuers),
        options={"require": list(REQUIRED_CLAIMS), "verify_exp": False, "verify_iat": False,
                 "verify_nbf": False},
    )  # fmt: skip
    moment = now.timestamp()
    if float(claims["exp"]) + policy.leeway_seconds < moment:
        raise jwt.ExpiredSignatureError("Signature has expired")
    if float(claims["iat"]) - policy.leeway_seconds > moment:
        raise jwt.ImmatureSignatureError("The token is not yet valid (iat)")
    return claims


def _key(kid: str, alg: str, jwks: dict[str, Any]) -> Any:
    import jwt

    for candidate in _keys(jwks):
        if candidate.get("kid") == kid:
            try:
                return jwt.PyJWK(candidate, algorithm=alg).key
            except jwt.PyJWTError as exc:
                raise CdsAuthError(f"the key {kid!r} cannot verify {alg} ({exc})") from None
    raise CdsAuthError(f"kid {kid!r} is not in the trusted JWK Set")


def _keys(jwks: dict[str, Any]) -> Iterable[dict[str, Any]]:
    keys = jwks.get("keys", [])
    return [k for k in keys if isinstance(k, dict)] if isinstance(keys, list) else []
