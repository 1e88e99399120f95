"""Plain summaries of diary entries for the report: counts, averages and the person's notes.

Pure functions over journal records; nothing clinical is decided here.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Sequence
from statistics import fmean
from typing import Any

from b12pain.reports.document import number
from b12pain.reports.model import DiaryLine, NoteLine

#: Diary kinds in the order the summary table lists them, with the words it uses.
DIARY_KINDS = {
    "pain": "Pain",
    "symptoms": "Symptom checks",
    "sleep": "Sleep",
    "exercise": "Exercise",
    "stress": "Stress",
    "mood": "Mood",
    "dose": "Supplement doses",
    "food": "Food",
    "instrument": "Questionnaires",
    "lab": "Blood tests",
}
#: How many notes the report prints, and how much of each (a note may be 2,000 characters).
MAX_NOTES = 12
MAX_NOTE_CHARS = 280


def _mean(values: Sequence[float], digits: int = 1) -> str:
    return number(fmean(values), digits) if values else "–"


def _kind_summary(kind: str, records: Sequence[Any]) -> str:
    if kind == "pain":
        days = {r.day for r in records}
        return f"average {_mean([r.nrs for r in records])} of 10 (NRS) on {len(days)} days"
    if kind == "sleep":
        return f"average {_mean([r.hours for r in records])} hours a night"
    if kind == "exercise":
        return f"{sum(r.minutes for r in records)} minutes in all"
    if kind == "stress":
        return f"average {_mean([r.level for r in records])} of 10"
    if kind == "mood":
        return f"average {_mean([r.level for r in records])} of 4"
    if kind == "symptoms":
        seen = Counter(s for r in records for s in r.symptoms)
        top = ", ".join(f"{s.replace('_', ' ')} ({n})" for s, n in seen.most_common(5))
        return f"most often: {top}" if top else "no symptoms ticked"
    if kind == "dose":
        status = Counter(r.status for r in records)
        return ", ".join(f"{n} {s}" for s, n in sorted(status.items()))
    if kind == "food":
        days = {r.day for r in records}
        return f"{len(days)} days with food logged"
    if kind == "instrument":
        seen = Counter(r.instrument for r in records)
        return ", ".join(f"{i} ({n})" for i, n in sorted(seen.items()))
    if kind == "lab":
        seen = Counter(r.test for r in records)
        return ", ".join(f"{t.replace('_', ' ')} ({n})" for t, n in sorted(seen.items()))
    return ""


def diary_lines(entries: Sequence[Any]) -> tuple[DiaryLine, ...]:
    """One line per diary kind with entries: how many, and a plain summary."""
    by_kind: dict[str, list[Any]] = defaultdict(list)
    for entry in entries:
        by_kind[entry.kind].append(entry)
    return tuple(
        DiaryLine(label, len(by_kind[kind]), _kind_summary(kind, by_kind[kind]))
        for kind, label in DIARY_KINDS.items()
        if by_kind.get(kind)
    )


def note_lines(entries: Sequence[Any]) -> tuple[NoteLine, ...]:
    """The most recent notes the person wrote, newest first, long ones shortened."""
    noted = [e for e in entries if e.note]
    noted.sort(key=lambda e: e.at, reverse=True)
    lines = []
    for entry in noted[:MAX_NOTES]:
        text = entry.note
        if len(text) > MAX_NOTE_CHARS:
            text = text[: MAX_NOTE_CHARS - 1] + "…"
        lines.append(NoteLine(entry.day, DIARY_KINDS.get(entry.kind, entry.kind), text))
    return tuple(lines)


def daily_intake(entries: Sequence[Any]) -> dict[dt.date, float]:
    """µg of B12 from food per day with food logged (foods without a B12 value count as 0)."""
    totals: dict[dt.date, float] = defaultdict(float)
    for entry in entries:
        if entry.kind == "food":
            totals[entry.day] += entry.b12_ug or 0.0
    return dict(sorted(totals.items()))
