"""Report use cases: the clinician report, the calendar of doses and tests, CSV export and import.

`build_report` gathers what the person recorded between two days (owner-scoped) and what
`clinical` reads in it (red flags, bands, the regimen's citations) into one `reports.Report`;
`render_report` lays it out once and renders HTML and/or PDF from that one layout.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from statistics import fmean
from typing import Any, TypeVar

from b12pain.errors import InputError
from b12pain.insights.helping import is_it_helping
from b12pain.insights.schedule import PlanView, dose_days
from b12pain.insights.series import PainReading
from b12pain.insights.trends import Stock, daily_pain, stock_forecast
from b12pain.journal.records import (
    DoseEvent,
    Entry,
    FoodEntry,
    InstrumentEntry,
    LabEntry,
    PainEntry,
    PlanEntry,
    ProfileEntry,
    StockCount,
    SymptomCheck,
)
from b12pain.journal.series import plan_view
from b12pain.reports.citations import Numbering
from b12pain.reports.document import cite, number
from b12pain.reports.model import (
    ChartData,
    IntakeLine,
    LabLine,
    MedicineLine,
    PainTrend,
    PlanStepLine,
    RedFlagLine,
    RegimenLine,
    Report,
    ScoreLine,
)
from b12pain.reports.summaries import daily_intake, diary_lines, note_lines
from b12pain.service.context import Context
from b12pain.service.intake import intake_target
from b12pain.service.when import day_bounds

#: The period a report covers when no start is given (tool policy).
DEFAULT_DAYS = 90
#: How many lines page 1 gives "what changed" and "questions" (so it stays one page).
MAX_LINES = 6
#: How far ahead the plan section lists dated steps (tool policy).
PLAN_AHEAD_DAYS = 180
MAX_PLAN_STEPS = 14
#: Adherence below this share of due doses is raised as a question (tool policy).
LOW_ADHERENCE = 0.8
#: Stock running out within this many days of the report is raised as a question (tool policy).
STOCK_WARNING_DAYS = 21

_B12_TESTS = ("total_b12", "active_b12", "mma", "homocysteine")
#: How the report names lab tests (display words; the ids stay in CSV and JSON).
TEST_LABELS = {
    "total_b12": "total B12",
    "active_b12": "active B12",
    "mma": "MMA",
    "homocysteine": "homocysteine",
    "folate": "folate",
    "haemoglobin": "haemoglobin",
    "mcv": "MCV",
    "fbc": "full blood count",
}


def _test_label(test: str) -> str:
    """`total_b12` → `total B12`."""
    return TEST_LABELS.get(test, test.replace("_", " "))


def _lab_range_text(text: str | None, unit: str) -> str | None:
    """The lab's range as printed, with the result's unit added when it has none (`180-900 ng/L`)."""
    if not text:
        return None
    return text if any(c.isalpha() for c in text) else f"{text} {unit}"


_RANGE = re.compile(
    r"^\s*(?:(?P<low>\d+(?:\.\d+)?)\s*(?:-|–|to)\s*(?P<high>\d+(?:\.\d+)?)|[<≤]\s*(?P<below>\d+(?:\.\d+)?)"
    r"|[>≥]\s*(?P<above>\d+(?:\.\d+)?))"
)


_E = TypeVar("_E", bound=Entry)


@dataclass(frozen=True)
class RenderedReport:
    """The report and what was asked of it: HTML text and/or PDF bytes."""

    report: Report
    html: str | None = None
    pdf: bytes | None = None


def report_period(
    ctx: Context,
    start: dt.date | None,
    end: dt.date | None,
    last_report_on: dt.date | None = None,
) -> tuple[dt.date, dt.date]:
    """The days a report covers: `start`..`end` inclusive; by default the 90 days to today."""
    from b12pain.days import check_day

    for field, day in (("from", start), ("to", end), ("since", last_report_on)):
        try:
            if day is not None:
                check_day(day)
        except ValueError as exc:
            raise InputError.single(field, day.isoformat() if day else None, str(exc)) from None
    end = end or ctx.today
    start = start or end - dt.timedelta(days=DEFAULT_DAYS - 1)
    day_bounds(start, end, ctx.now.tzinfo)  # refuses `to` before `from`, by field
    if end > ctx.today:
        raise InputError.single("to", end.isoformat(), f"today ({ctx.today}) or earlier")
    return start, end


def build_report(
    ctx: Context,
    start: dt.date | None = None,
    end: dt.date | None = None,
    last_report_on: dt.date | None = None,
) -> Report:
    """The clinician report of `ctx.owner`'s journal for `start`..`end` (days, inclusive).

    "What changed" counts from `last_report_on` (default: the start of the period, i.e. the
    report is taken to follow the last one). An empty journal gives a report saying so.
    """
    start, end = report_period(ctx, start, end, last_report_on)
    since = last_report_on or start
    lower, upper = day_bounds(start, end, ctx.now.tzinfo)
    everything = ctx.store.entries(None, None, upper, owner=ctx.owner)
    in_range = [e for e in everything if lower is None or e.at >= lower]
    numbering = Numbering(ctx.kb)
    profile_entry = _latest(everything, ProfileEntry)
    labs_to_date = [e for e in everything if isinstance(e, LabEntry)]
    symptoms = _recent_symptoms(everything, profile_entry, start)
    assessment = _assess(ctx.kb, profile_entry, labs_to_date, symptoms, end)
    flags = _red_flags(assessment, profile_entry, symptoms, numbering)
    latest = _latest_labs(labs_to_date, assessment, end, numbering)
    scores = _scores(in_range, numbering)
    plans = [p for p in _all(everything, PlanEntry) if p.starts_on <= end and _runs_into(p, start)]
    doses = [e for e in everything if isinstance(e, DoseEvent)]
    stock_counts = _all(everything, StockCount)
    regimens = tuple(_regimen_line(p, doses, stock_counts, start, end, numbering) for p in plans)
    pain = _pain_trend(in_range, plans, doses, start, end)
    lab_table = tuple(
        _lab_line(lab, assessment, end, numbering)
        for lab in labs_to_date
        if start <= (lab.taken_on or lab.day) <= end
    )
    return Report(
        generated_at=ctx.now,
        knowledge_version=ctx.kb.version,
        start=start,
        end=end,
        last_report_on=since,
        red_flags=flags,
        b12_status=_b12_status(assessment, numbering),
        latest_labs=latest,
        scores=scores,
        regimens=regimens,
        pain=pain,
        changes=_changes(everything, since, end, profile_entry),
        questions=_questions(assessment, flags, latest, regimens, plans, pain, end),
        labs=lab_table,
        charts=_charts(in_range, labs_to_date, start, end),
        diary=diary_lines(in_range),
        notes=note_lines(in_range),
        intake=_intake(in_range, intake_target(ctx) if profile_entry else None),
        plan=_plan_steps(plans, end),
        medicines=_medicines(profile_entry),
        sources=numbering.sources(),
    )


def render_report(report: Report, *, html: bool = False, pdf: bool = False) -> RenderedReport:
    """Lay `report` out once and render HTML and/or PDF from that same layout."""
    from b12pain.reports.charts import timeline_svg
    from b12pain.reports.document import layout

    document = layout(report, timeline_svg(report.charts, report.start, report.end))
    rendered_html = rendered_pdf = None
    if html:
        from b12pain.reports.html import render_html

        rendered_html = render_html(document)
    if pdf:
        from b12pain.reports.pdf import render_pdf

        rendered_pdf = render_pdf(document)
    return RenderedReport(report, rendered_html, rendered_pdf)


# gathering -------------------------------------------------------------------------------


def _all(entries: Sequence[Entry], kind: type[_E]) -> list[_E]:
    return [e for e in entries if isinstance(e, kind)]


def _latest(entries: Sequence[Entry], kind: type[_E]) -> _E | None:
    found = _all(entries, kind)
    return found[-1] if found else None


def _runs_into(plan: PlanEntry, start: dt.date) -> bool:
    last = plan.stopped_on or plan.ends_on
    return last is None or last >= start


def _recent_symptoms(
    entries: Sequence[Entry], profile: ProfileEntry | None, start: dt.date
) -> tuple[str, ...]:
    """The profile's symptoms and every symptom ticked in the period (or, with no check in the
    period, at the latest check before it): a red flag reported at any time in the period is on
    the report, even if a later check did not repeat it."""
    checks = _all(entries, SymptomCheck)
    before = [c for c in checks if c.day < start]
    shown = [c for c in checks if c.day >= start] or before[-1:]
    found = list(profile.profile.get("symptoms", ())) if profile else []
    for check in shown:
        found += [s for s in check.symptoms if s not in found]
    return tuple(found)


def _lab_result(lab: LabEntry) -> Any:
    from b12pain.clinical.profile import LabResult

    low, high = _range_limits(lab.reference_range)
    return LabResult(
        test=lab.test,
        value=lab.value,
        unit=lab.unit,
        date=lab.taken_on or lab.day,
        lab=lab.lab,
        reference_low=low,
        reference_high=high,
    )


def _range_limits(text: str | None) -> tuple[float | None, float | None]:
    """The lab's own range as numbers when it reads `180-900`, `<0.28` or `>200`; else None."""
    match = _RANGE.match(text or "")
    if not match:
        return None, None
    if match["low"]:
        low, high = float(match["low"]), float(match["high"])
        return (low, high) if 0 <= low < high else (None, None)
    if match["below"]:
        return None, float(match["below"]) or None
    return float(match["above"]), None


