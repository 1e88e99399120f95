"""Downloads: the clinician report (HTML page or PDF), the calendar feed and the CSV files.

Each route calls one use case in `b12pain.service.reports` and sends its bytes. Bad dates are
422 with the field named (FastAPI's validation, or the service's `InputError`).
"""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, Response

from b12pain.reports.calendar import local_zone_name
from b12pain.service import reports
from b12pain.web.deps import ContextDep

router = APIRouter(tags=["downloads"])

FromDay = Query(None, alias="from", description="First day of the report (YYYY-MM-DD).")
ToDay = Query(None, alias="to", description="Last day of the report (YYYY-MM-DD); default today.")


def _attachment(name: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"}


@router.get("/report", response_class=HTMLResponse, summary="The clinician report as a web page")
def report_page(
    ctx: ContextDep, start: dt.date | None = FromDay, end: dt.date | None = ToDay
) -> HTMLResponse:
    """The report (the same layout as the PDF), to read or print from the browser."""
    built = reports.build_report(ctx, start, end)
    html = reports.render_report(built, html=True).html or ""
    return HTMLResponse(html, headers={"Cache-Control": "no-store"})


@router.get("/report.pdf", summary="The clinician report as PDF")
def report_pdf(
    ctx: ContextDep, start: dt.date | None = FromDay, end: dt.date | None = ToDay
) -> Response:
    """The report as a tagged PDF that declares PDF/UA-1, as a download."""
    built = reports.build_report(ctx, start, end)
    pdf = reports.render_report(built, pdf=True).pdf or b""
    name = f"b12pain-report-{built.start.isoformat()}-to-{built.end.isoformat()}.pdf"
    return Response(pdf, media_type="application/pdf", headers=_attachment(name))


@router.get("/calendar.ics", summary="Supplement plans as a calendar feed (iCalendar)")
def calendar_feed(
    ctx: ContextDep,
    zone: str | None = Query(None, description="IANA time zone; default this computer's."),
    at: dt.time = Query(dt.time(9, 0), description="Reminder time for doses (HH:MM)."),
) -> Response:
    """Doses, reviews and follow-up tests; subscribe to this address in a calendar app.

    The web app serves one person on this computer only (loopback), so the feed needs no token
    here; a multi-user server mode must put it behind a secret URL token per person.
    """
    text = reports.calendar(ctx, zone or local_zone_name(), at)
    return Response(
        text, media_type="text/calendar; charset=utf-8", headers=_attachment("b12pain-plan.ics")
    )


@router.get(
    "/export.csv.zip", summary="The whole journal as CSV files (one per diary kind), zipped"
)
def csv_download(ctx: ContextDep) -> Response:
    """The CSV export (docs/export-format.md) in one zip archive."""
    data = reports.export_csv_zip(ctx)
    name = f"b12pain-journal-{ctx.today.isoformat()}-csv.zip"
    return Response(data, media_type="application/zip", headers=_attachment(name))
