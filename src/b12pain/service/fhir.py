"""FHIR R4 and CDS Hooks use cases: export a Bundle, import one (all or nothing), answer a hook.

- `export_bundle(ctx, start, end)`: the owner's journal as FHIR Bundle JSON (`interop.export`).
- `import_fhir(ctx, path_or_text)`: a Bundle or Bulk NDJSON of Observations, MedicationStatements,
  Conditions (and b12pain's own QuestionnaireResponses) into the journal. Codes or units b12pain
  does not know are refused with the resource id, the path and the allowed values; nothing is
  written unless everything is readable, and then in one transaction.
- `cds_patient_view(kb, body, today)`: a CDS Hooks call → cards (`interop.cds`).
- `FeedbackLog`: CDS Hooks feedback, appended to a private file and listed for the admin.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from b12pain.clinical.parse import check_dates, parse_profile
from b12pain.clinical.profile import Profile
from b12pain.days import check_day
from b12pain.interop import cds
from b12pain.interop.export import ID_NAMESPACE, JournalContent
from b12pain.interop.export import export_bundle as build_bundle
from b12pain.interop.reading import FhirFacts, FhirReader, resources_from_text
from b12pain.journal.records import Entry
from b12pain.journal.store import make_record
from b12pain.knowledge import KnowledgeBase
from b12pain.service.context import Context
from b12pain.service.errors import InputError, Problem
from b12pain.service.labs import RESULT_TIME
from b12pain.service.when import day_bounds
from b12pain.userfiles import read_user_text

#: Record kinds a FHIR export carries (the profile is read separately).
EXPORTED_KINDS = ("lab", "pain", "instrument", "plan", "dose")
_HEX_ID = re.compile(r"^[0-9a-f]{32}$")
#: Largest FHIR file read (a clinic's export for one person is far smaller).
MAX_IMPORT_BYTES = 50 * 1024 * 1024


def export_bundle(ctx: Context, start: dt.date | None = None, end: dt.date | None = None) -> str:
    """The owner's journal (records dated `start`..`end` inclusive) as FHIR R4 Bundle JSON."""
    for name, day in (("from", start), ("to", end)):
        if day is not None:
            try:
                check_day(day)
            except ValueError as exc:
                raise InputError.single(name, day.isoformat(), str(exc)) from None
    lower, upper = day_bounds(start, end, ctx.now.tzinfo)
    records = ctx.store.entries(EXPORTED_KINDS, lower, upper, owner=ctx.owner)
    profile = ctx.store.current_profile(owner=ctx.owner)
    bundle = build_bundle(JournalContent(records, profile), ctx.kb, ctx.today, ctx.now)
    return bundle.model_dump_json(exclude_none=True, indent=2)


@dataclass(frozen=True)
class ImportSummary:
    """What an import wrote (by kind), what it merged into the profile, and what it skipped."""

    written: dict[str, int]
    profile_updated: bool
    skipped: dict[str, int] = field(default_factory=dict)


def _is_folder(path: Path) -> bool:
    """Whether `path` is a folder; `InputError` on `file` when it cannot even be looked at (a
    name too long, a folder without permission)."""
    try:
        return path.is_dir()
    except OSError as exc:
        raise InputError.single("file", str(path), f"cannot be read ({exc.strerror})") from None


def read_fhir_text(path_or_text: str | Path) -> str:
    """The text of a FHIR file (a `Path`, or a string that is either a path or the JSON itself).

    Read through `userfiles.read_user_text`: regular files only (a named pipe or a device is
    refused, never waited on), at most 50 MB, UTF-8.
    """
    if isinstance(path_or_text, str) and path_or_text.lstrip()[:1] in ("{", "["):
        return path_or_text
    path = Path(path_or_text)
    if _is_folder(path):
        raise InputError.single(
            "file", str(path), "a folder; give a .json or .ndjson file or a Bulk export folder"
        )
    return read_user_text(path, "file", max_bytes=MAX_IMPORT_BYTES)


def fhir_items(path_or_text: str | Path) -> list[tuple[str, Any]]:
    """`(where, resource JSON)` from a Bundle or NDJSON file, the JSON text itself, or a Bulk
    Data export folder (every `*.ndjson` in it); `InputError` naming the file if unreadable."""
    if not isinstance(path_or_text, str) or path_or_text.lstrip()[:1] not in ("{", "["):
        folder = Path(path_or_text)
        if _is_folder(folder):
            files = sorted(folder.glob("*.ndjson"))
            if not files:
                raise InputError.single(
                    "file", str(folder), "a folder without .ndjson files; give a Bundle or NDJSON"
                )
            return [
                (f"{path.name} {where}", data)
                for path in files
                for where, data in _items_of(read_fhir_text(path), str(path))
            ]
    text = read_fhir_text(path_or_text)
    return _items_of(text, None if text is path_or_text else str(path_or_text))


