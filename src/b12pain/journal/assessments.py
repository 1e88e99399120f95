"""Saving profiles, assessments and questionnaire results into the journal as records, for one
owner (the service layer's `profile` and `diary` use cases are the surfaces' way in)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from b12pain.journal.records import InstrumentEntry, ProfileEntry, SavedAssessment, entry_as
from b12pain.journal.store import Journal, make_record
from b12pain.journal.tables import LOCAL_OWNER


def save_profile(
    journal: Journal,
    profile: Any,
    at: dt.datetime,
    note: str | None = None,
    *,
    owner: str = LOCAL_OWNER,
) -> ProfileEntry:
    """Store a new profile version (a `Profile` or its CONTRACT.md mapping); history is kept."""
    data = (
        profile.model_dump(mode="json", exclude_defaults=True)
        if hasattr(profile, "model_dump")
        else dict(profile)
    )
    record = make_record("profile", at=at, profile=data, note=note)
    journal.add(record, owner=owner)
    return entry_as(record, ProfileEntry)


def save_assessment(
    journal: Journal,
    assessment: Any,
    at: dt.datetime,
    note: str | None = None,
    *,
    owner: str = LOCAL_OWNER,
) -> SavedAssessment:
    """Store an `Assessment` (or its JSON mapping) with the knowledge version that produced it."""
    data: Mapping[str, Any] = (
        assessment.to_json_dict() if hasattr(assessment, "to_json_dict") else assessment
    )
    record = make_record(
        "assessment",
        at=at,
        knowledge_version=data.get("knowledge_version"),
        assessment=dict(data),
        note=note,
    )
    journal.add(record, owner=owner)
    return entry_as(record, SavedAssessment)


def save_instrument_result(
    journal: Journal,
    result: Any,
    at: dt.datetime,
    note: str | None = None,
    *,
    owner: str = LOCAL_OWNER,
) -> InstrumentEntry:
    """Store a scored questionnaire (`instruments.InstrumentResult`): answers, score, category."""
    record = make_record(
        "instrument",
        at=at,
        instrument=result.instrument,
        answers=dict(result.answers),
        score=result.score,
        category=result.category,
        note=note,
    )
    journal.add(record, owner=owner)
    return entry_as(record, InstrumentEntry)
