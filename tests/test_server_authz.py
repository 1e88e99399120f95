"""Authorization on a multi-user server, generated from the route table: for EVERY route the app
serves (pages and the JSON API, found by walking `app.routes`), other accounts cannot read,
change or delete a person's data.

Ann (a person) keeps a diary with a secret marker in it and shares it with Dr Okafor. For every
route and every method, each of these asks with Ann's real ids filled into the path:

- Bob, another person; Dr Lee, a clinician Ann never shared with; Dr Rev, a clinician whose
  share Ann revoked; the admin (who manages accounts and reads no diary).

A route that names Ann's data in its path answers 403 or 404 to each of them, never 2xx or 3xx;
any other route (their own diary, say) never shows Ann's marker; nothing answers 5xx; and after
the walk Ann's export, shares and account are exactly as before. Dr Okafor, as a control, does see
the marker; then Ann revokes and his very next request is refused. A route added tomorrow is
walked without anyone remembering to add it. Runs on SQLite and PostgreSQL.

Every route needs a session (signed out: the API answers 401, a page goes to /login) unless one
of two written rules names it: `PUBLIC` (signing in and out, static files, the schema) or
`SESSION_FREE_JWT` (CDS Hooks: an EHR calls with no session but must sign a JWT from a trusted
issuer; with none configured, as here, it answers 403). `test_every_route_needs_a_session_or_a_rule`
walks the route table signed out, so a new route is held to one of these.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient

from b12pain.service import diary, plans, profile, sharing, transfer
from b12pain.service.context import Context
from serverkit import make_account, server_app, signed_in, store_of
from servicekit import NOW

MARKER = "ann-secret-7c1f"
#: Paths that are not about anyone's data (signing in and out, static files, the schema).
PUBLIC = re.compile(r"^/(login|logout|logout-everywhere|static|api/v1/openapi\.json)($|/)")
#: CDS Hooks (the EHR's calls): no session, but a JWT from a configured trusted issuer, always.
SESSION_FREE_JWT = re.compile(r"^/cds-services($|/)")
#: Path parameters that name a person's data: a route with one answers 403/404 to the others.
OWNED_PARAMS = {"entry_id", "plan_id", "person", "username"}


@dataclass
class World:
    app: FastAPI
    clients: dict[str, TestClient]
    ids: dict[str, str]


@pytest.fixture
def world(journal_url: str) -> Iterator[World]:
    app = server_app(journal_url)
    store = store_of(app)
    for username, role, name in [
        ("ann", "person", "Ann Example"),
        ("bob", "person", "Bob Example"),
        ("okafor", "clinician", "Dr Okafor"),
        ("lee", "clinician", "Dr Lee"),
        ("rev", "clinician", "Dr Rev"),
        ("root", "admin", "The admin"),
    ]:
        make_account(store, username, role, display_name=name)
    ann = Context(store=store, kb=_kb(), owner="ann", now=NOW, today=NOW.date())
    pain = diary.log_pain(ann, diary.PainInput(nrs=6, note=f"{MARKER} pain"))
    diary.log_symptoms(ann, diary.SymptomsInput(symptoms=["foot_drop"], note=MARKER))
    diary.add_comment(ann, pain.uid, f"{MARKER} comment")
    plan = plans.record_own_supplement(ann, plans.OwnSupplementInput(amount_ug=1000))
    profile.save_profile(ann, {"age": 58, "symptoms": ["tingling"]}, assess=True, note=MARKER)
    sharing.share(ann, "okafor")
    sharing.share(ann, "rev")
    sharing.revoke(ann, "rev")
    bob = Context(store=store, kb=_kb(), owner="bob", now=NOW, today=NOW.date())
    diary.log_pain(bob, diary.PainInput(nrs=2, note="bob's own"))
    ids = {
        "entry_id": pain.uid,
        "plan_id": plan.plan.uid,
        "person": "ann",
        "username": "ann",
        "kind": "pain",
        "instrument_id": "dn4",
        "slug": "red_flags",
    }
    clients = {}
    for username in ("ann", "bob", "okafor", "lee", "rev", "root"):
        client = TestClient(app)
        client.__enter__()
        clients[username] = signed_in(client, username)
    try:
        yield World(app, clients, ids)
    finally:
        for client in clients.values():
            client.__exit__(None, None, None)


def _kb() -> Any:
    from b12pain.knowledge import load

    return load()


@dataclass(frozen=True)
class Call:
    method: str
    path: str
    template: str
    params: frozenset[str]
    json_body: Any


def calls(app: FastAPI, ids: dict[str, str]) -> list[Call]:
    """Every route and method of `app`, path parameters filled from Ann's real ids, with a
    request body built from the OpenAPI schema (the JSON API) or a form that would change
    something if it were let through (pages)."""
    schema = app.openapi()
    found = []
    for route in iter_route_contexts(app.routes):
        template = getattr(route, "path", "")
        methods = getattr(route, "methods", None)
        if not methods or PUBLIC.match(template):
            continue
        params = frozenset(re.findall(r"{(\w+)(?::\w+)?}", template))
        path = re.sub(r"{(\w+)(?::\w+)?}", lambda m: ids.get(m.group(1), "x"), template)
        for method in sorted(methods - {"HEAD", "OPTIONS"}):
            operation = schema["paths"].get(template, {}).get(method.lower(), {})
            body = _example(schema, operation) if "requestBody" in operation else None
            found.append(Call(method, path, template, params, body))
    return found


def _example(schema: dict[str, Any], operation: dict[str, Any]) -> Any:
    content = operation["requestBody"].get("content", {})
    media = content.get("application/json") or next(iter(content.values()), {})
    return _fill(schema, media.get("schema", {}))


def _fill(schema: dict[str, Any], node: dict[str, Any], depth: int = 0) -> Any:
    """A small valid value for a JSON schema node (examples first, then required fields)."""
    if "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        return _fill(schema, schema["components"]["schemas"][name], depth + 1)
    for key in ("examples", "example"):
        if key in node:
            value = node[key]
            return value[0] if key == "examples" and isinstance(value, list) else value
    if "anyOf" in node:
        options = [o for o in node["anyOf"] if o.get("type") != "null"]
        return _fill(schema, options[0], depth + 1) if options else None
    if "enum" in node:
        return node["enum"][0]
    kind = node.get("type")
    if kind == "object" or "properties" in node:
        props = node.get("properties", {})
        if not props:
            return {"note": "changed by someone else"}
        return {k: _fill(schema, props[k], depth + 1) for k in node.get("required", props)}
    return {"integer": 1, "number": 1.0, "boolean": False, "array": []}.get(
        str(kind), "changed by someone else"
    )


FORM = {
    "comment": "changed by someone else",
    "note": "changed by someone else",
    "nrs": "3",
    "status": "taken",
    "plan": "",
    "clinician": "okafor",
    "confirm": "delete",
    "password": "a brand new password 123",
    "username": "ann",
    "display_name": "Ann",
    "role": "person",
}


def ask(client: TestClient, call: Call) -> Any:
    if call.json_body is not None:
        return client.request(call.method, call.path, json=call.json_body, follow_redirects=False)
    if call.method in ("POST", "PUT", "PATCH"):
        return client.request(call.method, call.path, data=FORM, follow_redirects=False)
    return client.request(call.method, call.path, follow_redirects=False)


def signed_out(answer: Any) -> bool:
    """The session ended: the API answers 401, a page sends the browser to sign in."""
    location = answer.headers.get("location", "")
    return answer.status_code == 401 or location.startswith("/login")


def snapshot(world: World) -> str:
    store = store_of(world.app)
    ann = Context(store=store, kb=_kb(), owner="ann", now=NOW, today=NOW.date())
    document = transfer.export_journal(ann)
    shares = [(s.clinician, s.active) for s in sharing.shares_of(ann)]
    from b12pain.service.accounts import list_accounts

    accounts = [(a.username, a.role) for a in list_accounts(store)]
    return json.dumps([document, shares, accounts], sort_keys=True, default=str)


def test_the_route_table_is_walked(world: World) -> None:
    walked = {c.template for c in calls(world.app, world.ids)}
    for expected in (
        "/diary/{entry_id}/delete",
        "/api/v1/entries/{entry_id}",
        "/clinic/{person}",
        "/sharing",
        "/admin/accounts/{username}/remove",
        "/settings/delete",
    ):
        assert expected in walked


@pytest.mark.parametrize("who", ["bob", "lee", "rev", "root"])
def test_no_one_else_reads_changes_or_deletes_anns_data(world: World, who: str) -> None:
    before = snapshot(world)
    client = world.clients[who]
    failures = []
    for call in calls(world.app, world.ids):
        if who == "root" and call.template.startswith("/admin/"):
            continue  # managing accounts is the admin's job (removing Ann is tested apart)
        answer = ask(client, call)
        if signed_out(answer):  # e.g. their own delete-everything ends their sessions
            answer = ask(signed_in(client, who), call)
            if signed_out(answer):
                signed_in(client, who)
        where = f"{who} {call.method} {call.path} -> {answer.status_code}"
        if answer.status_code >= 500:
            failures.append(f"{where} (server error)")
        elif call.params & OWNED_PARAMS and answer.status_code not in (403, 404):
            failures.append(f"{where} (expected 403 or 404)")
        elif MARKER in answer.text:
            failures.append(f"{where} (shows Ann's data)")
    assert failures == []
    assert snapshot(world) == before


def test_an_admin_reads_no_diary(world: World) -> None:
    """Every route that serves a person's own diary answers 403 to an admin."""
    from b12pain.web.deps import get_context

    client = world.clients["root"]
    refused = []
    for route in iter_route_contexts(world.app.routes):
        dependant = getattr(getattr(route, "route", None), "dependant", None)
        if dependant is None or not _uses(dependant, get_context):
            continue
        template = route.path
        path = re.sub(r"{(\w+)(?::\w+)?}", lambda m: world.ids.get(m.group(1), "x"), template)
        for method in sorted(set(route.methods or ()) - {"HEAD"}):
            answer = client.request(method, path, follow_redirects=False)
            refused.append((method, template, answer.status_code))
    assert refused and {status for *_, status in refused} == {403}, [
        r for r in refused if r[2] != 403
    ]


