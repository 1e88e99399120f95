"""Server mode over HTTP (TestClient): sign-in pages, session cookies, signed-out answers, roles,
CSRF on every state-changing route (walked from the route table), security headers, and the
`b12pain users` commands."""

from __future__ import annotations

import io
import re
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient

from b12pain.cli.errors import run_guarded
from b12pain.cli.main import app as cli_app
from b12pain.service import accounts
from b12pain.web.security import CONTENT_SECURITY_POLICY
from serverkit import PASSWORD, csrf_token, make_account, server_app, signed_in, store_of

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


@pytest.fixture
def where(journal_url: str, tmp_path: Path) -> Path | str:
    """A server's journal: a SQLite file in tmp_path, or a private PostgreSQL schema."""
    return tmp_path if journal_url.startswith("sqlite") else journal_url


@pytest.fixture
def app(where: Path | str):  # type: ignore[no-untyped-def]
    app = server_app(where, login_max_failures_per_account=3)
    store = store_of(app)
    make_account(store, "ann")
    make_account(store, "bob")
    make_account(store, "dr.lee", "clinician")
    make_account(store, "root", "admin")
    yield app
    store.close()


@pytest.fixture
def client(app) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


def _session_cookie(response) -> str:  # type: ignore[no-untyped-def]
    return next(c for c in response.headers.get_list("set-cookie") if "session=" in c)


# signing in and out -------------------------------------------------------------------------


