"""Supplement plans as an iCalendar file (RFC 5545) that calendar apps import or subscribe to.

- Doses are timed events at the person's reminder time in their own zone (a VTIMEZONE for it is
  included), with a DISPLAY alarm whose TRIGGER is explicit (15 minutes before).
- A schedule's loading doses and its maintenance doses are two events, each with its own RRULE
  reproducing the regimen's dated schedule exactly (checked by expanding it again); open-ended
  maintenance repeats until the plan stops. Daily or every-N-days plans are one RRULE.
- Reviews and follow-up tests are all-day events with an alarm the evening before (09:00 the
  day before: TRIGGER -PT15H from midnight).
- UIDs are built from the plan's id and the event's role (and day, for one-off events), so
  importing the file again updates the events instead of duplicating them.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil.rrule import rrulestr  # type: ignore[import-untyped]

from b12pain.errors import InputError
from b12pain.journal.records import PlanEntry

if TYPE_CHECKING:
    from ical.event import Event

PRODID = "-//b12pain//supplement plan calendar//EN"
#: A dose reminder lasts this long in the calendar, and its alarm fires this long before.
DOSE_MINUTES = 15
DOSE_ALARM = dt.timedelta(minutes=-15)
#: All-day reviews and tests: the alarm fires at 09:00 the day before (15 hours before midnight).
DAY_ALARM = dt.timedelta(hours=-15)
#: Doses less than this many days apart belong to one phase (loading); a longer gap starts
#: maintenance (loading doses are days apart, maintenance doses months apart).
PHASE_GAP_DAYS = 28

_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_FORMS = {"injection": "injection", "oral": "tablet", "sublingual": "under the tongue"}


def local_zone_name() -> str:
    """This computer's IANA time zone: `TZ` if it names one, else /etc/localtime's, else UTC."""
    import os

    name = os.environ.get("TZ", "").lstrip(":")
    if (name and "/" in name) or name == "UTC":
        return name
    target = os.path.realpath("/etc/localtime")
    marker = "/zoneinfo/"
    return target.split(marker, 1)[1] if marker in target else "UTC"


def zone_of(name: str) -> ZoneInfo:
    """The IANA time zone `name` (e.g. `Europe/London`); `InputError` naming it otherwise."""
    from zoneinfo import available_timezones

    problem = InputError.single("zone", name, "an IANA time zone name such as Europe/London or UTC")
    if name not in available_timezones():  # also refuses files such as `posixrules`
        raise problem
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise problem from None


def split_phases(days: Sequence[dt.date]) -> list[list[dt.date]]:
    """Dose days cut where the gap reaches `PHASE_GAP_DAYS`: [loading, maintenance] (or one)."""
    phases: list[list[dt.date]] = []
    for day in sorted(days):
        if not phases or (len(phases) == 1 and (day - phases[-1][-1]).days >= PHASE_GAP_DAYS):
            phases.append([day])
        else:
            phases[-1].append(day)
    return phases


def rule_for(days: Sequence[dt.date], open_ended: bool = False) -> str | None:
    """An RRULE whose first occurrences, from `days[0]`, are exactly `days`; None if none fits.

    Tries a fixed gap in days, set weekdays each week, then a fixed number of months. With
    `open_ended` the rule has no COUNT (it repeats until the plan stops).
    """
    if len(days) < 2:
        return None
    gaps = {(b - a).days for a, b in itertools.pairwise(days)}
    candidates = []
    if len(gaps) == 1:
        candidates.append(f"FREQ=DAILY;INTERVAL={gaps.pop()}")
    weekdays = sorted({d.weekday() for d in days})
    candidates.append(f"FREQ=WEEKLY;BYDAY={','.join(_WEEKDAYS[w] for w in weekdays)}")
    months = (days[1].year - days[0].year) * 12 + days[1].month - days[0].month
    if months > 0:
        candidates.append(f"FREQ=MONTHLY;INTERVAL={months};BYMONTHDAY={days[0].day}")
    for rule in candidates:
        if _expands_to(rule, days):
            return rule if open_ended else f"{rule};COUNT={len(days)}"
    return None


def _expands_to(rule: str, days: Sequence[dt.date]) -> bool:
    start = dt.datetime.combine(days[0], dt.time())
    found = rrulestr(f"{rule};COUNT={len(days)}", dtstart=start)
    return [d.date() for d in found] == list(days)


def plans_calendar(
    plans: Sequence[PlanEntry],
    zone: str,
    reminder_time: dt.time,
    now: dt.datetime,
) -> str:
    """The iCalendar text of every plan's doses, reviews and follow-up tests."""
    from ical.calendar import Calendar
    from ical.calendar_stream import IcsCalendarStream
    from ical.timezone import Timezone

    tz = zone_of(zone)
    calendar = Calendar(prodid=PRODID)
    calendar.timezones.append(Timezone.from_tzif(zone))
    stamp = now.astimezone(dt.UTC).replace(microsecond=0)
    for plan in plans:
        calendar.events.extend(_plan_events(plan, tz, reminder_time, stamp))
    return IcsCalendarStream.calendar_to_ics(calendar)


