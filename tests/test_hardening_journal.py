"""The journal on disk: private whatever the umask, exports that cannot destroy it, imports as
strict as the commands, and `delete-all` that leaves no copy behind in the data folder (issue 12).
"""

from __future__ import annotations

import io
import json
import os
import stat
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from b12pain.cli.errors import run_guarded
from b12pain.cli.main import app

SCHEMA = "b12pain.journal/1"


def cli(monkeypatch, capsys, *args: str) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "argv", ["b12pain", *args])
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    code = run_guarded(app)
    out = capsys.readouterr()
    return code, out.out, out.err


def mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


@pytest.fixture
def loose_umask() -> Iterator[None]:
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


@pytest.fixture
def fresh_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A data folder b12pain must create itself (so its mode is b12pain's doing)."""
    path = tmp_path / "fresh" / "b12pain"
    monkeypatch.setenv("B12PAIN_DATA_DIR", str(path))
    monkeypatch.delenv("B12PAIN_DATABASE_URL", raising=False)
    return path


# -- private by default --------------------------------------------------------------------


def test_the_journal_and_its_side_files_are_private(
    fresh_data_dir: Path, loose_umask: None, monkeypatch, capsys
) -> None:
    code, _, err = cli(monkeypatch, capsys, "log", "pain", "5", "--note", "private")
    assert code == 0, err
    assert mode(fresh_data_dir) == 0o700
    files = [p for p in fresh_data_dir.iterdir() if p.is_file()]
    assert any(p.name == "journal.sqlite" for p in files)
    assert {p.name: mode(p) for p in files} == {p.name: 0o600 for p in files}


def test_backups_are_private(fresh_data_dir: Path, loose_umask: None, monkeypatch, capsys) -> None:
    cli(monkeypatch, capsys, "log", "pain", "5")
    code, out, err = cli(monkeypatch, capsys, "backup", "--json")
    assert code == 0, err
    backup = Path(json.loads(out)["backup"])
    assert mode(backup.parent) == 0o700 and mode(backup) == 0o600
    assert not [p for p in backup.parent.iterdir() if p.name.endswith(".partial")]


def test_exports_are_private(
    fresh_data_dir: Path, tmp_path: Path, loose_umask: None, monkeypatch, capsys
) -> None:
    cli(monkeypatch, capsys, "log", "pain", "5")
    target = tmp_path / "export.json"
    code, _, err = cli(monkeypatch, capsys, "export", str(target))
    assert code == 0, err
    assert mode(target) == 0o600


def test_a_profile_saved_by_the_self_check_is_private(
    data_dir: Path, tmp_path: Path, loose_umask: None, monkeypatch, capsys
) -> None:
    # Empty answers skip every optional question (and re-ask the age until it comes), so the
    # script does not depend on how many red-flag groups the check asks first.
    answers = [""] * 12 + ["40"] + [""] * 40
    saved = tmp_path / "profile.yaml"
    monkeypatch.setattr(sys, "argv", ["b12pain", "check", "--save", str(saved), "--json"])
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n".join(answers) + "\n"))
    assert run_guarded(app) == 0, capsys.readouterr().err
    assert mode(saved) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([data_dir.name, "profile.yaml"])


# -- exports that cannot destroy ----------------------------------------------------------


@pytest.mark.parametrize("inside", ["journal.sqlite", "journal.sqlite-wal", "notes.json", "."])
def test_an_export_into_the_data_folder_is_refused_and_the_journal_survives(
    inside: str, data_dir: Path, monkeypatch, capsys
) -> None:
    cli(monkeypatch, capsys, "log", "pain", "5")
    code, out, err = cli(monkeypatch, capsys, "export", str(data_dir / inside))
    assert code == 2, (out, err)
    assert "bug in b12pain" not in err and err.startswith("error: file: ")
    code, out, _ = cli(monkeypatch, capsys, "history", "--json")
    assert code == 0 and len(json.loads(out)["entries"]) == 1


@pytest.mark.parametrize("suffix", ["", "-wal"])
def test_an_export_onto_a_journal_kept_outside_the_data_folder_is_refused(
    suffix: str, data_dir: Path, tmp_path: Path, monkeypatch, capsys
) -> None:
    journal = tmp_path / "elsewhere" / "journal.sqlite"
    journal.parent.mkdir()
    monkeypatch.setenv("B12PAIN_DATABASE_URL", f"sqlite:///{journal}")
    cli(monkeypatch, capsys, "log", "pain", "5")
    code, _, err = cli(monkeypatch, capsys, "export", str(journal) + suffix)
    assert code == 2 and err.startswith("error: file: "), err
    code, out, _ = cli(monkeypatch, capsys, "history", "--json")
    assert code == 0 and len(json.loads(out)["entries"]) == 1


def test_an_export_onto_a_folder_is_refused_and_leaves_nothing(
    data_dir: Path, tmp_path: Path, monkeypatch, capsys
) -> None:
    cli(monkeypatch, capsys, "log", "pain", "5")
    folder = tmp_path / "exports"
    folder.mkdir()
    code, _, err = cli(monkeypatch, capsys, "export", str(folder))
    assert code == 2 and "bug in b12pain" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["exports", data_dir.name])
    assert list(folder.iterdir()) == []


