"""Supplement plans and doses: start a plan from a cited regimen, record a supplement a person
bought, stop or change a plan, log doses and stock, and see adherence, stock and what is due.

Every amount that is written goes through `clinical.dosing` first (clinical-spec §J.9): a plan
started from a regimen must lie inside it (`check_scheduled_dose`); a person's own supplement is
bounded only by plausibility (`check_recorded_dose`) and compared with the cited regimens in plain
words (`compare_with_regimens`). The journal stores; it decides nothing about doses.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from b12pain.clinical.dosing import (
    DoseCheck,
    RegimenComparison,
    check_recorded_dose,
    check_scheduled_dose,
    compare_with_regimens,
    describe_comparisons,
)
from b12pain.days import check_day
from b12pain.errors import ConflictError, InputError, NotFoundError, Problem
from b12pain.insights.schedule import DueItem, dose_days, due_on
from b12pain.insights.trends import Stock
from b12pain.journal.records import DoseEvent, PlanEntry, StockCount, entry_as
from b12pain.journal.series import latest_stock_counts, plan_view, taken_days
from b12pain.journal.store import make_record
from b12pain.knowledge import KnowledgeBase
from b12pain.knowledge.schema.clinical import Regimen
from b12pain.service._knowledge import catalogue_of
from b12pain.service.context import Context
from b12pain.service.when import resolve_at

#: How a plan's form is taken (the journal's `form`) ↔ the route `clinical.dosing` speaks of.
ROUTE_OF_FORM = {"oral": "oral", "sublingual": "sublingual", "injection": "im"}
FORM_OF_ROUTE = {route: form for form, route in ROUTE_OF_FORM.items()}
#: What a product is, as people buy it, and the route it is taken by unless they say otherwise.
PRODUCT_FORMS = {
    "tablet": "oral",
    "capsule": "oral",
    "liquid": "oral",
    "lozenge": "sublingual",
    "spray": "sublingual",
    "injection": "im",
}
#: Days over which plan adherence is shown (the same 30 days as the insights dashboard).
ADHERENCE_DAYS = 30
_HINT_OWN = "or record a supplement you bought as your own (no regimen needed)"


@dataclass(frozen=True)
class PlanFromRegimen:
    """A plan as a clinician prescribed it, following a cited regimen."""

    regimen: str
    amount_ug: float | None = None
    form: str | None = None
    starts_on: dt.date | None = None
    stock_units: int | None = None
    note: str | None = None


@dataclass(frozen=True)
class OwnSupplementInput:
    """ "My supplement": what a person bought and takes, without a regimen id.

    `every` is how often: a number of days, or words ("daily", "every 2 days", "weekly").
    `route` defaults to the product form's usual one (a tablet is swallowed).
    """

    amount_ug: float
    form: str = "tablet"
    every: int | str = 1
    route: str | None = None
    name: str | None = None
    starts_on: dt.date | None = None
    stock_units: int | None = None
    note: str | None = None


@dataclass(frozen=True)
class PlanChanges:
    """A change to a plan from a day on: amount, how often, form; anything left None stays."""

    amount_ug: float | None = None
    every: int | str | None = None
    form: str | None = None
    on: dt.date | None = None
    stock_units: int | None = None
    note: str | None = None


@dataclass(frozen=True)
class DoseInput:
    """A dose taken, skipped, late or planned; form and amount default to the plan's."""

    status: str = "taken"
    form: str | None = None
    site: str | None = None
    amount_ug: float | None = None
    plan: str | None = None
    note: str | None = None
    at: dt.datetime | str | None = None


@dataclass(frozen=True)
class StockInput:
    """Units on hand now (after buying more, or a recount)."""

    units: int
    plan: str | None = None
    note: str | None = None
    at: dt.datetime | str | None = None


@dataclass(frozen=True)
class Comparison:
    """How a plan's amount compares with the cited regimens: one sentence and each regimen."""

    text: str
    items: tuple[RegimenComparison, ...]


@dataclass(frozen=True)
class SavedPlan:
    """A plan that was stored, with its comparison with the cited regimens (own supplements)."""

    plan: PlanEntry
    comparison: Comparison | None = None
    replaced: PlanEntry | None = None


@dataclass(frozen=True)
class Adherence:
    """Doses of one plan in the last `ADHERENCE_DAYS` days: due, taken, and the percentage."""

    due: int
    taken: int
    percent: float | None


