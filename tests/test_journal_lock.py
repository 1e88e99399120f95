"""The first-open lock works on every platform: a lock file created with O_CREAT | O_EXCL (no
`fcntl`), one process at a time, a lock left by a dead process taken over."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from b12pain.errors import InputError
from b12pain.journal import migrate
from b12pain.journal.migrate import first_open_lock


def test_the_journal_opens_where_fcntl_does_not_exist(tmp_path: Path) -> None:
    """As on Windows: `fcntl` cannot be imported, and a new store is still created."""
    code = f"""
import sys
sys.modules["fcntl"] = None  # import fcntl now fails, as where it does not exist
from b12pain.journal import Journal
with Journal.open("sqlite:///{tmp_path / "journal.sqlite"}") as journal:
    print(journal.counts())
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "{}"
    assert not (tmp_path / "journal.sqlite.migrate-lock").exists()  # released


def test_one_holder_at_a_time(tmp_path: Path) -> None:
    lock = tmp_path / "x.migrate-lock"
    inside: list[int] = []
    overlaps: list[int] = []

    def hold(n: int) -> None:
        with first_open_lock(lock):
            if inside:
                overlaps.append(n)
            inside.append(n)
            time.sleep(0.02)
            inside.remove(n)

    threads = [threading.Thread(target=hold, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert overlaps == [] and not lock.exists()


def test_a_lock_left_by_a_dead_process_is_taken_over(tmp_path: Path) -> None:
    lock = tmp_path / "x.migrate-lock"
    lock.write_text("12345")
    old = time.time() - migrate.STALE_LOCK_SECONDS - 5
    os.utime(lock, (old, old))
    with first_open_lock(lock):
        assert lock.read_text() == str(os.getpid())
    assert not lock.exists()


def test_a_held_lock_times_out_with_a_clean_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lock = tmp_path / "x.migrate-lock"
    lock.write_text("another")
    monkeypatch.setattr(migrate, "LOCK_WAIT_SECONDS", 0.2)
    with pytest.raises(InputError) as error, first_open_lock(lock):
        pass
    assert error.value.problems[0].field == "journal" and "lock" in error.value.problems[0].message
    assert lock.exists()  # someone else's lock is left alone


def test_the_journal_does_not_use_fcntl() -> None:
    source = Path(migrate.__file__).read_text(encoding="utf-8")
    assert "fcntl" not in source.replace("no `fcntl`", "")
