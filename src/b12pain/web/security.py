"""Protections for a local app that a browser on the same machine talks to.

- Only this machine's host names are accepted (TrustedHostMiddleware, set up in `app.py`), so a
  web page elsewhere cannot reach the app through DNS rebinding.
- A request that changes something (POST, PUT, PATCH, DELETE) from another origin is refused, so
  another site cannot submit forms to the app (cross-site request forgery).
- Content-Security-Policy allows only the app's own scripts, styles and images: no external
  requests, whatever a page contains.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

from fastapi import FastAPI, Request, Response
from starlette.responses import PlainTextResponse

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


def _same_origin(request: Request) -> bool:
    site = request.headers.get("sec-fetch-site")
    if site is not None:  # modern browsers say where a request comes from
        return site in ("same-origin", "none")
    origin = request.headers.get("origin") or request.headers.get("referer")
    if origin is None:
        return True  # not sent by a browser form (curl, the API, tests)
    return urlsplit(origin).netloc == request.headers.get("host", "")


def install(app: FastAPI, settings: Settings) -> None:
    """Add the origin check and the security headers to every response."""

    @app.middleware("http")
    async def guard(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        if request.method in _UNSAFE and not _same_origin(request):
            return PlainTextResponse(
                "Refused: this change came from another web site, not from b12pain's own pages.",
                status_code=403,
            )
        response = await call_next(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Cache-Control", "no-store")
        return response
