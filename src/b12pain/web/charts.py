"""Charts drawn on the server as SVG (Vega-Lite through vl-convert), so they work offline and
need no script in the browser. Each chart on a page also has a data table and a sentence saying
what it shows (written by the page from the same data).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

#: The app's palette, so charts match the stylesheet.
INK, ACCENT, WARM, MUTED = "#1d2a30", "#1f5f6b", "#b0521d", "#4a5a62"
WIDTH, HEIGHT = 560, 200


@dataclass(frozen=True)
class Point:
    """One value on a time axis; `series` names the line it belongs to."""

    day: str
    value: float
    series: str = ""


@functools.lru_cache(maxsize=256)
def _render(spec_json: str) -> str:
    import vl_convert

    svg: str = vl_convert.vegalite_to_svg(json.loads(spec_json))
    # The figure around the chart carries the text alternative; the drawing itself is decoration
    # for assistive technology (its numbers are in the table beside it).
    return svg.replace("<svg ", '<svg aria-hidden="true" focusable="false" ', 1)


def time_chart(
    points: Sequence[Point],
    *,
    y_title: str,
    mark: str = "line",
    y_domain: tuple[float, float] | None = None,
    rules: Sequence[tuple[float, str]] = (),
) -> Markup:
    """An SVG of values over days (a line, or bars with `mark="bar"`); `rules` draws labelled
    horizontal lines (e.g. a band limit given by the page)."""
    values = [{"day": p.day, "value": p.value, "series": p.series or y_title} for p in points]
    y: dict[str, Any] = {"field": "value", "type": "quantitative", "title": y_title}
    if y_domain is not None:
        y["scale"] = {"domain": list(y_domain)}
    layer: list[dict[str, Any]] = [
        {
            "mark": {"type": mark, "point": mark == "line", "color": ACCENT}
            if mark == "line"
            else {"type": mark, "color": ACCENT},
            "encoding": {
                "x": {"field": "day", "type": "temporal", "title": None,
                      "axis": {"format": "%d %b", "labelColor": MUTED}},
                "y": y,
                **({"color": {"field": "series", "type": "nominal", "title": None,
                              "scale": {"range": [ACCENT, WARM, INK, MUTED]},
                              "legend": {"orient": "bottom"}}}
                   if len({p.series for p in points}) > 1 else {}),
            },
        }
    ]
    for level, label in rules:
        layer.append({
            "data": {"values": [{"level": level, "label": label}]},
            "layer": [
                {"mark": {"type": "rule", "color": WARM, "strokeDash": [4, 3]},
                 "encoding": {"y": {"field": "level", "type": "quantitative"}}},
                {"mark": {"type": "text", "align": "left", "dx": 4, "dy": -6, "color": WARM},
                 "encoding": {"y": {"field": "level", "type": "quantitative"},
                              "text": {"field": "label"}, "x": {"value": 0}}},
            ],
        })
    spec = {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "width": WIDTH,
        "height": HEIGHT,
        "data": {"values": values},
        "layer": layer,
        "config": {"font": "sans-serif", "axis": {"titleColor": INK, "gridColor": "#e3e8e9"},
                   "view": {"stroke": None}},
    }
    return Markup(_render(json.dumps(spec, sort_keys=True, default=str)))


def pain_and_b12_chart(
    pain: Sequence[Point], b12: Sequence[Point], b12_title: str, doses: Sequence[str] = ()
) -> Markup:
    """Pain (0-10, left axis), B12 results (right axis) and days with a dose taken (ticks along
    the top) on one time axis."""
    layers: list[dict[str, Any]] = []
    x = {"field": "day", "type": "temporal", "title": None,
         "axis": {"format": "%d %b", "labelColor": MUTED}}
    if doses:
        layers.append({
            "data": {"values": [{"day": day} for day in doses]},
            "mark": {"type": "tick", "orient": "vertical", "color": INK, "thickness": 1.5,
                     "size": 10},
            "encoding": {"x": x, "y": {"value": 6}},
        })
    if pain:
        layers.append({
            "data": {"values": [{"day": p.day, "value": p.value} for p in pain]},
            "mark": {"type": "line", "point": True, "color": ACCENT},
            "encoding": {"x": x, "y": {"field": "value", "type": "quantitative",
                                       "title": "pain (0-10)", "scale": {"domain": [0, 10]},
                                       "axis": {"titleColor": ACCENT}}},
        })
    if b12:
        layers.append({
            "data": {"values": [{"day": p.day, "value": p.value} for p in b12]},
            "mark": {"type": "point", "filled": True, "size": 90, "shape": "diamond",
                     "color": WARM},
            "encoding": {"x": x, "y": {"field": "value", "type": "quantitative",
                                       "title": b12_title, "axis": {"titleColor": WARM,
                                                                    "orient": "right"}}},
        })
    spec = {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "width": WIDTH, "height": HEIGHT, "layer": layers,
        "resolve": {"scale": {"y": "independent"}},
        "config": {"font": "sans-serif", "axis": {"gridColor": "#e3e8e9"}, "view": {"stroke": None}},
    }
    return Markup(_render(json.dumps(spec, sort_keys=True, default=str)))
