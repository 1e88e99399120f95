"""Insight use cases: the dashboard of trends, adherence, labs, intake, "is it helping?" and
factor effects over a person's own entries, as of `ctx.today`.

The journal is read for the period the dashboard looks at (the last `LOOKBACK_DAYS`, plus the
weeks before the supplement start that "is it helping?" compares with), so its cost follows that
period and not the size of a journal kept for years.
"""

from __future__ import annotations

import datetime as dt

from b12pain.insights import Dashboard, dashboard
from b12pain.insights.helping import LAG_DAYS, WINDOW_DAYS
from b12pain.journal.series import read_series, supplement_start
from b12pain.service.context import Context
from b12pain.service.intake import intake_target

#: Days read for the dashboard: factor effects are over the last year of entries; every other
#: view looks at 12 weeks or less.
LOOKBACK_DAYS = 365

NOT_ADVICE = (
    "Not medical advice: these are your own entries summarised; discuss changes with a clinician."
)


def insights(ctx: Context) -> Dashboard:
    """Every insight over `ctx.owner`'s entries as of `ctx.today`."""
    since = ctx.today - dt.timedelta(days=LOOKBACK_DAYS - 1)
    start = supplement_start(ctx.store, owner=ctx.owner)
    window = None
    if start is not None:
        window = (
            start - dt.timedelta(days=WINDOW_DAYS),
            start + dt.timedelta(days=LAG_DAYS + WINDOW_DAYS),
        )
    series = read_series(ctx.store, owner=ctx.owner, since=since, pain_window=window)
    return dashboard(series, ctx.today, intake_target(ctx))
