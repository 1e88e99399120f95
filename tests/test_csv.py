"""CSV export and import (issue 17): one file per diary kind, UTF-8, ISO 8601 times with the UTC
offset, documented columns, questionnaire answers and totals, formula cells neutralised, and a
lossless, all-or-nothing re-import whose errors name file, row and column."""

from __future__ import annotations

import csv
import datetime as dt
import re
import stat
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import reportdata as rd
from b12pain.errors import InputError
from b12pain.journal.records import KINDS
from b12pain.reports.csvfiles import columns_of, from_cell, read_texts, to_cell
from b12pain.service import diary, plans
from b12pain.service.reports import export_csv, import_csv
from b12pain.service.transfer import export_journal

ROOT = Path(__file__).resolve().parents[1]
FORMULA = ("=", "+", "-", "@")


@pytest.fixture(scope="module")
def year(tmp_path_factory: pytest.TempPathFactory):
    store = rd.open_store(tmp_path_factory.mktemp("csv-year"))
    ctx = rd.dense_year(store)
    # comments, a stopped plan with a stock count, and notes that look like formulas
    pain = diary.list_entries(ctx, ["pain"])[3]
    diary.add_comment(ctx, pain.uid, "@SUM(A1:A9) and 'quoted'", "me")
    diary.log_sleep(ctx, diary.SleepInput(hours=7.25, quality=3, note="-2 hours of pain, +1 nap"))
    diary.log_mood(ctx, diary.LevelInput(level=1, note="'=already quoted"))
    plan = plans.list_plans(ctx)[0]
    plans.record_stock(ctx, plans.StockInput(units=5, plan=plan.uid, note='=HYPERLINK("x")'))
    plans.stop_plan(ctx, plan.uid, ctx.today)
    yield ctx
    store.close()


