"""Accounts (server mode, admins only): list, add, remove (with everything the account left) and
reset a password. An admin manages accounts and reads no diary: every diary route answers 403."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from b12pain.errors import InputError, NotFoundError
from b12pain.service import accounts, audit, erasure, sharing
from b12pain.service.accounts import Account
from b12pain.web.deps import journal_of, now, server_account_with_role
from b12pain.web.errors import problems_of
from b12pain.web.forms import FormReader
from b12pain.web.templating import render

router = APIRouter(tags=["pages"], include_in_schema=False)


def admin(request: Request) -> Account:
    """The signed-in admin. Local mode has no accounts (404); other roles are refused (403)."""
    return server_account_with_role(request, "admin", "accounts are managed by admin accounts")


AdminDep = Annotated[Account, Depends(admin)]


def _page(request: Request, status_code: int = 200, **extra: Any) -> HTMLResponse:
    return render(
        request,
        "pages/admin_accounts.html",
        status_code=status_code,
        title="Accounts",
        accounts=accounts.list_accounts(journal_of(request)),
        roles=("person", "clinician", "admin"),
        done=request.query_params.get("done"),
        who=request.query_params.get("who"),
        **extra,
    )


@router.get("/admin/accounts", response_class=HTMLResponse)
def accounts_page(request: Request, _: AdminDep) -> HTMLResponse:
    """Every account, and the form to add one."""
    return _page(request)


@router.post("/admin/accounts", response_class=HTMLResponse)
async def add(request: Request, _: AdminDep) -> Response:
    """Add an account (a person, a clinician or another admin)."""
    form = FormReader(await request.form())
    values = {k: form.text(k) or "" for k in ("username", "display_name", "role")}
    try:
        accounts.add_account(
            journal_of(request), password=form.text("password") or "", now=now(), **values
        )
    except InputError as exc:
        status = int(getattr(exc, "status_code", 422))
        return _page(request, status, errors=problems_of(exc), values=values, error_prefix="")
    return RedirectResponse(f"/admin/accounts?done=added&who={values['username']}", status_code=303)


@router.post("/admin/accounts/{username}/remove")
def remove(request: Request, username: str, me: AdminDep) -> Response:
    """Remove an account and everything it left (diary, shares, audit log, sessions)."""
    erasure.remove_account_and_data(journal_of(request), username, by=me.username, now=now())
    return RedirectResponse(f"/admin/accounts?done=removed&who={username}", status_code=303)


@router.post("/admin/accounts/{username}/password", response_class=HTMLResponse)
async def reset(request: Request, username: str, me: AdminDep) -> Response:
    """Give an account a new password; every session of that account ends, and the account's
    owner finds the reset in their access log."""
    form = FormReader(await request.form())
    if not sharing.USERNAME.match(username):  # names no account (PostgreSQL refuses a NUL)
        raise NotFoundError.single("username", username, "the name of an existing account")
    try:
        at = now()
        accounts.reset_password(journal_of(request), username, form.text("password") or "", now=at)
        audit.record_access(
            journal_of(request),
            owner=username,
            actor=me.username,
            now=at,
            action="password reset",
            target="by an admin",
        )
    except InputError as exc:
        status = int(getattr(exc, "status_code", 422))
        if status == 404:
            raise
        return _page(request, status, errors=problems_of(exc), error_prefix=f"reset-{username}")
    return RedirectResponse(f"/admin/accounts?done=reset&who={username}", status_code=303)
