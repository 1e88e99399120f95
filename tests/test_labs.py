"""Lab bands exactly as §A.3 (boundaries indeterminate), next tests (§A.4) and caveat flags."""

from __future__ import annotations

import datetime as dt

import pytest

from b12pain.clinical.labs import LabContext, read_lab
from b12pain.clinical.profile import LabResult

TODAY = dt.date(2026, 11, 24)
ADULT = LabContext(today=TODAY)
SYMPTOMATIC = LabContext(today=TODAY, has_symptoms=True)


def band(test: str, value: float, unit: str, context: LabContext = ADULT) -> str:
    return read_lab(LabResult(test=test, value=value, unit=unit), context).band


# Every threshold, in every accepted unit, just below, at, and just above each boundary.
BOUNDARIES = [
    # total B12, ng/L and its identical / scaled units (NG239: <180, 180-350, >350)
    ("total_b12", "ng/L", 179.9, 180, 350, 350.1),
    ("total_b12", "pg/mL", 179.9, 180, 350, 350.1),
    ("total_b12", "ng/mL", 0.1799, 0.180, 0.350, 0.3501),
    # total B12 in pmol/L classified in pmol/L (<133, 133-258, >258)
    ("total_b12", "pmol/L", 132.9, 133, 258, 258.1),
    # active B12 (<25, 25-70, >70)
    ("active_b12", "pmol/L", 24.9, 25, 70, 70.1),
    # folate (ARUP: <=3.9 deficient, 4.0-5.8 indeterminate, >=5.9)
    ("folate", "ug/L", 3.9, 4.0, 5.8, 5.9),
    ("folate", "ng/mL", 3.9, 4.0, 5.8, 5.9),
]


@pytest.mark.parametrize(("test", "unit", "below", "low", "high", "above"), BOUNDARIES)
def test_band_boundaries(
    test: str, unit: str, below: float, low: float, high: float, above: float
) -> None:
    assert band(test, below, unit) == "deficiency_confirmed"
    assert band(test, low, unit) == "indeterminate"
    assert band(test, high, unit) == "indeterminate"
    assert band(test, above, unit) == "unlikely"


@pytest.mark.parametrize(
    ("unit", "at_limit", "above"),
    [("umol/L", 0.40, 0.41), ("nmol/mL", 0.40, 0.41), ("nmol/L", 400, 410)],
)
def test_mma_against_lab_upper_limit(unit: str, at_limit: float, above: float) -> None:
    """§J.6: without the lab's own limit the default is used (policy); band raised/within_range."""
    assert band("mma", at_limit, unit) == "within_range"
    raised = read_lab(LabResult(test="mma", value=above, unit=unit), ADULT)
    assert raised.band == "raised"
    assert {"mma_raised", "default_reference_limit"} <= set(raised.flags)
    assert raised.evidence == "policy"


def test_homocysteine_against_reference_range() -> None:
    assert band("homocysteine", 15, "umol/L") == "within_range"
    assert band("homocysteine", 15.1, "umol/L") == "raised"


def test_indeterminate_with_symptoms_advises_mma() -> None:
    reading = read_lab(LabResult(test="total_b12", value=210, unit="ng/L"), SYMPTOMATIC)
    assert reading.next_tests == ("mma",)
    assert any(c.source == "ng239-bmj" for c in reading.citations)


def test_indeterminate_without_symptoms_no_mma() -> None:
    assert read_lab(LabResult(test="total_b12", value=210, unit="ng/L"), ADULT).next_tests == ()


def test_mma_not_advised_when_already_measured() -> None:
    context = LabContext(today=TODAY, has_symptoms=True, measured=frozenset({"total_b12", "mma"}))
    assert read_lab(LabResult(test="total_b12", value=210, unit="ng/L"), context).next_tests == ()


def test_low_b12_suggests_intrinsic_factor_antibodies_unless_known() -> None:
    low = LabResult(test="total_b12", value=100, unit="ng/L")
    assert "anti_intrinsic_factor_antibodies" in read_lab(low, ADULT).next_tests
    known = LabContext(today=TODAY, autoimmune_gastritis_known=True)
    assert "anti_intrinsic_factor_antibodies" not in read_lab(low, known).next_tests


@pytest.mark.parametrize(("days", "interpretable"), [(0, False), (14, False), (15, True)])
def test_recent_injection(days: int, interpretable: bool) -> None:
    context = LabContext(today=TODAY, last_injection=TODAY - dt.timedelta(days=days))
    reading = read_lab(LabResult(test="total_b12", value=900, unit="ng/L", date=TODAY), context)
    assert (reading.band != "not_interpretable") is interpretable
    assert ("recent_injection" in reading.flags) is not interpretable


def test_pregnancy_caveat_keeps_band_and_prefers_active_b12() -> None:
    context = LabContext(today=TODAY, pregnant=True)
    reading = read_lab(LabResult(test="total_b12", value=150, unit="ng/L"), context)
    assert reading.band == "deficiency_confirmed"
    assert "pregnancy_caveat" in reading.flags
    assert "active_b12" in reading.next_tests


def test_combined_oral_contraceptive_caveat() -> None:
    context = LabContext(today=TODAY, combined_oral_contraceptive=True)
    reading = read_lab(LabResult(test="total_b12", value=200, unit="ng/L"), context)
    assert reading.band == "indeterminate"
    assert "cocp_caveat" in reading.flags


