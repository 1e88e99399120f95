"""Insights: pain, B12 results, doses and intake over time, "is it helping?" and factor effects;
each chart with a data table beside it and a sentence saying what it shows."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from b12pain.service import insights
from b12pain.web.charts import Point, pain_and_b12_chart, time_chart
from b12pain.web.deps import ContextDep
from b12pain.web.templating import render

router = APIRouter(tags=["pages"], include_in_schema=False)


@router.get("/insights", response_class=HTMLResponse)
def insights_page(request: Request, ctx: ContextDep) -> HTMLResponse:
    """Every insight over the person's own entries, as of today."""
    view = insights.insights_view(ctx)
    board, line = view.dashboard, view.timeline
    daily = [Point(day.isoformat(), value) for day, value in board.daily_pain.items()]
    weekly = [Point(day.isoformat(), value) for day, value in line.weekly_pain]
    b12 = [Point(day.isoformat(), value) for day, value in line.b12]
    doses = [day.isoformat() for day in line.dose_days]
    charts: dict[str, Any] = {}
    if daily:
        charts["daily"] = time_chart(daily, y_title="pain (0-10)", y_domain=(0, 10))
    if weekly or b12:
        b12_title = f"{(line.b12_test or '').replace('_', ' ')} ({line.b12_unit})"
        charts["combined"] = pain_and_b12_chart(weekly, b12, b12_title, doses)
    intake = board.intake or {}
    intake_days = intake.get("per_day", [])
    if intake_days:
        charts["intake"] = time_chart(
            [Point(d["label"], d["b12_ug"]) for d in intake_days],
            y_title="B12 from food (µg)",
            mark="bar",
            rules=[(intake["target"]["amount_ug"], "reference intake")],
        )
    return render(
        request,
        "pages/insights.html",
        title="Insights",
        board=board,
        charts=charts,
        weekly=weekly,
        b12=b12,
        b12_test=line.b12_test,
        b12_unit=line.b12_unit,
        doses=doses,
        not_advice=insights.NOT_ADVICE,
    )