def _assess(
    kb: Any,
    profile: ProfileEntry | None,
    labs: Sequence[LabEntry],
    symptoms: tuple[str, ...],
    on: dt.date,
) -> Any:
    """The assessment of the saved profile with the latest result of each test and the latest
    symptoms, on the report's last day; None without a profile (nothing to assess)."""
    if profile is None:
        return None
    from b12pain.clinical.profile import Profile
    from b12pain.service.profile import assess_profile

    latest: dict[str, LabEntry] = {}
    for lab in sorted(labs, key=lambda e: (e.taken_on or e.day, e.at)):
        latest[lab.test] = lab
    data = {
        **profile.profile,
        "symptoms": list(symptoms),
        "labs": [_lab_result(lab).model_dump(exclude_none=True) for lab in latest.values()],
    }
    try:
        return assess_profile(kb, Profile.model_validate(data), on)
    except (InputError, ValueError):  # e.g. a profile dated after the report's end
        return None


def _red_flags(
    assessment: Any, profile: ProfileEntry | None, symptoms: tuple[str, ...], numbering: Numbering
) -> tuple[RedFlagLine, ...]:
    if assessment is not None:
        flags = assessment.red_flags
    else:  # no profile: red flags still come from the symptoms recorded
        from b12pain.clinical.profile import Profile
        from b12pain.clinical.triage import red_flags

        # Age, sex and the rest play no part in red flags (clinical.triage reads symptoms,
        # pain types and nitrous oxide); 0 only fills the required field.
        flags = red_flags(Profile(age=0, symptoms=symptoms)) if symptoms else ()
    from b12pain.presentation.assessment import red_flag_text

    return tuple(
        RedFlagLine(
            title=f.title,
            action=red_flag_text(f),
            clinician_action=red_flag_text(f, clinician=True),
            cites=numbering.numbers(f.citations),
        )
        for f in flags
    )


