"""The personal journal: durable storage of everything a person tracks (SQLite or PostgreSQL).

`Journal.open()` creates or migrates the store; `make_record(kind, ...)` validates a record;
`journal.add(record, owner=...)` writes it in one transaction (every row has an owner); `export_file` / `import_file` move a whole
journal as JSON; `read_series(journal)` feeds the pure `insights` functions. The journal stores
and reads; rules (which dose fits a regimen, when a dose is due) live in `clinical`, `insights`
and the use cases of `b12pain.service`.
"""

from __future__ import annotations

from b12pain.journal.assessments import save_assessment, save_instrument_result, save_profile
from b12pain.journal.records import (
    BODY_REGIONS,
    KINDS,
    Comment,
    DoseEvent,
    Entry,
    FoodEntry,
    LabEntry,
    PainEntry,
    PlanEntry,
    ProfileEntry,
)
from b12pain.journal.series import due_today, read_series
from b12pain.journal.store import Journal, make_record, parse_record
from b12pain.journal.transfer import SCHEMA, backup, export_document, export_file, import_file

__all__ = [
    "BODY_REGIONS",
    "KINDS",
    "SCHEMA",
    "Comment",
    "DoseEvent",
    "Entry",
    "FoodEntry",
    "Journal",
    "LabEntry",
    "PainEntry",
    "PlanEntry",
    "ProfileEntry",
    "backup",
    "due_today",
    "export_document",
    "export_file",
    "import_file",
    "make_record",
    "parse_record",
    "read_series",
    "save_assessment",
    "save_instrument_result",
    "save_profile",
]
