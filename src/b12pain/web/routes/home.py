"""Today: red flags first, then what is due (doses to check off, reviews, tests), recent pain
and a quick pain entry."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from b12pain.service.today import today_view
from b12pain.web.deps import ContextDep
from b12pain.web.footnotes import Footnotes
from b12pain.web.templating import render

router = APIRouter(tags=["pages"], include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def today_page(request: Request, ctx: ContextDep) -> HTMLResponse:
    """The Today page."""
    view = today_view(ctx)
    return render(
        request,
        "pages/today.html",
        title="Today",
        assessment=view.assessment,
        due=view.due,
        recent=view.recent_pain,
        today=ctx.today,
        saved=request.query_params.get("saved"),
        notes=Footnotes(ctx.kb),
        quick=True,
        next_today=True,
    )
