"""MNSI questionnaire and examination: spec §10 vectors and discrepancy 4 (PhenX scoring)."""

from __future__ import annotations

import pytest

from b12pain.errors import InputError
from b12pain.instruments import INSTRUMENTS, score
from b12pain.instruments.mnsi import score_mnsi


def yes(items: set[int]) -> dict[str, bool]:
    return {f"q{i}": i in items for i in range(1, 16)}


SCORED_YES = {1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15}


@pytest.mark.parametrize(
    ("vector", "items", "total", "abnormal"),
    [
        ("MN-A", {7, 13}, 0, False),
        ("MN-B", {1, 2, 3, 5, 11, 12, 7, 13}, 6, False),
        ("MN-C", {1, 2, 3, 5, 11, 12, 7, 13, 4, 10}, 6, False),
        ("MN-D", {1, 2, 3, 5, 11, 12, 7}, 7, True),
        ("MN-E", SCORED_YES, 13, True),
    ],
)
def test_questionnaire_vectors(vector: str, items: set[int], total: int, abnormal: bool) -> None:
    result = score("mnsi", yes(items))
    assert (result.score, result.positive) == (total, abnormal), vector
    assert result.category == ("abnormal" if abnormal else "normal")


def test_discrepancy_4_phenx_count_of_yes_answers_is_not_used() -> None:
    answers = yes(set(range(1, 16)))  # all yes: PhenX would count 15
    assert score("mnsi", answers).score == 11  # 7 and 13 reversed, 4 and 10 unscored


def test_cutoff_is_configurable_default_7() -> None:
    six = yes({1, 2, 3, 5, 11, 12, 7, 13})
    assert score_mnsi(six).positive is False
    assert score_mnsi(six, cutoff=6).positive is True
    assert score_mnsi(six, cutoff=6).category == "abnormal"


def foot(appearance: str, ulcer: str, reflex: str, vibration: str, side: str) -> dict[str, str]:
    return {
        f"{side}_appearance": appearance,
        f"{side}_ulceration": ulcer,
        f"{side}_ankle_reflex": reflex,
        f"{side}_vibration": vibration,
    }


@pytest.mark.parametrize(
    ("vector", "left", "right", "total", "abnormal"),
    [
        (
            "MX-A",
            ("normal", "absent", "reinforcement", "decreased"),
            ("normal", "absent", "reinforcement", "decreased"),
            2,
            False,
        ),
        (
            "MX-B",
            ("abnormal", "absent", "reinforcement", "present"),
            ("normal", "absent", "reinforcement", "decreased"),
            2.5,
            True,
        ),
        (
            "MX-C",
            ("abnormal", "present", "absent", "absent"),
            ("abnormal", "present", "absent", "absent"),
            8,
            True,
        ),
    ],
)
def test_examination_vectors(
    vector: str, left: tuple[str, ...], right: tuple[str, ...], total: float, abnormal: bool
) -> None:
    result = score("mnsi_exam", foot(*left, side="left") | foot(*right, side="right"))
    assert (result.score, result.positive) == (total, abnormal), vector


def test_examination_items_are_clinician_entered_and_values_checked() -> None:
    assert all(item.clinician_entered for item in INSTRUMENTS["mnsi_exam"].info.items)
    answers = foot("normal", "absent", "present", "present", "left") | foot(
        "normal", "absent", "present", "sometimes", "right"
    )
    with pytest.raises(InputError) as caught:
        score("mnsi_exam", answers)
    [problem] = caught.value.problems
    assert problem.field == "mnsi_exam.right_vibration"
    assert problem.message == "one of present, decreased, absent"
