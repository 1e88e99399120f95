"""The Jinja2 environment shared by every page: autoescaping, navigation, small display filters.

Filters only format (dates, numbers, field ids); wording of clinical results comes from
`b12pain.presentation` and the service layer.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Hashable
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates
from markupsafe import Markup
from starlette.responses import HTMLResponse

from b12pain.presentation.assessment import (
    LEVEL_WORDS,
    band_words,
    deficiency_words,
    red_flag_text,
    testing_words,
    urgency_words,
)
from b12pain.presentation.entries import FORM_WORDS, describe, every_words
from b12pain.service._cache import BoundedCache
from b12pain.web import csrf

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


def form_field(field: str) -> str:
    """The form field a problem belongs to (`regions[2]` → `regions`, `labs[0].unit` → `labs`)."""
    return re.split(r"[\[.]", field, maxsplit=1)[0]


def field_id(field: str) -> str:
    """The HTML id of the form control for a problem's field (`regions[2]` → `f-regions`)."""
    return "f-" + (re.sub(r"[^a-z0-9]+", "-", form_field(field).lower()).strip("-") or "input")


#: Words for form fields named in an error summary (a field not listed is shown in words).
FIELD_LABELS = {
    "nrs": "Pain 0 to 10",
    "regions": "Where is the pain",
    "pain_type": "What the pain is like",
    "descriptors": "Other words for the pain",
    "at": "When",
    "note": "Note",
    "hours": "Hours slept",
    "quality": "Sleep quality",
    "minutes": "Minutes of exercise",
    "level": "Level",
    "test": "Test",
    "value": "Result",
    "unit": "Unit",
    "taken_on": "Date of the blood test",
    "reference_low": "Lab's lower limit",
    "reference_high": "Lab's upper limit",
    "query": "Food",
    "grams": "Amount",
    "amount": "Amount",
    "comment": "Note",
}


def _field_label(field: str) -> str:
    return FIELD_LABELS.get(form_field(field)) or _words(form_field(field)).capitalize()


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


def _lab_name(test: str) -> str:
    """A lab test in plain words from knowledge (`total_b12` → "vitamin B12 blood level (total B12)")."""
    from b12pain.knowledge import load

    entry = load().entries.get(test)
    return str(getattr(entry, "plain", "") or _words(test))


def _sentence(value: str | None) -> str:
    """First letter upper case, the rest as written (Jinja's `capitalize` lowers "NICE")."""
    text = "" if value is None else str(value)
    return text[:1].upper() + text[1:]


def _side_words(value: str) -> str:
    """A body region or site id in words, side last (`upper_arm_left` → `Upper arm (left)`)."""
    for side in ("left", "right"):
        if value.endswith("_" + side):
            return f"{_sentence(_words(value.removesuffix('_' + side)))} ({side})"
    return _sentence(_words(value))


def _as_options(ids: Any) -> list[tuple[str, str]]:
    """Ids as (value, words) pairs for a select or a group of checkboxes."""
    return [(str(i), _side_words(str(i))) for i in ids]


templates = Jinja2Templates(directory=str(TEMPLATE_DIR))
templates.env.filters.update(
    field_id=field_id, date=_date, number=_number, words=_words, side_words=_side_words,
    as_options=_as_options,
    sentence=_sentence,
    lab_name=_lab_name,
    field_label=_field_label,
)
templates.env.globals.update(
    NAVIGATION=NAVIGATION,
    describe=describe,
    form_words=FORM_WORDS,
    every_words=every_words,
    band_words=band_words,
    deficiency_words=deficiency_words,
    red_flag_text=red_flag_text,
    testing_words=testing_words,
    urgency_words=urgency_words,
    level_words=LEVEL_WORDS,
)
templates.env.filters["zip"] = zip
templates.env.trim_blocks = True
templates.env.lstrip_blocks = True


#: Rendered parts of pages that depend only on their key (forms before anything is typed).
_FRAGMENTS: BoundedCache[Markup] = BoundedCache(maxsize=256)


def kept_fragment(request: Request, template: str, key: Hashable, **context: Any) -> Markup:
    """`template` rendered with `context` once per `key` (and this request's CSRF token, so a
    form's token is always its own session's), then kept: for the parts of a page that show
    nothing a person typed or was told, like the diary's empty forms."""
    token = csrf.csrf_token({"request": request})

    def draw() -> Markup:
        blank: dict[str, Any] = {"errors": [], "problems": {}, "values": {}, "error_prefix": ""}
        page = templates.env.get_template(template)
        return Markup(page.render({**blank, **context, "request": request}))

    return _FRAGMENTS.get_or_compute((template, key, token), draw)


def render(
    request: Request, template: str, status_code: int = 200, **context: Any
) -> HTMLResponse:
    """Render a page; `errors` (a list of problems) turns its title into "Error: …"."""
    errors = context.setdefault("errors", [])
    problems: dict[str, str] = {}
    for p in errors:
        problems.setdefault(form_field(p.field), p.message)
    context.setdefault("problems", problems)
    context.setdefault("values", {})
    #: Pages with several forms prefix their field ids ("sleep-hours"); the form that came back
    #: with problems is named by `error_prefix`, so only its fields show them.
    context.setdefault("error_prefix", "")
    return templates.TemplateResponse(request, template, context, status_code=status_code)
