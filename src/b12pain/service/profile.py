"""Profile use cases: save a version of a person's profile, read the current one, assess it.

A profile is the CONTRACT.md mapping; saving keeps every earlier version (the version number is
the store's, counted per owner). Assessing is `clinical.assess` on the profile and `ctx.today`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from b12pain.clinical.parse import parse_profile
from b12pain.clinical.profile import Profile
from b12pain.clinical.result import Assessment
from b12pain.journal.records import ProfileEntry, SavedAssessment, entry_as
from b12pain.knowledge import KnowledgeBase
from b12pain.service.context import Context
from b12pain.service.diary import save


@dataclass(frozen=True)
class SavedProfile:
    """A saved profile version and, when asked for, its assessment (also saved)."""

    saved: ProfileEntry
    version: int
    assessment: Assessment | None = None
    saved_assessment: SavedAssessment | None = None


def read_profile(data: Mapping[str, Any] | Profile) -> Profile:
    """A validated `Profile` from its CONTRACT.md mapping (`InputError` naming each field)."""
    return data if isinstance(data, Profile) else parse_profile(dict(data))


def assess_profile(kb: KnowledgeBase, profile: Profile, today: dt.date) -> Assessment:
    """Assess a profile on `today` (pure: nothing is read or written)."""
    from b12pain.clinical.assessment import assess

    del kb  # the assessment engine reads the shipped knowledge base through its catalogue
    return assess(profile, today)


def save_profile(
    ctx: Context,
    data: Mapping[str, Any] | Profile,
    *,
    assess: bool = False,
    assess_on: dt.date | None = None,
    note: str | None = None,
) -> SavedProfile:
    """Save a new profile version for `ctx.owner` (earlier ones are kept); with `assess`, assess
    it on `assess_on` (default `ctx.today`) and save the assessment too."""
    profile = read_profile(data)
    at = ctx.now.replace(microsecond=0)
    assessment = assess_profile(ctx.kb, profile, assess_on or ctx.today) if assess else None
    saved = save(
        ctx,
        "profile",
        at=at,
        profile=profile.model_dump(mode="json", exclude_defaults=True),
        note=note,
    )
    saved = entry_as(saved, ProfileEntry)
    version = ctx.store.profile_count(owner=ctx.owner)
    stored = None
    if assessment is not None:
        stored = _save_assessment(ctx, assessment, at)
    return SavedProfile(saved, version, assessment, stored)


def current_profile(ctx: Context) -> ProfileEntry | None:
    """`ctx.owner`'s newest profile version (one query), or None."""
    return ctx.store.current_profile(owner=ctx.owner)


def profile_history(ctx: Context) -> list[ProfileEntry]:
    """Every profile version of `ctx.owner`, oldest first."""
    return ctx.store.profile_history(owner=ctx.owner)


def assess_current(ctx: Context) -> Assessment | None:
    """The assessment of `ctx.owner`'s current profile on `ctx.today`, or None without one."""
    current = current_profile(ctx)
    if current is None:
        return None
    return assess_profile(ctx.kb, read_profile(current.profile), ctx.today)


def save_assessment(
    ctx: Context, assessment: Assessment, note: str | None = None
) -> SavedAssessment:
    """Save an assessment (its JSON and the knowledge version that produced it)."""
    return _save_assessment(ctx, assessment, ctx.now.replace(microsecond=0), note)


def _save_assessment(
    ctx: Context, assessment: Assessment, at: dt.datetime, note: str | None = None
) -> SavedAssessment:
    data = assessment.to_json_dict()
    record = save(
        ctx,
        "assessment",
        at=at,
        knowledge_version=data.get("knowledge_version"),
        assessment=dict(data),
        note=note,
    )
    return entry_as(record, SavedAssessment)
