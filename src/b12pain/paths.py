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
        try:
            path = Path(override).expanduser()
        except RuntimeError:  # `~name` for a user this machine does not know
            from b12pain.errors import InputError

            raise InputError.single(
                "B12PAIN_DATA_DIR", override, "a folder path (~name names no user here)"
            ) from None
    else:
        from platformdirs import user_data_dir

        path = Path(user_data_dir("b12pain", appauthor=False))
    from b12pain.privacy import private_dir

    return private_dir(path)  # 0700: it holds people's health data
