"""Questionnaires and the guided check take answers as people type them (issue 13): `dn4`
without the examination answers points to `dn4_interview` (and Enter at the first examination
question scores as DN4-interview); yes/no questions show `[y/n]`; durations take "6 years";
numbers take a unit after them ("250 ng/L") where it matches, and a wrong unit is refused with
what is allowed."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from b12pain.cli.errors import run_guarded
from b12pain.cli.guided_check import GuidedCheck, options_from_knowledge
from b12pain.cli.main import app
from b12pain.cli.questionnaire_cmds import _parse, without_examination
from b12pain.instruments import instrument
from b12pain.knowledge import load
from b12pain.service.quantities import duration_code, duration_in, split_unit

INTERVIEW = {"q1": True, "q2": True, "q3": False, "q4": True, "q5": False, "q6": False, "q7": True}


def _run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str) -> Any:
    """The command as a person runs it (through the same guard as the console script)."""
    monkeypatch.setattr(sys, "argv", ["b12pain", *args])
    code = run_guarded(app)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_dn4_without_examination_answers_suggests_dn4_interview(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    answers = tmp_path / "dn4.json"
    answers.write_text(json.dumps(INTERVIEW), "utf-8")
    code, _, err = _run(monkeypatch, capsys, "questionnaire", "dn4", "--answers", str(answers))
    assert code == 2 and "error: dn4.q8: missing" in err
    assert "error: NAME: 'dn4'; without the examination answers, use dn4_interview" in err
    assert "b12pain questionnaire dn4_interview" in err
    args = ("questionnaire", "dn4_interview", "--answers", str(answers))
    code, out, _ = _run(monkeypatch, capsys, *args)
    assert code == 0 and "Score: 4 (range 0-7)" in out


def test_other_missing_dn4_answers_are_refused_without_the_hint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    answers = tmp_path / "dn4.json"
    answers.write_text(json.dumps({"q1": True}), "utf-8")
    code, _, err = _run(monkeypatch, capsys, "questionnaire", "dn4", "--answers", str(answers))
    assert code == 2 and "dn4.q2: missing" in err
    assert "dn4_interview" not in err


def test_enter_at_the_first_examination_question_scores_dn4_interview() -> None:
    typed = "\n".join(["y", "y", "n", "y", "n", "n", "y", ""]) + "\n"
    result = CliRunner().invoke(app, ["questionnaire", "dn4"], input=typed)
    assert result.exit_code == 0, result.output
    assert "press Enter at the first of them" in result.output
    assert "q1: Burning [y/n]" in result.output  # yes/no questions show [y/n]
    assert "Scoring your answers as dn4_interview." in result.output
    assert "DN4-interview (7 self-reported items)" in result.output


def test_only_instruments_with_an_interview_form_have_one() -> None:
    assert without_examination("dn4") == "dn4_interview"
    assert without_examination("dn4_interview") is None
    assert without_examination("nrs") is None


@pytest.mark.parametrize(
    ("instrument_id", "item", "typed", "expected"),
    [
        ("acr2016", "duration_months", "6 years", 72.0),
        ("acr2016", "duration_months", "18 months", 18.0),
        ("acr2016", "duration_months", "6", 6.0),
        ("ichd3", "attack_hours", "2 days", 48.0),
        ("ichd3", "attack_hours", "4 hours", 4.0),
    ],
)
def test_questionnaire_durations_in_words(
    instrument_id: str, item: str, typed: str, expected: float
) -> None:
    items = {i.id: i for i in instrument(instrument_id).info.items}
    assert _parse(items[item], typed) == expected


@pytest.mark.parametrize(
    ("item", "typed", "words"),
    [
        ("duration_months", "250 ng/L", "months (e.g. 6, or '6 months' or '2 years'); not 'ng/L'"),
        ("fatigue", "2 years", "(a number, no unit); not 'years'"),
    ],
)
def test_a_unit_that_does_not_fit_is_refused_with_what_is_allowed(
    item: str, typed: str, words: str
) -> None:
    items = {i.id: i for i in instrument("acr2016").info.items}
    with pytest.raises(ValueError, match="from 0 to") as refused:
        _parse(items[item], typed)
    assert words in str(refused.value)


def test_the_shared_number_readers() -> None:
    assert split_unit("250 ng/L") == (250.0, "ng/L") and split_unit("7,5") == (7.5, None)
    assert duration_code("6 years") == "6y" and duration_code("2 weeks") == "2w"
    assert duration_code("6y") == "6y" and duration_in("6 years", "months") == 72.0
    with pytest.raises(ValueError, match="6 years, 18 months"):
        duration_code("six years")


def _guided(replies: list[str]) -> tuple[GuidedCheck, list[str]]:
    kb = load()
    options, titles = options_from_knowledge(kb)
    said: list[str] = []
    prompts: list[str] = []
    queue = iter(replies)

    def ask(prompt: str) -> str:
        prompts.append(prompt)
        return next(queue, "")

    check = GuidedCheck(ask=ask, say=said.append, options=options, titles=titles)
    return check, said + prompts


def test_the_guided_check_takes_6_years_and_250_ng_per_litre() -> None:
    check, _ = _guided([])
    metformin = check.options.medicines.index("metformin") + 1
    answers = iter(
        [
            *(str(metformin), "six years", "6 years"),  # a duration in words, once refused
            *("y", "1", "250 mg", "250 ng/L", "2026-11-01", "n"),  # a wrong unit, then right
        ]
    )
    check.ask = lambda prompt: next(answers, "")
    check._medicines()
    check._labs()
    assert check.profile["medications"] == [{"name": "metformin", "duration": "6y"}]
    (lab,) = check.profile["labs"]
    assert (lab["test"], lab["value"], lab["unit"]) == ("total_b12", 250.0, "ng/L")


def test_the_guided_check_says_what_it_allows() -> None:
    said: list[str] = []
    check, _ = _guided([])
    check.say = said.append
    answers = iter(["y", "1", "250 mmol/L", "250", "pg/mL", "", "n"])
    check.ask = lambda prompt: next(answers, "")
    check._labs()
    assert any("unit must be one of" in line and "ng/L" in line for line in said)
    assert check.profile["labs"][0]["unit"] in {"pg/mL", "ng/L"}


def test_guided_yes_no_questions_show_the_choice_in_the_terminal(data_dir: Path) -> None:
    answers = ["", "", "", "40", "2", "1", "", "", "n", "n", "", "", "", "", "n", "n"]
    result = CliRunner().invoke(app, ["check"], input="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.output
    assert "recreationally? [y/N]" in result.output
    assert "Save your answers and this result to your diary? [y/n]" in result.output
