"""Red flags (clinical-spec §E, §J.1-§J.2, §J.11): evaluated before any B12 logic; they set
urgency and come first.

A red flag is a feature of the person (§J.1): it fires when the person has any of its features,
whatever pain types, conditions or labs are recorded. Only rules whose source ties a feature to a
pain (history of cancer as a back-pain flag) have a context, and a condition naming a pain type
(back_pain, migraine …) counts as that pain type. A rule's extra fact (`requires`): nitrous oxide
exposure (recreational, or recent medical exposure with neurological symptoms, §J.5), a B12 risk
(a risk factor, known autoimmune gastritis, a previous deficiency or B12 treatment, §J.2), age
under 16 or over 50, or a confirmed deficiency. Emergency flags are listed before urgent ones.
"""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple, get_args

from b12pain.clinical.catalogue import Catalogue, catalogue
from b12pain.clinical.findings import evidence_of
from b12pain.clinical.profile import PainType, Profile
from b12pain.clinical.result import URGENCY_ORDER, RedFlag, Urgency
from b12pain.knowledge.schema.clinical import RedFlagRule

_PAIN_TYPES = frozenset(get_args(PainType))
#: Conditions besides risk factors that make a B12 neurological picture plausible (§J.2).
_B12_HISTORY = ("autoimmune_gastritis", "previous_b12_deficiency")


class TriageFacts(NamedTuple):
    """The facts about a person, besides features and pain context, that red-flag rules need."""

    nitrous_oxide: bool = False
    b12_risk: bool = False
    age_under_16_or_over_50: bool = False
    deficiency_confirmed: bool = False


#: Position of each `requires` fact in the facts tuple.
_FACT_INDEX = {name: i for i, name in enumerate(TriageFacts._fields)}


def nitrous_oxide_exposed(profile: Profile, cat: Catalogue | None = None) -> bool:
    """Recreational nitrous oxide, or recent medical exposure with neurological symptoms (§J.5).

    Treating recent medical (anaesthetic) exposure like recreational use when there are
    neurological symptoms is b12pain policy (no source found for medical exposure).
    """
    if profile.nitrous_oxide == "recreational":
        return True
    if profile.nitrous_oxide != "medical_recent":
        return False
    cat = cat or catalogue()
    return not cat.neurological_ids.isdisjoint(profile.symptoms)


def has_b12_risk(profile: Profile, risk_factor_count: int) -> bool:
    """A B12 risk factor, known autoimmune gastritis, a previous deficiency or B12 treatment."""
    return (
        risk_factor_count > 0
        or profile.b12_treatment is not None
        or any(c in profile.conditions for c in _B12_HISTORY)
    )


def pain_context(profile: Profile) -> tuple[str, ...]:
    """Pain types recorded as pain types or as conditions (§J.1: back pain as a condition)."""
    if _PAIN_TYPES.isdisjoint(profile.conditions):
        return profile.pain.types
    from_conditions = [c for c in profile.conditions if c in _PAIN_TYPES]
    return tuple(dict.fromkeys((*profile.pain.types, *from_conditions)))


def _applies(
    rule: RedFlagRule,
    symptoms: frozenset[str],
    pains: frozenset[str],
    facts: tuple[bool, ...],
) -> tuple[str, ...]:
    present = tuple(s for s in rule.any_of if s in symptoms)
    if not present:
        return ()
    also = tuple(s for s in rule.with_any_of if s in symptoms)
    if rule.with_any_of and not also:
        return ()
    if rule.pain_types or rule.context_symptoms:
        in_context = not symptoms.isdisjoint(rule.context_symptoms) or any(
            p in rule.pain_types for p in pains
        )
        if not in_context:
            return ()
    if rule.requires != "none" and not facts[_FACT_INDEX[rule.requires]]:
        return ()
    reported = tuple(s for s in rule.also_reported if s in symptoms)
    return tuple(dict.fromkeys((*present, *also, *reported)))


def red_flags(
    profile: Profile,
    deficiency_confirmed: bool = False,
    cat: Catalogue | None = None,
    *,
    b12_risk: bool | None = None,
) -> tuple[RedFlag, ...]:
    """Every red flag the profile raises, emergencies first (stable in knowledge order).

    `b12_risk` may be passed when the caller already matched risk factors; otherwise it is
    worked out here.
    """
    cat = cat or catalogue()
    if cat.red_flag_watch.isdisjoint(profile.symptoms):
        return ()
    if b12_risk is None:
        from b12pain.clinical.screening import risk_profile

        b12_risk = has_b12_risk(profile, len(risk_profile(profile, cat).factors))
    age = profile.age
    # A plain tuple in `TriageFacts` order (building the named tuple costs more than the lookup).
    facts = (
        profile.nitrous_oxide != "none" and nitrous_oxide_exposed(profile, cat),
        b12_risk,
        age < 16 or age > 50,
        deficiency_confirmed,
    )
    fire, read = cat.red_flag_sets[facts]
    if fire.isdisjoint(profile.symptoms):
        return ()
    # Only the features and pain types some rule reads: profiles that differ elsewhere share a key.
    pains = cat.red_flag_pain_types.intersection(
        pain_context(profile) if profile.conditions else profile.pain.types
    )
    return _red_flags(read.intersection(profile.symptoms), pains, facts, cat)


@lru_cache(maxsize=16384)
def _red_flags(
    symptoms: frozenset[str], pains: frozenset[str], facts: tuple[bool, ...], cat: Catalogue
) -> tuple[RedFlag, ...]:
    """The red flags of the features a rule reads (in any order: rules are taken in knowledge
    order and report features in their own order)."""
    candidates: dict[str, RedFlagRule] = {}
    for symptom in symptoms:
        for rule in cat.red_flags_by_symptom.get(symptom, ()):
            candidates[rule.id] = rule
    found: list[RedFlag] = []
    for rule in sorted(candidates.values(), key=lambda r: cat.red_flag_order[r.id]):
        present = _applies(rule, symptoms, pains, facts)
        if present:
            found.append(_flag(rule.id, present, cat))
    fired = {flag.id for flag in found}
    kept = [
        flag
        for flag in found
        if fired.isdisjoint(cat.red_flags[cat.red_flag_order[flag.id]].replaced_by)
    ]
    return tuple(sorted(kept, key=lambda flag: URGENCY_ORDER.index(flag.urgency)))


@lru_cache(maxsize=4096)
def _flag(rule_id: str, present: tuple[str, ...], cat: Catalogue) -> RedFlag:
    """The red flag of one rule with the features that fired it (built once per combination:
    the same rule and features recur across many different profiles; keyed by the rule's id
    string, since hashing a whole knowledge entry is slow)."""
    rule = cat.red_flags[cat.red_flag_order[rule_id]]
    return RedFlag(
        id=rule.id,
        urgency=rule.urgency,
        title=rule.title,
        action=rule.action,
        summary=rule.plain,
        triggered_by=present,
        urgency_is_tool_decision=rule.urgency_is_tool_decision,
        evidence=evidence_of(rule.citations),
        citations=rule.citations,
    )


def highest(urgencies: list[Urgency]) -> Urgency:
    """The most pressing of several urgencies (`none` when there are none)."""
    return min(urgencies, key=URGENCY_ORDER.index, default="none")
