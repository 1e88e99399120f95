"""Sharing, the audit log, clinicians' comments and erasing a person, at the service layer, on
SQLite and PostgreSQL: a clinician reads only the people who share with them right now, never
learns whether anyone else exists, and every read lands in the owner's audit log."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from b12pain.errors import ConflictError, InputError, NotFoundError
from b12pain.journal import Journal
from b12pain.journal import tables as t
from b12pain.service import audit, diary, erasure, sharing
from b12pain.service.context import Context
from servicekit import NOW, context, later
from sharingkit import Viewer, account, count


@pytest.fixture
def store(journal_url: str) -> Iterator[Journal]:
    with Journal.open(journal_url) as opened:
        yield opened


@pytest.fixture
def people(store: Journal) -> dict[str, Viewer]:
    return {
        "ann": account(store, "ann", "person", "Ann Example"),
        "bob": account(store, "bob", "person", "Bob Example"),
        "okafor": account(store, "okafor", "clinician", "Dr Okafor"),
        "lee": account(store, "lee", "clinician", "Dr Lee"),
        "root": account(store, "root", "admin", "The admin"),
    }


def ctx_of(store: Journal, who: str) -> Context:
    return context(store, owner=who)


def refusal(exc: pytest.ExceptionInfo[InputError]) -> list[tuple[str, str]]:
    return [(p.field, p.message) for p in exc.value.problems]


def test_a_share_gives_the_clinician_a_read_context_and_writes_the_audit_log(
    store: Journal, people: dict[str, Viewer]
) -> None:
    ann = ctx_of(store, "ann")
    made = sharing.share(ann, "okafor")
    assert (made.clinician, made.clinician_name, made.active) == ("okafor", "Dr Okafor", True)
    assert [s.clinician for s in sharing.shares_of(ann)] == ["okafor"]

    seen = sharing.patient_context(
        store, ann.kb, people["okafor"], "ann", now=NOW, action="today", target="Today page"
    )
    assert seen.owner == "ann"
    events = audit.audit_events(ann)
    assert [(e.actor, e.actor_name, e.action, e.target) for e in events] == [
        ("okafor", "Dr Okafor", "today", "Today page")
    ]
    assert audit.audit_events(ctx_of(store, "bob")) == []


@pytest.mark.parametrize(
    "who", ["nobody", "bob", "root", "ann", "", "  ", "ok\x00afor", "x" * 300, "'; drop table"]
)
def test_sharing_needs_an_existing_clinician_account(
    store: Journal, people: dict[str, Viewer], who: str
) -> None:
    with pytest.raises(InputError) as refused:
        sharing.share(ctx_of(store, "ann"), who)
    assert refusal(refused) == [("clinician", "the username of a clinician account on this server")]
    assert count(store, t.ShareRow) == 0


def test_sharing_twice_is_a_conflict_and_changes_nothing(
    store: Journal, people: dict[str, Viewer]
) -> None:
    ann = ctx_of(store, "ann")
    sharing.share(ann, "okafor")
    with pytest.raises(ConflictError):
        sharing.share(ann, "okafor")
    assert count(store, t.ShareRow) == 1


def test_revoking_stops_access_at_once(store: Journal, people: dict[str, Viewer]) -> None:
    ann = ctx_of(store, "ann")
    sharing.share(ann, "okafor")
    sharing.patient_context(store, ann.kb, people["okafor"], "ann", now=NOW, action="today")
    sharing.revoke(later(ann, hours=1), "okafor")

    with pytest.raises(NotFoundError):
        sharing.patient_context(store, ann.kb, people["okafor"], "ann", now=NOW, action="today")
    assert sharing.patients_of(store, ann.kb, people["okafor"], now=NOW) == []
    (revoked,) = sharing.shares_of(ann)
    assert not revoked.active and revoked.revoked_at is not None
    with pytest.raises(NotFoundError):
        sharing.revoke(ann, "okafor")
    with pytest.raises(NotFoundError):
        sharing.revoke(ann, "ok\x00afor")
    sharing.share(later(ann, hours=2), "okafor")  # sharing again works, as a new share
    assert [s.active for s in sharing.shares_of(ann)] == [True, False]


def test_no_share_is_not_found_and_does_not_reveal_whether_the_person_exists(
    store: Journal, people: dict[str, Viewer]
) -> None:
    sharing.share(ctx_of(store, "ann"), "okafor")
    answers = []
    for viewer, person in [
        (people["lee"], "ann"),  # exists, shared with someone else
        (people["okafor"], "bob"),  # exists, shared with no one
        (people["okafor"], "nobody-at-all"),  # does not exist
        (people["okafor"], "lee"),  # a clinician
        (people["root"], "ann"),  # an admin reads no diary
        (people["bob"], "ann"),  # another person
        (people["okafor"], "okafor"),  # oneself
        (people["okafor"], "ann\x00"),  # not a username at all
        (people["okafor"], "a" * 500),
    ]:
        with pytest.raises(NotFoundError) as refused:
            sharing.patient_context(store, sharing_kb(store), viewer, person, now=NOW, action="x")
        answers.append(refused.value.problems[0].message)
    assert len(set(answers)) == 1
    assert count(store, t.AuditEventRow) == 0  # a refused look is nobody's access


def sharing_kb(store: Journal) -> object:
    return context(store).kb


def test_patient_list_puts_red_flags_first_then_the_highest_pain(
    store: Journal, people: dict[str, Viewer]
) -> None:
    for username in ("cat", "dan", "eve", "fay"):
        account(store, username, "person", username.capitalize())
    logs = {
        "ann": (["foot_drop"], 2),  # urgent
        "bob": ([], 9),
        "cat": (["saddle_numbness"], 1),  # emergency (cauda equina)
        "dan": ([], 4),
        "eve": ([], None),
    }
    for username, (symptoms, pain) in logs.items():
        ctx = ctx_of(store, username)
        if symptoms:
            diary.log_symptoms(ctx, diary.SymptomsInput(symptoms=symptoms))
        if pain is not None:
            diary.log_pain(ctx, diary.PainInput(nrs=pain))
        sharing.share(ctx, "okafor")
    diary.log_symptoms(ctx_of(store, "fay"), diary.SymptomsInput(symptoms=["saddle_numbness"]))

    listed = sharing.patients_of(store, context(store).kb, people["okafor"], now=NOW)
    assert [p.username for p in listed] == ["cat", "ann", "bob", "dan", "eve"]
    assert [p.urgency for p in listed] == ["emergency", "urgent", "none", "none", "none"]
    assert listed[0].red_flags[0].id == "cauda_equina"
    assert listed[0].display_name == "Cat"
    assert count(store, t.AuditEventRow, owner="cat", actor="okafor", action="patient list") == 1
    assert count(store, t.AuditEventRow, owner="fay") == 0  # fay shared with no one
    assert sharing.patients_of(store, context(store).kb, people["lee"], now=NOW) == []
    assert sharing.patients_of(store, context(store).kb, people["root"], now=NOW) == []


def test_red_flags_come_from_the_self_check_profile_too(
    store: Journal, people: dict[str, Viewer]
) -> None:
    from b12pain.service import profile

    ann = ctx_of(store, "ann")
    profile.save_profile(ann, {"age": 70, "symptoms": ["thunderclap_headache"]})
    assert [f.id for f in sharing.red_flags_of(ann)] == ["headache_thunderclap"]
    old = later(ann, days=sharing.RED_FLAG_DAYS + 1)
    diary.log_symptoms(ann, diary.SymptomsInput(symptoms=["foot_drop"]))
    assert "spinal_urgent" not in [f.id for f in sharing.red_flags_of(old)]


def test_a_clinician_comments_and_the_person_sees_it(
    store: Journal, people: dict[str, Viewer]
) -> None:
    ann = ctx_of(store, "ann")
    pain = diary.log_pain(ann, diary.PainInput(nrs=7, note="<b>burning</b>"))
    sharing.share(ann, "okafor")

    uid, comment = sharing.comment_on_entry(
        store, ann.kb, people["okafor"], "ann", pain.uid[:8], "Let us check B12 & MMA.", now=NOW
    )
    assert uid == pain.uid and comment.author == "Dr Okafor"
    (seen,) = diary.get_entry(ann, pain.uid).comments
    assert (seen.author, seen.text) == ("Dr Okafor", "Let us check B12 & MMA.")
    (received,) = sharing.comments_received(ann)
    assert (received.entry_uid, received.author) == (pain.uid, "Dr Okafor")
    assert [e.action for e in audit.audit_events(ann)] == ["comment"]

    diary.add_comment(ann, pain.uid, "my own note")  # the person's own note is not "received"
    assert len(sharing.comments_received(ann)) == 1


def test_a_clinician_without_a_share_cannot_comment(
    store: Journal, people: dict[str, Viewer]
) -> None:
    ann = ctx_of(store, "ann")
    pain = diary.log_pain(ann, diary.PainInput(nrs=7))
    sharing.share(ann, "okafor")
    for viewer in (people["lee"], people["bob"], people["root"]):
        with pytest.raises(NotFoundError):
            sharing.comment_on_entry(store, ann.kb, viewer, "ann", pain.uid, "hi", now=NOW)
    # okafor cannot reach another person's entry through ann's share
    bob_pain = diary.log_pain(ctx_of(store, "bob"), diary.PainInput(nrs=3))
    with pytest.raises(NotFoundError):
        sharing.comment_on_entry(
            store, ann.kb, people["okafor"], "ann", bob_pain.uid, "hi", now=NOW
        )
    assert count(store, t.CommentRow) == 0


def test_reading_ones_own_data_is_not_audited(store: Journal, people: dict[str, Viewer]) -> None:
    audit.record_access(store, owner="ann", actor="ann", now=NOW, action="today")
    assert count(store, t.AuditEventRow) == 0


def test_erasing_a_person_removes_all_their_rows_and_no_one_elses(
    store: Journal, people: dict[str, Viewer]
) -> None:
    ann, bob = ctx_of(store, "ann"), ctx_of(store, "bob")
    for ctx in (ann, bob):
        pain = diary.log_pain(ctx, diary.PainInput(nrs=5))
        diary.edit_entry(ctx, pain.uid, diary.EntryChanges({"nrs": 6}))
        sharing.share(ctx, "okafor")
        sharing.comment_on_entry(
            store, ctx.kb, people["okafor"], ctx.owner, pain.uid, "ok", now=NOW
        )
    with store.engine.begin() as conn:
        conn.execute(sa.insert(t.PreferenceRow).values(owner="ann", values={"units": "pmol/L"}))
        conn.execute(sa.insert(t.PreferenceRow).values(owner="bob", values={"units": "pmol/L"}))
        for who in ("ann", "bob"):
            conn.execute(
                sa.insert(t.SessionRow).values(
                    id_hash=who * 8,
                    username=who,
                    created_at=NOW.replace(tzinfo=None),
                    last_seen_at=NOW.replace(tzinfo=None),
                    expires_at=(NOW + dt.timedelta(days=1)).replace(tzinfo=None),
                )
            )

    erased = erasure.erase_person(store, "ann")

    assert erased.entries == 1
    for table, column in [
        (t.EntryRow, "owner"),
        (t.CommentRow, "owner"),
        (t.ShareRow, "owner"),
        (t.AuditEventRow, "owner"),
        (t.PreferenceRow, "owner"),
        (t.SessionRow, "username"),
    ]:
        assert count(store, table, **{column: "ann"}) == 0, table.__tablename__
        assert count(store, table, **{column: "bob"}) >= 1, table.__tablename__
    assert count(store, t.AccountRow, username="ann") == 1  # the account stays (see erasure.py)
    with store.engine.connect() as conn:
        changes = t.Base.metadata.tables["entry_changes"]
        owners = set(conn.execute(sa.select(changes.c.owner)).scalars())
    assert owners == {"bob"}


def test_erasing_a_clinician_removes_the_shares_made_with_them(
    store: Journal, people: dict[str, Viewer]
) -> None:
    sharing.share(ctx_of(store, "ann"), "okafor")
    sharing.share(ctx_of(store, "ann"), "lee")
    erasure.erase_person(store, "okafor")
    assert [s.clinician for s in sharing.shares_of(ctx_of(store, "ann"))] == ["lee"]
