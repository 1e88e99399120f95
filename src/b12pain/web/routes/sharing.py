"""Sharing (server mode, a person's own page and API): share the diary with a named clinician,
revoke a share (access stops at once), read who looked at the diary and when, and the clinicians'
recent comments. Local mode has no sharing (404)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from b12pain.errors import InputError
from b12pain.service import audit, sharing
from b12pain.service.context import Context
from b12pain.web.deps import ContextDep, SettingsDep
from b12pain.web.errors import problems_of
from b12pain.web.forms import FormReader
from b12pain.web.templating import render

router = APIRouter()
#: The refusals the JSON routes document (the shape of `web.errors`).
PROBLEMS: dict[int | str, dict[str, Any]] = {
    404: {"description": "Not found (local mode has no sharing; no such share)"},
    409: {"description": "Already shared with this clinician"},
}


def _server_only(settings: Any) -> None:
    if settings.mode != "server":
        raise HTTPException(404)


def _page(request: Request, ctx: Context, status_code: int = 200, **extra: Any) -> HTMLResponse:
    return render(
        request,
        "pages/sharing.html",
        status_code=status_code,
        title="Sharing",
        shares=sharing.shares_of(ctx),
        events=audit.audit_events(ctx),
        comments=sharing.comments_received(ctx),
        done=request.query_params.get("done"),
        **extra,
    )


@router.get("/sharing", response_class=HTMLResponse, include_in_schema=False)
def sharing_page(request: Request, ctx: ContextDep, settings: SettingsDep) -> HTMLResponse:
    """Who the diary is shared with, the access log and clinicians' comments."""
    _server_only(settings)
    return _page(request, ctx)


@router.post("/sharing", response_class=HTMLResponse, include_in_schema=False)
async def share(request: Request, ctx: ContextDep, settings: SettingsDep) -> Response:
    """Share the diary with the clinician whose username was typed."""
    _server_only(settings)
    form = FormReader(await request.form())
    name = form.text("clinician") or ""
    try:
        sharing.share(ctx, name)
    except InputError as exc:
        status = int(getattr(exc, "status_code", 422))
        return _page(request, ctx, status, errors=problems_of(exc), values={"clinician": name})
    return RedirectResponse("/sharing?done=shared", status_code=303)


@router.post("/sharing/revoke", response_class=HTMLResponse, include_in_schema=False)
async def revoke(request: Request, ctx: ContextDep, settings: SettingsDep) -> Response:
    """Stop sharing with one clinician, at once."""
    _server_only(settings)
    form = FormReader(await request.form())
    sharing.revoke(ctx, form.text("clinician") or "")
    return RedirectResponse("/sharing?done=revoked", status_code=303)


# The JSON API (server mode) ------------------------------------------------------------------


class ShareIn(BaseModel):
    """Whom to share the diary with: a clinician's username."""

    model_config = ConfigDict(extra="forbid")
    clinician: str = Field(max_length=200, examples=["dr.lee"])


class ShareOut(BaseModel):
    """A share: with whom, since when, revoked when (null while active)."""

    clinician: str
    clinician_name: str
    since: dt.datetime
    revoked_at: dt.datetime | None
    active: bool


class CommentOut(BaseModel):
    """A clinician's comment on one of the person's entries."""

    entry_uid: str
    entry_kind: str
    at: dt.datetime
    author: str
    text: str


class SharingOut(BaseModel):
    """Every share the person made (active first) and the newest comments from clinicians."""

    shares: list[ShareOut]
    comments: list[CommentOut]


class AuditEventOut(BaseModel):
    """One access to the person's data by someone else (UTC)."""

    at: dt.datetime
    actor: str
    actor_name: str
    action: str
    target: str


def _share_out(made: sharing.Share) -> ShareOut:
    return ShareOut(
        clinician=made.clinician,
        clinician_name=made.clinician_name,
        since=made.since,
        revoked_at=made.revoked_at,
        active=made.active,
    )


@router.get(
    "/api/v1/sharing",
    tags=["sharing"],
    responses=PROBLEMS,
    summary="Whom the diary is shared with, and clinicians' comments",
)
def sharing_api(ctx: ContextDep, settings: SettingsDep) -> SharingOut:
    """The person's shares (active first) and the newest comments clinicians wrote."""
    _server_only(settings)
    comments = [
        CommentOut(
            entry_uid=c.entry_uid, entry_kind=c.entry_kind, at=c.at, author=c.author, text=c.text
        )
        for c in sharing.comments_received(ctx)
    ]
    return SharingOut(shares=[_share_out(s) for s in sharing.shares_of(ctx)], comments=comments)


@router.post(
    "/api/v1/sharing",
    tags=["sharing"],
    responses=PROBLEMS,
    status_code=201,
    summary="Share the diary with a clinician",
)
def share_api(body: ShareIn, ctx: ContextDep, settings: SettingsDep) -> ShareOut:
    """Share with the clinician account named `clinician` (422 if there is none)."""
    _server_only(settings)
    return _share_out(sharing.share(ctx, body.clinician))


@router.delete(
    "/api/v1/sharing/{clinician}",
    tags=["sharing"],
    responses=PROBLEMS,
    summary="Stop sharing with a clinician, at once",
)
def revoke_api(clinician: str, ctx: ContextDep, settings: SettingsDep) -> dict[str, str]:
    """Revoke the active share with `clinician` (404 if there is none)."""
    _server_only(settings)
    sharing.revoke(ctx, clinician)
    return {"revoked": clinician}


@router.get(
    "/api/v1/audit",
    tags=["sharing"],
    responses=PROBLEMS,
    summary="Who else read the person's data, newest first",
)
def audit_api(ctx: ContextDep, settings: SettingsDep) -> list[AuditEventOut]:
    """The access log of the person's data (every read by someone else)."""
    _server_only(settings)
    return [
        AuditEventOut(
            at=e.at, actor=e.actor, actor_name=e.actor_name, action=e.action, target=e.target
        )
        for e in audit.audit_events(ctx)
    ]
