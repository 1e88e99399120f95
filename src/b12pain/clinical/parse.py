"""Read a profile from plain data (YAML/JSON/form), refusing bad input with every problem named.

`parse_profile(data)` is the one door from untrusted input to a `Profile`: structural problems
come from pydantic (`problems_from_pydantic`), unknown symptom, condition and medicine names
are resolved through knowledge synonyms, and anything left unknown is an error naming the
allowed ids. Nothing is half-accepted: either a full `Profile` or an `InputError`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from b12pain.clinical.catalogue import Catalogue, catalogue
from b12pain.clinical.profile import Profile, duration_in_days
from b12pain.clinical.vocabulary import Vocabulary, known_ids, resolve
from b12pain.days import EARLIEST_DAY, LATEST_DAY
from b12pain.errors import InputError, Problem, problems_from_pydantic
from b12pain.userfiles import strict_type_problems


def parse_profile(data: Mapping[str, Any]) -> Profile:
    """A validated `Profile` from plain data, with names resolved to knowledge ids.

    Raises `InputError` listing every problem (field path, value, what is allowed).
    """
    if not isinstance(data, Mapping):
        raise InputError.single("(input)", None, "a profile must be a mapping of fields")
    cat = catalogue()
    problems: list[Problem] = strict_type_problems(Profile, data)  # `age: yes` is not 1
    resolved: dict[str, Any] = dict(data)
    fields: tuple[tuple[str, Vocabulary], ...] = (
        ("symptoms", "symptom"),
        ("conditions", "condition"),
    )
    for field, vocabulary in fields:
        if field in data and isinstance(data[field], list | tuple):
            resolved[field] = _resolve_names(data[field], field, vocabulary, cat, problems)
    medications = data.get("medications")
    if isinstance(medications, list | tuple):
        resolved["medications"] = [
            _resolve_medication(item, index, cat, problems)
            for index, item in enumerate(medications)
        ]
    try:
        profile = Profile.model_validate(resolved)
    except ValidationError as exc:
        problems.extend(problems_from_pydantic(exc))
        raise InputError(problems) from None
    problems += _out_of_range(profile)
    if problems:
        raise InputError(problems)
    return profile


#: Longest a medicine can have been taken: the oldest age a profile allows.
MAX_DURATION_DAYS = 120 * 365.25


def _out_of_range(profile: Profile) -> list[Problem]:
    """Dates outside 1900-2100 and durations beyond a lifetime (`999999999y`), by field."""
    problems = [
        Problem(field, day.isoformat(), f"a date between {EARLIEST_DAY} and {LATEST_DAY}")
        for field, day in _dated(profile)
        if day is not None and not EARLIEST_DAY <= day <= LATEST_DAY
    ]
    for index, medication in enumerate(profile.medications):
        duration = medication.duration
        if duration is not None and duration_in_days(duration) > MAX_DURATION_DAYS:
            problems.append(
                Problem(f"medications[{index}].duration", duration, "a duration of at most 120y")
            )
    return problems


def _dated(profile: Profile) -> list[tuple[str, dt.date | None]]:
    """Every date in a profile with its field path."""
    dated: list[tuple[str, dt.date | None]] = [
        (f"labs[{i}].date", lab.date) for i, lab in enumerate(profile.labs)
    ]
    dated += [(f"medications[{i}].since", m.since) for i, m in enumerate(profile.medications)]
    if profile.b12_treatment is not None:
        dated.append(("b12_treatment.last_dose", profile.b12_treatment.last_dose))
        dated.append(("b12_treatment.since", profile.b12_treatment.since))
    return dated


def _allowed(vocabulary: Vocabulary, cat: Catalogue) -> str:
    return f"unknown {vocabulary}; known ids: {', '.join(known_ids(vocabulary, cat))}"


def _resolve_names(
    names: list[Any] | tuple[Any, ...],
    field: str,
    vocabulary: Vocabulary,
    cat: Catalogue,
    problems: list[Problem],
) -> list[Any]:
    out: list[Any] = []
    for index, name in enumerate(names):
        if not isinstance(name, str):
            out.append(name)  # pydantic reports the wrong type
            continue
        found = resolve(vocabulary, name, cat)
        if found is None:
            problems.append(Problem(f"{field}[{index}]", name, _allowed(vocabulary, cat)))
            continue
        if found not in out:
            out.append(found)
    return out


def _resolve_medication(item: Any, index: int, cat: Catalogue, problems: list[Problem]) -> Any:
    name = (
        item if isinstance(item, str) else item.get("name") if isinstance(item, Mapping) else None
    )
    if not isinstance(name, str) or not name.strip():
        return item  # pydantic reports the missing or wrong name
    found = resolve("medicine", name, cat)
    if found is None:
        field = f"medications[{index}]" if isinstance(item, str) else f"medications[{index}].name"
        problems.append(Problem(field, name, _allowed("medicine", cat)))
        return item
    return found if isinstance(item, str) else {**item, "name": found}


def check_dates(profile: Profile, today: dt.date) -> None:
    """Refuse a profile with a date after the assessment day (a lab taken, a medicine started,
    a B12 dose given "tomorrow"): one of the two dates is wrong, and no reading is safe.

    Raises `InputError` naming every such field, its value and the latest date allowed.
    """
    if not _has_date_after(profile, today):  # the usual case, on every assessment: kept cheap
        return
    refuse_dates_after(_dated(profile), today)


def _has_date_after(profile: Profile, today: dt.date) -> bool:
    for lab in profile.labs:
        if lab.date is not None and lab.date > today:
            return True
    for medication in profile.medications:
        if medication.since is not None and medication.since > today:
            return True
    treatment = profile.b12_treatment
    if treatment is None:
        return False
    return any(day is not None and day > today for day in (treatment.last_dose, treatment.since))


def refuse_dates_after(dated: list[tuple[str, dt.date | None]], today: dt.date) -> None:
    """`InputError` naming each (field, date) pair whose date lies after `today`."""
    allowed = f"on or before the assessment date {today.isoformat()}"
    problems = [
        Problem(field, day.isoformat(), allowed)
        for field, day in dated
        if day is not None and day > today
    ]
    if problems:
        raise InputError(problems)
