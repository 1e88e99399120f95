"""Run the journal's Alembic migrations programmatically (upgrade on open, downgrade in tests)."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

#: The newest migration; `Journal.open` upgrades a store that is not at it.
HEAD = "0005"

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
    beside it, and each re-checks the revision once it has the lock, so exactly one migrates.
    (PostgreSQL migrators take turns through an advisory lock inside `_run`.)
    """
    if current_revision(engine) == HEAD:
        return
    database = engine.url.database if engine.dialect.name == "sqlite" else None
    if not database or database == ":memory:":
        upgrade(engine)
        return
    import fcntl

    with open(f"{database}.migrate-lock", "a+b") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if current_revision(engine) != HEAD:
                upgrade(engine)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
