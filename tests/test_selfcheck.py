"""service.selfcheck and the CLI guided check: red-flag questions first, a red flag shown as soon
as its question is answered, then continue or stop (clinical-spec §J.13; issue 10)."""

from __future__ import annotations

import json
import sys

import pytest

from b12pain.cli.guided_check import GuidedCheck, to_profile_dict
from b12pain.knowledge import load
from b12pain.service.selfcheck import (
    RED_FLAG_ANSWERS,
    answers_to_profile,
    options_from_knowledge,
    questions,
    red_flag_questions,
    red_flags_so_far,
)

KB = load()


def test_red_flag_questions_come_first_and_cover_every_red_flag_feature() -> None:
    asked = questions(KB)
    red = [q for q in asked if q.red_flag]
    assert asked[: len(red)] == tuple(red)  # every red-flag question before any other
    assert [q.id for q in red] == ["red_flags.spine", "red_flags.head", "red_flags.general"]
    options, _ = options_from_knowledge(KB)
    offered = {c for q in red for c in q.choices}
    assert set(options.red_flags) <= offered
    assert red[0].choices[0] == "saddle_numbness"  # emergency features first


def test_answers_to_profile_merges_the_question_keys() -> None:
    profile = answers_to_profile(
        {
            "red_flags.spine": ["saddle_numbness"],
            "red_flags.head": [],
            "symptoms.nerve": ["tingling"],
            "symptoms.general": ["fatigue", "tingling"],
            "age": 50,
        }
    )
    assert profile == {"age": 50, "symptoms": ["saddle_numbness", "tingling", "fatigue"]}
    legacy = answers_to_profile({RED_FLAG_ANSWERS: ["fever"], "symptoms": ["fatigue"], "age": 3})
    assert legacy["symptoms"] == ["fever", "fatigue"]


def test_red_flags_so_far_from_the_first_answer_alone() -> None:
    flags = red_flags_so_far(KB, {"red_flags.spine": ["saddle_numbness"]})
    assert [f.id for f in flags] == ["cauda_equina"]
    assert flags[0].urgency == "emergency"
    assert red_flags_so_far(KB, {"red_flags.spine": []}) == ()
    # the age-bound flag waits for the age; then it shows
    assert red_flags_so_far(KB, {"red_flags.spine": ["new_back_pain"]}) == ()
    later = red_flags_so_far(KB, {"red_flags.spine": ["new_back_pain"], "age": 60})
    assert [f.id for f in later] == ["spinal_new_pain_age"]
    # answers that are not a valid profile yet are read for their red-flag features only
    odd = red_flags_so_far(KB, {"red_flags.spine": ["saddle_numbness"], "age": "old"})
    assert [f.id for f in odd] == ["cauda_equina"]


def scripted(answers: list[str]) -> tuple[GuidedCheck, list[str], list[str]]:
    prompts: list[str] = []
    said: list[str] = []
    replies = iter(answers)
    options, titles = options_from_knowledge(KB)

    def ask(prompt: str) -> str:
        prompts.append(prompt)
        return next(replies)

    check = GuidedCheck(ask=ask, say=said.append, options=options, titles=titles, kb=KB)
    return check, prompts, said


def test_cauda_equina_answer_is_shown_at_once_and_the_person_can_stop() -> None:
    """Issue 10: the guided check asked 13 more questions after a cauda-equina answer."""
    check, prompts, said = scripted(["1", "s"])  # saddle numbness, then stop
    profile = check.run()
    assert check.stopped
    assert len(prompts) == 2  # the spine question, then continue-or-stop: nothing else
    assert "stop" in prompts[-1]
    shown = " ".join(said)
    assert "RED FLAG — EMERGENCY" in shown
    assert "Go to an emergency department now (in the UK: A&E or call 999)" in shown
    assert to_profile_dict(profile)["symptoms"] == ["saddle_numbness"]


def test_the_person_can_continue_after_a_red_flag_and_it_is_shown_once() -> None:
    answers = ["1", "c", "", "", "50", "1", "n", "n", "1", "", "", "n", "n", "", "", "", "", "n"]
    check, _prompts, said = scripted(answers)
    profile = check.run()
    assert not check.stopped
    assert sum("RED FLAG" in line for line in said) == 1
    assert profile["age"] == 50
    assert to_profile_dict(profile)["symptoms"] == ["saddle_numbness"]


def test_suspected_neurological_flag_shows_once_its_questions_are_answered() -> None:
    """The flag needs a risk factor and a sign: it shows right after the symptom question."""
    options, _ = options_from_knowledge(KB)
    vegan = str(options.diets.index("vegan") + 1)
    nerve = str(options.nerve_symptoms.index("poor_balance") + 1)
    answers = ["", "", "", "45", "1", "n", "n", vegan, "", "", "n", "n", nerve, "", "s"]
    check, prompts, said = scripted(answers)
    check.run()
    assert check.stopped
    assert any("RED FLAG — URGENT" in line for line in said)
    assert "Pain right now" not in " ".join(prompts)  # stopped before the pain question


def test_cli_check_stops_after_a_red_flag_and_saves_nothing(monkeypatch, capsys, tmp_path) -> None:
    import io

    from b12pain.cli.errors import run_guarded
    from b12pain.cli.main import app

    saved = tmp_path / "profile.yaml"
    monkeypatch.setattr(
        sys, "argv", ["b12pain", "check", "--save", str(saved), "--today", "2026-11-24", "--json"]
    )
    monkeypatch.setattr(sys, "stdin", io.StringIO("1\ns\n"))
    code = run_guarded(app)
    out = capsys.readouterr()
    assert code == 0
    assert not saved.exists()
    payload = json.loads(out.out[out.out.index("{") :])
    assert payload["stopped"] is True and payload["red_flags"][0]["id"] == "cauda_equina"
    assert "Go to an emergency department now" in " ".join(out.err.split())


@pytest.mark.parametrize("reply", ["x", "maybe"])
def test_continue_or_stop_asks_again_on_other_answers(reply: str) -> None:
    check, _prompts, said = scripted(["1", reply, "s"])
    check.run()
    assert check.stopped and any("c to continue or s to stop" in line for line in said)


def test_red_flag_questions_are_cached_per_knowledge_base() -> None:
    assert red_flag_questions(KB) is red_flag_questions(KB)


def test_recent_medical_nitrous_oxide_is_asked_and_recorded() -> None:
    """§J.5: `medical_recent` is reachable from the guided check; with nerve symptoms it raises
    the nitrous-oxide red flag."""
    options, _ = options_from_knowledge(KB)
    tingling = str(options.nerve_symptoms.index("tingling") + 1)
    answers = ["", "", "", "30", "2", "1", "", "", "n", "y", tingling, "", "s"]
    check, _prompts, said = scripted(answers)
    profile = check.run()
    assert profile["nitrous_oxide"] == "medical_recent"
    assert check.stopped and any("Nitrous oxide" in line for line in said)
