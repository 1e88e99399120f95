"""Sharing (server mode, a person's own page): share the diary with a named clinician, revoke a
share (access stops at once), read who looked at the diary and when, and the clinicians' recent
comments. Local mode has no sharing (404)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from b12pain.errors import InputError
from b12pain.service import audit, sharing
from b12pain.service.context import Context
from b12pain.web.deps import ContextDep, SettingsDep
from b12pain.web.errors import problems_of
from b12pain.web.forms import FormReader
from b12pain.web.templating import render

router = APIRouter(tags=["pages"], include_in_schema=False)


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


@router.get("/sharing", response_class=HTMLResponse)
def sharing_page(request: Request, ctx: ContextDep, settings: SettingsDep) -> HTMLResponse:
    """Who the diary is shared with, the access log and clinicians' comments."""
    _server_only(settings)
    return _page(request, ctx)


@router.post("/sharing", response_class=HTMLResponse)
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


@router.post("/sharing/revoke", response_class=HTMLResponse)
async def revoke(request: Request, ctx: ContextDep, settings: SettingsDep) -> Response:
    """Stop sharing with one clinician, at once."""
    _server_only(settings)
    form = FormReader(await request.form())
    sharing.revoke(ctx, form.text("clinician") or "")
    return RedirectResponse("/sharing?done=revoked", status_code=303)
