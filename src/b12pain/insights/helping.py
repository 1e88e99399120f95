""" "Is it helping?": pain in the weeks before supplementation started vs the weeks after.

Compares daily mean pain in a window before the start with a window after it, skipping a lag
while a response is not yet expected. Window, lag and the minimum number of days are settings
(b12pain's own defaults, not clinical facts). The result states a change over time, never a cause.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from b12pain.insights.series import PainReading
from b12pain.insights.stats import mean_difference
from b12pain.insights.trends import daily_pain

#: Tool defaults (policy, configurable): 4-week windows, a 2-week lag, at least 7 days in each.
WINDOW_DAYS = 28
LAG_DAYS = 14
MIN_DAYS = 7

CAVEAT = (
    "This compares your own entries over time; it cannot show that B12 caused a change. Pain "
    "varies for many reasons. Talk it through with your clinician."
)


@dataclass(frozen=True)
class HelpingResult:
    """The before/after comparison, or why there is not enough data yet."""

    status: Literal["estimated", "not_enough_data", "no_supplement"]
    message: str
    before: tuple[dt.date, dt.date] | None = None
    after: tuple[dt.date, dt.date] | None = None
    before_days: int = 0
    after_days: int = 0
    before_mean: float | None = None
    after_mean: float | None = None
    difference: float | None = None
    low: float | None = None
    high: float | None = None
    level: float = 0.95
    caveat: str = CAVEAT


def is_it_helping(
    pain: Iterable[PainReading],
    started_on: dt.date | None,
    today: dt.date,
    window_days: int = WINDOW_DAYS,
    lag_days: int = LAG_DAYS,
    min_days: int = MIN_DAYS,
) -> HelpingResult:
    """Daily mean pain after (start + lag, up to `window_days`, not past today) minus before.

    The interval is Welch's 95 % t-interval on daily means; `before_days`/`after_days` say how
    many days of entries stand behind it.
    """
    if window_days < 1 or lag_days < 0 or min_days < 2:
        raise ValueError("window_days >= 1, lag_days >= 0, min_days >= 2")
    if started_on is None:
        return HelpingResult("no_supplement", "No supplement start recorded yet.")
    before = (started_on - dt.timedelta(days=window_days), started_on - dt.timedelta(days=1))
    after_start = started_on + dt.timedelta(days=lag_days)
    after = (after_start, min(today, after_start + dt.timedelta(days=window_days - 1)))
    daily = daily_pain(pain)
    before_values = [v for d, v in daily.items() if before[0] <= d <= before[1]]
    after_values = [v for d, v in daily.items() if after[0] <= d <= after[1]]
    if len(before_values) < min_days or len(after_values) < min_days:
        return HelpingResult(
            "not_enough_data",
            f"Not enough data yet: this needs pain entries on at least {min_days} days before "
            f"the start ({before[0]} to {before[1]}) and {min_days} days from {after[0]}; "
            f"there are {len(before_values)} and {len(after_values)}.",
            before,
            after if after[1] >= after[0] else None,
            len(before_values),
            len(after_values),
        )
    diff = mean_difference(before_values, after_values)
    if diff.high < 0:
        trend = "lower"
    elif diff.low > 0:
        trend = "higher"
    else:
        trend = "about the same (the interval includes no change)"
    if trend in ("lower", "higher"):
        trend = f"{abs(diff.difference):.1f} points {trend}"
    message = (
        f"Average pain was {trend} after starting ({diff.after_mean:.1f} vs "
        f"{diff.before_mean:.1f}; 95 % interval {diff.low:+.1f} to {diff.high:+.1f}), "
        f"based on {diff.before_n} days before and {diff.after_n} days after."
    )
    return HelpingResult(
        "estimated",
        message,
        before,
        after,
        diff.before_n,
        diff.after_n,
        round(diff.before_mean, 2),
        round(diff.after_mean, 2),
        round(diff.difference, 2),
        round(diff.low, 2),
        round(diff.high, 2),
        diff.level,
    )
