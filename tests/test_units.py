"""Units: classify in the unit the threshold is published in; convert only for display (§A.5)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from b12pain.clinical.units import (
    classification_value,
    display_equivalent,
    published_units,
    to_unit,
)


@pytest.mark.parametrize(
    ("analyte", "value", "unit", "expected_value", "expected_unit"),
    [
        ("total_b12", 210, "ng/L", 210, "ng/L"),
        ("total_b12", 210, "pg/mL", 210, "ng/L"),  # identical quantity
        ("total_b12", 0.21, "ng/mL", 210, "ng/L"),  # 1 ng/mL = 1000 ng/L
        ("total_b12", 133, "pmol/L", 133, "pmol/L"),  # has its own published band: not converted
        ("active_b12", 25, "pmol/L", 25, "pmol/L"),
        ("mma", 400, "nmol/L", 0.4, "umol/L"),
        ("mma", 0.4, "nmol/mL", 0.4, "umol/L"),
        ("folate", 4.0, "ng/mL", 4.0, "ug/L"),
        ("haemoglobin", 12.5, "g/dL", 125, "g/L"),
    ],
)
def test_classification_unit(
    analyte: str, value: float, unit: str, expected_value: float, expected_unit: str
) -> None:
    measured = classification_value(analyte, value, unit)
    assert measured.unit == expected_unit
    assert measured.value == pytest.approx(expected_value)


def test_pmol_displayed_in_ng_l_with_basildon_factor() -> None:
    shown = display_equivalent("total_b12", 133, "pmol/L")
    assert shown is not None
    assert shown.unit == "ng/L"
    assert shown.value == pytest.approx(133 * 1.355)
    assert {c.source for c in shown.citations} == {"baspath"}


def test_no_display_equivalent_in_reference_unit() -> None:
    assert display_equivalent("total_b12", 200, "ng/L") is None


def test_ng_l_to_pmol_uses_inverse_factor() -> None:
    assert to_unit("total_b12", 180, "ng/L", "pmol/L") == pytest.approx(180 / 1.355)


def test_unlinked_units_raise() -> None:
    with pytest.raises(ValueError, match="no conversion"):
        to_unit("active_b12", 10, "pmol/L", "ng/L")


def test_published_units() -> None:
    assert published_units("total_b12") == ("ng/L", "pmol/L")
    assert published_units("active_b12") == ("pmol/L",)


values = st.floats(min_value=0.001, max_value=1e5, allow_nan=False, allow_infinity=False)


@given(values)
def test_total_b12_round_trip(value: float) -> None:
    ng = to_unit("total_b12", value, "pmol/L", "ng/L")
    assert to_unit("total_b12", ng, "ng/L", "pmol/L") == pytest.approx(value)


@given(values, st.sampled_from(["pg/mL", "ng/mL", "pmol/L"]))
def test_total_b12_round_trip_any_unit(value: float, unit: str) -> None:
    there = to_unit("total_b12", value, unit, "ng/L")
    assert to_unit("total_b12", there, "ng/L", unit) == pytest.approx(value)


@given(values, st.sampled_from(["nmol/L", "nmol/mL"]))
def test_mma_round_trip(value: float, unit: str) -> None:
    there = to_unit("mma", value, unit, "umol/L")
    assert to_unit("mma", there, "umol/L", unit) == pytest.approx(value)


def test_conversion_through_a_shared_unit() -> None:
    assert to_unit("total_b12", 200, "pg/mL", "ng/mL") == pytest.approx(0.2)
    assert to_unit("mma", 400, "nmol/L", "nmol/mL") == pytest.approx(0.4)


def test_no_display_equivalent_without_a_conversion() -> None:
    assert display_equivalent("active_b12", 30, "nmol/L") is None
    assert display_equivalent("unknown_test", 30, "x") is None
    assert published_units("unknown_test") == ()
