"""Protections for a local app that a browser on the same machine talks to.

- Only this machine's host names are accepted (TrustedHostMiddleware, set up in `app.py`), so a
  web page elsewhere cannot reach the app through DNS rebinding.
- A request that changes something (POST, PUT, PATCH, DELETE) from another origin is refused, so
  another site cannot submit forms to the app (cross-site request forgery).
- Content-Security-Policy allows only the app's own scripts, styles and images: no external
  requests, whatever a page contains.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from fastapi import FastAPI
from starlette.datastructures import Headers
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from b12pain.web.settings import Settings, is_loopback

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'; object-src 'none'"
)
_UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def allowed_hosts(settings: Settings) -> list[str]:
    """Host names the app answers to: this machine's names, or any when told to share it."""
    if not is_loopback(settings.host):
        return ["*"]  # `b12pain serve --allow-network`: the person chose to listen on the network
    hosts = {"127.0.0.1", "localhost", "[::1]", "::1", "testserver", settings.host}
    return sorted(hosts)


def _same_origin(headers: Headers) -> bool:
    site = headers.get("sec-fetch-site")
    if site is not None:  # modern browsers say where a request comes from
        return site in ("same-origin", "none")
    origin = headers.get("origin") or headers.get("referer")
    if origin is None:
        return True  # not sent by a browser form (curl, the API, tests)
    return urlsplit(origin).netloc == headers.get("host", "")


_REFUSED = PlainTextResponse(
    "Refused: this change came from another web site, not from b12pain's own pages.",
    status_code=403,
)
_HEADERS = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"cache-control", b"no-store"),
]


class Guard:
    """ASGI middleware: refuse cross-site changes, add the security headers to every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["method"] in _UNSAFE and not _same_origin(Headers(scope=scope)):
            await _REFUSED(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(n, v) for n, v in _HEADERS if n not in present]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, with_headers)


def install(app: FastAPI, settings: Settings) -> None:
    """Add the origin check and the security headers to every response."""
    app.add_middleware(Guard)
