"""Private by default: 0700 folders, 0600 files whatever the umask; atomic writes leave nothing.

Issue 12 found the journal, backups and exports world-readable under a normal umask, an export
that replaced the journal, a `.partial` copy left after a failed export and a pre-existing
`.partial` symlink followed. These tests hold the helpers every writer uses to the opposite.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from b12pain.errors import InputError
from b12pain.privacy import (
    PARTIAL_SUFFIX,
    check_export_target,
    ensure_private_file,
    is_inside,
    private_dir,
    private_writer,
    write_private,
)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


@pytest.fixture(params=[0o022, 0o000, 0o002], ids=["umask 022", "umask 000", "umask 002"])
def loose_umask(request: pytest.FixtureRequest) -> Iterator[int]:
    """Run the test under a permissive umask, restored afterwards."""
    previous = os.umask(request.param)
    try:
        yield request.param
    finally:
        os.umask(previous)


def test_private_dir_is_0700_new_or_existing(tmp_path: Path, loose_umask: int) -> None:
    fresh = private_dir(tmp_path / "a" / "b")
    assert mode(fresh) == 0o700 and mode(tmp_path / "a") == 0o700  # new parents too
    existing = tmp_path / "open"
    existing.mkdir(mode=0o777)
    existing.chmod(0o777)
    assert mode(private_dir(existing)) == 0o700


def test_write_private_is_0600_and_atomic(tmp_path: Path, loose_umask: int) -> None:
    target = tmp_path / "export.json"
    write_private(target, '{"a": 1}')
    assert mode(target) == 0o600
    assert target.read_text(encoding="utf-8") == '{"a": 1}'
    target.chmod(0o644)  # replacing an existing, looser file gives a private one
    write_private(target, b"second")
    assert mode(target) == 0o600 and target.read_bytes() == b"second"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["export.json"]


def test_a_failed_write_leaves_the_old_file_and_no_partial(tmp_path: Path) -> None:
    target = tmp_path / "export.json"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError), private_writer(target) as out:
        out.write(b"half of the new")
        raise RuntimeError("disk full, say")
    assert target.read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["export.json"]


def test_ctrl_c_during_a_write_leaves_no_partial(tmp_path: Path) -> None:
    target = tmp_path / "export.json"
    with pytest.raises(KeyboardInterrupt), private_writer(target) as out:
        out.write(b"x")
        raise KeyboardInterrupt
    assert list(tmp_path.iterdir()) == []


def test_a_pre_existing_partial_symlink_is_never_followed(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me", encoding="utf-8")
    target = tmp_path / "export.json"
    for name in (f"{target.name}{PARTIAL_SUFFIX}", f".{target.name}{PARTIAL_SUFFIX}"):
        (tmp_path / name).symlink_to(victim)
    write_private(target, "data")
    assert victim.read_text(encoding="utf-8") == "keep me"
    assert target.read_text(encoding="utf-8") == "data" and not target.is_symlink()


def test_a_symlink_at_the_target_is_replaced_not_followed(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me", encoding="utf-8")
    target = tmp_path / "export.json"
    target.symlink_to(victim)
    write_private(target, "data")
    assert victim.read_text(encoding="utf-8") == "keep me"
    assert not target.is_symlink() and mode(target) == 0o600


def test_ensure_private_file_covers_sqlite_side_files(tmp_path: Path, loose_umask: int) -> None:
    database = tmp_path / "journal.sqlite"
    assert mode(ensure_private_file(database)) == 0o600  # created empty, private
    for suffix in ("-wal", "-shm", "-journal"):
        side = tmp_path / f"journal.sqlite{suffix}"
        side.write_bytes(b"")
        side.chmod(0o644)
    database.chmod(0o644)
    ensure_private_file(database)
    assert {mode(p) for p in tmp_path.iterdir()} == {0o600}


def test_sqlite_creates_its_side_files_private_after_ensure(
    tmp_path: Path, loose_umask: int
) -> None:
    import sqlite3

    database = ensure_private_file(tmp_path / "journal.sqlite")
    connection = sqlite3.connect(database)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("CREATE TABLE t (x)")
    connection.execute("INSERT INTO t VALUES (1)")
    connection.commit()
    files = list(tmp_path.iterdir())
    assert any(p.name.endswith("-wal") for p in files)
    assert {mode(p) for p in files} == {0o600}
    connection.close()


@pytest.mark.parametrize(
    "where",
    ["journal.sqlite", "backups/journal-2026.sqlite", "export.json", "."],
)
def test_an_export_into_the_data_folder_is_refused(tmp_path: Path, where: str) -> None:
    data = tmp_path / "data"
    (data / "backups").mkdir(parents=True)
    (data / "journal.sqlite").write_bytes(b"SQLite format 3\x00")
    with pytest.raises(InputError) as caught:
        check_export_target(data / where, data, "file")
    assert caught.value.problems[0].field == "file"
    assert "outside b12pain's data folder" in caught.value.problems[0].message


def test_an_export_through_a_symlinked_folder_into_the_data_folder_is_refused(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (tmp_path / "innocent").symlink_to(data)
    with pytest.raises(InputError):
        check_export_target(tmp_path / "innocent" / "journal.sqlite", data, "file")


def test_an_export_onto_a_folder_or_into_a_missing_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "folder").mkdir()
    with pytest.raises(InputError, match="not a folder"):
        check_export_target(tmp_path / "folder", tmp_path / "data", "file")
    with pytest.raises(InputError, match="folder that exists"):
        check_export_target(tmp_path / "nope" / "x.json", tmp_path / "data", "file")


def test_an_export_onto_a_pipe_or_device_is_refused(tmp_path: Path) -> None:
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    for target in (pipe, Path("/dev/null")):
        with pytest.raises(InputError, match="not a device or pipe"):
            check_export_target(target, tmp_path / "data", "file")


def test_an_export_elsewhere_is_allowed(tmp_path: Path) -> None:
    assert (
        check_export_target(tmp_path / "out.json", tmp_path / "data", "file")
        == tmp_path / "out.json"
    )
    assert is_inside(tmp_path / "data" / "x", tmp_path / "data")
    assert not is_inside(tmp_path / "database", tmp_path / "data")


def test_a_private_temporary_for_sqlite_backups(tmp_path: Path, loose_umask: int) -> None:
    import sqlite3

    from b12pain.privacy import private_temporary

    victim = tmp_path / "victim.txt"
    victim.write_text("keep me", encoding="utf-8")
    target = tmp_path / "backup.sqlite"
    (tmp_path / "backup.sqlite.partial").symlink_to(victim)  # planted at the guessable name
    with private_temporary(target) as temporary:
        copy = sqlite3.connect(temporary)
        copy.execute("CREATE TABLE t (x)")
        copy.commit()
        copy.close()
    assert mode(target) == 0o600
    assert victim.read_text(encoding="utf-8") == "keep me"
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "backup.sqlite",
        "backup.sqlite.partial",
        "victim.txt",
    ]


def test_a_failed_private_temporary_leaves_nothing(tmp_path: Path) -> None:
    from b12pain.privacy import private_temporary

    with pytest.raises(OSError), private_temporary(tmp_path / "backup.sqlite") as temporary:
        temporary.write_bytes(b"half")
        raise OSError("disk full")
    assert list(tmp_path.iterdir()) == []


def test_delete_copies_removes_backups_and_leftovers_and_names_the_rest(tmp_path: Path) -> None:
    from b12pain.privacy import BACKUPS_FOLDER, delete_copies, note_copy

    data = tmp_path / "data"
    backups = data / BACKUPS_FOLDER
    backups.mkdir(parents=True)
    (data / "journal.sqlite").write_bytes(b"journal")
    made = [
        backups / "journal-20261120T080000.sqlite",
        backups / "journal-20261120T080000.sqlite-wal",
        backups / "journal-20261121T080000.json",
        data / ".export.json.1a2b3c.partial",
    ]
    for path in made:
        path.write_bytes(b"a copy of the journal")
    elsewhere = tmp_path / "usb" / "journal.json"
    elsewhere.parent.mkdir()
    elsewhere.write_text("{}", encoding="utf-8")
    gone = tmp_path / "usb" / "deleted-already.json"
    note_copy(data, elsewhere)
    note_copy(data, gone)
    note_copy(data, elsewhere)  # once in the ledger
    note_copy(data, backups / "x.json")  # inside: not recorded
    result = delete_copies(data)
    assert sorted(result.deleted) == sorted(made)
    assert result.out_of_reach == (elsewhere.resolve(),)
    assert elsewhere.exists()  # never deleted behind the person's back
    assert sorted(p.name for p in data.iterdir()) == ["journal.sqlite"]


def test_delete_copies_keeps_files_the_person_put_in_backups(tmp_path: Path) -> None:
    from b12pain.privacy import delete_copies

    backups = tmp_path / "backups"
    backups.mkdir()
    mine = backups / "my-notes.txt"
    mine.write_text("mine", encoding="utf-8")
    assert delete_copies(tmp_path).deleted == ()
    assert mine.exists()


def test_a_folder_the_person_chose_keeps_its_mode(tmp_path: Path) -> None:
    chosen = tmp_path / "Backups"
    chosen.mkdir()
    chosen.chmod(0o755)
    private_dir(chosen, tighten_existing=False)
    assert mode(chosen) == 0o755
    assert mode(private_dir(chosen / "new", tighten_existing=False)) == 0o700


def test_a_ledger_that_cannot_be_written_never_fails_the_export(tmp_path: Path) -> None:
    from b12pain.privacy import COPIES_LEDGER, note_copy

    data = tmp_path / "data"
    data.mkdir()
    (data / COPIES_LEDGER).mkdir()  # in the way: the rename onto it fails
    note_copy(data, tmp_path / "export.json")  # no exception
    assert [p.name for p in data.iterdir()] == [COPIES_LEDGER]  # no temporary left
