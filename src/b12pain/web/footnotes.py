"""Numbered footnotes for cited text on a page: each source gets a number at its first citation.

Pages call `notes.cite(citations)` beside a statement (it returns the numbers to show) and list
`notes.items` at the end (the numbered source list, with the sections cited).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from b12pain.knowledge import KnowledgeBase, Source


@dataclass
class Footnote:
    """One numbered source and the sections of it this page cites."""

    number: int
    source: Source
    sections: list[str] = field(default_factory=list)


class Footnotes:
    """The footnotes of one page, numbered in order of first citation."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self._kb = kb
        self._by_source: dict[str, Footnote] = {}

    def cite(self, citations: Iterable[Any]) -> list[int]:
        """Numbers for these citations (objects with `source` and `section`), in order, no repeats."""
        numbers: list[int] = []
        for citation in citations:
            note = self._by_source.get(citation.source)
            if note is None:
                source = self._kb.sources.get(citation.source)
                if source is None:
                    continue
                note = Footnote(len(self._by_source) + 1, source)
                self._by_source[citation.source] = note
            section = getattr(citation, "section", "")
            if section and section not in note.sections:
                note.sections.append(section)
            if note.number not in numbers:
                numbers.append(note.number)
        return numbers

    @property
    def items(self) -> list[Footnote]:
        """The numbered source list, in number order."""
        return list(self._by_source.values())
