"""Self-check: the screening questions as a step-by-step form (warning signs first), with
progress, back and next, answers kept between visits; then the result with red flags first.

The answers so far live in a cookie of this browser (ids and numbers only) until the last step
saves them as the person's profile in their journal. The questions, their order, the profile they
make and the red flags raised so far come from `service.selfcheck` (shared with `b12pain check`).
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any, get_args

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from b12pain.clinical.profile import ALLOWED_UNITS, LabTest, NitrousOxide, Sex
from b12pain.errors import InputError, Problem
from b12pain.service import preferences, profile
from b12pain.service.next_steps import after_check
from b12pain.service.selfcheck import (
    RED_FLAG_ANSWERS,
    answers_to_profile,
    options_from_knowledge,
    red_flag_questions,
    red_flags_so_far,
)
from b12pain.web.deps import ContextDep
from b12pain.web.errors import problems_of
from b12pain.web.footnotes import Footnotes
from b12pain.web.forms import FormReader
from b12pain.web.templating import NAVIGATION, render

router = APIRouter(tags=["pages"], include_in_schema=False)

COOKIE = "b12pain_selfcheck"
#: Answers are kept for this long between visits (then the check starts afresh).
KEEP_SECONDS = 30 * 24 * 3600
#: How long a medicine has been taken: the choices offered, as profile durations.
DURATIONS = (
    ("", "Not sure"),
    ("6m", "Less than a year"),
    ("18m", "1 to 2 years"),
    ("3y", "2 to 5 years"),
    ("6y", "More than 5 years"),
)


@dataclass(frozen=True)
class Step:
    """One page of the self-check."""

    slug: str
    title: str


STEPS = (
    Step("warning-signs", "Warning signs"),
    Step("about-you", "About you"),
    Step("medicines", "Medicines"),
    Step("conditions", "Health conditions"),
    Step("symptoms", "Symptoms"),
    Step("pain", "Your pain"),
    Step("blood-tests", "Blood tests"),
)
SLUGS = [s.slug for s in STEPS]
#: What a next step's link says, by the page it opens (the navigation's names, and the report).
PAGE_NAMES = {**dict(NAVIGATION), "/report": "Summary report"}


def read_answers(request: Request) -> dict[str, Any]:
    """The answers kept so far (an unreadable cookie counts as none)."""
    raw = request.cookies.get(COOKIE)
    if not raw:
        return {}
    from b12pain.userfiles import UserFileError, parse_json

    try:  # a cookie is client input: deep nesting or huge numbers count as no answers
        data = parse_json(base64.urlsafe_b64decode(raw.encode()).decode(), "cookie")
    except (ValueError, binascii.Error, UnicodeDecodeError, UserFileError):
        return {}
    return _clean(data) if isinstance(data, dict) else {}


def _texts(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    """Only the answers this form writes, in the shapes it writes them (a cookie can be edited)."""
    clean: dict[str, Any] = {}
    for key in (RED_FLAG_ANSWERS, "conditions", "symptoms", "_done"):
        if key in data:
            clean[key] = _texts(data[key])
    for key in ("sex", "diet", "nitrous_oxide"):
        if isinstance(data.get(key), str):
            clean[key] = data[key]
    for key in ("pregnant", "breastfeeding"):
        if isinstance(data.get(key), bool):
            clean[key] = data[key]
    if isinstance(data.get("age"), int) and not isinstance(data.get("age"), bool):
        clean["age"] = data["age"]
    if isinstance(data.get("medications"), list):
        clean["medications"] = [
            {k: v for k, v in m.items() if k in ("name", "duration") and isinstance(v, str)}
            for m in data["medications"]
            if isinstance(m, dict) and isinstance(m.get("name"), str)
        ]
    pain = data.get("pain")
    if isinstance(pain, dict):
        clean["pain"] = {"types": _texts(pain.get("types"))}
        if isinstance(pain.get("nrs"), int) and not isinstance(pain.get("nrs"), bool):
            clean["pain"]["nrs"] = pain["nrs"]
    if isinstance(data.get("labs"), list):
        clean["labs"] = [
            {
                k: v
                for k, v in lab.items()
                if isinstance(v, str | int | float) and not isinstance(v, bool)
            }
            for lab in data["labs"][:1]
            if isinstance(lab, dict)
        ]
    return clean


def keep_answers(response: Response, answers: dict[str, Any]) -> None:
    """Store the answers in this browser's cookie (local to this machine's app)."""
    encoded = base64.urlsafe_b64encode(json.dumps(answers, separators=(",", ":")).encode()).decode()
    response.set_cookie(COOKIE, encoded, max_age=KEEP_SECONDS, httponly=True, samesite="strict")


def _options(ctx: Any) -> tuple[Any, dict[str, str]]:
    return options_from_knowledge(ctx.kb)


def _red_flags_so_far(ctx: Any, answers: dict[str, Any]) -> tuple[Any, ...]:
    """Red flags the answers so far raise (shown at the top of every later step)."""
    offered = _options(ctx)[0].red_flags
    picked = [f for f in answers.get(RED_FLAG_ANSWERS, []) if f in offered]
    return red_flags_so_far(ctx.kb, {RED_FLAG_ANSWERS: picked}) if picked else ()


def _step_page(
    request: Request,
    ctx: Any,
    index: int,
    answers: dict[str, Any],
    status_code: int = 200,
    errors: list[Problem] | None = None,
) -> HTMLResponse:
    options, titles = _options(ctx)
    step = STEPS[index]
    values = answers
    preferred = preferences.get_preferences(ctx).b12_unit
    if (
        preferred
        and not answers.get("lab_unit")
        and not (answers.get("labs") or [{}])[0].get("unit")
    ):
        values = {**answers, "lab_unit": preferred}  # the person's usual B12 unit (Settings)
    return render(
        request,
        "pages/selfcheck_step.html",
        status_code=status_code,
        title=f"Self-check: {step.title} (step {index + 1} of {len(STEPS)})",
        step=step,
        index=index,
        steps=STEPS,
        answers=answers,
        values=values,
        errors=errors or [],
        options=options,
        titles=titles,
        red_flags=_red_flags_so_far(ctx, answers),
        red_flag_questions=red_flag_questions(ctx.kb),
        notes=Footnotes(ctx.kb),
        sexes=get_args(Sex),
        nitrous=get_args(NitrousOxide),
        lab_tests=get_args(LabTest),
        allowed_units=ALLOWED_UNITS,
        durations=DURATIONS,
    )


@router.get("/self-check", response_class=HTMLResponse)
def start(request: Request, ctx: ContextDep) -> HTMLResponse:
    """The start page: what the check does, and where a person left off."""
    answers = read_answers(request)
    done = [s for s in SLUGS if s in answers.get("_done", [])]
    resume = next((s for s in SLUGS if s not in done), SLUGS[-1])
    return render(
        request,
        "pages/selfcheck_start.html",
        title="Self-check",
        steps=STEPS,
        done=done,
        resume=resume,
        has_result=profile.current_profile(ctx) is not None,
    )


@router.get("/self-check/result", response_class=HTMLResponse)
def result(request: Request, ctx: ContextDep) -> HTMLResponse:
    """The result of the saved profile: red flags first, plain words, why, sources."""
    assessment = profile.assess_current(ctx)
    if assessment is None:
        return RedirectResponse("/self-check", status_code=303)  # type: ignore[return-value]
    # The answers and the result were saved to the diary by the last step (`save_profile`).
    return render(
        request,
        "pages/selfcheck_result.html",
        title="Your self-check result",
        assessment=assessment,
        notes=Footnotes(ctx.kb),
        titles=_options(ctx)[1],
        next_steps=after_check(assessment, saved=True),
        page_names=PAGE_NAMES,
    )


@router.get("/self-check/{slug}", response_class=HTMLResponse)
def show_step(request: Request, slug: str, ctx: ContextDep) -> HTMLResponse:
    """One step, filled with the answers kept so far."""
    if slug not in SLUGS:
        raise HTTPException(status_code=404)
    return _step_page(request, ctx, SLUGS.index(slug), read_answers(request))


@router.post("/self-check/{slug}", response_class=HTMLResponse)
async def answer_step(request: Request, slug: str, ctx: ContextDep) -> Response:
    """Keep this step's answers, then go back, forward, or (last step) save and show the result."""
    if slug not in SLUGS:
        raise HTTPException(status_code=404)
    index = SLUGS.index(slug)
    raw = await request.form()
    form = FormReader(raw)
    answers = read_answers(request)
    options, _ = _options(ctx)
    going_back = form.text("go") == "back"
    try:
        answers.update(_read_step(slug, form, options))
        if not going_back:
            form.check()
    except InputError as exc:
        return _step_page(request, ctx, index, {**answers, **_typed(raw)}, 422, problems_of(exc))
    answers["_done"] = sorted(set(answers.get("_done", [])) | {slug})
    if going_back:
        target = f"/self-check/{SLUGS[max(0, index - 1)]}"
    elif index + 1 < len(STEPS):
        target = f"/self-check/{SLUGS[index + 1]}"
    else:
        data = answers_to_profile({k: v for k, v in answers.items() if not k.startswith("_")})
        try:
            profile.save_profile(ctx, data, assess=True)
        except InputError as exc:
            problems = [_lab_field(p) for p in problems_of(exc)]
            return _step_page(request, ctx, index, {**answers, **_typed(raw)}, 422, problems)
        target = "/self-check/result"
    response = RedirectResponse(target, status_code=303)
    keep_answers(response, answers)
    return response


