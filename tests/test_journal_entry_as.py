"""Records are narrowed to their kind by an explicit check, never by `assert` (review, issue 18)."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import pytest

import b12pain
from b12pain.journal.records import LabEntry, PainEntry, entry_as
from b12pain.journal.store import make_record

AT = dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.UTC)


def test_entry_as_returns_the_record_of_its_kind() -> None:
    record = make_record("pain", at=AT, nrs=4)
    assert entry_as(record, PainEntry) is record


def test_entry_as_refuses_another_kind_even_under_python_o() -> None:
    record = make_record("pain", at=AT, nrs=4)
    with pytest.raises(TypeError, match="expected a LabEntry record, got PainEntry"):
        entry_as(record, LabEntry)


def test_no_assert_isinstance_in_service_or_journal() -> None:
    root = Path(b12pain.__file__).parent
    found = [
        f"{path.relative_to(root)}:{node.lineno}"
        for folder in ("service", "journal")
        for path in sorted((root / folder).rglob("*.py"))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Assert)
        and isinstance(node.test, ast.Call)
        and getattr(node.test.func, "id", None) == "isinstance"
    ]
    assert found == []
