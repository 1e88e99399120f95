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
    def exit_code(code: int) -> None:
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
