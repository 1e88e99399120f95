"""The clinical knowledge, indexed once for fast lookups (no YAML or validation per assessment).

`catalogue()` reads the knowledge base a single time per process and precomputes what the
decision functions need: thresholds by (analyte, unit), limits by analyte, synonym maps,
risk factors by matched id, red flags, regimens and the texts findings are written from.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache

from b12pain.knowledge import Citation, KnowledgeBase, load
from b12pain.knowledge.schema.clinical import (
    Condition,
    Conversion,
    DosageTier,
    FollowUp,
    LabLimit,
    LabTestInfo,
    Medicine,
    Note,
    PainTypeInfo,
    Parameter,
    PlanItem,
    RedFlagRule,
    Regimen,
    RiskFactor,
    Symptom,
    TestRule,
    Threshold,
)

_NOT_WORD = re.compile(r"[^a-z0-9]+")


def normalise(name: str) -> str:
    """The lookup key of a name or id: lower case, runs of other characters become `_`."""
    return _NOT_WORD.sub("_", name.lower().replace("'", "")).strip("_")


def _synonym_map(entries: Iterable[Symptom | Condition | Medicine]) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for entry in entries:
        mapping[normalise(entry.id)] = entry.id
        for synonym in entry.synonyms:
            mapping.setdefault(normalise(synonym), entry.id)
    return mapping


@dataclass(frozen=True, eq=False)
class Catalogue:
    """Everything `clinical` reads from knowledge, keyed for constant-time access.

    Immutable by convention (built once, never changed) and compared by identity (`eq=False`):
    one catalogue per knowledge base. The memos that take it as an argument hold it, so it
    outlives every entry keyed by it.
    """

    kb: KnowledgeBase
    symptoms: dict[str, Symptom]
    conditions: dict[str, Condition]
    medicines: dict[str, Medicine]
    symptom_ids: frozenset[str]
    symptom_rank: dict[str, int]
    t1_ids: frozenset[str]
    strong_ids: frozenset[str]
    neurological_ids: frozenset[str]
    condition_ids: frozenset[str]
    symptom_names: dict[str, str]
    condition_names: dict[str, str]
    medicine_names: dict[str, str]
    thresholds: dict[tuple[str, str], Threshold]
    conversions: dict[tuple[str, str], Conversion]
    limits: dict[str, tuple[LabLimit, ...]]
    lab_tests: dict[str, LabTestInfo]
    risk_factors: tuple[RiskFactor, ...]
    risk_by_match: dict[tuple[str, str], RiskFactor]
    risk_by_id: dict[str, RiskFactor]
    test_rules: dict[str, TestRule]
    regimens: dict[str, Regimen]
    follow_up: dict[str, FollowUp]
    red_flags: tuple[RedFlagRule, ...]
    #: Every feature that can fire a red flag (a profile without any has none).
    red_flag_watch: frozenset[str]
    #: By the facts (nitrous oxide, B12 risk, age under 16 or over 50, confirmed deficiency): the
    #: features that can fire a rule whose `requires` holds, and every feature those rules read.
    red_flag_sets: dict[tuple[bool, ...], tuple[frozenset[str], frozenset[str]]]
    #: Pain types any red-flag rule takes as context.
    red_flag_pain_types: frozenset[str]
    red_flag_order: dict[str, int]
    red_flags_by_symptom: dict[str, tuple[RedFlagRule, ...]]
    pain_types: dict[str, PainTypeInfo]
    plan_items: tuple[PlanItem, ...]
    tiers: tuple[DosageTier, ...]
    notes: dict[str, Note]
    parameters: dict[str, Parameter]

    def note(self, note_id: str) -> Note:
        """The note with this id."""
        return self.notes[note_id]

    def cite(self, *entry_ids: str) -> tuple[Citation, ...]:
        """The citations of several entries, in order, without repeats."""
        return _cite(self, entry_ids)

    def risk_factor(self, risk_id: str) -> RiskFactor:
        """The risk factor with this id."""
        return self.risk_by_id[risk_id]

    def parameter(self, parameter_id: str) -> float:
        """The value of a cited parameter."""
        return self.parameters[parameter_id].value

    @cached_property
    def min_age_years(self) -> float:
        """NG239's lower age limit (`param.min_age_years`), read once: used on every assessment."""
        return self.parameter("param.min_age_years")

    @cached_property
    def metformin_long_term_days(self) -> float:
        """Days of metformin counted as long-term use (`param.metformin_monitoring_years`)."""
        return self.parameter("param.metformin_monitoring_years") * 365.25


