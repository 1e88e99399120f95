"""The pain-management plan: the seed's lifestyle and medical items as points to discuss.

Each point says why (as the seed article or a guideline puts it) and carries its source; items
limited to some pain types (nerve blocks, surgery) appear only for those. Nothing here is an
instruction: the plan prepares a conversation with a clinician.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from b12pain.clinical.catalogue import Catalogue, catalogue
from b12pain.clinical.result import Finding, PlanPoint


def plan_for(pain_types: Iterable[str], cat: Catalogue | None = None) -> tuple[PlanPoint, ...]:
    """Plan points for a person's pain types (lifestyle first, then medical)."""
    return _plan(frozenset(pain_types), cat or catalogue())


@lru_cache(maxsize=512)
def _plan(types: frozenset[str], cat: Catalogue) -> tuple[PlanPoint, ...]:
    if not types:
        return ()
    points = [
        PlanPoint(
            id=item.id,
            group=item.group,
            title=item.title,
            why=item.why,
            discuss=item.discuss,
            citations=item.citations,
        )
        for item in cat.plan_items
        if not item.pain_types or types.intersection(item.pain_types)
    ]
    return tuple(sorted(points, key=lambda p: p.group != "lifestyle"))


def pain_type_findings(
    pain_types: Iterable[str], cat: Catalogue | None = None
) -> tuple[Finding, ...]:
    """What the seed claims and what the evidence says, for each of the person's pain types."""
    return _pain_type_findings(tuple(dict.fromkeys(pain_types)), cat or catalogue())


@lru_cache(maxsize=512)
def _pain_type_findings(pain_types: tuple[str, ...], cat: Catalogue) -> tuple[Finding, ...]:
    findings = []
    for pain_type in pain_types:
        info = cat.pain_types.get(pain_type)
        if info is None:
            continue
        findings.append(
            Finding(
                code=f"pain_type.{pain_type}",
                severity="info",
                summary=f"{info.title}: the article b12pain starts from says: {info.seed_claim} "
                f"What guidelines say: {info.evidence}",
                clinician_summary=f"{info.title}. Seed claim (S, unsourced): {info.seed_claim} "
                f"Evidence read: {info.evidence}",
                citations=info.citations,
                evidence="secondary",
            )
        )
    return tuple(findings)
