"""DN4 and DN4-interview: spec §1 vectors, cut-off boundaries, validation, licence, item ids."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from b12pain.errors import InputError
from b12pain.instruments import INSTRUMENTS, score


def answers(bits: list[int]) -> dict[str, bool]:
    return {f"q{i}": bool(bit) for i, bit in enumerate(bits, start=1)}


@pytest.mark.parametrize(
    ("vector", "interview", "exam", "expected_score", "positive"),
    [
        ("DN4-A", [1, 1, 0, 0, 0, 0, 0], [1, 1, 0], 4, True),
        ("DN4-B", [1, 1, 1, 0, 0, 0, 0], [0, 0, 0], 3, False),
        ("DN4-C", [1] * 7, [1, 1, 1], 10, True),
    ],
)
def test_dn4_spec_vectors(
    vector: str, interview: list[int], exam: list[int], expected_score: int, positive: bool
) -> None:
    result = score("dn4", answers(interview + exam))
    assert result.score == expected_score, vector
    assert result.positive is positive
    assert result.category == ("positive" if positive else "negative")
    assert result.subscores == {"interview": sum(interview), "examination": sum(exam)}


@pytest.mark.parametrize(
    ("vector", "bits", "expected_score", "positive"),
    [("DN4i-A", [1, 1, 1, 0, 0, 0, 0], 3, True), ("DN4i-B", [1, 1, 0, 0, 0, 0, 0], 2, False)],
)
def test_dn4_interview_spec_vectors(
    vector: str, bits: list[int], expected_score: int, positive: bool
) -> None:
    result = score("dn4_interview", answers(bits))
    assert (result.score, result.positive) == (expected_score, positive), vector


def test_dn4_missing_item_gives_no_score_but_names_the_item() -> None:  # DN4-D
    given_answers = answers([1, 1, 0, 0, 0, 0, 0, 1, 1, 0])
    del given_answers["q5"]
    with pytest.raises(InputError) as caught:
        score("dn4", given_answers)
    [problem] = caught.value.problems
    assert (problem.field, problem.value) == ("dn4.q5", None)
    assert "true, false" in problem.message


@pytest.mark.parametrize("bad", ["yes", 1, 0, None, 2.0, [True]])
def test_dn4_refuses_anything_but_true_or_false(bad: Any) -> None:
    given_answers: dict[str, Any] = answers([0] * 10)
    given_answers["q3"] = bad
    with pytest.raises(InputError) as caught:
        score("dn4", given_answers)
    assert [p.field for p in caught.value.problems] == ["dn4.q3"]


def test_dn4_refuses_unknown_items_and_lists_the_allowed_ones() -> None:
    with pytest.raises(InputError) as caught:
        score("dn4", answers([0] * 10) | {"q11": True, "burning": True})
    fields = sorted(p.field for p in caught.value.problems)
    assert fields == ["dn4.burning", "dn4.q11"]
    assert all("q1, q2" in p.message and "q10" in p.message for p in caught.value.problems)


def test_discrepancy_1_dn4_range_is_0_to_10_and_higher_is_more_neuropathic() -> None:
    # awell-score's README says "0 to 100, high score = good outcome": both wrong.
    low, high = score("dn4", answers([0] * 10)), score("dn4", answers([1] * 10))
    assert low.score_range == high.score_range == (0, 10)
    assert (low.score, low.positive, high.score, high.positive) == (0, False, 10, True)


def test_dn4_items_have_stable_ids_and_examination_items_are_clinician_entered() -> None:
    items = INSTRUMENTS["dn4"].info.items
    assert [item.id for item in items] == [f"q{i}" for i in range(1, 11)]
    assert [item.clinician_entered for item in items] == [False] * 7 + [True] * 3
    interview = INSTRUMENTS["dn4_interview"].info.items
    assert [item.id for item in interview] == [f"q{i}" for i in range(1, 8)]


def test_dn4_licence_forbids_item_text_and_descriptors_are_short() -> None:
    definition = INSTRUMENTS["dn4"]
    assert definition.licence.item_text_allowed is False
    assert definition.licence.status == "scoring_only"
    interview = [item for item in definition.info.items if item.part == "interview"]
    assert all(len(item.descriptor.split()) <= 5 for item in interview)
    result = score("dn4", answers([0] * 10))
    assert "Mapi" in result.licence or "fees" in result.licence


@settings(deadline=None)
@given(st.lists(st.booleans(), min_size=10, max_size=10), st.integers(0, 9))
def test_adding_a_yes_never_lowers_dn4(bits: list[bool], flip: int) -> None:
    before = score("dn4", answers([int(b) for b in bits]))
    bits[flip] = True
    after = score("dn4", answers([int(b) for b in bits]))
    assert after.score >= before.score  # type: ignore[operator]
    assert before.score in range(0, 11)
    assert after.positive is (after.score >= 4)  # type: ignore[operator]
