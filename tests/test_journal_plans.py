"""Supplement plans follow cited regimens: their dose range, their dated schedule, stored and
read back on both databases."""

from __future__ import annotations

import datetime as dt

import pytest

from b12pain.clinical.regimens import build_schedule
from b12pain.errors import InputError
from b12pain.journal import Journal, export_document
from b12pain.journal.plans import dose_range_ug, plan_from_regimen
from b12pain.journal.series import due_today

START = dt.date(2026, 11, 24)
AT = dt.datetime(2026, 11, 24, 9, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("50-150 µg", (50.0, 150.0)),
        ("at least 1 mg", (1000.0, None)),
        ("1 mg", (1000.0, 1000.0)),
        ("100 mcg", (100.0, 100.0)),
        ("as R2 (oral) or R3/R4 (intramuscular)", None),
        ("", None),
    ],
)
def test_dose_text_in_micrograms(text: str, expected: tuple[float, float | None] | None) -> None:
    assert dose_range_ug(text) == expected


def test_injection_regimen_takes_its_dose_and_dated_schedule() -> None:
    plan = plan_from_regimen("im_hydroxocobalamin_no_neuro", START, AT, stock_units=6)
    assert (plan.form, plan.amount_ug, plan.every_days) == ("injection", 1000.0, None)
    expected = build_schedule("im_hydroxocobalamin_no_neuro", START)
    assert [(s.date, s.kind) for s in plan.schedule] == [(s.date, s.kind) for s in expected]
    assert plan.review_on == next(s.date for s in expected if s.kind == "review")


def test_daily_tablets_repeat_and_keep_the_review_and_test() -> None:
    plan = plan_from_regimen("oral_cyanocobalamin_dietary", START, AT, amount_ug=100)
    assert plan.every_days == 1 and plan.form == "oral"
    assert {s.kind for s in plan.schedule} == {"review", "test"}
    assert plan_from_regimen("oral_cyanocobalamin_malabsorption", START, AT).amount_ug == 1000


@pytest.mark.parametrize(
    ("regimen", "kwargs", "field"),
    [
        ("oral_cyanocobalamin_dietary", {}, "amount"),  # a range: say which amount
        ("oral_cyanocobalamin_dietary", {"amount_ug": 1000}, "amount"),  # above 150 µg
        ("oral_cyanocobalamin_malabsorption", {"amount_ug": 500}, "amount"),  # below 1 mg
        ("im_hydroxocobalamin_neuro", {"amount_ug": 5000}, "amount"),
        ("oral_cyanocobalamin_dietary", {"amount_ug": 100, "form": "injection"}, "form"),
        ("folate_with_b12", {}, "regimen"),  # no dose b12pain can state
        ("megadose", {}, "regimen"),
    ],
)
def test_no_plan_outside_a_cited_regimen(
    regimen: str, kwargs: dict[str, object], field: str
) -> None:
    with pytest.raises(InputError) as error:
        plan_from_regimen(regimen, START, AT, **kwargs)  # type: ignore[arg-type]
    assert error.value.problems[0].field == field


def test_plans_round_trip_and_drive_today(journal_url: str) -> None:
    plan = plan_from_regimen("im_hydroxocobalamin_no_neuro", START, AT, stock_units=6)
    with Journal.open(journal_url) as journal:
        journal.add(plan)
        assert journal.plans() == [plan]
        assert export_document(journal)["entries"][0]["schedule"][0]["date"] == "2026-11-24"
        (due,) = due_today(journal, START + dt.timedelta(days=2))
        assert due.kind == "dose" and due.stock is not None and due.stock.remaining == 6
        assert due_today(journal, START + dt.timedelta(days=1)) == []
        review = plan.review_on
        assert review is not None
        assert {d.kind for d in due_today(journal, review)} == {"review", "test"}
