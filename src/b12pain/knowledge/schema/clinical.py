"""Entry kinds for the `clinical` area (thresholds, rules, notes … as that area needs)."""

from __future__ import annotations

from b12pain.knowledge._model import Entry
from b12pain.knowledge.schema._registry import entry_kind

__all__ = ["Entry", "entry_kind"]


@entry_kind("note")
class Note(Entry):
    """A cited statement shown to people as text (a disclaimer, an explanation, a caveat)."""

    text: str | None = None