@dataclass(frozen=True)
class PlanStatus:
    """A plan as a person reads it: whether it runs, adherence, stock, run-out day, comparison."""

    plan: PlanEntry
    active: bool
    adherence: Adherence
    stock: Stock | None
    comparison: Comparison | None


# parsing what people type -------------------------------------------------------------

_EVERY_WORDS = {
    "daily": 1,
    "every day": 1,
    "once a day": 1,
    "a day": 1,
    "every other day": 2,
    "weekly": 7,
    "every week": 7,
    "once a week": 7,
    "fortnightly": 14,
    "every two weeks": 14,
}
_EVERY_N = re.compile(r"^(?:every\s+)?(\d{1,3})\s*(d|days?|w|weeks?)?$")
EVERY_ALLOWED = 'daily, every other day, weekly, fortnightly, "every N days", "every N weeks" or a number of days (1-366)'


def parse_every(every: int | str, field: str = "every") -> int:
    """Days between doses from a number or words ("daily" 1, "every 2 days" 2, "weekly" 7)."""
    if isinstance(every, bool):
        raise InputError.single(field, every, EVERY_ALLOWED)
    if isinstance(every, int):
        days = every
    else:
        text = " ".join(every.strip().lower().split())
        if text in _EVERY_WORDS:
            return _EVERY_WORDS[text]
        match = _EVERY_N.match(text)
        if match is None:
            raise InputError.single(field, every, EVERY_ALLOWED)
        days = int(match[1]) * (7 if (match[2] or "d").startswith("w") else 1)
    if not 1 <= days <= 366:
        raise InputError.single(field, every, EVERY_ALLOWED)
    return days


def _day(value: dt.date | None, default: dt.date, field: str) -> dt.date:
    if value is None:
        return default
    try:
        return check_day(value)
    except ValueError as exc:
        raise InputError.single(field, value.isoformat(), str(exc)) from None


# the dose rule, asked of clinical.dosing ---------------------------------------------

_FIELDS = {"regimen_id": "regimen", "amount_ug": "amount", "every_days": "every"}


def _refuse(
    check: DoseCheck,
    given: dict[str, object],
    hint: str | None = None,
    renames: dict[str, str] | None = None,
) -> None:
    """Raise the dose check's problems with the input's own field names and values."""
    if check.inside:
        return
    names = {**_FIELDS, **(renames or {})}
    problems = []
    for p in check.problems:
        field = names.get(p.field, p.field)
        value = given.get(field, p.value)
        allowed = f"{p.allowed}; {hint}" if hint and field == "amount" else p.allowed
        problems.append(Problem(field, value, allowed))
    raise InputError(problems)


def plan_problems(kb: KnowledgeBase, plan: PlanEntry, field: str = "") -> list[Problem]:
    """What is wrong with a plan's dose (empty: fine). A plan with a regimen must lie inside it
    (every step of its spacing); one without is bounded by plausibility. Used for every plan
    written: started, recorded, changed or imported."""
    route = ROUTE_OF_FORM[plan.form]
    if plan.regimen_id is not None:
        check = check_scheduled_dose(kb, plan.regimen_id, plan.amount_ug, route, plan.every_days)
    else:
        product_form = "injection" if route == "im" else "tablet"
        if route == "sublingual":
            product_form = "lozenge"
        check = check_recorded_dose(kb, plan.amount_ug, product_form, route)
    prefix = f"{field}." if field else ""
    return [
        Problem(prefix + _FIELDS.get(p.field, p.field), p.value, p.allowed) for p in check.problems
    ]


def compare(kb: KnowledgeBase, amount_ug: float, form: str, every_days: int | None) -> Comparison:
    """A plan's amount beside the cited regimens, in plain words with citations."""
    items = compare_with_regimens(kb, amount_ug, ROUTE_OF_FORM[form], every_days)
    return Comparison(describe_comparisons(items), items)


# use cases -----------------------------------------------------------------------------


def _default_amount(regimen: Regimen, route: str) -> float | None:
    """The regimen's amount when it names one (a single dose, or "at least" a floor)."""
    windows = [w for w in regimen.doses if w.route == route]
    floors = {w.min_ug for w in windows}
    if len(floors) == 1 and all(w.min_ug == w.max_ug or w.cap is not None for w in windows):
        return floors.pop()
    return None


