"""instruments-spec.md §12, "Discrepancies found in secondary sources", one regression test each."""

from __future__ import annotations

from b12pain.instruments import INSTRUMENTS, omitted, score
from b12pain.instruments.nrs import change_category
from b12pain.knowledge import load
from b12pain.knowledge.schema.instruments import InstrumentLicence


def test_1_dn4_is_0_to_10_and_a_high_score_means_neuropathic_not_good_outcome() -> None:
    top = score("dn4", {f"q{i}": True for i in range(1, 11)})
    assert top.score_range == (0, 10) and top.score == 10 and top.positive is True


def test_2_and_9_paindetect_is_not_implemented_and_its_holder_is_not_asserted() -> None:
    assert "paindetect" not in INSTRUMENTS
    licence = load().typed("licence.paindetect", InstrumentLicence)
    assert licence.status == "omitted"
    assert "not confirmed" in licence.holder.lower()  # only Pfizer funding was confirmed
    assert "Pfizer" in licence.holder


def test_3_lanss_items_4_and_5_weigh_2_and_1() -> None:
    weights = [item.points["yes"] for item in INSTRUMENTS["lanss"].info.items]
    assert weights == [5, 5, 3, 2, 1, 5, 3]


def test_4_mnsi_uses_michigan_scoring_not_phenx_count_of_yes() -> None:
    all_yes = {f"q{i}": True for i in range(1, 16)}
    assert score("mnsi", all_yes).score == 11


def test_5_acr_2016_uses_wpi_4_to_6_not_3_to_6() -> None:
    answers = {
        "painful_areas": ["shoulder_girdle_left", "shoulder_girdle_right", "hip_left"],
        "fatigue": 3,
        "waking_unrefreshed": 3,
        "cognitive_symptoms": 3,
        "headaches": True,
        "lower_abdominal_pain": True,
        "depression": True,
        "duration_months": 12,
    }
    assert score("acr2016", answers).positive is False  # WPI 3, SSS 12: met under 2010, not 2016
    assert INSTRUMENTS["acr2016"].info.parameters["wpi_mid_minimum"] == 4


def test_6_hit6_has_no_band_above_its_maximum_78() -> None:
    info = INSTRUMENTS["hit6"].info
    assert info.score_maximum == 78
    assert max(b.maximum or 0 for b in info.bands) == 78


def test_7_ichd3_aura_rule_is_2018_three_of_six() -> None:
    two_characteristics = {
        "with_aura_attacks": 2,
        "aura_visual": True,
        "aura_fully_reversible": True,
        "aura_gradual_spread": True,
        "aura_headache_within_60_min": True,
    }
    assert score("ichd3", two_characteristics).category == "probable_migraine_with_aura"
    assert INSTRUMENTS["ichd3"].info.parameters["aura_characteristics_minimum"] == 3


def test_8_odi_is_not_shipped_and_bands_elsewhere_do_not_overlap() -> None:
    assert "odi" not in INSTRUMENTS
    for definition in INSTRUMENTS.values():
        ranged = [
            b for b in definition.info.bands if b.minimum is not None and b.maximum is not None
        ]
        for a in ranged:
            for b in ranged:
                if a is not b:
                    assert a.maximum < b.minimum or b.maximum < a.minimum  # type: ignore[operator]


def test_bpi_is_left_out_and_imprecise_percentages_are_exact() -> None:
    assert {e.id for e in omitted()} == {"licence.paindetect", "licence.bpi"}
    assert change_category(10, 9)[0] == "minimal"  # exactly 10 %
    assert change_category(10, 9.1)[0] == "no_important_change"  # 9 %
