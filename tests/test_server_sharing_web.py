"""Server mode's per-person export and delete-everything, and the admin's accounts page, through
the web app on SQLite and PostgreSQL: each touches one person's rows only."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from b12pain.journal import tables as t
from b12pain.service import diary, sharing
from b12pain.service.context import Context
from serverkit import make_account, server_app, signed_in, store_of
from servicekit import NOW
from sharingkit import count


@pytest.fixture
def app(journal_url: str) -> Iterator[FastAPI]:
    app = server_app(journal_url)
    store = store_of(app)
    make_account(store, "ann", "person", display_name="Ann Example")
    make_account(store, "bob", "person", display_name="Bob Example")
    make_account(store, "okafor", "clinician", display_name="Dr Okafor")
    make_account(store, "root", "admin", display_name="The admin")
    from b12pain.knowledge import load

    for who in ("ann", "bob"):
        ctx = Context(store=store, kb=load(), owner=who, now=NOW, today=NOW.date())
        diary.log_pain(ctx, diary.PainInput(nrs=4, note=f"{who}'s pain"))
        sharing.share(ctx, "okafor")
    yield app


def client_for(app: FastAPI, who: str) -> TestClient:
    return signed_in(TestClient(app), who)


def test_export_is_the_persons_own_entries_only(app: FastAPI) -> None:
    answer = client_for(app, "ann").get("/settings/export")
    assert answer.status_code == 200
    notes = [e.get("note") for e in answer.json()["entries"]]
    assert notes == ["ann's pain"]


def test_delete_everything_removes_the_persons_rows_signs_them_out_and_keeps_others(
    app: FastAPI,
) -> None:
    ann = client_for(app, "ann")
    client_for(app, "okafor").get("/clinic/ann")  # an audit event for ann
    refused = ann.post("/settings/delete", data={"confirm": "no"})
    assert refused.status_code == 422
    answer = ann.post("/settings/delete", data={"confirm": "delete"}, follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/login"

    store = store_of(app)
    for table, column in [
        (t.EntryRow, "owner"),
        (t.ShareRow, "owner"),
        (t.AuditEventRow, "owner"),
        (t.SessionRow, "username"),
    ]:
        assert count(store, table, **{column: "ann"}) == 0, table.__tablename__
    assert count(store, t.EntryRow, owner="bob") == 1
    assert count(store, t.ShareRow, owner="bob") == 1
    assert ann.get("/", follow_redirects=False).status_code == 303  # signed out
    assert "Ann Example" not in client_for(app, "okafor").get("/clinic").text
    assert count(store, t.AccountRow, username="ann") == 1  # the account stays (admin removes)
    assert client_for(app, "ann").get("/diary").status_code == 200  # an empty diary


def test_the_admin_adds_resets_and_removes_accounts(app: FastAPI) -> None:
    root = client_for(app, "root")
    page = root.get("/admin/accounts")
    assert page.status_code == 200 and "Dr Okafor" in page.text
    bad = root.post(
        "/admin/accounts",
        data={"username": "bad name", "display_name": "", "role": "wizard", "password": "short"},
    )
    assert bad.status_code == 422
    for field in ("username", "display_name", "role", "password"):
        assert field.replace("_", " ") in bad.text.lower() or field in bad.text
    taken = root.post(
        "/admin/accounts",
        data={
            "username": "ann",
            "display_name": "Ann",
            "role": "person",
            "password": "long enough password",
        },
    )
    assert taken.status_code == 409
    added = root.post(
        "/admin/accounts",
        data={
            "username": "cat",
            "display_name": "Cat",
            "role": "person",
            "password": "long enough password",
        },
        follow_redirects=False,
    )
    assert added.status_code == 303
    assert (
        signed_in(TestClient(app), "cat", "long enough password").get("/diary").status_code == 200
    )

    reset = root.post(
        "/admin/accounts/ann/password",
        data={"password": "a new long password"},
        follow_redirects=False,
    )
    assert reset.status_code == 303
    log = signed_in(TestClient(app), "ann", "a new long password").get("/sharing").text
    assert "Password reset" in log and "The admin" in log  # the owner sees who reset it

    removed = root.post("/admin/accounts/ann/remove", follow_redirects=False)
    assert removed.status_code == 303
    store = store_of(app)
    assert count(store, t.AccountRow, username="ann") == 0
    assert count(store, t.EntryRow, owner="ann") == 0  # a future "ann" starts empty
    assert count(store, t.ShareRow, owner="ann") == 0
    assert count(store, t.EntryRow, owner="bob") == 1
    assert root.post("/admin/accounts/ann/remove").status_code == 404
    assert root.post("/admin/accounts/root/remove").status_code == 409  # not oneself
    for bad in ("a%00b", "x" * 300):
        assert root.post(f"/admin/accounts/{bad}/remove").status_code == 404
        reset = root.post(f"/admin/accounts/{bad}/password", data={"password": "long enough 123"})
        assert reset.status_code == 404
    assert root.get("/diary").status_code == 403  # an admin reads no diary


def test_a_backup_on_the_servers_disk_is_refused_export_is_offered(app: FastAPI) -> None:
    answer = client_for(app, "ann").post("/settings/backup")
    assert answer.status_code == 409
    assert "Export" in answer.text
    folder = app.state.settings.data_dir
    assert not (folder / "backups").exists()


def test_local_mode_has_no_sharing_clinic_or_accounts(tmp_path: Path) -> None:
    from b12pain.web import Settings, create_app

    with TestClient(create_app(Settings(data_dir=tmp_path))) as client:
        for path in (
            "/sharing",
            "/clinic",
            "/clinic/local",
            "/clinic/local/labs",
            "/admin/accounts",
            "/api/v1/sharing",
            "/api/v1/audit",
        ):
            assert client.get(path).status_code == 404, path
        assert client.post("/sharing", data={"clinician": "x"}).status_code == 404


def test_refused_forms_say_why_and_change_nothing(app: FastAPI) -> None:
    store = store_of(app)
    okafor = client_for(app, "okafor")
    uid = okafor.get("/clinic/ann").text.split('id="entry-', 1)[1].split('"', 1)[0]
    empty = okafor.post(f"/clinic/ann/entries/{uid}/comment", data={"comment": ""})
    assert empty.status_code == 422 and "Error:" in empty.text
    assert count(store, t.CommentRow) == 0
    short = client_for(app, "root").post("/admin/accounts/ann/password", data={"password": "x"})
    assert short.status_code == 422 and "characters" in short.text
    ann = client_for(app, "ann")
    unknown = ann.post("/sharing", data={"clinician": "<b>nobody</b>"})
    assert unknown.status_code == 422
    assert "&lt;b&gt;nobody&lt;/b&gt;" in unknown.text and "<b>nobody</b>" not in unknown.text
    assert ann.post("/sharing/revoke", data={"clinician": "lee"}).status_code == 404
    assert count(store, t.ShareRow, owner="ann") == 1


def test_a_person_cannot_sign_a_comment_with_a_clinicians_name(app: FastAPI) -> None:
    ann = client_for(app, "ann")
    (entry,) = ann.get("/api/v1/entries").json()
    answer = ann.post(
        f"/api/v1/entries/{entry['uid']}/comments",
        json={"text": "stop the B12", "author": "Dr Okafor"},
    )
    assert answer.status_code == 201
    assert answer.json()["comment"]["author"] == "me"
    store = store_of(app)
    from b12pain.knowledge import load

    ctx = Context(store=store, kb=load(), owner="ann", now=NOW, today=NOW.date())
    assert sharing.comments_received(ctx) == []


def test_the_sharing_json_api(app: FastAPI) -> None:
    ann, okafor = client_for(app, "ann"), client_for(app, "okafor")
    assert ann.post("/api/v1/sharing", json={"clinician": "okafor"}).status_code == 409
    refused = ann.post("/api/v1/sharing", json={"clinician": "root"})
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "clinician"
    (share,) = ann.get("/api/v1/sharing").json()["shares"]
    assert (share["clinician"], share["clinician_name"], share["active"]) == (
        "okafor",
        "Dr Okafor",
        True,
    )

    assert "Ann Example" in okafor.get("/clinic").text
    assert [e["action"] for e in ann.get("/api/v1/audit").json()] == ["patient list"]

    assert ann.delete("/api/v1/sharing/okafor").json() == {"revoked": "okafor"}
    assert ann.delete("/api/v1/sharing/okafor").status_code == 404
    assert "Ann Example" not in okafor.get("/clinic").text
    assert okafor.get("/api/v1/sharing").status_code == 403
