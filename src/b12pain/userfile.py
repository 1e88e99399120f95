"""Former home of user-file reading, kept so existing imports work: see `b12pain.userfiles`."""

from __future__ import annotations

from b12pain.userfiles import parse_yaml, read_user_file, usable_folder

__all__ = ["parse_yaml", "read_user_file", "usable_folder"]
