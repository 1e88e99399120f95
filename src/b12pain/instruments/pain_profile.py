"""The pain-type profile: which of the seed's pain types the instrument results support.

Rules are data (`pain_type_support` entries); each supported type carries what the evidence
b12pain holds says about B12 for it, reusing the clinical `pain_type.*` entry's evidence text.
"""

from __future__ import annotations

from collections.abc import Iterable

from b12pain.instruments.result import InstrumentResult, PainTypeSupport
from b12pain.knowledge import Entry, load
from b12pain.knowledge.schema.instruments import PainTypeSupport as SupportRuleSet
from b12pain.knowledge.schema.instruments import SupportRule


def _holds(rule: SupportRule, results: dict[str, InstrumentResult]) -> bool:
    found = results.get(rule.instrument)
    if found is None:
        return False
    if rule.when == "positive":
        return found.positive is True
    if rule.when == "score_at_least":
        return found.score is not None and rule.value is not None and found.score >= rule.value
    return rule.item is not None and found.answers.get(rule.item) is True


def pain_type_profile(results: Iterable[InstrumentResult]) -> tuple[PainTypeSupport, ...]:
    """Pain types the results support, each with the supporting instruments and B12 evidence."""
    by_id = {result.instrument: result for result in results}
    knowledge = load()
    supported: list[PainTypeSupport] = []
    for rules in knowledge.of_kind("pain_type_support", SupportRuleSet):
        groups = [group for group in rules.rules if all(_holds(r, by_id) for r in group)]
        if not groups:
            continue
        instruments = tuple(dict.fromkeys(r.instrument for group in groups for r in group))
        pain_type: Entry = knowledge.get(f"pain_type.{rules.pain_type}")
        evidence = str(getattr(pain_type, "evidence", ""))
        citations = tuple(dict.fromkeys(rules.citations + pain_type.citations))
        supported.append(
            PainTypeSupport(
                pain_type=rules.pain_type,
                title=pain_type.title,
                supported_by=instruments,
                b12_evidence=rules.b12_evidence,
                summary=rules.plain,
                clinician_summary=rules.clinician,
                evidence=evidence,
                citations=citations,
            )
        )
    return tuple(supported)