def _items_of(text: str, shown: str | None) -> list[tuple[str, Any]]:
    try:
        return list(resources_from_text(text))
    except InputError:
        raise  # already names the file and what is wrong (userfiles)
    except ValueError as exc:
        raise InputError.single("file", shown, str(exc)) from None


def import_fhir(ctx: Context, path_or_text: str | Path) -> ImportSummary:
    """Import a FHIR Bundle, Bulk NDJSON (a file or an export folder) into the owner's
    journal: all of it, or nothing."""
    items = fhir_items(path_or_text)
    facts = FhirReader(ctx.kb, strict=True).read_all(items)
    if facts.problems:
        raise InputError(facts.problems)
    records = _records(facts, ctx)
    profile = _merged_profile(facts, ctx)
    if profile is not None:
        records.append(make_record("profile", at=ctx.now, profile=profile))
    ctx.store.add_many(records, owner=ctx.owner)
    written: dict[str, int] = {}
    for record in records:
        kind = str(getattr(record, "kind", "?"))
        written[kind] = written.get(kind, 0) + 1
    return ImportSummary(written, profile is not None, dict(facts.skipped))


def _uid(resource_label: str) -> str:
    """The record uid for a resource: its own id when it is a b12pain uid, else a stable uuid5."""
    resource_id = resource_label.split("/", 1)[1] if "/" in resource_label else resource_label
    if _HEX_ID.match(resource_id):
        return resource_id
    return uuid.uuid5(ID_NAMESPACE, f"import/{resource_label}").hex


def _at(value: dt.datetime | dt.date | None, ctx: Context) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value if value.utcoffset() is not None else value.replace(tzinfo=ctx.now.tzinfo)
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time(), ctx.now.tzinfo)
    return ctx.now


def _result_time(taken_on: dt.date | None, ctx: Context) -> dt.datetime:
    """When a dated result is filed: as `service.labs.add_lab` files it (noon of a past day)."""
    if taken_on is not None and taken_on < ctx.today:
        return dt.datetime.combine(taken_on, RESULT_TIME, ctx.now.tzinfo)
    return _at(taken_on, ctx) if taken_on is not None and taken_on > ctx.today else ctx.now


def _records(facts: FhirFacts, ctx: Context) -> list[Entry]:
    problems: list[Problem] = []
    records: list[Entry] = []

    def checked(label: str, path: str, at: dt.datetime) -> bool:
        if at > ctx.now + dt.timedelta(minutes=5):
            problems.append(Problem(f"{label} {path}", at.isoformat(), f"on or before {ctx.today}"))
            return False
        return True

    def build(label: str, kind: str, **fields: Any) -> None:
        try:
            records.append(make_record(kind, uid=_uid(label), **fields))
        except InputError as exc:
            problems.extend(Problem(f"{label} {p.field}", p.value, p.message) for p in exc.problems)

    for lab in facts.labs:
        at = lab.at or _result_time(lab.taken_on, ctx)
        if checked(lab.source, "effectiveDateTime", at):
            build(
                lab.source, "lab", at=at, test=lab.test, value=lab.value, unit=lab.unit,
                taken_on=lab.taken_on, reference_range=lab.reference_text, note=lab.note,
            )  # fmt: skip
    for pain in facts.pains:
        at = _at(pain.at, ctx)
        if checked(pain.source, "effectiveDateTime", at):
            build(pain.source, "pain", at=at, nrs=pain.nrs, note=pain.note)
    for response in facts.questionnaires:
        at = _at(response.authored, ctx)
        score, category = facts.scores.get(response.resource_id.replace("-", ""), (None, None))
        if checked(response.source, "authored", at):
            build(
                response.source, "instrument", at=at, instrument=response.instrument,
                answers=response.answers, score=score, category=category,
            )  # fmt: skip
    if problems:
        raise InputError(problems)
    return records


