"""Settings: where the data lives, units and targets (the person's preferences), export,
import (a b12pain export or a FHIR Bundle / NDJSON, all or nothing), backup, and delete
everything (with a confirmation step). The preferences are also under the JSON API:
`GET`/`PUT /api/v1/preferences`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Body, Request
from fastapi.responses import HTMLResponse, Response

from b12pain.errors import InputError, Problem
from b12pain.service import fhir, intake, preferences, transfer
from b12pain.web.deps import ContextDep, SettingsDep
from b12pain.web.errors import problems_of
from b12pain.web.forms import FormReader, values_of
from b12pain.web.templating import render

router = APIRouter(tags=["pages"])
#: The JSON API of the preferences (in the OpenAPI document, beside the rest of /api/v1).
api = APIRouter(prefix="/api/v1", tags=["api"])

#: Largest journal file the import form accepts.
MAX_IMPORT_BYTES = 64_000_000
#: What a person types to confirm deleting everything.
CONFIRM_WORD = "delete"
#: The preference fields of the Settings form (the service checks their values).
PREFERENCE_FIELDS = ("b12_unit", "intake_region", "intake_life_stage")
#: Words for each choice of the preferences form.
REGION_WORDS = {
    "us": "United States (NIH Office of Dietary Supplements: RDA / AI)",
    "eu": "Europe (EFSA: adequate intake)",
}
LIFE_STAGE_WORDS = {
    "from_profile": "As in my self-check answers",
    "pregnancy": "Pregnant",
    "breastfeeding": "Breastfeeding",
    "neither": "Neither pregnant nor breastfeeding",
}


def data_folder(settings: Any) -> Path:
    """The folder holding the journal, food database and backups."""
    if settings.data_dir is not None:
        return Path(settings.data_dir)
    from b12pain.paths import data_dir

    return data_dir()


def _page(
    request: Request, ctx: Any, settings: Any, status_code: int = 200, **extra: Any
) -> HTMLResponse:
    chosen = preferences.get_preferences(ctx)
    context: dict[str, Any] = {
        "title": "Settings",
        "server": settings.mode == "server",  # the server's folder and database are not shown
        "folder": None if settings.mode == "server" else data_folder(settings),
        "journal": None if settings.mode == "server" else ctx.store.url,
        "target": intake.intake_target(ctx),
        "preferences": chosen,
        "values": {k: v or "" for k, v in chosen.model_dump().items()},
        "b12_units": [("", "Ask each time"), *((u, u) for u in preferences.B12_UNITS)],
        "regions": list(REGION_WORDS.items()),
        "life_stages": list(LIFE_STAGE_WORDS.items()),
        "message": None,
    }
    context.update(extra)
    return render(request, "pages/settings.html", status_code=status_code, **context)


@router.get("/settings", response_class=HTMLResponse, include_in_schema=False)
def settings_page(request: Request, ctx: ContextDep, settings: SettingsDep) -> HTMLResponse:
    """Where the data is, and what can be done with it."""
    return _page(request, ctx, settings)


@router.post("/settings/preferences", response_class=HTMLResponse, include_in_schema=False)
async def save_preferences(
    request: Request, ctx: ContextDep, settings: SettingsDep
) -> HTMLResponse:
    """Save the units and target choices (every field checked first; nothing saved if one is
    refused)."""
    raw = await request.form()
    form = FormReader(raw)
    chosen = {name: form.text(name) for name in PREFERENCE_FIELDS}
    try:
        form.check()
        preferences.save_preferences(ctx, chosen)
    except InputError as exc:
        return _page(
            request,
            ctx,
            settings,
            422,
            errors=problems_of(exc),
            values=values_of(raw, PREFERENCE_FIELDS),
        )
    return _page(request, ctx, settings, message="Preferences saved.")


@router.get("/settings/export", include_in_schema=False)
def export(ctx: ContextDep) -> Response:
    """Download everything as one JSON file (the same format `b12pain export` writes)."""
    document = transfer.export_journal(ctx)
    body = json.dumps(document, ensure_ascii=False, indent=1, default=str)
    name = f"b12pain-export-{ctx.today.isoformat()}.json"
    return Response(
        body,
        media_type="application/json",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.post("/settings/import", response_class=HTMLResponse, include_in_schema=False)
async def import_file(request: Request, ctx: ContextDep, settings: SettingsDep) -> Response:
    """Import a b12pain export file, or a FHIR R4 Bundle or Bulk NDJSON file: all entries or
    none, checked as strictly as the commands."""
    form = await request.form()
    upload = form.get("file")
    try:
        if upload is None or isinstance(upload, str) or not upload.filename:
            raise InputError.single(
                "file",
                None,
                "required; choose a b12pain export file or a FHIR file (.json, .ndjson)",
            )
        data = await upload.read(MAX_IMPORT_BYTES + 1)
        if len(data) > MAX_IMPORT_BYTES:
            raise InputError.single(
                "file", upload.filename, f"at most {MAX_IMPORT_BYTES // 1_000_000} MB"
            )
        from b12pain.userfiles import parse_json

        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise InputError.single(
                "file", upload.filename, "a b12pain export or FHIR file (UTF-8 JSON)"
            ) from None
        try:
            document: Any = parse_json(text, "file", max_items=2_000_000)
        except InputError:
            if '"resourceType"' not in text:
                raise
            document = None  # Bulk NDJSON: one FHIR resource a line
        if document is None or (isinstance(document, dict) and "resourceType" in document):
            lines = list(fhir.summary_lines(fhir.import_fhir(ctx, text)))
            return _page(request, ctx, settings, message=" ".join(lines))
        count = transfer.import_document(ctx, document, comments_as_me=settings.mode == "server")
    except InputError as exc:
        # Problems inside the file name their place in it; the form has one field: the file.
        problems = [
            p if p.field == "file" else Problem("file", p.value, f"{p.field}: {p.message}")
            for p in problems_of(exc)
        ]
        return _page(request, ctx, settings, int(getattr(exc, "status_code", 422)), errors=problems)
    return _page(request, ctx, settings, message=f"Imported {count} entries.")


@router.post("/settings/backup", response_class=HTMLResponse, include_in_schema=False)
def make_backup(request: Request, ctx: ContextDep, settings: SettingsDep) -> HTMLResponse:
    """A dated private copy of the journal in the data folder's backups."""
    if settings.mode == "server":  # a copy on the server's disk would be nobody's to manage
        from b12pain.errors import ConflictError

        raise ConflictError.single(
            "backup",
            None,
            "on a clinic server its operator backs up the database; use "
            "Export to download your own copy",
        )
    folder = data_folder(settings)
    path = transfer.backup_journal(ctx, folder / "backups", folder)
    return _page(request, ctx, settings, message=f"Backup saved: {path}")


