"""Properties over every registered instrument: valid answers score within the documented range;
any invalid answer is refused with the item's field."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from b12pain.errors import InputError
from b12pain.instruments import INSTRUMENTS, score, score_profile_instruments
from b12pain.knowledge.schema.instruments import InstrumentItem


def valid(item: InstrumentItem) -> st.SearchStrategy[Any]:
    if item.answer == "yes_no":
        return st.booleans()
    if item.answer == "choice":
        return st.sampled_from(list(item.points))
    if item.answer == "areas":
        return st.lists(st.sampled_from(item.options), unique=True)
    assert item.minimum is not None and item.maximum is not None
    if item.answer == "integer":
        return st.integers(int(item.minimum), int(item.maximum))
    return st.floats(item.minimum, item.maximum, allow_nan=False)


def invalid(item: InstrumentItem) -> st.SearchStrategy[Any]:
    words = st.text(max_size=12)
    if item.answer == "yes_no":
        return st.one_of(words, st.integers(), st.floats(allow_nan=False), st.none())
    if item.answer == "choice":
        return words.filter(lambda w: w.strip().lower() not in item.points) | st.integers()
    if item.answer == "areas":
        return st.one_of(
            words, st.lists(st.sampled_from(item.options), min_size=1).map(lambda a: [*a, "elbow"])
        )
    assert item.minimum is not None and item.maximum is not None
    if item.answer == "integer":
        return st.one_of(
            st.integers(max_value=int(item.minimum) - 1),
            st.integers(min_value=int(item.maximum) + 1),
            st.floats(allow_nan=False).filter(lambda x: not x.is_integer()),
            words,
            st.booleans(),
        )
    return st.one_of(
        st.floats(max_value=item.minimum, exclude_max=True, allow_nan=False),
        st.floats(min_value=item.maximum, exclude_min=True),
        words,
        st.booleans(),
    )


def answers_for(instrument_id: str) -> st.SearchStrategy[dict[str, Any]]:
    items = INSTRUMENTS[instrument_id].info.items
    return st.fixed_dictionaries(
        {item.id: valid(item) for item in items if item.required},
        optional={item.id: valid(item) for item in items if not item.required},
    )


IDS = list(INSTRUMENTS)


@pytest.mark.parametrize("instrument_id", IDS)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_valid_answers_score_within_the_documented_range(
    instrument_id: str, data: st.DataObject
) -> None:
    answers = data.draw(answers_for(instrument_id))
    if instrument_id == "ichd3":
        assume(
            answers.get("migraine_days_per_month", 0) <= answers.get("headache_days_per_month", 0)
        )
    result = score(instrument_id, answers)
    low, high = result.score_range
    assert result.score is None or low <= result.score <= high
    assert result.citations and result.summary and result.clinician_summary
    assert result.summary != result.clinician_summary
    assert result.positive in (True, False, None)


@pytest.mark.parametrize("instrument_id", IDS)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_invalid_answer_is_refused_naming_the_item(
    instrument_id: str, data: st.DataObject
) -> None:
    answers = data.draw(answers_for(instrument_id))
    item = data.draw(st.sampled_from(INSTRUMENTS[instrument_id].info.items))
    bad = data.draw(invalid(item))
    if bad is None and not item.required:
        return  # an optional item may be left empty
    answers[item.id] = bad
    with pytest.raises(InputError) as caught:
        score(instrument_id, answers)
    assert f"{instrument_id}.{item.id}" in [p.field for p in caught.value.problems]


def test_unknown_instrument_and_problems_from_several_instruments_are_reported_together() -> None:
    with pytest.raises(InputError) as caught:
        score_profile_instruments({"paindetect": {}, "dn4": {"q1": "x"}, "nrs": {"nrs": 12}})
    fields = [p.field for p in caught.value.problems]
    assert fields[0] == "instruments.paindetect"
    assert "instruments.dn4.q1" in fields and "instruments.nrs.nrs" in fields
    with pytest.raises(InputError):
        score("bpi", {})
