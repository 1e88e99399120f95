"""Entry kinds for the `cohort` area (thresholds, rules, notes … as that area needs)."""

from __future__ import annotations

from b12pain.knowledge._model import Entry
from b12pain.knowledge.schema._registry import entry_kind

__all__ = ["Entry", "entry_kind"]