def test_a_planted_partial_symlink_is_not_followed(
    data_dir: Path, tmp_path: Path, monkeypatch, capsys
) -> None:
    cli(monkeypatch, capsys, "log", "pain", "5")
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me", encoding="utf-8")
    target = tmp_path / "out.json"
    (tmp_path / "out.json.partial").symlink_to(victim)
    (tmp_path / ".out.json.partial").symlink_to(victim)
    code, _, err = cli(monkeypatch, capsys, "export", str(target))
    assert code == 0, err
    assert victim.read_text(encoding="utf-8") == "keep me"
    assert json.loads(target.read_text(encoding="utf-8"))["schema"] == SCHEMA


# -- delete everything ---------------------------------------------------------------------


def test_delete_all_deletes_backups_too_and_says_what_it_cannot_reach(
    data_dir: Path, tmp_path: Path, monkeypatch, capsys
) -> None:
    cli(monkeypatch, capsys, "log", "pain", "5", "--note", "secret")
    code, out, _ = cli(monkeypatch, capsys, "backup", "--json")
    in_folder = Path(json.loads(out)["backup"])
    elsewhere = tmp_path / "usb"
    elsewhere.mkdir()
    cli(monkeypatch, capsys, "backup", "--to", str(elsewhere))
    cli(monkeypatch, capsys, "export", str(tmp_path / "copy.json"))
    code, out, err = cli(monkeypatch, capsys, "delete-all", "--yes")
    assert code == 0, err
    assert not in_folder.exists()
    assert "backup" in out.lower() and str(in_folder.name) in out
    assert str(tmp_path / "copy.json") in out  # named, not deleted behind the person's back
    assert (tmp_path / "copy.json").exists()
    leftovers = [p for p in data_dir.rglob("*") if p.is_file() and "journal.sqlite" not in p.name]
    assert leftovers == []
    for path in data_dir.glob("journal.sqlite*"):
        assert b"secret" not in path.read_bytes()


# -- imports as strict as the commands ----------------------------------------------------


def _write_export(path: Path, entries: list[object]) -> Path:
    path.write_text(json.dumps({"schema": SCHEMA, "entries": entries}), encoding="utf-8")
    return path


PAIN = {"kind": "pain", "nrs": 5, "at": "2026-11-20T08:00:00+00:00"}
PROFILE = {"kind": "profile", "at": "2026-11-20T08:00:00+00:00"}
LAB = {"test": "total_b12", "value": 210, "unit": "ng/L"}


