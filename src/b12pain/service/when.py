"""When an entry happened: the time given, or now; never more than a day ahead.

The clock is read by the caller (the CLI or a web request) and passed in as `ctx.now`; these
rules are shared so every surface refuses the same slips.
"""

from __future__ import annotations

import datetime as dt

from b12pain.days import check_day
from b12pain.errors import InputError

#: Something that happened may lie up to this far ahead of `now` (clocks and time zones differ).
FUTURE_SLACK = dt.timedelta(days=1)


def parse_when(text: str, field: str = "at") -> dt.datetime:
    """An ISO date-time as typed (`2026-11-24T08:30`, with or without an offset).

    Without an offset it is the local time of the machine (the person's own clock).
    """
    try:
        value = dt.datetime.fromisoformat(text)
        check_day(value)
    except ValueError as exc:
        allowed = "an ISO date-time such as 2026-11-24T08:30"
        if "between" in str(exc):
            allowed = f"{exc} (e.g. 2026-11-24T08:30)"
        raise InputError.single(field, text, allowed) from None
    return value if value.tzinfo is not None else value.astimezone()


def resolve_at(
    now: dt.datetime,
    at: dt.datetime | str | None,
    field: str = "at",
    future_ok: bool = False,
) -> dt.datetime:
    """The entry's time: `at` (a date-time or its ISO text), or `now` when absent.

    Something that happened cannot lie more than a day ahead (a typing slip); only a planned
    dose (`future_ok`) may.
    """
    current = now.replace(microsecond=0)
    if at is None:
        return current
    value = parse_when(at, field) if isinstance(at, str) else at
    if value.tzinfo is None:
        value = value.astimezone()
    if not future_ok and value > current + FUTURE_SLACK:
        shown = at if isinstance(at, str) else value.isoformat()
        raise InputError.single(
            field, shown, f"a time that has passed (now is {current:%Y-%m-%d %H:%M})"
        )
    return value


def day_bounds(
    first: dt.date | None, last: dt.date | None, zone: dt.tzinfo | None
) -> tuple[dt.datetime | None, dt.datetime | None]:
    """[start of `first`, start of the day after `last`) in `zone`, for "from … to … inclusive"."""
    if first and last and last < first:
        raise InputError.single("to", last.isoformat(), f"on or after --from ({first})")
    lower = dt.datetime.combine(first, dt.time(), zone) if first else None
    upper = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), zone) if last else None
    return lower, upper
