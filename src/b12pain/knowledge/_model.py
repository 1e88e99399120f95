"""The shapes every knowledge entry shares: a source, a citation, an entry with an id."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

#: How directly a statement was read in its source (clinical-spec §0.1). `policy` marks
#: b12pain's own engineering choice (e.g. a plausibility limit), not a guideline statement.
Level = Literal["P", "P*", "S", "policy"]


class KnowledgeError(Exception):
    """A knowledge file is broken; says which file, which line and which key."""

    def __init__(self, file: str, line: int | None, key: str, message: str) -> None:
        self.file, self.line, self.key, self.message = file, line, key, message
        where = f"{file}:{line}" if line else file
        super().__init__(f"{where}: {key}: {message}")


class Source(BaseModel):
    """One entry of the bibliography (`sources.yaml`; clinical-spec §0.2)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    title: str
    organisation: str
    year: int | None = None
    url: str | None = None
    level: Level
    note: str | None = None


class Citation(BaseModel):
    """A pointer from a statement to the passage that supports it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    source: str
    section: str = ""
    level: Level

    def label(self) -> str:
        """Short human form, e.g. `ng239-bmj §What you need to know [P*]`."""
        section = f" §{self.section}" if self.section else ""
        return f"{self.source}{section} [{self.level}]"


class CitationRef(BaseModel):
    """A citation as written in YAML: `"source-id#section"` or a mapping; level defaults to the source's."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    source: str
    section: str = ""
    level: Level | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, value: Any) -> Any:
        if isinstance(value, str):
            source, _, section = value.partition("#")
            return {"source": source.strip(), "section": section.strip()}
        return value


class Entry(BaseModel):
    """Base of every knowledge entry: an id, a title, and the sources that support it.

    `unverified: true` marks an item the spec flags UNVERIFIED: it may be shown as a visible note
    but never drives a recommendation (the loader refuses rules that try to).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[a-z0-9_.\-]+$")
    title: str
    sources: tuple[CitationRef, ...] = Field(min_length=1)
    unverified: bool = False
    note: str | None = None
    #: Filled by the loader from `sources`, with each level resolved.
    citations: tuple[Citation, ...] = ()
    #: The YAML file kind this entry came from (filled by the loader).
    kind: str = ""

    @field_validator("sources", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return [value] if isinstance(value, str | dict) else value