def _plan_events(
    plan: PlanEntry, tz: ZoneInfo, reminder_time: dt.time, stamp: dt.datetime
) -> list[Event]:
    from ical.alarm import Alarm
    from ical.event import Event
    from ical.types import Recur

    name = plan.regimen_id or plan.product or "my supplement"
    dose = f"{plan.amount_ug:g} µg {_FORMS.get(plan.form, plan.form)}"
    last_day = plan.ends_on
    if plan.stopped_on is not None:
        stop = plan.stopped_on - dt.timedelta(days=1)
        last_day = min(last_day, stop) if last_day else stop
    open_ended = last_day is None
    # A stopped plan's events change (they end), so calendars that keep the old copy need a
    # higher SEQUENCE to accept the update (RFC 5545 §3.8.7.4).
    revision = 0 if plan.stopped_on is None else 1
    events: list[Event] = []

    def timed(day: dt.date) -> dt.datetime:
        return dt.datetime.combine(day, reminder_time, tz)

    def until(rule: str) -> str:
        if last_day is None:
            return rule
        end = timed(last_day).astimezone(dt.UTC)
        return f"{rule};UNTIL={end:%Y%m%dT%H%M%SZ}"

    def dose_event(uid: str, summary: str, day: dt.date, rule: str | None) -> Event:
        return Event(
            uid=uid,
            dtstamp=stamp,
            sequence=revision,
            summary=summary,
            description=f"{name}: {dose}. From your b12pain plan; not medical advice.",
            dtstart=timed(day),
            duration=dt.timedelta(minutes=DOSE_MINUTES),
            rrule=Recur.from_rrule(rule) if rule else None,
            categories=["b12pain", "dose"],
            alarm=[Alarm(action="DISPLAY", trigger=DOSE_ALARM, description=summary)],
        )

    if plan.every_days is not None:
        every = f"FREQ=DAILY;INTERVAL={plan.every_days}"
        events.append(
            dose_event(
                f"{plan.uid}-doses@b12pain", f"B12 dose: {dose}", plan.starts_on, until(every)
            )
        )
    dose_days = [
        s.date
        for s in plan.schedule
        if s.kind == "dose" and (last_day is None or s.date <= last_day)
    ]
    phases = split_phases(dose_days)
    for index, days in enumerate(phases):
        role = "loading" if index == 0 and len(phases) > 1 else "maintenance"
        if len(phases) == 1 and len(days) > 1 and (days[1] - days[0]).days < PHASE_GAP_DAYS:
            role = "loading"
        maintenance = role == "maintenance"
        rule = rule_for(days, open_ended=maintenance and open_ended)
        summary = f"B12 {role} dose: {dose}"
        if rule is not None:
            if maintenance and not open_ended:
                rule = until(rule.split(";COUNT=")[0])
            events.append(dose_event(f"{plan.uid}-{role}@b12pain", summary, days[0], rule))
        else:  # no rule reproduces these days: one event each (stable uid per day)
            events += [
                dose_event(f"{plan.uid}-{role}-{day:%Y%m%d}@b12pain", summary, day, None)
                for day in days
            ]
    for step in plan.schedule:
        if step.kind == "dose" or (plan.stopped_on is not None and step.date >= plan.stopped_on):
            continue
        label = "Treatment review" if step.kind == "review" else "Follow-up check"
        events.append(
            Event(
                uid=f"{plan.uid}-{step.kind}-{step.date:%Y%m%d}@b12pain",
                dtstamp=stamp,
                sequence=revision,
                summary=f"{label}: {name}",
                description=f"{step.what}. From your b12pain plan; not medical advice.",
                dtstart=step.date,
                dtend=step.date + dt.timedelta(days=1),
                categories=["b12pain", step.kind],
                alarm=[Alarm(action="DISPLAY", trigger=DAY_ALARM, description=f"{label} tomorrow")],
            )
        )
    return events
