"""Signing in and out (server mode): /login, /logout, /logout-everywhere.

The session cookie holds only a random token (the server keeps its hash): HttpOnly, SameSite=Lax,
Secure and `__Host-` prefixed over HTTPS, and it lasts no longer than the session. Every form here
carries the CSRF token, the login form included (so nobody can be signed in to someone else's
account by another site).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from b12pain.errors import Problem
from b12pain.service import accounts
from b12pain.web.deps import (
    HOME_OF_ROLE,
    AccountDep,
    SettingsDep,
    current_account,
    journal_of,
    now,
    session_cookie_name,
)
from b12pain.web.errors import problems_of
from b12pain.web.forms import FormReader
from b12pain.web.settings import Settings
from b12pain.web.templating import render

router = APIRouter(tags=["sign in"], include_in_schema=False)

#: Paths a signed-out browser may open in server mode (everything else needs a session).
PUBLIC_PATHS = ("/login", "/logout", "/static", "/api/v1/openapi.json")


def landing(account: accounts.Account, target: str) -> str:
    """The page to open after signing in: the one asked for, else the role's own home."""
    return target if target != "/" else HOME_OF_ROLE.get(account.role, "/")


def safe_next(target: str | None) -> str:
    """Where to go after signing in: a path on this site only (never `//elsewhere`)."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return "/"
    if any(ord(c) < 32 for c in target) or len(target) > 2000:
        return "/"
    return target


def _page(request: Request, status_code: int = 200, **context: Any) -> HTMLResponse:
    context.setdefault("next", safe_next(request.query_params.get("next")))
    return render(request, "pages/login.html", status_code=status_code, title="Sign in", **context)


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request) -> Response:
    """The sign-in form (signed in already: straight on)."""
    account = current_account(request)
    if account is not None:
        target = landing(account, safe_next(request.query_params.get("next")))
        return RedirectResponse(target, status_code=303)
    return _page(request)


@router.post("/login", response_class=HTMLResponse)
async def login(request: Request, settings: SettingsDep) -> Response:
    """Check the username and password; on success set the session cookie and go on."""
    form = FormReader(await request.form())
    username = form.text("username") or ""
    password = str((await request.form()).get("password") or "")
    target = safe_next(form.text("next"))
    problems: list[Problem] = []
    if not username:
        problems.append(Problem("username", None, "required; your username"))
    if not password:
        problems.append(Problem("password", None, "required; your password"))
    if problems:
        return _page(request, 422, errors=problems, values={"username": username}, next=target)
    address = request.client.host if request.client else "unknown"
    try:
        account, token = accounts.login(
            journal_of(request),
            username=username,
            password=password,
            address=address,
            now=now(),
            policy=policy(settings),
        )
    except accounts.LoginRefused as exc:
        return _page(
            request,
            exc.status_code,
            errors=problems_of(exc),
            values={"username": username},
            next=target,
        )
    previous = request.cookies.get(session_cookie_name(settings), "")
    if previous:  # this browser was signed in already: that session ends now
        accounts.logout(journal_of(request), previous)
    response = RedirectResponse(landing(account, target), status_code=303)
    set_session_cookie(response, settings, token)
    return response


@router.post("/logout")
def logout(request: Request, settings: SettingsDep) -> Response:
    """End this browser's session."""
    token = request.cookies.get(session_cookie_name(settings), "")
    accounts.logout(journal_of(request), token)
    return _signed_out(settings)


@router.post("/logout-everywhere")
def logout_everywhere(request: Request, account: AccountDep, settings: SettingsDep) -> Response:
    """End every session of the signed-in account, on every device."""
    accounts.logout_everywhere(journal_of(request), account.username, now=now())
    return _signed_out(settings)


def policy(settings: Settings) -> accounts.LoginPolicy:
    """The login limits and session times the settings ask for."""
    return accounts.LoginPolicy(
        max_account_failures=settings.login_max_failures_per_account,
        max_address_failures=settings.login_max_failures_per_address,
        window=settings.login_window,
        lockout=settings.login_lockout,
        session_lifetime=settings.session_lifetime,
        idle_timeout=settings.idle_timeout,
    )


def set_session_cookie(response: Response, settings: Settings, token: str) -> None:
    """The session cookie: the token only, HttpOnly, SameSite=Lax, Secure over HTTPS."""
    response.set_cookie(
        session_cookie_name(settings),
        token,
        max_age=int(settings.session_lifetime.total_seconds()),
        path="/",
        secure=settings.https,
        httponly=True,
        samesite="lax",
    )


def _signed_out(settings: Settings) -> Response:
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(
        session_cookie_name(settings),
        path="/",
        secure=settings.https,
        httponly=True,
        samesite="lax",
    )
    return response
