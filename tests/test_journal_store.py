"""The journal store on SQLite and PostgreSQL: every kind of record round-trips, writes are
all-or-nothing, bad input is refused with the field named, the database enforces its own rules,
and export → import → export gives identical JSON."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from b12pain.errors import InputError
from b12pain.journal import (
    Journal,
    export_document,
    export_file,
    import_file,
    make_record,
    parse_record,
)
from b12pain.journal.records import Entry
from b12pain.journal.transfer import dumps, parse_document

PARIS = dt.timezone(dt.timedelta(hours=1))
NEW_YORK = dt.timezone(dt.timedelta(hours=-5))


@pytest.fixture
def journal(journal_url: str) -> Iterator[Journal]:
    with Journal.open(journal_url) as opened:
        yield opened


def at(day: int, hour: int = 9, zone: dt.timezone = PARIS) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, 15, 30, 123456, tzinfo=zone)


def one_of_each() -> list[Entry]:
    """One record of every kind, with notes, comments and awkward values."""
    plan = make_record(
        "plan",
        at=at(1),
        regimen_id="oral_cyanocobalamin_dietary",
        form="oral",
        amount_ug=50,
        every_days=1,
        starts_on="2026-11-01",
        stock_units=60,
        review_on="2027-02-01",
        note="from my GP",
    )
    comment = {"at": at(2, 10), "author": "Dr Okafor", "text": "keep going — see you in 3 months"}
    return [
        make_record("profile", at=at(1, 8), profile={"age": 58, "sex": "female", "diet": "vegan"}),
        plan,
        make_record(
            "pain",
            at=at(2),
            nrs=6,
            regions=["feet", "hands"],
            pain_type="burning",
            descriptors=["tingling", "numbness"],
            triggers=["cold"],
            helped=["walk"],
            note="worse at night — «ça brûle»",
            comments=[comment],
        ),
        make_record(
            "lab",
            at=at(3),
            test="total_b12",
            value=210,
            unit="pg/ml",
            taken_on="2026-11-01",
            lab="City Lab",
            reference_range="180-914 ng/L",
        ),
        make_record("symptoms", at=at(3, 20), symptoms=["tingling", "fatigue"]),
        make_record(
            "instrument",
            at=at(4),
            instrument="dn4",
            answers={"burning": True},
            score=5,
            category="positive",
        ),
        make_record("sleep", at=at(5, 7, NEW_YORK), hours=6.5, quality=2),
        make_record("exercise", at=at(5, 18, NEW_YORK), minutes=30, activity="walking"),
        make_record("stress", at=at(5, 19), level=7),
        make_record("mood", at=at(5, 21), level=1),
        make_record("dose", at=at(6), plan_uid=plan.uid, status="late", form="oral", amount_ug=50),
        make_record("stock", at=at(6, 20), plan_uid=plan.uid, units=55, note="new box"),
        make_record(
            "dose", at=at(7), status="taken", form="injection", site="deltoid_left", amount_ug=1000
        ),
        make_record(
            "food",
            at=at(8),
            food_id="sr28:01123",
            description="Egg, whole, raw",
            amount_text="2 eggs",
            grams=100,
            b12_ug=0.89,
        ),
        make_record(
            "food",
            at=at(8, 13),
            food_id="x1",
            description="Mystery stew",
            amount_text="1 bowl",
            grams=250,
        ),
        make_record(
            "assessment",
            at=at(9),
            knowledge_version="2026.11.0",
            assessment={"schema": "b12pain.assessment/1", "urgency": "routine"},
        ),
    ]


def test_every_kind_round_trips(journal: Journal) -> None:
    records = one_of_each()
    assert journal.add_many(records) == len(records)
    stored = journal.entries()
    assert {r.uid: r for r in stored} == {r.uid: r for r in records}
    assert len(stored) == len(records)
    assert [r.at for r in stored] == sorted(r.at for r in records)


def test_time_is_stored_in_utc_and_the_offset_is_kept(journal: Journal) -> None:
    record = journal.add(make_record("pain", at=at(5, 7, NEW_YORK), nrs=3))
    (stored,) = journal.entries(["pain"])
    assert stored.at == record.at and stored.at.utcoffset() == dt.timedelta(hours=-5)
    with journal.engine.connect() as conn:
        recorded_at, offset = conn.execute(
            sa.text("SELECT recorded_at, utc_offset_minutes FROM entries")
        ).one()
    if isinstance(recorded_at, str):  # SQLite returns text to a raw query
        recorded_at = dt.datetime.fromisoformat(recorded_at)
    assert recorded_at == dt.datetime(2026, 11, 5, 12, 15, 30, 123456)  # 07:15 at UTC−5
    assert offset == -300
    assert stored.day == dt.date(2026, 11, 5)


def test_history_filters_by_time_and_kind(journal: Journal) -> None:
    journal.add_many(one_of_each())
    window = journal.entries(["pain", "sleep", "food"], at(5, 0), at(8, 12))
    assert [r.kind for r in window] == ["sleep", "food"]  # pain is on day 2, lunch food after 12:00


def test_profile_versions_keep_history(journal: Journal) -> None:
    journal.add(make_record("profile", at=at(1), profile={"age": 58}))
    journal.add(make_record("profile", at=at(2), profile={"age": 58, "diet": "vegan"}))
    history = journal.profile_history()
    assert [p.profile.get("diet") for p in history] == [None, "vegan"]
    current = journal.current_profile()
    assert current is not None and current.profile["diet"] == "vegan"
    with journal.engine.connect() as conn:
        versions = conn.execute(sa.text("SELECT version FROM profile_versions ORDER BY version"))
        assert [v for (v,) in versions] == [1, 2]


def test_comment_on_any_entry(journal: Journal) -> None:
    entry = journal.add(make_record("sleep", at=at(3), hours=8))
    journal.comment(entry.uid, "slept through", at(3, 10), author="me")
    journal.comment(entry.uid, "good sign", at(4, 10), author="Dr Okafor")
    stored = journal.get(entry.uid)
    assert [(c.author, c.text) for c in stored.comments] == [
        ("me", "slept through"),
        ("Dr Okafor", "good sign"),
    ]
    with pytest.raises(InputError) as error:
        journal.comment("0" * 32, "lost", at(4))
    assert error.value.problems[0].field == "entry"


def test_delete_all_removes_everything(journal: Journal) -> None:
    journal.add_many(one_of_each())
    assert journal.delete_all() == len(one_of_each())
    assert journal.entries() == [] and journal.counts() == {}


@pytest.mark.parametrize(
    ("kind", "fields", "field"),
    [
        ("pain", {"nrs": 11}, "nrs"),
        ("pain", {"nrs": -1}, "nrs"),
        ("pain", {"nrs": 5, "regions": ["knee"]}, "regions[0]"),
        ("pain", {"nrs": 5, "pain_type": "itchy"}, "pain_type"),
        ("sleep", {"hours": 25}, "hours"),
        ("sleep", {"hours": 7, "quality": 5}, "quality"),
        ("exercise", {"minutes": -5}, "minutes"),
        ("stress", {"level": 11}, "level"),
        ("mood", {"level": 5}, "level"),
        ("lab", {"test": "total_b12", "value": -3, "unit": "ng/L"}, "value"),
        ("lab", {"test": "total_b12", "value": 200, "unit": "mg"}, "unit"),
        ("lab", {"test": "vitamin_z", "value": 200, "unit": "ng/L"}, "test"),
        ("dose", {"form": "oral", "site": "deltoid_left"}, "site"),
        (
            "plan",
            {
                "regimen_id": "r",
                "form": "oral",
                "amount_ug": 5,
                "every_days": 1,
                "starts_on": "2026-11-02",
                "ends_on": "2026-11-01",
            },
            "ends_on",
        ),
        ("dose", {"form": "patch"}, "form"),
        (
            "plan",
            {
                "regimen_id": "r",
                "form": "oral",
                "amount_ug": 0,
                "every_days": 1,
                "starts_on": "2026-11-01",
            },
            "amount_ug",
        ),
        ("food", {"food_id": "x", "description": "x", "amount_text": "x", "grams": 0}, "grams"),
        ("profile", {"profile": {"age": 130}}, "profile.age"),
        ("stock", {"plan_uid": "f" * 32, "units": -1}, "units"),
    ],
)
def test_bad_input_is_refused_with_the_field_and_nothing_is_written(
    journal: Journal, kind: str, fields: dict[str, Any], field: str
) -> None:
    with pytest.raises(InputError) as error:
        journal.add(make_record(kind, at=at(1), **fields))
    assert field in [p.field for p in error.value.problems]
    assert journal.counts() == {}


def test_naive_time_and_long_note_are_refused() -> None:
    with pytest.raises(InputError) as error:
        make_record("pain", at=dt.datetime(2026, 11, 1, 9), nrs=3, note="x" * 2001)
    assert {p.field for p in error.value.problems} == {"at", "note"}
    with pytest.raises(InputError):
        make_record("nap", at=at(1))


def test_a_batch_with_one_bad_record_writes_nothing(journal: Journal) -> None:
    good = make_record("pain", at=at(1), nrs=4)
    orphan = make_record("dose", at=at(1), plan_uid="f" * 32, form="oral")
    with pytest.raises(InputError) as error:
        journal.add_many([good, orphan])
    assert error.value.problems[0].field == "plan_uid"
    assert journal.counts() == {}
    journal.add(good)
    with pytest.raises(InputError) as error:  # the same uid twice: the unique constraint
        journal.add_many([make_record("sleep", at=at(2), hours=7), good])
    assert "already in the journal" in error.value.problems[0].message
    assert journal.counts() == {"pain": 1}


@pytest.mark.parametrize(
    ("table", "row"),
    [
        (
            "pain_entries",
            {"nrs": 11, "regions": "[]", "descriptors": "[]", "triggers": "[]", "helped": "[]"},
        ),
        ("lifestyle_entries", {"factor": "sleep", "amount": 30}),
        ("lifestyle_entries", {"factor": "nap", "amount": 1}),
        ("dose_events", {"status": "taken", "form": "oral", "site": "deltoid_left"}),
        ("lab_results", {"test": "total_b12", "value": 0, "unit": "ng/L"}),
        ("stock_counts", {"plan_id": None, "units": 5}),
    ],
)
def test_the_database_enforces_its_own_rules(
    journal: Journal, table: str, row: dict[str, Any]
) -> None:
    """Even a write that bypasses pydantic cannot store out-of-range values."""
    with journal.engine.begin() as conn:
        entry_id = conn.execute(
            sa.text(
                "INSERT INTO entries (uid, kind, recorded_at, utc_offset_minutes) "
                "VALUES ('a', 'pain', :t, 0) RETURNING id"
            ),
            {"t": dt.datetime(2026, 11, 1)},
        ).scalar_one()
    columns = ", ".join(["entry_id", *row])
    values = ", ".join([":entry_id", *(f":{k}" for k in row)])
    with pytest.raises(sa.exc.IntegrityError), journal.engine.begin() as conn:
        conn.execute(
            sa.text(f"INSERT INTO {table} ({columns}) VALUES ({values})"),
            {"entry_id": entry_id, **row},
        )
    with pytest.raises(sa.exc.IntegrityError), journal.engine.begin() as conn:  # FK
        conn.execute(sa.text("INSERT INTO symptom_checks (entry_id, symptoms) VALUES (999, '[]')"))


def test_export_import_export_is_identical(journal_url: str, tmp_path: Path) -> None:
    first_file, second_file = tmp_path / "first.json", tmp_path / "second.json"
    with Journal.open(journal_url) as journal:
        journal.add_many(one_of_each())
        export_file(journal, first_file)
        journal.delete_all()
        assert import_file(journal, first_file) == len(one_of_each())
        export_file(journal, second_file)
    assert first_file.read_bytes() == second_file.read_bytes()
    document = json.loads(first_file.read_text(encoding="utf-8"))
    assert document["schema"] == "b12pain.journal/1"
    assert len(document["entries"]) == len(one_of_each())
    kinds = {e["kind"] for e in document["entries"]}
    assert kinds == {r.kind for r in one_of_each()}  # type: ignore[attr-defined]


@pytest.mark.postgres
@pytest.mark.parametrize("journal_url", ["postgres"], indirect=True)
def test_export_moves_between_sqlite_and_postgres(journal_url: str, tmp_path: Path) -> None:
    """A journal exported from SQLite imports into PostgreSQL and exports the same bytes."""
    with Journal.open(f"sqlite:///{tmp_path / 'a.sqlite'}") as local:
        local.add_many(one_of_each())
        text = dumps(export_document(local))
    (tmp_path / "j.json").write_text(text, encoding="utf-8")
    with Journal.open(journal_url) as server:
        assert server.engine.dialect.name == "postgresql"
        import_file(server, tmp_path / "j.json")
        assert dumps(export_document(server)) == text


def test_import_refuses_a_bad_document_and_writes_nothing(journal: Journal, tmp_path: Path) -> None:
    document = {
        "schema": "b12pain.journal/1",
        "entries": [r.model_dump(mode="json") for r in one_of_each()],
    }
    document["entries"][2]["nrs"] = 12
    document["entries"][4]["at"] = "yesterday"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(InputError) as error:
        import_file(journal, path)
    assert [p.field for p in error.value.problems] == ["entries[2].nrs", "entries[4].at"]
    assert journal.counts() == {}
    for broken, field in [({"schema": "other/9", "entries": []}, "schema"), ([], "(document)")]:
        with pytest.raises(InputError) as error:
            parse_document(broken)
        assert error.value.problems[0].field == field
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(InputError):
        import_file(journal, path)
    with pytest.raises(InputError):
        import_file(journal, tmp_path / "missing.json")


def test_parse_record_names_the_field() -> None:
    with pytest.raises(InputError) as error:
        parse_record({"kind": "stress", "at": "2026-11-01T09:00:00+01:00", "level": "high"})
    assert [p.field for p in error.value.problems] == ["level"]


def test_body_regions_are_the_acr_2016_areas_plus_feet_and_hands() -> None:
    """The journal's region ids agree with the instruments' ACR 2016 WPI areas (knowledge),
    plus feet, hands and the head, elbows and knees a diary names (issue 13)."""
    from b12pain.instruments import instrument
    from b12pain.journal import BODY_REGIONS

    acr = instrument("acr2016")
    areas = next(item for item in acr.info.items if item.id == "painful_areas").options
    diary_only = {"feet", "hands", "head_front", "head_back", "head_side_left", "head_side_right"}
    diary_only |= {"elbow_left", "elbow_right", "knee_left", "knee_right"}
    assert set(areas) | diary_only == set(BODY_REGIONS)
    assert len(BODY_REGIONS) == len(set(BODY_REGIONS))


def test_series_uses_each_entry_own_day(journal: Journal) -> None:
    """23:30 in New York is already the next day in UTC; the series keeps the person's day."""
    from b12pain.journal import read_series

    late = dt.datetime(2026, 11, 5, 23, 30, tzinfo=NEW_YORK)
    early = dt.datetime(2026, 11, 6, 0, 30, tzinfo=dt.timezone(dt.timedelta(hours=14)))
    plan = make_record(
        "plan",
        at=at(1),
        regimen_id="oral_cyanocobalamin_dietary",
        form="oral",
        amount_ug=50,
        every_days=1,
        starts_on="2026-11-03",
    )
    journal.add_many(
        [
            make_record("pain", at=late, nrs=4),
            make_record("pain", at=early, nrs=8),
            plan,
            make_record("stress", at=late, level=3),
            make_record("dose", at=late, plan_uid=plan.uid, form="oral", status="skipped"),
            make_record(
                "lab", at=late, test="mma", value=0.5, unit="umol/L", taken_on="2026-11-01"
            ),
            make_record(
                "food",
                at=early,
                food_id="f",
                description="Egg",
                amount_text="1 egg",
                grams=50,
                b12_ug=0.45,
            ),
        ]
    )
    series = read_series(journal)
    assert sorted((p.day, p.nrs) for p in series.pain) == [
        (dt.date(2026, 11, 5), 4),
        (dt.date(2026, 11, 6), 8),
    ]
    assert series.factors[0].day == dt.date(2026, 11, 5) and series.factors[0].amount == 3
    assert series.doses[0].day == dt.date(2026, 11, 5)
    assert series.labs[0].day == dt.date(2026, 11, 1)  # the day the blood was taken
    assert series.foods[0].day == dt.date(2026, 11, 6)
    assert series.supplement_start == dt.date(2026, 11, 3)


