"""Cited clinical facts as data: every guideline number lives here once, with its source.

`load()` reads and validates every YAML file in `knowledge/data/` (once; cached). Code elsewhere
refers to entries by id: `load().get("threshold.total_b12.ng_l")`. A broken file fails at start-up
with a `KnowledgeError` naming the file, the line and the key.
"""

from b12pain.knowledge._model import Citation, Entry, KnowledgeError, Level, Source
from b12pain.knowledge.loader import KnowledgeBase, load

__all__ = ["Citation", "Entry", "KnowledgeBase", "KnowledgeError", "Level", "Source", "load"]
