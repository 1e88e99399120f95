"""The instrument catalogue: every instrument of issue 3, stable item ids, bands, licences, and the
pain-type profile built from results."""

from __future__ import annotations

from typing import Any

import pytest

from b12pain.instruments import (
    INSTRUMENTS,
    instruments_for_assessment,
    omitted,
    pain_type_profile,
    score,
    score_profile_instruments,
)
from b12pain.knowledge import load

#: Item-based instruments and their item counts, fixed by the issue's answer-file section.
ITEM_COUNTS = {
    "dn4": 10,
    "dn4_interview": 7,
    "slanss": 7,
    "lanss": 7,
    "mnsi": 15,
    "rmdq": 24,
    "start_back": 9,
    "midas": 5,
    "hit6": 6,
}


def test_every_instrument_of_the_issue_is_registered() -> None:
    expected = set(ITEM_COUNTS) | {"nrs", "acr2016", "ichd3", "mnsi_exam"}
    assert set(INSTRUMENTS) == expected


@pytest.mark.parametrize(("instrument_id", "count"), ITEM_COUNTS.items())
def test_items_are_q1_to_qn_in_published_order(instrument_id: str, count: int) -> None:
    ids = [item.id for item in INSTRUMENTS[instrument_id].info.items]
    assert ids == [f"q{i}" for i in range(1, count + 1)]


def test_acr2016_fields_are_the_issue_names() -> None:
    ids = [item.id for item in INSTRUMENTS["acr2016"].info.items]
    assert ids == [
        "painful_areas",
        "fatigue",
        "waking_unrefreshed",
        "cognitive_symptoms",
        "headaches",
        "lower_abdominal_pain",
        "depression",
        "duration_months",
    ]
    assert len(INSTRUMENTS["acr2016"].info.items[0].options) == 19


@pytest.mark.parametrize("instrument_id", list(INSTRUMENTS))
def test_bands_do_not_overlap_and_cover_every_whole_score(instrument_id: str) -> None:
    info = INSTRUMENTS[instrument_id].info
    ranged = [b for b in info.bands if b.minimum is not None or b.maximum is not None]
    if not ranged or instrument_id == "start_back":
        return  # rule-based categories (ICHD-3, STarT Back) or no bands (NRS, RMDQ)
    for value in range(int(info.score_minimum), int(info.score_maximum) + 1):
        assert sum(b.contains(value) for b in ranged) == 1, (instrument_id, value)


@pytest.mark.parametrize("instrument_id", list(INSTRUMENTS))
def test_every_instrument_has_a_cited_licence_and_citations(instrument_id: str) -> None:
    definition = INSTRUMENTS[instrument_id]
    assert definition.info.citations
    assert definition.licence.citations
    assert definition.licence.status in ("free", "scoring_only")
    sources = load().sources
    assert all(c.source in sources for c in definition.info.citations)


def test_paindetect_and_bpi_are_left_out_with_the_reason() -> None:
    left_out = {entry.id: entry.summary for entry in omitted()}
    assert set(left_out) == {"licence.paindetect", "licence.bpi"}
    assert not {"paindetect", "bpi"} & set(INSTRUMENTS)


def dn4(positive: bool) -> dict[str, bool]:
    return {f"q{i}": positive and i <= 4 for i in range(1, 11)}


FIBRO = {
    "painful_areas": [
        "shoulder_girdle_left",
        "shoulder_girdle_right",
        "hip_left",
        "hip_right",
        "neck",
        "lower_back",
        "upper_leg_left",
    ],
    "fatigue": 2,
    "waking_unrefreshed": 2,
    "cognitive_symptoms": 1,
    "headaches": False,
    "lower_abdominal_pain": False,
    "depression": False,
    "duration_months": 6,
}
MIGRAINE = {
    "without_aura_attacks": 6,
    "attack_hours": 10,
    "unilateral": True,
    "pulsating": True,
    "nausea_or_vomiting": True,
}
BACK = {f"q{i}": i in (1, 5, 6, 7) for i in range(1, 9)} | {"q9": "very_much"}


