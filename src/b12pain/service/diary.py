"""Diary use cases: log pain, sleep, exercise, stress, mood, symptoms and questionnaires; list,
read, edit and delete entries; comment on them. Every call is scoped to `ctx.owner`.

Inputs are plain typed dataclasses (a surface fills them from what a person typed); validation is
the journal records' own, so a problem names the same field on every surface (`nrs: 11; …`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from b12pain.errors import InputError
from b12pain.journal.records import (
    BODY_REGIONS,
    KINDS,
    PAIN_TYPES,
    Comment,
    Entry,
    InstrumentEntry,
    entry_as,
)
from b12pain.journal.store import make_record
from b12pain.service._cache import BoundedCache, kept_until_changed
from b12pain.service.context import Context
from b12pain.service.when import day_bounds, resolve_at

#: What a use case returns for an entry: the stored record (frozen pydantic model, JSON-ready
#: with `model_dump(mode="json")`; `presentation.entries.describe` gives its line of plain words).
EntryView = Entry


@dataclass(frozen=True)
class PainInput:
    """A pain rating 0-10 with where, what kind, triggers and what helped."""

    nrs: int
    regions: Sequence[str] = ()
    pain_type: str | None = None
    descriptors: Sequence[str] = ()
    triggers: Sequence[str] = ()
    helped: Sequence[str] = ()
    note: str | None = None
    at: dt.datetime | str | None = None


@dataclass(frozen=True)
class SleepInput:
    """Last night's sleep: hours and quality 0-4."""

    hours: float
    quality: int | None = None
    note: str | None = None
    at: dt.datetime | str | None = None


@dataclass(frozen=True)
class ExerciseInput:
    """Exercise minutes and what kind."""

    minutes: int
    activity: str | None = None
    note: str | None = None
    at: dt.datetime | str | None = None


@dataclass(frozen=True)
class LevelInput:
    """A stress (0-10) or mood (0-4) level."""

    level: int
    note: str | None = None
    at: dt.datetime | str | None = None


@dataclass(frozen=True)
class SymptomsInput:
    """Which symptoms are present now (ids or synonyms: "pins and needles")."""

    symptoms: Sequence[str]
    note: str | None = None
    at: dt.datetime | str | None = None


@dataclass(frozen=True)
class InstrumentInput:
    """A questionnaire's answers, scored by `instruments` before saving."""

    instrument: str
    answers: Mapping[str, Any]
    note: str | None = None
    at: dt.datetime | str | None = None


@dataclass(frozen=True)
class ScoredInstrument:
    """A saved questionnaire and the full scored result (`instruments.InstrumentResult`)."""

    saved: InstrumentEntry
    result: Any


@dataclass(frozen=True)
class EntryChanges:
    """Fields to change on an entry (its own field names, e.g. `nrs`, `note`, `at`)."""

    fields: Mapping[str, Any] = field(default_factory=dict)


def save(ctx: Context, kind: str, **fields: Any) -> Entry:
    """Validate a record of `kind` and store it for `ctx.owner` in one transaction."""
    record = make_record(kind, **fields)
    ctx.store.add(record, owner=ctx.owner)
    return record


def log_pain(ctx: Context, entry: PainInput) -> EntryView:
    """Record a pain rating."""
    return save(
        ctx,
        "pain",
        at=resolve_at(ctx.now, entry.at),
        nrs=entry.nrs,
        regions=list(entry.regions),
        pain_type=entry.pain_type,
        descriptors=list(entry.descriptors),
        triggers=list(entry.triggers),
        helped=list(entry.helped),
        note=entry.note,
    )


def log_sleep(ctx: Context, entry: SleepInput) -> EntryView:
    """Record last night's sleep."""
    at = resolve_at(ctx.now, entry.at)
    return save(ctx, "sleep", at=at, hours=entry.hours, quality=entry.quality, note=entry.note)


def log_exercise(ctx: Context, entry: ExerciseInput) -> EntryView:
    """Record exercise."""
    at = resolve_at(ctx.now, entry.at)
    return save(
        ctx, "exercise", at=at, minutes=entry.minutes, activity=entry.activity, note=entry.note
    )


def log_stress(ctx: Context, entry: LevelInput) -> EntryView:
    """Record stress 0-10."""
    return save(ctx, "stress", at=resolve_at(ctx.now, entry.at), level=entry.level, note=entry.note)


def log_mood(ctx: Context, entry: LevelInput) -> EntryView:
    """Record mood 0-4."""
    return save(ctx, "mood", at=resolve_at(ctx.now, entry.at), level=entry.level, note=entry.note)


