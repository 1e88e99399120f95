"""Supplement plans from cited regimens: the regimen's own dose and dated schedule, recorded.

The amount must lie within the regimen's cited dose ("50-150 µg", "at least 1 mg", "1 mg"), so
the journal never holds a dose outside a cited regimen. The schedule comes from
`clinical.regimens.build_schedule`; nothing about timing is decided here.
"""

from __future__ import annotations

import datetime as dt
import re

from b12pain.days import check_day
from b12pain.errors import InputError
from b12pain.journal.records import PlanEntry
from b12pain.journal.store import make_record

_AMOUNT = re.compile(
    r"^(?P<least>at least\s+)?(?P<low>\d+(?:\.\d+)?)(?:\s*-\s*(?P<high>\d+(?:\.\d+)?))?\s*"
    r"(?P<unit>µg|mcg|ug|mg)$"
)
_UG = {"µg": 1.0, "mcg": 1.0, "ug": 1.0, "mg": 1000.0}
_FORMS = {"oral": ("oral", "sublingual"), "im": ("injection",)}


def dose_range_ug(dose: str) -> tuple[float, float | None] | None:
    """A regimen's dose text in µg: `(low, high)`; `high` None for "at least"; None if unparsed."""
    match = _AMOUNT.match(dose.strip())
    if not match:
        return None
    scale = _UG[match["unit"]]
    low = float(match["low"]) * scale
    if match["least"]:
        return low, None
    high = float(match["high"]) * scale if match["high"] else low
    return low, high


def plan_from_regimen(
    regimen_id: str,
    starts_on: dt.date,
    at: dt.datetime,
    amount_ug: float | None = None,
    form: str | None = None,
    stock_units: int | None = None,
    note: str | None = None,
) -> PlanEntry:
    """A plan record following the cited regimen `regimen_id` from `starts_on`.

    `InputError` for an unknown regimen, one without a dose b12pain can schedule, a form the
    regimen's route does not allow, or an amount outside its cited dose.
    """
    from b12pain.clinical.catalogue import catalogue
    from b12pain.clinical.regimens import build_schedule

    try:
        check_day(starts_on)
    except ValueError as exc:
        raise InputError.single("start", starts_on.isoformat(), str(exc)) from None
    regimens = catalogue().regimens
    regimen_id = regimen_id.strip().lower()
    forms_by_regimen = {rid: _FORMS.get(r.route) for rid, r in regimens.items()}
    usable = sorted(rid for rid, forms in forms_by_regimen.items() if forms)
    if regimen_id not in usable:
        raise InputError.single("regimen", regimen_id, f"one of {', '.join(usable)}")
    regimen = regimens[regimen_id]
    allowed_forms = _FORMS[regimen.route]
    form = form or allowed_forms[0]
    if form not in allowed_forms:
        raise InputError.single("form", form, f"one of {', '.join(allowed_forms)} for {regimen_id}")
    dose = dose_range_ug(regimen.dose)
    if dose is None:  # pragma: no cover - every schedulable regimen states its dose
        raise InputError.single("regimen", regimen_id, "has no dose b12pain can record")
    low, high = dose
    if amount_ug is None:  # a single dose, or "at least": the cited amount itself
        if high is not None and high != low:
            raise InputError.single(
                "amount", None, f"the amount prescribed, within {regimen.dose} ({regimen_id})"
            )
        amount_ug = low
    if amount_ug < low or (high is not None and amount_ug > high):
        raise InputError.single(
            "amount", amount_ug, f"within the cited dose of {regimen_id}: {regimen.dose}"
        )
    schedule = build_schedule(regimen_id, starts_on)
    review = next((s.date for s in schedule if s.kind == "review"), None)
    steps = [{"date": s.date, "what": s.what, "kind": s.kind} for s in schedule]
    if regimen.daily:  # daily tablets repeat; the schedule keeps the reviews and tests
        steps = [s for s in steps if s["kind"] != "dose"]
    record = make_record(
        "plan",
        at=at,
        regimen_id=regimen_id,
        form=form,
        amount_ug=amount_ug,
        every_days=1 if regimen.daily else None,
        starts_on=starts_on,
        stock_units=stock_units,
        review_on=review,
        schedule=steps,
        note=note,
    )
    assert isinstance(record, PlanEntry)
    return record