def _reading_for(lab: LabEntry, assessment: Any, on: dt.date) -> Any:
    from b12pain.clinical.labs import LabContext, read_lab

    context = LabContext(today=on)
    if assessment is not None:  # the same result in the assessment is read with the profile
        for reading in assessment.labs:
            if (reading.test, reading.value, reading.date) == (
                lab.test,
                lab.value,
                lab.taken_on or lab.day,
            ):
                return reading
    try:
        return read_lab(_lab_result(lab), context)
    except (InputError, ValueError, KeyError):
        return None


def _lab_line(lab: LabEntry, assessment: Any, on: dt.date, numbering: Numbering) -> LabLine:
    reading = _reading_for(lab, assessment, on)
    band = "not read"
    if reading is not None:
        from b12pain.presentation.assessment import band_words

        band = band_words(lab.test, reading.band, clinician=True)
    return LabLine(
        taken_on=lab.taken_on or lab.day,
        test=_test_label(lab.test),
        value=lab.value,
        unit=lab.unit,
        band=band,
        lab_range=_lab_range_text(lab.reference_range, lab.unit),
        lab=lab.lab,
        cites=numbering.numbers(reading.citations) if reading is not None else (),
    )


def _latest_labs(
    labs: Sequence[LabEntry], assessment: Any, on: dt.date, numbering: Numbering
) -> tuple[LabLine, ...]:
    latest: dict[str, LabEntry] = {}
    for lab in sorted(labs, key=lambda e: (e.taken_on or e.day, e.at)):
        latest[lab.test] = lab
    ordered = [t for t in _B12_TESTS if t in latest] + [t for t in latest if t not in _B12_TESTS]
    return tuple(_lab_line(latest[t], assessment, on, numbering) for t in ordered)


