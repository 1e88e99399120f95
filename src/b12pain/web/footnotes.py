"""Numbered footnotes on a page, numbered by `presentation.assessment.Footnotes` (the one
numbering every surface shares): each distinct citation gets a number the first time it is shown,
and the numbered source list follows at the end of the page.

This adapter only lets templates cite what they hold: knowledge citations, the `source#section`
references of knowledge entries (level taken from the bibliography), and citations in JSON form.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from b12pain.knowledge import Citation, KnowledgeBase
from b12pain.presentation.assessment import Footnotes as SharedFootnotes
from b12pain.presentation.assessment import NumberedSource


class Footnotes:
    """The footnotes of one page."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self._kb = kb
        self._notes = SharedFootnotes()

    def _citation(self, value: Any) -> Citation | None:
        if isinstance(value, Citation):
            return value
        data = value if isinstance(value, dict) else {
            "source": getattr(value, "source", ""), "section": getattr(value, "section", ""),
            "level": getattr(value, "level", None)}
        source = self._kb.sources.get(str(data.get("source") or ""))
        if source is None:
            return None
        return Citation(source=source.id, section=data.get("section") or "",
                        level=data.get("level") or source.level)

    def cite(self, citations: Iterable[Any]) -> list[int]:
        """Footnote numbers for these citations (new ones numbered), in order, no repeats."""
        found = [c for c in (self._citation(v) for v in citations) if c is not None]
        return self._notes.numbers_for(found)

    @property
    def items(self) -> tuple[NumberedSource, ...]:
        """The numbered source list, in number order."""
        return self._notes.sources(self._kb)
