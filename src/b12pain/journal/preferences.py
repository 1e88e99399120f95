"""An owner's preferences (units, intake target) as one JSON object in the `preferences` table.

The journal stores and reads the mapping; what it may hold is checked by
`service.preferences` (a typed model), which every surface goes through.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa

from b12pain.journal.store import Journal, replace_preferences
from b12pain.journal.tables import LOCAL_OWNER, PreferenceRow

_P = PreferenceRow


def read_preferences(journal: Journal, *, owner: str = LOCAL_OWNER) -> dict[str, Any]:
    """`owner`'s stored preferences; an empty mapping when none were saved."""
    with journal.engine.connect() as conn:
        found = conn.execute(sa.select(_P.values).where(_P.owner == owner)).scalar()
    return dict(found) if isinstance(found, Mapping) else {}


def write_preferences(
    journal: Journal, values: Mapping[str, Any], *, owner: str = LOCAL_OWNER
) -> None:
    """Replace `owner`'s preferences by `values` (one transaction: the old or the new, never half)."""
    writer = journal.engine.execution_options(journal_write=True)
    with writer.begin() as conn:
        replace_preferences(conn, values, owner=owner)


def delete_preferences(journal: Journal, *, owner: str = LOCAL_OWNER) -> bool:
    """Remove `owner`'s preferences; whether there were any."""
    writer = journal.engine.execution_options(journal_write=True)
    with writer.begin() as conn:
        deleted = conn.execute(sa.delete(_P).where(_P.owner == owner)).rowcount
    return bool(deleted)
