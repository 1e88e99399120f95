"""Today: red flags first, then what is due (doses to check off, reviews, tests), recent pain
and a quick pain entry."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from b12pain.service import diary, plans, profile
from b12pain.web.deps import ContextDep
from b12pain.web.footnotes import Footnotes
from b12pain.web.templating import render

router = APIRouter(tags=["pages"], include_in_schema=False)

#: Days of pain entries shown on Today.
RECENT_DAYS = 7


@router.get("/", response_class=HTMLResponse)
def today_page(request: Request, ctx: ContextDep) -> HTMLResponse:
    """The Today page."""
    assessment = profile.assess_current(ctx)
    recent = diary.list_entries(ctx, ["pain"], start=ctx.today - dt.timedelta(days=RECENT_DAYS - 1))
    return render(
        request,
        "pages/today.html",
        title="Today",
        assessment=assessment,
        due=plans.due_today(ctx),
        recent=list(reversed(recent))[:10],
        today=ctx.today,
        saved=request.query_params.get("saved"),
        notes=Footnotes(ctx.kb),
        quick=True,
        next_today=True,
    )
