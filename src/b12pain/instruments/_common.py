"""Shared by every instrument: its knowledge entry, answer validation and building a result."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from fractions import Fraction
from typing import Any

from b12pain.errors import InputError, Problem
from b12pain.instruments.result import InstrumentResult
from b12pain.knowledge import Citation, load
from b12pain.knowledge.schema.instruments import (
    InstrumentBand,
    InstrumentInfo,
    InstrumentItem,
    InstrumentLicence,
)


def info(instrument_id: str) -> InstrumentInfo:
    """The knowledge entry `instrument.<id>`: items, range, bands, rule numbers, citations."""
    return load().typed(f"instrument.{instrument_id}", InstrumentInfo)


def licence(entry: InstrumentInfo) -> InstrumentLicence:
    """The licence entry an instrument points to."""
    return load().typed(entry.licence, InstrumentLicence)


def number(value: Fraction | float) -> int | float:
    """An int when the value is whole, else a float rounded to 2 decimals (for display and JSON)."""
    if value == int(value):
        return int(value)
    return round(float(value), 2)


def allowed(item: InstrumentItem) -> str:
    """The allowed answers of an item, in words for an error message."""
    if item.answer == "yes_no":
        return "one of true, false"
    if item.answer == "choice":
        return "one of " + ", ".join(item.points)
    if item.answer == "integer":
        return f"a whole number from {item.minimum:g} to {item.maximum:g}"
    if item.answer == "number":
        return f"a number from {item.minimum:g} to {item.maximum:g}"
    return "a list of any of: " + ", ".join(item.options)


def check_answer(item: InstrumentItem, value: Any) -> Any:
    """The cleaned answer, or raise ValueError when it is not allowed."""
    if item.answer == "yes_no":
        if isinstance(value, bool):
            return value
    elif item.answer == "choice":
        if isinstance(value, bool) and {"yes", "no"} <= set(item.points):
            return "yes" if value else "no"
        if isinstance(value, str) and value.strip().lower() in item.points:
            return value.strip().lower()
    elif item.answer in ("integer", "number"):
        assert item.minimum is not None and item.maximum is not None
        whole = isinstance(value, int) and not isinstance(value, bool)
        real = isinstance(value, float) and math.isfinite(value)
        if (whole or (real and item.answer == "number")) and (
            item.minimum <= value <= item.maximum
        ):
            return value
    elif (
        isinstance(value, list | tuple)
        and all(isinstance(v, str) for v in value)
        and set(value) <= set(item.options)
        and len(set(value)) == len(value)
    ):
        return tuple(value)
    raise ValueError(allowed(item))


def validate(
    entry: InstrumentInfo, answers: Any, instrument_id: str, field_prefix: str = ""
) -> dict[str, Any]:
    """Every answer checked against the instrument's items; all problems raised together.

    Unknown item ids, missing required items and values outside the allowed set are refused with
    the field (`dn4.q3`), the value and what is allowed. Optional items left out are absent.
    """
    base = f"{field_prefix}{instrument_id}"
    if not isinstance(answers, Mapping):
        raise InputError.single(base, None, "expected a mapping of item id to answer")
    items = {item.id: item for item in entry.items}
    problems: list[Problem] = []
    for key in answers:
        if key not in items:
            names = ", ".join(items)
            problems.append(
                Problem(
                    f"{base}.{key}", answers[key], f"not an item of {instrument_id}; items: {names}"
                )
            )
    clean: dict[str, Any] = {}
    for item in entry.items:
        field = f"{base}.{item.id}"
        if item.id not in answers or answers[item.id] is None:
            if item.required:
                problems.append(Problem(field, None, allowed(item)))
            continue
        value = answers[item.id]
        try:
            clean[item.id] = check_answer(item, value)
        except ValueError as exc:
            shown = value if isinstance(value, str | int | float | bool) else str(value)
            problems.append(Problem(field, shown, str(exc)))
    if problems:
        raise InputError(problems)
    return clean


def points(item: InstrumentItem, answer: Any) -> float:
    """Points an item scores for a validated answer (yes/no or a published response word)."""
    if item.answer == "yes_no":
        yes, no = item.yes_no_points()
        return yes if answer else no
    if item.answer == "choice":
        return item.points[answer]
    return float(answer)


def item_sum(entry: InstrumentInfo, answers: Mapping[str, Any], part: str | None = None) -> float:
    """Sum of points over scored items (optionally only those of one `part`).

    Published item points are whole or half numbers, which binary floats add exactly, so a sum
    at a cut-off (4, 12, 2.5 …) compares exactly.
    """
    return sum(
        points(item, answers[item.id])
        for item in entry.items
        if item.scored and item.id in answers and (part is None or item.part == part)
    )


def band(entry: InstrumentInfo, category: str) -> InstrumentBand:
    """The band with this category name (for rule-based instruments)."""
    for candidate in entry.bands:
        if candidate.category == category:
            return candidate
    raise KeyError(f"{entry.id} has no band {category!r}")


def result(
    instrument_id: str,
    entry: InstrumentInfo,
    *,
    score: Fraction | float | None,
    category: str,
    positive: bool | None,
    summary: str,
    clinician_summary: str,
    answers: Mapping[str, Any],
    subscores: Mapping[str, Any] | None = None,
    citations: tuple[Citation, ...] = (),
) -> InstrumentResult:
    """Assemble an `InstrumentResult` with the entry's citations and licence note."""
    terms = licence(entry)
    return InstrumentResult(
        instrument=instrument_id,
        title=entry.title,
        score=None if score is None else number(score),
        score_range=(entry.score_minimum, entry.score_maximum),
        category=category,
        positive=positive,
        subscores=dict(subscores or {}),
        summary=summary,
        clinician_summary=clinician_summary,
        citations=entry.citations + citations,
        licence=terms.summary,
        licence_status=terms.status,
        answers={key: list(v) if isinstance(v, tuple) else v for key, v in answers.items()},
    )


def banded(
    instrument_id: str,
    answers: Mapping[str, Any],
    *,
    field_prefix: str = "",
    subscores: Callable[[InstrumentInfo, Mapping[str, Any]], Mapping[str, Any]] | None = None,
) -> InstrumentResult:
    """Validate, sum the item points and read the band: the whole of a sum-scored instrument."""
    entry = info(instrument_id)
    clean = validate(entry, answers, instrument_id, field_prefix)
    total = item_sum(entry, clean)
    found = entry.band_for(total)
    if found is None:  # pragma: no cover - bands cover the whole range (tested in knowledge)
        raise ValueError(f"{entry.id}: no band for score {total}")
    return result(
        instrument_id,
        entry,
        score=total,
        category=found.category,
        positive=found.positive,
        summary=found.plain,
        clinician_summary=found.clinician,
        answers=clean,
        subscores=subscores(entry, clean) if subscores else None,
    )