@router.get("/settings/delete", response_class=HTMLResponse, include_in_schema=False)
def confirm_delete(request: Request, ctx: ContextDep, settings: SettingsDep) -> HTMLResponse:
    """The confirmation step before deleting everything."""
    return render(
        request,
        "pages/settings_delete.html",
        title="Delete everything",
        folder=None if settings.mode == "server" else data_folder(settings),
        confirm_word=CONFIRM_WORD,
    )


@router.post("/settings/delete", response_class=HTMLResponse, include_in_schema=False)
async def delete_all(request: Request, ctx: ContextDep, settings: SettingsDep) -> HTMLResponse:
    """Delete every entry and the backups b12pain made, once confirmed."""
    form = FormReader(await request.form())
    typed = (form.text("confirm") or "").lower()
    if typed != CONFIRM_WORD:
        problem = Problem("confirm", typed or None, f'type "{CONFIRM_WORD}" to confirm')
        return render(
            request,
            "pages/settings_delete.html",
            status_code=422,
            title="Delete everything",
            folder=None if settings.mode == "server" else data_folder(settings),
            confirm_word=CONFIRM_WORD,
            errors=[problem],
        )
    if settings.mode == "server":  # only this person's rows: the server's folder is everyone's
        from fastapi.responses import RedirectResponse

        from b12pain.service.erasure import erase_person

        erase_person(ctx.store, ctx.owner)  # their sessions end too: back to the sign-in page
        return RedirectResponse("/login", status_code=303)  # type: ignore[return-value]
    deleted = transfer.delete_everything(ctx, data_folder(settings))
    return _page(
        request,
        ctx,
        settings,
        deleted=deleted,
        message=f"Deleted {deleted.entries} entries and {len(deleted.copies)} backups.",
    )


@api.get("/preferences", summary="The person's preferences: B12 unit, intake region and life stage")
def get_preferences(ctx: ContextDep) -> preferences.Preferences:
    return preferences.get_preferences(ctx)


@api.put(
    "/preferences",
    summary="Replace the preferences (fields left out take their defaults)",
    responses={
        422: {"description": "Bad input: the list of problems (field, value, what is allowed)"}
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": preferences.Preferences.model_json_schema()}
            },
        }
    },
)
def put_preferences(ctx: ContextDep, values: dict[str, Any] = Body()) -> preferences.Preferences:
    return preferences.save_preferences(ctx, values)


router.include_router(api)
