"""Alembic migrations on SQLite and PostgreSQL: empty → head → empty, the models match the
migrated schema exactly, and an upgrade with data in place keeps every row."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from b12pain.journal import Journal, make_record
from b12pain.journal._db import make_engine
from b12pain.journal.migrate import _SCRIPTS, HEAD, current_revision, downgrade, upgrade
from b12pain.journal.tables import Base

TABLES_0001 = {
    "entries",
    "profile_versions",
    "lab_results",
    "pain_entries",
    "symptom_checks",
    "instrument_results",
    "lifestyle_entries",
    "supplement_plans",
    "dose_events",
    "saved_assessments",
}
TABLES_0002 = TABLES_0001 | {"food_entries", "comments"}
TABLES_0005 = TABLES_0002 | {"stock_counts"}  # 0003 and 0004 add columns only
TABLES_HEAD = (
    TABLES_0005
    | {"entry_changes"}
    | {"accounts", "sessions", "login_failures", "shares", "audit_events", "preferences"}
)  # 0006 adds columns and indexes only; 0008 adds server mode


def _tables(engine: sa.Engine) -> set[str]:
    return set(sa.inspect(engine).get_table_names()) - {"alembic_version"}


def test_head_constant_is_the_newest_migration() -> None:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(_SCRIPTS))
    assert ScriptDirectory.from_config(config).get_current_head() == HEAD


def test_upgrade_from_empty_to_head_and_back(journal_url: str) -> None:
    engine = make_engine(journal_url)
    try:
        assert current_revision(engine) is None and _tables(engine) == set()
        upgrade(engine, "0001")
        assert current_revision(engine) == "0001" and _tables(engine) == TABLES_0001
        upgrade(engine, "0004")
        assert _tables(engine) == TABLES_0002
        upgrade(engine)
        assert current_revision(engine) == HEAD and _tables(engine) == TABLES_HEAD
        downgrade(engine, "0004")
        assert _tables(engine) == TABLES_0002
        downgrade(engine, "0001")
        assert _tables(engine) == TABLES_0001
        downgrade(engine)
        assert _tables(engine) == set()
    finally:
        engine.dispose()


def test_models_match_the_migrated_schema(journal_url: str) -> None:
    engine = make_engine(journal_url)
    try:
        upgrade(engine)
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            assert compare_metadata(context, Base.metadata) == []
    finally:
        engine.dispose()


def test_upgrade_with_data_in_place(journal_url: str) -> None:
    """Data written at 0001 survives the upgrade to head and is readable through the store."""
    engine = make_engine(journal_url)
    upgrade(engine, "0001")
    with engine.begin() as conn:
        entry_id = conn.execute(
            sa.text(
                "INSERT INTO entries (uid, kind, recorded_at, utc_offset_minutes, note) "
                "VALUES (:uid, 'pain', :at, 60, 'before the upgrade') RETURNING id"
            ),
            {"uid": "a" * 32, "at": dt.datetime(2026, 1, 5, 8, 0)},
        ).scalar_one()
        conn.execute(
            sa.text(
                "INSERT INTO pain_entries (entry_id, nrs, regions, descriptors, triggers, helped) "
                "VALUES (:id, 7, '[\"feet\"]', '[]', '[]', '[]')"
            ),
            {"id": entry_id},
        )
    engine.dispose()
    with Journal.open(journal_url) as journal:  # opening upgrades to head
        assert current_revision(journal.engine) == HEAD
        (old,) = journal.entries()
        assert (old.uid, old.nrs, old.regions, old.note) == (  # type: ignore[attr-defined]
            "a" * 32,
            7,
            ("feet",),
            "before the upgrade",
        )
        assert old.at == dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=1)))
        journal.comment(old.uid, "added after the upgrade", old.at)
        journal.add(
            make_record(
                "food",
                at=old.at,
                food_id="f",
                description="Egg",
                amount_text="1 egg",
                grams=50,
                b12_ug=0.45,
            )
        )
        assert journal.counts() == {"comments": 1, "food": 1, "pain": 1}
    engine = make_engine(journal_url)
    try:
        downgrade(engine, "0001")  # food and comments go; the 0001 data stays
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT nrs FROM pain_entries")).scalar_one() == 7
            kinds = conn.execute(sa.text("SELECT kind FROM entries")).scalars().all()
            assert kinds == ["pain"]  # no entry is left without its detail row
    finally:
        engine.dispose()


def test_upgrade_to_0003_keeps_doses_linked_to_their_plan(journal_url: str) -> None:
    """0003 rebuilds `supplement_plans` (SQLite batch mode); doses must still point at it."""
    engine = make_engine(journal_url)
    upgrade(engine, "0002")
    insert_entry = sa.text(
        "INSERT INTO entries (uid, kind, recorded_at, utc_offset_minutes) "
        "VALUES (:uid, :kind, :at, 0) RETURNING id"
    )
    at = dt.datetime(2026, 3, 1, 8)
    with engine.begin() as conn:
        plan_id = conn.execute(insert_entry, {"uid": "f" * 32, "kind": "plan", "at": at}).scalar()
        conn.execute(
            sa.text(
                "INSERT INTO supplement_plans (entry_id, regimen_id, form, amount_ug, every_days,"
                " starts_on) VALUES (:id, 'oral_cyanocobalamin_dietary', 'oral', 50, 1, :day)"
            ),
            {"id": plan_id, "day": dt.date(2026, 3, 1)},
        )
        dose_id = conn.execute(insert_entry, {"uid": "d" * 32, "kind": "dose", "at": at}).scalar()
        conn.execute(
            sa.text(
                "INSERT INTO dose_events (entry_id, plan_id, status, form) "
                "VALUES (:id, :plan, 'taken', 'oral')"
            ),
            {"id": dose_id, "plan": plan_id},
        )
    engine.dispose()
    with Journal.open(journal_url) as journal:
        (plan,) = journal.plans()
        assert plan.every_days == 1 and plan.schedule == ()
        (dose,) = journal.entries(["dose"])
        assert dose.plan_uid == plan.uid == "f" * 32  # type: ignore[attr-defined]
    engine = make_engine(journal_url)
    try:
        downgrade(engine, "0002")
        with engine.connect() as conn:
            linked = conn.execute(sa.text("SELECT plan_id FROM dose_events")).scalar()
        assert linked == plan_id
    finally:
        engine.dispose()


def test_migrated_check_constraints_match_the_models(journal_url: str) -> None:
    """Alembic's comparison skips CHECK constraints; the range rules must exist by name."""
    engine = make_engine(journal_url)
    try:
        upgrade(engine)
        inspector = sa.inspect(engine)
        for table in Base.metadata.sorted_tables:
            expected = {
                c.name for c in table.constraints if isinstance(c, sa.CheckConstraint) and c.name
            }
            found = {c["name"] for c in inspector.get_check_constraints(table.name)}
            assert expected <= found, f"{table.name}: missing {expected - found}"
    finally:
        engine.dispose()