def test_renal_impairment_flags_raised_mma() -> None:
    context = LabContext(today=TODAY, renal_impairment=True)
    reading = read_lab(LabResult(test="mma", value=0.6, unit="umol/L"), context)
    assert "renal_impairment_raises_mma" in reading.flags
    assert any(c.source == "mayo-mma" for c in reading.citations)


def test_strong_features_with_normal_result() -> None:
    context = LabContext(today=TODAY, strong_features=True, has_symptoms=True)
    reading = read_lab(LabResult(test="total_b12", value=500, unit="ng/L"), context)
    assert reading.band == "unlikely"
    assert "strong_features_normal_result" in reading.flags
    assert reading.next_tests == ("mma",)


def test_raised_b12_flag() -> None:
    assert (
        "raised_b12"
        not in read_lab(LabResult(test="total_b12", value=914, unit="ng/L"), ADULT).flags
    )
    assert (
        "raised_b12" in read_lab(LabResult(test="total_b12", value=915, unit="ng/L"), ADULT).flags
    )


def test_black_ethnicity_caution_is_display_only() -> None:
    context = LabContext(today=TODAY, black_ethnicity=True)
    reading = read_lab(LabResult(test="total_b12", value=179, unit="ng/L"), context)
    assert reading.band == "deficiency_confirmed"
    assert "black_ethnicity_caution" in reading.flags


@pytest.mark.parametrize(
    ("test", "value", "unit"),
    [
        ("total_b12", 20001, "ng/L"),
        ("total_b12", 25, "ng/mL"),
        ("active_b12", 2001, "pmol/L"),
        ("mma", 101, "umol/L"),
    ],
)
def test_implausible_values_are_not_interpretable(test: str, value: float, unit: str) -> None:
    reading = read_lab(LabResult(test=test, value=value, unit=unit), SYMPTOMATIC)
    assert reading.band == "not_interpretable"
    assert "implausible_value" in reading.flags
    assert reading.next_tests == ()


def test_plausible_edge_is_interpreted() -> None:
    assert band("total_b12", 20000, "ng/L") == "unlikely"
    assert band("total_b12", 20, "ng/L") == "deficiency_confirmed"


def test_haemoglobin_and_mcv_use_lab_range() -> None:
    no_range = read_lab(LabResult(test="mcv", value=99, unit="fL"), ADULT)
    assert no_range.band == "not_interpretable"
    assert "no_reference_range" in no_range.flags
    high = read_lab(
        LabResult(test="mcv", value=105, unit="fL", reference_low=80, reference_high=100), ADULT
    )
    assert high.band == "indeterminate" and "above_lab_range" in high.flags
    normal = read_lab(
        LabResult(test="mcv", value=90, unit="fL", reference_low=80, reference_high=100), ADULT
    )
    assert normal.band == "unlikely" and "normal_mcv_does_not_exclude" in normal.flags
    low_hb = read_lab(
        LabResult(test="haemoglobin", value=10.1, unit="g/dL", reference_low=12, reference_high=16),
        ADULT,
    )
    assert low_hb.band == "indeterminate" and "below_lab_range" in low_hb.flags


def test_children_are_not_read_against_adult_thresholds() -> None:
    context = LabContext(today=TODAY, adult=False)
    reading = read_lab(LabResult(test="total_b12", value=100, unit="ng/L"), context)
    assert reading.band == "not_interpretable"
    assert "out_of_scope_age" in reading.flags


def test_nitrous_oxide_makes_total_b12_unreliable() -> None:
    context = LabContext(today=TODAY, nitrous_oxide=True, strong_features=True)
    reading = read_lab(LabResult(test="total_b12", value=420, unit="ng/L"), context)
    assert "nitrous_oxide_unreliable" in reading.flags
    assert reading.next_tests == ("homocysteine",)


def test_every_reading_is_cited() -> None:
    for test, unit, value in [("total_b12", "ng/L", 200), ("folate", "ug/L", 3), ("mcv", "fL", 90)]:
        assert read_lab(LabResult(test=test, value=value, unit=unit), ADULT).citations


def test_lab_range_that_reads_differently_is_surfaced_not_applied() -> None:
    local = read_lab(LabResult(test="total_b12", value=170, unit="ng/L", reference_low=150), ADULT)
    assert local.band == "deficiency_confirmed"  # NICE band stays
    assert "lab_range_differs" in local.flags
    assert any(c.source == "ruh" for c in local.citations)
    agreeing = read_lab(
        LabResult(test="total_b12", value=170, unit="ng/L", reference_low=180), ADULT
    )
    assert "lab_range_differs" not in agreeing.flags
    high_floor = read_lab(
        LabResult(test="total_b12", value=400, unit="ng/L", reference_low=450), ADULT
    )
    assert high_floor.band == "unlikely" and "lab_range_differs" in high_floor.flags
    grey = read_lab(LabResult(test="total_b12", value=200, unit="ng/L", reference_low=150), ADULT)
    assert "lab_range_differs" not in grey.flags


def test_band_evidence_level_is_labelled() -> None:
    def evidence(test: str, value: float, unit: str) -> str:
        return read_lab(LabResult(test=test, value=value, unit=unit), ADULT).evidence

    assert evidence("total_b12", 200, "ng/L") == "secondary"  # NG239 bands read in S sources
    assert evidence("active_b12", 30, "pmol/L") == "secondary"
    assert evidence("mma", 0.3, "umol/L") == "policy"  # default limit without the lab's own
    assert evidence("folate", 5, "ug/L") == "primary"
    assert evidence("mcv", 90, "fL") == "policy"  # the lab's own range
    assert evidence("total_b12", 30000, "ng/L") == "policy"  # plausibility limit
