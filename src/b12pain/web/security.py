"""Protections of the web app, in both modes.

- Host names: local mode answers only this machine's names (TrustedHostMiddleware, set up in
  `app.py`), so a web page elsewhere cannot reach the app through DNS rebinding; server mode
  answers only its public URL's host.
- Cross-site changes: a request that changes something (POST, PUT, PATCH, DELETE) from another
  origin is refused (`Sec-Fetch-Site`, else `Origin`/`Referer`), so another site cannot submit
  forms to the app. The one exception is a CDS Hooks call from an EHR's browser client, which
  carries no cookie (see `cds_call_from_elsewhere_allowed`). Server mode adds a CSRF token (asgi-csrf, signed with the secret key) that
  every state-changing form and API call made with a session must carry: as the hidden
  `csrftoken` field (added to every POST form by `web.csrf`) or the `x-csrftoken` header (htmx
  sends it from `<body hx-headers>`).
- Headers: Content-Security-Policy allows only the app's own scripts (no inline script), styles
  and images, no framing (`frame-ancestors 'none'`); `nosniff`; `Referrer-Policy: same-origin`;
  nothing cached; HSTS when the server is reached over HTTPS.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from fastapi import FastAPI
from starlette.datastructures import Headers
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from b12pain.web.settings import Settings, is_loopback

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'; object-src 'none'"
)
#: Two years, subdomains included (sent only when the public URL is HTTPS).
STRICT_TRANSPORT_SECURITY = "max-age=63072000; includeSubDomains"
#: The CSRF cookie and where a request carries its token.
CSRF_COOKIE = "csrftoken"
CSRF_FIELD = "csrftoken"
CSRF_HEADER = "x-csrftoken"
_UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
#: The CDS Hooks endpoints (bearer JWT in a header, never a cookie; CORS for EHR browsers).
_CDS_PREFIX = "/cds-services"


def allowed_hosts(settings: Settings) -> list[str]:
    """Host names the app answers to: this machine's names, the public URL's host in server
    mode, or any when a person told local mode to share itself on the network."""
    if settings.mode == "server":
        return [settings.public_host]
    if not is_loopback(settings.host):
        return ["*"]  # `b12pain serve --allow-network`: the person chose to listen on the network
    hosts = {"127.0.0.1", "localhost", "[::1]", "::1", "testserver", settings.host}
    return sorted(hosts)


def _same_origin(headers: Headers, public_netloc: str | None) -> bool:
    site = headers.get("sec-fetch-site")
    if site is not None:  # modern browsers say where a request comes from
        return site in ("same-origin", "none")
    origin = headers.get("origin") or headers.get("referer")
    if origin is None:
        return True  # not sent by a browser form (curl, the API, tests)
    netloc = urlsplit(origin).netloc
    return netloc == headers.get("host", "") or netloc == public_netloc


_REFUSED = PlainTextResponse(
    "Refused: this change came from another web site, not from b12pain's own pages.",
    status_code=403,
)
_BASE_HEADERS = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"cache-control", b"no-store"),
    (b"x-frame-options", b"DENY"),
]
#: Server mode also keeps other sites' windows out of its pages and turns off device features.
_SERVER_HEADERS = [
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), payment=()"),
]


def security_headers(settings: Settings) -> list[tuple[bytes, bytes]]:
    """The headers every response carries (HSTS only when people reach the app over HTTPS)."""
    headers = list(_BASE_HEADERS)
    if settings.mode == "server":
        headers += _SERVER_HEADERS
        if settings.https:
            headers.append((b"strict-transport-security", STRICT_TRANSPORT_SECURITY.encode()))
    return headers


def cds_call_from_elsewhere_allowed(path: str, headers: Headers, settings: Settings) -> bool:
    """True for a CDS Hooks call a browser-based CDS client on an EHR's origin may make (CORS):
    it carries no cookie, and either gets cards computed from what it sends (nothing stored is
    read or written) or, for feedback (which is stored), must carry a bearer JWT from a trusted
    issuer (`cds_trusted_issuers` set)."""
    if path != _CDS_PREFIX and not path.startswith(_CDS_PREFIX + "/"):
        return False
    if "cookie" in headers:
        return False
    if path.endswith("/feedback"):
        return bool(settings.cds_trusted_issuers)
    return True


class Guard:
    """ASGI middleware: refuse cross-site changes, add the security headers to every response."""

    def __init__(self, app: ASGIApp, settings: Settings | None = None) -> None:
        self.app = app
        self.settings = settings or Settings()
        self.headers = security_headers(self.settings)
        self.public_netloc = urlsplit(self.settings.public_url or "").netloc or None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        if (
            scope["method"] in _UNSAFE
            and not _same_origin(headers, self.public_netloc)
            and not cds_call_from_elsewhere_allowed(scope["path"], headers, self.settings)
        ):
            await _REFUSED(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(n, v) for n, v in self.headers if n not in present]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, with_headers)


async def _csrf_failed(scope: Scope, send: Send, message_id: object) -> None:
    """asgi-csrf's refusal, in b12pain's words: JSON for the API, plain text for pages."""
    message = (
        "the form or request carried no valid CSRF token (it may be out of date, or it came "
        "from another site); reload the page and try again"
    )
    response: Response
    if scope["path"].startswith("/api/"):
        response = JSONResponse(
            {"errors": [{"field": CSRF_FIELD, "value": None, "message": message}]},
            status_code=403,
        )
    else:
        response = PlainTextResponse(f"Refused: {message}.", status_code=403)

    async def no_body() -> Message:
        return {"type": "http.disconnect"}

    await response(scope, no_body, send)


def install(app: FastAPI, settings: Settings) -> None:
    """Add the origin check and the security headers; in server mode the CSRF token check too
    (the login form included, so nobody can be signed in to someone else's account)."""
    if settings.mode == "server":
        from asgi_csrf import asgi_csrf  # type: ignore[import-untyped]

        assert settings.secret_key is not None  # `Settings.require_safe` has checked it
        app.add_middleware(
            asgi_csrf,  # type: ignore[arg-type]
            cookie_name=CSRF_COOKIE,
            http_header=CSRF_HEADER,
            signing_secret=settings.secret_key.get_secret_value(),
            always_protect={"/login", "/logout"},
            cookie_secure=settings.https,
            cookie_samesite="Lax",
            send_csrf_failed=_csrf_failed,
        )
    app.add_middleware(Guard, settings=settings)  # outermost: refuse cross-site requests first
