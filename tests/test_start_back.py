"""Keele STarT Back: spec §9a vectors, the item-9 rule and the risk-group edges."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from b12pain.errors import InputError
from b12pain.instruments import INSTRUMENTS, score

BOTHER = ["not_at_all", "slightly", "moderately", "very_much", "extremely"]


def sbst(bits: list[int], bother: str) -> dict[str, object]:
    return {f"q{i}": bool(b) for i, b in enumerate(bits, start=1)} | {"q9": bother}


@pytest.mark.parametrize(
    ("vector", "bits", "bother", "total", "distress", "risk"),
    [
        ("SB-A", [1, 1, 1, 0, 0, 0, 0, 0], "moderately", 3, 0, "low_risk"),
        ("SB-B", [1, 0, 0, 0, 1, 1, 1, 0], "moderately", 4, 3, "medium_risk"),
        ("SB-C", [0, 0, 0, 0, 1, 1, 1, 0], "very_much", 4, 4, "high_risk"),
        ("SB-D", [1, 1, 1, 1, 1, 1, 1, 0], "slightly", 7, 3, "medium_risk"),
    ],
)
def test_spec_vectors(
    vector: str, bits: list[int], bother: str, total: int, distress: int, risk: str
) -> None:
    result = score("start_back", sbst(bits, bother))
    assert (result.score, result.subscores["distress"], result.category) == (
        total,
        distress,
        risk,
    ), vector


def test_item_9_counts_only_very_much_or_extremely() -> None:
    scores = [score("start_back", sbst([0] * 8, word)).score for word in BOTHER]
    assert scores == [0, 0, 0, 1, 1]


def test_no_item_text_and_q9_words_are_validated() -> None:
    assert INSTRUMENTS["start_back"].licence.item_text_allowed is False
    with pytest.raises(InputError) as caught:
        score("start_back", sbst([0] * 8, "a lot"))
    assert caught.value.problems[0].field == "start_back.q9"


@settings(deadline=None)
@given(st.lists(st.integers(0, 1), min_size=8, max_size=8), st.sampled_from(BOTHER))
def test_scores_in_range_and_rule_holds(bits: list[int], bother: str) -> None:
    result = score("start_back", sbst(bits, bother))
    total, distress = result.score, result.subscores["distress"]
    assert 0 <= distress <= 5 and 0 <= total <= 9  # type: ignore[operator]
    expected = "low_risk" if total <= 3 else ("high_risk" if distress >= 4 else "medium_risk")  # type: ignore[operator]
    assert result.category == expected