def start_plan(ctx: Context, request: PlanFromRegimen) -> PlanEntry:
    """Store a plan following the cited regimen from its first day, with the regimen's dated
    schedule (loading, maintenance, review, follow-up test). The amount must lie inside it."""
    from b12pain.clinical.regimens import build_schedule

    at = ctx.now.replace(microsecond=0)
    starts_on = _day(request.starts_on, ctx.today, "start")
    cat = catalogue_of(ctx.kb)
    regimen_id = request.regimen.strip().lower()
    # A plan follows one route: regimens given "by any route" are started as their oral or IM
    # counterpart (the dose check still accepts them in an import).
    schedulable = sorted(
        rid for rid, r in cat.regimens.items() if r.doses and r.route in ("oral", "im")
    )
    if regimen_id not in schedulable:
        raise InputError.single("regimen", regimen_id, f"one of {', '.join(schedulable)}")
    regimen = cat.regimens[regimen_id]
    route = regimen.doses[0].route
    form = (request.form or FORM_OF_ROUTE[route]).strip().lower()
    if form not in ROUTE_OF_FORM:
        raise InputError.single("form", form, f"one of {FORM_OF_ROUTE[route]} for {regimen_id}")
    amount = request.amount_ug
    if amount is None:
        amount = _default_amount(regimen, route)
        if amount is None:
            raise InputError.single(
                "amount", None, f"the amount prescribed, within {regimen.dose} ({regimen_id})"
            )
    every_days = 1 if regimen.daily else None
    check = check_scheduled_dose(ctx.kb, regimen_id, amount, ROUTE_OF_FORM[form], every_days)
    given = {"regimen": regimen_id, "amount": amount, "form": form}
    _refuse(check, given, _HINT_OWN, {"route": "form"})  # the form says the route here
    schedule = build_schedule(regimen_id, starts_on, cat=cat)
    review = next((s.date for s in schedule if s.kind == "review"), None)
    steps = [{"date": s.date, "what": s.what, "kind": s.kind} for s in schedule]
    if regimen.daily:  # daily tablets repeat; the schedule keeps the reviews and tests
        steps = [s for s in steps if s["kind"] != "dose"]
    record = make_record(
        "plan",
        at=at,
        regimen_id=regimen_id,
        form=form,
        amount_ug=amount,
        every_days=every_days,
        starts_on=starts_on,
        stock_units=request.stock_units,
        review_on=review,
        schedule=steps,
        note=request.note,
    )
    record = entry_as(record, PlanEntry)
    ctx.store.add(record, owner=ctx.owner)
    return record


def _own_plan(ctx: Context, request: OwnSupplementInput) -> tuple[PlanEntry, Comparison]:
    """Validate "my supplement" into a plan record (not stored) and its comparison."""
    product_form = request.form.strip().lower()
    if product_form not in PRODUCT_FORMS:
        raise InputError.single("form", request.form, f"one of {', '.join(PRODUCT_FORMS)}")
    route = (request.route or PRODUCT_FORMS[product_form]).strip().lower()
    every_days = parse_every(request.every)
    check = check_recorded_dose(ctx.kb, request.amount_ug, product_form, route)
    _refuse(check, {"amount": request.amount_ug, "form": request.form, "route": route})
    name = request.name or f"my supplement ({product_form})"
    record = make_record(
        "plan",
        at=ctx.now.replace(microsecond=0),
        product=name,
        form=FORM_OF_ROUTE[route],
        amount_ug=request.amount_ug,
        every_days=every_days,
        starts_on=_day(request.starts_on, ctx.today, "start"),
        stock_units=request.stock_units,
        note=request.note,
    )
    record = entry_as(record, PlanEntry)
    return record, compare(ctx.kb, record.amount_ug, record.form, every_days)


def record_own_supplement(ctx: Context, request: OwnSupplementInput) -> SavedPlan:
    """Store a supplement the person bought (form, strength, how often; no regimen id), bounded
    only by plausibility, and say how it compares with the cited regimens."""
    record, comparison = _own_plan(ctx, request)
    ctx.store.add(record, owner=ctx.owner)
    return SavedPlan(record, comparison)


def find_plan(ctx: Context, plan: str | None, *, active_first: bool = True) -> PlanEntry:
    """`ctx.owner`'s plan whose id starts with `plan`; without one, the latest plan still
    running (else the latest plan). `NotFoundError` when there is none."""
    plans = ctx.store.plans(owner=ctx.owner)
    if plan is not None:
        chosen = [p for p in plans if p.uid.startswith(plan.strip().lower())]
        if not chosen:
            raise NotFoundError.single(
                "plan", plan, "no supplement plan with this id (b12pain plan list)"
            )
        return chosen[-1]
    running = [p for p in plans if p.active_on(ctx.today)] if active_first else []
    if running or plans:
        return (running or plans)[-1]
    raise NotFoundError.single("plan", None, "no supplement plan yet; start or record one first")


