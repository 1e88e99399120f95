"""A journal with one of every kind of record FHIR export carries (shared by the FHIR tests)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from b12pain.instruments.registry import score
from b12pain.journal import (
    Journal,
    make_record,
    save_instrument_result,
    save_profile,
)
from b12pain.knowledge import load
from b12pain.service.context import local_context
from b12pain.service.plans import (
    OwnSupplementInput,
    PlanFromRegimen,
    record_own_supplement,
    start_plan,
)

TODAY = dt.date(2026, 11, 30)
ZONE = dt.timezone(dt.timedelta(hours=1))


def at(day: int, hour: int = 9) -> dt.datetime:
    """A time in November 2026, UTC+1."""
    return dt.datetime(2026, 11, day, hour, 0, tzinfo=ZONE)


PROFILE = {
    "age": 58,
    "sex": "female",
    "medications": [
        {"name": "metformin", "since": "2019-06-01", "dose": "2 g/day"},
        {"name": "omeprazole", "duration": "6y"},
    ],
    "conditions": ["type2_diabetes", "diabetic_neuropathy"],
    "symptoms": ["tingling", "burning"],
    "b12_treatment": {"route": "im", "last_dose": "2026-05-20", "since": "2025-09-01"},
}


def filled_journal(folder: Path) -> Journal:
    """A fresh SQLite journal holding a profile, labs, pain, a questionnaire, a plan and doses."""
    journal = Journal.open(f"sqlite:///{folder / 'journal.sqlite'}")
    save_profile(journal, PROFILE, at(1))
    journal.add_many(
        [
            make_record(
                "lab",
                at=at(3),
                test="total_b12",
                value=210,
                unit="ng/L",
                taken_on=dt.date(2026, 11, 2),
                reference_range="180-914",
            ),
            make_record("lab", at=at(3, 10), test="total_b12", value=155, unit="pmol/L"),
            make_record(
                "lab", at=at(4), test="mma", value=0.52, unit="umol/L", reference_range="<0.28"
            ),
            make_record("lab", at=at(4, 10), test="homocysteine", value=18, unit="umol/L"),
            make_record("lab", at=at(4, 11), test="folate", value=6.1, unit="ug/L"),
            make_record(
                "lab",
                at=at(4, 12),
                test="haemoglobin",
                value=128,
                unit="g/L",
                reference_range="115-165",
            ),
            make_record(
                "lab", at=at(4, 13), test="mcv", value=99, unit="fL", reference_range="80-100"
            ),
            make_record("lab", at=at(5), test="active_b12", value=30, unit="pmol/L"),
            make_record("pain", at=at(6, 20), nrs=6, regions=["feet"], note="worse at night"),
            make_record("pain", at=at(7, 20), nrs=4),
        ]
    )
    dn4 = score("dn4", {f"q{i}": i in (1, 3, 4, 6) for i in range(1, 11)})
    save_instrument_result(journal, dn4, at(8))
    plan = start_plan(
        local_context(journal, load(), at(10)),
        PlanFromRegimen("oral_cyanocobalamin_dietary", 50, starts_on=dt.date(2026, 11, 10)),
    )
    journal.add_many(
        [
            make_record("dose", at=at(10, 8), plan_uid=plan.uid, form="oral", amount_ug=50),
            make_record("dose", at=at(11, 8), plan_uid=plan.uid, form="oral", status="skipped"),
            make_record(
                "dose", at=at(12, 8), form="injection", site="deltoid_left", amount_ug=1000
            ),
        ]
    )
    record_own_supplement(
        local_context(journal, load(), at(13)),
        OwnSupplementInput(
            amount_ug=1000, name="B12 1000 µg tablets", starts_on=dt.date(2026, 11, 13)
        ),
    )
    return journal
