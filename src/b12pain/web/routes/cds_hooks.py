"""CDS Hooks 2.0 endpoints: discovery, the `patient-view` service, and its feedback.

Thin: each route parses the body, calls `service.fhir`, and turns `CdsError` into the status the
specification names (400 malformed, 412 missing prefetch) with a `reason`; a bad or missing
bearer token (when issuers are configured) is a 401. No input reaches a 500.

Who may call (the CDS Hooks security model: the EHR signs a JWT, the service checks it):
- Local mode: anyone on this computer; a bearer JWT is required once `cds_trusted_issuers` is set.
- Server mode: the EHR calls without a session (it has none), so `ehr_router` is served without
  the sign-in gate, and a valid JWT from a configured trusted issuer is ALWAYS required; with no
  trusted issuer configured every `/cds-services` call answers 403 (CDS Hooks is off). A session
  cookie is never accepted in place of the JWT.

CORS (the specification: CDS Services and browser-based CDS Clients require it): every answer
under `/cds-services` allows any origin to read it, and an `OPTIONS` preflight there allows
`GET`/`POST` with the `Authorization` and `Content-Type` headers. Clients authenticate with a
bearer JWT in a header, never a cookie, so no credentials are allowed (`Allow-Credentials` is
not sent). Nothing else in the app answers CORS: the pages, the API and `/admin/cds-feedback`
stay same-origin.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from b12pain.interop.cds import SERVICE_ID, CdsError
from b12pain.interop.cds_auth import CdsAuthError, SeenTokens, TrustPolicy, verify_bearer
from b12pain.service import fhir
from b12pain.web.deps import KnowledgeDep, SettingsDep, now
from b12pain.web.settings import Settings

#: `/admin/cds-feedback` (behind the sign-in gate in server mode, like every other route).
router = APIRouter(tags=["CDS Hooks"])
#: `/cds-services/...`: never behind the sign-in gate; `_check_token` decides (see above).
ehr_router = APIRouter(tags=["CDS Hooks"])

SERVICE_PATH = f"/cds-services/{SERVICE_ID}"

#: Answers besides 200, as the CDS Hooks specification names them (body `{"status", "reason"}`).
_REFUSALS: dict[int | str, dict[str, Any]] = {
    400: {"description": "Malformed request; `reason` says what is wrong"},
    401: {"description": "Missing or untrusted bearer JWT (when issuers are configured)"},
    403: {"description": "Server mode with no trusted EHR issuer configured: CDS Hooks is off"},
    412: {"description": "Prefetch missing: b12pain makes no FHIR server calls"},
}
MAX_BODY_BYTES = 20 * 1024 * 1024

#: Headers on every answer of a CDS endpoint: any origin may read it (no cookies are involved).
CORS_HEADERS = {"Access-Control-Allow-Origin": "*", "Vary": "Origin"}
#: Headers of a CORS preflight answer (`OPTIONS`) on a CDS endpoint.
PREFLIGHT_HEADERS = {
    **CORS_HEADERS,
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Authorization, Content-Type",
    "Access-Control-Max-Age": "600",
}


def _json(content: Any, status_code: int = 200) -> JSONResponse:
    """A CDS answer, readable from any origin."""
    return JSONResponse(content, status_code=status_code, headers=CORS_HEADERS)


def _reason(status: int, reason: str) -> JSONResponse:
    return _json({"status": status, "reason": reason}, status)


def _preflight() -> Response:
    return Response(status_code=204, headers=PREFLIGHT_HEADERS)


def _policy(request: Request, settings: Settings) -> TrustPolicy:
    cached: TrustPolicy | None = getattr(request.app.state, "cds_policy", None)
    if cached is None:
        jwks: dict[str, Any] = {}
        if settings.cds_jwks_file is not None:
            jwks = json.loads(Path(settings.cds_jwks_file).read_text(encoding="utf-8"))
        cached = TrustPolicy(tuple(settings.cds_trusted_issuers), jwks)
        request.app.state.cds_policy = cached
        request.app.state.cds_seen = SeenTokens()
    return cached


#: Why a server-mode call is refused when no EHR is trusted.
CDS_OFF = (
    "CDS Hooks is off on this server: no trusted EHR issuer is configured "
    "(B12PAIN_CDS_TRUSTED_ISSUERS and B12PAIN_CDS_JWKS_FILE)"
)


def _check_token(request: Request, settings: Settings) -> JSONResponse | None:
    """None when the call may proceed; a 401 answer otherwise (403 in server mode with no
    trusted issuer, 503 if the keys are unreadable)."""
    try:
        policy = _policy(request, settings)
    except (OSError, ValueError) as exc:
        return _reason(503, f"the CDS client keys (cds_jwks_file) cannot be read: {exc}")
    if not policy.enabled:
        return _reason(403, CDS_OFF) if settings.mode == "server" else None
    audience = str(request.url.replace(query=""))
    try:
        verify_bearer(
            request.headers.get("authorization"), audience, policy, now(),
            request.app.state.cds_seen,
        )  # fmt: skip
    except CdsAuthError as exc:
        return _reason(401, exc.reason)
    return None


async def _json_body(request: Request) -> Any:
    raw = await request.body()
    if len(raw) > MAX_BODY_BYTES:
        raise CdsError(400, "the request is larger than 20 MB")
    from b12pain.userfiles import UserFileError, parse_json

    try:  # duplicate keys, 5,000-digit numbers, NaN and deep nesting are refused, not a 500
        return parse_json(raw.decode("utf-8"), "body", max_items=5_000_000)
    except UnicodeDecodeError as exc:
        raise CdsError(400, f"the body is not JSON ({exc})") from None
    except UserFileError as exc:
        problem = exc.problems[0]
        raise CdsError(400, f"the body is not JSON that can be read ({problem.message})") from None


@ehr_router.get("/cds-services", responses={401: _REFUSALS[401], 403: _REFUSALS[403]})
def discovery(request: Request, kb: KnowledgeDep, settings: SettingsDep) -> JSONResponse:
    """The services this CDS Service offers (one: `b12pain-patient-view`)."""
    refused = _check_token(request, settings)
    return refused or _json(fhir.cds_discovery(kb))


@ehr_router.post(SERVICE_PATH, responses=_REFUSALS)
async def patient_view(request: Request, kb: KnowledgeDep, settings: SettingsDep) -> JSONResponse:
    """Cards for the patient whose record was opened, from the prefetched FHIR data."""
    refused = _check_token(request, settings)
    if refused is not None:
        return refused
    try:
        body = await _json_body(request)
        cards = fhir.cds_patient_view(kb, body, now().date(), settings.cds_link_url)
    except CdsError as exc:
        return _reason(exc.status, exc.reason)
    return _json(cards)


@ehr_router.post(
    f"{SERVICE_PATH}/feedback",
    responses={400: _REFUSALS[400], 401: _REFUSALS[401], 403: _REFUSALS[403]},
)
async def feedback(request: Request, settings: SettingsDep) -> JSONResponse:
    """Record what the clinician did with a card (accepted or overridden)."""
    refused = _check_token(request, settings)
    if refused is not None:
        return refused
    try:
        body = await _json_body(request)
        count = _log(settings).record(body, now().astimezone(dt.UTC))
    except CdsError as exc:
        return _reason(exc.status, exc.reason)
    return _json({"recorded": count})


@ehr_router.options("/cds-services", include_in_schema=False)
@ehr_router.options(SERVICE_PATH, include_in_schema=False)
@ehr_router.options(f"{SERVICE_PATH}/feedback", include_in_schema=False)
def preflight() -> Response:
    """The CORS preflight of a browser-based CDS Client: GET and POST, with a bearer token."""
    return _preflight()


@router.get("/admin/cds-feedback")
def feedback_list(request: Request, settings: SettingsDep) -> JSONResponse:
    """Every feedback item received, oldest first (for the person running the server: in
    server mode, admin accounts only)."""
    if settings.mode == "server":
        from fastapi import HTTPException

        from b12pain.web.deps import require_account

        if require_account(request).role != "admin":
            raise HTTPException(403, "the CDS feedback log is for admin accounts")
    items = [
        {"received_at": r.received_at, "service": r.service, "feedback": r.feedback}
        for r in _log(settings).list()
    ]
    return JSONResponse({"feedback": items})


def _log(settings: Settings) -> fhir.FeedbackLog:
    from b12pain.paths import data_dir

    return fhir.feedback_log(settings.data_dir or data_dir())