def stop_plan(ctx: Context, plan: str | None, on: dt.date | None = None) -> PlanEntry:
    """Stop a plan from `on` (default today): no doses are due from that day."""
    found = find_plan(ctx, plan)
    day = _day(on, ctx.today, "on")
    ctx.store.stop_plan(found.uid, day, owner=ctx.owner)
    return ctx.store.get(found.uid, owner=ctx.owner)  # type: ignore[return-value]


def change_plan(ctx: Context, plan: str | None, changes: PlanChanges) -> SavedPlan:
    """Change a plan from a day on (default today): the old plan stops that day and a new one,
    with the changes, starts; doses and adherence stay with the plan they belonged to. The new
    dose goes through the same check as the old (inside its regimen, or plausible)."""
    old = find_plan(ctx, plan)
    if old.stopped_on is not None:
        raise ConflictError.single("plan", old.uid[:8], f"stopped already, from {old.stopped_on}")
    day = _day(changes.on, ctx.today, "on")
    if day < old.starts_on:
        raise InputError.single("on", day.isoformat(), f"on or after {old.starts_on}")
    if all(
        v is None for v in (changes.amount_ug, changes.every, changes.form, changes.stock_units)
    ):
        raise InputError.single("change", None, "say what changes: amount, how often or form")
    amount = old.amount_ug if changes.amount_ug is None else changes.amount_ug
    every = old.every_days if changes.every is None else parse_every(changes.every)
    note = changes.note or old.note
    stock = old.stock_units if changes.stock_units is None else changes.stock_units
    comparison = None
    if old.regimen_id is not None:
        form = (changes.form or old.form).strip().lower()
        if form not in ROUTE_OF_FORM:
            raise InputError.single("form", form, f"one of {', '.join(ROUTE_OF_FORM)}")
        check = check_scheduled_dose(
            ctx.kb,
            old.regimen_id,
            amount,
            ROUTE_OF_FORM[form],
            old.every_days if every is None else every,
        )
        _refuse(
            check, {"amount": amount, "form": form, "every": every}, _HINT_OWN, {"route": "form"}
        )
        fields = old.model_dump(exclude={"uid", "at", "comments", "stopped_on", "kind", "note"})
        fields.update(amount_ug=amount, form=form, every_days=every, starts_on=day)
        fields["stock_units"] = stock
        fields["schedule"] = [s for s in fields["schedule"] if s["date"] >= day]
        new = make_record("plan", at=ctx.now.replace(microsecond=0), note=note, **fields)
    else:
        product_form = changes.form or _product_form_of(old)
        new, comparison = _own_plan(
            ctx,
            OwnSupplementInput(
                amount_ug=amount,
                form=product_form,
                every=every or 1,
                route=None if changes.form else ROUTE_OF_FORM[old.form],
                name=old.product,
                starts_on=day,
                stock_units=stock,
                note=note,
            ),
        )
    new = entry_as(new, PlanEntry)
    ctx.store.stop_plan(old.uid, day, owner=ctx.owner, then_add=[new])
    return SavedPlan(new, comparison, replaced=old)


def _product_form_of(plan: PlanEntry) -> str:
    route = ROUTE_OF_FORM[plan.form]
    return {"oral": "tablet", "sublingual": "lozenge", "im": "injection"}[route]


def log_dose(ctx: Context, dose: DoseInput) -> DoseEvent:
    """Record a dose of a plan (the latest running one unless named; form and amount default to
    the plan's). A recorded amount is bounded by plausibility."""
    plans = ctx.store.plans(owner=ctx.owner)
    plan = find_plan(ctx, dose.plan) if plans or dose.plan is not None else None
    if dose.form is None and plan is None:
        raise InputError.single("form", None, "oral, sublingual or injection (no plan to copy)")
    form = (dose.form or (plan.form if plan else "")).strip().lower()
    amount = plan.amount_ug if dose.amount_ug is None and plan else dose.amount_ug
    status = dose.status.strip().lower()
    at = resolve_at(ctx.now, dose.at, future_ok=status == "planned")
    record = make_record(
        "dose",
        at=at,
        plan_uid=plan.uid if plan else None,
        status=status,
        form=form,
        site=dose.site,
        amount_ug=amount,
        note=dose.note,
    )
    record = entry_as(record, DoseEvent)
    if record.amount_ug is not None and dose.amount_ug is not None:
        route = ROUTE_OF_FORM[record.form]
        product = {"oral": "tablet", "sublingual": "lozenge", "im": "injection"}[route]
        _refuse(
            check_recorded_dose(ctx.kb, record.amount_ug, product, route),
            {"amount": dose.amount_ug},
        )
    ctx.store.add(record, owner=ctx.owner)
    return record


