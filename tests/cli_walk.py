"""The CLI walked for the hardening tests: run a command in-process, and list every parameter of
every command with placeholders for the others (shared by `test_hardening_arguments.py` and
`test_hardening_files.py`)."""

from __future__ import annotations

import io
import sys
import types
import typing
from collections.abc import Callable, Iterator
from typing import Any

import click
import pytest
import typer.main

from b12pain.cli.errors import run_guarded
from b12pain.cli.main import app

#: What every other argument, and every other required option, is given.
PLACEHOLDER = "1"


def cli(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str, stdin: str = ""
) -> tuple[int, str, str]:
    """Run `b12pain ARGS` in-process through the same guard as the console script: exit code,
    standard output, standard error."""
    monkeypatch.setattr(sys, "argv", ["b12pain", *args])
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = run_guarded(app)
    out = capsys.readouterr()
    return code, out.out, out.err


def commands() -> Iterator[tuple[list[str], click.Command]]:
    """Every command that runs (not a group), with the words that name it (`["log", "pain"]`)."""

    def walk(command: click.Command, path: list[str]) -> Iterator[tuple[list[str], click.Command]]:
        subcommands = getattr(command, "commands", None)
        if not subcommands:
            yield path, command
            return
        for name, sub in subcommands.items():
            yield from walk(sub, [*path, name])

    yield from walk(typer.main.get_command(app), [])


def parameter_cases(
    select: Callable[[click.Parameter], bool], marker: str, *, skip: tuple[str, ...] = ()
) -> list[tuple[list[str], click.Parameter]]:
    """(command line, parameter) for every parameter `select` picks, in every command except
    those whose first word is in `skip`: the parameter is given `marker` (an option at the end),
    every other argument and every other required option `PLACEHOLDER`."""
    cases = []
    for path, command in commands():
        if path[:1] and path[0] in skip:
            continue
        params = list(command.params)
        for target in params:
            if not select(target):
                continue
            args = list(path)
            for param in params:
                if param.param_type_name == "argument":
                    args.append(marker if param is target else PLACEHOLDER)
                elif param.required and param is not target:
                    args += [param.opts[0], PLACEHOLDER]
            if target.param_type_name == "option":
                args += [target.opts[0], marker]
            cases.append((args, target))
    return cases


def annotation(param: click.Parameter) -> Any:
    """The Python type annotation Typer read for a parameter (None if it has none)."""
    return getattr(getattr(param, "type_descriptor", None), "annotation", None)


def annotated_with(param: click.Parameter, *kinds: type) -> bool:
    """The parameter is annotated with one of `kinds`, alone or in a union (`int | None`)."""
    declared = annotation(param)
    if isinstance(declared, types.UnionType) or typing.get_origin(declared) is typing.Union:
        return any(k in typing.get_args(declared) for k in kinds)
    return declared in kinds
