"""ICHD-3 (2018) migraine criteria from a structured headache history: 1.1, 1.2, 1.3, 1.5.

A decision aid, never a diagnosis: each code's "not better accounted for by another ICHD-3
diagnosis" criterion needs a clinician, so results say the history "meets the published criteria".
Migraine with aura uses the 2018 final "3 of 6 characteristics" rule (the beta's "2 of 4" is not
used). Probable migraine (1.5) is reported only when no definite code is met. The score is the
number of headache days per month when given.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from b12pain.errors import InputError
from b12pain.instruments._common import band, info, result, validate
from b12pain.instruments.result import InstrumentResult
from b12pain.knowledge.schema.instruments import InstrumentInfo

#: Codes from most to least specific; the category is the first one met.
CODES = {
    "chronic_migraine": "1.3",
    "migraine_with_aura": "1.2",
    "migraine_without_aura": "1.1",
    "probable_migraine_with_aura": "1.5.2",
    "probable_migraine_without_aura": "1.5.1",
}


def without_aura_criteria(entry: InstrumentInfo, history: Mapping[str, Any]) -> dict[str, bool]:
    """Criteria A-D of 1.1 migraine without aura, each True/False."""
    rule = entry.parameters
    adult = history.get("age", rule["adult_age"]) >= rule["adult_age"]
    shortest = rule["attack_hours_minimum"] if adult else rule["attack_hours_minimum_under_18"]
    hours = history.get("attack_hours")
    features = sum(1 for key in entry.groups["c_features"] if history.get(key, False))
    return {
        "A": history.get("without_aura_attacks", 0) >= rule["without_aura_attacks_minimum"],
        "B": hours is not None and shortest <= hours <= rule["attack_hours_maximum"],
        "C": features >= rule["c_features_minimum"],
        "D": bool(
            history.get("nausea_or_vomiting", False)
            or (history.get("photophobia", False) and history.get("phonophobia", False))
        ),
    }


def with_aura_criteria(entry: InstrumentInfo, history: Mapping[str, Any]) -> dict[str, bool]:
    """Criteria A-C of 1.2 migraine with aura (2018: at least 3 of 6 characteristics)."""
    rule = entry.parameters
    symptoms = any(history.get(key, False) for key in entry.groups["aura_symptoms"])
    characteristics = sum(
        1 for key in entry.groups["aura_characteristics"] if history.get(key, False)
    )
    return {
        "A": history.get("with_aura_attacks", 0) >= rule["with_aura_attacks_minimum"],
        "B": symptoms and bool(history.get("aura_fully_reversible", False)),
        "C": characteristics >= rule["aura_characteristics_minimum"],
    }


def chronic_criteria(
    entry: InstrumentInfo,
    history: Mapping[str, Any],
    without: Mapping[str, bool],
    with_aura: Mapping[str, bool],
) -> dict[str, bool]:
    """Criteria A-C of 1.3 chronic migraine."""
    rule = entry.parameters
    months = history.get("pattern_months", 0)
    longer = months > rule["chronic_months_more_than"]
    prior = 0
    if without["B"] and without["C"] and without["D"]:
        prior += history.get("without_aura_attacks", 0)
    if with_aura["B"] and with_aura["C"]:
        prior += history.get("with_aura_attacks", 0)
    return {
        "A": history.get("headache_days_per_month", 0) >= rule["chronic_headache_days_minimum"]
        and longer,
        "B": prior >= rule["chronic_prior_attacks_minimum"],
        "C": history.get("migraine_days_per_month", 0) >= rule["chronic_migraine_days_minimum"]
        and longer,
    }


def classify(entry: InstrumentInfo, history: Mapping[str, Any]) -> tuple[list[str], dict[str, Any]]:
    """Every ICHD-3 category the history meets (most specific first) and the criteria detail."""
    without = without_aura_criteria(entry, history)
    with_aura = with_aura_criteria(entry, history)
    chronic = chronic_criteria(entry, history, without, with_aura)
    met = []
    if all(chronic.values()):
        met.append("chronic_migraine")
    if all(with_aura.values()):
        met.append("migraine_with_aura")
    if all(without.values()):
        met.append("migraine_without_aura")
    if not met:
        if (
            history.get("with_aura_attacks", 0) > 0
            and sum(with_aura.values()) == len(with_aura) - 1
        ):
            met.append("probable_migraine_with_aura")
        if history.get("without_aura_attacks", 0) > 0 and sum(without.values()) == len(without) - 1:
            met.append("probable_migraine_without_aura")
    detail = {"1.1": without, "1.2": with_aura, "1.3": chronic}
    return met, detail


def score_ichd3(answers: Mapping[str, Any], *, field_prefix: str = "") -> InstrumentResult:
    """The ICHD-3 codes whose published criteria the history meets, and monthly headache days."""
    entry = info("ichd3")
    clean = validate(entry, answers, "ichd3", field_prefix)
    days = clean.get("headache_days_per_month")
    migraine_days = clean.get("migraine_days_per_month")
    if migraine_days is not None and migraine_days > (days or 0):
        raise InputError.single(
            f"{field_prefix}ichd3.migraine_days_per_month",
            migraine_days,
            f"at most headache_days_per_month ({days or 0})",
        )
    met, detail = classify(entry, clean)
    category = met[0] if met else "criteria_not_met"
    found = band(entry, category)
    codes = [CODES[name] for name in met]
    return result(
        "ichd3",
        entry,
        score=days,
        category=category,
        positive=bool(met),
        summary=found.plain,
        clinician_summary=f"{found.clinician} Codes met: {', '.join(codes) or 'none'} (ICHD-3, 2018).",
        answers=clean,
        subscores={
            "codes": codes,
            "headache_days_per_month": days,
            "criteria": detail,
            "edition": "ICHD-3 (2018)",
        },
    )