def log_symptoms(ctx: Context, entry: SymptomsInput) -> EntryView:
    """Record a symptom check."""
    at = resolve_at(ctx.now, entry.at)
    return save(ctx, "symptoms", at=at, symptoms=list(entry.symptoms), note=entry.note)


def log_instrument(ctx: Context, entry: InstrumentInput) -> ScoredInstrument:
    """Score a questionnaire (`instruments.score`) and save answers, score and category."""
    from b12pain.instruments import score

    at = resolve_at(ctx.now, entry.at)
    result = score(entry.instrument, dict(entry.answers))
    record = save(
        ctx,
        "instrument",
        at=at,
        instrument=result.instrument,
        answers=dict(result.answers),
        score=result.score,
        category=result.category,
        note=entry.note,
    )
    return ScoredInstrument(entry_as(record, InstrumentEntry), result)


def list_entries(
    ctx: Context,
    kinds: Sequence[str] | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> list[EntryView]:
    """`ctx.owner`'s entries, oldest first; only `kinds` if given; days `start`..`end` inclusive
    (in the zone of `ctx.now`)."""
    lower, upper = day_bounds(start, end, ctx.now.tzinfo)
    wanted = [k.strip().lower() for k in kinds] if kinds else None
    return ctx.store.entries(wanted, lower, upper, owner=ctx.owner)


@dataclass(frozen=True)
class DiaryDay:
    """One day of the diary: its entries, newest first."""

    day: dt.date
    entries: tuple[Entry, ...]


#: Recent diaries kept (a few owners × a few days is plenty; the least recently used go first).
_KEPT_DAYS: BoundedCache[tuple[DiaryDay, ...]] = BoundedCache(maxsize=64)


def recent_days(ctx: Context, kinds: Sequence[str], days: int) -> tuple[DiaryDay, ...]:
    """`ctx.owner`'s entries of `kinds` over the last `days` days up to `ctx.today`, one
    `DiaryDay` a day, newest day and entry first (days without entries left out).

    The diary page shows this every time it opens, so it is kept until the journal changes
    (`service._cache.kept_until_changed`); kept days are shared: read them, never change them."""
    wanted = tuple(kinds)

    def compute() -> tuple[DiaryDay, ...]:
        start = ctx.today - dt.timedelta(days=days - 1)
        by_day: dict[dt.date, list[Entry]] = {}
        for entry in reversed(list_entries(ctx, wanted, start=start)):
            by_day.setdefault(entry.at.date(), []).append(entry)
        return tuple(DiaryDay(day, tuple(entries)) for day, entries in by_day.items())

    return kept_until_changed(_KEPT_DAYS, ctx, compute, "recent_days", wanted, days)


def forget_kept_days() -> None:
    """Forget every kept diary (the next call reads afresh; for benchmarks and tests)."""
    _KEPT_DAYS.clear()


@dataclass(frozen=True)
class DaySummary:
    """One day of the diary in a line: pain (mean and range of the ratings), doses, sleep,
    notes. A value is None when nothing of its kind was recorded that day."""

    day: dt.date
    entries: int
    pain_ratings: int
    pain_mean: float | None
    pain_low: int | None
    pain_high: int | None
    doses_taken: int
    doses_missed: int
    sleep_hours: float | None
    notes: int


def daily_summary(
    ctx: Context,
    kinds: Sequence[str] | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> list[DaySummary]:
    """`ctx.owner`'s entries summed up one day at a time, oldest first (each entry counts on its
    own local day); the same filters as `list_entries`. Days without entries are left out."""
    return _summarise_days(list_entries(ctx, kinds, start, end))


def _summarise_days(entries: Sequence[Entry]) -> list[DaySummary]:
    """The daily summaries of `entries` (pure): pain mean and range, doses taken (on time or
    late) and skipped, hours slept, and notes (an entry's note and each comment count)."""
    by_day: dict[dt.date, list[Any]] = {}
    for entry in entries:
        by_day.setdefault(entry.at.date(), []).append(entry)
    return [_summary(day, by_day[day]) for day in sorted(by_day)]


def _summary(day: dt.date, entries: list[Any]) -> DaySummary:
    ratings = [e.nrs for e in entries if e.kind == "pain"]
    statuses = [e.status for e in entries if e.kind == "dose"]
    sleep = [e.hours for e in entries if e.kind == "sleep"]
    return DaySummary(
        day=day,
        entries=len(entries),
        pain_ratings=len(ratings),
        pain_mean=sum(ratings) / len(ratings) if ratings else None,
        pain_low=min(ratings, default=None),
        pain_high=max(ratings, default=None),
        doses_taken=sum(s in ("taken", "late") for s in statuses),
        doses_missed=statuses.count("skipped"),
        sleep_hours=sum(sleep) if sleep else None,
        notes=sum(bool(e.note) + len(e.comments) for e in entries),
    )


def find_entry_id(ctx: Context, prefix: str, kind: str | None = None) -> str:
    """The full id of `ctx.owner`'s one entry starting with `prefix` (8 characters as shown)."""
    return ctx.store.resolve(prefix, owner=ctx.owner, kind=kind)


def get_entry(ctx: Context, entry_id: str) -> EntryView:
    """One of `ctx.owner`'s entries by id or shown prefix; `NotFoundError` otherwise."""
    return ctx.store.get(find_entry_id(ctx, entry_id), owner=ctx.owner)


def edit_entry(ctx: Context, entry_id: str, changes: EntryChanges) -> EntryView:
    """Change fields of one entry (validated as a new entry would be); its id and comments stay."""
    old = get_entry(ctx, entry_id)
    if "uid" in changes.fields or "kind" in changes.fields:
        raise InputError.single("field", "uid/kind", "an entry keeps its id and kind")
    data = old.model_dump(mode="json")
    unknown = sorted(set(changes.fields) - set(data) - {"note"})
    if unknown:
        allowed = ", ".join(k for k in data if k not in ("uid", "kind", "comments"))
        raise InputError.single("field", unknown[0], f"one of {allowed}")
    if old.kind == "plan":  # type: ignore[attr-defined]
        raise InputError.single("entry", entry_id, "change a plan with `plan change`")
    for name, value in changes.fields.items():  # one word for a list field is a list of one
        data[name] = (
            [value] if isinstance(data.get(name), list) and isinstance(value, str) else value
        )
    if isinstance(changes.fields.get("at"), str | dt.datetime):
        data["at"] = resolve_at(ctx.now, changes.fields["at"])
    record = make_record(data.pop("kind"), **data)
    ctx.store.replace(record, owner=ctx.owner, at=ctx.now)
    return record


def delete_entry(ctx: Context, entry_id: str) -> EntryView:
    """Delete one of `ctx.owner`'s entries (and its comments); returns what was deleted. The
    deletion can be undone (`undo_last_change`)."""
    return ctx.store.delete(find_entry_id(ctx, entry_id), owner=ctx.owner, at=ctx.now)


@dataclass(frozen=True)
class UndoneChange:
    """What `undo_last_change` undid ("edit" or "delete") and the entry as it is again."""

    action: str
    entry: EntryView


def undo_last_change(ctx: Context) -> UndoneChange:
    """Undo `ctx.owner`'s newest edit or delete: the entry is back as it was before it.
    `NotFoundError` when there is no change left to undo."""
    from b12pain.errors import NotFoundError

    undone = ctx.store.undo_last_change(owner=ctx.owner)
    if undone is None:
        raise NotFoundError.single("undo", None, "no edit or delete to undo")
    return UndoneChange(*undone)


def add_comment(
    ctx: Context,
    entry_id: str,
    text: str,
    author: str = "me",
    at: dt.datetime | str | None = None,
) -> tuple[str, Comment]:
    """Comment on one of `ctx.owner`'s entries; returns the entry's full id and the comment."""
    uid = find_entry_id(ctx, entry_id)
    comment = ctx.store.comment(uid, text, resolve_at(ctx.now, at), author=author, owner=ctx.owner)
    return uid, comment


def counts(ctx: Context) -> dict[str, int]:
    """How many entries of each kind `ctx.owner` has, plus comments."""
    return ctx.store.counts(owner=ctx.owner)


__all__ = [
    "BODY_REGIONS",
    "KINDS",
    "PAIN_TYPES",
    "DaySummary",
    "EntryChanges",
    "EntryView",
    "ExerciseInput",
    "InstrumentInput",
    "LevelInput",
    "PainInput",
    "ScoredInstrument",
    "SleepInput",
    "SymptomsInput",
    "UndoneChange",
    "add_comment",
    "counts",
    "daily_summary",
    "delete_entry",
    "edit_entry",
    "find_entry_id",
    "get_entry",
    "list_entries",
    "log_exercise",
    "log_instrument",
    "log_mood",
    "log_pain",
    "log_sleep",
    "log_stress",
    "log_symptoms",
    "undo_last_change",
]
