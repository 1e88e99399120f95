"""FastAPI dependencies: settings, the knowledge base, the signed-in account, and the service
`Context` of a request.

Local mode has one implicit owner, "local", and the person's own SQLite journal (opened once per
app and shared by requests). Server mode resolves the signed-in account from the session cookie:
`ContextDep` is the signed-in *person's* own context (owner = their username); a clinician or an
admin asking for a person-only route is refused (403). Signed out, pages redirect to /login and
the API answers 401.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from typing import Annotated, Any, cast

from fastapi import Depends, HTTPException, Request

from b12pain.knowledge import KnowledgeBase, load
from b12pain.service.accounts import Account, account_for_session
from b12pain.service.context import Context, local_context, open_store
from b12pain.web.settings import Settings

_open_lock = threading.Lock()
#: The session cookie: `__Host-` pins it to this host over HTTPS (Secure, Path=/, no Domain).
SESSION_COOKIE_HTTPS = "__Host-b12pain-session"
SESSION_COOKIE_HTTP = "b12pain-session"
_UNSET = object()


class SignInRequired(HTTPException):
    """Nobody is signed in: pages go to /login, the API answers 401."""

    def __init__(self) -> None:
        super().__init__(401, "sign in first")


#: Where each role's own pages begin (a person's Today; a clinician's patients; an admin's
#: accounts).
HOME_OF_ROLE = {"person": "/", "clinician": "/clinic", "admin": "/admin/accounts"}


class NotForYourRole(HTTPException):
    """A signed-in account asked for a route its role does not use (403)."""

    def __init__(self, role: str) -> None:
        self.role = role
        super().__init__(
            403,
            f"this page is a person's own diary; a {role} account has none "
            "(clinicians see people's data through their shares)",
        )


def get_settings(request: Request) -> Settings:
    """The settings the app was created with."""
    settings: Settings = request.app.state.settings
    return settings


def get_kb() -> KnowledgeBase:
    """The knowledge base (loaded once per process)."""
    return load()


def journal_of(request: Request) -> Any:
    """The app's journal store, opened on first use (creating or migrating it)."""
    app = request.app
    store = getattr(app.state, "journal", None)
    if store is None:
        with _open_lock:
            store = getattr(app.state, "journal", None)
            if store is None:
                settings = get_settings(request)
                # Server mode: B12PAIN_DATABASE_URL, else data_dir. Local mode as the CLI does:
                # data_dir when given, else B12PAIN_DATABASE_URL, else the user data folder.
                url = settings.database_url if settings.mode == "server" else None
                store = open_store(settings.data_dir, url=url)
                app.state.journal = store
    return store


def now() -> dt.datetime:
    """The current time, aware, in the machine's own time zone (the person's clock)."""
    return dt.datetime.now().astimezone()


def session_cookie_name(settings: Settings) -> str:
    """The session cookie's name for these settings."""
    return SESSION_COOKIE_HTTPS if settings.https else SESSION_COOKIE_HTTP


def current_account(request: Request) -> Account | None:
    """The signed-in account (server mode), or None: local mode, or nobody signed in.
    Looked up once per request."""
    found = getattr(request.state, "account", _UNSET)
    if found is not _UNSET:
        return cast("Account | None", found)
    account = None
    settings = get_settings(request)
    if settings.mode == "server":
        token = request.cookies.get(session_cookie_name(settings), "")
        if token:
            account = account_for_session(
                journal_of(request), token, now=now(), idle_timeout=settings.idle_timeout
            )
    request.state.account = account
    return account


def require_account(request: Request) -> Account:
    """The signed-in account; `SignInRequired` when there is none."""
    account = current_account(request)
    if account is None:
        raise SignInRequired()
    return account


def server_account_with_role(request: Request, role: str, refusal: str) -> Account:
    """The signed-in account when it has `role`. Local mode has no accounts (404); another role
    is refused (403, `refusal` says why)."""
    if get_settings(request).mode != "server":
        raise HTTPException(404)
    account = require_account(request)
    if account.role != role:
        raise HTTPException(403, refusal)
    return account


def signed_in_gate(request: Request) -> None:
    """Server mode: every route but /login and /static needs someone signed in."""
    require_account(request)


def get_context(request: Request) -> Iterator[Context]:
    """The service context of this request, the time read once: local mode, owner "local";
    server mode, the signed-in person (clinicians and admins: 403)."""
    settings = get_settings(request)
    if settings.mode == "local":
        yield local_context(journal_of(request), get_kb(), now())
        return
    account = require_account(request)
    if account.role != "person":
        raise NotForYourRole(account.role)
    at = now()
    yield Context(
        store=journal_of(request), kb=get_kb(), owner=account.username, now=at, today=at.date()
    )


SettingsDep = Annotated[Settings, Depends(get_settings)]
KnowledgeDep = Annotated[KnowledgeBase, Depends(get_kb)]
ContextDep = Annotated[Context, Depends(get_context)]
AccountDep = Annotated[Account, Depends(require_account)]
