"""LANSS and S-LANSS: spec §2 vectors (weights 5/5/3/2/1/5/3, >= 12), validation, licence."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from b12pain.errors import InputError
from b12pain.instruments import INSTRUMENTS, score


def answers(bits: list[int]) -> dict[str, bool]:
    return {f"q{i}": bool(bit) for i, bit in enumerate(bits, start=1)}


VECTORS = [
    ("L-A", [1, 1, 0, 1, 0, 0, 0], 12, True),
    ("L-B", [1, 0, 1, 1, 1, 0, 0], 11, False),
    ("L-C", [1, 1, 1, 1, 1, 1, 1], 24, True),
    ("L-D", [0, 0, 1, 1, 1, 0, 0], 6, False),
]


@pytest.mark.parametrize("instrument_id", ["lanss", "slanss"])
@pytest.mark.parametrize(("vector", "bits", "expected", "positive"), VECTORS)
def test_spec_vectors_for_both_versions(
    instrument_id: str, vector: str, bits: list[int], expected: int, positive: bool
) -> None:
    result = score(instrument_id, answers(bits))
    assert (result.score, result.positive) == (expected, positive), vector


def test_each_item_weight_alone() -> None:
    weights = [score("slanss", answers([int(i == j) for j in range(7)])).score for i in range(7)]
    assert weights == [5, 5, 3, 2, 1, 5, 3]


def test_lanss_examination_items_are_clinician_entered_and_slanss_are_self_tests() -> None:
    lanss = INSTRUMENTS["lanss"].info.items
    slanss = INSTRUMENTS["slanss"].info.items
    assert [i.clinician_entered for i in lanss] == [False] * 5 + [True] * 2
    assert not any(i.clinician_entered for i in slanss)
    assert [i.id for i in slanss] == [f"q{n}" for n in range(1, 8)]
    assert INSTRUMENTS["slanss"].licence.item_text_allowed is False


def test_invalid_answer_is_refused_with_field_value_and_allowed_values() -> None:
    with pytest.raises(InputError) as caught:
        score("slanss", answers([1] * 6) | {"q7": "sometimes"})
    [problem] = caught.value.problems
    assert (problem.field, problem.value, problem.message) == (
        "slanss.q7",
        "sometimes",
        "one of true, false",
    )


@settings(deadline=None)
@given(st.lists(st.booleans(), min_size=7, max_size=7), st.integers(0, 6))
def test_adding_a_yes_never_lowers_slanss(bits: list[bool], flip: int) -> None:
    before = score("slanss", answers([int(b) for b in bits]))
    bits[flip] = True
    after = score("slanss", answers([int(b) for b in bits]))
    assert 0 <= before.score <= after.score <= 24  # type: ignore[operator]
    assert after.positive is (after.score >= 12)  # type: ignore[operator]
