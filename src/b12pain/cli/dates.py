"""Dates typed on the command line: `YYYY-MM-DD`, within the range b12pain can count with."""

from __future__ import annotations

import datetime as dt

from b12pain.days import check_day
from b12pain.errors import InputError


def parse_date(value: str | None, field: str) -> dt.date | None:
    """A date from `YYYY-MM-DD` (None stays None), or an `InputError` naming the field."""
    if value is None:
        return None
    try:
        return check_day(dt.date.fromisoformat(value))
    except ValueError as exc:
        allowed = f"{exc} (YYYY-MM-DD)" if "between" in str(exc) else "a date as YYYY-MM-DD"
        raise InputError.single(field, value, allowed) from None