@pytest.mark.parametrize(
    ("entries", "field", "shown"),
    [
        ([{**PAIN, "at": "2099-01-01T08:00:00+00:00"}], "entries[0].at", "2099"),
        ([{**PAIN, "at": "1800-01-01T08:00:00+00:00"}], "entries[0].at", "1800"),
        ([{**PAIN, "nrs": True}], "entries[0].nrs", "True"),
        ([{**PAIN, "uid": "a" * 32}, {**PAIN, "uid": "a" * 32}], "entries[1].uid", "a" * 32),
    ],
    ids=["2099", "1800", "boolean nrs", "duplicate id"],
)
def test_an_import_refuses_what_log_refuses(
    entries: list[object], field: str, shown: str, data_dir: Path, tmp_path: Path,
    monkeypatch, capsys,
) -> None:  # fmt: skip
    path = _write_export(tmp_path / "export.json", entries)
    code, out, err = cli(monkeypatch, capsys, "import", str(path))
    assert code == 2, (out, err)
    assert "bug in b12pain" not in err
    assert f"error: {field}: " in err and shown in err, err
    code, out, _ = cli(monkeypatch, capsys, "history", "--json")
    assert json.loads(out)["entries"] == []  # all or nothing


def test_an_import_of_an_entry_already_in_the_journal_names_entry_and_id(
    data_dir: Path, tmp_path: Path, monkeypatch, capsys
) -> None:
    cli(monkeypatch, capsys, "log", "pain", "5")
    export = tmp_path / "export.json"
    cli(monkeypatch, capsys, "export", str(export))
    uid = json.loads(export.read_text(encoding="utf-8"))["entries"][0]["uid"]
    code, _, err = cli(monkeypatch, capsys, "import", str(export))
    assert code in (2, 409 // 100 * 0 + 2), err
    assert "error: entries[0].uid: " in err and uid in err, err


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ('{"schema": "b12pain.journal/1", "schema": "x", "entries": []}', "twice"),
        ('{"schema": "b12pain.journal/1", "entries": [' + "1" * 5_000 + "]}", "digits"),
        ('{"schema": "b12pain.journal/1", "entries": [NaN]}', "finite"),
        ("[" * 100_000 + "]" * 100_000, "nested deeper"),
    ],
    ids=["duplicate key", "huge int", "NaN", "deep"],
)
def test_a_hostile_export_file_is_refused_by_the_file_rules(
    text: str, words: str, data_dir: Path, tmp_path: Path, monkeypatch, capsys
) -> None:
    path = tmp_path / "export.json"
    path.write_text(text, encoding="utf-8")
    code, _, err = cli(monkeypatch, capsys, "import", str(path))
    assert code == 2 and "bug in b12pain" not in err
    assert "\nerror: file: " in "\n" + err and words in err, err[:500]
    assert str(path) in err


def test_a_named_pipe_is_refused_as_an_import(
    data_dir: Path, tmp_path: Path, monkeypatch, capsys
) -> None:
    pipe = tmp_path / "export.json"
    os.mkfifo(pipe)
    code, _, err = cli(monkeypatch, capsys, "import", str(pipe))
    assert code == 2 and "named pipe" in err


def test_many_bad_entries_print_a_bounded_list_with_a_count(
    data_dir: Path, tmp_path: Path, monkeypatch, capsys
) -> None:
    path = _write_export(tmp_path / "export.json", [{**PAIN, "nrs": 99}] * 100_000)
    code, out, err = cli(monkeypatch, capsys, "import", str(path))
    assert code == 2
    lines = err.splitlines()
    assert len(lines) <= 60, len(lines)
    assert ("more" in lines[-1] and "99,9" in lines[-1].replace(" ", ",")) or "9995" in lines[-1]
    code, out, _ = cli(monkeypatch, capsys, "import", str(path), "--json")
    assert len(json.loads(out)["errors"]) == 100_000  # JSON keeps every problem for tools


# -- the same rules through the service (what the web and the CLI both call) -------------------


@pytest.fixture
def service_context(tmp_path: Path) -> Iterator[object]:
    import datetime as dt

    from b12pain.journal import Journal
    from b12pain.knowledge import load
    from b12pain.service.context import local_context

    folder = tmp_path / "journal"
    folder.mkdir()
    with Journal.open(data_dir=folder) as store:
        yield local_context(store, load(), dt.datetime(2026, 11, 24, 9, tzinfo=dt.UTC))


