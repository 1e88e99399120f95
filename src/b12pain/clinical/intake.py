"""Dietary B12 against a reference intake: targets, totals with honest coverage, notes, advice.

Pure functions over knowledge entries (`knowledge/data/intake*.yaml`): `target_for` picks the
US RDA/AI (IOM 1998) or the EFSA 2015 AI for a life stage; `summarise_intake` adds up what was
eaten (a food with no B12 value is unknown, never zero, so a total with gaps is a lower bound);
`absorption_notes` and `gap_advice` explain and suggest foods from NIH ODS Table 2 with amounts.
No doses: supplements are mentioned only as something to discuss with a clinician or pharmacist.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field

from b12pain.errors import InputError, Problem
from b12pain.knowledge import Citation, KnowledgeBase, load
from b12pain.knowledge.schema.foods import (
    AbsorptionNote,
    DietaryNote,
    FoodSource,
    IntakeReference,
    IntakeRule,
)

Region = Literal["us", "eu"]
Diet = Literal["omnivore", "pescatarian", "vegetarian", "vegan", "low_animal"]
Sex = Literal["female", "male", "intersex", "unspecified"]

REGIONS: tuple[str, ...] = get_args(Region)
DIETS: tuple[str, ...] = get_args(Diet)
#: Knowledge ids the code refers to.
EFSA_AI_NOTE = "diet.efsa_ai_is_adequate_intake"
FALLBACK_NOTE = "intake.policy.region_fallback"
MAX_SERVINGS_RULE = "intake.rule.gap_advice_max_servings"
MIN_ADVICE_AGE_RULE = "intake.rule.gap_advice_min_age"
CHILDREN_NOTE = "intake.policy.children_ask_clinician"

_MODEL = ConfigDict(frozen=True, extra="forbid")


class IntakeTarget(BaseModel):
    """The reference intake a person's diet is compared with, and where it comes from."""

    model_config = _MODEL

    region: Region
    measure: Literal["RDA", "AI"]
    amount_ug: float
    ear_ug: float | None = None
    life_stage: str
    reference_id: str
    note: str | None = None
    citations: tuple[Citation, ...]


class IntakeItem(BaseModel):
    """One food eaten: any object with these attributes works (e.g. `foods.MeasuredFood`)."""

    model_config = ConfigDict(frozen=True, extra="ignore", from_attributes=True)

    food_id: str
    description: str
    grams: float = Field(ge=0)
    b12_ug: float | None = Field(default=None, ge=0)
    b12_added_ug: float | None = Field(default=None, ge=0)
    amount_text: str = ""
    meal: str = ""
    day: dt.date | None = None


class PartTotal(BaseModel):
    """B12 of one meal or one day: known total, and how many foods had no B12 value."""

    model_config = _MODEL

    label: str
    b12_ug: float
    foods: int
    foods_without_b12: int
    is_lower_bound: bool


class IntakeSummary(BaseModel):
    """What was eaten against the target: totals, natural vs added, per meal/day, coverage."""

    model_config = _MODEL

    target: IntakeTarget
    days: int
    foods: int
    foods_with_b12: int
    foods_without_b12: tuple[str, ...]
    total_b12_ug: float
    natural_b12_ug: float
    added_b12_ug: float
    daily_b12_ug: float
    is_lower_bound: bool
    coverage: str
    percent_of_target: float
    daily_gap_ug: float
    meets_target: bool | None
    meals: tuple[PartTotal, ...]
    per_day: tuple[PartTotal, ...]


class IntakeNote(BaseModel):
    """A cited note shown with an intake result (plain words, clinician wording kept apart)."""

    model_config = _MODEL

    id: str
    text: str
    clinician_text: str | None = None
    unverified: bool = False
    citations: tuple[Citation, ...]


class FoodSuggestion(BaseModel):
    """A food that would close the day's gap, with how much of it (from NIH ODS Table 2)."""

    model_config = _MODEL

    id: str
    food: str
    serving: str
    servings: float
    b12_ug: float
    b12_ug_high: float | None = None
    fortified: bool
    check_label: bool
    text: str
    citations: tuple[Citation, ...]


