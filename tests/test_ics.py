"""Calendar reminders (issue 17): plans from the service layer exported as iCalendar, parsed
back strictly by PyPI `ical`, expanded and compared with the regimen's own schedule
(`clinical.regimens.build_schedule`); the same file read by a second parser, npm ical.js."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ical.calendar_stream import IcsCalendarStream

import reportdata as rd
from b12pain.clinical.regimens import build_schedule
from b12pain.errors import InputError
from b12pain.reports.calendar import rule_for, split_phases
from b12pain.service import plans
from b12pain.service.reports import calendar

ROOT = Path(__file__).resolve().parents[1]
ZONE = "Europe/London"
START = dt.date(2026, 3, 31)  # British Summer Time: 09:00 local is 08:00 UTC
INJECTIONS = (
    "im_hydroxocobalamin_no_neuro",
    "im_hydroxocobalamin_neuro",
    "im_lifelong_autoimmune_gastritis",
)


@pytest.fixture
def ctx(tmp_path: Path):
    store = rd.open_store(tmp_path)
    yield rd.context_at(store, dt.datetime(2026, 3, 31, 8, 0, tzinfo=ZoneInfo(ZONE)))
    store.close()


def start(ctx, regimen: str, on: dt.date = START):
    return plans.start_plan(ctx, plans.PlanFromRegimen(regimen=regimen, starts_on=on))


def expand(text: str, until: dt.date) -> dict[str, list[dt.datetime | dt.date]]:
    """Every event's occurrences up to `until`, from the strict `ical` parser."""
    parsed = IcsCalendarStream.calendar_from_ics(text)  # strict: no compat mode
    found: dict[str, list[dt.datetime | dt.date]] = {}
    for event in parsed.timeline_tz(ZoneInfo(ZONE)):
        day = event.dtstart.date() if isinstance(event.dtstart, dt.datetime) else event.dtstart
        if day > until:
            break
        found.setdefault(event.uid, []).append(event.dtstart)
    return found


def day_of(value: dt.datetime | dt.date) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


@pytest.mark.parametrize("regimen", INJECTIONS)
def test_expanded_doses_match_the_regimen_schedule(ctx, regimen: str) -> None:
    plan = start(ctx, regimen)
    schedule = build_schedule(regimen, START)
    horizon = schedule[-1].date
    expected = sorted(s.date for s in schedule if s.kind == "dose")
    found = expand(calendar(ctx, ZONE).decode(), horizon)
    loading = found[f"{plan.uid}-loading@b12pain"]
    maintenance = found[f"{plan.uid}-maintenance@b12pain"]
    assert sorted(day_of(d) for d in loading + maintenance) == expected
    assert max(day_of(d) for d in loading) < min(day_of(d) for d in maintenance)
    for occurrence in loading + maintenance:
        assert isinstance(occurrence, dt.datetime)
        assert occurrence.time() == dt.time(9, 0) and occurrence.utcoffset() is not None
    reviews = {s.date for s in schedule if s.kind in ("review", "test")}
    one_offs = {
        day_of(d)
        for uid, days in found.items()
        if "-review-" in uid or "-test-" in uid
        for d in days
    }
    assert one_offs == reviews


def test_loading_and_maintenance_are_separate_rrules_with_display_alarms(ctx) -> None:
    plan = start(ctx, "im_hydroxocobalamin_no_neuro")
    text = calendar(ctx, ZONE).decode()
    parsed = IcsCalendarStream.calendar_from_ics(text)
    by_uid = {event.uid: event for event in parsed.events}
    loading = by_uid[f"{plan.uid}-loading@b12pain"]
    maintenance = by_uid[f"{plan.uid}-maintenance@b12pain"]
    assert loading.rrule is not None and loading.rrule.count == 6
    assert maintenance.rrule is not None and maintenance.rrule.count is None  # until stopped
    assert loading.rrule.as_rrule_str() != maintenance.rrule.as_rrule_str()
    for event in parsed.events:
        assert event.alarm, event.uid
        for alarm in event.alarm:
            assert alarm.action == "DISPLAY"
            assert isinstance(alarm.trigger, dt.timedelta) and alarm.trigger < dt.timedelta(0)
    assert "TRIGGER:-PT15M" in text and "TRIGGER:-PT15H" in text
    assert [tz.tz_id for tz in parsed.timezones] == [ZONE]
    assert f"DTSTART;TZID={ZONE}:20260331T090000" in text


def test_daily_tablets_repeat_every_day(ctx) -> None:
    plan = start(ctx, "oral_cyanocobalamin_malabsorption")
    found = expand(calendar(ctx, ZONE).decode(), START + dt.timedelta(days=29))
    days = [day_of(d) for d in found[f"{plan.uid}-doses@b12pain"]]
    assert days == [START + dt.timedelta(days=i) for i in range(30)]


def test_uids_are_stable_so_a_reimport_updates(ctx) -> None:
    start(ctx, "im_hydroxocobalamin_neuro")
    first = IcsCalendarStream.calendar_from_ics(calendar(ctx, ZONE).decode())
    again = IcsCalendarStream.calendar_from_ics(calendar(rd.later(ctx, 3), ZONE).decode())
    assert [e.uid for e in first.events] == [e.uid for e in again.events]
    assert len({e.uid for e in first.events}) == len(first.events)
    assert first.events[0].dtstamp != again.events[0].dtstamp


