"""The diary, labs, profile, intake, insights and transfer use cases at the library level: every
operation the CLI offers, called as the web app and the reports call it (the CLI tests keep a thin
layer on top)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from b12pain.errors import ConflictError, InputError, NotFoundError
from b12pain.insights import dashboard
from b12pain.journal import Journal, read_series
from b12pain.service import diary, insights, intake, labs, plans, profile, transfer
from b12pain.service.context import Context
from b12pain.service.errors import http_status
from servicekit import NOW, ZONE, context, later

PROFILE = {"age": 58, "sex": "female", "diet": "vegan", "symptoms": ["tingling"]}


@pytest.fixture
def ctx(tmp_path: Path) -> Iterator[Context]:
    with Journal.open(f"sqlite:///{tmp_path / 'journal.sqlite'}") as store:
        yield context(store)


def at(day: int, hour: int = 9) -> dt.datetime:
    return dt.datetime.combine(NOW.date() - dt.timedelta(days=day), dt.time(hour), ZONE)


def test_every_diary_kind_is_logged_and_listed(ctx: Context) -> None:
    diary.log_pain(ctx, diary.PainInput(6, regions=["feet"], pain_type="burning", at=at(2)))
    diary.log_sleep(ctx, diary.SleepInput(6.5, 2, at=at(2, 7)))
    diary.log_exercise(ctx, diary.ExerciseInput(30, "walking", at=at(1)))
    diary.log_stress(ctx, diary.LevelInput(7, at="2026-11-24T08:00+01:00"))
    diary.log_mood(ctx, diary.LevelInput(3))
    diary.log_symptoms(ctx, diary.SymptomsInput(["pins and needles", "fatigue"]))
    scored = diary.log_instrument(ctx, diary.InstrumentInput("nrs", {"nrs": 6}))
    assert scored.saved.score == 6 and scored.result.instrument == "nrs"
    kinds = [e.kind for e in diary.list_entries(ctx)]  # type: ignore[attr-defined]
    assert kinds == ["sleep", "pain", "exercise", "stress", "mood", "symptoms", "instrument"]
    assert [e.kind for e in diary.list_entries(ctx, ["pain", "sleep"])] == ["sleep", "pain"]  # type: ignore[attr-defined]
    one_day = diary.list_entries(ctx, start=at(1).date(), end=at(1).date())
    assert [e.kind for e in one_day] == ["exercise"]  # type: ignore[attr-defined]
    (check,) = diary.list_entries(ctx, ["symptoms"])
    assert check.symptoms == ("tingling", "fatigue")  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda c: diary.log_pain(c, diary.PainInput(11)), "nrs"),
        (lambda c: diary.log_pain(c, diary.PainInput(5, regions=["knee"])), "regions[0]"),
        (lambda c: diary.log_pain(c, diary.PainInput(5, at="yesterday")), "at"),
        (lambda c: diary.log_pain(c, diary.PainInput(5, at=NOW + dt.timedelta(days=3))), "at"),
        (lambda c: diary.log_sleep(c, diary.SleepInput(30)), "hours"),
        (lambda c: diary.log_mood(c, diary.LevelInput(7)), "level"),
        (lambda c: diary.list_entries(c, ["naps"]), "kind"),
        (lambda c: diary.list_entries(c, start=NOW.date(), end=at(3).date()), "to"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(ctx: Context, call, field: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError) as error:
        call(ctx)
    assert error.value.problems[0].field == field and http_status(error.value) == 422
    assert diary.counts(ctx) == {}


def test_get_edit_delete_and_undo(ctx: Context) -> None:
    pain = diary.log_pain(ctx, diary.PainInput(6, note="night"))
    diary.add_comment(ctx, pain.uid[:8], "after a walk")
    assert diary.get_entry(ctx, pain.uid[:8]).uid == pain.uid
    edited = diary.edit_entry(ctx, pain.uid, diary.EntryChanges({"nrs": 4}))
    assert edited.nrs == 4 and edited.uid == pain.uid  # type: ignore[attr-defined]
    stored = diary.get_entry(ctx, pain.uid)
    assert stored.nrs == 4 and [c.text for c in stored.comments] == ["after a walk"]  # type: ignore[attr-defined]
    with pytest.raises(InputError) as error:
        diary.edit_entry(ctx, pain.uid, diary.EntryChanges({"nrs": 40}))
    assert error.value.problems[0].field == "nrs"
    assert diary.get_entry(ctx, pain.uid).nrs == 4  # type: ignore[attr-defined]
    diary.delete_entry(ctx, pain.uid)
    with pytest.raises(NotFoundError) as missing:
        diary.get_entry(ctx, pain.uid)
    assert http_status(missing.value) == 404
    undone = diary.undo_last_change(ctx)  # the delete
    assert undone.action == "delete" and diary.get_entry(ctx, pain.uid).nrs == 4  # type: ignore[attr-defined]
    assert diary.undo_last_change(ctx).action == "edit"
    restored = diary.get_entry(ctx, pain.uid)
    assert restored.nrs == 6 and [c.text for c in restored.comments] == ["after a walk"]  # type: ignore[attr-defined]
    with pytest.raises(NotFoundError):
        diary.undo_last_change(ctx)


def test_a_plan_with_doses_is_stopped_not_deleted(ctx: Context) -> None:
    plan = plans.record_own_supplement(ctx, plans.OwnSupplementInput(1000)).plan
    plans.log_dose(ctx, plans.DoseInput())
    with pytest.raises(ConflictError) as error:
        diary.delete_entry(ctx, plan.uid)
    assert http_status(error.value) == 409 and "plan stop" in error.value.problems[0].message
    with pytest.raises(InputError):
        diary.edit_entry(ctx, plan.uid, diary.EntryChanges({"amount_ug": 5}))


def test_comment_on_an_unknown_entry_is_not_found(ctx: Context) -> None:
    with pytest.raises(NotFoundError):
        diary.add_comment(ctx, "00000000", "x")


def test_a_past_lab_is_filed_on_its_own_day_and_read_against_its_band(ctx: Context) -> None:
    taken = NOW.date() - dt.timedelta(days=5)
    lab = labs.add_lab(ctx, labs.LabInput("total_b12", 180, "pmol/l", taken, "City Lab"))
    assert (lab.unit, lab.taken_on, lab.at.date(), lab.at.hour) == ("pmol/L", taken, taken, 12)
    assert labs.list_labs(ctx) == [lab]
    today = labs.add_lab(ctx, labs.LabInput("folate", 5, "ug/L"))
    assert today.at == NOW
    reading = labs.read_labs(
        ctx.kb, [{"test": "total_b12", "value": 150, "unit": "ng/L"}], NOW.date()
    )
    assert reading.readings[0].band == "deficiency_confirmed"
    with pytest.raises(InputError) as error:
        labs.read_labs(ctx.kb, [{"test": "total_b12", "value": 150, "unit": "mg"}], NOW.date())
    assert error.value.problems[0].field == "labs[0].unit"


def test_profile_versions_assessment_and_intake_target(ctx: Context) -> None:
    assert profile.current_profile(ctx) is None and intake.intake_target(ctx) is None
    first = profile.save_profile(ctx, PROFILE)
    second = profile.save_profile(later(ctx, hours=1), {**PROFILE, "age": 59}, assess=True)
    assert (first.version, second.version) == (1, 2)
    assert second.assessment is not None and second.saved_assessment is not None
    current = profile.current_profile(ctx)
    assert current is not None and current.profile["age"] == 59
    assert [p.profile["age"] for p in profile.profile_history(ctx)] == [58, 59]
    assessed = profile.assess_current(ctx)
    assert assessed is not None and assessed.urgency == second.assessment.urgency
    target = intake.intake_target(ctx)
    assert target is not None and target.amount_ug > 0
    with pytest.raises(InputError) as error:
        profile.save_profile(ctx, {"age": 300})
    assert error.value.problems[0].field == "age"
    assert len(profile.profile_history(ctx)) == 2


def test_food_is_read_in_peoples_words_and_summed_against_the_target(
    ctx: Context, tmp_path: Path
) -> None:
    profile.save_profile(ctx, PROFILE)
    with intake.open_food_database(tmp_path) as foods:
        logged = intake.log_food(ctx, intake.FoodInput("2 eggs", at=at(1)), foods)
        glass = intake.log_food(ctx, intake.FoodInput("1 glass milk"), foods)
    assert logged.saved.grams > 0 and logged.measured.description
    assert glass.saved.b12_ug is not None and glass.saved.b12_ug > 0
    summary = intake.intake_summary(ctx, at(6).date(), NOW.date())
    assert summary is not None and summary.foods == 2  # type: ignore[attr-defined]
    assert intake.intake_summary(ctx, at(30).date(), at(20).date()) is None


def test_insights_read_only_the_period_they_show_and_agree_with_the_whole_series(
    ctx: Context,
) -> None:
    for day in range(60):
        diary.log_pain(ctx, diary.PainInput(6 if day > 30 else 3, at=at(day)))
    plans.record_own_supplement(ctx, plans.OwnSupplementInput(1000, starts_on=at(30).date()))
    board = insights.insights(ctx)
    whole = dashboard(read_series(ctx.store), ctx.today, intake.intake_target(ctx))
    assert board == whole
    assert board.helping.status == "estimated"


def test_export_import_backup_and_delete_everything(ctx: Context, tmp_path: Path) -> None:
    diary.log_pain(ctx, diary.PainInput(6, note="é ü ✓"))
    plans.record_own_supplement(ctx, plans.OwnSupplementInput(1000))
    document = transfer.export_journal(ctx)
    assert [e["kind"] for e in document["entries"]] == ["pain", "plan"]
    data = tmp_path / "data"
    data.mkdir()
    path = tmp_path / "export.json"
    assert transfer.export_to_file(ctx, path, data) == 2
    assert path.stat().st_mode & 0o777 == 0o600
    backup = transfer.backup_journal(ctx, data / "backups", data)
    assert backup.exists()
    with pytest.raises(ConflictError):
        transfer.import_journal(ctx, path)  # the same ids again: refused, nothing added
    done = transfer.delete_everything(ctx, data)
    assert done.entries == 2 and backup in done.copies and not backup.exists()
    assert path in done.out_of_reach  # the export the person saved elsewhere is named
    assert transfer.import_journal(ctx, path) == 2
    assert transfer.export_journal(ctx) == document
