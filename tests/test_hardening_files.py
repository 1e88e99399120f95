"""Every command that reads a person's file refuses hostile or careless files the same way.

Exit 2, an `error:` line naming the option or argument that gave the file, never a traceback,
never "a bug in b12pain", never a hang (named pipe) or minutes of work (alias bomb, 100,000
rows). The cases come from issue 12's run of malformed inputs.
"""

from __future__ import annotations

import io
import json
import os
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import click
import pytest

from b12pain.cli.errors import run_guarded
from b12pain.cli.main import app
from cli_walk import annotation, cli, parameter_cases


def _bomb(path: Path) -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _text(text: str) -> Callable[[Path], None]:
    return lambda path: path.write_text(text, encoding="utf-8")


HOSTILE_FILES: dict[str, tuple[Callable[[Path], None], str]] = {
    # name: (make the file, words in the message)
    "alias bomb": (_bomb, "anchors"),
    "named pipe": (lambda p: os.mkfifo(p), "named pipe"),
    "device": (lambda p: p.symlink_to("/dev/zero"), "device"),
    "folder": (lambda p: p.mkdir(), "folder"),
    "deep nesting": (_text("a: " + "[" * 5_000 + "]" * 5_000 + "\n"), "nested deeper"),
    "huge integer": (_text("age: " + "7" * 5_000 + "\n"), "digits"),
    "duplicate key": (_text("age: 60\nage: 61\nq1: yes\nq1: no\n"), "twice"),
    "python tag": (_text("age: !!python/object/apply:os.system ['true']\n"), "tags"),
    "100,000 rows": (_text("labs:\n" + "  - {}\n" * 100_000), "more than"),
    "too big": (_text("# padding\n" * 200_000), "bytes"),
}

FILE_COMMANDS = {  # command line with FILE, and the field that names the file
    "assess": (["assess", "FILE"], "PROFILE"),
    "log profile": (["log", "profile", "FILE"], "PROFILE"),
    "intake": (["intake", "FILE"], "MEALS"),
    "questionnaire": (["questionnaire", "dn4", "--answers", "FILE"], "--answers"),
    "log instrument": (["log", "instrument", "dn4", "FILE"], "answers"),
}


@pytest.mark.parametrize("kind", sorted(HOSTILE_FILES))
@pytest.mark.parametrize("command", sorted(FILE_COMMANDS))
def test_hostile_files_are_refused_by_every_command(
    command: str, kind: str, data_dir: Path, tmp_path: Path, monkeypatch, capsys
) -> None:
    path = tmp_path / "input.yaml"
    make, words = HOSTILE_FILES[kind]
    make(path)
    template, field = FILE_COMMANDS[command]
    args = [str(path) if a == "FILE" else a for a in template]
    code, out, err = cli(monkeypatch, capsys, *args)
    assert code == 2, (out, err)
    assert "Traceback" not in err and "bug in b12pain" not in err
    assert err.startswith(f"error: {field}: "), err
    assert words in err
    assert len(err) < 2_000  # the value is cut short, the file is never echoed
    code, out, _ = cli(monkeypatch, capsys, *args, "--json")
    assert code == 2
    assert [e["field"] for e in json.loads(out)["errors"]] == [field]


def test_long_inline_json_answers_are_read_as_json_not_a_file_name(
    data_dir: Path, monkeypatch, capsys
) -> None:
    """318 characters of JSON once failed with "File name too long"."""
    answers = {
        "painful_areas": ["jaw_left", "shoulder_girdle_left", "shoulder_girdle_right", "hip_left",
                          "hip_right", "upper_leg_left", "lower_back", "neck"],
        "fatigue": 2, "waking_unrefreshed": 2, "cognitive_symptoms": 1, "headaches": True,
        "lower_abdominal_pain": False, "depression": True, "duration_months": 6,
    }  # fmt: skip
    text = json.dumps(answers)
    assert len(text) > 300
    code, out, err = cli(monkeypatch, capsys, "log", "instrument", "acr2016", text, "--json")
    assert "File name too long" not in err and "bug in b12pain" not in err
    assert code == 0, err
    assert json.loads(out)["result"]["instrument"] == "acr2016"


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ('{"q1": true, "q1": false}', "twice"),
        ('{"q1": ' + "1" * 5_000 + "}", "digits"),
        ('{"q1": NaN}', "finite"),
        ("{" * 3, "not valid JSON"),
        ("{" + '"a":{' * 200 + "}" * 201, "nested deeper"),
    ],
    ids=["duplicate", "huge int", "NaN", "malformed", "deep"],
)
def test_bad_inline_json_answers_are_refused(
    text: str, words: str, data_dir: Path, monkeypatch, capsys
) -> None:
    code, _, err = cli(monkeypatch, capsys, "log", "instrument", "dn4", text)
    assert code == 2, err
    assert "bug in b12pain" not in err and err.startswith("error: answers: ")
    assert words in err


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ('{"q1": true, "q1": false}', "twice"),
        ('{"q1": ' + "1" * 5_000 + "}", "digits"),
        ("[1, 2]", "no such file"),
        ("", "JSON object"),
        ("{" + '"a": 1, ' * 400 + '"b": 2}', "twice"),
    ],
    ids=["duplicate", "huge int", "a list is a file name", "empty", "long"],
)
def test_answers_from_argument_reads_json_or_a_file_by_the_same_rules(
    text: str, words: str
) -> None:
    from b12pain.cli.questionnaire_cmds import answers_from_argument
    from b12pain.errors import InputError

    with pytest.raises(InputError) as caught:
        answers_from_argument(text)
    assert caught.value.problems[0].field == "answers"
    assert words in caught.value.problems[0].message


