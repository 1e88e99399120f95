"""`history` reads as a diary (issue 13): one line a day by default (pain average and range,
doses, sleep, notes), computed by the service (`diary.daily_summary`), readable at 80 columns;
every entry with `--all`."""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from b12pain.journal import Journal
from b12pain.service import diary, plans
from b12pain.service.context import Context
from servicekit import ZONE, context


@pytest.fixture
def ctx(tmp_path: Path) -> Iterator[Context]:
    with Journal.open(f"sqlite:///{tmp_path / 'journal.sqlite'}") as store:
        yield context(store)


def _at(day: int, hour: int) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, 0, tzinfo=ZONE)


def test_a_day_in_one_line(ctx: Context) -> None:
    diary.log_pain(ctx, diary.PainInput(6, at=_at(20, 8), note="stairs"))
    diary.log_pain(ctx, diary.PainInput(3, at=_at(20, 20)))
    diary.log_pain(ctx, diary.PainInput(4, at=_at(20, 13)))
    diary.log_sleep(ctx, diary.SleepInput(6.5, 2, at=_at(20, 7)))
    plans.record_own_supplement(
        ctx, plans.OwnSupplementInput(1000, starts_on=dt.date(2026, 11, 19))
    )
    plans.log_dose(ctx, plans.DoseInput("taken", at=_at(20, 9)))
    plans.log_dose(ctx, plans.DoseInput("skipped", at=_at(21, 9)))
    uid = diary.log_mood(ctx, diary.LevelInput(3, at=_at(21, 10))).uid
    diary.add_comment(ctx, uid, "better after a walk")

    days = {d.day: d for d in diary.daily_summary(ctx, kinds=["pain", "sleep", "dose", "mood"])}
    first, second = days[dt.date(2026, 11, 20)], days[dt.date(2026, 11, 21)]
    assert (first.pain_ratings, first.pain_low, first.pain_high) == (3, 3, 6)
    assert first.pain_mean == pytest.approx(13 / 3)
    assert (first.doses_taken, first.doses_missed, first.sleep_hours) == (1, 0, 6.5)
    assert (first.notes, first.entries) == (1, 5)
    assert second.pain_mean is None and second.sleep_hours is None
    assert (second.doses_taken, second.doses_missed, second.notes) == (0, 1, 1)
    only = diary.daily_summary(ctx, start=dt.date(2026, 11, 21), end=dt.date(2026, 11, 21))
    assert [d.day for d in only] == [dt.date(2026, 11, 21)]


class Cli:
    def __init__(self, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch):
        self.capsys, self.monkeypatch = capsys, monkeypatch

    def __call__(self, *args: str) -> tuple[int, str, str]:
        from b12pain.cli.errors import run_guarded
        from b12pain.cli.main import app

        self.monkeypatch.setattr(sys, "argv", ["b12pain", *args])
        self.monkeypatch.setenv("COLUMNS", "80")
        code = run_guarded(app)
        captured = self.capsys.readouterr()
        return code, captured.out, captured.err


@pytest.fixture
def cli(data_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Cli:
    return Cli(capsys, monkeypatch)


def test_history_shows_a_line_a_day_and_every_entry_with_all(cli: Cli) -> None:
    long_note = "woke at three with burning feet and could not settle again " * 3
    for args in (
        ["log", "pain", "6", "--at", "2026-11-20T08:00", "--note", long_note],
        ["log", "pain", "2", "--at", "2026-11-20T21:00"],
        ["log", "sleep", "7.5", "--at", "2026-11-21T07:00"],
        ["log", "pain", "5", "--at", "2026-11-21T09:00", "--regions", "left knee"],
    ):
        assert cli(*args)[0] == 0
    code, out, _ = cli("history")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split()[:2] == ["day", "pain:"]
    (nov20,) = [line for line in lines if "2026-11-20" in line]
    (nov21,) = [line for line in lines if "2026-11-21" in line]
    assert "4.0 (2-6, 2x)" in nov20 and nov20.split()[-2:] == ["1", "2"]  # notes, entries
    assert "7.5 h" in nov21 and "5.0" in nov21
    assert "b12pain history --all" in out and "woke at three" not in out
    assert max(len(line) for line in lines) <= 80

    code, out, _ = cli("history", "--all")
    assert code == 0 and "woke at three" in out and "left knee" in out
    assert max(len(line) for line in out.splitlines()) <= 80

    data = json.loads(cli("history", "--json")[1])
    assert len(data["entries"]) == 4 and [d["day"] for d in data["days"]] == [
        "2026-11-20",
        "2026-11-21",
    ]
    assert "days" not in json.loads(cli("history", "--all", "--json")[1])


def test_history_of_an_empty_period(cli: Cli) -> None:
    code, out, _ = cli("history", "--from", "2026-01-01", "--to", "2026-01-31")
    assert code == 0 and out.strip() == "No entries in this period."
