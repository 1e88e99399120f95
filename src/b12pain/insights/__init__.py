"""Insights from a journal: pure functions over dated readings (no I/O, no clock).

Trends (daily/weekly pain, adherence, lab trajectory, stock), "is it helping?" (before vs after
supplementation, with an interval and the days behind it) and factor effects (association only).
"""

from __future__ import annotations

from b12pain.insights.dashboard import Dashboard, dashboard
from b12pain.insights.factors import FactorEffect, factor_effects
from b12pain.insights.helping import HelpingResult, is_it_helping
from b12pain.insights.series import (
    DoseReading,
    FactorReading,
    FoodReading,
    LabReading,
    PainReading,
    Series,
)
from b12pain.insights.stats import mean_difference, t_quantile
from b12pain.insights.trends import (
    adherence,
    daily_pain,
    lab_trajectory,
    stock_forecast,
    weekly_pain,
)

__all__ = [
    "Dashboard",
    "DoseReading",
    "FactorEffect",
    "FactorReading",
    "FoodReading",
    "HelpingResult",
    "LabReading",
    "PainReading",
    "Series",
    "adherence",
    "daily_pain",
    "dashboard",
    "factor_effects",
    "is_it_helping",
    "lab_trajectory",
    "mean_difference",
    "stock_forecast",
    "t_quantile",
    "weekly_pain",
]
