"""Server mode in tests: an app, accounts, and a TestClient signed in (CSRF token handled).

    app = server_app(tmp_path)                       # SQLite in tmp_path (or a database URL)
    store = store_of(app)
    make_account(store, "ann", "person")
    with TestClient(app) as client:
        signed_in(client, "ann")                     # cookies + the x-csrftoken header are set
        client.post("/api/v1/entries", json={...})   # passes CSRF; scoped to ann

The app's public URL is http://testserver (TestClient's default) with `insecure_dev`, so cookies
are not Secure; pass `public_url="https://testserver"` (and `base_url=` the same to TestClient)
to test the HTTPS behaviour.
"""

from __future__ import annotations

import datetime as dt
import re
import tempfile
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from b12pain.service.accounts import Account, add_account
from b12pain.web import create_app
from b12pain.web.settings import Settings

#: A secret key long enough for server mode (tests only).
SECRET_KEY = "test-secret-key-" + "x" * 40
#: The password `make_account` gives unless told otherwise.
PASSWORD = "correct horse battery staple"
_TOKEN = re.compile(r'name="csrftoken" value="([^"]+)"')


def server_settings(where: Path | str, **overrides: Any) -> Settings:
    """Server-mode settings over a SQLite file in folder `where`, or the database URL `where`."""
    if isinstance(where, Path):
        url, folder = f"sqlite:///{where / 'journal.sqlite'}", where
    else:
        url, folder = where, Path(tempfile.mkdtemp(prefix="b12pain-server-"))
    values: dict[str, Any] = {
        "mode": "server",
        "secret_key": SECRET_KEY,
        "public_url": "http://testserver",
        "insecure_dev": True,
        "database_url": url,
        "data_dir": folder,
    }
    values.update(overrides)
    if str(values["public_url"]).startswith("https://"):
        values.setdefault("insecure_dev", False)
    return Settings(**values)


def server_app(where: Path | str, **overrides: Any) -> FastAPI:
    """A server-mode app over `where` (a folder for SQLite, or a database URL); `overrides`
    change settings (e.g. `login_max_failures_per_account=2`)."""
    return create_app(server_settings(where, **overrides))


def store_of(app: FastAPI) -> Any:
    """The app's journal store (opened now if no request has opened it yet)."""
    store = getattr(app.state, "journal", None)
    if store is None:
        from b12pain.service.context import open_store

        settings: Settings = app.state.settings
        store = open_store(settings.data_dir, url=settings.database_url)
        app.state.journal = store
    return store


def make_account(
    store: Any,
    username: str,
    role: str = "person",
    password: str = PASSWORD,
    display_name: str | None = None,
) -> Account:
    """Create an account directly through the service (as `b12pain users add` does)."""
    return add_account(
        store,
        username=username,
        display_name=display_name or username.capitalize(),
        role=role,
        password=password,
        now=dt.datetime.now(dt.UTC),
    )


def csrf_token(client: TestClient, path: str = "/login") -> str:
    """The CSRF token a page at `path` carries in its forms (the cookie is kept by `client`)."""
    page = client.get(path)
    found = _TOKEN.search(page.text)
    assert found, f"no CSRF token in {path} ({page.status_code})"
    return found.group(1)


def signed_in(client: TestClient, username: str, password: str = PASSWORD) -> TestClient:
    """Sign `client` in through the login form; later requests carry the session cookie and the
    `x-csrftoken` header, so forms and API calls pass the CSRF check. Returns `client`."""
    client.cookies.clear()
    client.headers.pop("x-csrftoken", None)
    token = csrf_token(client)
    answer = client.post(
        "/login",
        data={"username": username, "password": password, "csrftoken": token},
        follow_redirects=False,
    )
    assert answer.status_code == 303, (
        f"login of {username} refused: {answer.status_code} {answer.text[:300]}"
    )
    client.headers["x-csrftoken"] = token
    return client