@pytest.mark.parametrize(
    ("entries", "field", "words"),
    [
        ([{**PAIN, "at": "2099-01-01T08:00:00+00:00"}], "entries[0].at", "has passed"),
        ([{**PAIN, "at": "2026-11-26T08:00:00+00:00"}], "entries[0].at", "has passed"),
        ([{**PAIN, "nrs": True}], "entries[0].nrs", "a number"),
        ([{**PAIN, "uid": "b" * 32}, {**PAIN, "uid": "b" * 32}], "entries[1].uid", "each id once"),
        ([{**PROFILE, "profile": {"age": True}}], "entries[0].profile.age", "a number"),
        (
            [{**PROFILE, "profile": {"age": 60, "labs": [{**LAB, "date": "1066-10-14"}]}}],
            "entries[0].profile.labs[0].date",
            "between 1900",
        ),
        (
            [
                {
                    **PROFILE,
                    "profile": {
                        "age": 60,
                        "medications": [{"name": "metformin", "duration": "999999999y"}],
                    },
                }
            ],
            "entries[0].profile.medications[0].duration",
            "120y",
        ),
        (
            [{**PROFILE, "profile": {"age": 60, "symptoms": ["not_a_symptom"]}}],
            "entries[0].profile.symptoms[0]",
            "unknown symptom",
        ),
    ],
    ids=[
        "2099",
        "two days ahead",
        "boolean",
        "same id twice",
        "profile age yes",
        "profile lab 1066",
        "profile duration",
        "profile unknown symptom",
    ],
)
def test_import_document_refuses_by_entry(
    service_context, entries: list[object], field: str, words: str
) -> None:
    from b12pain.errors import InputError
    from b12pain.service.transfer import import_document

    with pytest.raises(InputError) as caught:
        import_document(service_context, {"schema": SCHEMA, "entries": entries})
    problems = {p.field: p.message for p in caught.value.problems}
    assert field in problems and words in problems[field], problems
    assert service_context.store.entries() == []  # all or nothing


def test_an_exported_journal_imports_again(service_context, tmp_path: Path) -> None:
    """The strict checks accept what b12pain itself writes: profile, questionnaire, labs."""
    import datetime as dt

    from b12pain.journal import Journal
    from b12pain.knowledge import load
    from b12pain.service import diary, profile
    from b12pain.service.context import local_context
    from b12pain.service.transfer import export_journal, import_document

    profile.save_profile(
        service_context,
        {"age": 60, "symptoms": ["pins and needles"], "medications": [{"name": "metformin",
         "duration": "5y"}], "labs": [{**LAB, "date": "2026-11-01"}]},
    )  # fmt: skip
    diary.log_instrument(
        service_context, diary.InstrumentInput(instrument="nrs", answers={"nrs": 4})
    )
    document = export_journal(service_context)
    folder = tmp_path / "again"
    folder.mkdir()
    with Journal.open(data_dir=folder) as store:
        ctx = local_context(store, load(), dt.datetime(2026, 11, 24, 9, tzinfo=dt.UTC))
        assert import_document(ctx, document) == len(document["entries"])


def test_import_document_accepts_a_planned_dose_ahead(service_context) -> None:
    from b12pain.service.transfer import import_document

    dose = {"kind": "dose", "status": "planned", "form": "oral", "at": "2026-12-24T08:00:00+00:00"}
    assert import_document(service_context, {"schema": SCHEMA, "entries": [dose]}) == 1


def test_import_document_names_ids_already_in_the_journal(service_context) -> None:
    from b12pain.errors import ConflictError
    from b12pain.service.transfer import import_document

    first = {**PAIN, "uid": "c" * 32}
    import_document(service_context, {"schema": SCHEMA, "entries": [first]})
    again = [{**PAIN, "uid": "d" * 32}, first]
    with pytest.raises(ConflictError) as caught:
        import_document(service_context, {"schema": SCHEMA, "entries": again})
    assert [(p.field, p.value) for p in caught.value.problems] == [("entries[1].uid", "c" * 32)]
    assert len(service_context.store.entries()) == 1  # the new one was not written either


# -- killed in the middle --------------------------------------------------------------------


