"""Bad input on every command: exit 2, one line per problem naming the field and the value,
`{"errors": [...]}` with `--json`, nothing written, never a traceback or "a bug in b12pain".

Each case here was once answered with a crash (exit 1), a silent wrong result or a Python repr.
"""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from b12pain.cli.errors import run_guarded
from b12pain.cli.main import app

ROOT = Path(__file__).resolve().parents[1]


def cli(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str, stdin: str = ""
) -> tuple[int, str, str]:
    """Run `b12pain ARGS` in-process through the same guard as the console script."""
    monkeypatch.setattr(sys, "argv", ["b12pain", *args])
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = run_guarded(app)
    out = capsys.readouterr()
    return code, out.out, out.err


def assert_refused(code: int, out: str, err: str, field: str, value: str | None) -> None:
    """Exit 2, an `error:` line naming the field (and value), no crash report."""
    assert code == 2, (out, err)
    assert "Traceback" not in err and "bug in b12pain" not in err
    lines = [line for line in err.splitlines() if line.startswith("error: ")]
    assert lines, err
    assert any(line.startswith(f"error: {field}:") for line in lines), err
    if value is not None:
        assert any(value in line for line in lines), err
    assert "datetime." not in err  # values shown as typed, never as Python objects


def assert_refused_json(code: int, out: str, err: str, field: str) -> None:
    """Exit 2 and the CONTRACT.md error document on stdout."""
    assert code == 2, (out, err)
    errors = json.loads(out)["errors"]
    assert errors and all(set(e) == {"field", "value", "message"} for e in errors)
    assert field in [e["field"] for e in errors]


# -- files that cannot be used --------------------------------------------------------------
BAD_FILES: dict[str, Callable[[Path], None]] = {
    "missing": lambda p: None,
    "folder": lambda p: p.mkdir(),
    "not UTF-8": lambda p: p.write_bytes(b"\xff\xfe\x00q1: yes"),
    "malformed": lambda p: p.write_text("q1: [\n", encoding="utf-8"),
    "a list": lambda p: p.write_text("- a\n- b\n", encoding="utf-8"),
    "empty": lambda p: p.write_text("", encoding="utf-8"),
}

FILE_COMMANDS = {  # command line with FILE, and the field that names the file
    "assess": (["assess", "FILE"], "PROFILE"),
    "log profile": (["log", "profile", "FILE"], "PROFILE"),
    "intake": (["intake", "FILE"], "MEALS"),
    "questionnaire": (["questionnaire", "dn4", "--answers", "FILE"], "--answers"),
    "log instrument": (["log", "instrument", "dn4", "FILE"], "answers"),
}


@pytest.mark.parametrize("kind", sorted(BAD_FILES))
@pytest.mark.parametrize("command", sorted(FILE_COMMANDS))
def test_unusable_files_are_refused_naming_the_file(
    command: str, kind: str, data_dir: Path, tmp_path: Path, monkeypatch, capsys
) -> None:
    path = tmp_path / "input.yaml"
    BAD_FILES[kind](path)
    template, field = FILE_COMMANDS[command]
    args = [str(path) if a == "FILE" else a for a in template]
    code, out, err = cli(monkeypatch, capsys, *args)
    assert code == 2, (out, err)
    assert "Traceback" not in err and "bug in b12pain" not in err
    assert err.startswith("error: "), err
    if kind in ("missing", "folder", "not UTF-8", "malformed"):
        assert f"error: {field}: '{path}'" in err
    code, out, _ = cli(monkeypatch, capsys, *args, "--json")
    assert code == 2 and json.loads(out)["errors"]
    assert "MealsFile" not in out and "MealsFile" not in err  # no class names shown to people


@pytest.mark.parametrize(
    ("command", "text", "field"),
    [
        (["assess"], "age: 60\nlabs:\n  - {test: total_b12, value: 210, unit: ng/L, date: 2026-02-30}\n", "labs[0].date"),
        (["log", "profile"], "age: 60\nlabs:\n  - {test: total_b12, value: 210, unit: ng/L, date: 2026-02-30}\n", "labs[0].date"),
        (["intake"], "person: {age: 60}\ndays:\n  - date: 2026-02-30\n    meals: {lunch: ['2 eggs']}\n", "days[0].date"),
        (["questionnaire", "dn4", "--answers"], "q1: 2026-02-30\n", "dn4.q1"),
    ],
)  # fmt: skip
def test_an_impossible_date_in_a_file_is_reported_at_its_field(
    command: list[str], text: str, field: str, data_dir: Path, tmp_path: Path, monkeypatch, capsys
) -> None:
    path = tmp_path / "input.yaml"
    path.write_text(text, encoding="utf-8")
    code, out, err = cli(monkeypatch, capsys, *command, str(path))
    assert_refused(code, out, err, field, "'2026-02-30'")


