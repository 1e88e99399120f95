"""The Jinja2 environment shared by every page: autoescaping, navigation, small display filters.

Filters only format (dates, numbers, field ids); wording of clinical results comes from
`b12pain.presentation` and the service layer.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates
from starlette.responses import HTMLResponse

TEMPLATE_DIR = Path(__file__).parent / "templates"

#: The main navigation, in the order a person meets the tasks: (path, label).
NAVIGATION: tuple[tuple[str, str], ...] = (
    ("/", "Today"),
    ("/self-check", "Self-check"),
    ("/labs", "Labs"),
    ("/diary", "Diary"),
    ("/supplements", "Supplements"),
    ("/food", "Food"),
    ("/insights", "Insights"),
    ("/learn", "Learn"),
    ("/sources", "Sources"),
    ("/settings", "Settings"),
)


def field_id(field: str) -> str:
    """The HTML id of the input for a problem's field (`labs[0].unit` → `f-labs-0-unit`)."""
    return "f-" + (re.sub(r"[^a-z0-9]+", "-", field.lower()).strip("-") or "input")


def _date(value: dt.date | dt.datetime | None, fmt: str = "%-d %b %Y") -> str:
    return "" if value is None else value.strftime(fmt)


def _number(value: float | int | None, digits: int = 1) -> str:
    if value is None:
        return "–"
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.{digits}f}"


def _words(value: str | None) -> str:
    """An id in words (`total_b12` → `total b12`); plain labels come from presentation."""
    return "" if value is None else value.replace("_", " ").replace(".", " ")


templates = Jinja2Templates(directory=str(TEMPLATE_DIR))
templates.env.filters.update(field_id=field_id, date=_date, number=_number, words=_words)
templates.env.globals.update(NAVIGATION=NAVIGATION)
templates.env.trim_blocks = True
templates.env.lstrip_blocks = True


def render(
    request: Request, template: str, status_code: int = 200, **context: Any
) -> HTMLResponse:
    """Render a page; `errors` (a list of problems) turns its title into "Error: …"."""
    context.setdefault("errors", [])
    return templates.TemplateResponse(request, template, context, status_code=status_code)