def test_signed_out_pages_go_to_login_and_the_api_answers_401(client: TestClient) -> None:
    page = client.get("/diary?x=1", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"] == "/login?next=/diary%3Fx%3D1"
    api = client.get("/api/v1/entries")
    assert api.status_code == 401 and api.json()["errors"][0]["field"] == "(session)"
    assert client.get("/login").status_code == 200
    assert client.get("/static/app.css").status_code == 200


def test_an_htmx_request_signed_out_is_sent_to_the_login_page(client: TestClient) -> None:
    answer = client.get("/food?q=egg", headers={"hx-request": "true"}, follow_redirects=False)
    assert answer.status_code == 401
    assert answer.headers["hx-redirect"] == "/login?next=/food%3Fq%3Degg"


def test_signing_in_again_ends_the_browsers_previous_session(client: TestClient) -> None:
    signed_in(client, "ann")
    before = client.cookies.get("b12pain-session")
    token = client.headers["x-csrftoken"]
    done = client.post(
        "/login",
        data={"username": "bob", "password": PASSWORD, "csrftoken": token},
        follow_redirects=False,
    )
    assert done.status_code == 303
    client.cookies.set("b12pain-session", before)  # ann's old cookie, replayed
    assert client.get("/api/v1/entries").status_code == 401


def test_login_goes_on_to_the_page_asked_for_on_this_site_only(client: TestClient) -> None:
    for target, lands in [
        ("/diary", "/diary"),
        ("//evil.example/x", "/"),
        ("https://evil.example", "/"),
    ]:
        client.cookies.clear()
        token = csrf_token(client)
        done = client.post(
            "/login",
            data={"username": "ann", "password": PASSWORD, "next": target, "csrftoken": token},
            follow_redirects=False,
        )
        assert done.status_code == 303 and done.headers["location"] == lands


@pytest.mark.parametrize(
    ("username", "home"), [("ann", "/"), ("dr.lee", "/clinic"), ("root", "/admin/accounts")]
)
def test_each_role_lands_on_its_own_home(client: TestClient, username: str, home: str) -> None:
    token = csrf_token(client)
    done = client.post(
        "/login",
        data={"username": username, "password": PASSWORD, "csrftoken": token},
        follow_redirects=False,
    )
    assert done.status_code == 303 and done.headers["location"] == home
    again = client.get("/login", follow_redirects=False)
    assert again.status_code == 303 and again.headers["location"] == home
    start = client.get(home)  # the brand link leads to their own start
    assert start.status_code == 200 and f'class="brand" href="{home}"' in start.text


def test_a_wrong_password_shows_the_form_again_with_an_error(client: TestClient) -> None:
    token = csrf_token(client)
    page = client.post(
        "/login", data={"username": "ann", "password": "not my password", "csrftoken": token}
    )
    assert page.status_code == 401
    assert re.search(r"<title>Error: Sign in", page.text)
    assert "error-summary" in page.text and "username or password is not right" in page.text
    assert 'value="ann"' in page.text and "not my password" not in page.text
    empty = client.post("/login", data={"username": "", "password": "", "csrftoken": token})
    assert empty.status_code == 422 and "Error: Sign in" in empty.text


def test_the_login_form_is_rate_limited_and_locks_the_account(client: TestClient) -> None:
    token = csrf_token(client)
    for _ in range(3):
        wrong = {"username": "ann", "password": "not my password", "csrftoken": token}
        assert client.post("/login", data=wrong).status_code == 401
    right = {"username": "ann", "password": PASSWORD, "csrftoken": token}
    locked = client.post("/login", data=right)
    assert locked.status_code == 429 and "locked" in locked.text
    signed_in(client, "bob")  # another account is not affected


def test_the_session_cookie_holds_only_a_random_id(client: TestClient) -> None:
    token = csrf_token(client)
    done = client.post(
        "/login",
        data={"username": "ann", "password": PASSWORD, "csrftoken": token},
        follow_redirects=False,
    )
    cookie = _session_cookie(done)
    assert cookie.startswith("b12pain-session=")
    value = cookie.split(";")[0].split("=", 1)[1]
    assert "ann" not in value and len(value) >= 40
    flags = {part.strip().lower() for part in cookie.split(";")[1:]}
    assert {"httponly", "path=/", "samesite=lax"} <= flags
    assert any(f.startswith("max-age=") for f in flags)
    assert "secure" not in flags  # plain http (insecure_dev) cannot carry Secure cookies


def test_over_https_cookies_are_secure_and_hsts_is_sent(where: Path | str) -> None:
    app = server_app(where, public_url="https://testserver")
    make_account(store_of(app), "ann")
    with TestClient(app, base_url="https://testserver") as client:
        page = client.get("/login")
        assert page.headers["strict-transport-security"].startswith("max-age=")
        csrf_cookie = page.headers["set-cookie"]
        assert "Secure" in csrf_cookie and "SameSite=Lax" in csrf_cookie
        signed_in(client, "ann")
        token = csrf_token(client, "/")
        done = client.post(
            "/login",
            data={"username": "ann", "password": PASSWORD, "csrftoken": token},
            follow_redirects=False,
        )
        cookie = _session_cookie(done)
        assert cookie.startswith("__Host-b12pain-session=")
        flags = {part.strip().lower() for part in cookie.split(";")[1:]}
        assert {"secure", "httponly", "path=/", "samesite=lax"} <= flags
        assert not any(f.startswith("domain=") for f in flags)
    store_of(app).close()


def test_security_headers_in_server_mode(client: TestClient) -> None:
    page = client.get("/login")
    headers = page.headers
    assert headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    script = next(d for d in CONTENT_SECURITY_POLICY.split(";") if "script-src" in d)
    assert "unsafe-inline" not in script and "unsafe-eval" not in script
    assert "frame-ancestors 'none'" in CONTENT_SECURITY_POLICY
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "same-origin"
    assert headers["x-frame-options"] == "DENY"
    assert headers["cross-origin-opener-policy"] == "same-origin"
    assert "camera=()" in headers["permissions-policy"]
    assert "strict-transport-security" not in headers  # not over plain http
    assert "<script>" not in page.text and " on" + "click=" not in page.text


def test_logout_ends_the_session(client: TestClient) -> None:
    signed_in(client, "ann")
    cookie = dict(client.cookies)
    assert client.get("/diary").status_code == 200
    done = client.post("/logout", follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/login"
    client.cookies.update(cookie)  # the old cookie, replayed
    assert client.get("/api/v1/entries").status_code == 401


def test_logout_everywhere_ends_every_device(app) -> None:  # type: ignore[no-untyped-def]
    with TestClient(app) as phone, TestClient(app) as laptop:
        signed_in(phone, "ann")
        signed_in(laptop, "ann")
        assert phone.post("/logout-everywhere", follow_redirects=False).status_code == 303
        assert laptop.get("/api/v1/entries").status_code == 401
        assert phone.get("/api/v1/entries").status_code == 401


def test_a_password_reset_ends_sessions(app, client: TestClient) -> None:  # type: ignore[no-untyped-def]
    signed_in(client, "ann")
    assert client.get("/api/v1/entries").status_code == 200
    accounts.reset_password(store_of(app), "ann", "another good passphrase", now=_now())
    assert client.get("/api/v1/entries").status_code == 401
    signed_in(client, "ann", "another good passphrase")


def _now():  # type: ignore[no-untyped-def]
    import datetime as dt

    return dt.datetime.now(dt.UTC)


# owners and roles ---------------------------------------------------------------------------


def test_each_person_sees_only_their_own_diary(app) -> None:  # type: ignore[no-untyped-def]
    with TestClient(app) as ann, TestClient(app) as bob:
        signed_in(ann, "ann")
        signed_in(bob, "bob")
        made = ann.post("/api/v1/entries/sleep", json={"hours": 7})
        assert made.status_code in (200, 201), made.text
        assert len(ann.get("/api/v1/entries").json()) == 1
        assert bob.get("/api/v1/entries").json() == []


@pytest.mark.parametrize("username", ["dr.lee", "root"])
def test_clinicians_and_admins_have_no_diary_of_their_own(
    client: TestClient, username: str
) -> None:
    signed_in(client, username)
    page = client.get("/diary")
    assert page.status_code == 403 and "Error:" in page.text
    assert client.get("/api/v1/entries").status_code == 403


# CSRF ---------------------------------------------------------------------------------------


def _unsafe_routes(app) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    found = []
    for route in iter_route_contexts(app.routes):
        methods = (
            getattr(route, "methods", None)
            or getattr(route.original_route, "methods", None)
            or set()
        )
        for method in sorted(methods & UNSAFE):
            path = re.sub(r"\{[^}]+\}", "x", route.path)
            found.append((method, path))
    return found


def test_the_route_walk_finds_the_state_changing_routes(app) -> None:  # type: ignore[no-untyped-def]
    found = _unsafe_routes(app)
    assert ("POST", "/login") in found and ("POST", "/logout") in found
    assert ("POST", "/labs") in found and ("POST", "/api/v1/entries/sleep") in found
    assert len(found) >= 25


def test_every_state_changing_route_refuses_a_request_without_a_valid_token(app) -> None:  # type: ignore[no-untyped-def]
    with TestClient(app, raise_server_exceptions=False) as client:
        signed_in(client, "ann")
        token = client.headers.pop("x-csrftoken")
        for method, path in _unsafe_routes(app):
            attempts = {
                "no token": client.request(method, path),
                "form without token": client.request(method, path, data={"note": "x"}),
                "json without token": client.request(method, path, json={"kind": "sleep"}),
                "wrong token": client.request(
                    method,
                    path,
                    data={"csrftoken": token[:-2] + "xx"},
                    headers={"x-csrftoken": "forged"},
                ),
            }
            for how, answer in attempts.items():
                assert answer.status_code == 403, (method, path, how, answer.status_code)
                assert "CSRF token" in answer.text, (method, path, how)
            with_token = client.request(method, path, headers={"x-csrftoken": token})
            assert "CSRF token" not in with_token.text, (method, path)
            if (method, path) == ("POST", "/logout"):
                signed_in(client, "ann")
                token = client.headers.pop("x-csrftoken")


def test_login_itself_needs_the_token(client: TestClient) -> None:
    answer = client.post("/login", data={"username": "ann", "password": PASSWORD})
    assert answer.status_code == 403 and "CSRF token" in answer.text


def test_a_change_from_another_site_is_refused_even_with_a_token(client: TestClient) -> None:
    signed_in(client, "ann")
    answer = client.post(
        "/api/v1/entries",
        json={"kind": "sleep", "hours": 7},
        headers={"origin": "https://evil.example"},
    )
    assert answer.status_code == 403
    cross = client.post(
        "/api/v1/entries",
        json={"kind": "sleep", "hours": 7},
        headers={"sec-fetch-site": "cross-site"},
    )
    assert cross.status_code == 403


def test_every_post_form_on_a_page_carries_the_token(client: TestClient) -> None:
    signed_in(client, "ann")
    token = client.headers["x-csrftoken"]
    for path in ["/", "/diary", "/labs", "/supplements", "/food", "/settings", "/self-check"]:
        page = client.get(path)
        assert page.status_code == 200, path
        forms = re.findall(r"<form\b[^>]*method=\"post\"[^>]*>\s*(<input[^>]*>)?", page.text)
        assert forms, path
        for field in forms:
            assert f'name="csrftoken" value="{token}"' in field, (path, field)
        assert f'hx-headers=\'{{"x-csrftoken": "{token}"}}\'' in page.text


def test_local_mode_pages_carry_no_token(tmp_path: Path) -> None:
    from b12pain.web import create_app
    from b12pain.web.settings import Settings

    with TestClient(create_app(Settings(data_dir=tmp_path))) as client:
        page = client.get("/diary")
        assert "csrftoken" not in page.text and "hx-headers" not in page.text
        assert "Sign out" not in page.text


# the users command --------------------------------------------------------------------------


def _cli(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str, stdin: str = ""
) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "argv", ["b12pain", *args])
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = run_guarded(cli_app)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_users_commands(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def cli(*args: str, stdin: str = "") -> tuple[int, str, str]:
        return _cli(monkeypatch, capsys, "users", *args, stdin=stdin)

    code, out, _ = cli(
        "add", "ann", "--name", "Ann Smith", "--password-stdin", stdin=PASSWORD + "\n"
    )
    assert code == 0 and "Added ann (person)" in out and PASSWORD not in out
    assert (
        cli("add", "dr.lee", "--role", "clinician", "--password-stdin", stdin=PASSWORD + "\n")[0]
        == 0
    )
    code, out, _ = cli("list")
    assert code == 0 and "Ann Smith" in out and "clinician" in out
    code, out, _ = cli("list", "--json")
    assert '"username": "ann"' in out
    code, _, _ = cli("reset-password", "ann", "--password-stdin", stdin="a different passphrase\n")
    assert code == 0
    code, _, _ = cli("remove", "dr.lee", "--yes")
    assert code == 0
    code, out, _ = cli("list")
    assert "dr.lee" not in out


@pytest.mark.parametrize(
    ("args", "stdin", "field"),
    [
        (["add", "bad name", "--password-stdin"], PASSWORD, "username"),
        (["add", "ann2", "--role", "boss", "--password-stdin"], PASSWORD, "role"),
        (["add", "ann2", "--password-stdin"], "short", "password"),
        (["add", "ann2"], "", "password"),  # no terminal to ask on
        (["add", "ann", "--password-stdin"], PASSWORD, "username"),  # taken
        (["remove", "nobody", "--yes"], "", "username"),
        (["remove", "ann"], "", "--yes"),  # no terminal to confirm on
        (["reset-password", "nobody", "--password-stdin"], PASSWORD, "username"),
        (["reset-password", "ann", "--password-stdin"], "short", "password"),
    ],
)
def test_users_commands_refuse_bad_input_with_exit_2(
    data_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    stdin: str,
    field: str,
) -> None:
    assert (
        _cli(monkeypatch, capsys, "users", "add", "ann", "--password-stdin", stdin=PASSWORD)[0] == 0
    )
    code, out, err = _cli(monkeypatch, capsys, "users", *args, stdin=stdin + "\n")
    assert code == 2, (out, err)
    assert field in err and "Traceback" not in err
    assert "short" not in err.replace("(5 characters)", "")  # a password is never shown


def test_removing_a_person_deletes_their_diary_too(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import datetime as dt

    from b12pain.journal.store import Journal, make_record

    for name in ("bea", "cal"):
        code = _cli(monkeypatch, capsys, "users", "add", name, "--password-stdin", stdin=PASSWORD)[
            0
        ]
        assert code == 0
    with Journal.open(data_dir=data_dir) as store:
        at = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC)
        for name in ("bea", "cal"):
            store.add(make_record("sleep", hours=7, at=at), owner=name)
    code, out, _ = _cli(monkeypatch, capsys, "users", "remove", "bea", "--yes")
    assert code == 0 and "1 diary entries" in out
    with Journal.open(data_dir=data_dir) as store:
        assert store.counts(owner="bea") == {} or sum(store.counts(owner="bea").values()) == 0
        assert sum(store.counts(owner="cal").values()) == 1


def test_every_post_form_in_every_template_gets_the_token_field() -> None:
    """The token is added when a template is compiled: every `method="post"` form of every
    template (anyone's, today's or tomorrow's) is followed by the field."""
    from b12pain.web import csrf
    from b12pain.web.templating import TEMPLATE_DIR, templates

    csrf.install(templates.env)
    checked = 0
    for path in sorted(TEMPLATE_DIR.rglob("*.html")):
        source = path.read_text(encoding="utf-8")
        posts = len(re.findall(r"method=[\"']?post\b", source, re.IGNORECASE))
        compiled = templates.env.preprocess(source, path.name)
        assert compiled.count("{{ csrf_field() }}") == posts, path.name
        checked += posts
    assert checked >= 25


def test_only_cookieless_cds_hooks_calls_may_come_from_another_site(tmp_path: Path) -> None:
    """Local mode: an EHR's browser client may ask for cards from its own origin (nothing stored
    is read or written), but feedback (stored) needs trusted issuers, a request with a cookie is
    refused, and every other change from another site is refused as before."""
    from b12pain.web import create_app
    from b12pain.web.settings import Settings

    elsewhere = {"Origin": "https://ehr.example.org", "Sec-Fetch-Site": "cross-site"}
    with TestClient(
        create_app(Settings(data_dir=tmp_path)), raise_server_exceptions=False
    ) as client:
        cards = client.post("/cds-services/b12pain-patient-view", content=b"{}", headers=elsewhere)
        assert cards.status_code != 403  # reached the service (which names what is missing)
        for path in (
            "/cds-services/b12pain-patient-view/feedback",
            "/api/v1/entries/sleep",
            "/diary/sleep",
        ):
            assert client.post(path, content=b"{}", headers=elsewhere).status_code == 403, path
        with_cookie = {**elsewhere, "Cookie": "b12pain-session=x"}
        refused = client.post(
            "/cds-services/b12pain-patient-view", content=b"{}", headers=with_cookie
        )
        assert refused.status_code == 403
