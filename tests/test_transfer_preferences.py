"""Preferences travel with the journal export: `export_journal` and `export_to_file` carry them
(only when some were saved, so exports without preferences keep their old shape), `import`
restores them, an older export without the key leaves the preferences as they are, and a bad
value in the file is refused naming `preferences.FIELD` with nothing imported."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from b12pain.errors import InputError
from b12pain.journal import Journal
from b12pain.service import diary, preferences, transfer
from b12pain.service.context import Context
from servicekit import context

CHOSEN = {"b12_unit": "pmol/L", "intake_region": "eu", "intake_life_stage": "neither"}


@pytest.fixture
def ctx(tmp_path: Path) -> Iterator[Context]:
    with Journal.open(f"sqlite:///{tmp_path / 'journal.sqlite'}") as store:
        yield context(store)


def test_an_export_without_saved_preferences_keeps_its_old_shape(ctx: Context) -> None:
    diary.log_pain(ctx, diary.PainInput(4))
    assert set(transfer.export_journal(ctx)) == {"schema", "entries"}


def test_preferences_round_trip_through_an_export_file(ctx: Context, tmp_path: Path) -> None:
    diary.log_pain(ctx, diary.PainInput(4))
    preferences.save_preferences(ctx, CHOSEN)
    document = transfer.export_journal(ctx)
    assert document["preferences"] == CHOSEN
    path = tmp_path / "export.json"
    assert transfer.export_to_file(ctx, path) == 1
    assert json.loads(path.read_text(encoding="utf-8"))["preferences"] == CHOSEN
    assert path.stat().st_mode & 0o777 == 0o600
    transfer.delete_everything(ctx)
    assert preferences.get_preferences(ctx) == preferences.Preferences()
    assert transfer.import_journal(ctx, path) == 1
    assert preferences.get_preferences(ctx).model_dump() == CHOSEN
    assert transfer.export_journal(ctx) == document


def test_an_old_export_without_preferences_imports_and_leaves_them_alone(ctx: Context) -> None:
    diary.log_pain(ctx, diary.PainInput(4))
    old = transfer.export_journal(ctx)  # the shape every export had before preferences
    transfer.delete_everything(ctx)
    preferences.save_preferences(ctx, CHOSEN)
    assert transfer.import_document(ctx, old) == 1
    assert preferences.get_preferences(ctx).model_dump() == CHOSEN
    transfer.delete_everything(ctx)
    assert transfer.import_document(ctx, {**old, "preferences": None}) == 1
    assert preferences.get_preferences(ctx) == preferences.Preferences()


@pytest.mark.parametrize(
    ("carried", "field", "value"),
    [
        ({"b12_unit": "mmol/L"}, "preferences.b12_unit", "mmol/L"),
        ({"intake_region": "mars"}, "preferences.intake_region", "mars"),
        ({"colour": "blue"}, "preferences.colour", "blue"),
        ("pmol/L", "preferences", "pmol/L"),
        ([1, 2], "preferences", None),
    ],
)
def test_bad_preferences_in_a_file_are_refused_and_nothing_is_imported(
    ctx: Context, carried: object, field: str, value: object
) -> None:
    diary.log_pain(ctx, diary.PainInput(4))
    document = transfer.export_journal(ctx)
    transfer.delete_everything(ctx)
    with pytest.raises(InputError) as refused:
        transfer.import_document(ctx, {**document, "preferences": carried})
    (problem,) = refused.value.problems
    assert (problem.field, problem.value) == (field, value)
    assert problem.message  # what is allowed
    assert transfer.export_journal(ctx)["entries"] == []
    assert preferences.get_preferences(ctx) == preferences.Preferences()


def test_entries_and_preferences_are_imported_in_one_transaction(
    ctx: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If writing the preferences fails (the disk fills up, the server goes away), the entries
    written just before them in the same import are not kept either: nothing is half-written."""
    diary.log_pain(ctx, diary.PainInput(4))
    preferences.save_preferences(ctx, CHOSEN)
    document = transfer.export_journal(ctx)
    transfer.delete_everything(ctx)

    def fails(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    from b12pain.journal import store

    monkeypatch.setattr(store, "replace_preferences", fails)
    with pytest.raises(OSError, match="disk full"):
        transfer.import_document(ctx, document)
    assert diary.list_entries(ctx) == []
    assert preferences.get_preferences(ctx) == preferences.Preferences()
    monkeypatch.undo()
    assert transfer.import_document(ctx, document) == 1
    assert preferences.get_preferences(ctx).model_dump() == CHOSEN
