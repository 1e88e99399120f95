"""Where b12pain keeps a person's files: one data directory, movable with `B12PAIN_DATA_DIR`."""

from __future__ import annotations

import os
from pathlib import Path


def data_dir() -> Path:
    """The data directory: `B12PAIN_DATA_DIR` if set, else the platform's user data directory.

    Created on first use. Everything local (journal, food database, backups) lives here.
    """
    override = os.environ.get("B12PAIN_DATA_DIR")
    if override:
        path = Path(override).expanduser()
    else:
        from platformdirs import user_data_dir

        path = Path(user_data_dir("b12pain", appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path
