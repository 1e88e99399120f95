"""Generated journals for the report, calendar and CSV tests (and the report benchmark).

Everything is written through the service layer, one use case at a time, as a person using the
app every day would: a `Context` whose `now` moves through the year. Seeded, so deterministic.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from pathlib import Path

from b12pain.journal import Journal
from b12pain.knowledge import load
from b12pain.service import diary, labs, plans
from b12pain.service.context import Context, local_context
from b12pain.service.profile import save_profile

ZONE = dt.timezone(dt.timedelta(hours=1))
#: The dense year runs from this day for 365 days; treatment starts on day 120.
YEAR_START = dt.date(2025, 12, 1)
TREATMENT_DAY = 120
#: A note full of Typst, HTML and spreadsheet markup: it must print exactly as typed.
MARKUP_NOTE = '=1+1 #set page(width: 1cm) *bold* _it_ $x^2$ <b>&amp;</b> @ref \\ ] [ `c` // "q"'

PROFILE = {
    "age": 58,
    "sex": "female",
    "diet": "vegetarian",
    "medications": [
        {"name": "metformin", "dose": "1 g twice a day", "since": "2019-03-01"},
        {"name": "omeprazole", "duration": "6y"},
    ],
    "conditions": ["type2_diabetes"],
    "symptoms": ["tingling", "numbness", "fatigue"],
    "pain": {"types": ["diabetic_neuropathy"], "nrs": 6},
}


def context_at(store: Journal, when: dt.datetime) -> Context:
    """The person's context at `when` (the service never reads the clock)."""
    return local_context(store, load(), when)


def open_store(folder: Path) -> Journal:
    """A fresh SQLite journal in `folder` (created if needed)."""
    folder.mkdir(parents=True, exist_ok=True)
    return Journal.open(f"sqlite:///{folder / 'journal.sqlite'}")


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    """A local time on `day` in the generated person's zone."""
    return dt.datetime.combine(day, dt.time(hour, minute), ZONE)


