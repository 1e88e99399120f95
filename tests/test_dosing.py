"""clinical.dosing: scheduled doses inside cited regimens, recorded doses bounded by plausibility,
and plain comparisons with the cited regimens (clinical-spec §J.9; issue 10)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from b12pain.clinical.dosing import (
    amount_text,
    check_recorded_dose,
    check_scheduled_dose,
    compare_with_regimens,
    describe_comparisons,
)
from b12pain.knowledge import load
from b12pain.knowledge.schema.clinical import DoseLimit, Regimen

KB = load()
REGIMENS = {r.id: r for r in KB.of_kind("regimen", Regimen)}
SCHEDULABLE = sorted(rid for rid, r in REGIMENS.items() if r.doses)


def _fields(check: object) -> list[str]:
    return [p.field for p in check.problems]  # type: ignore[attr-defined]


# --- scheduled doses: inside a cited regimen -------------------------------------------------


@pytest.mark.parametrize(
    ("regimen_id", "amount", "route", "every_days", "phase"),
    [
        ("oral_cyanocobalamin_dietary", 50, "oral", 1, "daily"),
        ("oral_cyanocobalamin_dietary", 150, "oral", 1, "daily"),
        ("oral_cyanocobalamin_malabsorption", 1000, "oral", 1, "daily"),
        ("oral_cyanocobalamin_malabsorption", 2000, "oral", 1, "daily"),
        ("im_hydroxocobalamin_no_neuro", 1000, "im", 2, "loading"),
        ("im_hydroxocobalamin_no_neuro", 1000, "im", 3, "loading"),
        ("im_hydroxocobalamin_no_neuro", 1000, "im", 92, "maintenance"),
        ("im_hydroxocobalamin_neuro", 1000, "im", 2, "loading"),
        ("im_hydroxocobalamin_neuro", 1000, "im", 61, "maintenance"),
        ("im_lifelong_autoimmune_gastritis", 1000, "im", 60, "maintenance"),
        ("nitrous_oxide_related", 1000, "oral", 1, "daily"),
        ("nitrous_oxide_related", 1000, "im", 2, "loading"),
        ("oral_cyanocobalamin_dietary", 100, "oral", None, "daily"),
    ],
)
def test_doses_of_the_cited_regimens_are_inside(
    regimen_id: str, amount: float, route: str, every_days: int | None, phase: str
) -> None:
    check = check_scheduled_dose(KB, regimen_id, amount, route, every_days)
    assert check.inside and check.problems == ()
    assert check.phase == phase
    assert check.citations, "an inside dose names the sources of its numbers"


def test_999999_on_malabsorption_regimen_is_refused_with_the_cited_window() -> None:
    """Issue 10: `plan start oral_cyanocobalamin_malabsorption --amount 999999` was accepted."""
    check = check_scheduled_dose(KB, "oral_cyanocobalamin_malabsorption", 999999, "oral", 1)
    assert not check.inside
    (problem,) = check.problems
    assert (problem.field, problem.value) == ("amount_ug", "999999")
    assert "1000-2000 µg a day" in problem.allowed


def test_open_ended_regimen_is_capped_at_highest_cited_dose() -> None:
    """ "At least 1 mg" is capped at the highest oral dose a cited source gives (2000 µg)."""
    window = REGIMENS["oral_cyanocobalamin_malabsorption"].doses[0]
    assert window.cap is not None and window.max_ug == 2000
    assert check_scheduled_dose(KB, "oral_cyanocobalamin_malabsorption", 2000, "oral", 1).inside
    assert not check_scheduled_dose(KB, "oral_cyanocobalamin_malabsorption", 2001, "oral", 1).inside
    cited = {c.source for c in REGIMENS["oral_cyanocobalamin_malabsorption"].citations}
    assert set(window.sources) <= cited


def test_made_up_regimen_is_refused_listing_the_allowed_ids() -> None:
    """Issue 10: an import accepted a plan with a made-up regimen id and 999,999 µg IM."""
    check = check_scheduled_dose(KB, "made_up_regimen", 999999, "im", 1)
    assert not check.inside
    (problem,) = check.problems
    assert problem.field == "regimen_id" and problem.value == "made_up_regimen"
    for rid in SCHEDULABLE:
        assert rid in problem.allowed


@pytest.mark.parametrize("regimen_id", ["folate_with_b12", "severe_anaemia_potassium"])
def test_regimens_without_doses_cannot_be_scheduled(regimen_id: str) -> None:
    check = check_scheduled_dose(KB, regimen_id, 1000, "oral", 1)
    assert _fields(check) == ["regimen_id"]


def test_amount_of_another_regimen_names_that_regimen() -> None:
    """Errors point the way: 1000 µg on the dietary regimen names the malabsorption regimen."""
    check = check_scheduled_dose(KB, "oral_cyanocobalamin_dietary", 1000, "oral", 1)
    (problem,) = check.problems
    assert problem.field == "amount_ug"
    assert "50-150 µg a day" in problem.allowed
    assert "oral_cyanocobalamin_malabsorption" in problem.allowed


def test_wrong_route_and_wrong_spacing_are_refused_by_field() -> None:
    assert _fields(check_scheduled_dose(KB, "oral_cyanocobalamin_dietary", 100, "im", 1)) == [
        "route"
    ]
    spacing = check_scheduled_dose(KB, "im_hydroxocobalamin_no_neuro", 1000, "im", 30)
    assert _fields(spacing) == ["every_days"]
    assert "loading" in spacing.problems[0].allowed and "maintenance" in spacing.problems[0].allowed
    daily_injection = check_scheduled_dose(KB, "im_hydroxocobalamin_neuro", 1000, "im", 1)
    assert _fields(daily_injection) == ["every_days"]


def test_sublingual_is_not_oral_without_a_source() -> None:
    check = check_scheduled_dose(KB, "oral_cyanocobalamin_malabsorption", 1000, "sublingual", 1)
    (problem,) = check.problems
    assert problem.field == "route" and "sublingual" in problem.allowed
    assert not any(w.route == "sublingual" for r in REGIMENS.values() for w in r.doses)


def test_form_must_be_known_and_taken_by_the_route() -> None:
    ok = check_scheduled_dose(KB, "im_hydroxocobalamin_no_neuro", 1000, "im", 2, form="injection")
    assert ok.inside
    wrong = check_scheduled_dose(KB, "im_hydroxocobalamin_no_neuro", 1000, "im", 2, form="tablet")
    assert _fields(wrong) == ["form"] and "injection" in wrong.problems[0].allowed
    unknown = check_scheduled_dose(KB, "oral_cyanocobalamin_dietary", 100, "oral", 1, form="patch")
    assert _fields(unknown) == ["form"]


@pytest.mark.parametrize("amount", [0, -5, math.nan, math.inf])
def test_non_positive_or_non_finite_amount_is_refused(amount: float) -> None:
    check = check_scheduled_dose(KB, "oral_cyanocobalamin_dietary", amount, "oral", 1)
    assert not check.inside and "amount_ug" in _fields(check)
    assert "amount_ug" in _fields(check_recorded_dose(KB, amount, "tablet", "oral"))
    assert compare_with_regimens(KB, amount, "oral", 1) == ()


def test_zero_or_negative_spacing_is_refused() -> None:
    assert _fields(check_scheduled_dose(KB, "oral_cyanocobalamin_dietary", 100, "oral", 0)) == [
        "every_days"
    ]


# --- recorded doses: bounded by plausibility only --------------------------------------------


def test_1000_ug_tablet_can_be_recorded() -> None:
    """Issue 10: a person taking the common 1000 µg tablet could not record it at all."""
    check = check_recorded_dose(KB, 1000, "tablet", "oral")
    assert check.inside and check.problems == ()


def test_999999_ug_recorded_is_refused_with_the_policy_limit_and_reason() -> None:
    check = check_recorded_dose(KB, 999999, "tablet", "oral")
    (problem,) = check.problems
    assert problem.field == "amount_ug" and problem.value == "999999"
    assert "10000 µg" in problem.allowed and "policy" in problem.allowed
    assert all(c.level == "policy" for c in check.citations)


def test_plausibility_limits_are_policy_and_give_a_reason() -> None:
    limits = KB.of_kind("dose_limit", DoseLimit)
    assert {route for lim in limits for route in lim.routes} == {"oral", "sublingual", "im"}
    for limit in limits:
        assert limit.reason and all(c.level == "policy" for c in limit.citations)


def test_recorded_injection_limit_and_form_route_agreement() -> None:
    assert check_recorded_dose(KB, 1000, "injection", "im").inside
    assert _fields(check_recorded_dose(KB, 50000, "injection", "im")) == ["amount_ug"]
    assert _fields(check_recorded_dose(KB, 1000, "injection", "oral")) == ["route"]
    assert _fields(check_recorded_dose(KB, 1000, "patch", "oral")) == ["form"]
    assert _fields(check_recorded_dose(KB, 1000, "tablet", "nasal")) == ["route"]
    assert check_recorded_dose(KB, 5000, "lozenge", "sublingual").inside


# --- comparisons ------------------------------------------------------------------------------


def test_1000_ug_a_day_compared_in_plain_words_with_citations() -> None:
    comparisons = compare_with_regimens(KB, 1000, "oral", 1)
    by_id = {c.regimen_id: c for c in comparisons}
    assert by_id["oral_cyanocobalamin_malabsorption"].relation == "floor"
    assert "NICE floor for absorption problems" in by_id["oral_cyanocobalamin_malabsorption"].text
    dietary = by_id["oral_cyanocobalamin_dietary"]
    assert dietary.relation == "above" and "about 10 times the UK dose" in dietary.text
    assert all(c.citations for c in comparisons)
    sentence = describe_comparisons(comparisons)
    assert (
        sentence.startswith("1000 µg a day is the NICE floor for absorption problems")
        and "about 10 times the UK dose for diet-related deficiency" in sentence
    )


def test_comparison_numbers_come_from_knowledge() -> None:
    window = REGIMENS["oral_cyanocobalamin_dietary"].doses[0]
    text = {c.regimen_id: c.text for c in compare_with_regimens(KB, 100, "oral", 1)}
    assert (
        f"{amount_text(window.min_ug)}-{amount_text(window.max_ug)} µg a day"
        in text["oral_cyanocobalamin_dietary"]
    )
    assert "within" in text["oral_cyanocobalamin_dietary"]
    assert "below" in text["oral_cyanocobalamin_malabsorption"]


def test_comparisons_for_injections_spacing_and_sublingual() -> None:
    injections = compare_with_regimens(KB, 1000, "im", 60)
    assert {c.relation for c in injections} == {"inside"}
    assert "every 60 days by injection" in describe_comparisons(injections)
    weekly = compare_with_regimens(KB, 1000, "im", 7)
    assert {c.relation for c in weekly} == {"other_spacing"}
    assert describe_comparisons(weekly) == weekly[0].text
    (sublingual,) = compare_with_regimens(KB, 1000, "sublingual", 1)
    assert sublingual.regimen_id is None and sublingual.relation == "no_cited_regimen"
    assert describe_comparisons((sublingual,)) == sublingual.text
    assert describe_comparisons(()) == ""
    above_cap = describe_comparisons(compare_with_regimens(KB, 5000, "oral"))
    assert "above the highest dose a cited source gives" in above_cap
    slightly = {c.regimen_id: c for c in compare_with_regimens(KB, 160, "oral", 1)}
    assert slightly["oral_cyanocobalamin_dietary"].phrase.startswith("above the UK dose")


def test_amount_text_is_plain() -> None:
    assert [amount_text(x) for x in (1000.0, 2.5, 999999, 0.125)] == [
        "1000",
        "2.5",
        "999999",
        "0.125",
    ]
    assert amount_text(math.inf) == "inf"


# --- properties ---------------------------------------------------------------------------------

_routes = st.sampled_from(["oral", "sublingual", "im"])
_amounts = st.one_of(
    st.floats(min_value=-10, max_value=2_000_000),
    st.sampled_from([0.0, 50.0, 150.0, 1000.0, 2000.0, 5000.0, 10000.0, math.nan, math.inf]),
)
_spacing = st.one_of(st.none(), st.integers(min_value=-3, max_value=400))


@settings(max_examples=400, deadline=None)
@given(
    regimen_id=st.sampled_from([*REGIMENS, "made_up", ""]),
    amount=_amounts,
    route=_routes,
    every_days=_spacing,
)
def test_inside_means_inside_a_cited_window(
    regimen_id: str, amount: float, route: str, every_days: int | None
) -> None:
    """A scheduled dose is inside exactly when one cited window holds amount, route and spacing."""
    check = check_scheduled_dose(KB, regimen_id, amount, route, every_days)
    regimen = REGIMENS.get(regimen_id)
    windows = regimen.doses if regimen is not None else ()
    expected = (
        math.isfinite(amount)
        and any(
            w.route == route
            and w.min_ug <= amount <= w.max_ug
            and (every_days is None or w.every_days_min <= every_days <= w.every_days_max)
            for w in windows
        )
        and (every_days is None or every_days > 0)
    )
    assert check.inside is expected
    assert check.inside is (check.problems == ())
    for problem in check.problems:
        assert problem.field in {"regimen_id", "route", "amount_ug", "every_days", "form"}
        assert problem.allowed


@settings(max_examples=300, deadline=None)
@given(
    amount=_amounts,
    form=st.sampled_from(["tablet", "capsule", "liquid", "lozenge", "spray", "injection", "x"]),
    route=st.sampled_from(["oral", "sublingual", "im", "nasal"]),
)
def test_recorded_dose_is_bounded_only_by_plausibility(
    amount: float, form: str, route: str
) -> None:
    check = check_recorded_dose(KB, amount, form, route)
    amount_refused = any(p.field == "amount_ug" for p in check.problems)
    limits = {r: lim.max_ug for lim in KB.of_kind("dose_limit", DoseLimit) for r in lim.routes}
    if route in limits:
        plausible = math.isfinite(amount) and 0 < amount <= limits[route]
        assert amount_refused is (not plausible)
    assert check.inside is (check.problems == ())


@settings(max_examples=200, deadline=None)
@given(amount=st.floats(min_value=0.01, max_value=20_000), every_days=_spacing, route=_routes)
def test_every_comparison_is_cited_and_says_the_amount(
    amount: float, every_days: int | None, route: str
) -> None:
    comparisons = compare_with_regimens(KB, amount, route, every_days)
    assert comparisons
    for comparison in comparisons:
        assert amount_text(amount) in comparison.text
        assert comparison.citations or comparison.regimen_id is None