@pytest.mark.parametrize("journal_url", ["sqlite"], indirect=True)
def test_delete_all_leaves_no_trace_in_the_file(journal_url: str) -> None:
    path = Path(journal_url.removeprefix("sqlite:///"))
    with Journal.open(journal_url) as journal:
        journal.add(make_record("pain", at=at(1), nrs=5, note="SECRET-NOTE-4711"))
        journal.delete_all()
        files = [path, path.with_name(path.name + "-wal")]  # checked while the journal is open
        assert all(b"SECRET-NOTE-4711" not in f.read_bytes() for f in files if f.exists())


def test_records_survive_their_json_form() -> None:
    """Property: any valid record's export JSON parses back to the same record."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from b12pain.journal.records import BODY_REGIONS

    times = st.datetimes(
        min_value=dt.datetime(2000, 1, 1),
        max_value=dt.datetime(2100, 1, 1),
        timezones=st.sampled_from(
            [dt.UTC, PARIS, NEW_YORK, dt.timezone(dt.timedelta(hours=5, minutes=45))]
        ),
    )
    notes = st.none() | st.text(min_size=1, max_size=50).filter(lambda s: s.strip() == s and s)

    @settings(max_examples=80, deadline=None)
    @given(
        times,
        st.integers(0, 10),
        st.lists(st.sampled_from(BODY_REGIONS), unique=True),
        notes,
        st.floats(0, 24, allow_nan=False),
    )
    def check(
        when: dt.datetime, nrs: int, regions: list[str], note: str | None, hours: float
    ) -> None:
        for record in (
            make_record("pain", at=when, nrs=nrs, regions=regions, note=note),
            make_record("sleep", at=when, hours=hours),
        ):
            again = parse_record(json.loads(json.dumps(record.model_dump(mode="json"))))
            assert again == record

    check()


def test_out_of_range_values_are_always_refused() -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    @settings(max_examples=80, deadline=None)
    @given(st.integers().filter(lambda n: not 0 <= n <= 10))
    def check(nrs: int) -> None:
        with pytest.raises(InputError):
            make_record("pain", at=at(1), nrs=nrs)
        with pytest.raises(InputError):
            make_record("stress", at=at(1), level=nrs)

    check()


def test_public_api_is_pinned() -> None:
    import b12pain.insights
    import b12pain.journal

    assert b12pain.journal.__all__ == [
        "BODY_REGIONS", "KINDS", "SCHEMA", "Comment", "DoseEvent", "Entry", "FoodEntry",
        "Journal", "LabEntry", "PainEntry", "PlanEntry", "ProfileEntry", "backup", "due_today",
        "export_document", "export_file", "import_file", "make_record", "parse_record",
        "read_series", "save_assessment", "save_instrument_result", "save_profile",
    ]  # fmt: skip
    assert b12pain.insights.__all__ == [
        "Dashboard", "DoseReading", "FactorEffect", "FactorReading", "FoodReading",
        "HelpingResult", "LabReading", "PainReading", "Series", "adherence", "daily_pain",
        "dashboard", "factor_effects", "is_it_helping", "lab_trajectory", "mean_difference",
        "stock_forecast", "t_quantile", "weekly_pain",
    ]  # fmt: skip
    for module in (b12pain.journal, b12pain.insights):
        assert all(getattr(module, name) is not None for name in module.__all__)


def test_backup_copies_the_journal(journal: Journal, tmp_path: Path) -> None:
    """SQLite: an online copy of the file; PostgreSQL: a JSON export of the same entries."""
    from b12pain.journal import backup

    journal.add_many(one_of_each())
    path = backup(journal, tmp_path / "backups", dt.datetime(2026, 11, 24, 9, 30))
    assert path.name.startswith("journal-20261124T093000")
    if journal.engine.dialect.name == "sqlite":
        with Journal.open(f"sqlite:///{path}") as copy:
            assert copy.entries() == journal.entries()
    else:
        document = json.loads(path.read_text(encoding="utf-8"))
        assert document == json.loads(dumps(export_document(journal)))
