"""`b12pain questionnaire`: interactive runs from piped stdin (with going back), answer files in
YAML and JSON, `--json` shape, `--list`, clean errors and a clean Ctrl-C."""

from __future__ import annotations

import io
import json
import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from b12pain.cli.errors import run_guarded
from b12pain.cli.main import app

BIN = Path(sys.executable).parent / "b12pain"


def cli(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str, stdin: str = ""
) -> tuple[int, str, str]:
    """Run `b12pain ARGS` in-process through the console script's guard, stdin piped."""
    monkeypatch.setattr(sys, "argv", ["b12pain", *args])
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    try:
        code = run_guarded(app)
    except SystemExit as stop:  # the interactive command stops with an explicit status
        code = int(stop.code or 0)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_interactive_dn4_with_going_back(monkeypatch, capsys) -> None:
    # q1 yes, q2 yes, q3 yes, then `b` goes back to q3 and answers no; exam items 8 and 9 yes.
    keys = "y\ny\ny\nb\nn\nn\nn\nn\nn\ny\ny\nn\n"
    code, out, err = cli(monkeypatch, capsys, "questionnaire", "dn4", "--json", stdin=keys)
    assert code == 0
    result = json.loads(out[out.index("{") :])
    assert (result["score"], result["category"], result["positive"]) == (4, "positive", True)
    assert result["answers"]["q3"] is False
    assert err.count("(3/10)") == 2  # the third question was asked again after `b`
    assert "[clinician]" in err
    assert json.loads(out)["instrument"] == "dn4"  # stdout holds only the JSON


def test_interactive_rejects_a_bad_key_then_accepts_and_back_at_first_question(
    monkeypatch, capsys
) -> None:
    keys = "b\nmaybe\n" + "n\n" * 7
    code, out, _ = cli(monkeypatch, capsys, "questionnaire", "dn4_interview", stdin=keys)
    assert code == 0
    assert "This is the first question." in out
    assert "Not understood: type y or n." in out
    assert "Score: 0 (range 0-7)" in out
    assert "Not medical advice" in out


def test_interactive_acr2016_asks_each_area(monkeypatch, capsys) -> None:
    areas = {
        "shoulder_girdle_left",
        "shoulder_girdle_right",
        "hip_left",
        "hip_right",
        "neck",
        "lower_back",
        "upper_leg_left",
    }
    from b12pain.instruments import INSTRUMENTS

    options = INSTRUMENTS["acr2016"].info.items[0].options
    keys = "".join("y\n" if area in areas else "n\n" for area in options)
    keys += "2\n2\n1\nn\nn\nn\n4\n"
    code, out, _ = cli(monkeypatch, capsys, "questionnaire", "acr2016", "--json", stdin=keys)
    assert code == 0
    result = json.loads(out[out.index("{") :])
    assert (result["wpi"], result["sss"], result["fs"], result["regions"]) == (7, 5, 12, 5)
    assert result["positive"] is True


def test_end_of_input_stops_without_scoring(monkeypatch, capsys) -> None:
    code, _, err = cli(monkeypatch, capsys, "questionnaire", "hit6", stdin="never\n")
    assert code == 130 and "nothing was scored" in err


def test_answers_file_yaml_and_json_give_the_same_json(tmp_path, monkeypatch, capsys) -> None:
    answers = {f"q{i}": w for i, w in enumerate(["rarely", "rarely"] + ["sometimes"] * 4, start=1)}
    (tmp_path / "a.json").write_text(json.dumps(answers))
    (tmp_path / "a.yaml").write_text("".join(f"{k}: {v}\n" for k, v in answers.items()))
    outputs = []
    for name in ("a.json", "a.yaml"):
        code, out, _ = cli(
            monkeypatch,
            capsys,
            "questionnaire",
            "hit6",
            "--answers",
            str(tmp_path / name),
            "--json",
        )
        assert code == 0
        outputs.append(json.loads(out))
    assert outputs[0] == outputs[1]
    assert {k: outputs[0][k] for k in ("instrument", "score", "category", "positive")} == {
        "instrument": "hit6",
        "score": 56,
        "category": "substantial_impact",
        "positive": None,
    }


