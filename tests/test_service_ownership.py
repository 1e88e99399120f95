"""One owner can never read or change another owner's rows through any use case.

The test is generic: it finds every public use case of the service layer (a function whose first
parameter is the `Context`) and runs each as "bob" against a store where "alice" has one entry of
every kind, aimed at alice's ids where the use case takes an id. Each call must either refuse
with `NotFoundError` or answer without a trace of alice's rows, and alice's journal must be
exactly as it was. A new use case without a line in `AS_BOB` fails the coverage test, so a later
route cannot forget the owner. The service modules are found by walking `b12pain.service`, so a
new module's use cases are held to this too (sharing and audit included: alice shares with a
clinician, who comments and is logged, and none of that reaches bob or is changed by him).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib
import inspect
import io
import json
import pkgutil
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

import b12pain.service
from b12pain.errors import InputError, NotFoundError
from b12pain.interop.codes import LOINC
from b12pain.journal import Journal
from b12pain.service import (
    accounts,
    audit,
    diary,
    fhir,
    insights,
    intake,
    labs,
    plans,
    preferences,
    profile,
    reports,
    sharing,
    today,
    transfer,
)
from b12pain.service.context import Context
from cds_requests import lab
from servicekit import NOW, context


def service_modules() -> tuple[ModuleType, ...]:
    """Every module of the service layer, found by walking the package (none listed by hand)."""
    package = b12pain.service
    return tuple(
        importlib.import_module(f"{package.__name__}.{found.name}")
        for found in pkgutil.iter_modules(package.__path__)
    )


MODULES = service_modules()
PROFILE = {"age": 58, "sex": "female", "diet": "vegan", "symptoms": ["tingling"]}


@dataclasses.dataclass
class Alice:
    """Alice's ids, and what her journal looked like before bob came."""

    pain: str
    plan: str
    export: str
    folder: Path


def _state(store: Journal) -> str:
    """Alice's journal, shares, access log and comments received, as one text."""
    me = context(store, "alice")
    return json.dumps(
        [
            transfer.export_journal(me),
            [dataclasses.astuple(s) for s in sharing.shares_of(me)],
            [dataclasses.astuple(e) for e in audit.audit_events(me)],
            [dataclasses.astuple(c) for c in sharing.comments_received(me)],
        ],
        sort_keys=True,
        default=str,
    )


@pytest.fixture
def store(journal_url: str) -> Iterator[Journal]:
    with Journal.open(journal_url) as journal:
        yield journal


@pytest.fixture
def alice(store: Journal, tmp_path: Path) -> Alice:
    ctx = context(store, "alice")
    pain = diary.log_pain(ctx, diary.PainInput(6, regions=["feet"], note="alice's night"))
    diary.add_comment(ctx, pain.uid, "alice's comment")
    diary.log_sleep(ctx, diary.SleepInput(7))
    labs.add_lab(ctx, labs.LabInput("total_b12", 180, "ng/L", NOW.date() - dt.timedelta(days=3)))
    profile.save_profile(ctx, PROFILE, assess=True)
    plan = plans.record_own_supplement(ctx, plans.OwnSupplementInput(1000, stock_units=30)).plan
    plans.log_dose(ctx, plans.DoseInput())
    plans.record_stock(ctx, plans.StockInput(29))
    with intake.open_food_database(tmp_path) as foods:
        intake.log_food(ctx, intake.FoodInput("2 eggs"), foods)
    doctor = accounts.add_account(store, username="dr.who", display_name="Dr Who",
                                  role="clinician", password="a long enough password", now=NOW)  # fmt: skip
    sharing.share(ctx, "dr.who")
    sharing.comment_on_entry(store, ctx.kb, doctor, "alice", pain.uid, "dr's remark", now=NOW)
    return Alice(pain.uid, plan.uid, _state(store), tmp_path)


def _food(bob: Context, alice: Alice) -> Any:
    with intake.open_food_database(alice.folder) as foods:
        return intake.log_food(bob, intake.FoodInput("1 egg"), foods)


def _import(bob: Context, alice: Alice) -> Any:
    mine = {
        "schema": transfer.SCHEMA,
        "entries": [{"kind": "pain", "at": "2026-11-20T08:00:00+00:00", "nrs": 2}],
    }
    return transfer.import_document(bob, mine)


def _import_file(bob: Context, alice: Alice) -> Any:
    path = alice.folder / "bob-export.json"
    path.write_text(json.dumps(transfer.export_journal(bob)), encoding="utf-8")
    return transfer.import_journal(bob, path)


def _csv_files(bob: Context, alice: Alice) -> Any:
    folder = alice.folder / "bob-csv"
    folder.mkdir(exist_ok=True)
    return [path.read_text(encoding="utf-8") for path in reports.export_csv(bob, folder)]


def _csv_zip(bob: Context, alice: Alice) -> Any:
    archive = zipfile.ZipFile(io.BytesIO(reports.export_csv_zip(bob)))
    return [archive.read(name).decode("utf-8") for name in archive.namelist()]


