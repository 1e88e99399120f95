"""Red flags (clinical-spec §E): evaluated before any B12 logic; they set urgency and come first.

A red flag fires when the person has any of its features, in its context (pain types or
context symptoms; none given = everywhere), and its extra condition holds (`requires`:
recreational nitrous oxide, or a confirmed deficiency for the B12 neurological flag).
Emergency flags are listed before urgent ones.
"""

from __future__ import annotations

from functools import lru_cache

from b12pain.clinical.catalogue import Catalogue, catalogue
from b12pain.clinical.findings import evidence_of
from b12pain.clinical.profile import Profile
from b12pain.clinical.result import URGENCY_ORDER, RedFlag, Urgency
from b12pain.knowledge.schema.clinical import RedFlagRule


def _applies(
    rule: RedFlagRule,
    symptoms: tuple[str, ...],
    pain_types: tuple[str, ...],
    nitrous_oxide: str,
    deficiency_confirmed: bool,
) -> tuple[str, ...]:
    present = tuple(s for s in rule.any_of if s in symptoms)
    if rule.pain_types or rule.context_symptoms:
        in_context = any(p in rule.pain_types for p in pain_types) or any(
            s in rule.context_symptoms for s in symptoms
        )
        if not in_context:
            return ()
    if rule.requires == "nitrous_oxide" and nitrous_oxide != "recreational":
        return ()
    if rule.requires == "deficiency_confirmed" and not deficiency_confirmed:
        return ()
    return present


def red_flags(
    profile: Profile, deficiency_confirmed: bool = False, cat: Catalogue | None = None
) -> tuple[RedFlag, ...]:
    """Every red flag the profile raises, emergencies first (stable in knowledge order)."""
    cat = cat or catalogue()
    watched = cat.red_flag_symptoms["none"]
    if deficiency_confirmed:
        watched = watched | cat.red_flag_symptoms["deficiency_confirmed"]
    if profile.nitrous_oxide == "recreational":
        watched = watched | cat.red_flag_symptoms["nitrous_oxide"]
    if watched.isdisjoint(profile.symptoms):
        return ()
    relevant = tuple(
        sorted((s for s in profile.symptoms if s in watched), key=cat.symptom_rank.__getitem__)
    )
    return _red_flags(
        relevant, profile.pain.types, profile.nitrous_oxide, deficiency_confirmed, cat
    )


@lru_cache(maxsize=4096)
def _red_flags(
    symptoms: tuple[str, ...],
    pain_types: tuple[str, ...],
    nitrous_oxide: str,
    deficiency_confirmed: bool,
    cat: Catalogue,
) -> tuple[RedFlag, ...]:
    candidates: dict[str, RedFlagRule] = {}
    for symptom in symptoms:
        for rule in cat.red_flags_by_symptom.get(symptom, ()):
            candidates[rule.id] = rule
    found: list[RedFlag] = []
    for rule in sorted(candidates.values(), key=lambda r: cat.red_flag_order[r.id]):
        present = _applies(rule, symptoms, pain_types, nitrous_oxide, deficiency_confirmed)
        if present:
            found.append(
                RedFlag(
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
            )
    return tuple(sorted(found, key=lambda flag: URGENCY_ORDER.index(flag.urgency)))


def highest(urgencies: list[Urgency]) -> Urgency:
    """The most pressing of several urgencies (`none` when there are none)."""
    return min(urgencies, key=URGENCY_ORDER.index, default="none")