@router.post("/self-check-restart")
def restart() -> Response:
    """Forget the answers kept in this browser (the saved profile stays in the journal)."""
    response = RedirectResponse(f"/self-check/{SLUGS[0]}", status_code=303)
    response.delete_cookie(COOKIE)
    return response


#: Profile lab fields and the blood-test step's form fields.
_LAB_FIELDS = {
    "test": "lab_test",
    "value": "lab_value",
    "unit": "lab_unit",
    "date": "lab_date",
    "reference_low": "lab_low",
    "reference_high": "lab_high",
}


def _lab_field(problem: Problem) -> Problem:
    """`labs[0].unit` (the profile's name) as `lab_unit` (the form field that holds it)."""
    if problem.field.startswith("labs[0]."):
        name = _LAB_FIELDS.get(problem.field.removeprefix("labs[0]."), "lab_test")
        return Problem(name, problem.value, problem.message)
    return problem


def _typed(raw: Any) -> dict[str, Any]:
    """What was typed, to show again beside the problems."""
    return {k: raw.get(k) for k in raw if k != "go"}


def _only(chosen: list[str], allowed: tuple[str, ...], field: str, form: FormReader) -> list[str]:
    unknown = [c for c in chosen if c not in allowed]
    for value in unknown:
        form.problems.append(Problem(field, value, "one of the choices shown"))
    return [c for c in chosen if c in allowed]


