"""The public API of `b12pain` is pinned: nothing leaks in or out by accident."""

from __future__ import annotations

import b12pain


def test_all() -> None:
    assert b12pain.__all__ == [
        "Assessment",
        "Finding",
        "InputError",
        "LabReading",
        "LabResult",
        "Medication",
        "PlanPoint",
        "Problem",
        "Profile",
        "RedFlag",
        "ScheduledDose",
        "Testing",
        "Treatment",
        "assess",
        "build_schedule",
        "parse_profile",
    ]


def test_every_exported_name_resolves() -> None:
    for name in b12pain.__all__:
        assert getattr(b12pain, name) is not None


#: The service layer every surface codes against (/work/coord/SERVICE_API.md, docs/architecture.md):
#: the public classes and functions each module defines. A name added or removed here is an API
#: change to make on purpose.
SERVICE_API = {
    "context": [
        "Context", "default_data_dir", "local_context", "local_data_folder", "local_session",
        "open_store",
    ],
    "errors": ["http_status"],
    "diary": [
        "DaySummary", "DiaryDay", "EntryChanges", "ExerciseInput", "InstrumentInput",
        "LevelInput", "PainInput", "ScoredInstrument", "SleepInput", "SymptomsInput",
        "UndoneChange", "add_comment", "counts", "daily_summary", "delete_entry", "edit_entry",
        "find_entry_id", "forget_kept_days", "get_entry", "list_entries",
        "log_exercise", "log_instrument", "log_mood", "log_pain", "log_sleep", "log_stress",
        "log_symptoms", "recent_days", "save", "undo_last_change",
    ],
    "labs": ["LabInput", "QuickReading", "add_lab", "list_labs", "read_labs"],
    "plans": [
        "Adherence", "Comparison", "DoseInput", "OwnSupplementInput", "PlanChanges",
        "PlanFromRegimen", "PlanStatus", "SavedPlan", "StockInput", "change_plan",
        "check_imported_plans", "compare", "due_today", "find_plan", "list_plans", "log_dose",
        "parse_every", "plan_problems", "plan_statuses", "record_own_supplement", "record_stock",
        "start_plan", "stop_plan",
    ],
    "profile": [
        "SavedProfile", "assess_current", "assess_profile", "current_profile", "profile_history",
        "read_profile", "save_assessment", "save_profile",
    ],
    "intake": [
        "FoodInput", "FoodLogView", "intake_summary", "intake_target", "log_food",
        "open_food_database",
    ],
    "insights": ["InsightsView", "Timeline", "forget_kept_views", "insights", "insights_view"],
    "today": ["TodayView", "forget_kept_views", "today_view"],
    "preferences": [
        "Preferences", "get_preferences", "parse_preferences", "reset_preferences",
        "save_preferences",
    ],
    "transfer": [
        "Deleted", "backup_journal", "delete_everything", "export_journal", "export_to_file",
        "import_document", "import_journal",
    ],
    "when": ["day_bounds", "parse_when", "resolve_at"],
    "reports": [
        "RenderedReport", "build_report", "calendar", "export_csv", "export_csv_zip",
        "import_csv", "render_report", "report_period",
    ],
}  # fmt: skip


def test_service_api_is_pinned() -> None:
    import importlib
    import inspect

    for name, expected in SERVICE_API.items():
        module = importlib.import_module(f"b12pain.service.{name}")
        defined = sorted(
            attr
            for attr, value in vars(module).items()
            if not attr.startswith("_")
            and (inspect.isfunction(value) or inspect.isclass(value))
            and value.__module__ == module.__name__
        )
        assert defined == expected, name


def test_service_errors_keep_one_problem_shape() -> None:
    from b12pain.service.errors import ConflictError, InputError, NotFoundError, http_status

    for kind, status in ((InputError, 422), (NotFoundError, 404), (ConflictError, 409)):
        error = kind.single("plan", "3f2a", "no supplement plan with this id")
        assert isinstance(error, InputError) and http_status(error) == status
        assert [p.as_dict() for p in error.problems] == [
            {"field": "plan", "value": "3f2a", "message": "no supplement plan with this id"}
        ]


def test_presentation_entries_are_pinned() -> None:
    from b12pain.presentation import entries

    assert sorted(n for n in vars(entries) if not n.startswith("_") and n.islower()) == [
        "annotations", "describe", "describe_plan", "every_words", "route_words",
    ]  # fmt: skip