def record_stock(ctx: Context, stock: StockInput) -> StockCount:
    """Record the units on hand of a plan (the latest running one unless named)."""
    plan = find_plan(ctx, stock.plan)
    record = make_record(
        "stock",
        at=resolve_at(ctx.now, stock.at),
        plan_uid=plan.uid,
        units=stock.units,
        note=stock.note,
    )
    record = entry_as(record, StockCount)
    ctx.store.add(record, owner=ctx.owner)
    return record


def list_plans(ctx: Context) -> list[PlanEntry]:
    """`ctx.owner`'s plans, oldest first."""
    return ctx.store.plans(owner=ctx.owner)


def plan_statuses(ctx: Context) -> list[PlanStatus]:
    """Each plan with whether it runs today, adherence over the last 30 days, stock and its
    run-out day, and (own supplements) the comparison with the cited regimens."""
    plans = ctx.store.plans(owner=ctx.owner)
    counts = latest_stock_counts(ctx.store, owner=ctx.owner)
    taken = taken_days(ctx.store, [p.uid for p in plans], owner=ctx.owner)
    window_start = ctx.today - dt.timedelta(days=ADHERENCE_DAYS - 1)
    statuses = []
    for plan in plans:
        view = plan_view(plan, counts.get(plan.uid))
        days_taken = set(taken.get(plan.uid, ()))
        due = [
            d
            for d in dose_days(view, ctx.today)
            if d >= window_start and (d < ctx.today or d in days_taken)
        ]
        done = sum(1 for d in due if d in days_taken)
        adherence = Adherence(len(due), done, round(100 * done / len(due), 1) if due else None)
        stock = None
        if view.stock_units is not None and plan.active_on(ctx.today):
            items = due_on([view], {plan.uid: sorted(days_taken)}, (), ctx.today)
            stock = next((i.stock for i in items if i.stock is not None), None)
            if stock is None:  # no dose due today: forecast from the stock as counted
                from b12pain.insights.trends import stock_forecast

                stock = stock_forecast(
                    view.stock_units,
                    view.stock_from or view.starts_on,
                    sorted(days_taken),
                    view.every_days or 1,
                    ctx.today,
                )
        comparison = (
            compare(ctx.kb, plan.amount_ug, plan.form, plan.every_days)
            if plan.own_supplement
            else None
        )
        statuses.append(PlanStatus(plan, plan.active_on(ctx.today), adherence, stock, comparison))
    return statuses


def due_today(ctx: Context) -> list[DueItem]:
    """Doses and review tests due on `ctx.today`, with what was already done."""
    plans = ctx.store.plans(owner=ctx.owner)
    counts = latest_stock_counts(ctx.store, owner=ctx.owner)
    views = [plan_view(p, counts.get(p.uid)) for p in plans]
    taken = taken_days(ctx.store, [p.uid for p in plans], owner=ctx.owner)
    # Only results on or after the first follow-up test can mark a test done: read those.
    test_days = [s.date for v in views for s in v.schedule if s.kind == "test"]
    test_days += [v.review_on for v in views if v.review_on is not None]
    lab_days: list[dt.date] = []
    if test_days:
        first = min(test_days) - dt.timedelta(days=1)
        since = dt.datetime.combine(first, dt.time(), ctx.now.tzinfo)
        lab_days = [
            getattr(record, "taken_on", None) or record.day
            for record in ctx.store.entries(["lab"], since, owner=ctx.owner)
        ]
    return due_on(views, taken, lab_days, ctx.today)


def check_imported_plans(
    kb: KnowledgeBase, plans: Sequence[tuple[int, PlanEntry]]
) -> list[Problem]:
    """Problems of plans about to be imported (`entries[3].amount …`); empty when all fit."""
    problems: list[Problem] = []
    for index, plan in plans:
        problems += plan_problems(kb, plan, field=f"entries[{index}]")
    return problems
