"""Profiles: nothing a person typed is silently read as something else (issue 12).

`age: yes` was read as 1, `duration: 999999999y` and labs from 1066 were accepted, duplicate
keys kept the last value. Each is now refused by field, value and what is allowed.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path
from typing import Any

import pytest

from b12pain.cli.errors import run_guarded
from b12pain.cli.main import app
from b12pain.clinical.parse import parse_profile
from b12pain.errors import InputError

LAB = {"test": "total_b12", "value": 210, "unit": "ng/L"}

REFUSED: list[tuple[dict[str, Any], str, str]] = [
    # (profile, field, words in the message)
    ({"age": True}, "age", "a number"),
    ({"age": False}, "age", "a number"),
    ({"age": 60, "pain": {"nrs": True}}, "pain.nrs", "a number"),
    ({"age": 60, "labs": [{**LAB, "value": True}]}, "labs[0].value", "a number"),
    ({"age": 60, "labs": [{**LAB, "reference_low": True}]}, "labs[0].reference_low", "a number"),
    ({"age": 60, "pregnant": 1, "sex": "female"}, "pregnant", "yes or no"),
    ({"age": 60, "breastfeeding": 0}, "breastfeeding", "yes or no"),
    ({"age": 60, "labs": [{**LAB, "date": "1066-10-14"}]}, "labs[0].date", "between 1900"),
    ({"age": 60, "labs": [{**LAB, "date": "2101-01-01"}]}, "labs[0].date", "between 1900"),
    ({"age": 60, "medications": [{"name": "metformin", "since": "1800-01-01"}]},
     "medications[0].since", "between 1900"),
    ({"age": 60, "b12_treatment": {"route": "im", "last_dose": "1899-12-31"}},
     "b12_treatment.last_dose", "between 1900"),
    ({"age": 60, "b12_treatment": {"route": "im", "since": "9999-12-31"}},
     "b12_treatment.since", "between 1900"),
    ({"age": 60, "medications": [{"name": "metformin", "duration": "999999999y"}]},
     "medications[0].duration", "at most 120y"),
    ({"age": 60, "medications": [{"name": "metformin", "duration": "1500m"}]},
     "medications[0].duration", "at most 120y"),
    ({"age": 60, "medications": [{"name": "metformin", "duration": "99999w"}]},
     "medications[0].duration", "at most 120y"),
]  # fmt: skip


@pytest.mark.parametrize(("profile", "field", "words"), REFUSED, ids=lambda v: str(v)[:40])
def test_silently_accepted_values_are_now_refused(
    profile: dict[str, Any], field: str, words: str
) -> None:
    with pytest.raises(InputError) as caught:
        parse_profile(profile)
    problems = {p.field: p.message for p in caught.value.problems}
    assert field in problems, problems
    assert words in problems[field]


@pytest.mark.parametrize(
    "profile",
    [
        {"age": 60},
        {"age": 0},
        {"age": 60, "pain": {"nrs": 0}},
        {"age": 60, "labs": [{**LAB, "value": 210.5, "date": "1900-01-01"}]},
        {"age": 60, "medications": ["metformin", {"name": "ppi", "duration": "120y"}]},
        {"age": 60, "pregnant": False, "sex": "female"},
        {"age": 60, "b12_treatment": {"route": "oral", "since": "2100-12-31"}},
    ],
    ids=lambda v: str(v)[:40],
)
def test_ordinary_profiles_still_read(profile: dict[str, Any]) -> None:
    parse_profile(profile)


def cli(monkeypatch, capsys, *args: str) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "argv", ["b12pain", *args])
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    code = run_guarded(app)
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.mark.parametrize(
    ("text", "field", "shown"),
    [
        ("age: yes\n", "age", "True"),
        ("age: 60\nage: 61\n", "PROFILE", "age (line 2)"),
        ("age: 60\nmedications:\n  - {name: metformin, duration: 999999999y}\n",
         "medications[0].duration", "999999999y"),
        ("age: 60\nlabs:\n  - {test: total_b12, value: 210, unit: ng/L, date: 1066-10-14}\n",
         "labs[0].date", "1066-10-14"),
        ("age: 60\npain: {nrs: on}\n", "pain.nrs", "True"),
    ],
    ids=["age yes", "duplicate age", "duration", "1066", "nrs on"],
)  # fmt: skip
@pytest.mark.parametrize("command", [["assess"], ["log", "profile"]], ids=" ".join)
def test_the_commands_refuse_them_by_field(
    command: list[str], text: str, field: str, shown: str, data_dir: Path, tmp_path: Path,
    monkeypatch, capsys,
) -> None:  # fmt: skip
    path = tmp_path / "profile.yaml"
    path.write_text(text, encoding="utf-8")
    code, out, err = cli(monkeypatch, capsys, *command, str(path))
    assert code == 2, (out, err)
    assert "bug in b12pain" not in err
    assert f"error: {field}: " in err and shown in err, err


MEALS_REFUSED = [
    ("person: {age: yes}\nmeals: {lunch: ['2 eggs']}\n", "person.age", "True"),
    ("person: {age: 60, pregnant: 1}\nmeals: {lunch: ['2 eggs']}\n", "person.pregnant", "1"),
    ("person: {age: 60}\ndays:\n  - date: 1066-10-14\n    meals: {lunch: ['2 eggs']}\n",
     "days[0].date", "1066-10-14"),
    ("person: {age: 60}\ndays:\n  - date: 2101-01-01\n    meals: {lunch: ['2 eggs']}\n",
     "days[0].date", "2101-01-01"),
    ("person: {age: 60, age: 61}\nmeals: {lunch: ['2 eggs']}\n", "MEALS", "age"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "field", "shown"), MEALS_REFUSED, ids=lambda v: str(v)[:30])
def test_a_meals_file_is_read_as_strictly(
    text: str, field: str, shown: str, data_dir: Path, tmp_path: Path, monkeypatch, capsys
) -> None:
    path = tmp_path / "meals.yaml"
    path.write_text(text, encoding="utf-8")
    code, out, err = cli(monkeypatch, capsys, "intake", str(path))
    assert code == 2, (out, err)
    assert "bug in b12pain" not in err
    assert f"error: {field}: " in err and shown in err, err