def test_stock_kind_exists_from_0005_only(journal_url: str) -> None:
    """0005 widens the entry-kind rule: a `stock` entry is refused before it, stored after."""
    engine = make_engine(journal_url)
    insert = sa.text(
        "INSERT INTO entries (uid, kind, recorded_at, utc_offset_minutes) "
        "VALUES (:uid, 'stock', :at, 0)"
    )
    try:
        upgrade(engine, "0004")
        with pytest.raises(sa.exc.IntegrityError), engine.begin() as conn:
            conn.execute(insert, {"uid": "a" * 32, "at": dt.datetime(2026, 1, 1)})
        upgrade(engine)
        with engine.begin() as conn:
            conn.execute(insert, {"uid": "b" * 32, "at": dt.datetime(2026, 1, 1)})
        with pytest.raises(sa.exc.IntegrityError), engine.begin() as conn:
            conn.execute(
                sa.text(
                    "INSERT INTO entries (uid, kind, recorded_at, utc_offset_minutes) "
                    "VALUES ('c', 'nap', :at, 0)"
                ),
                {"at": dt.datetime(2026, 1, 1)},
            )
    finally:
        engine.dispose()


def test_0006_gives_old_rows_the_local_owner_and_a_downgrade_drops_own_supplements(
    journal_url: str,
) -> None:
    """Rows written before owners existed belong to the local owner; going back below 0006
    removes plans without a regimen (and their stock counts) and unlinks their doses, leaving
    no broken reference."""
    engine = make_engine(journal_url)
    upgrade(engine, "0005")
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO entries (uid, kind, recorded_at, utc_offset_minutes) "
                "VALUES (:uid, 'mood', :at, 0)"
            ),
            {"uid": "c" * 32, "at": dt.datetime(2026, 1, 1)},
        )
        entry_id = conn.execute(sa.text("SELECT id FROM entries")).scalar_one()
        conn.execute(
            sa.text(
                "INSERT INTO lifestyle_entries (entry_id, factor, amount) VALUES (:id, 'mood', 3)"
            ),
            {"id": entry_id},
        )
    engine.dispose()
    at = dt.datetime(2026, 11, 24, 9, tzinfo=dt.UTC)
    with Journal.open(journal_url) as journal:
        assert [e.uid for e in journal.entries(owner="local")] == ["c" * 32]
        assert journal.entries(owner="someone-else") == []
        own = make_record(
            "plan", at=at, product="B12 1000", form="oral", amount_ug=1000, every_days=1,
            starts_on=at.date(),
        )  # fmt: skip
        journal.add(own)
        journal.add_many(
            [
                make_record("dose", at=at, plan_uid=own.uid, form="oral", amount_ug=1000),
                make_record("stock", at=at, plan_uid=own.uid, units=30),
            ]
        )
        journal.comment(own.uid, "bought at the chemist", at)
    engine = make_engine(journal_url)
    try:
        downgrade(engine, "0005")  # foreign keys are checked after the downgrade
        with engine.connect() as conn:
            kinds = sorted(conn.execute(sa.text("SELECT kind FROM entries")).scalars())
            assert kinds == ["dose", "mood"]
            assert conn.execute(sa.text("SELECT plan_id FROM dose_events")).scalar() is None
            assert conn.execute(sa.text("SELECT count(*) FROM comments")).scalar() == 0
    finally:
        engine.dispose()
