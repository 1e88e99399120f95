"""Labs: enter a blood-test result with its unit and the lab's own range; see its band and next
steps at once; the history as a chart with a table beside it."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from b12pain.clinical.profile import ALLOWED_UNITS
from b12pain.errors import InputError
from b12pain.service import labs, preferences
from b12pain.service.lab_units import in_preferred_unit
from b12pain.web.charts import Point, time_chart
from b12pain.web.deps import ContextDep
from b12pain.web.errors import problems_of
from b12pain.web.footnotes import Footnotes
from b12pain.web.forms import FormReader, values_of
from b12pain.web.templating import render

router = APIRouter(tags=["pages"], include_in_schema=False)

#: Tests drawn as a chart on the Labs page (the B12 markers).
CHARTED = ("total_b12", "active_b12", "mma", "homocysteine")


def _result(entry: Any) -> dict[str, Any]:
    """A stored result in the shape `labs.read_labs` reads."""
    found: dict[str, Any] = {"test": entry.test, "value": entry.value, "unit": entry.unit}
    day = entry.taken_on or entry.at.date()
    found["date"] = day
    return found


def _history(
    ctx: Any, preferred: str | None = None
) -> tuple[list[tuple[Any, Any]], list[dict[str, Any]]]:
    """Stored results with their readings (newest first) and one chart per charted test; total
    B12 is drawn in the `preferred` unit (Settings) when every result converts to it."""
    entries = labs.list_labs(ctx)
    readable = []
    for entry in entries:
        try:
            reading = labs.read_labs(ctx.kb, [_result(entry)], ctx.today).readings[0]
        except InputError:
            reading = None  # stored before a rule changed; shown without a band
        readable.append((entry, reading))
    charts = []
    for test in CHARTED:
        rows = [(e, r) for e, r in readable if e.test == test and r is not None]
        for unit, same_unit in _by_unit(rows, preferred):
            points = [Point(str(r.date or e.at.date()), value) for e, r, value in same_unit]
            charts.append(
                {
                    "test": test,
                    "unit": unit,
                    "svg": time_chart(points, y_title=f"{test.replace('_', ' ')} ({unit})"),
                    "rows": [(e, r) for e, r, _ in same_unit],
                    "latest": same_unit[-1][2],
                }
            )
    return list(reversed(readable)), charts


def _by_unit(
    rows: list[tuple[Any, Any]], preferred: str | None
) -> list[tuple[str, list[tuple[Any, Any, float]]]]:
    """The rows of one test grouped by the unit drawn, each with its value in that unit: all in
    the preferred unit when each converts (`service.lab_units`), else one group per unit of its
    bands (never two units on one axis)."""
    shown = [
        in_preferred_unit(r.test, r.value_in_reference_unit, r.reference_unit, preferred)
        for _, r in rows
    ]
    if rows and all(s is not None for s in shown):
        return [
            (str(preferred), [(e, r, s[0]) for (e, r), s in zip(rows, shown, strict=True) if s])
        ]
    groups = []
    for unit in dict.fromkeys(r.reference_unit for _, r in rows):
        groups.append(
            (unit, [(e, r, r.value_in_reference_unit) for e, r in rows if r.reference_unit == unit])
        )
    return groups


def _page(request: Request, ctx: Any, status_code: int = 200, **extra: Any) -> HTMLResponse:
    preferred = preferences.get_preferences(ctx).b12_unit
    history, charts = _history(ctx, preferred)
    context: dict[str, Any] = {
        "title": "Labs",
        "history": history,
        "preferred": preferred,
        # Each result in the preferred unit (Settings), for the table beside the chart.
        "in_preferred": [in_preferred_unit(e.test, e.value, e.unit, preferred) for e, _ in history],
        "charts": charts,
        "allowed_units": ALLOWED_UNITS,
        "reading": None,
        "notes": Footnotes(ctx.kb),
        "today": ctx.today,
        # The person's usual B12 unit (Settings) is chosen until they pick another.
        "values": {"unit": preferred} if preferred else {},
    }
    context.update(extra)
    return render(request, "pages/labs.html", status_code=status_code, **context)


@router.get("/labs", response_class=HTMLResponse)
def labs_page(request: Request, ctx: ContextDep) -> HTMLResponse:
    """The form to add a result, and the history."""
    return _page(request, ctx)


@router.post("/labs", response_class=HTMLResponse)
async def add_result(request: Request, ctx: ContextDep) -> HTMLResponse:
    """Read the result against its band, store it, and show the reading at once."""
    raw = await request.form()
    form = FormReader(raw)
    test = form.required("test", "the test, e.g. total B12")
    value = form.number("value", "the number printed on the report, e.g. 210", required=True)
    unit = form.required("unit", "the unit printed on the report, e.g. ng/L")
    taken_on = form.day("taken_on")
    low = form.number("reference_low", "the lab's lower limit, a number")
    high = form.number("reference_high", "the lab's upper limit, a number")
    note = form.text("note")
    try:
        form.check()
        result: dict[str, Any] = {"test": test, "value": value, "unit": unit}
        if taken_on is not None:
            result["date"] = taken_on
        if low is not None:
            result["reference_low"] = low
        if high is not None:
            result["reference_high"] = high
        reading = labs.read_labs(ctx.kb, [result], ctx.today).readings[0]
        lab_range = None if low is None and high is None else f"{_num(low)}-{_num(high)}"
        labs.add_lab(
            ctx,
            labs.LabInput(
                test=str(test),
                value=float(value or 0),
                unit=str(unit),
                taken_on=taken_on,
                reference_range=lab_range,
                note=note,
            ),
        )
    except InputError as exc:
        problems = [_form_field(p) for p in problems_of(exc)]
        return _page(request, ctx, 422, errors=problems, values=values_of(raw))
    return _page(request, ctx, 200, reading=reading, saved=True)


def _num(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def _form_field(problem: Any) -> Any:
    """`labs[0].unit` or `--date` (names from the reading) as this form's field names."""
    field = problem.field.removeprefix("labs[0].")
    field = {"date": "taken_on", "--date": "taken_on"}.get(field, field)
    return type(problem)(field, problem.value, problem.message)
