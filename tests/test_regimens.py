"""Regimen choice by cause and neurological involvement (§B.1), follow-up (§B.2), dated
schedules, and the seed's consumer tiers beside the guideline regimen (§B.3)."""

from __future__ import annotations

import datetime as dt

import pytest

from b12pain import InputError, build_schedule
from b12pain.clinical.catalogue import catalogue
from b12pain.clinical.regimens import add_months, choose_regimen, treatment_for

START = dt.date(2026, 11, 24)


@pytest.mark.parametrize(
    ("cause", "neuro", "regimen"),
    [
        ("dietary", False, "oral_cyanocobalamin_dietary"),
        ("malabsorption", False, "oral_cyanocobalamin_malabsorption"),
        ("malabsorption_irreversible", False, "im_hydroxocobalamin_no_neuro"),
        ("autoimmune_gastritis", False, "im_lifelong_autoimmune_gastritis"),
        ("nitrous_oxide", False, "nitrous_oxide_related"),
        ("metformin", False, "oral_cyanocobalamin_metformin"),  # §J.8 NHS Lothian
        (None, False, "options_unknown_cause"),  # §J.8: no uncited "unknown → injections"
        ("dietary", True, "im_hydroxocobalamin_neuro"),
        ("autoimmune_gastritis", True, "im_hydroxocobalamin_neuro"),
        ("nitrous_oxide", True, "im_hydroxocobalamin_neuro"),
    ],
)
def test_choice_by_cause_and_neurological_involvement(
    cause: str | None, neuro: bool, regimen: str
) -> None:
    assert choose_regimen(cause, neuro)[0] == regimen


def test_contract_regimen_ids_exist() -> None:
    regimens = catalogue().regimens
    for regimen_id in (
        "oral_cyanocobalamin_dietary",
        "oral_cyanocobalamin_malabsorption",
        "im_hydroxocobalamin_no_neuro",
        "im_hydroxocobalamin_neuro",
        "im_lifelong_autoimmune_gastritis",
        "nitrous_oxide_related",
    ):
        assert regimens[regimen_id].citations


def _doses(regimen_id: str) -> list[dt.date]:
    return [s.date for s in build_schedule(regimen_id, START) if s.kind == "dose"]


def test_r3_three_times_a_week_for_two_weeks_then_every_two_months() -> None:
    doses = _doses("im_hydroxocobalamin_no_neuro")
    loading = [START + dt.timedelta(days=d) for d in (0, 2, 4, 7, 9, 11)]
    assert doses[:6] == loading
    assert doses[6] == add_months(loading[-1], 2)
    assert doses[7] == add_months(doses[6], 2)
    assert all(d <= START + dt.timedelta(days=365) for d in doses)


def test_r4_alternate_days_then_clinician_review() -> None:
    schedule = build_schedule("im_hydroxocobalamin_neuro", START)
    doses = [s.date for s in schedule if s.kind == "dose"]
    assert doses[:14] == [START + dt.timedelta(days=2 * i) for i in range(14)]
    reviews = [s for s in schedule if s.kind == "review"]
    assert reviews[0].date == START + dt.timedelta(days=28)
    assert "no further improvement" in reviews[0].what


def test_oral_regimen_is_one_daily_start_and_a_review() -> None:
    schedule = build_schedule("oral_cyanocobalamin_dietary", START)
    assert [s.kind for s in schedule] == ["dose", "review", "test"]
    assert schedule[0].dose == "50-150 µg"
    assert schedule[1].date == START + dt.timedelta(days=90)


def test_review_after_one_month_in_pregnancy() -> None:
    treatment = treatment_for("dietary", False, START, pregnant_or_breastfeeding=True)
    assert treatment.review_after_days == 30
    assert any(
        s.kind == "review" and s.date == START + dt.timedelta(days=30) for s in treatment.schedule
    )


def test_schedule_is_sorted_and_only_uses_the_regimen_dose() -> None:
    cat = catalogue()
    for regimen_id, regimen in cat.regimens.items():
        schedule = build_schedule(regimen_id, START)
        assert [s.date for s in schedule] == sorted(s.date for s in schedule)
        for step in schedule:
            if step.kind == "dose":
                assert step.dose == regimen.dose
                assert regimen.dose in step.what


def test_unknown_regimen() -> None:
    with pytest.raises(KeyError):
        build_schedule("megadose", START)


def test_lifelong_for_irreversible_cause() -> None:
    assert treatment_for("malabsorption_irreversible", False, START).lifelong
    assert treatment_for("autoimmune_gastritis", False, START).lifelong
    assert not treatment_for("malabsorption", False, START).lifelong


def test_nitrous_oxide_treatment_says_stop() -> None:
    treatment = treatment_for("nitrous_oxide", False, START)
    assert any("nitrous oxide" in note.lower() for note in treatment.notes)
    assert treatment.route == "any"
    assert [s.kind for s in treatment.schedule if s.kind == "dose"] == []


def test_consumer_tiers_beside_the_regimen() -> None:
    treatment = treatment_for("dietary", False, START)
    tiers = {t.id: t for t in treatment.consumer_tiers}
    assert tiers["tier.mild"].agreement == "partly_agrees"
    assert tiers["tier.mild"].applies
    assert tiers["tier.moderate_severe"].agreement == "differs"
    assert not tiers["tier.missing_neuro"].applies
    neuro = {t.id: t for t in treatment_for("dietary", True, START).consumer_tiers}
    assert neuro["tier.missing_neuro"].applies
    assert all("seed-article" in {c.source for c in t.citations} for t in treatment.consumer_tiers)


def test_add_months_clamps_to_month_end() -> None:
    assert add_months(dt.date(2026, 12, 31), 2) == dt.date(2027, 2, 28)
    assert add_months(dt.date(2026, 11, 24), 14) == dt.date(2028, 1, 24)


@pytest.mark.parametrize(
    ("start", "options", "field"),
    [
        (dt.date(9999, 12, 1), {}, "start"),  # once overflowed inside the schedule
        (dt.date(1899, 12, 31), {}, "start"),
        (dt.date(2026, 1, 1), {"horizon_days": -1}, "horizon_days"),
        (dt.date(2026, 1, 1), {"review_after_days": 10**7}, "review_after_days"),
    ],
)
def test_a_schedule_outside_the_calendar_is_refused_by_field(
    start: dt.date, options: dict[str, int], field: str
) -> None:
    with pytest.raises(InputError) as refused:
        build_schedule("im_hydroxocobalamin_no_neuro", start, **options)
    assert [p.field for p in refused.value.problems] == [field]


def test_a_schedule_at_the_edge_of_the_calendar_is_built() -> None:
    schedule = build_schedule("im_hydroxocobalamin_no_neuro", dt.date(2100, 12, 31))
    assert schedule[0].date == dt.date(2100, 12, 31)
