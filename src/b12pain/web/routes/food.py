"""Food: search as you type (USDA SR28 once imported, the cited starter table before), log an
amount, and see today's and this week's B12 against the person's reference intake, honestly
("at least" when a food has no B12 value: missing is not zero)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from b12pain.errors import InputError
from b12pain.service import diary, insights, intake
from b12pain.web.deps import ContextDep, SettingsDep
from b12pain.web.errors import problems_of
from b12pain.web.footnotes import Footnotes
from b12pain.web.forms import FormReader, values_of
from b12pain.web.templating import render

router = APIRouter(tags=["pages"], include_in_schema=False)

#: Most foods a search shows.
HITS = 12


def _search(settings: Any, query: str | None) -> tuple[list[Any], dict[str, Any]]:
    """Matching foods, each with its household portions, and how many foods each source holds."""
    with intake.open_food_database(settings.data_dir) as foods:
        hits = foods.search(query, limit=HITS) if query else []
        found = [(hit, [p.label() for p in foods.portions(hit.food_id)[:4]]) for hit in hits]
        return found, foods.counts()


def _page(request: Request, ctx: Any, settings: Any, status_code: int = 200,
          **extra: Any) -> HTMLResponse:
    query = extra.pop("query", None)
    try:
        hits, counts = _search(settings, query)
    except InputError as exc:
        hits, counts = [], {}
        extra.setdefault("errors", problems_of(exc))
        status_code = 422
    # The week averages the days with food logged (a day with nothing logged is unknown, not
    # zero): the dashboard's intake; today is exactly today's log.
    summary = insights.insights(ctx).intake
    today_total = intake.intake_summary(ctx, ctx.today, ctx.today)
    context: dict[str, Any] = {
        "title": "Food",
        "query": query or "",
        "hits": hits,
        "counts": counts,
        "summary": summary,
        "today_total": today_total,
        "eaten_today": list(reversed(diary.list_entries(ctx, ["food"], start=ctx.today))),
        "has_target": intake.intake_target(ctx) is not None,
        "notes": Footnotes(ctx.kb),
        "saved": request.query_params.get("saved"),
    }
    context.update(extra)
    return render(request, "pages/food.html", status_code=status_code, **context)


@router.get("/food", response_class=HTMLResponse)
def food_page(request: Request, ctx: ContextDep, settings: SettingsDep, q: str | None = None) -> HTMLResponse:
    """Search, log, and intake against the target."""
    return _page(request, ctx, settings, query=(q or "").strip()[:200] or None)


@router.get("/food/search", response_class=HTMLResponse)
def food_search(request: Request, settings: SettingsDep, q: str = "") -> HTMLResponse:
    """The search results alone (htmx swaps them in as the person types)."""
    query = q.strip()[:200]
    hits, _ = _search(settings, query or None)  # (food, portions) pairs
    return render(request, "partials/food_hits.html", hits=hits, query=query)


@router.post("/food/log", response_class=HTMLResponse)
async def log_food(request: Request, ctx: ContextDep, settings: SettingsDep) -> Response:
    """Weigh what was eaten and log it."""
    raw = await request.form()
    form = FormReader(raw)
    amount = form.required("amount", 'what and how much, e.g. "2 eggs" or "150 g salmon"')
    food_id = form.text("food_id")
    try:
        form.check()
        with intake.open_food_database(settings.data_dir) as foods:
            intake.log_food(ctx, intake.FoodInput(amount_text=str(amount), food_id=food_id,
                                                  note=form.text("note")), foods)
    except InputError as exc:
        # The form has one field for the words; whatever the food database could not read in
        # them (the food, the amount, the unit) is shown on it.
        problems = [p if p.field == "note" else type(p)("amount", p.value, p.message)
                    for p in problems_of(exc)]
        return _page(request, ctx, settings, 422, errors=problems, values=values_of(raw),
                     query=form.text("q"))
    return RedirectResponse("/food?saved=1", status_code=303)
