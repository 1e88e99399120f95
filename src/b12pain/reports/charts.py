"""Pain, B12 blood results, doses and B12 from food on one time axis, drawn as SVG.

A Vega-Lite specification rendered on the server by vl-convert (a Rust library in the wheel):
no browser, no network. The four panels share one date scale, fixed to the report's range, so a
dose, a lab and a change in pain line up vertically.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from b12pain.reports.model import ChartData

WIDTH = 470
PANEL_HEIGHT = 70


def timeline_spec(data: ChartData, start: dt.date, end: dt.date) -> dict[str, Any]:
    """The Vega-Lite specification of the four stacked panels (pain, labs, doses, intake)."""
    domain = [start.isoformat(), (end + dt.timedelta(days=1)).isoformat()]
    x = {
        "field": "day",
        "type": "temporal",
        "title": None,
        "scale": {"domain": domain},
        "axis": {"format": "%d %b %y", "labelFontSize": 8, "tickCount": 8},
    }

    def panel(
        title: str, values: list[dict[str, Any]], mark: dict[str, Any], y: dict[str, Any],
        **encoding: Any,
    ) -> dict[str, Any]:  # fmt: skip
        return {
            "title": {"text": title, "fontSize": 10, "anchor": "start"},
            "width": WIDTH,
            "height": PANEL_HEIGHT,
            "data": {"values": values},
            "mark": mark,
            "encoding": {"x": x, "y": y, **encoding},
        }

    pain = [{"day": d.isoformat(), "nrs": round(v, 2)} for d, v in data.pain]
    labs = [
        {"day": d.isoformat(), "test": f"{test} ({unit})", "value": value}
        for d, test, value, unit in data.labs
    ]
    doses = [{"day": d.isoformat(), "status": status} for d, status in data.doses]
    intake = [{"day": d.isoformat(), "ug": round(v, 2)} for d, v in data.intake]
    small = {"labelFontSize": 8, "titleFontSize": 8}
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "config": {"font": "sans-serif", "view": {"stroke": "#bbb"}, "legend": small},
        "vconcat": [
            panel(
                "Pain (daily average, 0-10)",
                pain,
                {"type": "line", "color": "#b2182b", "strokeWidth": 1},
                {
                    "field": "nrs",
                    "type": "quantitative",
                    "title": "NRS",
                    "scale": {"domain": [0, 10]},
                    "axis": small,
                },
            ),
            panel(
                "B12 blood results",
                labs,
                {"type": "point", "filled": True, "size": 40},
                {"field": "value", "type": "quantitative", "title": "value", "axis": small},
                shape={"field": "test", "type": "nominal", "title": None},
                color={"field": "test", "type": "nominal", "title": None},
            ),
            panel(
                "Supplement doses",
                doses,
                {"type": "tick", "thickness": 1.5},
                {
                    "field": "status",
                    "type": "nominal",
                    "title": None,
                    "axis": small,
                    "scale": {"domain": ["taken", "late", "skipped", "planned"]},
                },
                color={
                    "field": "status",
                    "type": "nominal",
                    "legend": None,
                    "scale": {
                        "domain": ["taken", "late", "skipped", "planned"],
                        "range": ["#1b7837", "#7fbf7b", "#b2182b", "#999999"],
                    },
                },
            ),
            panel(
                "B12 from food (µg a day)",
                intake,
                {"type": "bar", "color": "#2166ac"},
                {"field": "ug", "type": "quantitative", "title": "µg", "axis": small},
            ),
        ],
        "resolve": {"scale": {"x": "shared", "color": "independent", "shape": "independent"}},
    }


def timeline_svg(data: ChartData, start: dt.date, end: dt.date) -> str | None:
    """The chart as an SVG document, or None when there is nothing to draw."""
    if data.empty:
        return None
    import vl_convert

    svg: str = vl_convert.vegalite_to_svg(timeline_spec(data, start, end))
    return svg
