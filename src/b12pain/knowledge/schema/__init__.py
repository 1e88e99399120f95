"""Typed entry kinds, one module per area; importing this package registers them all."""

from b12pain.knowledge.schema import clinical, cohort, foods, instruments, learn  # noqa: F401
from b12pain.knowledge.schema._registry import ENTRY_KINDS, entry_kind

__all__ = ["ENTRY_KINDS", "entry_kind"]
