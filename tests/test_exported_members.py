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
