"""A MEALS file is read as `log food` reads a phrase (issue 13): the same food-phrase reader
(`FoodDatabase.match_phrase`, household measures, plain foods first), so "1 bowl oatmeal",
"2 slices toast" and "1 can tuna" are weighed in `b12pain intake` exactly as when logged."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from b12pain.cli.errors import run_guarded
from b12pain.cli.main import app
from b12pain.foods import FoodDatabase
from b12pain.foods.meals import measure_meals, read_meals

EVERYDAY = ["1 bowl oatmeal", "2 slices toast", "1 can tuna", "1 glass milk", "half a tin of tuna"]


def _meals_file(tmp_path: Path, foods: list[str]) -> Path:
    path = tmp_path / "meals.json"
    path.write_text(json.dumps({"person": {"age": 58}, "meals": {"day": foods}}), "utf-8")
    return path


def test_meals_are_weighed_as_log_food_weighs_them(data_dir: Path, tmp_path: Path) -> None:
    meals = read_meals(_meals_file(tmp_path, EVERYDAY))
    with FoodDatabase.open() as db:
        logged = measure_meals(db, meals)
        matched = [db.match_phrase(text) for text in EVERYDAY]
    assert [(f.food_id, f.grams, f.b12_ug) for f in logged] == [
        (m.food_id, m.grams, m.b12_ug) for m in matched
    ]
    by_text = {f.amount_text: f for f in logged}
    assert by_text["2 slices toast"].portion == matched[1].measure
    assert "french" not in by_text["2 slices toast"].description.lower()
    assert by_text["half a tin of tuna"].grams == pytest.approx(by_text["1 can tuna"].grams / 2)
    assert all(f.measure_basis for f in logged)


def test_the_intake_command_reads_everyday_phrases(
    data_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = _meals_file(tmp_path, EVERYDAY)
    monkeypatch.setattr(sys, "argv", ["b12pain", "intake", str(path), "--json"])
    assert run_guarded(app) == 0
    foods = json.loads(capsys.readouterr().out)["foods"]
    assert [f["amount_text"] for f in foods] == EVERYDAY
    assert all(f["grams"] > 0 for f in foods)


def test_a_phrase_that_matches_nothing_is_refused_at_its_place(
    data_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = _meals_file(tmp_path, ["2 eggs", "1 bowl of zzxqv"])
    monkeypatch.setattr(sys, "argv", ["b12pain", "intake", str(path)])
    assert run_guarded(app) == 2
    err = capsys.readouterr().err
    assert "error: days[0].meals.day[1]: '1 bowl of zzxqv'" in err and "no food matches" in err
