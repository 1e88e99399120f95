"""Numbered citations: `[1]` in the text, the numbered source list at the end.

Numbers are given in order of first appearance, so page 1's sources come first and the list
reads in the order a clinician meets them. One `Numbering` serves one report.
"""

from __future__ import annotations

from collections.abc import Iterable

from b12pain.knowledge import Citation, KnowledgeBase
from b12pain.reports.model import Source


class Numbering:
    """Hands out a number per distinct (source, section) and keeps the list."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self._kb = kb
        self._numbers: dict[tuple[str, str], int] = {}
        self._citations: list[Citation] = []

    def numbers(self, citations: Iterable[Citation]) -> tuple[int, ...]:
        """The numbers of `citations` (new ones numbered now), each once, in order."""
        found: list[int] = []
        for citation in citations:
            key = (citation.source, citation.section)
            if key not in self._numbers:
                self._citations.append(citation)
                self._numbers[key] = len(self._citations)
            if self._numbers[key] not in found:
                found.append(self._numbers[key])
        return tuple(found)

    def sources(self) -> tuple[Source, ...]:
        """The numbered list: organisation, title, year, the section cited and its level."""
        listed = []
        for index, citation in enumerate(self._citations, start=1):
            source = self._kb.sources.get(citation.source)
            if source is None:  # a citation the bibliography lacks: shown by its id
                text = citation.source
            else:
                year = f" ({source.year})" if source.year else ""
                text = f"{source.organisation}: {source.title}{year}"
            if citation.section:
                text += f", §{citation.section}"
            text += f" [evidence level {citation.level}]"
            listed.append(Source(index, text))
        return tuple(listed)