class IntakeReport(BaseModel):
    """Summary, notes and suggestions together (what `b12pain intake` prints)."""

    model_config = _MODEL

    summary: IntakeSummary
    notes: tuple[IntakeNote, ...]
    suggestions: tuple[FoodSuggestion, ...]
    disclaimer: str


# -- targets ---------------------------------------------------------------------------------
def target_for(
    age: float,
    sex: str = "unspecified",
    pregnant: bool = False,
    breastfeeding: bool = False,
    region: str = "us",
    kb: KnowledgeBase | None = None,
) -> IntakeTarget:
    """The reference intake for a life stage and region (`us`: RDA/AI; `eu`: EFSA AI).

    Pregnancy and breastfeeding take their own values (the higher one if both are set). Where
    EFSA's value for an age is not verified (children 1–14), the US value is given with a note.
    """
    problems: list[Problem] = []
    if not 0 <= age <= 120:
        problems.append(Problem("age", age, "between 0 and 120 years"))
    if sex not in get_args(Sex):
        problems.append(Problem("sex", sex, f"one of {', '.join(get_args(Sex))}"))
    if region not in REGIONS:
        problems.append(Problem("region", region, f"one of {', '.join(REGIONS)}"))
    if problems:
        raise InputError(problems)
    kb = kb or load()
    found = _reference(kb, age, pregnant, breastfeeding, region)
    note = None
    if found is None:
        found = _reference(kb, age, pregnant, breastfeeding, "us")
        note = kb.get(FALLBACK_NOTE).title
    if found is None or found.amount_ug is None:  # the knowledge covers every age in the US table
        raise InputError.single("age", age, "no reference intake for this age")
    return IntakeTarget(
        region=found.region,
        measure=found.measure,
        amount_ug=found.amount_ug,
        ear_ug=found.ear_ug,
        life_stage=found.life_stage,
        reference_id=found.id,
        note=note,
        citations=found.citations + (kb.get(FALLBACK_NOTE).citations if note else ()),
    )


def _reference(
    kb: KnowledgeBase, age: float, pregnant: bool, breastfeeding: bool, region: str
) -> IntakeReference | None:
    usable = [
        r
        for r in kb.of_kind("intake_reference", IntakeReference)
        if r.region == region and not r.unverified and r.amount_ug is not None
    ]
    special = [r for r in usable if (pregnant and r.pregnancy) or (breastfeeding and r.lactation)]
    if special:
        return max(special, key=lambda r: r.amount_ug or 0.0)
    for ref in usable:
        if ref.pregnancy or ref.lactation:
            continue
        if ref.min_age_years <= age and (ref.max_age_years is None or age < ref.max_age_years):
            return ref
    return None


def unverified_references(
    region: str, kb: KnowledgeBase | None = None, age: float | None = None
) -> tuple[IntakeNote, ...]:
    """Visible notes for reference values the spec marks unverified (never used as targets).

    With `age`, only the values for that age (the EFSA child values only for children,
    clinical-spec §J.12).
    """
    kb = kb or load()
    return tuple(
        IntakeNote(id=r.id, text=r.note or r.title, unverified=True, citations=r.citations)
        for r in kb.of_kind("intake_reference", IntakeReference)
        if r.region == region
        and r.unverified
        and (age is None or r.min_age_years <= age < (r.max_age_years or 200))
    )