# -- values that are out of range or not allowed ----------------------------------------------
BAD_VALUES = [
    # (command line, field, value as shown)
    (["insights", "--today", "0001-01-01"], "today", "'0001-01-01'"),
    (["regimen", "im_hydroxocobalamin_no_neuro", "--start", "9999-12-31"], "--start", "'9999-12-31'"),
    (["assess", str(ROOT / "examples" / "metformin-neuropathy.yaml"), "--today", "0001-01-01"], "--today", "'0001-01-01'"),
    (["labs", "total_b12", "210", "ng/L", "--last-injection", "0001-01-01"], "--last-injection", "'0001-01-01'"),
    (["today", "--today", "9999-12-31"], "today", "'9999-12-31'"),
    (["history", "--from", "1800-01-01"], "from", "'1800-01-01'"),
    (["history", "--from", "2026-12-01", "--to", "2026-11-01"], "to", "'2026-11-01'"),
    (["log", "pain", "6", "--at", "1066-10-14T10:00"], "at", "'1066-10-14T10:00'"),
    (["log", "pain", "6", "--at", "2099-01-01T08:00"], "at", "'2099-01-01T08:00'"),
    (["log", "pain", "-3"], "nrs", "-3"),
    (["log", "sleep", "-1"], "hours", "-1"),
    (["labs", "total_b12", "-5", "ng/L"], "labs[0].value", "-5"),
    (["labs", "add", "total_b12", "-5", "ng/L"], "value", "-5"),
    (["labs", "total_b12", "210", "ng/L", "--bogus"], "option", "'--bogus'"),
    (["log", "pain", "6", "--regions", "feet,elbow"], "regions[1]", "'elbow'"),
    (["log", "symptoms", "tingling,zzz"], "symptoms[1]", "'zzz'"),
    (["log", "dose", "--form", "oral", "--amount", "0"], "amount_ug", "0"),
    (["plan", "start", "oral_cyanocobalamin_dietary", "--amount", "50", "--start", "9999-12-31"], "start", "'9999-12-31'"),
    (["plan", "start", "oral_cyanocobalamin_dietary", "--amount", "50", "--start", "0001-01-01"], "start", "'0001-01-01'"),
    (["labs", "add", "total_b12", "210", "ng/L", "--date", "2099-01-01"], "taken_on", "'2099-01-01'"),
    (["foods", "search", "salmon", "--min-b12", "nan"], "min_b12", "nan"),
    (["foods", "search", "salmon", "--min-b12", "inf"], "min_b12", "inf"),
    (["foods", "search", "salmon", "--min-b12", "-5"], "min_b12", "-5"),
    (["foods", "search", "salmon", "--type", "bogus"], "type", "'bogus'"),
    (["foods", "search", "--richest-for", "vegan", "--limit", "0"], "limit", "0"),
    (["log", "instrument", "dn4", "not json"], "answers", "'not json'"),
    (["import", str(ROOT / "tests" / "fixtures" / "no-such-export.json")], "file", "no-such-export"),
]  # fmt: skip


@pytest.mark.parametrize(("args", "field", "value"), BAD_VALUES, ids=lambda v: str(v)[:40])
def test_bad_values_are_refused_with_field_and_value(
    args: list[str], field: str, value: str, data_dir: Path, monkeypatch, capsys
) -> None:
    code, out, err = cli(monkeypatch, capsys, *args)
    assert_refused(code, out, err, field, value)
    code, out, err = cli(monkeypatch, capsys, *args, "--json")
    assert_refused_json(code, out, err, field)
    code, out, _ = cli(monkeypatch, capsys, "history", "--json")
    assert code == 0 and json.loads(out)["entries"] == []  # nothing half-written


# -- the journal takes what a person means --------------------------------------------------
def test_only_a_planned_dose_may_lie_in_the_future(data_dir: Path, monkeypatch, capsys) -> None:
    args = ["log", "dose", "--form", "oral", "--at", "2099-01-01T08:00"]
    code, out, err = cli(monkeypatch, capsys, *args)
    assert_refused(code, out, err, "at", "'2099-01-01T08:00'")
    code, _, _ = cli(monkeypatch, capsys, *args, "--status", "planned")
    assert code == 0


