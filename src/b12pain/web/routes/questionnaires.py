"""Questionnaires: the validated pain questionnaires a person can fill in themselves (DN4
interview, S-LANSS, MNSI, ACR 2016, ICHD-3, MIDAS, HIT-6, RMDQ, STarT Back, NRS), one form each
generated from the instrument's items in knowledge, scored and saved through the service.

Instruments with items only a clinician can enter (an examination) are not offered here. Item
words are b12pain's descriptors; licensed item texts are never shown (see each licence note).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse

from b12pain.errors import InputError, Problem
from b12pain.instruments.registry import INSTRUMENTS, Instrument
from b12pain.service import diary
from b12pain.web.deps import ContextDep
from b12pain.web.errors import problems_of
from b12pain.web.footnotes import Footnotes
from b12pain.web.forms import FormReader, values_of
from b12pain.web.templating import render

router = APIRouter(tags=["pages"], include_in_schema=False)


def self_reported() -> list[Instrument]:
    """Instruments a person can answer alone (no examination items, not omitted)."""
    return [
        i for i in INSTRUMENTS.values()
        if i.licence.status != "omitted" and not any(item.clinician_entered for item in i.info.items)
    ]


def _find(instrument_id: str) -> Instrument:
    found = next((i for i in self_reported() if i.id == instrument_id), None)
    if found is None:
        raise HTTPException(status_code=404)
    return found


@router.get("/self-check/questionnaires", response_class=HTMLResponse)
def list_questionnaires(request: Request) -> HTMLResponse:
    """The questionnaires, what each is for, and its licence."""
    return render(request, "pages/questionnaires.html", title="Pain questionnaires",
                  instruments=self_reported())


def _form_page(request: Request, ctx: Any, found: Instrument, status_code: int = 200,
               **extra: Any) -> HTMLResponse:
    return render(request, "pages/questionnaire.html", status_code=status_code,
                  title=found.info.short_name, instrument=found, info=found.info,
                  notes=Footnotes(ctx.kb), result=None, **extra)


@router.get("/self-check/questionnaires/{instrument_id}", response_class=HTMLResponse)
def questionnaire_form(request: Request, instrument_id: str, ctx: ContextDep) -> HTMLResponse:
    """One questionnaire as a form."""
    return _form_page(request, ctx, _find(instrument_id))


def read_answers(found: Instrument, form: FormReader) -> dict[str, Any]:
    """Item answers in the types the scorer checks (yes/no as true/false, numbers as numbers)."""
    answers: dict[str, Any] = {}
    for item in found.info.items:
        if item.answer == "areas":
            answers[item.id] = form.many(item.id)
            continue
        text = form.text(item.id)
        if text is None:
            continue
        if item.answer == "yes_no":
            answers[item.id] = {"yes": True, "no": False}.get(text, text)
        elif item.answer == "integer":
            answers[item.id] = form.integer(item.id, f"a whole number from {item.minimum:g} to {item.maximum:g}")
        elif item.answer == "number":
            answers[item.id] = form.number(item.id, f"a number from {item.minimum:g} to {item.maximum:g}")
        else:
            answers[item.id] = text
    return {k: v for k, v in answers.items() if v is not None}


@router.post("/self-check/questionnaires/{instrument_id}", response_class=HTMLResponse)
async def score_questionnaire(request: Request, instrument_id: str, ctx: ContextDep) -> HTMLResponse:
    """Score the answers, save them in the diary, and show the result with its sources."""
    found = _find(instrument_id)
    raw = await request.form()
    form = FormReader(raw)
    try:
        answers = read_answers(found, form)
        form.check()
        scored = diary.log_instrument(ctx, diary.InstrumentInput(instrument=found.id, answers=answers))
    except InputError as exc:
        yes_no = {item.id for item in found.info.items if item.answer == "yes_no"}
        problems = []
        for p in problems_of(exc):
            field = p.field.removeprefix(f"{found.id}.")
            message = "required; yes or no" if field in yes_no and p.value is None else p.message
            problems.append(Problem(field, p.value, "yes or no" if field in yes_no and p.value is not None else message))
        values = values_of(raw)
        for item in found.info.items:
            if item.answer == "areas":
                values[item.id] = raw.getlist(item.id)
        return _form_page(request, ctx, found, 422, errors=problems, values=values)
    return render(request, "pages/questionnaire.html", title=f"{found.info.short_name}: your result",
                  instrument=found, info=found.info, notes=Footnotes(ctx.kb), result=scored.result)