@lru_cache(maxsize=4096)
def _cite(cat: Catalogue, entry_ids: tuple[str, ...]) -> tuple[Citation, ...]:
    seen: dict[Citation, None] = {}
    for entry_id in entry_ids:
        for citation in cat.kb.get(entry_id).citations:
            seen.setdefault(citation, None)
    return tuple(seen)


#: `RedFlagRule.requires` values in the order of `triage.TriageFacts`.
RED_FLAG_FACTS = ("nitrous_oxide", "b12_risk", "age_under_16_or_over_50", "deficiency_confirmed")


def _red_flag_sets(
    rules: tuple[RedFlagRule, ...],
) -> dict[tuple[bool, ...], tuple[frozenset[str], frozenset[str]]]:
    sets = {}
    for mask in range(2 ** len(RED_FLAG_FACTS)):
        facts = tuple(bool(mask & (1 << i)) for i in range(len(RED_FLAG_FACTS)))
        held = {name for name, value in zip(RED_FLAG_FACTS, facts, strict=True) if value}
        applicable = [r for r in rules if r.requires == "none" or r.requires in held]
        fire = frozenset(s for r in applicable for s in r.any_of)
        read = frozenset(
            s
            for r in applicable
            for s in (*r.any_of, *r.with_any_of, *r.also_reported, *r.context_symptoms)
        )
        sets[facts] = (fire, read)
    return sets


@cache
def catalogue() -> Catalogue:
    """The catalogue of the shipped knowledge base (built once per process)."""
    return build_catalogue(load())


def build_catalogue(kb: KnowledgeBase) -> Catalogue:
    """Index a knowledge base for the clinical engine."""
    symptoms = {e.id: e for e in kb.of_kind("symptom", Symptom)}
    conditions = {e.id: e for e in kb.of_kind("condition", Condition)}
    medicines = {e.id: e for e in kb.of_kind("medicine", Medicine)}
    limits: dict[str, list[LabLimit]] = {}
    for limit in kb.of_kind("lab_limit", LabLimit):
        limits.setdefault(limit.analyte, []).append(limit)
    risk_factors = tuple(kb.of_kind("risk_factor", RiskFactor))
    red_flags = tuple(kb.of_kind("red_flag", RedFlagRule))
    risk_by_match: dict[tuple[str, str], RiskFactor] = {
        (r.category, m): r for r in risk_factors for m in r.matches
    }
    return Catalogue(
        kb=kb,
        symptoms=symptoms,
        conditions=conditions,
        medicines=medicines,
        symptom_ids=frozenset(symptoms),
        symptom_rank={s: i for i, s in enumerate(symptoms)},
        t1_ids=frozenset(s for s, e in symptoms.items() if e.t1),
        strong_ids=frozenset(s for s, e in symptoms.items() if e.strong_feature),
        neurological_ids=frozenset(s for s, e in symptoms.items() if e.neurological),
        condition_ids=frozenset(conditions),
        symptom_names=_synonym_map(symptoms.values()),
        condition_names=_synonym_map(conditions.values()),
        medicine_names=_synonym_map(medicines.values()),
        thresholds={(t.analyte, t.unit): t for t in kb.of_kind("threshold", Threshold)},
        conversions={(c.analyte, c.from_unit): c for c in kb.of_kind("conversion", Conversion)},
        limits={analyte: tuple(items) for analyte, items in limits.items()},
        lab_tests={t.id: t for t in kb.of_kind("lab_test", LabTestInfo)},
        risk_factors=risk_factors,
        risk_by_match=risk_by_match,
        risk_by_id={r.id: r for r in risk_factors},
        test_rules={r.id: r for r in kb.of_kind("test_rule", TestRule)},
        regimens={r.id: r for r in kb.of_kind("regimen", Regimen)},
        follow_up={f.id: f for f in kb.of_kind("follow_up", FollowUp)},
        red_flags=red_flags,
        red_flag_order={r.id: i for i, r in enumerate(red_flags)},
        red_flag_watch=frozenset(s for rule in red_flags for s in rule.any_of),
        red_flag_sets=_red_flag_sets(red_flags),
        red_flag_pain_types=frozenset(p for rule in red_flags for p in rule.pain_types),
        red_flags_by_symptom={
            s: tuple(r for r in red_flags if s in r.any_of) for r0 in red_flags for s in r0.any_of
        },
        pain_types={
            p.id.removeprefix("pain_type."): p for p in kb.of_kind("pain_type", PainTypeInfo)
        },
        plan_items=tuple(kb.of_kind("plan_item", PlanItem)),
        tiers=tuple(kb.of_kind("dosage_tier", DosageTier)),
        notes={n.id: n for n in kb.of_kind("note", Note)},
        parameters={p.id: p for p in kb.of_kind("parameter", Parameter)},
    )
