"""CDS Hooks 2.0 shapes (discovery, request, card, feedback) as pydantic models, and `CdsError`.

Field names are the specification's (camelCase); requests allow extra fields (extensions), what
b12pain answers forbids them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

MAX_SUMMARY = 139  # "<140-character summary"
Indicator = Literal["info", "warning", "critical"]

_MODEL = ConfigDict(frozen=True, extra="forbid")
_OPEN = ConfigDict(frozen=True, extra="allow")  # requests may carry extensions and more fields


class CdsCoding(BaseModel):
    """CDS Hooks `Coding` (code, system, display)."""

    model_config = _OPEN

    code: str
    system: str | None = None
    display: str | None = None


class CdsService(BaseModel):
    """One service in the discovery response."""

    model_config = _MODEL

    hook: str
    title: str
    description: str
    id: str
    prefetch: dict[str, str]
    usageRequirements: str | None = None


class Discovery(BaseModel):
    """`GET /cds-services` response."""

    model_config = _MODEL

    services: tuple[CdsService, ...]


class Source(BaseModel):
    """Card `source`: the guideline the card rests on."""

    model_config = _MODEL

    label: str = Field(min_length=1)
    url: str | None = None
    topic: CdsCoding | None = None


class Link(BaseModel):
    """Card `links[]` item."""

    model_config = _MODEL

    label: str
    url: str
    type: Literal["absolute", "smart"] = "absolute"


class Card(BaseModel):
    """One card; `summary` under 140 characters, `detail` GitHub-flavoured markdown."""

    model_config = _MODEL

    uuid: str
    summary: str = Field(min_length=1, max_length=MAX_SUMMARY)
    detail: str
    indicator: Indicator
    source: Source
    links: tuple[Link, ...] | None = None


class CdsResponse(BaseModel):
    """Service response: `{"cards": [...]}`."""

    model_config = _MODEL

    cards: tuple[Card, ...]


class PatientViewContext(BaseModel):
    """`patient-view` context (userId and patientId required; encounterId optional)."""

    model_config = _OPEN

    userId: str = Field(min_length=1)
    patientId: str = Field(min_length=1)
    encounterId: str | None = None


class CdsRequest(BaseModel):
    """A service call (CDS Hooks "HTTP Request" fields)."""

    model_config = _OPEN

    hook: str
    hookInstance: str = Field(min_length=1)
    fhirServer: str | None = None
    fhirAuthorization: dict[str, Any] | None = None
    context: PatientViewContext
    prefetch: dict[str, Any] | None = None


class OverrideReason(BaseModel):
    """Feedback `overrideReason`: a coded reason and/or the user's comment."""

    model_config = _OPEN

    reason: CdsCoding | None = None
    userComment: str | None = Field(default=None, max_length=2000)


class AcceptedSuggestion(BaseModel):
    """Feedback `acceptedSuggestions[]` item."""

    model_config = _OPEN

    id: str


class Feedback(BaseModel):
    """One feedback item: a card's uuid, the outcome and when (UTC, RFC 3339)."""

    model_config = _OPEN

    card: str = Field(min_length=1, max_length=200)
    outcome: Literal["accepted", "overridden"]
    acceptedSuggestions: tuple[AcceptedSuggestion, ...] | None = None
    overrideReason: OverrideReason | None = None
    outcomeTimestamp: dt.datetime

    @field_validator("outcomeTimestamp")
    @classmethod
    def _aware(cls, value: dt.datetime) -> dt.datetime:
        if value.utcoffset() is None:
            raise ValueError("a UTC date-time such as 2021-12-11T10:05:31Z")
        return value

    @model_validator(mode="after")
    def _accepted_names_suggestions(self) -> Feedback:
        if self.outcome == "accepted" and not self.acceptedSuggestions:
            raise ValueError("acceptedSuggestions: required when outcome is accepted")
        return self


class FeedbackRequest(BaseModel):
    """`POST .../feedback` body: `{"feedback": [...]}`."""

    model_config = _OPEN

    feedback: tuple[Feedback, ...] = Field(min_length=1)


# --- errors --------------------------------------------------------------------------------


class CdsError(Exception):
    """A request the service cannot answer with cards: HTTP `status` and a `reason` for the EHR."""

    def __init__(self, status: Literal[400, 412], reason: str) -> None:
        self.status = status
        self.reason = reason
        super().__init__(f"{status}: {reason}")


def validation_reason(exc: ValidationError) -> str:
    """The first few problems of a validation error, as one line for a 400 `reason`."""
    parts = []
    for err in exc.errors()[:5]:
        where = ".".join(str(p) for p in err["loc"]) or "(body)"
        parts.append(f"{where}: {str(err['msg']).removeprefix('Value error, ')}")
    return "; ".join(parts)
