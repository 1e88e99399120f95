"""When an entry happened, in the words people type: an ISO date-time, a time today ("08:30",
"7pm"), "yesterday 08:30", "today 7pm", "2h ago", "30 min ago", or now; never more than a day
ahead.

The clock is read by the caller (the CLI or a web request) and passed in as `ctx.now`; these
rules are shared so every surface reads the same words and refuses the same slips.
"""

from __future__ import annotations

import datetime as dt
import re

from b12pain.days import check_day
from b12pain.errors import InputError

#: Something that happened may lie up to this far ahead of `now` (clocks and time zones differ).
FUTURE_SLACK = dt.timedelta(days=1)

#: The forms `parse_when` reads, for the message that refuses anything else.
FORMS = (
    "an ISO date-time (2026-11-24T08:30), a time today (08:30, 7pm), "
    '"yesterday 08:30", "today 7pm", "2h ago" or "30 min ago"'
)

_DAYS = {"today": 0, "yesterday": -1, "tomorrow": 1}
_CLOCK = re.compile(
    r"^(?P<hour>\d{1,2})(?:[:.h](?P<minute>\d{2}))?\s*(?P<half>am|pm|a\.m\.|p\.m\.)?$"
)
_AGO = re.compile(r"^(?P<count>\d+(?:\.\d+)?|an?|half an?)\s*(?P<unit>[a-z]+)\s+ago$")
_UNITS = {
    **dict.fromkeys(("m", "min", "mins", "minute", "minutes"), dt.timedelta(minutes=1)),
    **dict.fromkeys(("h", "hr", "hrs", "hour", "hours"), dt.timedelta(hours=1)),
    **dict.fromkeys(("d", "day", "days"), dt.timedelta(days=1)),
}
#: The furthest back "… ago" reaches (a slip such as "3000 days ago" is refused).
_LONGEST_AGO = dt.timedelta(days=366)


def parse_when(text: str, field: str = "at", now: dt.datetime | None = None) -> dt.datetime:
    """The date-time `text` stands for, aware.

    ISO text without an offset is the local time of the machine (the person's own clock). The
    everyday forms (a time of day, "yesterday 08:30", "2h ago") need `now`, in the person's zone.
    """
    words = " ".join(text.strip().lower().split())
    if now is not None:
        relative = _relative(words, now.replace(microsecond=0))
        if relative is not None:
            return _checked(relative, field, text)
    try:
        value = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise InputError.single(field, text, f"one of: {FORMS}") from None
    value = _checked(value, field, text)
    return value if value.tzinfo is not None else value.astimezone()


def _checked(value: dt.datetime, field: str, text: str) -> dt.datetime:
    try:
        check_day(value)
    except ValueError as exc:
        raise InputError.single(field, text, f"{exc} (e.g. 2026-11-24T08:30)") from None
    return value


def _relative(words: str, now: dt.datetime) -> dt.datetime | None:
    """`words` as a time relative to `now`, or None when they are not an everyday form."""
    if words == "now":
        return now
    ago = _AGO.match(words)
    if ago is not None and ago["unit"] in _UNITS:
        count = ago["count"]
        amount = {"a": 1.0, "an": 1.0, "half a": 0.5, "half an": 0.5}.get(count)
        span = _UNITS[ago["unit"]] * (amount if amount is not None else float(count))
        return now - span if span <= _LONGEST_AGO else None
    day_word, _, clock = words.partition(" ")
    if day_word in _DAYS:
        day = now.date() + dt.timedelta(days=_DAYS[day_word])  # "yesterday" alone: which time?
    else:
        day, clock = now.date(), words
    time = _clock(clock.removeprefix("at "))
    return None if time is None else dt.datetime.combine(day, time, now.tzinfo)


def _clock(text: str) -> dt.time | None:
    """`08:30`, `8.30`, `7pm`, `7:30 pm` as a time of day, or None."""
    found = _CLOCK.match(text)
    if found is None:
        return None
    hour, minute = int(found["hour"]), int(found["minute"] or 0)
    half = (found["half"] or "").replace(".", "")
    if half:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half == "pm" else 0)
    elif found["minute"] is None:
        return None  # a bare number ("8") is too easily a slip
    if hour > 23 or minute > 59:
        return None
    return dt.time(hour, minute)


def resolve_at(
    now: dt.datetime,
    at: dt.datetime | str | None,
    field: str = "at",
    future_ok: bool = False,
) -> dt.datetime:
    """The entry's time: `at` (a date-time, or words `parse_when` reads), or `now` when absent.

    Something that happened cannot lie ahead: ISO text more than a day ahead is a typing slip
    (clocks and zones differ), and an everyday form ("23:00" typed in the morning) may not lie
    ahead at all, since it is read in the person's own zone. Only a planned dose (`future_ok`)
    may lie ahead.
    """
    current = now.replace(microsecond=0)
    if at is None:
        return current
    value = parse_when(at, field, current) if isinstance(at, str) else at
    if value.tzinfo is None:
        value = value.astimezone()
    if future_ok:
        return value
    typed = at if isinstance(at, str) else None
    everyday = typed is not None and not _is_iso(typed)
    if value > current + (dt.timedelta(0) if everyday else FUTURE_SLACK):
        shown = typed if typed is not None else value.isoformat()
        clock_only = typed is not None and everyday and typed.split()[0].lower() not in _DAYS
        hint = f' (for last night, say "yesterday {shown.strip()}")' if clock_only else ""
        raise InputError.single(
            field, shown, f"a time that has passed (now is {current:%Y-%m-%d %H:%M}){hint}"
        )
    return value


def _is_iso(text: str) -> bool:
    try:
        dt.datetime.fromisoformat(text.strip())
    except ValueError:
        return False
    return True


def day_bounds(
    first: dt.date | None, last: dt.date | None, zone: dt.tzinfo | None
) -> tuple[dt.datetime | None, dt.datetime | None]:
    """[start of `first`, start of the day after `last`) in `zone`, for "from … to … inclusive"."""
    if first and last and last < first:
        raise InputError.single("to", last.isoformat(), f"on or after --from ({first})")
    lower = dt.datetime.combine(first, dt.time(), zone) if first else None
    upper = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), zone) if last else None
    return lower, upper
