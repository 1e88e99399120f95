"""Diary: pain (0-10, body map, type, descriptors), sleep, exercise, stress, mood; several
entries a day; notes and comments on any entry; edit, and delete with undo."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from b12pain.errors import InputError
from b12pain.service import diary
from b12pain.web.deps import ContextDep
from b12pain.web.errors import problems_of
from b12pain.web.forms import FormReader, values_of
from b12pain.web.templating import kept_fragment, render

router = APIRouter(tags=["pages"], include_in_schema=False)

#: Kinds the diary page can add, in the order of its forms.
DIARY_KINDS = ("pain", "sleep", "exercise", "stress", "mood", "symptoms")
#: Kinds the diary lists (questionnaires, doses, food and results too; those are changed on
#: their own pages, and here only their note and time).
LISTED_KINDS = (*DIARY_KINDS, "instrument", "dose", "food", "lab")
#: How many weeks of entries the diary shows by default, and at most (`?weeks=N`).
SHOWN_WEEKS, MOST_WEEKS = 1, 52

NRS_ALLOWED = "a whole number from 0 (no pain) to 10 (worst imaginable)"


@dataclass(frozen=True)
class NoteAndTime:
    """What the diary can change on entries made elsewhere (a questionnaire, a dose, food)."""

    note: str | None
    at: str | None


def read_pain(form: FormReader) -> diary.PainInput:
    """A pain entry from the diary's pain form (also the quick entry on Today)."""
    nrs = form.integer("nrs", NRS_ALLOWED, required=True)
    form.check()
    assert nrs is not None
    return diary.PainInput(
        nrs=nrs,
        regions=form.many("regions"),
        pain_type=form.text("pain_type"),
        descriptors=form.many("descriptors"),
        note=form.text("note"),
        at=form.text("at"),
    )


def _read(kind: str, form: FormReader) -> Any:
    """Parse the form for `kind` and call its use case's input type."""
    at, note = form.text("at"), form.text("note")
    if kind == "sleep":
        hours = form.number("hours", "hours slept, 0 to 24, e.g. 6.5", required=True)
        quality = form.integer("quality", "0 (very poor) to 4 (very good)")
        form.check()
        return diary.SleepInput(hours=hours or 0.0, quality=quality, note=note, at=at)
    if kind == "exercise":
        minutes = form.integer("minutes", "whole minutes, 0 to 1440", required=True)
        form.check()
        return diary.ExerciseInput(
            minutes=minutes or 0, activity=form.text("activity"), note=note, at=at
        )
    if kind in ("stress", "mood"):
        allowed = "a whole number 0 to 10" if kind == "stress" else "a whole number 0 to 4"
        level = form.integer("level", allowed, required=True)
        form.check()
        return diary.LevelInput(level=level or 0, note=note, at=at)
    if kind == "symptoms":
        return diary.SymptomsInput(symptoms=form.many("symptoms"), note=note, at=at)
    if kind == "pain":
        return read_pain(form)
    return NoteAndTime(note=note, at=at)


_LOG: dict[str, Callable[[Any, Any], Any]] = {
    "pain": diary.log_pain,
    "sleep": diary.log_sleep,
    "exercise": diary.log_exercise,
    "stress": diary.log_stress,
    "mood": diary.log_mood,
    "symptoms": diary.log_symptoms,
}


def shown_weeks(request: Request) -> int:
    """The weeks of entries asked for (`?weeks=N`, default `SHOWN_WEEKS`); `InputError` naming
    the value and what is allowed."""
    raw = request.query_params.get("weeks")
    if raw is None:
        return SHOWN_WEEKS
    if not raw.isdigit() or not 1 <= int(raw) <= MOST_WEEKS:
        raise InputError.single("weeks", raw, f"a whole number of weeks from 1 to {MOST_WEEKS}")
    return int(raw)


def _page(request: Request, ctx: Any, status_code: int = 200, **extra: Any) -> HTMLResponse:
    weeks = shown_weeks(request)
    if "errors" not in extra and "values" not in extra:  # nothing typed to show again
        extra["forms_html"] = kept_fragment(
            request,
            "partials/diary_forms.html",
            extra.get("open_form"),
            open_form=extra.get("open_form"),
            region_ids=diary.BODY_REGIONS,
            pain_types=diary.PAIN_TYPES,
            selected=set(),
        )
    return render(
        request,
        "pages/diary.html",
        status_code=status_code,
        title="Diary",
        days=diary.recent_days(ctx, LISTED_KINDS, 7 * weeks),
        region_ids=diary.BODY_REGIONS,
        pain_types=diary.PAIN_TYPES,
        selected=set(extra.get("values", {}).get("regions", []) or []),
        weeks=weeks,
        most_weeks=MOST_WEEKS,
        **extra,
    )