# -- totals ----------------------------------------------------------------------------------
def summarise_intake(
    items: Iterable[IntakeItem | Any], target: IntakeTarget, days: int | None = None
) -> IntakeSummary:
    """Add up B12 eaten over one or more days and compare the daily mean with `target`.

    `items` are `IntakeItem`s or objects with the same attributes (`foods.MeasuredFood`). Days
    are counted from the items' `day` unless given. A food with no B12 value is left out of the
    total and counted in the coverage ("at least 1.8 µg; 2 of 7 foods have no B12 data").
    """
    eaten = [i if isinstance(i, IntakeItem) else IntakeItem.model_validate(i) for i in items]
    distinct_days = sorted({i.day for i in eaten if i.day is not None})
    if days is None:
        days = max(1, len(distinct_days))
    if days < 1 or days > 366:
        raise InputError.single("days", days, "between 1 and 366")
    known = [i for i in eaten if i.b12_ug is not None]
    missing = tuple(i.description for i in eaten if i.b12_ug is None)
    total = sum(i.b12_ug or 0.0 for i in known)
    added = sum(min(i.b12_added_ug or 0.0, i.b12_ug or 0.0) for i in known)
    daily = total / days
    lower_bound = bool(missing)
    if daily >= target.amount_ug:
        meets: bool | None = True
    else:
        meets = None if lower_bound else False
    return IntakeSummary(
        target=target,
        days=days,
        foods=len(eaten),
        foods_with_b12=len(known),
        foods_without_b12=missing,
        total_b12_ug=round(total, 3),
        natural_b12_ug=round(total - added, 3),
        added_b12_ug=round(added, 3),
        daily_b12_ug=round(daily, 3),
        is_lower_bound=lower_bound,
        coverage=coverage_text(daily, len(eaten), len(missing), days),
        percent_of_target=round(100 * daily / target.amount_ug, 1),
        daily_gap_ug=round(max(0.0, target.amount_ug - daily), 3),
        meets_target=meets,
        meals=_parts(eaten, lambda i: i.meal or "(no meal)"),
        per_day=_parts(eaten, lambda i: i.day.isoformat() if i.day else "(no date)")
        if distinct_days
        else (),
    )


def coverage_text(daily_ug: float, foods: int, without_b12: int, days: int = 1) -> str:
    """ "at least 1.8 µg; 2 of 7 foods have no B12 data" (or "2.4 µg; all 5 foods have B12 data")."""
    per = " a day on average" if days > 1 else ""
    if foods == 0:
        return "nothing logged"
    if without_b12:
        noun = "foods has" if without_b12 == 1 else "foods have"
        return f"at least {daily_ug:.1f} µg{per}; {without_b12} of {foods} {noun} no B12 data"
    every = "the 1 food has" if foods == 1 else f"all {foods} foods have"
    return f"{daily_ug:.1f} µg{per}; {every} B12 data"


def _parts(eaten: Sequence[IntakeItem], key: Any) -> tuple[PartTotal, ...]:
    groups: dict[str, list[IntakeItem]] = {}
    for item in eaten:
        groups.setdefault(key(item), []).append(item)
    return tuple(
        PartTotal(
            label=label,
            b12_ug=round(sum(i.b12_ug or 0.0 for i in group), 3),
            foods=len(group),
            foods_without_b12=sum(1 for i in group if i.b12_ug is None),
            is_lower_bound=any(i.b12_ug is None for i in group),
        )
        for label, group in groups.items()
    )


# -- notes and advice ------------------------------------------------------------------------
def absorption_notes(
    age: float | None = None,
    medications: Iterable[str] = (),
    summary: IntakeSummary | None = None,
    kb: KnowledgeBase | None = None,
) -> tuple[IntakeNote, ...]:
    """Absorption facts that concern this person (age, medicines) and this day's meals."""
    kb = kb or load()
    taken = {_medication_id(m) for m in medications}
    notes = []
    for entry in kb.of_kind("absorption_note", AbsorptionNote):
        if entry.unverified:
            continue
        by_age = entry.min_age_years is not None and age is not None and age >= entry.min_age_years
        by_drug = bool(taken & set(entry.medications))
        by_meal = (
            entry.threshold_ug is not None
            and summary is not None
            and any(m.b12_ug > entry.threshold_ug for m in summary.meals)
        )
        if by_age or by_drug or by_meal:
            notes.append(_note(entry, entry.text, entry.clinician_text))
    return tuple(notes)


def _medication_id(name: str) -> str:
    words = name.strip().lower().split()
    return words[0] if words else ""


def dietary_notes(
    diet: str | None, region: str = "us", kb: KnowledgeBase | None = None, age: float | None = None
) -> tuple[IntakeNote, ...]:
    """Cited notes for a diet pattern, and the region's note on what its reference value is
    (unverified values only for the person's age when `age` is given)."""
    kb = kb or load()
    notes = [
        _note(entry, entry.text, None)
        for entry in kb.of_kind("dietary_note", DietaryNote)
        if not entry.unverified and diet in entry.diets
    ]
    if region == "eu":
        efsa = kb.typed(EFSA_AI_NOTE, DietaryNote)
        notes.append(_note(efsa, efsa.text, None))
        notes.extend(unverified_references(region, kb, age))
    return tuple(notes)


