"""The JSON API under /api/v1 (described by OpenAPI at /api/v1/openapi.json).

The same use cases as the pages: assessments (CONTRACT.md), labs, diary entries, plans and
doses, food search and intake, insights, export and import. Bad input: 422 with
`{"errors": [{"field", "value", "message"}]}`; unknown id: 404; a clash with stored data: 409.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any, Literal

from fastapi import APIRouter, Body, Query
from pydantic import BaseModel, ConfigDict, Field

from b12pain.service import diary, insights, intake, labs, plans, profile, transfer
from b12pain.web.deps import ContextDep, KnowledgeDep, SettingsDep

router = APIRouter(prefix="/api/v1", tags=["api"])

_PROBLEMS: dict[int | str, dict[str, Any]] = {
    422: {"description": "Bad input: the list of problems (field, value, what is allowed)"},
    404: {"description": "No such entry or plan"},
    409: {"description": "Clashes with what is stored"},
}


class ProblemList(BaseModel):
    """The shape of every refusal."""

    errors: list[dict[str, Any]]


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LabIn(_Input):
    """A blood-test result as the lab reported it."""

    test: str = Field(examples=["total_b12"])
    value: float = Field(examples=[210])
    unit: str = Field(examples=["ng/L"])
    taken_on: dt.date | None = None
    reference_low: float | None = None
    reference_high: float | None = None
    lab: str | None = None
    note: str | None = None


class PainIn(_Input):
    nrs: int = Field(examples=[6])
    regions: list[str] = []
    pain_type: str | None = None
    descriptors: list[str] = []
    triggers: list[str] = []
    helped: list[str] = []
    note: str | None = None
    at: str | None = None


class SleepIn(_Input):
    hours: float
    quality: int | None = None
    note: str | None = None
    at: str | None = None


class ExerciseIn(_Input):
    minutes: int
    activity: str | None = None
    note: str | None = None
    at: str | None = None


class LevelIn(_Input):
    level: int
    note: str | None = None
    at: str | None = None


class SymptomsIn(_Input):
    symptoms: list[str]
    note: str | None = None
    at: str | None = None


class EntryChangesIn(_Input):
    """Fields to change, by the entry's own field names (e.g. {"nrs": 4, "note": "better"})."""

    fields: dict[str, Any]


class CommentIn(_Input):
    text: str
    author: str = "me"


class PlanIn(_Input):
    """A plan as prescribed, following a cited regimen."""

    regimen: str = Field(examples=["oral_cyanocobalamin_dietary"])
    amount_ug: float | None = None
    form: str | None = None
    starts_on: dt.date | None = None
    stock_units: int | None = None
    note: str | None = None


class OwnSupplementIn(_Input):
    """A supplement a person bought and takes (no regimen)."""

    amount_ug: float = Field(examples=[1000])
    form: str = "tablet"
    every: int | str = 1
    route: str | None = None
    name: str | None = None
    starts_on: dt.date | None = None
    stock_units: int | None = None
    note: str | None = None


class DoseIn(_Input):
    status: Literal["planned", "taken", "skipped", "late"] | str = "taken"
    plan: str | None = None
    form: str | None = None
    site: str | None = None
    amount_ug: float | None = None
    note: str | None = None
    at: str | None = None


class StockIn(_Input):
    units: int
    plan: str | None = None
    note: str | None = None


class FoodIn(_Input):
    """What was eaten, in a person's words ("2 eggs"), optionally with a chosen food id."""

    amount_text: str = Field(examples=["2 eggs"])
    food_id: str | None = None
    note: str | None = None
    at: str | None = None


def _json(value: Any) -> Any:
    """Results (pydantic models, dataclasses, dates) as JSON-ready values."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", by_alias=True)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _json(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k) if isinstance(k, dt.date) else k: _json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


# assessments --------------------------------------------------------------------------------


@router.post("/assessments", responses=_PROBLEMS, summary="Assess a profile (CONTRACT.md)")
def assess(kb: KnowledgeDep, ctx: ContextDep, body: dict[str, Any] = Body(examples=[{"age": 58, "symptoms": ["tingling"]}]),
           today: dt.date | None = Query(None, description="Assessment day (default: today)")) -> dict[str, Any]:
    """The assessment of a CONTRACT.md profile; nothing is stored."""
    read = profile.read_profile(body)
    result: dict[str, Any] = profile.assess_profile(kb, read, today or ctx.today).to_json_dict()
    return result


@router.get("/assessments/current", responses=_PROBLEMS, summary="Assess the saved profile")
def assess_current(ctx: ContextDep) -> dict[str, Any] | None:
    """The assessment of the person's saved profile today (null when there is none)."""
    found = profile.assess_current(ctx)
    return None if found is None else found.to_json_dict()


@router.put("/profile", responses=_PROBLEMS, summary="Save a profile", status_code=201)
def save_profile(ctx: ContextDep, body: dict[str, Any] = Body()) -> dict[str, Any]:
    """Save a new profile version and return its assessment."""
    saved = profile.save_profile(ctx, body, assess=True)
    return {"version": saved.version, "assessment": saved.assessment.to_json_dict() if saved.assessment else None}