def test_bad_answers_file_lists_every_problem_and_exits_2(tmp_path, monkeypatch, capsys) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("q1: maybe\nq2: true\nq8: 3\n")
    code, _, err = cli(monkeypatch, capsys, "questionnaire", "dn4_interview", "--answers", str(bad))
    assert code == 2
    assert "error: dn4_interview.q1: 'maybe'; one of true, false" in err
    assert "error: dn4_interview.q3: missing; one of true, false" in err
    assert "dn4_interview.q8: 3; not an item of dn4_interview" in err
    code, out, _ = cli(
        monkeypatch, capsys, "questionnaire", "dn4_interview", "--answers", str(bad), "--json"
    )
    assert code == 2
    errors = json.loads(out)["errors"]
    assert {
        "field": "dn4_interview.q1",
        "value": "maybe",
        "message": "one of true, false",
    } in errors


def test_unknown_instrument_and_missing_file(tmp_path, monkeypatch, capsys) -> None:
    code, _, err = cli(monkeypatch, capsys, "questionnaire", "paindetect")
    assert code == 2 and "NAME: 'paindetect'; one of nrs, dn4" in err
    code, _, err = cli(
        monkeypatch, capsys, "questionnaire", "dn4", "--answers", str(tmp_path / "none.yaml")
    )
    assert code == 2 and "--answers" in err and "no such file" in err


def test_list_shows_purpose_and_licence_status(monkeypatch, capsys) -> None:
    code, out, _ = cli(monkeypatch, capsys, "questionnaire", "--list", "--json")
    assert code == 0
    listing = json.loads(out)
    rows = {row["instrument"]: row for row in listing["instruments"]}
    assert rows["dn4"]["licence_status"] == "scoring_only"
    assert rows["mnsi"]["licence_status"] == "free"
    assert all(row["purpose"] for row in rows.values())
    assert {row["instrument"] for row in listing["omitted"]} == {"paindetect", "bpi"}
    code, out, _ = cli(monkeypatch, capsys, "questionnaire", "--list")
    assert code == 0 and "start_back" in out and "Left out: paindetect" in out


def test_ctrl_c_leaves_cleanly_without_a_traceback() -> None:
    process = subprocess.Popen(
        [str(BIN), "questionnaire", "dn4"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None
    seen, deadline = b"", time.monotonic() + 30
    while b"(1/10)" not in seen and time.monotonic() < deadline:
        ready, _, _ = select.select([process.stdout], [], [], 1)
        if ready:
            seen += os.read(process.stdout.fileno(), 4096)
    assert b"(1/10)" in seen
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=30)
    assert process.returncode == 130
    assert b"Traceback" not in err
    assert b"Stopped" in err


def test_interactive_scaled_answers_by_number_or_word(monkeypatch, capsys) -> None:
    # HIT-6: 3 = sometimes, words with a space, a wrong word asked again.
    keys = "3\nsometimes\nvery often\nloud\n2\nalways\nnever\n"
    code, out, err = cli(monkeypatch, capsys, "questionnaire", "hit6", "--json", stdin=keys)
    assert code == 0
    result = json.loads(out[out.index("{") :])
    assert result["answers"] == {
        "q1": "sometimes",
        "q2": "sometimes",
        "q3": "very_often",
        "q4": "rarely",
        "q5": "always",
        "q6": "never",
    }
    assert result["score"] == 10 + 10 + 11 + 8 + 13 + 6
    assert "Not understood: one of never, rarely" in err


def test_interactive_optional_fields_can_be_skipped(monkeypatch, capsys) -> None:
    # NRS: pain now 6, baseline skipped, bands skipped; then a bad number is asked again.
    code, out, err = cli(
        monkeypatch, capsys, "questionnaire", "nrs", "--json", stdin="six\n11\n6\n\n\n"
    )
    assert code == 0
    result = json.loads(out[out.index("{") :])
    assert (result["score"], result["category"], result["answers"]) == (6, "not_banded", {"nrs": 6})
    assert "Not understood: a whole number from 0 to 10" in err