def _merged_profile(facts: FhirFacts, ctx: Context) -> dict[str, Any] | None:
    """The current profile with the imported medicines, conditions and symptoms added."""
    if not (
        facts.medications
        or facts.conditions
        or facts.symptoms
        or facts.birth_date
        or facts.b12_treatment
    ):
        return None
    current = ctx.store.current_profile(owner=ctx.owner)
    data: dict[str, Any] = dict(current.profile) if current is not None else {}
    if "age" not in data:
        if facts.birth_date is None:
            raise InputError.single(
                "Patient.birthDate",
                None,
                "needed to start a profile (age) from imported medicines or conditions; "
                "include the Patient, or save a profile first",
            )
        data["age"] = cds.age_on(facts.birth_date, ctx.today)
    if facts.sex and data.get("sex", "unspecified") == "unspecified":
        data["sex"] = facts.sex
    medications = [dict(m) for m in data.get("medications", [])]
    names = {m.get("name") for m in medications}
    for medication in facts.medications:
        if medication.name not in names:
            medications.append(medication.model_dump(mode="json", exclude_none=True))
    data["medications"] = medications
    if facts.b12_treatment is not None and "b12_treatment" not in data:
        data["b12_treatment"] = facts.b12_treatment
    for key, imported in (("conditions", facts.conditions), ("symptoms", facts.symptoms)):
        data[key] = list(dict.fromkeys([*data.get(key, []), *imported]))
    merged: Profile = parse_profile(data)  # refuses anything the profile contract refuses
    check_dates(merged, ctx.today)  # e.g. a medicine "since" a day after today
    result = merged.model_dump(mode="json", exclude_defaults=True)
    if current is not None and result == Profile.model_validate(current.profile).model_dump(
        mode="json", exclude_defaults=True
    ):
        return None
    return result


# --- CDS Hooks ---------------------------------------------------------------------------------


def cds_discovery(kb: KnowledgeBase) -> dict[str, Any]:
    """The CDS Hooks discovery document as JSON."""
    return cds.discovery(kb).model_dump(mode="json", exclude_none=True)


def cds_patient_view(
    kb: KnowledgeBase, request: Any, today: dt.date, app_url: str | None = None
) -> dict[str, Any]:
    """A `patient-view` call → `{"cards": [...]}`; `cds.CdsError` (400/412) when it cannot."""
    view = cds.patient_view(request, kb, today)
    return cds.respond(view, kb, app_url).model_dump(mode="json", exclude_none=True)


@dataclass(frozen=True)
class FeedbackRecord:
    """One feedback item as recorded: when it arrived, which service, and the item itself."""

    received_at: str
    service: str
    feedback: dict[str, Any]


class FeedbackLog:
    """CDS Hooks feedback kept in one JSON Lines file, private to the server (0600 in 0700)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def record(self, body: Any, received_at: dt.datetime, service: str = cds.SERVICE_ID) -> int:
        """Validate a feedback body (`cds.CdsError` 400 if malformed) and append each item."""
        parsed = cds.parse_feedback(body)
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        lines = [
            json.dumps(
                {
                    "received_at": received_at.isoformat(),
                    "service": service,
                    "feedback": item.model_dump(mode="json", exclude_none=True),
                },
                sort_keys=True,
            )
            for item in parsed.feedback
        ]
        descriptor = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(descriptor, "a", encoding="utf-8") as handle:
            handle.write("".join(line + "\n" for line in lines))
        return len(lines)

    def list(self) -> list[FeedbackRecord]:
        """Every recorded feedback item, oldest first."""
        if not self.path.exists():
            return []
        out = []
        for line in self.path.read_text(encoding="utf-8", errors="replace").splitlines():
            try:
                data = json.loads(line)
                out.append(FeedbackRecord(data["received_at"], data["service"], data["feedback"]))
            except (json.JSONDecodeError, KeyError, TypeError):
                continue  # a line cut short (disk full, a crash mid-write) is not a record
        return out


def feedback_log(data_dir: Path) -> FeedbackLog:
    """The feedback log of a server whose data lives in `data_dir`."""
    return FeedbackLog(data_dir / "cds-feedback.jsonl")


#: How an import summary names each kind of record (one, several).
_RECORD_WORDS = {
    "lab": ("blood-test result", "blood-test results"),
    "pain": ("pain rating", "pain ratings"),
    "instrument": ("questionnaire", "questionnaires"),
}


def _counted(count: int, one: str, several: str) -> str:
    return f"{count} {one if count == 1 else several}"


def summary_lines(summary: ImportSummary) -> Iterable[str]:
    """Plain lines describing an import (for the CLI and the web page)."""
    if not summary.written:
        yield "Nothing new to import: the journal already holds all of it."
    for kind, count in sorted(summary.written.items()):
        if kind in _RECORD_WORDS:
            yield f"Imported {_counted(count, *_RECORD_WORDS[kind])}."
    if summary.profile_updated:
        yield "Profile updated with the imported medicines, conditions and details."
    for kind, count in sorted(summary.skipped.items()):
        yield (
            f"Not imported: {_counted(count, kind + ' resource', kind + ' resources')} "
            "(plans and doses are recorded in b12pain itself)."
        )