# labs ---------------------------------------------------------------------------------------


def _lab_result(lab: LabIn) -> dict[str, Any]:
    result: dict[str, Any] = {"test": lab.test, "value": lab.value, "unit": lab.unit}
    for key, name in (("date", "taken_on"), ("reference_low", "reference_low"), ("reference_high", "reference_high")):
        if getattr(lab, name) is not None:
            result[key] = getattr(lab, name)
    return result


@router.post("/labs/read", responses=_PROBLEMS, summary="Read a result against its band (not stored)")
def read_lab(lab: LabIn, ctx: ContextDep) -> dict[str, Any]:
    reading = labs.read_labs(ctx.kb, [_lab_result(lab)], ctx.today).readings[0]
    return _json(reading)  # type: ignore[no-any-return]


@router.post("/labs", responses=_PROBLEMS, status_code=201, summary="Store a result and read it")
def add_lab(lab: LabIn, ctx: ContextDep) -> dict[str, Any]:
    reading = labs.read_labs(ctx.kb, [_lab_result(lab)], ctx.today).readings[0]
    lab_range = None
    if lab.reference_low is not None or lab.reference_high is not None:
        lab_range = f"{'' if lab.reference_low is None else f'{lab.reference_low:g}'}-{'' if lab.reference_high is None else f'{lab.reference_high:g}'}"
    saved = labs.add_lab(ctx, labs.LabInput(test=lab.test, value=lab.value, unit=lab.unit, taken_on=lab.taken_on,
                                            lab=lab.lab, reference_range=lab_range, note=lab.note))
    return {"entry": _json(saved), "reading": _json(reading)}


@router.get("/labs", summary="Stored results, oldest first")
def list_labs(ctx: ContextDep, start: dt.date | None = None, end: dt.date | None = None) -> list[dict[str, Any]]:
    return _json(labs.list_labs(ctx, start, end))  # type: ignore[no-any-return]


# diary --------------------------------------------------------------------------------------

@router.post("/entries/pain", responses=_PROBLEMS, status_code=201)
def log_pain(entry: PainIn, ctx: ContextDep) -> dict[str, Any]:
    return _json(diary.log_pain(ctx, diary.PainInput(**entry.model_dump())))  # type: ignore[no-any-return]


@router.post("/entries/sleep", responses=_PROBLEMS, status_code=201)
def log_sleep(entry: SleepIn, ctx: ContextDep) -> dict[str, Any]:
    return _json(diary.log_sleep(ctx, diary.SleepInput(**entry.model_dump())))  # type: ignore[no-any-return]


@router.post("/entries/exercise", responses=_PROBLEMS, status_code=201)
def log_exercise(entry: ExerciseIn, ctx: ContextDep) -> dict[str, Any]:
    return _json(diary.log_exercise(ctx, diary.ExerciseInput(**entry.model_dump())))  # type: ignore[no-any-return]


@router.post("/entries/stress", responses=_PROBLEMS, status_code=201)
def log_stress(entry: LevelIn, ctx: ContextDep) -> dict[str, Any]:
    return _json(diary.log_stress(ctx, diary.LevelInput(**entry.model_dump())))  # type: ignore[no-any-return]


@router.post("/entries/mood", responses=_PROBLEMS, status_code=201)
def log_mood(entry: LevelIn, ctx: ContextDep) -> dict[str, Any]:
    return _json(diary.log_mood(ctx, diary.LevelInput(**entry.model_dump())))  # type: ignore[no-any-return]


@router.post("/entries/symptoms", responses=_PROBLEMS, status_code=201)
def log_symptoms(entry: SymptomsIn, ctx: ContextDep) -> dict[str, Any]:
    return _json(diary.log_symptoms(ctx, diary.SymptomsInput(**entry.model_dump())))  # type: ignore[no-any-return]


@router.get("/entries", responses=_PROBLEMS, summary="Entries, oldest first")
def list_entries(ctx: ContextDep, kind: list[str] | None = Query(None), start: dt.date | None = None,
                 end: dt.date | None = None) -> list[dict[str, Any]]:
    return _json(diary.list_entries(ctx, kind, start, end))  # type: ignore[no-any-return]


@router.post("/entries/undo", responses=_PROBLEMS, summary="Undo the last edit or delete")
def undo_last_change(ctx: ContextDep) -> dict[str, Any]:
    return _json(diary.undo_last_change(ctx))  # type: ignore[no-any-return]


@router.get("/entries/{entry_id}", responses=_PROBLEMS)
def get_entry(entry_id: str, ctx: ContextDep) -> dict[str, Any]:
    return _json(diary.get_entry(ctx, entry_id))  # type: ignore[no-any-return]


@router.patch("/entries/{entry_id}", responses=_PROBLEMS)
def edit_entry(entry_id: str, changes: EntryChangesIn, ctx: ContextDep) -> dict[str, Any]:
    return _json(diary.edit_entry(ctx, entry_id, diary.EntryChanges(changes.fields)))  # type: ignore[no-any-return]