def _uses(dependant: Any, function: Any) -> bool:
    return any(d.call is function or _uses(d, function) for d in dependant.dependencies)


def test_the_clinician_ann_shares_with_sees_her_diary_until_she_revokes(world: World) -> None:
    okafor, ann = world.clients["okafor"], world.clients["ann"]
    listed = okafor.get("/clinic")
    assert listed.status_code == 200 and "Ann Example" in listed.text
    for view in ("", "/insights", "/labs", "/report"):
        assert okafor.get(f"/clinic/ann{view}").status_code == 200, view
    page = okafor.get("/clinic/ann")
    assert MARKER in page.text  # the control: a leak would be seen
    assert "Ann Example" in page.text and "red-flags" in page.text  # foot drop: urgent

    assert (
        ann.post(
            "/sharing/revoke", data={"clinician": "okafor"}, follow_redirects=False
        ).status_code
        == 303
    )
    for view in ("", "/insights", "/labs", "/report"):
        assert okafor.get(f"/clinic/ann{view}").status_code == 404, view
    answer = okafor.post(
        f"/clinic/ann/entries/{world.ids['entry_id']}/comment",
        data={"comment": "too late"},
        follow_redirects=False,
    )
    assert answer.status_code == 404
    assert "Ann Example" not in okafor.get("/clinic").text


