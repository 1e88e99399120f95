"""The journal commands' shared options are written once (issue 13 review finding): `--note`,
`--at`, `--json`, `--data-dir`, `--plan`, `--start`, `--today`, `--from/--to/--kind` come from
`cli.journal_common`, so every command shows the same words and takes the same values."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from b12pain.cli.main import app

CLI = Path(__file__).parents[1] / "src" / "b12pain" / "cli"
SHARED = ("--note", "--at", "--json", "--data-dir", "--plan", "--start")


@pytest.mark.parametrize("module", ["diary_cmds.py", "plan_cmds.py", "journal_cmds.py"])
def test_no_shared_option_is_spelled_out_again(module: str) -> None:
    source = (CLI / module).read_text("utf-8")
    for option in SHARED:
        assert not re.search(rf'typer\.Option\([^)]*"{option}"', source), (module, option)


@pytest.mark.parametrize(
    "command",
    [
        ["log", "pain"],
        ["log", "sleep"],
        ["log", "food"],
        ["log", "dose"],
        ["plan", "stock"],
        ["log", "comment"],
        ["edit"],
    ],
)
def test_every_journal_command_explains_at_the_same_way(command: list[str]) -> None:
    result = CliRunner().invoke(app, [*command, "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    assert '"yesterday 08:30"' in result.output and "2h ago" in result.output
    assert "--data-dir" in result.output and "--json" in result.output


def test_plan_options_read_the_same_in_every_plan_command() -> None:
    runner = CliRunner()
    for command in (["plan", "change"], ["plan", "stop"], ["plan", "stock"], ["log", "dose"]):
        result = runner.invoke(app, [*command, "--help"], env={"COLUMNS": "200"})
        assert "Plan id (default: the latest plan still running)." in result.output, command
    for command in (["plan", "start"], ["plan", "mine"], ["plan", "change"]):
        result = runner.invoke(app, [*command, "--help"], env={"COLUMNS": "200"})
        assert "Tablets, ampoules or doses on hand at the start." in result.output, command