def _read_step(slug: str, form: FormReader, options: Any) -> dict[str, Any]:
    """This step's answers in the profile's own field names."""
    if slug == "warning-signs":
        return {
            RED_FLAG_ANSWERS: _only(form.many("red_flags"), options.red_flags, "red_flags", form)
        }
    if slug == "about-you":
        age = form.integer("age", "your age in whole years, 0 to 120", required=True)
        if age is not None and not 0 <= age <= 120:
            form.problems.append(Problem("age", str(age), "your age in whole years, 0 to 120"))
        sex = form.text("sex") or "unspecified"
        diet = form.text("diet") or "omnivore"
        return {
            "age": age,
            "sex": sex,
            "diet": diet,
            "pregnant": form.text("pregnant") == "yes",
            "breastfeeding": form.text("breastfeeding") == "yes",
        }
    if slug == "medicines":
        picked = _only(form.many("medicines"), options.medicines, "medicines", form)
        medications = []
        for name in picked:
            duration = form.text(f"duration_{name}")
            medications.append({"name": name, **({"duration": duration} if duration else {})})
        return {"medications": medications, "nitrous_oxide": form.text("nitrous_oxide") or "none"}
    if slug == "conditions":
        return {
            "conditions": _only(form.many("conditions"), options.conditions, "conditions", form)
        }
    if slug == "symptoms":
        allowed = options.nerve_symptoms + options.general_symptoms
        return {"symptoms": _only(form.many("symptoms"), allowed, "symptoms", form)}
    if slug == "pain":
        types = _only(form.many("pain_types"), options.pain_types, "pain_types", form)
        nrs = form.integer("nrs", "a whole number from 0 (no pain) to 10 (worst imaginable)")
        if nrs is not None and not 0 <= nrs <= 10:
            form.problems.append(Problem("nrs", str(nrs), "a whole number from 0 to 10"))
        return {"pain": {"types": types, **({"nrs": nrs} if nrs is not None else {})}}
    labs = []
    test = form.text("lab_test")
    if test:
        value = form.number(
            "lab_value", "the number printed on the report, e.g. 210", required=True
        )
        unit = form.required(
            "lab_unit", f"the unit printed on the report ({', '.join(ALLOWED_UNITS.get(test, ()))})"
        )
        day = form.day("lab_date")
        low = form.number("lab_low", "the lab's lower limit, a number (optional)")
        high = form.number("lab_high", "the lab's upper limit, a number (optional)")
        lab: dict[str, Any] = {"test": test, "value": value, "unit": unit}
        if day:
            lab["date"] = day.isoformat()
        if low is not None:
            lab["reference_low"] = low
        if high is not None:
            lab["reference_high"] = high
        labs.append(lab)
    return {"labs": labs}