def _b12_status(assessment: Any, numbering: Numbering) -> str:
    if assessment is None:
        return "No profile saved, so no assessment: B12 status not assessed."
    from b12pain.presentation.assessment import deficiency_words, testing_words

    testing = assessment.testing
    text = f"{deficiency_words(assessment.deficiency, clinician=True)}. "
    text += testing_words(testing.status, clinician=True)
    if testing.status == "recommended" and testing.tests:
        text += ": " + ", ".join(_test_label(t) for t in testing.tests)
    text += "."
    if assessment.neurological_involvement:
        text += " Neurological involvement recorded."
    cites = numbering.numbers(testing.citations)
    return text + cite(cites)


def _scores(entries: Sequence[Entry], numbering: Numbering) -> tuple[ScoreLine, ...]:
    """The latest result of each questionnaire in the period, with its meaning re-read."""
    from b12pain.instruments.registry import score

    latest: dict[str, InstrumentEntry] = {}
    for entry in _all(entries, InstrumentEntry):
        latest[entry.instrument] = entry
    lines = []
    for instrument_id, entry in latest.items():
        try:
            result = score(instrument_id, entry.answers)
        except (InputError, ValueError, KeyError):  # an instrument or answers no longer scored
            result = None
        shown = number(entry.score, 1) if entry.score is not None else "–"
        if result is not None:
            low, high = result.score_range
            shown = f"{shown} ({number(low, 0)}-{number(high, 0)})"
            meaning, name = result.clinician_summary or result.summary, result.title
            cites = numbering.numbers(result.citations)
        else:
            meaning, name, cites = entry.category or "", instrument_id, ()
        answers = tuple((str(k), str(v)) for k, v in entry.answers.items())
        lines.append(ScoreLine(entry.day, name, shown, meaning, answers, cites))
    return tuple(lines)


def _regimen_line(
    plan: PlanEntry,
    doses: Sequence[DoseEvent],
    counts: Sequence[StockCount],
    start: dt.date,
    end: dt.date,
    numbering: Numbering,
) -> RegimenLine:
    from b12pain.clinical.catalogue import catalogue

    count = next((c for c in reversed(counts) if c.plan_uid == plan.uid), None)
    view = plan_view(plan, count)
    window_start = max(start, plan.starts_on)
    due = [d for d in dose_days(view, end) if d >= window_start and _view_runs(view, d)]
    taken_days = sorted(
        {d.day for d in doses if d.plan_uid == plan.uid and d.status in ("taken", "late")}
    )
    taken = sum(1 for d in due if d in taken_days)
    adherence = f"{taken} of {len(due)} due" + (
        f" ({round(100 * taken / len(due))} %)" if due else ""
    )
    stock: Stock | None = None
    if view.stock_units is not None:
        upcoming = None
        if view.every_days is None:
            horizon = end + dt.timedelta(days=3 * 366)
            upcoming = [d for d in dose_days(view, horizon) if d >= end]
        stock = stock_forecast(
            view.stock_units,
            view.stock_from or view.starts_on,
            taken_days,
            view.every_days or 1,
            end,
            upcoming,
        )
    stock_text = None
    if stock is not None:
        stock_text = f"{stock.remaining} left"
        if stock.runs_out_on is not None and plan.stopped_on is None:
            stock_text += f", runs out {stock.runs_out_on.isoformat()}"
    cites: tuple[int, ...] = ()
    if plan.regimen_id is not None and plan.regimen_id in catalogue().regimens:
        cites = numbering.numbers(catalogue().cite(plan.regimen_id))
    form = {"injection": "injection", "oral": "by mouth", "sublingual": "under the tongue"}
    every = f", every {plan.every_days} days" if (plan.every_days or 1) > 1 else ""
    every = ", daily" if plan.every_days == 1 else every
    return RegimenLine(
        name=_plan_name(plan),
        dose=f"{number(plan.amount_ug, 1)} µg {form.get(plan.form, plan.form)}{every}",
        since=plan.starts_on,
        stopped_on=plan.stopped_on,
        adherence=adherence,
        stock=stock_text,
        cites=cites,
    )


