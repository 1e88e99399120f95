"""Insights are pure functions: trends, adherence, "is it helping?", factor effects, schedule.

Expected numbers come from the instruments spec's pain-diary vectors (§11), printed t tables and
R's `t.test` (Welch), not from the code under test.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from b12pain.insights import (
    DoseReading,
    FactorReading,
    FoodReading,
    PainReading,
    Series,
    adherence,
    daily_pain,
    dashboard,
    factor_effects,
    is_it_helping,
    mean_difference,
    stock_forecast,
    t_quantile,
    weekly_pain,
)
from b12pain.insights.schedule import PlanView, Step, dose_days, dose_due, due_on

START = dt.date(2026, 10, 1)


def day(offset: int) -> dt.date:
    return START + dt.timedelta(days=offset)


def test_daily_mean_of_several_entries() -> None:
    """Spec vector D-A: entries 4, 6, 8 on one day → daily mean 6.0."""
    readings = [PainReading(day(0), 4), PainReading(day(0), 6), PainReading(day(0), 8)]
    assert daily_pain(readings) == {day(0): 6.0}


def test_weekly_mean_is_a_mean_of_daily_means() -> None:
    monday = dt.date(2026, 11, 2)
    readings = [
        PainReading(monday, 2),
        PainReading(monday, 2),
        PainReading(monday, 2),
        PainReading(monday + dt.timedelta(days=1), 8),
    ]
    assert weekly_pain(daily_pain(readings)) == {monday: 5.0}  # not 3.5 (the entry mean)


@pytest.mark.parametrize(("df", "printed"), [(5, 2.571), (10, 2.228), (30, 2.042), (1000, 1.962)])
def test_t_quantile_matches_printed_tables(df: int, printed: float) -> None:
    assert t_quantile(0.975, df) == pytest.approx(printed, abs=0.002)


def test_welch_interval_matches_r_t_test() -> None:
    """R: t.test(c(2,4,6,8,10), c(1,2,3,4,5)) → 95 % CI −0.8885 to 6.8885, df 5.88."""
    diff = mean_difference([1, 2, 3, 4, 5], [2, 4, 6, 8, 10])
    assert (diff.difference, diff.low, diff.high) == pytest.approx((3.0, -0.8885, 6.8885), abs=1e-3)


def test_adherence_counts_late_as_taken_and_open_past_doses_as_missed() -> None:
    doses = [
        DoseReading(day(0), "taken"),
        DoseReading(day(1), "late"),
        DoseReading(day(2), "skipped"),
        DoseReading(day(3), "planned"),
        DoseReading(day(9), "planned"),
        DoseReading(day(30), "taken"),
    ]
    result = adherence(doses, day(0), day(9))
    assert (result.taken, result.late, result.skipped, result.missed) == (1, 1, 1, 1)
    assert result.due == 4 and result.percent == 50.0  # today's planned dose is not missed yet
    assert adherence([], day(0), day(9)).percent is None


def test_stock_and_run_out_date() -> None:
    taken = [day(0), day(1), day(2), day(-5)]  # the dose before the stock count does not count
    stock = stock_forecast(10, day(0), taken, every_days=1, today=day(2))
    assert stock.remaining == 7 and stock.runs_out_on == day(9)
    weekly = stock_forecast(3, day(0), [], every_days=7, today=day(0))
    assert weekly.runs_out_on == day(21)


def _pain_before_and_after(before: list[int], after: list[int], lag: int = 14) -> list[PainReading]:
    readings = [PainReading(day(-len(before) + i), v) for i, v in enumerate(before)]
    readings += [PainReading(day(lag + i), v) for i, v in enumerate(after)]
    readings += [PainReading(day(i), 9) for i in range(lag)]  # the lag is ignored
    return readings


def test_is_it_helping_reports_the_difference_interval_and_days() -> None:
    before = [6, 7, 6, 5, 7, 6, 6] * 4
    after = [4, 5, 4, 3, 4, 5, 4] * 4
    result = is_it_helping(_pain_before_and_after(before, after), day(0), today=day(60))
    assert result.status == "estimated"
    assert (result.before_days, result.after_days) == (28, 28)
    assert result.before_mean == pytest.approx(6.143, abs=0.01)
    assert result.after_mean == pytest.approx(4.143, abs=0.01)
    assert result.difference == pytest.approx(-2.0, abs=0.01)
    assert result.low is not None and result.high is not None
    assert result.low < -2.0 < result.high < 0
    assert "lower" in result.message and "28 days before and 28 days after" in result.message
    assert "cannot show that B12 caused" in result.caveat


def test_is_it_helping_honours_windows_lag_and_today() -> None:
    readings = _pain_before_and_after([6] * 10 + [5] * 10, [3] * 5 + [4] * 5, lag=7)
    result = is_it_helping(readings, day(0), today=day(16), window_days=10, lag_days=7)
    assert result.before == (day(-10), day(-1)) and result.after == (day(7), day(16))
    assert (result.before_days, result.after_days) == (10, 10)
    assert result.difference == pytest.approx(3.5 - 5.0)


def test_is_it_helping_says_not_enough_data_yet() -> None:
    readings = _pain_before_and_after([6] * 28, [4] * 6)
    result = is_it_helping(readings, day(0), today=day(60))
    assert result.status == "not_enough_data" and result.difference is None
    assert result.message.startswith("Not enough data yet") and "6" in result.message
    assert is_it_helping(readings, None, today=day(60)).status == "no_supplement"


def test_no_change_is_not_reported_as_a_change() -> None:
    before = [5, 6, 4, 5, 6, 4, 5] * 4
    result = is_it_helping(_pain_before_and_after(before, list(reversed(before))), day(0), day(60))
    assert result.difference == pytest.approx(0.0)
    assert "about the same" in result.message


def _factor_data(days: int = 12) -> tuple[list[PainReading], list[FactorReading]]:
    pain, factors = [], []
    for i in range(days):
        slept_well = i % 2 == 0
        factors.append(FactorReading(day(i), "sleep", 8.0 if slept_well else 5.0))
        pain.append(PainReading(day(i), 3 + (i % 3 == 0) if slept_well else 6 + (i % 3 == 0)))
    return pain, factors


def test_factor_effect_of_sleep_is_an_association_with_an_interval() -> None:
    pain, factors = _factor_data()
    effects = {e.factor: e for e in factor_effects(pain, factors, [])}
    sleep = effects["sleep"]
    assert sleep.status == "compared" and (sleep.days_with, sleep.days_without) == (6, 6)
    assert sleep.mean_with is not None and sleep.mean_without is not None
    assert sleep.mean_with < sleep.mean_without
    assert sleep.difference == pytest.approx(sleep.mean_with - sleep.mean_without, abs=0.01)
    assert sleep.high is not None and sleep.high < 0
    assert "not proof of a cause" in sleep.message and "because" not in sleep.message
    assert effects["stress"].status == "not_enough_data"  # no stress entries at all


def test_factor_needs_three_days_with_and_three_without() -> None:
    pain, factors = _factor_data(days=5)  # 3 nights of good sleep, 2 of poor
    (sleep, *_) = factor_effects(pain, factors, [])
    assert sleep.status == "not_enough_data" and (sleep.days_with, sleep.days_without) == (3, 2)
    assert sleep.message.startswith("Not enough data yet")
    pain, factors = _factor_data(days=6)
    assert factor_effects(pain, factors, [])[0].status == "compared"


def test_exercise_counts_for_the_next_day_and_adherence_for_the_week_before() -> None:
    pain = [PainReading(day(i), 2 if i % 2 else 7) for i in range(1, 13)]
    factors = [FactorReading(day(i), "exercise", 30.0 if i % 2 == 0 else 0.0) for i in range(13)]
    effects = {e.factor: e for e in factor_effects(pain, factors, [])}
    exercise = effects["exercise"]
    assert (exercise.mean_with, exercise.mean_without) == (2.0, 7.0)  # pain the day after
    doses = [DoseReading(day(i), "taken" if i < 10 else "skipped") for i in range(20)]
    pain = [PainReading(day(i), 3) for i in range(1, 21)]
    adherence_effect = {e.factor: e for e in factor_effects(pain, [], doses)}["adherence"]
    assert (adherence_effect.days_with, adherence_effect.days_without) == (10, 10)


def test_schedule_of_doses_and_review_tests() -> None:
    plan = PlanView(
        "p1",
        "im_hydroxocobalamin_no_neuro",
        "injection",
        1000,
        7,
        day(0),
        ends_on=day(28),
        review_on=day(14),
        stock_units=5,
    )
    assert [d for d in range(35) if dose_due(plan, day(d))] == [0, 7, 14, 21, 28]
    items = due_on([plan], {"p1": [day(0), day(7), day(14)]}, [], day(14))
    assert [(i.kind, i.done) for i in items] == [("dose", True), ("test", False)]
    assert items[0].stock is not None and items[0].stock.remaining == 2
    assert due_on([plan], {}, [day(15)], day(15)) == []  # the test was done after day 14
    items = due_on([plan], {}, [], day(16))
    assert [(i.kind, i.done) for i in items] == [("test", False)]  # overdue until a lab result


def test_a_dated_schedule_drives_doses_reviews_tests_and_stock() -> None:
    steps = (
        Step(day(0), "1 mg"),
        Step(day(2), "1 mg"),
        Step(day(4), "1 mg"),
        Step(day(60), "1 mg"),
        Step(day(90), "review", "review"),
        Step(day(90), "follow-up check", "test"),
    )
    plan = PlanView(
        "p2",
        "im_hydroxocobalamin_no_neuro",
        "injection",
        1000,
        None,
        day(0),
        stock_units=3,
        schedule=steps,
    )
    assert dose_days(plan, day(100)) == [day(0), day(2), day(4), day(60)]
    assert due_on([plan], {}, [], day(1)) == []
    (dose,) = due_on([plan], {"p2": [day(0)]}, [], day(2))
    assert dose.kind == "dose" and not dose.done
    assert dose.stock is not None and dose.stock.remaining == 2
    assert dose.stock.runs_out_on == day(60)  # two left: for today (day 2) and day 4
    kinds = [(i.kind, i.done) for i in due_on([plan], {}, [], day(90))]
    assert kinds == [("review", False), ("test", False)]


def test_dashboard_puts_it_together_and_is_json_ready() -> None:
    from b12pain.clinical.intake import target_for

    pain = _pain_before_and_after([6] * 28, [4] * 28)
    foods = (
        FoodReading(day(59), "egg", "Egg", 100, 0.89),
        FoodReading(day(60), "x", "Stew", 250, None),
    )
    series = Series(
        pain=tuple(pain),
        doses=(DoseReading(day(59), "taken"),),
        foods=foods,
        supplement_start=day(0),
    )
    board = dashboard(series, day(60), target_for(58))
    assert board.helping.status == "estimated"
    assert board.adherence.percent == 100.0
    assert board.intake is not None and board.intake["foods"] == 2
    assert board.intake["is_lower_bound"] is True  # the stew has no B12 value
    assert all(day(31) <= d <= day(60) for d in board.daily_pain)
    text = json.dumps(board.as_dict())
    assert '"status": "estimated"' in text


nrs = st.integers(min_value=0, max_value=10)
offsets = st.integers(min_value=-60, max_value=90)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(offsets, nrs), max_size=200))
def test_daily_and_weekly_means_stay_on_the_scale(entries: list[tuple[int, int]]) -> None:
    daily = daily_pain(PainReading(day(o), v) for o, v in entries)
    assert set(daily) == {day(o) for o, _ in entries}
    assert all(0 <= v <= 10 for v in daily.values())
    weekly = weekly_pain(daily)
    if daily:
        assert min(daily.values()) - 1e-9 <= min(weekly.values())
        assert max(weekly.values()) <= max(daily.values()) + 1e-9


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(offsets, nrs), max_size=300), st.integers(0, 3))
def test_is_it_helping_is_deterministic_and_shift_equivariant(
    entries: list[tuple[int, int]], shift: int
) -> None:
    readings = [PainReading(day(o), v) for o, v in entries]
    first = is_it_helping(readings, day(0), day(80))
    assert first == is_it_helping(list(reversed(readings)), day(0), day(80))
    if first.status != "estimated":
        return
    assert first.low is not None and first.high is not None and first.difference is not None
    assert first.low <= first.difference <= first.high
    shifted = [PainReading(r.day, r.nrs + shift if r.day >= day(14) else r.nrs) for r in readings]
    moved = is_it_helping(shifted, day(0), day(80))
    assert moved.difference == pytest.approx(first.difference + shift, abs=0.02)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(offsets, st.sampled_from(["planned", "taken", "skipped", "late"]))))
def test_adherence_is_a_percentage(doses: list[tuple[int, str]]) -> None:
    result = adherence([DoseReading(day(o), s) for o, s in doses], day(-30), day(30))
    assert result.percent is None or 0 <= result.percent <= 100
    assert result.due == result.taken + result.late + result.skipped + result.missed


def test_lab_trajectory_lines_up_results_from_labs_using_different_units() -> None:
    from b12pain.insights import LabReading
    from b12pain.insights.dashboard import lab_points

    readings = (
        LabReading(day(0), "total_b12", 180, "pmol/L"),  # BASPATH: pmol/L x 1.355 = ng/L
        LabReading(day(90), "total_b12", 320, "ng/L"),
    )
    first, second = lab_points(readings)
    assert (first.reference_value, first.reference_unit) == (pytest.approx(243.9), "ng/L")
    assert first.conversion_sources and first.conversion_sources[0].startswith("baspath#")
    assert (second.reference_value, second.conversion_sources) == (320, ())
    series = Series(labs=(*readings, LabReading(day(5), "folate", 3.0, "ug/L")))
    board = dashboard(series, day(100))
    assert [p.day for p in board.labs["total_b12"]] == [day(0), day(90)]
    assert "folate" not in board.labs  # only the B12 markers are charted


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 40), nrs), max_size=80),
    st.lists(
        st.tuples(
            st.integers(0, 40),
            st.sampled_from(["sleep", "exercise", "stress"]),
            st.floats(0, 12, allow_nan=False),
        ),
        max_size=80,
    ),
    st.lists(
        st.tuples(st.integers(0, 40), st.sampled_from(["taken", "skipped", "late"])), max_size=40
    ),
)
def test_factor_effects_need_three_days_each_and_never_claim_a_cause(
    pain: list[tuple[int, int]],
    factors: list[tuple[int, str, float]],
    doses: list[tuple[int, str]],
) -> None:
    effects = factor_effects(
        [PainReading(day(o), v) for o, v in pain],
        [FactorReading(day(o), f, a) for o, f, a in factors],
        [DoseReading(day(o), s) for o, s in doses],
    )
    assert [e.factor for e in effects] == ["sleep", "exercise", "stress", "adherence"]
    for effect in effects:
        if effect.status == "compared":
            assert effect.days_with >= 3 and effect.days_without >= 3
            assert effect.low is not None and effect.high is not None
            assert effect.low <= (effect.difference or 0) + 0.01
            assert "not proof of a cause" in effect.message
        else:
            assert min(effect.days_with, effect.days_without) < 3
            assert effect.message.startswith("Not enough data yet") and effect.difference is None
        assert "caused" not in effect.message and "because" not in effect.message
