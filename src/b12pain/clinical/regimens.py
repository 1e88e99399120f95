"""Which cited regimen fits, and its dated schedule (clinical-spec §B.1-§B.3).

Choice by cause and neurological involvement: neurological involvement → R4 (IM alternate days,
urgent advice) whatever the cause; otherwise autoimmune gastritis → R5 (lifelong IM; tablets are
not offered, their place being unverified, §J.10), irreversible malabsorption → R3 lifelong,
nitrous oxide → R6, malabsorption → R2 (oral ≥ 1 mg), dietary → R1 (oral 50-150 µg), metformin →
50 µg a day for 4 weeks (NHS Lothian, §J.8); unknown cause → the cited options, chosen by the
clinician (no uncited default, §J.8). Every dose in a schedule is the regimen's own dose text;
nothing is computed. Without a result no dated schedule is given (§J.4).
"""

from __future__ import annotations

import calendar
import datetime as dt

from b12pain.clinical.catalogue import Catalogue, catalogue
from b12pain.clinical.result import ScheduledDose, TierComparison, Treatment
from b12pain.days import check_day
from b12pain.errors import InputError, Problem
from b12pain.knowledge.schema.clinical import Regimen

#: Likely cause (or None) → (regimen without neurological involvement, alternatives).
_BY_CAUSE: dict[str | None, tuple[str, tuple[str, ...]]] = {
    "autoimmune_gastritis": ("im_lifelong_autoimmune_gastritis", ()),
    "malabsorption_irreversible": (
        "im_hydroxocobalamin_no_neuro",
        ("oral_cyanocobalamin_malabsorption",),
    ),
    "nitrous_oxide": (
        "nitrous_oxide_related",
        ("oral_cyanocobalamin_malabsorption", "im_hydroxocobalamin_no_neuro"),
    ),
    "malabsorption": ("oral_cyanocobalamin_malabsorption", ("im_hydroxocobalamin_no_neuro",)),
    "dietary": ("oral_cyanocobalamin_dietary", ()),
    "metformin": ("oral_cyanocobalamin_metformin", ()),
    None: (
        "options_unknown_cause",
        ("oral_cyanocobalamin_malabsorption", "im_hydroxocobalamin_no_neuro"),
    ),
}
NEURO_REGIMEN = "im_hydroxocobalamin_neuro"
IRREVERSIBLE = ("autoimmune_gastritis", "malabsorption_irreversible")
#: How far ahead a schedule lists maintenance doses (tool policy).
HORIZON_DAYS = 365

_ROUTE_WORDS = {"im": "by intramuscular injection", "oral": "by mouth"}


def choose_regimen(cause: str | None, neurological: bool) -> tuple[str, tuple[str, ...]]:
    """The regimen id for a likely cause and neurological involvement, with its alternatives."""
    if neurological:
        alternatives = ("nitrous_oxide_related",) if cause == "nitrous_oxide" else ()
        return NEURO_REGIMEN, alternatives
    return _BY_CAUSE.get(cause, _BY_CAUSE[None])


