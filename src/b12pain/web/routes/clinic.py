"""The clinic (server mode, clinicians only): the people who share their diary with the signed-in
clinician, most urgent first, and each one's Today, Insights, Labs and report — read-only, red
flags first in clinical words — with a comment form on each entry.

Someone who does not share with this clinician right now is "not found" (404), whether or not
they exist; every page read is in that person's audit log (`service.sharing.patient_context`).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from b12pain.errors import InputError
from b12pain.service import diary, insights, labs, profile, reports, sharing
from b12pain.service.accounts import Account
from b12pain.service.context import Context
from b12pain.web.charts import Point, pain_and_b12_chart, time_chart
from b12pain.web.deps import get_kb, journal_of, now, server_account_with_role
from b12pain.web.errors import problems_of
from b12pain.web.footnotes import Footnotes
from b12pain.web.forms import FormReader
from b12pain.web.templating import render

router = APIRouter()

#: Days of entries on a patient's page (each with a comment form).
SHOWN_DAYS = 14
#: Kinds listed on a patient's page (profiles and saved assessments are summarised, not listed).
LISTED_KINDS = (
    "pain",
    "symptoms",
    "sleep",
    "exercise",
    "stress",
    "mood",
    "instrument",
    "dose",
    "food",
    "lab",
)


def clinician(request: Request) -> Account:
    """The signed-in clinician. Local mode has no clinic (404); other roles are refused (403)."""
    return server_account_with_role(request, "clinician", "the clinic is for clinician accounts")


ClinicianDep = Annotated[Account, Depends(clinician)]


def patient(request: Request, viewer: Account, person: str, action: str) -> Context:
    """`person`'s read-only context for `viewer` (404 without an active share; audited)."""
    return sharing.patient_context(
        journal_of(request),
        get_kb(),
        viewer,
        person,
        now=now(),
        action=action,
        target=request.url.path[:200],
    )


@router.get("/clinic", response_class=HTMLResponse, include_in_schema=False)
def patient_list(request: Request, viewer: ClinicianDep) -> HTMLResponse:
    """Everyone who shares with this clinician: red flags first, then the highest pain."""
    found = sharing.patients_of(journal_of(request), get_kb(), viewer, now=now())
    return render(
        request,
        "pages/clinic_patients.html",
        title="Patients",
        patients=found,
        notes=Footnotes(get_kb()),
    )


def _nav(ctx: Context) -> dict[str, Any]:
    return {"person": ctx.owner, "person_name": sharing.person_name(ctx)}


@router.get("/clinic/{person}", response_class=HTMLResponse, include_in_schema=False)
def patient_today(request: Request, person: str, viewer: ClinicianDep) -> HTMLResponse:
    """One person's red flags (clinical words), B12 status and the last two weeks of entries,
    each with a comment form."""
    ctx = patient(request, viewer, person, "today")
    return _today(request, ctx)


def _today(request: Request, ctx: Context, status_code: int = 200, **extra: Any) -> HTMLResponse:
    return render(
        request,
        "pages/clinic_patient.html",
        status_code=status_code,
        title=f"Patient {ctx.owner}",
        red_flags=sharing.red_flags_of(ctx),
        assessment=profile.assess_current(ctx),
        days=diary.recent_days(ctx, LISTED_KINDS, SHOWN_DAYS),
        shown_days=SHOWN_DAYS,
        saved=request.query_params.get("saved"),
        notes=Footnotes(ctx.kb),
        **_nav(ctx),
        **extra,
    )


@router.post(
    "/clinic/{person}/entries/{entry_id}/comment",
    response_class=HTMLResponse,
    include_in_schema=False,
)
async def comment(request: Request, person: str, entry_id: str, viewer: ClinicianDep) -> Response:
    """Comment on one of the person's entries; they see it on the entry, signed with your name."""
    form = FormReader(await request.form())
    text = form.text("comment")
    try:
        if not text:
            raise InputError.single(
                "comment", None, "the text of your comment (1 to 2000 characters)"
            )
        uid, _ = sharing.comment_on_entry(
            journal_of(request), get_kb(), viewer, person, entry_id, text, now=now()
        )
    except InputError as exc:
        if getattr(exc, "status_code", 422) != 422:
            raise  # not found: no share, or no such entry of this person
        ctx = patient(request, viewer, person, "today")
        return _today(
            request,
            ctx,
            422,
            errors=problems_of(exc),
            values={"comment": text or ""},
            error_prefix=entry_id[:32],
        )
    return RedirectResponse(f"/clinic/{person}?saved={uid}#entry-{uid}", status_code=303)


@router.get("/clinic/{person}/insights", response_class=HTMLResponse, include_in_schema=False)
def patient_insights(request: Request, person: str, viewer: ClinicianDep) -> HTMLResponse:
    """The person's insights: pain and B12 over time, is it helping, doses, factors."""
    ctx = patient(request, viewer, person, "insights")
    view = insights.insights_view(ctx, in_reference_units=True)
    board, line = view.dashboard, view.timeline
    weekly = [Point(day.isoformat(), value) for day, value in line.weekly_pain]
    daily = [Point(day.isoformat(), value) for day, value in board.daily_pain.items()]
    b12 = [Point(day.isoformat(), value) for day, value in line.b12]
    b12_test, b12_unit = line.b12_test, line.b12_unit
    charts: dict[str, Any] = {}
    if weekly or b12:
        charts["combined"] = pain_and_b12_chart(
            weekly, b12, f"{(b12_test or '').replace('_', ' ')} ({b12_unit})", []
        )
    if daily:
        charts["daily"] = time_chart(daily, y_title="pain (NRS 0-10)", y_domain=(0, 10))
    return render(
        request,
        "pages/clinic_insights.html",
        title=f"Insights: {person}",
        board=board,
        charts=charts,
        weekly=weekly,
        b12=b12,
        b12_test=b12_test,
        b12_unit=b12_unit,
        not_advice=insights.NOT_ADVICE,
        **_nav(ctx),
    )


@router.get("/clinic/{person}/labs", response_class=HTMLResponse, include_in_schema=False)
def patient_labs(request: Request, person: str, viewer: ClinicianDep) -> HTMLResponse:
    """Every result the person entered, newest first, with its band in clinical words."""
    ctx = patient(request, viewer, person, "labs")
    history = []
    for entry in reversed(labs.list_labs(ctx)):
        result = {
            "test": entry.test,
            "value": entry.value,
            "unit": entry.unit,
            "date": entry.taken_on or entry.at.date(),
        }
        try:
            reading = labs.read_labs(ctx.kb, [result], ctx.today).readings[0]
        except InputError:
            reading = None
        history.append((entry, reading))
    return render(
        request,
        "pages/clinic_labs.html",
        title=f"Labs: {person}",
        history=history,
        notes=Footnotes(ctx.kb),
        **_nav(ctx),
    )


@router.get("/clinic/{person}/report", response_class=HTMLResponse, include_in_schema=False)
def patient_report(request: Request, person: str, viewer: ClinicianDep) -> HTMLResponse:
    """The clinician report of the last 90 days (the same document the person can print)."""
    ctx = patient(request, viewer, person, "report")
    built = reports.build_report(ctx)
    html = reports.render_report(built, html=True).html or ""
    return HTMLResponse(html, headers={"Cache-Control": "no-store"})