def test_symptom_synonyms_are_stored_as_knowledge_ids(data_dir: Path, monkeypatch, capsys) -> None:
    code, out, _ = cli(monkeypatch, capsys, "log", "symptoms", "pins and needles", "--json")
    assert code == 0
    assert json.loads(out)["saved"]["symptoms"] == ["tingling"]


def test_an_answers_yaml_file_can_be_logged(data_dir: Path, monkeypatch, capsys) -> None:
    answers = ROOT / "examples" / "dn4-answers.yaml"
    code, out, _ = cli(monkeypatch, capsys, "log", "instrument", "dn4", str(answers), "--json")
    assert code == 0
    assert json.loads(out)["result"]["score"] == 4  # q1, q4, q5, q8 answered yes


def test_today_never_prints_none_for_an_unknown_run_out_day(
    data_dir: Path, monkeypatch, capsys
) -> None:
    code, _, _ = cli(
        monkeypatch, capsys, "plan", "start", "im_hydroxocobalamin_no_neuro", "--start",
        "2026-11-20", "--stock", "5",
    )  # fmt: skip
    assert code == 0
    code, out, _ = cli(monkeypatch, capsys, "today", "--today", "2026-11-20")
    assert code == 0 and "stock 5" in out
    assert "None" not in out


# -- where the data lives -------------------------------------------------------------------
@pytest.mark.parametrize(
    "args",
    [["history"], ["log", "pain", "5"], ["foods", "search", "egg"], ["today"]],
    ids=" ".join,
)
def test_a_data_dir_that_is_a_file_is_refused(
    args: list[str], tmp_path: Path, monkeypatch, capsys
) -> None:
    in_the_way = tmp_path / "not-a-folder"
    in_the_way.write_text("x", encoding="utf-8")
    monkeypatch.setenv("B12PAIN_DATA_DIR", str(in_the_way))
    monkeypatch.delenv("B12PAIN_DATABASE_URL", raising=False)
    code, out, err = cli(monkeypatch, capsys, *args)
    assert_refused(code, out, err, "B12PAIN_DATA_DIR", str(in_the_way))
    code, out, err = cli(monkeypatch, capsys, "history", "--data-dir", str(in_the_way))
    assert_refused(code, out, err, "data_dir", str(in_the_way))


@pytest.mark.parametrize(
    ("file", "args"),
    [("journal.sqlite", ["history"]), ("foods.sqlite", ["foods", "search", "egg"])],
)
def test_a_damaged_database_file_is_reported_not_crashed_on(
    file: str, args: list[str], data_dir: Path, monkeypatch, capsys
) -> None:
    (data_dir / file).write_text("this is not a database, only text " * 10, encoding="utf-8")
    code, _, err = cli(monkeypatch, capsys, *args)
    assert code == 2 and "cannot be opened" in err and "bug in b12pain" not in err


@pytest.mark.parametrize(
    "url", ["garbage", "postgresql+psycopg://me:secret@127.0.0.1:1/journal"], ids=["bad", "down"]
)
def test_an_unusable_database_url_is_refused_without_showing_its_password(
    url: str, data_dir: Path, monkeypatch, capsys
) -> None:
    monkeypatch.setenv("B12PAIN_DATABASE_URL", url)
    code, out, err = cli(monkeypatch, capsys, "history", "--json")
    assert_refused_json(code, out, err, "B12PAIN_DATABASE_URL" if url == "garbage" else "journal")
    assert "secret" not in out + err


# -- interactive commands -------------------------------------------------------------------
@pytest.mark.parametrize(
    "args",
    [["check"], ["check", "--json"], ["questionnaire", "dn4"], ["questionnaire", "nrs", "--json"]],
)
def test_input_that_ends_early_stops_cleanly_without_exit_1(
    args: list[str], data_dir: Path, monkeypatch, capsys
) -> None:
    code, out, err = cli(monkeypatch, capsys, *args, stdin="")
    assert code == 130 and "Stopped" in err and "bug in b12pain" not in err
    if "--json" in args:
        assert out == ""  # questions went to stderr; no half document on stdout


