"""Run the journal's Alembic migrations programmatically (upgrade on open, downgrade in tests)."""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator
from pathlib import Path

import sqlalchemy as sa

#: The newest migration; `Journal.open` upgrades a store that is not at it.
HEAD = "0009"

_SCRIPTS = Path(__file__).resolve().parent / "migrations"
#: PostgreSQL advisory lock held while migrating, so servers starting together do not collide.
LOCK_KEY = 0x0B12_0005


def _config(connection: sa.Connection) -> object:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(_SCRIPTS))
    config.attributes["connection"] = connection
    return config


def current_revision(engine: sa.Engine) -> str | None:
    """The store's migration revision, or None for an empty database."""
    with engine.connect() as connection:
        if not sa.inspect(connection).has_table("alembic_version"):
            return None
        return connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()


def _run(engine: sa.Engine, step: str, revision: str) -> None:
    """Run an Alembic command in one transaction.

    On SQLite, foreign keys are off while it runs: batch migrations copy and drop tables, and a
    DROP with foreign keys on would fire ON DELETE actions on the rows that refer to them. The
    foreign keys are checked afterwards instead.
    """
    from alembic import command

    with engine.connect().execution_options(journal_write=True) as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:  # outside any transaction, where SQLite honours it
            connection.connection.dbapi_connection.execute("PRAGMA foreign_keys=OFF")  # type: ignore[union-attr]
        try:
            if connection.dialect.name == "postgresql":  # one migrator at a time per database
                connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})
            getattr(command, step)(_config(connection), revision)
            if sqlite:
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise RuntimeError(f"migration left broken references: {broken[:5]}")
            connection.commit()
        finally:
            if sqlite:
                connection.connection.dbapi_connection.execute("PRAGMA foreign_keys=ON")  # type: ignore[union-attr]


def upgrade(engine: sa.Engine, revision: str = "head") -> None:
    """Bring the store up to `revision` (default the newest), in one transaction."""
    _run(engine, "upgrade", revision)


def downgrade(engine: sa.Engine, revision: str = "base") -> None:
    """Take the store down to `revision` (default: empty)."""
    _run(engine, "downgrade", revision)


def ensure_current(engine: sa.Engine) -> None:
    """Upgrade the store if it is not at `HEAD` (cheap check first, so opening stays fast).

    Processes opening a new SQLite store at the same moment take turns through a lock file
    beside it (`first_open_lock`, portable), and each re-checks the revision once it has the
    lock, so exactly one migrates.
    (PostgreSQL migrators take turns through an advisory lock inside `_run`.)
    """
    if current_revision(engine) == HEAD:
        return
    database = engine.url.database if engine.dialect.name == "sqlite" else None
    if not database or database == ":memory:":
        upgrade(engine)
        return
    with first_open_lock(Path(f"{database}.migrate-lock")):
        if current_revision(engine) != HEAD:
            upgrade(engine)


#: How long a process waits for another to finish creating or migrating the store, and the age
#: after which a lock file is taken to be left over from a process that died.
LOCK_WAIT_SECONDS = 120.0
STALE_LOCK_SECONDS = 600.0


@contextlib.contextmanager
def first_open_lock(path: Path) -> Iterator[None]:
    """Hold the lock file `path` while the block runs (one process at a time).

    The lock is the file's existence: it is created with `O_CREAT | O_EXCL`, which is atomic on
    every operating system and local file system b12pain runs on (no `fcntl`, so Windows works
    too), and removed afterwards. A lock older than `STALE_LOCK_SECONDS` is left over from a
    process that died, and is taken over.
    """
    deadline = time.monotonic() + LOCK_WAIT_SECONDS
    delay = 0.01
    while True:
        try:
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        except FileExistsError:
            if _stale(path):
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()
                continue
            if time.monotonic() > deadline:
                from b12pain.errors import InputError

                raise InputError.single(
                    "journal",
                    str(path),
                    "another process is setting up this journal; try again (delete this lock "
                    "file if no b12pain is running)",
                ) from None
            time.sleep(delay)
            delay = min(delay * 2, 0.25)
            continue
        break
    try:
        os.write(fd, str(os.getpid()).encode())
        os.close(fd)
        yield
    finally:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


def _stale(path: Path) -> bool:
    try:
        return time.time() - path.stat().st_mtime > STALE_LOCK_SECONDS
    except FileNotFoundError:
        return False
