"""The range of dates b12pain counts with: 1900-01-01 to 2100-12-31.

Anything outside is a typing slip (a year 9999 start, a lab from 1066), and dates near the end
of Python's calendar overflow as soon as a schedule or a sum adds days to them. Journal records,
command-line dates and treatment schedules all check against this one range.
"""

from __future__ import annotations

import datetime as dt

EARLIEST_DAY = dt.date(1900, 1, 1)
LATEST_DAY = dt.date(2100, 12, 31)


def check_day(value: dt.date) -> dt.date:
    """`value` if it lies between 1900 and 2100; ValueError saying so otherwise."""
    day = value.date() if isinstance(value, dt.datetime) else value
    if not EARLIEST_DAY <= day <= LATEST_DAY:
        raise ValueError(f"a date between {EARLIEST_DAY} and {LATEST_DAY}")
    return value
