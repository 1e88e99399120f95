"""Numbered citations for the report: `[1]` in the text, the numbered source list at the end.

The numbering is `presentation.assessment.Footnotes`, the one every surface uses: each distinct
citation gets a number the first time it is shown, so page 1's sources come first.
"""

from __future__ import annotations

from collections.abc import Iterable

from b12pain.knowledge import Citation, KnowledgeBase
from b12pain.presentation.assessment import LEVEL_WORDS, Footnotes
from b12pain.reports.model import Source


class Numbering:
    """The report's footnotes: numbers handed out in order, and the list they point into."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self._kb = kb
        self._footnotes = Footnotes()

    def numbers(self, citations: Iterable[Citation]) -> tuple[int, ...]:
        """The numbers of `citations` (new ones numbered now), each once, in order."""
        return tuple(self._footnotes.numbers_for(citations))

    def sources(self) -> tuple[Source, ...]:
        """The numbered list: organisation, title, year, the section cited and its level."""
        listed = []
        for line in self._footnotes.sources(self._kb):
            source = self._kb.sources.get(line.source)
            text = line.title
            if source is not None:
                year = f" ({source.year})" if source.year else ""
                text = f"{source.organisation}: {source.title}{year}"
            if line.section:
                text += f", §{line.section}"
            text += f" [{line.level}: {LEVEL_WORDS.get(line.level, line.level)}]"
            listed.append(Source(line.number, text))
        return tuple(listed)
