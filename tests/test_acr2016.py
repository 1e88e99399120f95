"""ACR 2016 fibromyalgia criteria and FS scale: spec §4 vectors, FS bands, discrepancy 5."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from b12pain.errors import InputError
from b12pain.instruments import INSTRUMENTS, score

AREAS = INSTRUMENTS["acr2016"].info.items[0].options

FM_A = [
    "shoulder_girdle_left",
    "shoulder_girdle_right",
    "hip_left",
    "hip_right",
    "neck",
    "lower_back",
    "upper_leg_left",
]
FM_B = [
    "shoulder_girdle_left",
    "upper_arm_right",
    "hip_left",
    "lower_leg_right",
    "lower_back",
    "neck",
]
FM_D = [
    "jaw_left",
    "jaw_right",
    "chest",
    "abdomen",
    "neck",
    "upper_back",
    "lower_back",
    "shoulder_girdle_left",
]


def acr(
    areas: list[str], sss: tuple[int, int, int, int, int, int], months: float
) -> dict[str, Any]:
    fatigue, waking, cognitive, headaches, abdominal, depression = sss
    return {
        "painful_areas": areas,
        "fatigue": fatigue,
        "waking_unrefreshed": waking,
        "cognitive_symptoms": cognitive,
        "headaches": bool(headaches),
        "lower_abdominal_pain": bool(abdominal),
        "depression": bool(depression),
        "duration_months": months,
    }


@pytest.mark.parametrize(
    ("vector", "answers", "wpi", "sss", "fs", "regions", "meets", "fs_category"),
    [
        ("FM-A", acr(FM_A, (2, 2, 1, 0, 0, 0), 4), 7, 5, 12, 5, True, "severe"),
        ("FM-B", acr(FM_B, (3, 3, 2, 1, 0, 0), 6), 6, 9, 15, 5, True, "severe"),
        ("FM-C", acr(FM_B, (3, 3, 2, 0, 0, 0), 6), 6, 8, 14, 5, False, "severe"),
        ("FM-D", acr(FM_D, (3, 3, 3, 1, 1, 1), 12), 8, 12, 20, 2, False, "very_severe"),
        ("FM-E", acr(FM_A, (2, 2, 1, 0, 0, 0), 2), 7, 5, 12, 5, False, "severe"),
    ],
)
def test_spec_vectors(
    vector: str,
    answers: dict[str, Any],
    wpi: int,
    sss: int,
    fs: int,
    regions: int,
    meets: bool,
    fs_category: str,
) -> None:
    result = score("acr2016", answers)
    data = result.to_json_dict()
    assert (data["wpi"], data["sss"], data["fs"], data["regions"]) == (wpi, sss, fs, regions), (
        vector
    )
    assert result.positive is meets
    assert result.category == ("meets_criteria" if meets else "criteria_not_met")
    assert result.subscores["fs_category"] == fs_category
    assert result.score == fs


def test_fm_d_says_generalised_pain_is_what_is_missing() -> None:
    result = score("acr2016", acr(FM_D, (3, 3, 3, 1, 1, 1), 12))
    assert "4 of 5 body regions" in result.summary
    assert "pain-extent" not in result.summary


@pytest.mark.parametrize(
    ("fs", "category"),
    [
        (3, "none"),
        (4, "mild"),
        (7, "mild"),
        (8, "moderate"),
        (11, "moderate"),
        (12, "severe"),
        (19, "severe"),
        (20, "very_severe"),
        (31, "very_severe"),
    ],
)
def test_fs_category_boundaries(fs: int, category: str) -> None:
    wpi = min(fs, 19)
    sss = fs - wpi
    fatigue, waking, cognitive = min(sss, 3), min(max(sss - 3, 0), 3), min(max(sss - 6, 0), 3)
    extra = max(sss - 9, 0)
    answers = acr(
        list(AREAS[:wpi]),
        (fatigue, waking, cognitive, int(extra > 0), int(extra > 1), int(extra > 2)),
        6,
    )
    result = score("acr2016", answers)
    assert result.subscores["fs"] == fs
    assert result.subscores["fs_category"] == category


def test_discrepancy_5_wpi_3_is_the_2010_rule_not_2016() -> None:
    three = ["shoulder_girdle_left", "hip_right", "lower_back"]  # 3 regions only anyway
    result = score("acr2016", acr(three, (3, 3, 3, 0, 0, 0), 12))
    assert result.subscores["wpi"] == 3 and result.positive is False
    four = ["shoulder_girdle_left", "shoulder_girdle_right", "hip_left", "hip_right"]
    assert score("acr2016", acr(four, (3, 3, 3, 0, 0, 0), 12)).positive is True  # WPI 4, SSS 9


def test_wpi_7_needs_sss_5_and_duration_exactly_3_months_counts() -> None:
    assert score("acr2016", acr(FM_A, (2, 1, 1, 0, 0, 0), 4)).positive is False  # SSS 4
    assert score("acr2016", acr(FM_A, (2, 2, 1, 0, 0, 0), 3)).positive is True
    assert score("acr2016", acr(FM_A, (2, 2, 1, 0, 0, 0), 2.9)).positive is False


def test_jaw_chest_abdomen_do_not_make_a_region_count() -> None:
    areas = ["jaw_left", "jaw_right", "hip_left", "hip_right", "chest", "abdomen", "upper_leg_left"]
    result = score("acr2016", acr(areas, (3, 3, 3, 0, 0, 0), 12))
    assert result.subscores["regions"] == 2  # both lower regions; jaw/chest/abdomen ignored


def test_invalid_fields_are_all_reported() -> None:
    bad = acr(["elbow", "neck"], (4, 2, 1, 0, 0, 0), -1) | {"fatigue": 4, "depression": "often"}
    with pytest.raises(InputError) as caught:
        score("acr2016", bad)
    fields = {p.field: p.message for p in caught.value.problems}
    assert set(fields) == {
        "acr2016.painful_areas",
        "acr2016.fatigue",
        "acr2016.depression",
        "acr2016.duration_months",
    }
    assert "lower_back" in fields["acr2016.painful_areas"]
    assert fields["acr2016.fatigue"] == "a whole number from 0 to 3"


@settings(deadline=None)
@given(
    st.lists(st.sampled_from(AREAS), unique=True),
    st.tuples(
        st.integers(0, 3),
        st.integers(0, 3),
        st.integers(0, 3),
        st.integers(0, 1),
        st.integers(0, 1),
        st.integers(0, 1),
    ),
    st.floats(0, 1200),
)
def test_scores_stay_in_range_and_fs_at_least_12_when_met(
    areas: list[str], sss: tuple[int, int, int, int, int, int], months: float
) -> None:
    result = score("acr2016", acr(areas, sss, months))
    assert 0 <= result.subscores["wpi"] <= 19
    assert 0 <= result.subscores["sss"] <= 12
    assert 0 <= result.subscores["regions"] <= 5
    assert result.subscores["fs"] == result.subscores["wpi"] + result.subscores["sss"]
    if result.positive:
        assert result.subscores["fs"] >= 12
