"""Entry kind for the Learn pages: the topics of a popular article on B12 and pain, in b12pain's
own words, where every statement names the sources that support it.

A topic's `sources` are gathered from its statements, so the loader checks each cited source
exists; `see_also` names other topics and `related` names knowledge entries (pain types, dosage
tiers, plan items, red flags) shown beside the text with their own citations.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from b12pain.knowledge._model import CitationRef, Entry
from b12pain.knowledge.schema._registry import entry_kind

#: The app's tools a topic can point to (web paths without the leading slash).
Tool = Literal["self-check", "labs", "diary", "supplements", "food", "insights", "sources"]


class Statement(BaseModel):
    """One sentence or short paragraph and the passages that support it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    text: str = Field(min_length=1)
    sources: tuple[CitationRef, ...] = Field(min_length=1)


class Section(BaseModel):
    """A headed part of a topic."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    heading: str
    statements: tuple[Statement, ...] = Field(min_length=1)


@entry_kind("learn_topic")
class LearnTopic(Entry):
    """One Learn page."""

    summary: str
    sections: tuple[Section, ...] = Field(min_length=1)
    see_also: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    tools: tuple[Tool, ...] = ()

    @model_validator(mode="before")
    @classmethod
    def _sources_from_statements(cls, data: Any) -> Any:
        """The topic cites exactly what its statements cite (written once, in the statements)."""
        if not isinstance(data, dict) or "sources" in data:
            return data
        seen: dict[str, Any] = {}
        for section in data.get("sections") or []:
            for statement in (section or {}).get("statements") or []:
                for ref in (statement or {}).get("sources") or []:
                    key = ref if isinstance(ref, str) else repr(sorted(ref.items()))
                    seen.setdefault(key, ref)
        return {**data, "sources": list(seen.values())}
