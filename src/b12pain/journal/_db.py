"""Engines for the journal: SQLite (WAL, foreign keys, busy timeout, secure delete) or PostgreSQL.

SQLite write transactions start with `BEGIN IMMEDIATE`, so two writers queue on the busy
timeout instead of failing when a read lock cannot be upgraded.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any

import sqlalchemy as sa

DATABASE_URL_ENV = "B12PAIN_DATABASE_URL"
JOURNAL_FILE = "journal.sqlite"
BUSY_TIMEOUT_MS = 30_000


def journal_url(data_dir: Path | None = None) -> str:
    """Where the journal lives: `B12PAIN_DATABASE_URL`, else `journal.sqlite` in the data dir."""
    from b12pain.privacy import private_dir
    from b12pain.userfiles import usable_folder

    if data_dir is None:
        url = os.environ.get(DATABASE_URL_ENV)
        if url:
            return _kept(url)
        from b12pain.paths import data_dir as default_dir

        data_dir = usable_folder(default_dir, "B12PAIN_DATA_DIR")
    usable_folder(lambda: private_dir(data_dir), "data_dir")
    return f"sqlite:///{data_dir / JOURNAL_FILE}"


def private_sqlite_file(url: str) -> None:
    """Create a SQLite journal file as 0600 before SQLite opens it, so the database and its
    -wal/-shm side files are private whatever the umask. (A folder that does not exist, or a
    file that cannot be made, is left to SQLite to report when it opens.)"""
    from b12pain.privacy import ensure_private_file

    database = sa.engine.make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    path = Path(database)
    with contextlib.suppress(OSError):  # also a name too long: SQLite reports it when it opens
        if path.parent.is_dir() and not path.is_dir():
            ensure_private_file(path)


def _kept(url: str) -> str:
    """`url` unless it names an in-memory SQLite database, where every entry saved from the
    command line would vanish when the command ends (`sqlite://`, `sqlite:///:memory:`)."""
    if url.startswith("sqlite"):
        try:
            database = sa.engine.make_url(url).database
        except sa.exc.ArgumentError:
            return url  # make_engine names the malformed URL
        if not database or database == ":memory:" or "mode=memory" in url:
            from b12pain.errors import InputError

            raise InputError.single(
                DATABASE_URL_ENV,
                url,
                "a database that keeps entries: sqlite:////path/to/journal.sqlite or a "
                "PostgreSQL URL (an in-memory database forgets everything when b12pain ends)",
            )
    return url


def make_engine(url: str, **options: Any) -> sa.Engine:
    """An engine for `url`; SQLite gets WAL, foreign keys, a busy timeout and immediate writes."""
    if not url.startswith("sqlite"):
        try:
            return sa.create_engine(url, pool_pre_ping=True, **options)
        except ModuleNotFoundError as exc:  # the driver is an extra: say which
            from b12pain.errors import InputError
            from b12pain.extras import extra_for

            extra = extra_for(exc.name) or "postgres"
            raise InputError.single(
                DATABASE_URL_ENV,
                _shown(url),
                f"needs the database driver {exc.name}; install b12pain[{extra}]",
            ) from None
        except (sa.exc.ArgumentError, ImportError, ValueError):
            from b12pain.errors import InputError

            raise InputError.single(
                DATABASE_URL_ENV,
                _shown(url),
                "a database URL such as postgresql+psycopg://user@host/db, or unset it",
            ) from None
    private_sqlite_file(url)
    engine = sa.create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000}, **options)

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself, below
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA secure_delete=ON")  # deleted entries are overwritten, not left
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(connection: sa.Connection) -> None:
        immediate = connection.get_execution_options().get("journal_write", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def _shown(url: str) -> str:
    """A database URL as it may be shown: never with its password."""
    try:
        return sa.engine.make_url(url).render_as_string(hide_password=True)
    except sa.exc.ArgumentError:
        return url.split("@")[-1] if "@" in url else url