def test_a_stopped_plan_has_no_doses_after_it_stopped(ctx) -> None:
    plan = start(ctx, "im_hydroxocobalamin_no_neuro")
    stopped_on = dt.date(2026, 9, 1)
    plans.stop_plan(rd.later(ctx, 160), plan.uid, stopped_on)
    found = expand(calendar(rd.later(ctx, 160), ZONE).decode(), dt.date(2028, 1, 1))
    doses = [
        day_of(d)
        for uid, days in found.items()
        if "-review-" not in uid and "-test-" not in uid
        for d in days
    ]
    expected = [s.date for s in build_schedule(plan.regimen_id or "", START) if s.kind == "dose"]
    assert sorted(doses) == [d for d in expected if d < stopped_on]
    parsed = IcsCalendarStream.calendar_from_ics(calendar(rd.later(ctx, 160), ZONE).decode())
    assert {e.sequence for e in parsed.events} == {1}  # changed events: calendars take the update


@pytest.mark.parametrize(
    "zone", ["Mars/Olympus_Mons", "posixrules", "", "../etc/passwd", "UTC\x00"]
)
def test_an_unknown_zone_is_refused_by_field(ctx, zone: str) -> None:
    with pytest.raises(InputError) as caught:
        calendar(ctx, zone)
    assert caught.value.problems[0].field == "zone"


def test_rules_reproduce_days_exactly_or_fall_back() -> None:
    days = [dt.date(2026, 1, 31), dt.date(2026, 3, 31), dt.date(2026, 5, 31)]
    assert rule_for(days) == "FREQ=MONTHLY;INTERVAL=2;BYMONTHDAY=31;COUNT=3"
    clamped = [
        dt.date(2026, 10, 31),
        dt.date(2026, 12, 31),
        dt.date(2027, 2, 28),
        dt.date(2027, 4, 28),
    ]
    assert rule_for(clamped) is None  # no RRULE gives these: one event per day instead
    assert split_phases([dt.date(2026, 1, d) for d in (1, 3, 5)] + [dt.date(2026, 4, 5)]) == [
        [dt.date(2026, 1, 1), dt.date(2026, 1, 3), dt.date(2026, 1, 5)],
        [dt.date(2026, 4, 5)],
    ]


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
@pytest.mark.skipif(
    not (ROOT / "node_modules/ical.js/dist/ical.js").exists(),
    reason="npm packages not installed (npm ci)",
)
def test_ical_js_reads_the_same_file(ctx, tmp_path: Path) -> None:
    plan = start(ctx, "im_hydroxocobalamin_no_neuro")
    daily = start(ctx, "oral_cyanocobalamin_malabsorption", dt.date(2026, 10, 20))
    schedule = build_schedule(plan.regimen_id or "", START)
    horizon = schedule[-1].date
    path = tmp_path / "plan.ics"
    path.write_bytes(calendar(ctx, ZONE))
    run = subprocess.run(
        ["node", str(ROOT / "tests/ics_expand.mjs"), str(path), horizon.isoformat()],
        check=True,
        capture_output=True,
        text=True,
    )
    found = json.loads(run.stdout)
    python = expand(path.read_text(), horizon)
    assert set(found) == set(python)
    for uid, events in python.items():
        assert found[uid]["days"] == [day_of(d).isoformat() for d in events], uid
    doses = (
        found[f"{plan.uid}-loading@b12pain"]["days"]
        + found[f"{plan.uid}-maintenance@b12pain"]["days"]
    )
    assert doses == [s.date.isoformat() for s in schedule if s.kind == "dose"]
    # 09:00 in London: 08:00 UTC in summer, 09:00 UTC in winter (the VTIMEZONE was used)
    assert found[f"{plan.uid}-loading@b12pain"]["utc"][0] == "2026-03-31T08:00:00Z"
    assert found[f"{daily.uid}-doses@b12pain"]["utc"][-1].endswith("T09:00:00Z")
    assert found[f"{plan.uid}-loading@b12pain"]["alarms"] == [["DISPLAY", "-PT15M"]]
    assert found[f"{plan.uid}-loading@b12pain"]["tzid"] == ZONE


@settings(max_examples=200, deadline=None)
@given(
    start=st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2090, 12, 31)),
    gaps=st.lists(st.integers(min_value=1, max_value=120), min_size=1, max_size=12),
)
def test_a_rule_when_given_always_expands_to_exactly_the_days(
    start: dt.date, gaps: list[int]
) -> None:
    from dateutil.rrule import rrulestr

    days = [start]
    for gap in gaps:
        days.append(days[-1] + dt.timedelta(days=gap))
    rule = rule_for(days)
    if len(set(gaps)) == 1:
        assert rule is not None  # a fixed gap always has a rule
    if rule is not None:
        found = rrulestr(rule, dtstart=dt.datetime.combine(start, dt.time()))
        assert [d.date() for d in found] == days
    phases = split_phases(days)
    assert [d for phase in phases for d in phase] == days and len(phases) <= 2
