"""The CLI guard: exit codes survive, input errors are one line each, bugs never show a traceback."""

from __future__ import annotations

import sys

import pytest
import typer

from b12pain.cli.errors import fail, run_guarded
from b12pain.errors import InputError, Problem


def _app() -> typer.Typer:
    app = typer.Typer()

    @app.command()
    def exit_code(code: int, as_json: bool = typer.Option(False, "--json")) -> None:
        raise typer.Exit(code)

    @app.command()
    def refuse() -> None:
        fail([Problem("dose", "5 g", "between 50 µg and 1 mg")])

    @app.command()
    def bad_input() -> None:
        raise InputError(
            [Problem("age", 130, "0 to 120"), Problem("sex", "x", "one of female, male")]
        )

    @app.command()
    def crash() -> None:
        raise RuntimeError("boom")

    return app


@pytest.mark.parametrize(
    ("args", "code"), [(["exit-code", "3"], 3), (["exit-code", "0"], 0), (["refuse"], 2)]
)
def test_exit_codes_survive(monkeypatch, args, code) -> None:
    monkeypatch.setattr(sys, "argv", ["b12pain", *args])
    assert run_guarded(_app()) == code


def test_input_error_prints_one_line_per_problem(monkeypatch, capsys) -> None:
    monkeypatch.setattr(sys, "argv", ["b12pain", "bad-input"])
    assert run_guarded(_app()) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["error: age: 130; 0 to 120", "error: sex: 'x'; one of female, male"]


def test_unexpected_error_is_one_clean_message(monkeypatch, capsys) -> None:
    monkeypatch.setattr(sys, "argv", ["b12pain", "crash"])
    assert run_guarded(_app()) == 1
    err = capsys.readouterr().err
    assert "RuntimeError: boom" in err and "Traceback" not in err


def test_usage_error_exits_2(monkeypatch, capsys) -> None:
    monkeypatch.setattr(sys, "argv", ["b12pain", "no-such-command"])
    assert run_guarded(_app()) == 2


def test_usage_error_with_json_is_a_json_error_list(monkeypatch, capsys) -> None:
    import json

    monkeypatch.setattr(sys, "argv", ["b12pain", "exit-code", "abc", "--json"])
    assert run_guarded(_app()) == 2
    errors = json.loads(capsys.readouterr().out)["errors"]
    assert errors[0]["field"] == "code" and "abc" not in errors[0]["field"]


def test_long_values_are_cut_and_pydantic_wording_is_friendly() -> None:
    from pydantic import ValidationError

    from b12pain.clinical.profile import Profile
    from b12pain.errors import MAX_ECHO, problems_from_pydantic

    with pytest.raises(ValidationError) as caught:
        Profile.model_validate({"age": 40, "ethnicity": "x" * 3000, "medications": "metformin"})
    problems = {p.field: p for p in problems_from_pydantic(caught.value)}
    assert len(str(problems["ethnicity"])) < MAX_ECHO + 100
    assert len(problems["ethnicity"].as_dict()["value"]) == MAX_ECHO + 1
    assert problems["medications"].message == "should be a list, e.g. [a, b]"


def test_empty_unit_is_shown_as_given_and_absent_unit_as_missing() -> None:
    from pydantic import ValidationError

    from b12pain.clinical.profile import LabResult
    from b12pain.errors import problems_from_pydantic

    for raw, shown in (
        ({"test": "mma", "value": 1}, "missing"),
        ({"test": "mma", "value": 1, "unit": ""}, "''"),
    ):
        with pytest.raises(ValidationError) as caught:
            LabResult.model_validate(raw)
        (problem,) = problems_from_pydantic(caught.value)
        assert str(problem) == f"unit: {shown}; one of umol/L, nmol/L, nmol/mL"
