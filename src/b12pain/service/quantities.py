"""Numbers as people type them: with a unit after them ("250 ng/L") and durations in words
("6 years", "18 months", "2 weeks").

Shared by the guided check and the questionnaires, so a person may answer "6 years" wherever a
duration is asked and "250 ng/L" wherever a blood test value is. A duration keeps the profile's
short form (`6y`, `18m`, `10w`, `30d`; `clinical.profile.duration_in_days`), one source of the
lengths of a year and a month.
"""

from __future__ import annotations

import re

from b12pain.clinical.profile import duration_in_days

_NUMBER = re.compile(r"^\s*([-+]?\d+(?:[.,]\d+)?)\s*(.*?)\s*$")
#: Words for the duration units the profile knows, by their one-letter code.
_DURATION_WORDS = {
    "y": ("y", "yr", "yrs", "year", "years"),
    "m": ("m", "mo", "mos", "month", "months"),
    "w": ("w", "wk", "wks", "week", "weeks"),
    "d": ("d", "day", "days"),
}
_CODE_OF = {word: code for code, words in _DURATION_WORDS.items() for word in words}
_HOUR_WORDS = ("h", "hr", "hrs", "hour", "hours")
#: Units a questionnaire may ask a duration in, as days.
_DAYS_IN = {"hours": 1 / 24, "days": 1.0, "weeks": 7.0, "months": 30.4375, "years": 365.25}

DURATION_EXAMPLES = "6 years, 18 months, 10 weeks or 30 days (or 6y, 18m, 10w, 30d)"


def split_unit(text: str) -> tuple[float, str | None]:
    """`"250 ng/L"` → (250.0, "ng/L"); `"7.5"` → (7.5, None); a decimal comma is read as a
    point. ValueError when the text does not start with a number."""
    found = _NUMBER.match(text)
    if found is None:
        raise ValueError(f"a number, not {text.strip()!r}")
    value = float(found.group(1).replace(",", "."))
    return value, found.group(2) or None


def duration_code(text: str) -> str:
    """A duration in words as the profile writes it: "6 years" → `6y`, "18 months" → `18m`,
    "2 weeks" → `2w`; `6y` stays `6y`. ValueError with the forms allowed otherwise."""
    try:
        value, unit = split_unit(text)
    except ValueError:
        raise ValueError(f"a duration such as {DURATION_EXAMPLES}") from None
    code = _CODE_OF.get((unit or "").lower())
    if code is None or value < 0:
        raise ValueError(f"a duration such as {DURATION_EXAMPLES}")
    shown = f"{value:g}{code}"
    duration_in_days(shown)  # the profile's own check
    return shown


def duration_in(text: str, unit: str) -> float:
    """A duration in words ("6 years") as a number of `unit` (hours, days, weeks, months or
    years): "6 years" in months is 72."""
    value, given = split_unit(text)
    if (given or "").lower() in _HOUR_WORDS and value >= 0:
        days = value / 24
    else:
        days = duration_in_days(duration_code(text))
    return round(days / _DAYS_IN[unit], 6)


def is_duration_unit(unit: str) -> bool:
    """True when `unit` names a duration ("years", "wk", "d")."""
    return unit.lower() in _CODE_OF or unit.lower() in _HOUR_WORDS


__all__ = ["DURATION_EXAMPLES", "duration_code", "duration_in", "is_duration_unit", "split_unit"]
