"""`b12pain intake MEALS.yaml`: the file format, JSON output, plain and clinician text, bad input."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from b12pain.cli.errors import run_guarded
from b12pain.cli.main import app

MEALS = """\
person:
  age: 62
  sex: female
  diet: vegetarian
  medications: [{name: metformin, dose: 2 g/day}]
days:
  - date: 2026-11-23
    meals:
      breakfast: ["2 eggs", "1 cup milk"]
      lunch: ["1 slice bread", "1 cup soy milk"]
  - date: 2026-11-24
    meals:
      dinner: ["150 g salmon", {amount: "1/2 cup", food: "starter-01079"}]
"""


def run(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "argv", ["b12pain", *args])
    code = run_guarded(app)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def meals(tmp_path: Path) -> Path:
    path = tmp_path / "meals.yaml"
    path.write_text(MEALS, encoding="utf-8")
    return path


def test_intake_json(
    data_dir: Path, meals: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(monkeypatch, capsys, "intake", str(meals), "--json")
    assert code == 0
    result = json.loads(out)
    summary = result["report"]["summary"]
    foods = result["foods"]
    assert [f["meal"] for f in foods] == [
        "breakfast",
        "breakfast",
        "lunch",
        "lunch",
        "dinner",
        "dinner",
    ]
    known = [f["b12_ug"] for f in foods if f["b12_ug"] is not None]
    assert summary["total_b12_ug"] == pytest.approx(sum(known), abs=1e-3)
    assert summary["days"] == 2 and summary["daily_b12_ug"] == pytest.approx(
        sum(known) / 2, abs=1e-3
    )
    assert (
        summary["coverage"].startswith("at least")
        and "1 of 6 foods has no B12 data" in summary["coverage"]
    )
    assert summary["target"]["amount_ug"] == 2.4
    ids = {n["id"] for n in result["report"]["notes"]}
    assert {"absorption.over_50", "absorption.metformin"} <= ids


def test_intake_text_keeps_plain_and_clinician_wording_apart(
    data_dir: Path, meals: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(monkeypatch, capsys, "intake", str(meals), "--region", "eu", "--pregnant")
    assert code == 0
    assert "Target: 4.5 µg a day (AI, pregnancy, EU)" in out
    plain, clinician = out.split("For clinicians:")
    assert "MHRA 2022" in clinician and "MHRA 2022" not in plain
    assert "Not medical advice" in out
    assert "Foods that would close the gap" in out


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("person: {age: 200}\nmeals: {lunch: ['1 cup milk']}\n", "person.age"),
        ("meals: {lunch: ['1 cup milk']}\n", "person.age"),
        ("person: {age: 40}\nmeals: {lunch: ['2 slices', 'banana']}\n", "days[0].meals.lunch[0]"),
        (
            "person: {age: 40}\nmeals: {lunch: [{amount: '1 cup', food: 'nope'}]}\n",
            "days[0].meals.lunch[0]",
        ),
        ("person: {age: 40}\ndays: []\n", "days"),
        ("person: {age: 40, region: mars}\nmeals: {lunch: ['1 cup milk']}\n", "region"),
    ],
)
def test_bad_meals_files_exit_2_naming_the_field(
    data_dir: Path,
    tmp_path: Path,
    text: str,
    field: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    code, out, _ = run(monkeypatch, capsys, "intake", str(path), "--json")
    assert code == 2
    assert json.loads(out)["errors"][0]["field"] == field


def test_all_problems_are_reported_together(
    data_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(
        # "banana" alone is read as one banana, as `log food` reads it (issue 13)
        "person: {age: 40}\nmeals: {lunch: ['2 slices', '1 zzxqv', '3 slices egg']}\n",
        encoding="utf-8",
    )
    code, _, err = run(monkeypatch, capsys, "intake", str(path))
    assert code == 2
    lines = [line for line in err.splitlines() if line.startswith("error:")]
    assert len(lines) == 3 and "1 large (50 g)" in lines[2]
