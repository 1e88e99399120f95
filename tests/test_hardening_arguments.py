"""Typed arguments: a refusal names the argument, repeats the value and says what is allowed.

Issue 12 counted 76 refusals like `log pain abc` that named neither the value nor the range,
and empty `--sex/--diet/--region` that were silently ignored.
"""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest

from cli_walk import annotated_with, annotation, cli, parameter_cases

ROOT = Path(__file__).resolve().parents[1]
MEALS = str(ROOT / "examples" / "meals.yaml")


TYPED = [
    # (command line, field, value shown, words of what is allowed)
    (["log", "pain", "abc"], "nrs", "'abc'", "whole number"),
    (["log", "pain", "5.5"], "nrs", "'5.5'", "whole number"),
    (["log", "sleep", "abc"], "hours", "'abc'", "number"),
    (["log", "sleep", "7", "--quality", "good"], "--quality", "'good'", "whole number"),
    (["log", "exercise", "half an hour"], "minutes", "'half an hour'", "whole number"),
    (["log", "stress", "high"], "level", "'high'", "whole number"),
    (["log", "mood", "ok"], "level", "'ok'", "whole number"),
    (["log", "dose", "--form", "oral", "--amount", "lots"], "--amount", "'lots'", "number"),
    (["foods", "search", "egg", "--limit", "many"], "--limit", "'many'", "whole number"),
    (["plan", "stock", "x"], "units", "'x'", "whole number"),
]


@pytest.mark.parametrize(("args", "field", "value", "allowed"), TYPED, ids=lambda v: str(v)[:30])
def test_a_value_of_the_wrong_type_is_named_with_what_is_allowed(
    args: list[str], field: str, value: str, allowed: str, data_dir: Path, monkeypatch, capsys
) -> None:
    code, out, err = cli(monkeypatch, capsys, *args)
    assert code == 2, (out, err)
    assert "bug in b12pain" not in err and "Traceback" not in err
    line = next(line for line in err.splitlines() if line.startswith("error: "))
    assert line.lower().startswith(f"error: {field}:"), err
    assert value in line and allowed in line, line
    code, out, _ = cli(monkeypatch, capsys, *args, "--json")
    problem = json.loads(out)["errors"][0]
    assert problem["field"].lower() == field and problem["value"] == value.strip("'")


def test_a_lab_value_that_is_not_a_number_is_named(data_dir: Path, monkeypatch, capsys) -> None:
    code, _out, err = cli(monkeypatch, capsys, "labs", "total_b12", "low", "ng/L")
    assert code == 2 and "bug in b12pain" not in err
    assert err.startswith("error: labs[0].value: 'low'; ") and "number" in err


@pytest.mark.parametrize(
    ("message_type", "words"),
    [("int_parsing", "a whole number"), ("float_parsing", "a number")],
)
def test_usage_problem_names_parameter_value_and_range(message_type: str, words: str) -> None:
    """The translation itself, on the exception Typer raises (works before the wiring)."""
    from b12pain.cli.bad_arguments import usage_problem
    from b12pain.cli.main import app as typer_app

    args = ["log", "pain", "abc"] if message_type == "int_parsing" else ["log", "sleep", "abc"]
    with pytest.raises(Exception) as caught:
        typer_app(args, standalone_mode=False)
    problem = usage_problem(caught.value)
    assert problem.value == "abc"
    assert problem.field in ("nrs", "hours")
    assert problem.message.startswith(words) and "0" in problem.message


@pytest.mark.parametrize("option", ["--sex", "--diet", "--region"])
@pytest.mark.parametrize("empty", ["", " "])
def test_an_empty_choice_is_refused_not_ignored(
    option: str, empty: str, data_dir: Path, monkeypatch, capsys
) -> None:
    code, out, err = cli(monkeypatch, capsys, "intake", MEALS, option, empty)
    assert code == 2, (out, err)
    assert "bug in b12pain" not in err
    assert err.startswith(f"error: {option.removeprefix('--')}:") or err.startswith(
        f"error: {option}:"
    ), err


def _numeric_parameters() -> list[tuple[list[str], str]]:
    """Every int or float argument and option of every command, as (command line, field)."""
    return [
        (
            args,
            max((o for o in target.opts if o.startswith("-")), key=len)
            if target.param_type_name == "option"
            else str(target.name),
        )
        for args, target in parameter_cases(lambda p: annotated_with(p, int, float), "abc")
    ]


NUMERIC = _numeric_parameters()


def test_the_enumeration_finds_the_typed_arguments() -> None:
    assert len(NUMERIC) >= 20  # a refactor that hides them from this test would show here


@pytest.mark.parametrize(
    ("args", "field"), NUMERIC, ids=lambda v: " ".join(v) if isinstance(v, list) else v
)
def test_every_numeric_argument_names_itself_the_value_and_what_is_allowed(
    args: list[str], field: str, data_dir: Path, monkeypatch, capsys
) -> None:
    code, out, err = cli(monkeypatch, capsys, *args)
    assert code == 2, (out, err)
    assert "bug in b12pain" not in err and "Traceback" not in err
    first = next(line for line in err.splitlines() if line.startswith("error: "))
    assert first.startswith(f"error: {field}: 'abc'; "), first
    assert "number" in first, first


