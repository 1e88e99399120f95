"""How the web app runs: local mode (one person, no login, their own SQLite journal) or server.

Read from arguments or `B12PAIN_*` environment variables (pydantic-settings). A later multi-user
server mode extends this object; local mode is the default and the only one served today.
"""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

#: Host names that mean "this machine only".
LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})


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

    #: `local`: one person, owner "local", no login. (`server` is reserved for multi-user mode.)
    mode: Literal["local"] = "local"
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    #: Where the journal lives; None means the platform default (`B12PAIN_DATA_DIR`).
    data_dir: Path | None = None
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

    def address(self) -> str:
        """The address a person types into their browser."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/"