def test_answers_from_argument_reads_long_json(tmp_path: Path) -> None:
    from b12pain.cli.questionnaire_cmds import answers_from_argument

    text = json.dumps({f"item_{i}": True for i in range(40)})
    assert len(text) > 318
    assert answers_from_argument(text) == {f"item_{i}": True for i in range(40)}
    path = tmp_path / "a.yaml"
    path.write_text("q1: yes\n", encoding="utf-8")
    assert answers_from_argument(str(path)) == {"q1": True}


def test_fhir_import_of_a_named_pipe_does_not_hang(tmp_path: Path) -> None:
    from b12pain.service.fhir import read_fhir_text

    pipe = tmp_path / "bundle.json"
    os.mkfifo(pipe)
    outcome: list[BaseException] = []

    def read() -> None:
        try:
            read_fhir_text(pipe)
        except BaseException as exc:  # handed to the test thread
            outcome.append(exc)

    worker = threading.Thread(target=read, daemon=True)
    worker.start()
    worker.join(timeout=10)  # only a hang reaches this bound; not a timing assertion
    hung = worker.is_alive()
    if hung:  # let the stuck reader go: a writer that closes at once gives it end of file
        os.close(os.open(pipe, os.O_WRONLY | os.O_NONBLOCK))
        worker.join(timeout=20)
    assert not hung, "reading a named pipe hung"
    assert "named pipe" in str(outcome[0])


@pytest.mark.parametrize("kind", ["alias bomb", "named pipe", "duplicate key", "python tag"])
def test_cohort_rule_and_concept_set_files_follow_the_same_rules(kind: str, tmp_path: Path) -> None:
    from b12pain.cohort.concepts import read_site_set
    from b12pain.cohort.rules import read_rule
    from b12pain.errors import InputError

    make, words = HOSTILE_FILES[kind]
    for reader, field, name in (
        (read_rule, "--rules", "rule.yaml"),
        (lambda path: read_site_set("concept_set.site", path), "--concept-set", "set.yaml"),
    ):
        path = tmp_path / name
        make(path)
        with pytest.raises(InputError) as caught:
            reader(path)
        assert caught.value.problems[0].field == field
        assert words in caught.value.problems[0].message


def _path_parameters() -> list[tuple[list[str], str]]:
    """Every argument and option of every command typed as a path (except `serve`, which would
    start a server), with placeholders for the other required parameters."""

    def is_path(param: click.Parameter) -> bool:
        declared = annotation(param)
        return declared is Path or Path in (getattr(declared, "__args__", None) or ())

    return [
        (args, str(target.name))
        for args, target in parameter_cases(is_path, "PIPE", skip=("serve",))
    ]


PATH_PARAMETERS = _path_parameters()


def test_the_enumeration_finds_the_path_parameters() -> None:
    assert len(PATH_PARAMETERS) >= 12


@pytest.mark.parametrize(
    ("args", "name"), PATH_PARAMETERS, ids=lambda v: " ".join(v) if isinstance(v, list) else v
)
def test_a_named_pipe_given_as_any_path_never_hangs(
    args: list[str], name: str, data_dir: Path, tmp_path: Path, monkeypatch, capsys
) -> None:
    monkeypatch.chdir(tmp_path)  # placeholders such as `--out 1` land here
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    argv = [str(pipe) if a == "PIPE" else a for a in args]
    monkeypatch.setattr(sys, "argv", ["b12pain", *argv])
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    outcome: list[int] = []
    worker = threading.Thread(target=lambda: outcome.append(run_guarded(app)), daemon=True)
    worker.start()
    worker.join(timeout=60)  # only a hang reaches this bound; not a timing assertion
    hung = worker.is_alive()
    if hung:  # let the stuck reader go: a writer that closes at once gives it end of file
        os.close(os.open(pipe, os.O_WRONLY | os.O_NONBLOCK))
        worker.join(timeout=20)
    err = capsys.readouterr().err
    assert not hung, f"{' '.join(argv)} hung on a named pipe"
    assert outcome and outcome[0] in (0, 2), (outcome, err)
    assert "bug in b12pain" not in err


ODD_PATHS = {
    "a folder": lambda tmp: _made_folder(tmp / "folder"),
    "missing": lambda tmp: tmp / "nope" / "nope.json",
    "name too long": lambda tmp: tmp / ("x" * 300),
    "a device": lambda tmp: Path("/dev/null"),
    "inside a file": lambda tmp: _made_file(tmp / "file.txt") / "x.json",
}


def _made_folder(path: Path) -> Path:
    path.mkdir()
    return path


def _made_file(path: Path) -> Path:
    path.write_text("x", encoding="utf-8")
    return path


@pytest.mark.parametrize("kind", sorted(ODD_PATHS))
@pytest.mark.parametrize(
    ("args", "name"), PATH_PARAMETERS, ids=lambda v: " ".join(v) if isinstance(v, list) else v
)
def test_any_odd_path_for_any_path_parameter_is_answered_cleanly(
    args: list[str], name: str, kind: str, data_dir: Path, tmp_path: Path, monkeypatch, capsys
) -> None:
    monkeypatch.chdir(tmp_path)
    target = ODD_PATHS[kind](tmp_path)
    argv = [str(target) if a == "PIPE" else a for a in args]
    monkeypatch.setattr(sys, "argv", ["b12pain", *argv])
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    code = run_guarded(app)
    err = capsys.readouterr().err
    assert code in (0, 2, 130), (code, err)  # 130: an interactive command ran out of input
    assert "bug in b12pain" not in err and "Traceback" not in err, err
