"""`b12pain preferences [show|set …]`: a thin command over `service.preferences`, the same
preferences the web app's Settings saves; `set` keeps the options not given; bad input exits 2
naming the option, the value and what is allowed, and saves nothing."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from b12pain.cli.errors import run_guarded
from b12pain.cli.main import app
from b12pain.service import preferences
from b12pain.service.context import local_session


def run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str):
    monkeypatch.setattr(sys, "argv", ["b12pain", "preferences", *args])
    code = run_guarded(app)
    out = capsys.readouterr()
    return code, out.out, out.err


def stored(data_dir: Path) -> dict[str, object]:
    import datetime as dt

    with local_session(dt.datetime.now().astimezone(), data_dir=data_dir) as ctx:
        return preferences.get_preferences(ctx).model_dump(mode="json")


DEFAULTS = {"b12_unit": None, "intake_region": "us", "intake_life_stage": "from_profile"}


def test_show_lists_the_defaults_in_words_and_as_json(data_dir: Path, monkeypatch, capsys) -> None:
    code, out, _ = run(monkeypatch, capsys)
    assert code == 0
    assert "Unit for B12 blood results: ask each time (--b12-unit)" in out
    code, out, _ = run(monkeypatch, capsys, "show", "--json")
    assert code == 0 and json.loads(out) == DEFAULTS


def test_set_changes_only_what_is_given(data_dir: Path, monkeypatch, capsys) -> None:
    code, out, _ = run(monkeypatch, capsys, "set", "--b12-unit", "pmol/L", "--json")
    assert code == 0 and json.loads(out)["b12_unit"] == "pmol/L"
    code, _, _ = run(monkeypatch, capsys, "set", "--intake-region", "eu")
    assert code == 0
    code, _, _ = run(monkeypatch, capsys, "set", "--intake-life-stage", "pregnancy")
    assert code == 0
    expected = {"b12_unit": "pmol/L", "intake_region": "eu", "intake_life_stage": "pregnancy"}
    assert stored(data_dir) == expected
    code, out, _ = run(monkeypatch, capsys, "show", "--json")
    assert json.loads(out) == expected  # what Settings and the API read
    code, _, _ = run(monkeypatch, capsys, "set", "--b12-unit", "")
    assert code == 0 and stored(data_dir)["b12_unit"] is None  # ask each time again


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            ["--b12-unit", "mmol/L", "--intake-region", "us"],
            "--b12-unit: 'mmol/L'; one of ng/L, pg/mL, pmol/L, ng/mL",
        ),
        (["--intake-region", "mars"], "--intake-region: 'mars'; one of us, eu"),
        (
            ["--intake-life-stage", "<b>old</b>", "--b12-unit", "ng/L"],
            "--intake-life-stage: '<b>old</b>'; one of from_profile, pregnancy, breastfeeding",
        ),
        ([], "preferences: missing; at least one of --b12-unit, --intake-region"),
    ],
)
def test_bad_input_exits_2_naming_option_value_and_allowed(
    data_dir: Path, monkeypatch, capsys, args: list[str], expected: str
) -> None:
    assert run(monkeypatch, capsys, "set", "--intake-region", "eu")[0] == 0
    code, _, err = run(monkeypatch, capsys, "set", *args)
    assert code == 2, err
    assert expected in err and "Traceback" not in err
    assert stored(data_dir) == {**DEFAULTS, "intake_region": "eu"}  # nothing saved
