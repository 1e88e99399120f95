"""`--at` in people's words (issue 13): "yesterday 08:30", "08:30", "2h ago", "30 min ago",
"today 7pm" as well as ISO, read in the service layer against the `now` passed in; anything else
refused with the field, the value and the forms allowed; a time ahead refused as before."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest

from b12pain.errors import InputError
from b12pain.service.when import FORMS, parse_when, resolve_at
from servicekit import NOW, ZONE

# NOW is 2026-11-24 09:30 at +01:00.


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("yesterday 08:30", dt.datetime(2026, 11, 23, 8, 30, tzinfo=ZONE)),
        ("Yesterday 8.30", dt.datetime(2026, 11, 23, 8, 30, tzinfo=ZONE)),
        ("yesterday 11pm", dt.datetime(2026, 11, 23, 23, 0, tzinfo=ZONE)),
        ("08:30", dt.datetime(2026, 11, 24, 8, 30, tzinfo=ZONE)),
        ("today 7am", dt.datetime(2026, 11, 24, 7, 0, tzinfo=ZONE)),
        ("today 12:15 am", dt.datetime(2026, 11, 24, 0, 15, tzinfo=ZONE)),
        ("2h ago", dt.datetime(2026, 11, 24, 7, 30, tzinfo=ZONE)),
        ("30 min ago", dt.datetime(2026, 11, 24, 9, 0, tzinfo=ZONE)),
        ("an hour ago", dt.datetime(2026, 11, 24, 8, 30, tzinfo=ZONE)),
        ("3 days ago", dt.datetime(2026, 11, 21, 9, 30, tzinfo=ZONE)),
        ("now", NOW),
        ("2026-11-20T21:30+01:00", dt.datetime(2026, 11, 20, 21, 30, tzinfo=ZONE)),
    ],
)
def test_everyday_times_are_read_against_now(typed: str, expected: dt.datetime) -> None:
    assert resolve_at(NOW, typed) == expected


@pytest.mark.parametrize(
    "typed", ["yesterday", "soon", "25:00", "13pm", "8", "3000 days ago", "2 fortnights ago"]
)
def test_other_words_are_refused_with_the_forms_allowed(typed: str) -> None:
    with pytest.raises(InputError) as refused:
        resolve_at(NOW, typed)
    (problem,) = refused.value.problems
    assert (problem.field, problem.value) == ("at", typed)
    assert FORMS in problem.message and "yesterday 08:30" in problem.message


def test_a_time_of_day_still_ahead_is_refused_and_points_to_yesterday() -> None:
    with pytest.raises(InputError) as refused:
        resolve_at(NOW, "23:00")
    (problem,) = refused.value.problems
    assert problem.value == "23:00" and "a time that has passed" in problem.message
    assert '"yesterday 23:00"' in problem.message


def test_future_iso_times_are_refused_as_before_and_a_planned_dose_may_lie_ahead() -> None:
    assert resolve_at(NOW, "2026-11-24T20:00+01:00").hour == 20  # within a day: clocks differ
    with pytest.raises(InputError):
        resolve_at(NOW, "2026-11-27T08:00+01:00")
    with pytest.raises(InputError):
        resolve_at(NOW, "tomorrow 08:00")
    planned = resolve_at(NOW, "tomorrow 08:00", future_ok=True)
    assert planned == dt.datetime(2026, 11, 25, 8, 0, tzinfo=ZONE)


def test_without_now_only_iso_is_read() -> None:
    assert parse_when("2026-11-20T08:00+01:00").day == 20
    with pytest.raises(InputError):
        parse_when("08:30")


def test_the_cli_takes_everyday_words(
    data_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from b12pain.cli.errors import run_guarded
    from b12pain.cli.main import app

    def run(*args: str) -> tuple[int, str, str]:
        monkeypatch.setattr(sys, "argv", ["b12pain", *args])
        code = run_guarded(app)
        out = capsys.readouterr()
        return code, out.out, out.err

    code, _, err = run("log", "sleep", "7", "--at", "yesterday 23:30")
    assert code == 0, err
    code, _, err = run("log", "pain", "4", "--at", "2h ago", "--json")
    assert code == 0, err
    code, _, err = run("log", "pain", "4", "--at", "half past eight")
    assert code == 2 and "at" in err and "half past eight" in err and "2h ago" in err
