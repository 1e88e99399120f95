"""Findings written from knowledge: plain words, clinician words and citations, never invented here.

Every finding's wording comes from a knowledge entry (a note's `text`/`clinician_text`, a test
rule's `plain`/`text`, a regimen's `plain`/`title`), so a reviewer audits wording where the
evidence is. `evidence` labels how directly the sources were read (§0.1).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from b12pain.clinical.catalogue import Catalogue
from b12pain.clinical.result import Evidence, Finding, LabReading, Severity, trusted
from b12pain.knowledge import Citation


def evidence_of(citations: Iterable[Citation], unverified: bool = False) -> Evidence:
    """`unverified`, else `primary` if any source was read first-hand (P, P*), else `secondary`
    if any is S, else `policy`."""
    if unverified:
        return "unverified"
    levels = {c.level for c in citations}
    if levels & {"P", "P*"}:
        return "primary"
    return "secondary" if "S" in levels else "policy"


def make(
    code: str,
    severity: Severity,
    summary: str,
    clinician_summary: str,
    citations: tuple[Citation, ...],
    unverified: bool = False,
) -> Finding:
    """A finding with its evidence label computed from its citations."""
    return Finding(
        code=code,
        severity=severity,
        summary=summary,
        clinician_summary=clinician_summary,
        citations=citations,
        unverified=unverified,
        evidence=evidence_of(citations, unverified),
    )


@lru_cache(maxsize=1024)
def from_note(code: str, note_id: str, severity: Severity, cat: Catalogue) -> Finding:
    """A finding worded by a knowledge note."""
    note = cat.note(note_id)
    return make(
        code,
        severity,
        note.text or note.title,
        note.clinician_text or note.title,
        note.citations,
        unverified=note.unverified,
    )


@lru_cache(maxsize=1024)
def from_test_rule(code: str, rule_id: str, severity: Severity, cat: Catalogue) -> Finding:
    """A finding worded by a testing rule (§A.1-A.4)."""
    rule = cat.test_rules[rule_id]
    return make(code, severity, rule.plain, f"{rule.rule}: {rule.text}", rule.citations)


_LAB_SEVERITY: dict[str, Severity] = {
    "deficiency_confirmed": "warning",
    "indeterminate": "caution",
    "unlikely": "info",
    "not_interpretable": "caution",
    "raised": "warning",
    "within_range": "info",
}
#: Plain words never say "deficiency confirmed" (clinical-spec §J.7): a clinician confirms it.
_LAB_WORDS = {
    "deficiency_confirmed": (
        "in the range NICE uses for B12 deficiency; a clinician confirms the diagnosis"
    ),
    "indeterminate": "in the grey zone (indeterminate)",
    "unlikely": "in the range where deficiency is unlikely",
    "not_interpretable": "not something b12pain can interpret (see the notes)",
    "raised": "raised",
    "within_range": "within the laboratory range",
}
_FOLATE_WORDS = {
    "deficiency_confirmed": "in the low (deficient) folate range",
    "indeterminate": "in the borderline folate range",
    "unlikely": "in the normal folate range",
}
_REFERENCE_WORDS = {
    "raised": (
        "above the laboratory's upper limit (raised); on its own this does not confirm a B12 "
        "deficiency"
    ),
    "within_range": "within the laboratory reference range",
}
_RANGE_WORDS = {
    "indeterminate": "outside the range printed by your laboratory",
    "unlikely": "within the range printed by your laboratory",
}


def lab_finding(reading: LabReading, cat: Catalogue) -> Finding:
    """One lab reading in plain and clinician words."""
    info = cat.lab_tests[reading.test]
    words = _WORDS_BY_TEST.get(reading.test, _LAB_WORDS)
    shown = f"{reading.value:g} {reading.unit}"
    if reading.equivalent_value is not None:
        shown += f" (about {reading.equivalent_value:g} {reading.equivalent_unit})"
    clinician = f"{info.title}: {reading.explanation}"
    if reading.flags:
        clinician += f"; flags: {', '.join(reading.flags)}"
    return trusted(
        Finding,
        {
            "code": f"lab.{reading.test}.{reading.band}",
            "severity": _LAB_SEVERITY[reading.band],
            "summary": f"Your {info.plain} of {shown} is {words[reading.band]}.",
            "clinician_summary": clinician,
            "citations": reading.citations,
            "unverified": False,
            "evidence": reading.evidence,
        },
    )


_WORDS_BY_TEST = {
    "folate": {**_LAB_WORDS, **_FOLATE_WORDS},
    "mma": {**_LAB_WORDS, **_REFERENCE_WORDS},
    "homocysteine": {**_LAB_WORDS, **_REFERENCE_WORDS},
    "haemoglobin": {**_LAB_WORDS, **_RANGE_WORDS},
    "mcv": {**_LAB_WORDS, **_RANGE_WORDS},
}