def test_every_admin_route_refuses_everyone_but_admins(world: World) -> None:
    """Generated from the route table: every path under /admin/ answers 403 to a person or a
    clinician (whatever it lists, it is the server's, not theirs)."""
    found = [c for c in calls(world.app, world.ids) if c.template.startswith("/admin/")]
    assert found
    for who in ("ann", "bob", "okafor", "lee"):
        for call in found:
            answer = ask(world.clients[who], call)
            assert answer.status_code == 403, (who, call.method, call.path, answer.status_code)
    assert world.clients["root"].get("/admin/cds-feedback").status_code == 200


def test_a_person_or_admin_is_refused_the_clinic_and_others_the_admin_pages(world: World) -> None:
    for who in ("ann", "bob", "root"):
        assert world.clients[who].get("/clinic").status_code == 403, who
        assert world.clients[who].get("/clinic/ann").status_code == 403, who
    for who in ("ann", "okafor", "lee"):
        assert world.clients[who].get("/admin/accounts").status_code == 403, who
    assert world.clients["okafor"].get("/sharing").status_code == 403


def test_every_access_by_the_clinician_is_in_anns_audit_log(world: World) -> None:
    okafor, ann = world.clients["okafor"], world.clients["ann"]
    okafor.get("/clinic/ann/labs")
    okafor.post(
        f"/clinic/ann/entries/{world.ids['entry_id']}/comment",
        data={"comment": "Seen — <script>alert(1)</script>"},
    )
    page = ann.get("/sharing")
    assert page.status_code == 200
    assert "Dr Okafor" in page.text and "Labs" in page.text and "Comment" in page.text
    assert "<script>alert(1)</script>" not in page.text  # escaped
    # The person sees the comment (on an entry of servicekit's fixed NOW: a year of weeks shown).
    assert "Seen — &lt;script&gt;" in ann.get("/diary?weeks=52").text


def test_every_route_needs_a_session_or_a_rule(world: World) -> None:
    """Signed out, every route of the route table is refused: a session is needed (401, or a
    page sends the browser to /login), or it is CDS Hooks, refused without a trusted EHR's JWT
    (403: no issuer is configured on this server, so no token could be trusted)."""
    needs_session, needs_jwt = [], []
    with TestClient(world.app, raise_server_exceptions=False) as stranger:
        for call in calls(world.app, world.ids):
            stranger.cookies.clear()  # no session, and no CSRF cookie: the gate itself answers
            answer = ask(stranger, call)
            where = (call.method, call.path, answer.status_code)
            if SESSION_FREE_JWT.match(call.template):
                needs_jwt.append(where)
                assert answer.status_code == 403 and MARKER not in answer.text, where
                assert "no trusted EHR issuer" in answer.json()["reason"], where
            else:
                needs_session.append(where)
                assert signed_out(answer), where
        # a session is no substitute for the JWT
        signed_in(stranger, "ann")
        for call in calls(world.app, world.ids):
            if SESSION_FREE_JWT.match(call.template):
                assert ask(stranger, call).status_code == 403, call.path
    assert len(needs_jwt) == 3 and len(needs_session) > 50