def supported(answers: dict[str, Any]) -> dict[str, Any]:
    return {s.pain_type: s for s in pain_type_profile(score_profile_instruments(answers))}


def test_neuropathic_screen_supports_nerve_pain_and_says_deficiency_neuropathy_is_treatable() -> (
    None
):
    found = supported({"dn4": dn4(True)})
    assert set(found) == {"peripheral_neuropathy"}
    nerve = found["peripheral_neuropathy"]
    assert nerve.b12_evidence == "treatable_if_deficient"
    assert nerve.supported_by == ("dn4",)
    assert "treated" in nerve.summary and "not been shown" in nerve.summary
    assert {c.source for c in nerve.citations} >= {"ng239-bmj", "cks-2020"}
    assert supported({"dn4": dn4(False)}) == {}


def test_back_fibromyalgia_migraine_say_limited_or_emerging_with_the_source() -> None:
    found = supported({"start_back": BACK, "acr2016": FIBRO, "ichd3": MIGRAINE})
    assert set(found) == {"back_pain", "fibromyalgia", "migraine"}
    assert found["back_pain"].b12_evidence == "limited"
    assert found["fibromyalgia"].b12_evidence == "limited"
    assert found["migraine"].b12_evidence == "emerging"
    for support in found.values():
        assert "seed-article" in {c.source for c in support.citations}
        assert support.evidence  # the clinical pain_type entry's evidence text, reused by id
        assert (
            "limited" in support.clinician_summary.lower()
            or "emerging" in support.clinician_summary.lower()
        )


def test_sciatica_needs_leg_spread_and_a_positive_neuropathic_screen() -> None:
    assert "sciatica" in supported(
        {"start_back": BACK, "slanss": {f"q{i}": True for i in range(1, 8)}}
    )
    assert "sciatica" not in supported({"start_back": BACK | {"q1": False}, "dn4": dn4(True)})
    assert "sciatica" not in supported({"start_back": BACK, "dn4": dn4(False)})


def test_mnsi_supports_diabetic_and_peripheral_neuropathy() -> None:
    mnsi = {f"q{i}": i in (1, 2, 3, 5, 11, 12, 7) for i in range(1, 16)}
    assert set(supported({"mnsi": mnsi})) == {"peripheral_neuropathy", "diabetic_neuropathy"}


def test_for_assessment_lists_positive_neuropathic_screens_and_the_section() -> None:
    linked = instruments_for_assessment({"dn4": dn4(True), "acr2016": FIBRO, "nrs": {"nrs": 6}})
    assert linked.neuropathic_positive == ("dn4",)
    assert linked.neuropathic_citations
    assert [entry["instrument"] for entry in linked.section] == ["nrs", "dn4", "acr2016"]
    assert all({"score", "category", "citations"} <= set(entry) for entry in linked.section)
    assert set(linked.supported_pain_types) == {"peripheral_neuropathy", "fibromyalgia"}
    negative = instruments_for_assessment({"dn4": dn4(False)})
    assert negative.neuropathic_positive == () and negative.pain_types == ()


def test_results_never_use_diagnostic_wording() -> None:
    results = score_profile_instruments(
        {"dn4": dn4(True), "acr2016": FIBRO, "ichd3": MIGRAINE, "start_back": BACK}
    )
    text = " ".join(r.summary + " " + r.clinician_summary for r in results).lower()
    for phrase in ("meets criteria for", "consistent with", "you have", "diagnosed with"):
        assert phrase not in text
    assert score("dn4", dn4(True)).summary.endswith("not a diagnosis.")


@pytest.mark.parametrize("instrument_id", list(INSTRUMENTS))
def test_item_points_are_halves_so_float_sums_are_exact(instrument_id: str) -> None:
    for item in INSTRUMENTS[instrument_id].info.items:
        for value in item.points.values():
            assert (value * 2).is_integer(), (instrument_id, item.id, value)
