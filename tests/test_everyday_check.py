"""The guided check's end (issue 13): it offers to save the answers and the result to the diary
(through the service), ends with next steps (what to do, with the command and the page), and
Ctrl-C leaves cleanly: no traceback from `b12pain check`, no "Error 130" from `make run`."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from b12pain.cli.main import app

ROOT = Path(__file__).parents[1]
BIN = Path(sys.executable).parent / "b12pain"
#: A 40-year-old with no red flags, symptoms, pain or blood test (as tests/test_cli_bad_input.py).
ANSWERS = ["", "", "", "40", "2", "1", "", "", "n", "n", "", "", "", "", "n"]


def _check(*replies: str) -> str:
    result = CliRunner().invoke(
        app,
        ["check", "--today", "2026-11-24"],
        input="\n".join([*ANSWERS, *replies]) + "\n",
        env={"COLUMNS": "80"},
    )
    assert result.exit_code == 0, result.output
    return result.output


def _history() -> str:
    result = CliRunner().invoke(app, ["history", "--all", "--json"])
    assert result.exit_code == 0, result.output
    return result.output


def test_the_check_saves_answers_and_result_when_asked(data_dir: Path) -> None:
    out = _check("y")
    assert "Save your answers and this result to your diary? [y/n]" in out
    assert "Saved to your diary: your answers (profile version 1) and the result" in out
    kinds = [line.strip() for line in _history().splitlines() if '"kind"' in line]
    assert kinds == ['"kind": "profile",', '"kind": "assessment",']
    steps = out[out.index("Next steps") :]
    assert "1. Talk the result over with a clinician" in steps
    assert "Command: b12pain report --pdf my-report.pdf" in steps
    assert "Page: http://127.0.0.1:8000/report" in steps
    assert "Command: b12pain log pain 5" in steps and "/diary" in steps
    assert max(len(line) for line in steps.splitlines()) <= 80


def test_nothing_is_saved_without_a_yes_and_the_steps_say_how_to_keep_it(data_dir: Path) -> None:
    out = _check("maybe", "n")
    assert "Please answer y or n." in out and "Not saved." in out
    assert '"entries": []' in _history()
    steps = out[out.index("Next steps") :]
    assert "b12pain check --save my-profile.yaml" in steps
    assert "b12pain labs total_b12 VALUE UNIT" in steps


def test_end_of_input_at_the_offer_saves_nothing(data_dir: Path) -> None:
    result = CliRunner().invoke(
        app, ["check", "--today", "2026-11-24"], input="\n".join(ANSWERS) + "\n"
    )
    assert result.exit_code == 0 and "Next steps" in result.output
    assert '"entries": []' in _history()


def test_ctrl_c_in_the_check_leaves_without_a_traceback(data_dir: Path) -> None:
    check = subprocess.Popen(
        [str(BIN), "check"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "COLUMNS": "80"},
    )
    assert check.stdout is not None
    while "do you have any of these now?" not in check.stdout.readline():
        pass
    time.sleep(0.5)  # waiting at the first question
    check.send_signal(signal.SIGINT)
    out, err = check.communicate(timeout=60)
    assert check.returncode == 130
    assert "Stopped; nothing was saved." in out + err and "Traceback" not in out + err
    assert '"entries": []' in _history()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_make_run_stopped_with_ctrl_c_is_not_an_error(tmp_path: Path) -> None:
    """`make run` starts the real server; Ctrl-C (SIGINT to the terminal's process group) stops
    it, and make says neither "Error 130" nor "Interrupt"."""
    if not (ROOT / ".venv" / "bin" / "b12pain").exists() or shutil.which("make") is None:
        pytest.skip("make run needs make and the project's .venv")
    stamp = tmp_path / "installed"
    stamp.touch()  # newer than the lock file: make installs nothing
    port = _free_port()
    env = {**os.environ, "PORT": str(port), "B12PAIN_DATA_DIR": str(tmp_path / "data")}
    make = subprocess.Popen(
        ["make", "-C", str(ROOT), "run", f"STAMP={stamp}"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group, as a terminal gives it
        env=env,
    )
    for _ in range(240):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            time.sleep(0.25)
    else:
        make.kill()
        pytest.fail("the server did not start")
    os.killpg(make.pid, signal.SIGINT)
    out, _ = make.communicate(timeout=60)
    text = out.decode()
    assert f"http://127.0.0.1:{port}/" in text
    assert "Error 130" not in text and "Interrupt" not in text and "make: ***" not in text
