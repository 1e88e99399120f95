"""Supplements: plans with their dated schedule, check-off of doses, stock and run-out, adherence;
a plan as prescribed (a cited regimen) or "my supplement" as bought (compared with the regimens)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from b12pain.errors import InputError
from b12pain.service import plans
from b12pain.web.deps import ContextDep
from b12pain.web.errors import problems_of
from b12pain.web.footnotes import Footnotes
from b12pain.web.forms import FormReader, values_of
from b12pain.web.templating import render

router = APIRouter(tags=["pages"], include_in_schema=False)


#: The id prefix of each form's fields on the page (two forms both have `amount`).
_PREFIXES = {"plan": "plan-", "own": "own-"}


def _page(request: Request, ctx: Any, status_code: int = 200, **extra: Any) -> HTMLResponse:
    regimens = [r for r in ctx.kb.of_kind("regimen") if getattr(r, "doses", None)]
    context: dict[str, Any] = {
        "title": "Supplements",
        "statuses": plans.plan_statuses(ctx),
        "done_today": {d.plan_uid: d.done for d in plans.due_today(ctx) if d.kind == "dose"},
        "regimens": regimens,
        "product_forms": list(plans.PRODUCT_FORMS),
        "adherence_days": plans.ADHERENCE_DAYS,
        "today": ctx.today,
        "notes": Footnotes(ctx.kb),
        "saved": request.query_params.get("saved"),
        "comparison": None,
        "open_form": "",
    }
    context.update(extra)
    return render(request, "pages/supplements.html", status_code=status_code, **context)


@router.get("/supplements", response_class=HTMLResponse)
def supplements_page(request: Request, ctx: ContextDep) -> HTMLResponse:
    """Plans, schedules, adherence and stock; forms to add a plan."""
    return _page(request, ctx)


async def _submit(request: Request, ctx: Any, form_name: str, action: Any) -> Response:
    """Run `action(FormReader)`; back to the page (or Today) when it worked, else the page with
    the form's problems."""
    raw = await request.form()
    try:
        result = action(FormReader(raw))
    except InputError as exc:
        return _page(request, ctx, int(getattr(exc, "status_code", 422)), errors=problems_of(exc), values=values_of(raw),
                     open_form=form_name, error_prefix=_PREFIXES.get(form_name, ""))
    if isinstance(result, plans.SavedPlan) and result.comparison is not None:
        return _page(request, ctx, 200, comparison=result.comparison, saved="plan")
    target = "/?saved=dose" if request.query_params.get("next") == "today" else "/supplements?saved=" + form_name
    return RedirectResponse(target, status_code=303)


def _checked(form: FormReader, value: Any) -> Any:
    form.check()
    return value


@router.post("/supplements/plan", response_class=HTMLResponse)
async def start_plan(request: Request, ctx: ContextDep) -> Response:
    """Start a plan as prescribed, following a cited regimen."""

    def action(form: FormReader) -> Any:
        request_ = plans.PlanFromRegimen(
            regimen=form.required("regimen", "the regimen your clinician prescribed") or "",
            amount_ug=form.number("amount", "the amount per dose in µg, e.g. 1000"),
            form=form.text("form"),
            starts_on=form.day("start"),
            stock_units=form.integer("stock", "a whole number of tablets or ampoules"),
            note=form.text("note"),
        )
        return plans.start_plan(ctx, _checked(form, request_))

    return await _submit(request, ctx, "plan", action)


@router.post("/supplements/own", response_class=HTMLResponse)
async def own_supplement(request: Request, ctx: ContextDep) -> Response:
    """Record a supplement bought and taken (no regimen), shown beside the cited regimens."""

    def action(form: FormReader) -> Any:
        request_ = plans.OwnSupplementInput(
            amount_ug=form.number("amount", "the µg per tablet or dose, e.g. 1000", required=True) or 0.0,
            form=form.text("form") or "tablet",
            every=form.text("every") or 1,
            name=form.text("name"),
            starts_on=form.day("start"),
            stock_units=form.integer("stock", "a whole number of tablets"),
            note=form.text("note"),
        )
        return plans.record_own_supplement(ctx, _checked(form, request_))

    return await _submit(request, ctx, "own", action)


@router.post("/supplements/dose", response_class=HTMLResponse)
async def log_dose(request: Request, ctx: ContextDep) -> Response:
    """Check off a dose (taken, skipped or late)."""

    def action(form: FormReader) -> Any:
        request_ = plans.DoseInput(
            status=form.text("status") or "taken",
            plan=form.text("plan"),
            site=form.text("site"),
            note=form.text("note"),
            at=form.text("at"),
        )
        return plans.log_dose(ctx, _checked(form, request_))

    return await _submit(request, ctx, "dose", action)


@router.post("/supplements/stock", response_class=HTMLResponse)
async def record_stock(request: Request, ctx: ContextDep) -> Response:
    """Record how many units are on hand now."""

    def action(form: FormReader) -> Any:
        units = form.integer("units", "a whole number of tablets or ampoules", required=True)
        request_ = plans.StockInput(units=units or 0, plan=form.text("plan"), note=form.text("note"))
        return plans.record_stock(ctx, _checked(form, request_))

    return await _submit(request, ctx, "stock", action)


@router.post("/supplements/{plan_id}/stop", response_class=HTMLResponse)
async def stop_plan(request: Request, plan_id: str, ctx: ContextDep) -> Response:
    """Stop a plan (today, or on the day given)."""

    def action(form: FormReader) -> Any:
        on = form.day("on")
        form.check()
        return plans.stop_plan(ctx, plan_id, on)

    return await _submit(request, ctx, "stop", action)