@pytest.fixture(scope="module")
def exported(year, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("out") / "csv"
    export_csv(year, folder)
    return folder


def rows_of(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def by_uid(document: dict) -> dict[str, dict]:
    return {entry["uid"]: entry for entry in document["entries"]}


def fresh(tmp_path: Path, now: dt.datetime):
    return rd.context_at(rd.open_store(tmp_path), now)


def test_one_file_per_diary_kind_and_per_questionnaire(exported: Path) -> None:
    names = sorted(p.name for p in exported.iterdir())
    assert names == [
        "dose.csv", "exercise.csv", "food.csv", "instrument-dn4.csv", "lab.csv", "mood.csv",
        "pain.csv", "plan.csv", "profile.csv", "sleep.csv", "stock.csv", "stress.csv",
        "symptoms.csv",
    ]  # fmt: skip
    assert len(rows_of(exported / "pain.csv")) == 1 + 730
    assert len(rows_of(exported / "food.csv")) == 1 + 3 * 365


def test_utf8_iso_times_with_offset_and_private_files(exported: Path) -> None:
    assert stat.S_IMODE(exported.stat().st_mode) == 0o700
    iso = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$")
    for path in exported.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        raw = path.read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf")
        raw.decode("utf-8")
        header, *rows = rows_of(path)
        assert header[:2] == ["uid", "at"]
        assert all(iso.match(row[1]) for row in rows), path.name
    assert "2025-12-01T08:00:00+01:00" in (exported / "pain.csv").read_text("utf-8-sig")


def test_questionnaire_answers_and_totals(year, exported: Path) -> None:
    header, *rows = rows_of(exported / "instrument-dn4.csv")
    assert header[header.index("score")] == "score"
    assert header[-10:] == [f"answer.q{i}" for i in range(1, 11)]
    saved = diary.list_entries(year, ["instrument"])
    assert len(rows) == len(saved) == 4
    for row, entry in zip(rows, saved, strict=True):
        assert row[0] == entry.uid
        assert float(row[header.index("score")]) == entry.score
        answers = [entry.answers[f"q{i}"] for i in range(1, 11)]
        assert row[-10:] == ["true" if a else "false" for a in answers]
        assert sum(answers) == entry.score  # the total is the items' sum (DN4)


def test_formula_cells_are_neutralised(exported: Path) -> None:
    cells = [cell for path in exported.iterdir() for row in rows_of(path)[1:] for cell in row]
    risky = [c for c in cells if c.startswith(FORMULA) and not re.fullmatch(r"-?\d+(\.\d+)?", c)]
    assert risky == []
    text = "\n".join(path.read_text("utf-8-sig") for path in exported.iterdir())
    assert "'=1+1 #set page" in text
    assert "'-2 hours of pain, +1 nap" in text
    assert "''=already quoted" in text
    assert "'=HYPERLINK" in text


def test_round_trip_is_lossless(year, exported: Path, tmp_path: Path) -> None:
    target = fresh(tmp_path, year.now)
    count = import_csv(target, exported)
    before, after = export_journal(year), export_journal(target)
    assert count == len(before["entries"]) == len(after["entries"])
    assert by_uid(after) == by_uid(before)
    notes = {e["note"] for e in after["entries"] if e["note"]}
    assert {rd.MARKUP_NOTE, "-2 hours of pain, +1 nap", "'=already quoted"} <= notes
    comments = [c for e in after["entries"] for c in e["comments"]]
    assert [c["text"] for c in comments] == ["@SUM(A1:A9) and 'quoted'"]
    target.store.close()


def test_import_is_all_or_nothing_with_file_row_and_column(exported: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken"
    broken.mkdir()
    for path in exported.iterdir():
        (broken / path.name).write_bytes(path.read_bytes())
    sleep = rows_of(broken / "sleep.csv")
    sleep[4][sleep[0].index("hours")] = "25"
    pain = rows_of(broken / "pain.csv")
    pain[2][pain[0].index("regions")] = '["feet"'
    for name, rows in (("sleep.csv", sleep), ("pain.csv", pain)):
        with (broken / name).open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows(rows)
    target = fresh(tmp_path / "db", rd.at(rd.end_of_year(), 23))
    with pytest.raises(InputError) as caught:
        import_csv(target, broken)
    fields = [p.field for p in caught.value.problems]
    assert fields == ["pain.csv row 3 column regions", "sleep.csv row 5 column hours"]
    assert caught.value.problems[1].value == "25"
    assert "24" in caught.value.problems[1].message
    assert target.store.counts() == {}
    target.store.close()


def test_importing_twice_is_refused_and_saves_nothing(exported: Path, tmp_path: Path) -> None:
    target = fresh(tmp_path, rd.at(rd.end_of_year(), 23))
    first = import_csv(target, exported)
    with pytest.raises(InputError):
        import_csv(target, exported)
    assert sum(v for k, v in target.store.counts().items() if k != "comments") == first
    target.store.close()


def test_headers_and_unknown_files_are_checked() -> None:
    header = ",".join(columns_of("sleep"))
    with pytest.raises(InputError) as caught:
        read_texts(
            {
                "sleep.csv": "uid,when,hours\r\n",
                "notes.csv": header + "\r\n",
                "mood.csv": ",".join(columns_of("mood")) + ",extra\r\n",
            }
        )
    fields = [p.field for p in caught.value.problems]
    assert fields == ["sleep.csv row 1", "mood.csv row 1 column extra", "notes.csv"]


def test_a_plan_outside_its_cited_dose_is_refused(exported: Path, tmp_path: Path) -> None:
    folder = tmp_path / "plan-only"
    folder.mkdir()
    rows = rows_of(exported / "plan.csv")
    rows[1][rows[0].index("amount_ug")] = "99999.0"
    with (folder / "plan.csv").open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    target = fresh(tmp_path / "db", rd.at(rd.end_of_year(), 23))
    with pytest.raises(InputError) as caught:
        import_csv(target, folder)
    assert "amount" in caught.value.problems[0].field
    assert target.store.counts() == {}
    target.store.close()


def test_every_column_is_documented() -> None:
    doc = (ROOT / "docs/export-format.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\|[^|]*\| `([a-z0-9_.<>]+)` \|", doc, flags=re.M))
    documented |= set(re.findall(r"^\| `([a-z0-9_]+)` \|", doc, flags=re.M))
    for kind in KINDS:
        missing = set(columns_of(kind)) - documented
        assert not missing, f"{kind}: {missing} not in docs/export-format.md"
    assert "answer.<item>" in documented


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_any_text_survives_the_cell_rules(text: str) -> None:
    cell = to_cell(text)
    assert from_cell(cell) == text
    assert not cell.startswith(FORMULA) or re.fullmatch(
        r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", cell
    )


def test_hostile_files_are_refused_cleanly() -> None:
    header = ",".join(columns_of("pain"))
    uid = "a" * 32
    cases = {
        "a huge cell": header
        + "\r\n"
        + uid
        + ",2026-01-01T08:00:00+00:00,5,[],,[],[],[],"
        + "x" * 200_000
        + ",\r\n",
        "deep JSON": header
        + "\r\n"
        + uid
        + ",2026-01-01T08:00:00+00:00,5,"
        + "[" * 100_000
        + ",,[],[],[],,\r\n",
        "too few cells": header + "\r\n" + uid + ",2026-01-01T08:00:00+00:00\r\n",
        "no offset": header + "\r\n" + uid + ",2026-01-01T08:00:00,5,[],,[],[],[],,\r\n",
    }
    for case, text in cases.items():
        with pytest.raises(InputError) as caught:
            read_texts({"pain.csv": text})
        assert caught.value.problems[0].field.startswith("pain.csv row "), case
    with pytest.raises(InputError) as caught:
        read_texts({"pain.csv": cases["no offset"]})
    assert caught.value.problems[0].field == "pain.csv row 2 column at"


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=300), st.sampled_from(["pain", "sleep", "plan", "instrument-dn4"]))
def test_any_file_text_is_read_or_refused_never_crashes(body: str, kind: str) -> None:
    name = f"{kind}.csv"
    header = ",".join(columns_of("instrument" if kind.startswith("instrument") else kind))
    try:
        read_texts({name: header + "\r\n" + body})
    except InputError as error:
        assert all(p.field.startswith(name) for p in error.problems)
