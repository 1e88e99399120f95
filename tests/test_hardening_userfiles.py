"""Reading people's YAML/JSON files: every hostile or careless shape is refused, quickly, by name.

Each case below was found by feeding the CLI malformed files (issue 12): a 565-byte alias bomb
that ran for minutes, a named pipe that hung for ever, deep nesting (RecursionError), 5,000-digit
integers (ValueError), duplicate keys silently keeping the last value, `yes` read as 1.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from b12pain.errors import InputError
from b12pain.userfiles import (
    MAX_DEPTH,
    MAX_INT_DIGITS,
    Number,
    UserFileError,
    WholeNumber,
    parse_json,
    parse_yaml,
    read_user_file,
    strict_int,
    strict_number,
)

ALIAS_BOMB = (  # the classic "billion laughs", 565 bytes in the original report
    'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
    "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
    "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
    "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
    "f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
    "g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n"
    "h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\n"
    "i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]\n"
)

BAD_YAML = {
    # name: (text, words the message must contain)
    "alias bomb": (ALIAS_BOMB, "anchors"),
    "alias": ("a: 1\nb: *x\n", "alias"),
    "anchor only": ("a: &x 1\n", "anchors"),
    "python tag": ("a: !!python/object/apply:os.system ['true']\n", "tags"),
    "binary tag": ("a: !!binary aGVsbG8=\n", "tags"),
    "custom tag": ("a: !secret x\n", "tags"),
    "set tag": ("a: !!set {x, y}\n", "tags"),
    "merge key": ("<<: {age: 60}\n", "merge keys"),
    "duplicate key": ("age: 60\nage: 61\n", "twice"),
    "nested duplicate key": ("labs:\n  - {test: a, test: b}\n", "twice"),
    "complex key": ("? [a, b]\n: 1\n", "keys"),
    "deep nesting": ("[" * (MAX_DEPTH + 5) + "]" * (MAX_DEPTH + 5), "nested deeper"),
    "very deep nesting": ("[" * 100_000 + "]" * 100_000, "nested deeper"),
    "huge integer": ("age: " + "9" * 5_000 + "\n", f"at most {MAX_INT_DIGITS} digits"),
    "integer just too long": ("age: " + "1" * (MAX_INT_DIGITS + 1) + "\n", "digits"),
    "infinity": ("value: .inf\n", "finite"),
    "not a number": ("value: .nan\n", "finite"),
    "malformed": ("a: [\n", "not valid YAML"),
    "NUL byte": ("\x00age: 1\n", "not a text file"),
    "bell character": ("age: \x07\n", "not a text file"),
}


@pytest.mark.parametrize("name", sorted(BAD_YAML))
def test_hostile_yaml_is_refused_with_a_reason(name: str) -> None:
    text, words = BAD_YAML[name]
    with pytest.raises(UserFileError) as caught:
        parse_yaml(text, "PROFILE")
    problem = caught.value.problems[0]
    assert problem.field == "PROFILE"
    assert words in problem.message
    assert isinstance(caught.value, InputError)  # exit 2 / HTTP 422 like any bad input
    assert len(str(problem)) < 400  # the value is cut short, never the whole file


BAD_JSON = {
    "duplicate key": ('{"age": 60, "age": 61}', "twice"),
    "huge integer": ('{"age": ' + "9" * 5_000 + "}", "digits"),
    "NaN": ('{"value": NaN}', "finite"),
    "Infinity": ('{"value": -Infinity}', "finite"),
    "overflowing float": ('{"value": 1e999}', "finite"),
    "deep nesting": ("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1), "nested deeper"),
    "very deep nesting": ("[" * 100_000 + "]" * 100_000, "nested deeper"),
    "malformed": ('{"a": ', "not valid JSON"),
    "too many values": ("[" + ",".join(["1"] * 30_000) + "]", "more than"),
}


@pytest.mark.parametrize("name", sorted(BAD_JSON))
def test_hostile_json_is_refused_with_a_reason(name: str) -> None:
    text, words = BAD_JSON[name]
    with pytest.raises(UserFileError) as caught:
        parse_json(text, "answers")
    assert caught.value.problems[0].field == "answers"
    assert words in caught.value.problems[0].message


def test_the_line_of_a_duplicate_key_is_named() -> None:
    with pytest.raises(UserFileError) as caught:
        parse_yaml("age: 60\nsex: female\nage: 61\n", "PROFILE")
    assert caught.value.problems[0].value == "age (line 3)"


def test_plain_yaml_and_json_still_read() -> None:
    text = "age: 60\nlabs:\n  - {test: total_b12, value: 210.5, unit: ng/L, date: 2026-02-01}\n"
    data = parse_yaml(text, "PROFILE")
    assert data == {
        "age": 60,
        "labs": [{"test": "total_b12", "value": 210.5, "unit": "ng/L", "date": "2026-02-01"}],
    }
    assert parse_json('{"q1": true, "n": -3, "x": 1.5}', "answers") == {
        "q1": True,
        "n": -3,
        "x": 1.5,
    }
    assert parse_yaml("q: '5'\n", "answers") == {"q": "5"}


@given(
    st.recursive(
        st.none() | st.booleans() | st.integers(-(10**12), 10**12) | st.text(max_size=20),
        lambda children: (
            st.lists(children, max_size=4)
            | st.dictionaries(st.text(min_size=1, max_size=8), children, max_size=4)
        ),
        max_leaves=20,
    )
)
def test_any_plain_json_document_reads_back_the_same(document: object) -> None:
    import json

    text = json.dumps(document)
    assert parse_json(text, "x") == document


# -- files ---------------------------------------------------------------------------------


def test_a_named_pipe_is_refused_without_waiting(tmp_path: Path) -> None:
    pipe = tmp_path / "profile.yaml"
    os.mkfifo(pipe)
    outcome: list[BaseException] = []

    def read() -> None:
        try:
            read_user_file(pipe, "PROFILE")
        except BaseException as exc:  # handed to the test thread
            outcome.append(exc)

    worker = threading.Thread(target=read, daemon=True)
    worker.start()
    worker.join(timeout=30)  # a generous bound that only a hang reaches, not a time assertion
    assert not worker.is_alive(), "reading a named pipe hung"
    assert isinstance(outcome[0], UserFileError)
    assert "named pipe" in outcome[0].problems[0].message


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda p: p.mkdir(), "folder"),
        (lambda p: None, "no such file"),
        (lambda p: p.write_bytes(b"\xff\xfe\x00age: 1"), "UTF-8"),
        (lambda p: p.write_text("a: 1\n" + "#" * 1_100_000, encoding="utf-8"), "bytes"),
        (lambda p: p.symlink_to("/dev/null"), "device"),
        (lambda p: p.write_text("a: &x 1\n", encoding="utf-8"), "anchors"),
    ],
    ids=["folder", "missing", "not utf-8", "too big", "device", "anchor"],
)
def test_unusable_files_are_refused_naming_the_file(make, words: str, tmp_path: Path) -> None:
    path = tmp_path / "profile.yaml"
    make(path)
    with pytest.raises(UserFileError) as caught:
        read_user_file(path, "PROFILE")
    problem = caught.value.problems[0]
    assert problem.field == "PROFILE"
    assert words in problem.message
    assert str(path) in str(problem)


def test_a_big_list_is_refused_before_validation(tmp_path: Path) -> None:
    path = tmp_path / "profile.yaml"  # 100,000 lab rows in under a megabyte: refused at once
    path.write_text("labs:\n" + "- 1\n" * 100_000, encoding="utf-8")
    with pytest.raises(UserFileError) as caught:
        read_user_file(path, "PROFILE")
    assert "more than" in caught.value.problems[0].message


def test_a_symlink_to_a_regular_file_is_read(tmp_path: Path) -> None:
    real = tmp_path / "real.yaml"
    real.write_text("age: 60\n", encoding="utf-8")
    link = tmp_path / "link.yaml"
    link.symlink_to(real)
    assert read_user_file(link, "PROFILE") == {"age": 60}


def test_a_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "answers.json"
    path.write_bytes(b'\xef\xbb\xbf{"q1": true}')
    assert read_user_file(path, "answers") == {"q1": True}


# -- strict types --------------------------------------------------------------------------


class _Person(BaseModel):
    age: WholeNumber
    weight_kg: Number | None = None


@pytest.mark.parametrize("value", [True, False])
def test_a_boolean_is_not_a_number_in_models(value: bool) -> None:
    with pytest.raises(ValidationError) as caught:
        _Person(age=value)  # type: ignore[arg-type]
    assert "not a number" in str(caught.value) or "a number, not" in str(caught.value)
    with pytest.raises(ValidationError):
        _Person(age=60, weight_kg=value)  # type: ignore[arg-type]


def test_numbers_still_pass_the_strict_model() -> None:
    assert _Person(age=60, weight_kg=70.5).age == 60


@pytest.mark.parametrize(
    ("value", "minimum", "maximum"),
    [(True, 0, 10), ("5", 0, 10), (11, 0, 10), (-1, 0, 10), (float("nan"), 0, 10), (None, 0, 10)],
)
def test_strict_number_refuses_with_value_and_range(value, minimum, maximum) -> None:
    with pytest.raises(UserFileError) as caught:
        strict_number(value, "nrs", minimum, maximum)
    problem = caught.value.problems[0]
    assert problem.field == "nrs"
    assert problem.message == "a number from 0 to 10"


@pytest.mark.parametrize("value", [True, 2.5, "3", 11])
def test_strict_int_refuses_with_value_and_range(value) -> None:
    with pytest.raises(UserFileError) as caught:
        strict_int(value, "nrs", 0, 10)
    assert caught.value.problems[0].message == "a whole number from 0 to 10"


def test_strict_helpers_pass_good_values() -> None:
    assert strict_number(3, "x", 0, 10) == 3.0
    assert strict_int(7, "x", 0, 10) == 7
