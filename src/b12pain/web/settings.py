"""How the web app runs: local mode (one person, no login, their own SQLite journal) or server mode
(many accounts, login, PostgreSQL or SQLite).

One typed object read from arguments or `B12PAIN_*` environment variables (pydantic-settings).
Server mode refuses to start with insecure values: `problems()` names each setting and why, and
`create_app` and `b12pain serve --multi-user` stop on them (CLI exit 2).
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from b12pain.errors import InputError, Problem

#: Host names that mean "this machine only".
LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})
#: The shortest secret key server mode accepts (characters; `python -m secrets` style tokens).
MIN_SECRET_KEY = 32


def is_loopback(host: str) -> bool:
    """True when `host` only accepts connections from this machine (127.0.0.0/8, ::1, localhost)."""
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class Settings(BaseSettings):
    """Settings of one running web app."""

    model_config = SettingsConfigDict(env_prefix="B12PAIN_", extra="ignore", frozen=True)

    #: `local`: one person, owner "local", no login. `server`: many accounts, each signed in.
    mode: Literal["local", "server"] = "local"
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    #: Where the journal lives; None means the platform default (`B12PAIN_DATA_DIR`).
    data_dir: Path | None = None
    #: The journal database (`B12PAIN_DATABASE_URL`): PostgreSQL or SQLite; None: `data_dir`.
    database_url: str | None = None
    #: Serve the JSON API's OpenAPI description at /api/v1/openapi.json and docs at /api/v1/docs.
    openapi: bool = True
    #: CDS Hooks: issuers (`iss`) whose signed JWT bearer tokens are accepted. Empty: no token
    #: check (local use); set, every CDS Hooks call must carry a valid ES384/RS384 JWT.
    cds_trusted_issuers: tuple[str, ...] = ()
    #: CDS Hooks: JWK Set file (JSON) holding the trusted issuers' public keys (given out of
    #: band; b12pain never fetches a `jku` URL).
    cds_jwks_file: Path | None = None
    #: CDS Hooks: the address clinicians open b12pain at, linked from cards (none: no link).
    cds_link_url: str | None = None

    # --- server mode ---
    #: Signs the CSRF tokens (`B12PAIN_SECRET_KEY`); at least 32 random characters.
    secret_key: SecretStr | None = None
    #: The address people open, e.g. https://b12pain.clinic.example (HTTPS: Secure cookies, HSTS).
    public_url: str | None = None
    #: Allow a plain-HTTP public URL (development on this machine only; cookies are not Secure).
    insecure_dev: bool = False
    #: Tracebacks in error pages: never in server mode.
    debug: bool = False
    #: A session ends this many hours after login, and after this many idle minutes.
    session_lifetime_hours: float = Field(default=12, gt=0, le=24 * 30)
    session_idle_minutes: float = Field(default=30, gt=0, le=24 * 60)
    #: Failed logins allowed per account and per address within the window before refusing.
    login_max_failures_per_account: int = Field(default=5, ge=1, le=1000)
    login_max_failures_per_address: int = Field(default=20, ge=1, le=100_000)
    login_window_minutes: float = Field(default=15, gt=0, le=24 * 60)
    #: How long an account stays locked after too many failed logins.
    login_lockout_minutes: float = Field(default=15, gt=0, le=24 * 60)

    def address(self) -> str:
        """The address a person types into their browser."""
        if self.mode == "server" and self.public_url:
            return self.public_url.rstrip("/") + "/"
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/"

    @property
    def https(self) -> bool:
        """True when people reach the app over HTTPS (Secure cookies, HSTS)."""
        return urlsplit(self.public_url or "").scheme == "https"

    @property
    def public_host(self) -> str:
        """The host name of `public_url` (what the Host header must say in server mode)."""
        return urlsplit(self.public_url or "").hostname or ""

    @property
    def session_lifetime(self) -> dt.timedelta:
        """How long a session lasts at most."""
        return dt.timedelta(hours=self.session_lifetime_hours)

    @property
    def idle_timeout(self) -> dt.timedelta:
        """How long a session may go unused."""
        return dt.timedelta(minutes=self.session_idle_minutes)

    @property
    def login_window(self) -> dt.timedelta:
        """Failed logins older than this no longer count."""
        return dt.timedelta(minutes=self.login_window_minutes)

    @property
    def login_lockout(self) -> dt.timedelta:
        """How long an account stays locked after too many failed logins."""
        return dt.timedelta(minutes=self.login_lockout_minutes)

    def problems(self) -> list[Problem]:
        """Why these settings are unsafe for server mode (empty when safe, or in local mode)."""
        if self.mode != "server":
            return []
        found: list[Problem] = []
        key = self.secret_key.get_secret_value() if self.secret_key else ""
        if len(key) < MIN_SECRET_KEY:
            found.append(
                Problem(
                    "secret_key",
                    f"({len(key)} characters)" if key else None,
                    f"at least {MIN_SECRET_KEY} random characters (B12PAIN_SECRET_KEY); it signs "
                    "the forms' CSRF tokens. Make one with: python -c "
                    '"import secrets; print(secrets.token_urlsafe(48))"',
                )
            )
        parts = urlsplit(self.public_url or "")
        if parts.scheme not in ("https", "http") or not parts.hostname:
            found.append(
                Problem(
                    "public_url",
                    self.public_url,
                    "the address people open, such as https://b12pain.clinic.example "
                    "(B12PAIN_PUBLIC_URL)",
                )
            )
        elif parts.scheme != "https" and not self.insecure_dev:
            found.append(
                Problem(
                    "public_url",
                    self.public_url,
                    "an https:// address: health data and session cookies must not cross the "
                    "network in clear text (plain http only with --insecure-dev, for development)",
                )
            )
        if self.debug:
            found.append(
                Problem(
                    "debug",
                    True,
                    "off in server mode: debug pages show tracebacks and internals to anyone",
                )
            )
        return found

    def require_safe(self) -> None:
        """Raise `InputError` naming every unsafe setting (server mode); local mode passes."""
        problems = self.problems()
        if problems:
            raise InputError(problems)