@pytest.mark.parametrize(
    "value",
    ["~nosuchuser-b12pain/x", "/dev/null/x", "/proc/self/x", "a/" * 3000],
    ids=["unknown user", "under a device", "under /proc", "path too long"],
)
def test_an_unusable_data_folder_setting_is_refused(
    value: str, tmp_path: Path, monkeypatch, capsys
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("B12PAIN_DATA_DIR", value)
    monkeypatch.delenv("B12PAIN_DATABASE_URL", raising=False)
    code, out, err = cli(monkeypatch, capsys, "history")
    assert code == 2, (out, err)
    assert "bug in b12pain" not in err and err.startswith("error: B12PAIN_DATA_DIR: ")


def test_a_new_data_folder_is_private_with_its_new_parents(
    tmp_path: Path, monkeypatch, capsys
) -> None:
    import os
    import stat

    previous = os.umask(0o022)
    try:
        monkeypatch.setenv("B12PAIN_DATA_DIR", str(tmp_path / "new" / "b12pain"))
        monkeypatch.delenv("B12PAIN_DATABASE_URL", raising=False)
        code, _, err = cli(monkeypatch, capsys, "history")
    finally:
        os.umask(previous)
    assert code == 0, err
    for folder in (tmp_path / "new", tmp_path / "new" / "b12pain"):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("sqlite://", "B12PAIN_DATABASE_URL"),
        ("sqlite:///", "B12PAIN_DATABASE_URL"),
        ("sqlite:///:memory:", "B12PAIN_DATABASE_URL"),
        ("sqlite:///" + "x" * 300, "journal"),
    ],
    ids=["memory", "memory with slash", ":memory:", "name too long"],
)
def test_a_database_url_that_would_lose_entries_or_cannot_work_is_refused(
    url: str, field: str, data_dir: Path, monkeypatch, capsys
) -> None:
    """`sqlite://` once answered "Saved" and kept the entry in memory only: lost at exit."""
    monkeypatch.setenv("B12PAIN_DATABASE_URL", url)
    code, out, err = cli(monkeypatch, capsys, "log", "pain", "5")
    assert code == 2, (out, err)
    assert "Saved" not in out and "bug in b12pain" not in err
    assert err.startswith(f"error: {field}: "), err


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "1899-12-31", "2026-02-30"])
@pytest.mark.parametrize(
    "command",
    [
        ["synth", "--patients", "5", "--out", "OUT"],
        ["screen", "--input", "OUT", "--out", "OUT/f.csv"],
    ],
    ids=["synth", "screen"],
)
def test_cohort_dates_are_checked_like_every_other_date(
    command: list[str], day: str, tmp_path: Path, monkeypatch, capsys
) -> None:
    """`synth --as-of 9999-12-31` once ended in OverflowError ("bug")."""
    args = [str(tmp_path) if a == "OUT" else a.replace("OUT", str(tmp_path)) for a in command]
    code, out, err = cli(monkeypatch, capsys, *args, "--as-of", day)
    assert code == 2, (out, err)
    assert "bug in b12pain" not in err
    assert f"error: --as-of: '{day}'; " in err, err


def _date_options() -> list[tuple[list[str], str]]:
    """Every option of every command whose help asks for a date, with placeholders for the
    required arguments and options around it (the date itself is added by the test)."""

    def asks_for_a_date(param: click.Parameter) -> bool:
        words = str(getattr(param, "help", "") or "")
        return param.param_type_name == "option" and any(
            mark in words for mark in ("YYYY-MM-DD", "ISO date")
        )

    return [
        (args[:-1], target.opts[0])  # without the marker: the test appends the date
        for args, target in parameter_cases(asks_for_a_date, "DATE")
    ]


DATE_OPTIONS = _date_options()


def test_the_enumeration_finds_the_date_options() -> None:
    assert len(DATE_OPTIONS) >= 10


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
@pytest.mark.parametrize(
    ("args", "option"), DATE_OPTIONS, ids=lambda v: " ".join(v) if isinstance(v, list) else v
)
def test_every_date_option_refuses_a_date_beyond_the_calendar_cleanly(
    args: list[str], option: str, day: str, data_dir: Path, tmp_path: Path, monkeypatch, capsys
) -> None:
    monkeypatch.chdir(tmp_path)  # placeholders such as `--out 1` land here
    code, out, err = cli(monkeypatch, capsys, *args, day)
    assert code == 2, (out, err)
    assert "bug in b12pain" not in err and "Traceback" not in err


def _text_parameters() -> list[tuple[list[str], str]]:
    """Every text argument and option of every command (except `serve`), with placeholders."""

    def is_text(param: click.Parameter) -> bool:
        declared = annotation(param)
        return declared in (str, str | None) or str in getattr(declared, "__args__", ())

    return [
        (args, str(target.name))
        for args, target in parameter_cases(is_text, "TEXT", skip=("serve",))
    ]


TEXT_PARAMETERS = _text_parameters()


def test_the_enumeration_finds_the_text_parameters() -> None:
    assert len(TEXT_PARAMETERS) >= 30


@pytest.mark.parametrize(
    "text",
    ["", "x" * 10_000, "[/]\x1b[2J\u202e"],
    ids=["empty", "10k", "hostile"],
)
@pytest.mark.parametrize(
    ("args", "name"), TEXT_PARAMETERS, ids=lambda v: " ".join(v) if isinstance(v, list) else v
)
def test_any_text_for_any_text_parameter_is_answered_cleanly(
    args: list[str], name: str, text: str, data_dir: Path, tmp_path: Path, monkeypatch, capsys
) -> None:
    monkeypatch.chdir(tmp_path)
    code, _out, err = cli(monkeypatch, capsys, *[text if a == "TEXT" else a for a in args])
    assert code in (0, 2, 130), (code, err[-500:])
    assert "bug in b12pain" not in err and "Traceback" not in err, err[-500:]
    for control in ("\x1b", "\u202e"):
        assert control not in err