@router.delete("/entries/{entry_id}", responses=_PROBLEMS)
def delete_entry(entry_id: str, ctx: ContextDep) -> dict[str, Any]:
    return _json(diary.delete_entry(ctx, entry_id))  # type: ignore[no-any-return]


@router.post("/entries/{entry_id}/comments", responses=_PROBLEMS, status_code=201)
def add_comment(
    entry_id: str, comment: CommentIn, ctx: ContextDep, settings: SettingsDep
) -> dict[str, Any]:
    # On a clinic server a person's comment is their own ("me"): another name could pass for a
    # clinician's comment (clinicians comment from the clinic, signed by the server).
    author = comment.author if settings.mode == "local" else "me"
    uid, saved = diary.add_comment(ctx, entry_id, comment.text, author)
    return {"entry": uid, "comment": _json(saved)}


# plans and doses ----------------------------------------------------------------------------


@router.get("/plans", summary="Plans with adherence, stock and run-out")
def list_plans(ctx: ContextDep) -> list[dict[str, Any]]:
    return _json(plans.plan_statuses(ctx))  # type: ignore[no-any-return]


@router.post("/plans", responses=_PROBLEMS, status_code=201, summary="Start a plan from a cited regimen")
def start_plan(plan: PlanIn, ctx: ContextDep) -> dict[str, Any]:
    return _json(plans.start_plan(ctx, plans.PlanFromRegimen(**plan.model_dump())))  # type: ignore[no-any-return]


@router.post("/plans/own", responses=_PROBLEMS, status_code=201, summary="Record a supplement bought")
def own_supplement(plan: OwnSupplementIn, ctx: ContextDep) -> dict[str, Any]:
    return _json(plans.record_own_supplement(ctx, plans.OwnSupplementInput(**plan.model_dump())))  # type: ignore[no-any-return]


@router.post("/plans/{plan_id}/stop", responses=_PROBLEMS)
def stop_plan(plan_id: str, ctx: ContextDep, on: dt.date | None = None) -> dict[str, Any]:
    return _json(plans.stop_plan(ctx, plan_id, on))  # type: ignore[no-any-return]


@router.post("/doses", responses=_PROBLEMS, status_code=201, summary="Check off a dose")
def log_dose(dose: DoseIn, ctx: ContextDep) -> dict[str, Any]:
    return _json(plans.log_dose(ctx, plans.DoseInput(**dose.model_dump())))  # type: ignore[no-any-return]


@router.post("/stock", responses=_PROBLEMS, status_code=201)
def record_stock(stock: StockIn, ctx: ContextDep) -> dict[str, Any]:
    return _json(plans.record_stock(ctx, plans.StockInput(**stock.model_dump())))  # type: ignore[no-any-return]


@router.get("/due", summary="Doses, reviews and tests due today")
def due_today(ctx: ContextDep) -> list[dict[str, Any]]:
    return _json(plans.due_today(ctx))  # type: ignore[no-any-return]


# foods and intake ---------------------------------------------------------------------------


@router.get("/foods", responses=_PROBLEMS, summary="Search foods")
def search_foods(settings: SettingsDep, q: str = Query(min_length=1, max_length=200),
                 limit: int = Query(20, ge=1, le=100)) -> list[dict[str, Any]]:
    with intake.open_food_database(settings.data_dir) as foods:
        return _json(foods.search(q, limit=limit))  # type: ignore[no-any-return]


@router.post("/intake", responses=_PROBLEMS, status_code=201, summary="Log food eaten")
def log_food(food: FoodIn, ctx: ContextDep, settings: SettingsDep) -> dict[str, Any]:
    with intake.open_food_database(settings.data_dir) as foods:
        logged = intake.log_food(ctx, intake.FoodInput(**food.model_dump()), foods)
    return {"entry": _json(logged.saved), "measured": _json(logged.measured)}


@router.get("/intake", summary="B12 from food, last 7 days, against the reference intake")
def intake_summary(ctx: ContextDep) -> dict[str, Any] | None:
    return insights.insights(ctx).intake


# insights, export, import -------------------------------------------------------------------


@router.get("/insights", summary="Trends, adherence, labs, intake, is it helping, factors")
def get_insights(ctx: ContextDep) -> dict[str, Any]:
    return {**insights.insights(ctx).as_dict(), "not_medical_advice": insights.NOT_ADVICE}


@router.get("/export", summary="Everything, as one JSON document")
def export(ctx: ContextDep) -> dict[str, Any]:
    return transfer.export_journal(ctx)


@router.post("/import", responses=_PROBLEMS, summary="Import an export document (all or nothing)")
def import_document(
    ctx: ContextDep, settings: SettingsDep, document: dict[str, Any] = Body()
) -> dict[str, int]:
    mine = settings.mode == "server"  # on a server every imported comment is signed "me"
    return {"imported": transfer.import_document(ctx, document, comments_as_me=mine)}
