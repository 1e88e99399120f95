"""MIDAS: spec §6 vectors at every grade edge, and day-count validation."""

from __future__ import annotations

import pytest

from b12pain.errors import InputError
from b12pain.instruments import score


def days(values: list[int]) -> dict[str, int]:
    return {f"q{i}": v for i, v in enumerate(values, start=1)}


@pytest.mark.parametrize(
    ("vector", "values", "total", "grade"),
    [
        ("MI-A", [2, 1, 1, 1, 0], 5, "grade_i"),
        ("MI-B", [2, 1, 1, 1, 1], 6, "grade_ii"),
        ("MI-C", [3, 2, 2, 2, 1], 10, "grade_ii"),
        ("MI-D", [3, 2, 2, 2, 2], 11, "grade_iii"),
        ("MI-E", [5, 5, 5, 3, 2], 20, "grade_iii"),
        ("MI-F", [5, 5, 5, 3, 3], 21, "grade_iv"),
    ],
)
def test_spec_vectors(vector: str, values: list[int], total: int, grade: str) -> None:
    result = score("midas", days(values))
    assert (result.score, result.category, result.positive) == (total, grade, None), vector


@pytest.mark.parametrize("bad", [-1, 91, 2.5, "3", True])
def test_day_counts_must_be_whole_numbers_0_to_90(bad: object) -> None:
    with pytest.raises(InputError) as caught:
        score("midas", days([0, 0, 0, 0]) | {"q5": bad})
    [problem] = caught.value.problems
    assert (problem.field, problem.message) == ("midas.q5", "a whole number from 0 to 90")
