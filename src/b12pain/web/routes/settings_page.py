"""Settings: where the data lives, units and targets, export, import, backup, and delete
everything (with a confirmation step)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from b12pain.errors import InputError, Problem
from b12pain.service import intake, transfer
from b12pain.web.deps import ContextDep, SettingsDep
from b12pain.web.errors import problems_of
from b12pain.web.forms import FormReader
from b12pain.web.templating import render

router = APIRouter(tags=["pages"], include_in_schema=False)

#: Largest journal file the import form accepts.
MAX_IMPORT_BYTES = 64_000_000
#: What a person types to confirm deleting everything.
CONFIRM_WORD = "delete"


def data_folder(settings: Any) -> Path:
    """The folder holding the journal, food database and backups."""
    if settings.data_dir is not None:
        return Path(settings.data_dir)
    from b12pain.paths import data_dir

    return data_dir()


def _page(request: Request, ctx: Any, settings: Any, status_code: int = 200, **extra: Any) -> HTMLResponse:
    context: dict[str, Any] = {
        "title": "Settings",
        "folder": data_folder(settings),
        "journal": ctx.store.url,
        "target": intake.intake_target(ctx),
        "message": None,
    }
    context.update(extra)
    return render(request, "pages/settings.html", status_code=status_code, **context)


@router.get("/settings", response_class=HTMLResponse)
def settings_page(request: Request, ctx: ContextDep, settings: SettingsDep) -> HTMLResponse:
    """Where the data is, and what can be done with it."""
    return _page(request, ctx, settings)


@router.get("/settings/export")
def export(ctx: ContextDep) -> Response:
    """Download everything as one JSON file (the same format `b12pain export` writes)."""
    document = transfer.export_journal(ctx)
    body = json.dumps(document, ensure_ascii=False, indent=1, default=str)
    name = f"b12pain-export-{ctx.today.isoformat()}.json"
    return Response(body, media_type="application/json",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.post("/settings/import", response_class=HTMLResponse)
async def import_file(request: Request, ctx: ContextDep, settings: SettingsDep) -> Response:
    """Import an export file: all entries or none, checked as strictly as the commands."""
    form = await request.form()
    upload = form.get("file")
    try:
        if upload is None or isinstance(upload, str) or not upload.filename:
            raise InputError.single("file", None, "required; choose a b12pain export file (.json)")
        data = await upload.read(MAX_IMPORT_BYTES + 1)
        if len(data) > MAX_IMPORT_BYTES:
            raise InputError.single("file", upload.filename, f"at most {MAX_IMPORT_BYTES // 1_000_000} MB")
        from b12pain.userfiles import parse_json

        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise InputError.single("file", upload.filename, "a b12pain export file (UTF-8 JSON)") from None
        document = parse_json(text, "file", max_items=2_000_000)
        count = transfer.import_document(ctx, document)
    except InputError as exc:
        # Problems inside the file name their place in it; the form has one field: the file.
        problems = [p if p.field == "file" else Problem("file", p.value, f"{p.field}: {p.message}")
                    for p in problems_of(exc)]
        return _page(request, ctx, settings, int(getattr(exc, "status_code", 422)), errors=problems)
    return _page(request, ctx, settings, message=f"Imported {count} entries.")


@router.post("/settings/backup", response_class=HTMLResponse)
def make_backup(request: Request, ctx: ContextDep, settings: SettingsDep) -> HTMLResponse:
    """A dated private copy of the journal in the data folder's backups."""
    folder = data_folder(settings)
    path = transfer.backup_journal(ctx, folder / "backups", folder)
    return _page(request, ctx, settings, message=f"Backup saved: {path}")


@router.get("/settings/delete", response_class=HTMLResponse)
def confirm_delete(request: Request, ctx: ContextDep, settings: SettingsDep) -> HTMLResponse:
    """The confirmation step before deleting everything."""
    return render(request, "pages/settings_delete.html", title="Delete everything",
                  folder=data_folder(settings), confirm_word=CONFIRM_WORD)


@router.post("/settings/delete", response_class=HTMLResponse)
async def delete_all(request: Request, ctx: ContextDep, settings: SettingsDep) -> HTMLResponse:
    """Delete every entry and the backups b12pain made, once confirmed."""
    form = FormReader(await request.form())
    typed = (form.text("confirm") or "").lower()
    if typed != CONFIRM_WORD:
        problem = Problem("confirm", typed or None, f'type "{CONFIRM_WORD}" to confirm')
        return render(request, "pages/settings_delete.html", status_code=422, title="Delete everything",
                      folder=data_folder(settings), confirm_word=CONFIRM_WORD, errors=[problem])
    deleted = transfer.delete_everything(ctx, data_folder(settings))
    return _page(request, ctx, settings, deleted=deleted,
                 message=f"Deleted {deleted.entries} entries and {len(deleted.copies)} backups.")