def _plan_name(plan: PlanEntry) -> str:
    """`hydroxocobalamin (regimen R3)`, or the product's name for the person's own supplement."""
    from b12pain.clinical.catalogue import catalogue

    regimen = catalogue().regimens.get(plan.regimen_id or "")
    if regimen is None:
        return f"{plan.name} (own supplement)"
    return f"{regimen.drug} (regimen {regimen.rule})"


def _view_runs(view: PlanView, day: dt.date) -> bool:
    """True when `day` lies within the plan's run (start to end or stop)."""
    return view.starts_on <= day and (view.ends_on is None or day <= view.ends_on)


def _pain_trend(
    entries: Sequence[Entry],
    plans: Sequence[PlanEntry],
    doses: Sequence[DoseEvent],
    start: dt.date,
    end: dt.date,
) -> PainTrend:
    readings = [PainReading(e.day, e.nrs) for e in _all(entries, PainEntry)]
    daily = daily_pain(readings)
    if not daily:
        return PainTrend(
            0, None, None, None, None, None, None, "No pain entries in this period.", ""
        )
    week = dt.timedelta(days=6)
    first = [v for d, v in daily.items() if d <= start + week]
    last = [v for d, v in daily.items() if d >= end - week]
    starts = [p.starts_on for p in plans] + [
        d.day for d in doses if d.status in ("taken", "late") and d.day >= start
    ]
    started = min(starts) if starts else None
    helping = is_it_helping(readings, started, end)
    mean = fmean(daily.values())
    message = (
        f"Average pain {mean:.1f} of 10 over {len(daily)} days with entries"
        + (f"; first week {fmean(first):.1f}" if first else "")
        + (f", last week {fmean(last):.1f}" if last else "")
        + ". "
    )
    if helping.status == "estimated":
        message += (
            f"Before starting treatment ({started}): {helping.before_mean:.1f}; after: "
            f"{helping.after_mean:.1f} (difference {helping.difference:+.1f}, 95 % interval "
            f"{helping.low:+.1f} to {helping.high:+.1f}; {helping.before_days} and "
            f"{helping.after_days} days)."
        )
    elif helping.status == "not_enough_data":
        message += f"Before/after treatment: {helping.message}"
    else:
        message += "No treatment start recorded, so no before/after comparison."
    return PainTrend(
        days_with_entries=len(daily),
        mean=round(mean, 2),
        first_week_mean=round(fmean(first), 2) if first else None,
        last_week_mean=round(fmean(last), 2) if last else None,
        treatment_started=started,
        before_mean=helping.before_mean,
        after_mean=helping.after_mean,
        message=message,
        caveat=helping.caveat if helping.status == "estimated" else "",
    )


def _changes(
    entries: Sequence[Entry], since: dt.date, end: dt.date, profile: ProfileEntry | None
) -> tuple[str, ...]:
    """New since `since`: results, plans started or stopped, questionnaires, symptoms, profile."""
    new = [e for e in entries if since <= e.day <= end]
    lines: list[str] = []
    results: dict[str, list[str]] = {}
    for lab in _all(new, LabEntry):
        results.setdefault(_test_label(lab.test), []).append(
            f"{number(lab.value, 3)} {lab.unit} ({(lab.taken_on or lab.day).isoformat()})"
        )
    for test, shown in results.items():
        lines.append(f"New {test} result{'s' if len(shown) > 1 else ''}: {', '.join(shown)}")
    for plan in _all(entries, PlanEntry):
        if since <= plan.starts_on <= end:
            lines.append(f"Started {_plan_name(plan)} on {plan.starts_on}")
        if plan.stopped_on is not None and since <= plan.stopped_on <= end:
            lines.append(f"Stopped {_plan_name(plan)} on {plan.stopped_on}")
    scores: dict[str, list[str]] = {}
    for entry in _all(new, InstrumentEntry):
        score = number(entry.score, 1) if entry.score is not None else "done"
        scores.setdefault(entry.instrument, []).append(f"{score} ({entry.day})")
    for instrument, shown in scores.items():
        lines.append(f"Questionnaire {instrument.upper()}: {', '.join(shown)}")
    before = {s for e in _all(entries, SymptomCheck) if e.day < since for s in e.symptoms}
    fresh = sorted({s for e in _all(new, SymptomCheck) for s in e.symptoms} - before)
    if fresh:
        lines.append("New symptoms: " + ", ".join(s.replace("_", " ") for s in fresh))
    if profile is not None and since <= profile.day <= end:
        lines.append(f"Profile updated on {profile.day}")
    if len(lines) > MAX_LINES:
        more = len(lines) - (MAX_LINES - 1)
        lines = [*lines[: MAX_LINES - 1], f"… and {more} more (see the diary summary)"]
    return tuple(lines)


