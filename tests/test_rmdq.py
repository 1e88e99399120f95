"""Roland-Morris Disability Questionnaire: spec §9b vectors, not-applicable rule, 24 stable ids."""

from __future__ import annotations

import pytest

from b12pain.errors import InputError
from b12pain.instruments import INSTRUMENTS, score


def ticked(items: set[int], **extra: object) -> dict[str, object]:
    return {f"q{i}": i in items for i in range(1, 25)} | extra


@pytest.mark.parametrize(
    ("vector", "answers", "total"),
    [
        ("RM-A", ticked(set()), 0),
        ("RM-B", ticked(set(range(1, 13))), 12),
        ("RM-C", ticked(set(range(1, 25))), 24),
        ("RM-D", ticked(set(range(1, 6)), q6="not_applicable"), 5),
    ],
)
def test_spec_vectors(vector: str, answers: dict[str, object], total: int) -> None:
    result = score("rmdq", answers)
    assert (result.score, result.positive) == (total, None), vector
    assert f"{total} of 24" in result.summary


def test_items_q1_to_q24_and_licence_allows_the_published_form() -> None:
    assert [item.id for item in INSTRUMENTS["rmdq"].info.items] == [f"q{i}" for i in range(1, 25)]
    assert INSTRUMENTS["rmdq"].licence.status == "free"


def test_missing_and_wrong_answers_are_named() -> None:
    answers = ticked(set())
    del answers["q24"]
    answers["q2"] = "sometimes"
    with pytest.raises(InputError) as caught:
        score("rmdq", answers)
    assert sorted(p.field for p in caught.value.problems) == ["rmdq.q2", "rmdq.q24"]
    assert "not_applicable" in caught.value.problems[0].message
