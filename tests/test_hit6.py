"""HIT-6: spec §7 vectors at each band edge, range 36-78, and discrepancy 6 (no band above 78)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from b12pain.errors import InputError
from b12pain.instruments import INSTRUMENTS, score

WORDS = ["never", "rarely", "sometimes", "very_often", "always"]


def hit6(words: list[str]) -> dict[str, str]:
    return {f"q{i}": w for i, w in enumerate(words, start=1)}


@pytest.mark.parametrize(
    ("vector", "words", "total", "band"),
    [
        (
            "H-A",
            ["never", "rarely", "rarely", "rarely", "rarely", "very_often"],
            49,
            "little_or_no_impact",
        ),
        (
            "H-B",
            ["never", "rarely", "rarely", "rarely", "sometimes", "sometimes"],
            50,
            "some_impact",
        ),
        (
            "H-C",
            ["rarely", "rarely", "rarely", "sometimes", "sometimes", "very_often"],
            55,
            "some_impact",
        ),
        ("H-D", ["rarely", "rarely"] + ["sometimes"] * 4, 56, "substantial_impact"),
        ("H-E", ["rarely"] + ["sometimes"] * 4 + ["very_often"], 59, "substantial_impact"),
        ("H-F", ["sometimes"] * 6, 60, "severe_impact"),
        ("H-G min", ["never"] * 6, 36, "little_or_no_impact"),
        ("H-G max", ["always"] * 6, 78, "severe_impact"),
    ],
)
def test_spec_vectors(vector: str, words: list[str], total: int, band: str) -> None:
    result = score("hit6", hit6(words))
    assert (result.score, result.category) == (total, band), vector


def test_discrepancy_6_maximum_is_78_and_no_band_starts_above_it() -> None:
    info = INSTRUMENTS["hit6"].info
    assert info.score_maximum == 78
    assert all(band.minimum is None or band.minimum <= 78 for band in info.bands)
    assert score("hit6", hit6(["always"] * 6)).score_range == (36, 78)


def test_answers_are_the_published_words_only() -> None:
    with pytest.raises(InputError) as caught:
        score("hit6", hit6(["never"] * 5 + [13]))  # type: ignore[list-item]
    [problem] = caught.value.problems
    assert problem.field == "hit6.q6"
    assert problem.message == "one of never, rarely, sometimes, very_often, always"
    assert INSTRUMENTS["hit6"].licence.item_text_allowed is False


@settings(deadline=None)
@given(st.lists(st.sampled_from(WORDS), min_size=6, max_size=6))
def test_score_always_within_36_to_78(words: list[str]) -> None:
    assert 36 <= score("hit6", hit6(words)).score <= 78  # type: ignore[operator]
