"""Maps a YAML file's `kind:` to the pydantic model of its entries."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from b12pain.knowledge._model import Entry

E = TypeVar("E", bound=type[Entry])

ENTRY_KINDS: dict[str, type[Entry]] = {}


def entry_kind(name: str) -> Callable[[E], E]:
    """Class decorator: files with `kind: name` hold entries of the decorated model."""

    def register(model: E) -> E:
        if name in ENTRY_KINDS:
            raise ValueError(f"entry kind {name!r} registered twice")
        ENTRY_KINDS[name] = model
        return model

    return register