def _exporter(url: str, target: str, signal_fd: int) -> None:
    """Export the journal to `target` for ever, telling the parent B(egin) before each write."""
    from b12pain.journal import Journal
    from b12pain.journal.transfer import export_file

    journal = Journal.open(url)
    while True:
        os.write(signal_fd, b"B")
        export_file(journal, Path(target))


def test_an_export_killed_mid_write_leaves_the_old_file_whole(tmp_path: Path) -> None:
    """SIGKILL cannot be caught: the target is still either absent or a complete export."""
    import datetime as dt
    import multiprocessing
    import random
    import signal
    import time

    from b12pain.journal import Journal, make_record

    url = f"sqlite:///{tmp_path / 'journal.sqlite'}"
    at = dt.datetime(2026, 11, 1, 8, tzinfo=dt.UTC)
    with Journal.open(url) as journal:
        journal.add_many(
            make_record("pain", at=at + dt.timedelta(minutes=i), nrs=i % 11, note="n" * 300)
            for i in range(2_000)
        )
    target = tmp_path / "out" / "export.json"
    target.parent.mkdir()
    rng = random.Random(12)
    fork = multiprocessing.get_context("fork")
    for attempt in range(15):
        read_fd, write_fd = os.pipe()
        child = fork.Process(target=_exporter, args=(url, str(target), write_fd))
        child.start()
        os.close(write_fd)
        assert os.read(read_fd, 1) == b"B"
        if attempt == 0:  # let one export finish, so later kills always find an old file
            assert os.read(read_fd, 1) == b"B"
        time.sleep(rng.uniform(0, 0.3))  # somewhere in the middle of a write (or between two)
        os.kill(child.pid, signal.SIGKILL)
        child.join()
        os.close(read_fd)
        document = json.loads(target.read_text(encoding="utf-8"))  # whole: old or new
        assert document["schema"] == SCHEMA and len(document["entries"]) == 2_000
        assert mode(target) == 0o600
    # A kill leaves at most a private temporary beside the target, never a half export in it.
    for leftover in target.parent.iterdir():
        if leftover != target:
            assert leftover.name.startswith(".export.json.") and leftover.name.endswith(".partial")
            assert mode(leftover) == 0o600


OUTPUT_COMMANDS = {
    "export": ["export", "TARGET"],
    "fhir export": ["fhir", "export", "TARGET"],
    "report --html": ["report", "--html", "TARGET"],
    "plan ics": ["plan", "ics", "TARGET"],
}
BAD_TARGETS = {
    "the journal": lambda data, tmp: data / "journal.sqlite",
    "the journal's WAL": lambda data, tmp: data / "journal.sqlite-wal",
    "a named pipe": lambda data, tmp: _pipe(tmp / "pipe.out"),
    "a device": lambda data, tmp: Path("/dev/null"),
    "a missing folder": lambda data, tmp: tmp / "nowhere" / "out.file",
}


def _pipe(path: Path) -> Path:
    os.mkfifo(path)
    return path


@pytest.mark.parametrize("target", sorted(BAD_TARGETS))
@pytest.mark.parametrize("command", sorted(OUTPUT_COMMANDS))
def test_no_output_command_writes_over_the_journal_or_a_special_file(
    command: str, target: str, data_dir: Path, tmp_path: Path, monkeypatch, capsys
) -> None:
    cli(monkeypatch, capsys, "log", "pain", "5")
    cli(monkeypatch, capsys, "plan", "start", "oral_cyanocobalamin_dietary", "--amount", "50")
    path = BAD_TARGETS[target](data_dir, tmp_path)
    args = [str(path) if a == "TARGET" else a for a in OUTPUT_COMMANDS[command]]
    code, out, err = cli(monkeypatch, capsys, *args)
    assert code == 2, (out, err)
    assert "bug in b12pain" not in err and "Traceback" not in err
    assert (data_dir / "journal.sqlite").read_bytes()[:16] == b"SQLite format 3\x00"
    code, out, _ = cli(monkeypatch, capsys, "history", "--json", "--kind", "pain")
    assert code == 0 and len(json.loads(out)["entries"]) == 1
