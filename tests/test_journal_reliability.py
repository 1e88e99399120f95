"""Crash safety and concurrency: a writer killed with SIGKILL mid-transaction leaves a sound
SQLite file with no half-written entry; several processes writing at once lose nothing.

Writers are forked from the test process (modules already imported), so each kill costs
milliseconds and the whole file runs in a few seconds.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import random
import signal
import sqlite3
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from b12pain.journal import Journal, make_record
from b12pain.journal.records import Entry

FORK = multiprocessing.get_context("fork")
BATCH = 20  # records per transaction in the crash test: 10 pain (with a comment) + 10 sleep
KILLS_MID_TRANSACTION = 50


def _batch(seed: int) -> list[Entry]:
    at = dt.datetime(2026, 11, 1, 8, tzinfo=dt.UTC) + dt.timedelta(minutes=seed)
    comment = {"at": at, "text": f"comment {seed}"}
    pains = [
        make_record("pain", at=at, nrs=i % 11, regions=["feet"], comments=[comment], note="n" * 500)
        for i in range(BATCH // 2)
    ]
    sleeps = [make_record("sleep", at=at, hours=7.5, quality=3) for _ in range(BATCH // 2)]
    return pains + sleeps


def _crash_writer(url: str, signal_fd: int) -> None:
    """Write batches forever, telling the parent B(egin) and C(ommitted) around each one."""
    journal = Journal.open(url)
    seed = 0
    while True:
        records = _batch(seed)
        os.write(signal_fd, b"B")
        journal.add_many(records)
        os.write(signal_fd, b"C")
        seed += 1


def test_sigkill_mid_transaction_leaves_no_half_written_entry(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite"
    url = f"sqlite:///{path}"
    Journal.open(url).close()  # create and migrate before the writers start
    rng = random.Random(5)
    mid_transaction = kills = 0
    while mid_transaction < KILLS_MID_TRANSACTION and kills < 300:
        read_fd, write_fd = os.pipe()
        writer = FORK.Process(target=_crash_writer, args=(url, write_fd), daemon=True)
        writer.start()
        os.close(write_fd)
        commits_first = rng.choice([0, 0, 0, 1])  # some runs commit batches before the kill
        seen = b""
        while not (seen.endswith(b"B") and seen.count(b"C") >= commits_first):
            byte = os.read(read_fd, 1)  # blocks until the writer reports
            assert byte, "the writer stopped on its own"
            seen += byte
        first = seen
        time.sleep(rng.uniform(0.0, 0.01))  # then kill somewhere inside the next transaction
        os.kill(writer.pid, signal.SIGKILL)  # type: ignore[arg-type]
        writer.join()
        kills += 1
        os.set_blocking(read_fd, False)
        tail = first
        try:
            while chunk := os.read(read_fd, 4096):
                tail = chunk
        except BlockingIOError:
            pass
        os.close(read_fd)
        mid_transaction += tail.endswith(b"B")
    assert mid_transaction >= KILLS_MID_TRANSACTION, f"only {mid_transaction} of {kills} mid-way"

    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        entries = conn.execute("SELECT count(*) FROM entries").fetchone()[0]
        details = conn.execute(
            "SELECT (SELECT count(*) FROM pain_entries), (SELECT count(*) FROM lifestyle_entries),"
            " (SELECT count(*) FROM comments)"
        ).fetchone()
        orphans = conn.execute(
            "SELECT count(*) FROM entries e WHERE NOT EXISTS "
            "(SELECT 1 FROM pain_entries p WHERE p.entry_id = e.id) AND NOT EXISTS "
            "(SELECT 1 FROM lifestyle_entries l WHERE l.entry_id = e.id)"
        ).fetchone()[0]
    assert orphans == 0
    assert entries % BATCH == 0 and entries > 0  # whole transactions only
    assert details == (entries // 2, entries // 2, entries // 2)
    with Journal.open(url) as journal:  # and it opens and reads normally afterwards
        assert journal.counts()["pain"] == entries // 2


WRITERS = 4
RECORDS_EACH = 40


def _concurrent_writer(url: str, writer: int) -> None:
    journal = Journal.open(url)
    start = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    for i in range(RECORDS_EACH):  # one transaction per record: the most contention
        journal.add(
            make_record(
                "stress",
                at=start + dt.timedelta(minutes=i),
                level=writer,
                note=f"writer {writer} record {i}",
            )
        )
    journal.close()


def test_several_processes_writing_at_once_lose_nothing(journal_url: str) -> None:
    Journal.open(journal_url).close()
    writers = [
        FORK.Process(target=_concurrent_writer, args=(journal_url, w)) for w in range(WRITERS)
    ]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join(timeout=120)
    assert [w.exitcode for w in writers] == [0] * WRITERS
    with Journal.open(journal_url) as journal:
        notes = {r.note for r in journal.entries(["stress"])}
        with journal.engine.connect() as conn:
            per_writer = dict(
                conn.execute(
                    sa.text("SELECT l.amount, count(*) FROM lifestyle_entries l GROUP BY l.amount")
                ).all()
            )
    assert len(notes) == WRITERS * RECORDS_EACH
    assert per_writer == {float(w): RECORDS_EACH for w in range(WRITERS)}


def _open_and_write(url: str, writer: int) -> None:
    with Journal.open(url) as journal:
        journal.add(make_record("mood", at=dt.datetime(2026, 11, 1, tzinfo=dt.UTC), level=writer))


def test_processes_creating_the_store_at_once_all_succeed(journal_url: str) -> None:
    """The first open migrates; others opening the empty store at the same time wait for it."""
    openers = [FORK.Process(target=_open_and_write, args=(journal_url, w)) for w in range(4)]
    for opener in openers:
        opener.start()
    for opener in openers:
        opener.join(timeout=120)
    assert [o.exitcode for o in openers] == [0] * 4
    with Journal.open(journal_url) as journal:
        assert journal.counts() == {"mood": 4}


@pytest.mark.parametrize("journal_url", ["sqlite"], indirect=True)
def test_sqlite_store_uses_wal_foreign_keys_and_a_busy_timeout(journal_url: str) -> None:
    with Journal.open(journal_url) as journal, journal.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
        assert conn.exec_driver_sql("PRAGMA secure_delete").scalar() == 1