def test_check_refuses_a_save_path_before_asking_anything(
    data_dir: Path, tmp_path: Path, monkeypatch, capsys
) -> None:
    code, out, err = cli(monkeypatch, capsys, "check", "--save", str(tmp_path), stdin="")
    assert_refused(code, out, err, "--save", str(tmp_path))
    assert "self-check" not in out + err  # refused before the first question


def test_check_json_prints_only_json_on_stdout(data_dir: Path, monkeypatch, capsys) -> None:
    answers = ["", "", "", "40", "2", "1", "", "", "n", "n", "", "", "", "", "n"]
    code, out, err = cli(monkeypatch, capsys, "check", "--json", stdin="\n".join(answers) + "\n")
    assert code == 0, err
    assert json.loads(out)["schema"] == "b12pain.assessment/1"
    assert "self-check" in err


# -- words typed with capitals mean the same ids ---------------------------------------------
@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["log", "pain", "5", "--type", "Burning", "--regions", "Lower back,FEET"], "burning"),
        (["log", "dose", "--form", "Oral", "--status", "Taken"], "oral"),
        (["history", "--kind", "PAIN"], "entries"),
        (["questionnaire", "DN4", "--answers", str(ROOT / "examples" / "dn4-answers.yaml")], "dn4"),
        (
            ["intake", str(ROOT / "examples" / "meals.yaml"), "--region", "EU", "--sex", "Female"],
            "eu",
        ),
        (["foods", "search", "--richest-for", "Vegan"], "results"),
        (["plan", "start", "ORAL_CYANOCOBALAMIN_DIETARY", "--amount", "50"], "oral_cyano"),
        (["regimen", "IM_HYDROXOCOBALAMIN_NO_NEURO"], "im_hydroxocobalamin_no_neuro"),
    ],
    ids=lambda v: v[1] if isinstance(v, list) else v,
)
def test_capitalised_words_are_understood(
    args: list[str], expected: str, data_dir: Path, monkeypatch, capsys
) -> None:
    code, out, err = cli(monkeypatch, capsys, *args, "--json")
    assert code == 0, err
    assert expected in out


def test_an_import_with_junk_entries_names_each_and_saves_nothing(
    data_dir: Path, tmp_path: Path, monkeypatch, capsys
) -> None:
    export = tmp_path / "export.json"
    entries = [1, "x", {"kind": "pain", "nrs": 99, "at": "2026-11-20T08:00:00+00:00"}]
    export.write_text(json.dumps({"schema": "b12pain.journal/1", "entries": entries}), "utf-8")
    code, out, err = cli(monkeypatch, capsys, "import", str(export))
    assert_refused(code, out, err, "entries[0]", "1")
    assert "error: entries[1]: 'x'" in err and "error: entries[2].nrs: 99" in err
    code, out, _ = cli(monkeypatch, capsys, "history", "--json")
    assert json.loads(out)["entries"] == []


def test_a_symptom_id_stored_before_a_knowledge_change_still_reads(
    data_dir: Path, monkeypatch, capsys
) -> None:
    import datetime as dt

    from b12pain.journal import Journal
    from b12pain.journal.records import STORED, SymptomCheck

    at = dt.datetime(2026, 11, 20, 8, tzinfo=dt.UTC)
    old = SymptomCheck.model_validate({"at": at, "symptoms": ["retired_id"]}, context=STORED)
    with Journal.open() as journal:
        journal.add(old)
    code, out, _ = cli(monkeypatch, capsys, "history", "--json")
    assert code == 0 and json.loads(out)["entries"][0]["symptoms"] == ["retired_id"]
    code, out, err = cli(monkeypatch, capsys, "log", "symptoms", "retired_id")
    assert_refused(code, out, err, "symptoms[0]", "'retired_id'")  # new entries are checked


def test_a_profile_dated_after_the_assessment_day_is_refused(
    tmp_path: Path, monkeypatch, capsys
) -> None:
    """A lab "taken tomorrow" means one of the two dates is wrong: refused, never read."""
    profile = tmp_path / "profile.yaml"
    profile.write_text(
        "age: 58\nlabs:\n  - {test: total_b12, value: 150, unit: ng/L, date: 2026-11-25}\n",
        encoding="utf-8",
    )
    code, out, err = cli(monkeypatch, capsys, "assess", str(profile), "--today", "2026-11-24")
    assert_refused(code, out, err, "labs[0].date", "2026-11-25")
    assert "2026-11-24" in err
