"""What a person reads: plain words, sensible rounding, no `None`, no ids or Python reprs,
and the "not medical advice" statement where results are shown."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from b12pain.cli.errors import run_guarded
from b12pain.cli.main import app


def cli(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, str]:
    """Run `b12pain ARGS` in-process; the exit status and stdout."""
    monkeypatch.setattr(sys, "argv", ["b12pain", *args])
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    monkeypatch.setenv("COLUMNS", "200")
    code = run_guarded(app)
    return code, capsys.readouterr().out


def test_journal_lines_round_numbers_and_use_words(data_dir: Path, monkeypatch, capsys) -> None:
    code, out = cli(monkeypatch, capsys, "log", "sleep", "6.333333", "--at", "2026-11-22T08:00")
    assert code == 0 and "sleep 6.33 h" in out
    code, out = cli(
        monkeypatch, capsys, "log", "pain", "5", "--regions", "lower_back", "--at", "2026-11-22"
    )
    assert code == 0 and "in lower back" in out


def test_insights_show_the_reference_in_words_with_its_source(
    data_dir: Path, tmp_path: Path, monkeypatch, capsys
) -> None:
    profile = tmp_path / "me.yaml"
    profile.write_text("age: 58\nsex: female\n", encoding="utf-8")
    assert cli(monkeypatch, capsys, "log", "profile", str(profile))[0] == 0
    for day, food in (("2026-11-22", "2 eggs"), ("2026-11-23", "1 cup milk")):
        assert cli(monkeypatch, capsys, "log", "food", food, "--at", f"{day}T08:00")[0] == 0
    assert cli(monkeypatch, capsys, "labs", "add", "total_b12", "133.3", "pmol/L")[0] == 0
    code, out = cli(monkeypatch, capsys, "insights", "--today", "2026-11-24")
    assert code == 0
    assert "intake.us" not in out  # a knowledge id is not a reference a person can read
    assert "adults 19 years and over" in out and "ods-qf" in out
    assert "≈180.6 ng/L" in out  # 133.3 pmol/L converted, to the precision of the result
    assert "None" not in out and "Not medical advice" in out


def test_questionnaire_subscores_are_plain_words(tmp_path: Path, monkeypatch, capsys) -> None:
    answers = tmp_path / "nrs.yaml"
    answers.write_text("nrs: 4\nbaseline: 6\n", encoding="utf-8")
    code, out = cli(monkeypatch, capsys, "questionnaire", "nrs", "--answers", str(answers))
    assert code == 0
    assert "percent change: -33.33 %" in out  # not -33.333333333333336
    assert "_" not in out.split("In plain words")[0]  # no snake_case ids above the summary
    assert "Not medical advice" in out


def test_foods_show_says_no_data_without_a_unit(data_dir: Path, monkeypatch, capsys) -> None:
    code, out = cli(monkeypatch, capsys, "foods", "show", "starter-oat-drink")  # no B12 value
    assert code == 0
    assert "no data µg" not in out and "vitamin B12 per 100 g: no data" in out


@pytest.mark.parametrize(
    "entry_id", ["absorption.dietary_fraction", "follow_up.f1", "note.age_prevalence"]
)
def test_explain_shows_fields_as_lines_not_python(entry_id: str, monkeypatch, capsys) -> None:
    code, out = cli(monkeypatch, capsys, "explain", entry_id)
    assert code == 0
    assert "{'" not in out and "': " not in out and "None" not in out
    if entry_id == "note.age_prevalence":  # an unverified entry says so, in capitals
        assert "UNVERIFIED" in out
