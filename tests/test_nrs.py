"""NRS 0-10: IMMPACT change bands in exact arithmetic (spec §8b, §11), optional severity bands."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from b12pain.errors import InputError
from b12pain.instruments import score
from b12pain.instruments.nrs import change_category


@pytest.mark.parametrize(
    ("vector", "baseline", "now", "category", "percent"),
    [
        ("NRS-A", 10, 7, "moderate", -30),
        ("NRS-B", 8, 7, "minimal", -12.5),
        ("NRS-C", 4, 2, "substantial", -50),
        ("one below 50", 10, 6, "moderate", -40),
        ("below 10", 10, 10, "no_important_change", 0),
        ("worse", 5, 6, "worse", 20),
    ],
)
def test_change_vectors(
    vector: str, baseline: int, now: int, category: str, percent: float
) -> None:
    result = score("nrs", {"nrs": now, "baseline": baseline})
    assert result.subscores["change_category"] == category, vector
    assert result.subscores["percent_change"] == percent
    assert result.category == category


def test_nrs_d_baseline_zero_reports_absolute_change_only() -> None:
    result = score("nrs", {"nrs": 3, "baseline": 0})
    assert result.subscores["percent_change"] is None
    assert result.subscores["change"] == 3


def test_d_b_weekly_means_exactly_30_percent_is_moderate() -> None:
    # 1 - 0.7 is 0.30000000000000004 in floats; 6.0 -> 4.2 must still be exactly 30 %.
    assert change_category(6.0, 4.2)[0] == "moderate"
    assert change_category(6.0, 4.21)[0] == "minimal"


@pytest.mark.parametrize("bad", [11, -1, 5.5, "7"])
def test_d_c_out_of_range_is_rejected(bad: object) -> None:
    with pytest.raises(InputError) as caught:
        score("nrs", {"nrs": bad})
    assert caught.value.problems[0].message == "a whole number from 0 to 10"


@pytest.mark.parametrize(
    ("bands", "value", "category"),
    [
        ("serlin", 4, "mild"),
        ("serlin", 5, "moderate"),
        ("serlin", 7, "severe"),
        ("boonstra", 5, "mild"),
        ("boonstra", 6, "moderate"),
        ("boonstra", 8, "severe"),
    ],
)
def test_severity_bands_only_on_request(bands: str, value: int, category: str) -> None:
    assert score("nrs", {"nrs": value}).category == "not_banded"
    result = score("nrs", {"nrs": value, "bands": bands})
    assert result.category == category
    assert any(c.source in ("serlin-1995", "boonstra-2016") for c in result.citations)


@settings(deadline=None)
@given(st.integers(0, 10), st.integers(1, 10))
def test_percent_thresholds_agree_with_integer_arithmetic(now: int, baseline: int) -> None:
    category, _ = change_category(baseline, now)
    drop100 = (baseline - now) * 100  # percent * baseline, exact
    if drop100 >= 50 * baseline:
        assert category == "substantial"
    elif drop100 >= 30 * baseline:
        assert category == "moderate"
    elif drop100 >= 10 * baseline:
        assert category == "minimal"