@router.get("/diary", response_class=HTMLResponse)
def diary_page(request: Request, ctx: ContextDep) -> HTMLResponse:
    """The diary: add forms first, then the last week of entries (`?weeks=N` for more), newest
    first."""
    saved = request.query_params.get("saved")
    deleted = request.query_params.get("deleted")
    return _page(
        request,
        ctx,
        saved=saved,
        deleted=deleted,
        open_form=request.query_params.get("add", "pain"),
    )


@router.post("/diary/undo")
def undo(ctx: ContextDep) -> Response:
    """Undo the last change: a deleted entry comes back, an edited one returns to how it was."""
    diary.undo_last_change(ctx)
    return RedirectResponse("/diary?undone=1", status_code=303)


@router.post("/diary/{kind}", response_class=HTMLResponse)
async def add_entry(request: Request, kind: str, ctx: ContextDep) -> Response:
    """Save one entry of `kind`; back to the diary, or the form again with its problems."""
    if kind not in _LOG:
        raise InputError.single("kind", kind, f"one of {', '.join(DIARY_KINDS)}")
    raw = await request.form()
    try:
        entry = _LOG[kind](ctx, _read(kind, FormReader(raw)))
    except InputError as exc:
        values = values_of(raw)
        values["regions"] = raw.getlist("regions")
        values["descriptors"] = raw.getlist("descriptors")
        prefix = "" if kind == "pain" else f"{kind}-"
        return _page(
            request,
            ctx,
            422,
            errors=problems_of(exc),
            values=values,
            open_form=kind,
            error_prefix=prefix,
        )
    back = request.query_params.get("next") == "today"
    target = "/?saved=" if back else "/diary?saved="
    return RedirectResponse(target + entry.uid, status_code=303)


@router.get("/diary/{entry_id}/edit", response_class=HTMLResponse)
def edit_form(request: Request, entry_id: str, ctx: ContextDep) -> HTMLResponse:
    """The form to change one entry, filled with what is stored."""
    entry = diary.get_entry(ctx, entry_id)
    values = entry.model_dump(mode="json")
    values["at"] = entry.at.strftime("%Y-%m-%dT%H:%M")
    return _edit_page(request, entry, values)


def _edit_page(
    request: Request,
    entry: Any,
    values: dict[str, Any],
    status_code: int = 200,
    errors: list[Any] | None = None,
) -> HTMLResponse:
    return render(
        request,
        "pages/diary_edit.html",
        status_code=status_code,
        title="Change an entry",
        entry=entry,
        values={k: ("" if v is None else v) for k, v in values.items()},
        errors=errors or [],
        region_ids=diary.BODY_REGIONS,
        pain_types=diary.PAIN_TYPES,
        selected=set(values.get("regions") or []),
    )


#: The fields each kind's edit form may change.
_EDITABLE = {
    "pain": ("nrs", "regions", "pain_type", "descriptors", "note", "at"),
    "sleep": ("hours", "quality", "note", "at"),
    "exercise": ("minutes", "activity", "note", "at"),
    "stress": ("level", "note", "at"),
    "mood": ("level", "note", "at"),
    "symptoms": ("symptoms", "note", "at"),
}


@router.post("/diary/{entry_id}/edit", response_class=HTMLResponse)
async def edit_entry(request: Request, entry_id: str, ctx: ContextDep) -> Response:
    """Save the changes to one entry (validated as a new entry would be)."""
    entry = diary.get_entry(ctx, entry_id)
    kind = entry.kind  # type: ignore[attr-defined]
    raw = await request.form()
    try:
        parsed = _read(kind, FormReader(raw))
        fields = {
            name: getattr(parsed, name)
            for name in _EDITABLE.get(kind, ("note", "at"))
            if hasattr(parsed, name)
        }
        fields = {k: (list(v) if isinstance(v, tuple | list) else v) for k, v in fields.items()}
        if fields.get("at") is None:
            fields.pop("at", None)
        diary.edit_entry(ctx, entry.uid, diary.EntryChanges(fields))
    except InputError as exc:
        values = values_of(raw)
        values["regions"] = raw.getlist("regions")
        values["descriptors"] = raw.getlist("descriptors")
        return _edit_page(request, entry, values, 422, problems_of(exc))
    return RedirectResponse(f"/diary?saved={entry.uid}&edited=1", status_code=303)


@router.post("/diary/{entry_id}/delete")
def delete_entry(entry_id: str, ctx: ContextDep) -> Response:
    """Delete one entry; the diary then offers to undo it."""
    deleted = diary.delete_entry(ctx, entry_id)
    return RedirectResponse(f"/diary?deleted={deleted.uid}", status_code=303)


@router.post("/diary/{entry_id}/comment", response_class=HTMLResponse)
async def comment(request: Request, entry_id: str, ctx: ContextDep) -> Response:
    """Add a note to an existing entry."""
    form = FormReader(await request.form())
    text = form.required("comment", "the text of your note")
    form.check()
    assert text is not None
    uid, _ = diary.add_comment(ctx, entry_id, text)
    return RedirectResponse(f"/diary?saved={uid}", status_code=303)
