"""presentation.assessment: plain words for people, clinical words for clinicians, numbered
sources (clinical-spec §J.7, §J.13)."""

from __future__ import annotations

import datetime as dt
from typing import get_args

import pytest

from b12pain import assess, parse_profile
from b12pain.clinical.result import Band, Deficiency, TestingStatus, Urgency
from b12pain.knowledge import load
from b12pain.presentation.assessment import (
    LEVEL_WORDS,
    Footnotes,
    band_words,
    deficiency_words,
    footnotes_for,
    red_flag_headline,
    red_flag_text,
    urgency_words,
)
from b12pain.presentation.assessment import testing_words as words_for_testing

TODAY = dt.date(2026, 11, 24)


def test_red_flag_plain_summary_for_people_action_for_clinicians() -> None:
    result = assess(parse_profile({"age": 40, "symptoms": ["saddle_numbness"]}), TODAY)
    flag = result.red_flags[0]
    assert red_flag_text(flag) == flag.summary
    assert "Go to an emergency department now (in the UK: A&E or call 999)" in red_flag_text(flag)
    assert red_flag_text(flag, clinician=True) == flag.action
    assert red_flag_headline(result) == flag.summary
    assert red_flag_headline(assess(parse_profile({"age": 40}), TODAY)) is None


@pytest.mark.parametrize("band", get_args(Band))
@pytest.mark.parametrize("test", ["total_b12", "active_b12", "mma", "folate"])
def test_plain_band_words_never_say_deficiency_confirmed(test: str, band: Band) -> None:
    assert "deficiency confirmed" not in band_words(test, band).lower()
    assert band_words(test, band, clinician=True)


@pytest.mark.parametrize("deficiency", get_args(Deficiency))
def test_plain_deficiency_words_never_say_confirmed(deficiency: Deficiency) -> None:
    words = deficiency_words(deficiency)
    assert "deficiency confirmed" not in words.lower() and "confirmed" not in words.lower()
    assert deficiency_words(deficiency, clinician=True).startswith("Deficiency")


def test_every_urgency_and_testing_status_has_words() -> None:
    for urgency in get_args(Urgency):
        assert urgency_words(urgency) and urgency_words(urgency, clinician=True)
    for status in get_args(TestingStatus):
        assert words_for_testing(status) and words_for_testing(status, clinician=True)
    assert set(LEVEL_WORDS) == {"P", "P*", "S", "policy"}


def test_footnotes_number_each_citation_once_in_display_order() -> None:
    result = assess(
        parse_profile(
            {
                "age": 45,
                "diet": "vegan",
                "symptoms": ["fatigue", "saddle_numbness"],
                "labs": [{"test": "total_b12", "value": 140, "unit": "ng/L"}],
            }
        ),
        TODAY,
    )
    notes = footnotes_for(result)
    first_flag = notes.numbers_for(result.red_flags[0].citations)
    assert first_flag[0] == 1  # red flags are numbered first
    listed = notes.sources(load())
    assert [line.number for line in listed] == list(range(1, len(listed) + 1))
    assert len({(line.source, line.section, line.level) for line in listed}) == len(listed)
    assert all(line.title for line in listed)
    assert listed[0].text().startswith("1. bmjbp-ces")


def test_marks_reuse_numbers() -> None:
    notes = Footnotes()
    citations = load().get("cauda_equina").citations
    assert notes.mark(citations) == "[1,2,3]"
    assert notes.mark(citations[:1]) == "[1]"
    assert notes.mark(()) == ""


def test_test_names_are_plain_for_people_and_ids_for_clinicians() -> None:
    from b12pain.presentation.assessment import test_names as names

    kb = load()
    assert names(("total_b12", "folate"), kb) == (
        "vitamin B12 blood level (total B12), folate (folic acid) blood level"
    )
    assert names(("total_b12", "folate"), kb, clinician=True) == "total_b12, folate"
    assert names(("anti_intrinsic_factor_antibodies",), kb) == "anti intrinsic factor antibodies"
