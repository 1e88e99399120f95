"""Today: red flags and what is due first, then a quick pain entry (filled once the service lands)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from b12pain.web.templating import render

router = APIRouter(tags=["pages"], include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def today_page(request: Request) -> HTMLResponse:
    """The Today page."""
    return render(request, "pages/today.html", title="Today")