def _questions(
    assessment: Any,
    flags: Sequence[RedFlagLine],
    latest: Sequence[LabLine],
    regimens: Sequence[RegimenLine],
    plans: Sequence[PlanEntry],
    pain: PainTrend,
    end: dt.date,
) -> tuple[str, ...]:
    """Questions for the appointment, from what the report shows (the most pressing first)."""
    from b12pain.presentation.assessment import band_words

    asked: list[str] = []
    if flags:
        asked.append("The red flags above: what needs to happen today?")
    if assessment is not None:
        if assessment.deficiency == "discordant":
            asked.append("The B12 results disagree with each other: how should they be read?")
        for reading in assessment.labs:
            if reading.next_tests:
                tests = ", ".join(_test_label(t) for t in reading.next_tests)
                asked.append(
                    f"The {_test_label(reading.test)} result is "
                    f"{band_words(reading.test, reading.band, clinician=True)}: "
                    f"should {tests} be tested?"
                )
        if assessment.testing.status == "recommended" and not latest:
            asked.append("Should my B12 be tested?")
    for plan in plans:
        review = plan.review_on
        if review is not None and plan.stopped_on is None and review <= end + dt.timedelta(30):
            asked.append(
                f"Treatment review due {review}: continue, change or stop {_plan_name(plan)}?"
            )
    for line in regimens:
        if line.stock and "runs out" in line.stock:
            runs_out = dt.date.fromisoformat(line.stock.rsplit(" ", 1)[-1])
            if runs_out <= end + dt.timedelta(days=STOCK_WARNING_DAYS):
                asked.append(f"Repeat prescription: {line.name} runs out {runs_out}.")
        taken, _, rest = line.adherence.partition(" of ")
        due = int(rest.split(" ", 1)[0]) if rest else 0
        if due and int(taken) < LOW_ADHERENCE * due:
            asked.append(f"Doses missed ({line.adherence} of {line.name}): what would help?")
    before, after = pain.before_mean, pain.after_mean
    if before is not None and after is not None and after >= before:
        asked.append("Pain has not eased since starting treatment: what else could it be?")
    return tuple(asked[:MAX_LINES])


def _charts(
    entries: Sequence[Entry], labs: Sequence[LabEntry], start: dt.date, end: dt.date
) -> ChartData:
    from b12pain.insights.dashboard import lab_points
    from b12pain.insights.series import LabReading

    pain = daily_pain(PainReading(e.day, e.nrs) for e in _all(entries, PainEntry))
    # One B12 level on one axis: total B12 if any, else active B12 (markers are in the table)
    measured = {lab.test for lab in labs if start <= (lab.taken_on or lab.day) <= end}
    charted = next((t for t in ("total_b12", "active_b12") if t in measured), None)
    shown = [
        LabReading(lab.taken_on or lab.day, lab.test, lab.value, lab.unit)
        for lab in labs
        if lab.test == charted and start <= (lab.taken_on or lab.day) <= end
    ]
    lab_rows = []
    for reading in shown:
        point = lab_points((reading,))[0]
        lab_rows.append(
            (point.day, _test_label(reading.test), point.reference_value, point.reference_unit)
        )
    return ChartData(
        pain=tuple(pain.items()),
        labs=tuple(lab_rows),
        doses=tuple((d.day, d.status) for d in _all(entries, DoseEvent)),
        intake=tuple(daily_intake(entries).items()),
    )