def gap_advice(
    gap_ug: float, diet: str, limit: int = 5, kb: KnowledgeBase | None = None
) -> tuple[FoodSuggestion, ...]:
    """Foods from NIH ODS Table 2 that fit `diet` and close `gap_ug`, with how many servings.

    Servings are rounded up to halves; foods needing more servings than the knowledge rule
    `intake.rule.gap_advice_max_servings` are left out; the closest fit (least overshoot) comes
    first. Nothing when there is no gap.
    """
    if diet not in DIETS:
        raise InputError.single("diet", diet, f"one of {', '.join(DIETS)}")
    if gap_ug <= 0:
        return ()
    kb = kb or load()
    max_servings = kb.typed(MAX_SERVINGS_RULE, IntakeRule).value
    options = []
    for source in kb.of_kind("food_source", FoodSource):
        if source.unverified or diet not in source.diets or source.ug_per_serving <= 0:
            continue
        servings = max(0.5, math.ceil(2 * gap_ug / source.ug_per_serving) / 2)
        if servings > max_servings:
            continue
        gives = servings * source.ug_per_serving
        high = None if source.ug_per_serving_high is None else servings * source.ug_per_serving_high
        options.append((gives / gap_ug, _suggestion(source, servings, gives, high)))
    options.sort(key=lambda o: o[0])
    return tuple(s for _, s in options[:limit])


def _suggestion(
    source: FoodSource, servings: float, gives: float, high: float | None
) -> FoodSuggestion:
    count = f"{servings:g} × " if servings != 1 else ""
    amount = f"{gives:.1f}" if high is None else f"{gives:.1f}–{high:.1f}"
    label = " (check the label)" if source.check_label else ""
    return FoodSuggestion(
        id=source.id,
        food=source.food,
        serving=source.serving,
        servings=servings,
        b12_ug=round(gives, 2),
        b12_ug_high=None if high is None else round(high, 2),
        fortified=source.fortified,
        check_label=source.check_label,
        text=f"{count}{source.serving} of {source.food}: about {amount} µg{label}",
        citations=source.citations,
    )


def _note(entry: Any, text: str, clinician: str | None) -> IntakeNote:
    return IntakeNote(
        id=entry.id,
        text=text,
        clinician_text=clinician,
        unverified=entry.unverified,
        citations=entry.citations,
    )


def assess_intake(
    items: Iterable[IntakeItem | Any],
    *,
    age: float,
    sex: str = "unspecified",
    pregnant: bool = False,
    breastfeeding: bool = False,
    region: str = "us",
    diet: str = "omnivore",
    medications: Iterable[str] = (),
    days: int | None = None,
    kb: KnowledgeBase | None = None,
) -> IntakeReport:
    """Summary, absorption and dietary notes, and gap advice in one call (CLI, journal, web).

    Words are taken as a person types them: `EU`, `Female` and `Vegan` are `eu`, `female`, `vegan`.
    """
    kb = kb or load()
    sex, region, diet = (word.strip().lower() for word in (sex, region, diet))
    if diet not in DIETS:
        raise InputError.single("diet", diet, f"one of {', '.join(DIETS)}")
    target = target_for(age, sex, pregnant, breastfeeding, region, kb)
    summary = summarise_intake(items, target, days)
    notes = absorption_notes(age, medications, summary, kb) + dietary_notes(diet, region, kb, age)
    suggestions: tuple[FoodSuggestion, ...] = ()
    if summary.meets_target is not True:
        if age >= kb.typed(MIN_ADVICE_AGE_RULE, IntakeRule).value:
            suggestions = gap_advice(summary.daily_gap_ug, diet, kb=kb)
        else:
            child = kb.get(CHILDREN_NOTE)
            notes += (_note(child, child.title, None),)
    return IntakeReport(
        summary=summary,
        notes=notes,
        suggestions=suggestions,
        disclaimer=kb.get("policy.not_medical_advice").title,
    )