def _csv_import(bob: Context, alice: Alice) -> Any:
    folder = alice.folder / "bob-csv-in"
    folder.mkdir(exist_ok=True)
    reports.export_csv(bob, folder)
    return reports.import_csv(bob, folder)


def _fhir_import(bob: Context, alice: Alice) -> Any:
    result = lab("o1", "p1", "2132-9", 150, "pg/mL", "2026-11-01")
    assert LOINC in json.dumps(result)
    bundle = {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": result}]}
    return fhir.import_fhir(bob, json.dumps(bundle))


#: How bob calls each use case; where it takes an id, alice's id (full or as shown).
AS_BOB: dict[str, Callable[[Context, Alice], Any]] = {
    "diary.save": lambda b, a: diary.save(b, "mood", at=NOW, level=2),
    "diary.log_pain": lambda b, a: diary.log_pain(b, diary.PainInput(3)),
    "diary.log_sleep": lambda b, a: diary.log_sleep(b, diary.SleepInput(5)),
    "diary.log_exercise": lambda b, a: diary.log_exercise(b, diary.ExerciseInput(20)),
    "diary.log_stress": lambda b, a: diary.log_stress(b, diary.LevelInput(4)),
    "diary.log_mood": lambda b, a: diary.log_mood(b, diary.LevelInput(3)),
    "diary.log_symptoms": lambda b, a: diary.log_symptoms(b, diary.SymptomsInput(["fatigue"])),
    "diary.log_instrument": lambda b, a: diary.log_instrument(
        b, diary.InstrumentInput("nrs", {"nrs": 4})
    ),
    "diary.list_entries": lambda b, a: diary.list_entries(b),
    "diary.daily_summary": lambda b, a: diary.daily_summary(b),
    "diary.recent_days": lambda b, a: diary.recent_days(b, diary.KINDS, 30),
    "diary.find_entry_id": lambda b, a: diary.find_entry_id(b, a.pain[:8]),
    "diary.get_entry": lambda b, a: diary.get_entry(b, a.pain),
    "diary.edit_entry": lambda b, a: diary.edit_entry(
        b, a.pain, diary.EntryChanges({"nrs": 0, "note": "bob was here"})
    ),
    "diary.delete_entry": lambda b, a: diary.delete_entry(b, a.pain),
    "diary.add_comment": lambda b, a: diary.add_comment(b, a.pain, "bob was here"),
    "diary.counts": lambda b, a: diary.counts(b),
    "diary.undo_last_change": lambda b, a: diary.undo_last_change(b),
    "labs.add_lab": lambda b, a: labs.add_lab(b, labs.LabInput("folate", 5, "ug/L")),
    "labs.list_labs": lambda b, a: labs.list_labs(b),
    "plans.start_plan": lambda b, a: plans.start_plan(
        b, plans.PlanFromRegimen("oral_cyanocobalamin_dietary", 50)
    ),
    "plans.record_own_supplement": lambda b, a: plans.record_own_supplement(
        b, plans.OwnSupplementInput(500)
    ),
    "plans.find_plan": lambda b, a: plans.find_plan(b, a.plan[:8]),
    "plans.stop_plan": lambda b, a: plans.stop_plan(b, a.plan),
    "plans.change_plan": lambda b, a: plans.change_plan(b, a.plan, plans.PlanChanges(10)),
    "plans.log_dose": lambda b, a: plans.log_dose(b, plans.DoseInput(plan=a.plan)),
    "plans.record_stock": lambda b, a: plans.record_stock(b, plans.StockInput(1, plan=a.plan)),
    "plans.list_plans": lambda b, a: plans.list_plans(b),
    "plans.plan_statuses": lambda b, a: plans.plan_statuses(b),
    "plans.due_today": lambda b, a: plans.due_today(b),
    "profile.save_profile": lambda b, a: profile.save_profile(b, {"age": 30}),
    "profile.current_profile": lambda b, a: profile.current_profile(b),
    "profile.profile_history": lambda b, a: profile.profile_history(b),
    "profile.assess_current": lambda b, a: profile.assess_current(b),
    "profile.save_assessment": lambda b, a: profile.save_assessment(
        b, profile.assess_profile(b.kb, profile.read_profile({"age": 30}), b.today)
    ),
    "intake.log_food": _food,
    "intake.intake_target": lambda b, a: intake.intake_target(b),
    "intake.intake_summary": lambda b, a: intake.intake_summary(
        b, NOW.date() - dt.timedelta(days=6), NOW.date()
    ),
    "insights.insights": lambda b, a: insights.insights(b),
    "insights.insights_view": lambda b, a: insights.insights_view(b),
    "today.today_view": lambda b, a: today.today_view(b),
    "preferences.get_preferences": lambda b, a: preferences.get_preferences(b),
    "preferences.save_preferences": lambda b, a: preferences.save_preferences(
        b, {"b12_unit": "pmol/L", "intake_region": "eu"}
    ),
    "preferences.reset_preferences": lambda b, a: preferences.reset_preferences(b),
    "transfer.export_journal": lambda b, a: transfer.export_journal(b),
    "transfer.export_to_file": lambda b, a: (
        transfer.export_to_file(b, a.folder / "bob.json")
        and (a.folder / "bob.json").read_text(encoding="utf-8")
    ),
    "transfer.import_document": _import,
    "transfer.import_journal": _import_file,
    "transfer.backup_journal": lambda b, a: (
        transfer.backup_journal(b, a.folder / "bob-backups").read_bytes().decode("utf-8", "replace")
    ),
    "transfer.delete_everything": lambda b, a: transfer.delete_everything(b),
    "audit.audit_events": lambda b, a: audit.audit_events(b),
    "fhir.export_bundle": lambda b, a: fhir.export_bundle(b),
    "fhir.import_fhir": _fhir_import,
    "reports.build_report": lambda b, a: reports.build_report(b),
    "reports.calendar": lambda b, a: reports.calendar(b).decode("utf-8"),
    "reports.export_csv": _csv_files,
    "reports.export_csv_zip": _csv_zip,
    "reports.import_csv": _csv_import,
    "reports.report_period": lambda b, a: reports.report_period(b, None, None),
    "sharing.comments_received": lambda b, a: sharing.comments_received(b),
    "sharing.person_name": lambda b, a: sharing.person_name(b),
    "sharing.red_flags_of": lambda b, a: sharing.red_flags_of(b),
    "sharing.share": lambda b, a: sharing.share(b, "dr.who"),
    "sharing.revoke": lambda b, a: sharing.revoke(b, "dr.who"),
    "sharing.shares_of": lambda b, a: sharing.shares_of(b),
}


def use_cases() -> list[str]:
    """Every public function of the service modules whose first parameter is the context."""
    found = []
    for module in MODULES:
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if name.startswith("_") or function.__module__ != module.__name__:
                continue
            parameters = list(inspect.signature(function).parameters.values())
            if parameters and parameters[0].annotation in ("Context", Context):
                found.append(f"{module.__name__.rsplit('.', 1)[1]}.{name}")
    return sorted(found)


def test_every_use_case_is_tried_as_another_owner() -> None:
    assert sorted(AS_BOB) == use_cases()


def test_every_service_module_is_walked() -> None:
    """The walk is real: it finds the modules once listed by hand, and sharing and audit."""
    names = {module.__name__.rsplit(".", 1)[1] for module in MODULES}
    assert {"diary", "transfer", "sharing", "audit", "reports", "fhir", "accounts"} <= names
    with_use_cases = {name.split(".")[0] for name in use_cases()}
    assert {"sharing", "audit"} <= with_use_cases


def _text(result: Any) -> str:
    """Everything a result holds, as text (records, dataclasses, lists, documents)."""

    def plain(value: Any) -> Any:
        if hasattr(value, "model_dump"):
            return value.model_dump(mode="json")
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
        if isinstance(value, list | tuple):
            return [plain(v) for v in value]
        if isinstance(value, dict):
            return {str(k): plain(v) for k, v in value.items()}
        return value

    return json.dumps(plain(result), default=str)


@pytest.mark.parametrize("use_case", sorted(AS_BOB))
def test_another_owner_can_neither_read_nor_change_alices_rows(
    use_case: str, store: Journal, alice: Alice
) -> None:
    bob = context(store, "bob")
    try:
        result = AS_BOB[use_case](bob, alice)
    except NotFoundError:
        result = None
    except InputError as exc:  # refused for another reason: it must not name alice's rows
        assert alice.pain not in str(exc) and alice.plan not in str(exc)
        result = None
    shown = _text(result)
    for secret in (alice.pain, alice.plan, "alice's night", "alice's comment", "B12 1000",
                   "dr's remark"):  # fmt: skip
        assert secret not in shown, f"{use_case} showed {secret!r}"
    if use_case != "diary.counts":
        assert '"age": 58' not in shown
    assert _state(store) == alice.export, f"{use_case} changed alice's journal or shares"


def test_bob_cannot_undo_alices_change(store: Journal, alice: Alice) -> None:
    me = context(store, "alice")
    diary.edit_entry(me, alice.pain, diary.EntryChanges({"nrs": 2}))
    with pytest.raises(NotFoundError):
        diary.undo_last_change(context(store, "bob"))
    assert diary.get_entry(me, alice.pain).nrs == 2  # type: ignore[attr-defined]
    assert diary.undo_last_change(me).entry.nrs == 6  # type: ignore[attr-defined]


def test_alices_rows_are_found_by_alice(store: Journal, alice: Alice) -> None:
    """The setting is real: the same calls as alice do see and change her rows."""
    me = context(store, "alice")
    assert diary.get_entry(me, alice.pain[:8]).uid == alice.pain
    assert plans.find_plan(me, alice.plan[:8]).uid == alice.plan
    assert profile.current_profile(me) is not None
    assert {e.kind for e in diary.list_entries(me)} >= {"pain", "plan", "dose", "stock", "food"}
    diary.delete_entry(me, alice.pain)
    with pytest.raises(NotFoundError):
        diary.get_entry(me, alice.pain)