def review_days(cat: Catalogue, pregnant_or_breastfeeding: bool = False) -> int:
    """Days from the start of treatment to the first review (follow-up rule F1, from knowledge)."""
    f1 = cat.follow_up["follow_up.f1"]
    days = f1.review_after_days_pregnant if pregnant_or_breastfeeding else f1.review_after_days
    if days is None:  # a knowledge error, caught by the knowledge tests
        raise KeyError("follow_up.f1 has no review interval")
    return days


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (clamped to the month's last day)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def _dose_text(regimen: Regimen) -> str:
    return f"{regimen.drug} {regimen.dose} {_ROUTE_WORDS.get(regimen.route, '')}".strip()


def build_schedule(
    regimen_id: str,
    start: dt.date,
    *,
    review_after_days: int | None = None,
    horizon_days: int = HORIZON_DAYS,
    cat: Catalogue | None = None,
) -> tuple[ScheduledDose, ...]:
    """Dated loading doses, maintenance doses, review and follow-up check of one regimen.

    Doses use only the regimen's cited dose; an open-ended loading phase ("until no further
    improvement") is listed for its `shown_days` and then handed to the clinician's review.
    `KeyError` for an unknown regimen id; `InputError` for a start outside 1900–2100 or a
    horizon or review interval outside 0–100 years (such dates are slips, and overflow).
    """
    problems = _schedule_problems(start, review_after_days, horizon_days)
    if problems:
        raise InputError(problems)
    cat = cat or catalogue()
    regimen = cat.regimens[regimen_id]
    if review_after_days is None:
        review_after_days = review_days(cat)
    end = start + dt.timedelta(days=horizon_days)
    dose = _dose_text(regimen)
    items: list[ScheduledDose] = []

    def add_dose(day: dt.date, what: str) -> None:
        items.append(ScheduledDose(date=day, what=what, regimen_id=regimen.id, dose=regimen.dose))

    last_loading = start
    if regimen.daily:
        add_dose(start, f"{dose}, {regimen.frequency} (start)")
    elif regimen.loading is not None:
        loading = regimen.loading
        days = loading.for_days or loading.shown_days or 0
        offsets: list[int] = []
        if loading.every_days:
            offsets = list(range(0, days, loading.every_days))
        else:
            for week_start in range(0, days, 7):
                offsets.extend(
                    week_start + o for o in loading.day_offsets_per_week if week_start + o < days
                )
        for offset in offsets:
            last_loading = start + dt.timedelta(days=offset)
            add_dose(last_loading, f"{dose} (loading: {regimen.frequency})")
        if loading.until_no_further_improvement:
            items.append(
                ScheduledDose(
                    date=start + dt.timedelta(days=days),
                    what=f"clinician review: continue {regimen.frequency}, then {regimen.maintenance}",
                    kind="review",
                    regimen_id=regimen.id,
                )
            )
            last_loading = start + dt.timedelta(days=days)
    if regimen.maintenance_every_months:
        day = add_months(last_loading, regimen.maintenance_every_months)
        while day <= end:
            add_dose(day, f"{dose} (maintenance: {regimen.maintenance})")
            day = add_months(day, regimen.maintenance_every_months)
    review = start + dt.timedelta(days=review_after_days)
    items.append(
        ScheduledDose(
            date=review,
            what="treatment review with your clinician (symptoms, cause, whether to continue)",
            kind="review",
            regimen_id=regimen.id,
        )
    )
    items.append(
        ScheduledDose(
            date=review,
            what="follow-up check; a repeat blood test only if your clinician asks for one",
            kind="test",
            regimen_id=regimen.id,
        )
    )
    return tuple(sorted(items, key=lambda item: item.date))


#: The longest horizon or review interval a schedule takes, in days (100 years).
MAX_SCHEDULE_DAYS = 36_600


def _schedule_problems(
    start: dt.date, review_after_days: int | None, horizon_days: int
) -> list[Problem]:
    problems = []
    try:
        check_day(start)
    except ValueError as exc:
        problems.append(Problem("start", start.isoformat(), str(exc)))
    spans = {"horizon_days": horizon_days, "review_after_days": review_after_days}
    for field, days in spans.items():
        if days is not None and not 0 <= days <= MAX_SCHEDULE_DAYS:
            problems.append(Problem(field, days, f"between 0 and {MAX_SCHEDULE_DAYS} days"))
    return problems


def tier_comparisons(
    regimen_id: str, neurological: bool, special_case: bool, cat: Catalogue | None = None
) -> tuple[TierComparison, ...]:
    """The seed's consumer tiers beside the chosen regimen, marking those that bear on it."""
    cat = cat or catalogue()
    out = []
    for tier in cat.tiers:
        applies = regimen_id in tier.closest_regimens
        if tier.agreement == "not_covered":
            applies = neurological or special_case
        out.append(
            TierComparison(
                id=tier.id,
                tier=tier.tier,
                agreement=tier.agreement,
                explanation=tier.explanation,
                applies=applies,
                citations=tier.citations,
            )
        )
    return tuple(out)


def treatment_for(
    cause: str | None,
    neurological: bool,
    start: dt.date,
    *,
    pregnant_or_breastfeeding: bool = False,
    extra_notes: tuple[str, ...] = (),
    cat: Catalogue | None = None,
    with_schedule: bool = True,
) -> Treatment:
    """The cited treatment for a likely cause and neurological involvement, with its schedule.

    `with_schedule=False` (no result yet, §J.4) gives the regimen without dated steps; a regimen
    without doses (the options for an unknown cause) never has one. Not memoised here: `assess`
    memoises the treatment with its finding on the same values.
    """
    return _treatment(
        cause,
        neurological,
        start,
        pregnant_or_breastfeeding,
        extra_notes,
        cat or catalogue(),
        with_schedule,
    )


def _treatment(
    cause: str | None,
    neurological: bool,
    start: dt.date,
    pregnant_or_breastfeeding: bool,
    extra_notes: tuple[str, ...],
    cat: Catalogue,
    with_schedule: bool = True,
) -> Treatment:
    regimen_id, alternatives = choose_regimen(cause, neurological)
    regimen = cat.regimens[regimen_id]
    review_after = review_days(cat, pregnant_or_breastfeeding)
    lifelong = regimen.lifelong or (regimen.lifelong_if_irreversible and cause in IRREVERSIBLE)
    notes = [cat.note(n).text or cat.note(n).title for n in regimen.cautions]
    ids = [regimen.id, "follow_up.f1", "follow_up.f4", *regimen.cautions]
    if cause == "nitrous_oxide":
        notes.append(cat.note("note.stop_nitrous_oxide").text or "")
        ids.append("note.stop_nitrous_oxide")
    if regimen.id == "im_lifelong_autoimmune_gastritis":
        aig = cat.note("note.aig_oral_unverified")
        notes.append(f"{aig.text} (unverified: not yet checked against the primary source)")
    if regimen.route == "oral":
        ids.append("follow_up.f2")
    elif regimen.route == "im":
        ids.append("follow_up.f3")
    notes.append(cat.note("note.symptoms_take_time").text or "")
    notes.extend(extra_notes)
    return Treatment(
        regimen_id=regimen.id,
        alternatives=alternatives,
        route=regimen.route,
        dose=regimen.dose,
        frequency=regimen.frequency,
        maintenance=regimen.maintenance,
        lifelong=lifelong,
        review_after_days=review_after,
        schedule=(
            build_schedule(regimen.id, start, review_after_days=review_after, cat=cat)
            if with_schedule and regimen.doses
            else ()
        ),
        notes=tuple(n for n in notes if n),
        summary=regimen.plain,
        consumer_tiers=tier_comparisons(
            regimen.id, neurological, pregnant_or_breastfeeding or cause == "nitrous_oxide", cat
        ),
        citations=cat.cite(*ids),
    )
