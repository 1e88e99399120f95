"""Run the journal's Alembic migrations programmatically (upgrade on open, downgrade in tests)."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

#: The newest migration; `Journal.open` upgrades a store that is not at it.
HEAD = "0002"

_SCRIPTS = Path(__file__).resolve().parent / "migrations"


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


def upgrade(engine: sa.Engine, revision: str = "head") -> None:
    """Bring the store up to `revision` (default the newest), in one transaction per step."""
    from alembic import command

    with engine.connect().execution_options(journal_write=True) as connection:
        command.upgrade(_config(connection), revision)  # type: ignore[arg-type]
        connection.commit()


def downgrade(engine: sa.Engine, revision: str = "base") -> None:
    """Take the store down to `revision` (default: empty)."""
    from alembic import command

    with engine.connect().execution_options(journal_write=True) as connection:
        command.downgrade(_config(connection), revision)  # type: ignore[arg-type]
        connection.commit()


def ensure_current(engine: sa.Engine) -> None:
    """Upgrade the store if it is not at `HEAD` (cheap check first, so opening stays fast)."""
    if current_revision(engine) != HEAD:
        upgrade(engine)