def dense_year(store: Journal, seed: int = 17) -> Context:
    """A year of daily entries: pain twice a day, sleep, mood, stress, exercise, food three times,
    injections by the regimen's schedule from day 120, four blood tests, questionnaires every
    quarter, monthly symptom checks, notes (some full of markup). Returns the context at the end.
    """
    rng = random.Random(seed)
    end_day = YEAR_START + dt.timedelta(days=364)
    start_ctx = context_at(store, at(YEAR_START, 8))
    save_profile(start_ctx, PROFILE)
    plan = None
    dose_days: set[dt.date] = set()
    lab_days = {30: 190.0, 150: 360.0, 250: 520.0, 340: 610.0}
    for offset in range(365):
        day = YEAR_START + dt.timedelta(days=offset)
        treated = offset >= TREATMENT_DAY
        ctx = context_at(store, at(day, 21))
        if offset == TREATMENT_DAY:
            plan = plans.start_plan(
                ctx,
                plans.PlanFromRegimen(
                    regimen="im_hydroxocobalamin_no_neuro", starts_on=day, stock_units=12
                ),
            )
            dose_days = {s.date for s in plan.schedule if s.kind == "dose"}
        base = 6.5 - (1.8 if treated and offset > TREATMENT_DAY + 21 else 0.0)
        for hour in (8, 20):
            note = None
            if offset % 29 == 0 and hour == 8:
                note = MARKUP_NOTE if offset % 58 == 0 else f"Walked further on day {offset}."
            diary.log_pain(
                ctx,
                diary.PainInput(
                    nrs=max(0, min(10, round(rng.gauss(base, 1.2)))),
                    regions=("feet",) if hour == 8 else ("feet", "hands"),
                    pain_type="burning",
                    note=note,
                    at=at(day, hour),
                ),
            )
        diary.log_sleep(
            ctx, diary.SleepInput(hours=round(rng.uniform(5, 8.5), 1), quality=2, at=at(day, 7))
        )
        diary.log_mood(ctx, diary.LevelInput(level=rng.randint(1, 3), at=at(day, 21)))
        diary.log_stress(ctx, diary.LevelInput(level=rng.randint(2, 7), at=at(day, 21)))
        if offset % 2 == 0:
            diary.log_exercise(
                ctx,
                diary.ExerciseInput(minutes=rng.randint(15, 45), activity="walk", at=at(day, 17)),
            )
        for hour, (food, b12) in zip(
            (8, 13, 19),
            (("milk, semi-skimmed", 0.9), ("cheddar cheese", 0.4), ("egg, boiled", 0.6)),
            strict=True,
        ):
            diary.save(
                ctx,
                "food",
                at=at(day, hour),
                food_id=food.split(",")[0].replace(" ", "_"),
                description=food,
                amount_text="1 portion",
                grams=100.0,
                b12_ug=round(b12 * rng.uniform(0.5, 1.5), 2),
            )
        if plan is not None and day in dose_days:
            status = "skipped" if rng.random() < 0.1 else "taken"
            plans.log_dose(
                ctx,
                plans.DoseInput(status=status, plan=plan.uid, site="deltoid_left", at=at(day, 10)),
            )
        if offset in lab_days:
            labs.add_lab(
                ctx,
                labs.LabInput(
                    test="total_b12",
                    value=lab_days[offset],
                    unit="ng/L",
                    taken_on=day,
                    lab="City Hospital lab",
                    reference_range="180-900",
                ),
            )
            if offset == 30:
                labs.add_lab(
                    ctx,
                    labs.LabInput(
                        test="mma", value=0.45, unit="umol/L", taken_on=day,
                        reference_range="<0.28",
                    ),
                )  # fmt: skip
        if offset % 30 == 5:
            diary.log_symptoms(
                ctx, diary.SymptomsInput(symptoms=("tingling", "numbness"), at=at(day, 9))
            )
        if offset % 91 == 10:
            answers = {f"q{i}": (i + offset // 91) % 3 != 0 for i in range(1, 11)}
            diary.log_instrument(ctx, diary.InstrumentInput("dn4", answers, at=at(day, 11)))
    return context_at(store, at(end_day, 22))


def end_of_year() -> dt.date:
    """The last day of the dense year."""
    return YEAR_START + dt.timedelta(days=364)


def later(ctx: Context, days: int) -> Context:
    """The same person `days` later."""
    now = ctx.now + dt.timedelta(days=days)
    return dataclasses.replace(ctx, now=now, today=now.date())


#: Red-flag symptoms for a crowded page 1 (several flags at once; none may be hidden).
RED_FLAG_SYMPTOMS = (
    "saddle_numbness",
    "urinary_retention",
    "thunderclap_headache",
    "chest_pain",
    "unexplained_weight_loss",
    "fever",
)
ALL_LABS = (
    ("total_b12", 150.0, "ng/L", "180-900"),
    ("active_b12", 30.0, "pmol/L", "25-165"),
    ("mma", 0.6, "umol/L", "<0.28"),
    ("homocysteine", 22.0, "umol/L", "5-15"),
    ("folate", 2.5, "ug/L", "3-20"),
    ("haemoglobin", 105.0, "g/L", "115-165"),
    ("mcv", 104.0, "fL", "80-100"),
)
QUESTIONNAIRES = ("dn4", "slanss", "mnsi", "acr2016", "midas", "hit6", "rmdq", "start_back")


def crowded(store: Journal, end: dt.date) -> Context:
    """Everything at once in 60 days: red flags, every lab test, eight questionnaires, three
    plans (one the person's own supplement), daily pain with long notes. Page 1 must still fit."""
    start = end - dt.timedelta(days=59)
    ctx = context_at(store, at(start, 8))
    save_profile(ctx, {**PROFILE, "symptoms": [*PROFILE["symptoms"], "muscle_weakness"]})
    for test, value, unit, reference in ALL_LABS:
        labs.add_lab(
            ctx,
            labs.LabInput(
                test, value, unit, taken_on=start, lab="A" * 60, reference_range=reference
            ),
        )
    plans.start_plan(
        ctx, plans.PlanFromRegimen("im_hydroxocobalamin_neuro", starts_on=start, stock_units=3)
    )
    plans.start_plan(
        ctx, plans.PlanFromRegimen("oral_cyanocobalamin_malabsorption", starts_on=start)
    )
    plans.record_own_supplement(
        ctx, plans.OwnSupplementInput(amount_ug=500, name="Shop B12 spray", starts_on=start)
    )
    for offset in range(60):
        day = start + dt.timedelta(days=offset)
        day_ctx = context_at(store, at(day, 21))
        diary.log_pain(
            day_ctx,
            diary.PainInput(nrs=7, note="x" * 1900 if offset % 5 == 0 else None, at=at(day, 20)),
        )
    late = context_at(store, at(end, 9))
    diary.log_symptoms(late, diary.SymptomsInput(symptoms=RED_FLAG_SYMPTOMS, at=at(end, 9)))
    for name in QUESTIONNAIRES:  # stored as a surface would after scoring elsewhere
        diary.save(
            late, "instrument", at=at(end, 9), instrument=name, answers={}, score=5, category="high"
        )
    return context_at(store, at(end, 22))