def _intake(entries: Sequence[Entry], target: Any) -> IntakeLine | None:
    foods = _all(entries, FoodEntry)
    if not foods:
        return None
    daily = daily_intake(entries)
    reference = None
    if target is not None:
        reference = f"reference intake {number(target.amount_ug, 2)} µg a day ({target.measure})"
    by_food: dict[str, float] = {}
    for food in foods:
        by_food[food.description] = by_food.get(food.description, 0.0) + (food.b12_ug or 0.0)
    top = sorted(by_food.items(), key=lambda item: -item[1])[:3]
    return IntakeLine(
        days_logged=len(daily),
        mean_daily_ug=round(fmean(daily.values()), 2),
        reference=reference,
        top_foods=tuple(f"{name} ({number(ug, 1)} µg)" for name, ug in top if ug > 0),
    )


def _plan_steps(plans: Sequence[PlanEntry], end: dt.date) -> tuple[PlanStepLine, ...]:
    horizon = end + dt.timedelta(days=PLAN_AHEAD_DAYS)
    steps = []
    for plan in plans:
        if plan.stopped_on is not None:
            continue
        if plan.every_days is not None:
            every = "daily" if plan.every_days == 1 else f"every {plan.every_days} days"
            steps.append(
                PlanStepLine(
                    max(plan.starts_on, end),
                    f"{_plan_name(plan)}: {number(plan.amount_ug, 1)} µg {every}",
                    "dose",
                )
            )
        steps += [
            PlanStepLine(s.date, s.what, s.kind)
            for s in plan.schedule
            if end < s.date <= horizon or (s.kind != "dose" and end - dt.timedelta(30) <= s.date)
        ]
    steps.sort(key=lambda s: s.on)
    return tuple(steps[:MAX_PLAN_STEPS])


def _medicines(profile: ProfileEntry | None) -> tuple[MedicineLine, ...]:
    if profile is None:
        return ()
    lines = []
    for item in profile.profile.get("medications", ()):
        if isinstance(item, str):
            lines.append(MedicineLine(item))
        else:
            since = item.get("since") or item.get("duration")
            lines.append(
                MedicineLine(str(item.get("name")), item.get("dose"), since and str(since))
            )
    return tuple(lines)


# calendar and CSV ------------------------------------------------------------------------


def calendar(ctx: Context, zone: str = "UTC", reminder_time: dt.time = dt.time(9, 0)) -> bytes:
    """`ctx.owner`'s supplement plans as an iCalendar file (doses, reviews and tests), in `zone`."""
    from b12pain.reports.calendar import plans_calendar

    plans = [p for p in ctx.store.plans(owner=ctx.owner)]
    return plans_calendar(plans, zone, reminder_time, ctx.now).encode("utf-8")


def export_csv(ctx: Context, folder: Path) -> list[Path]:
    """Write `ctx.owner`'s whole journal to `folder` as one CSV file per diary kind."""
    from b12pain.reports.csvfiles import write_folder

    return write_folder(ctx.store.entries(None, owner=ctx.owner), folder)


def export_csv_zip(ctx: Context) -> bytes:
    """The same CSV files as `export_csv`, in one zip archive (the web app's download)."""
    import io
    import zipfile

    from b12pain.reports.csvfiles import csv_texts

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in csv_texts(ctx.store.entries(None, owner=ctx.owner)).items():
            archive.writestr(name, "\ufeff" + text)
    return buffer.getvalue()


def import_csv(ctx: Context, folder: Path) -> int:
    """Read every CSV file b12pain wrote in `folder` into `ctx.owner`'s journal, all or nothing.

    `InputError` naming the file, row and column of each problem; nothing is saved then.
    """
    from b12pain.reports.csvfiles import read_folder
    from b12pain.service.plans import check_imported_plans

    records = read_folder(folder)
    plans = [(i, r) for i, r in enumerate(records) if isinstance(r, PlanEntry)]
    problems = check_imported_plans(ctx.kb, plans)  # the same dose check as `plan start`
    if problems:
        raise InputError(problems)
    return ctx.store.add_many(records, owner=ctx.owner)
