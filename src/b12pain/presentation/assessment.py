"""How an `Assessment` reads: plain words for people, clinical words for clinicians, numbered
sources (clinical-spec §J.7, §J.13).

- Red flags: people read each flag's plain `summary` ("Go to an emergency department now (in
  the UK: A&E or call 999)"); clinicians read its `action`.
- Bands and deficiency: plain words never say "deficiency confirmed"; a result in the
  deficiency band is "in the range NICE uses for B12 deficiency", and a clinician confirms it.
  The JSON keeps the contract's band names.
- Citations: `Footnotes` numbers each distinct citation once, in the order shown, and
  `Footnotes.sources(kb)` is the numbered list every output that shows numbers must print.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from b12pain.clinical.result import Assessment, Band, Deficiency, RedFlag, TestingStatus, Urgency
from b12pain.knowledge import Citation, KnowledgeBase

__all__ = [
    "LEVEL_WORDS",
    "Footnotes",
    "NumberedSource",
    "band_words",
    "deficiency_words",
    "footnotes_for",
    "red_flag_headline",
    "red_flag_text",
    "test_names",
    "testing_words",
    "urgency_words",
]

_PLAIN_URGENCY: dict[Urgency, str] = {
    "emergency": "Emergency: get medical help now",
    "urgent": "Urgent: speak to a doctor today",
    "routine": "Not urgent: talk it through with your GP, nurse or pharmacist",
    "none": "Nothing urgent found",
}
_CLINICIAN_URGENCY: dict[Urgency, str] = {
    "emergency": "Emergency (immediate referral)",
    "urgent": "Urgent (same-day clinician review)",
    "routine": "Routine review",
    "none": "No action indicated",
}
_PLAIN_TESTING: dict[TestingStatus, str] = {
    "recommended": "a B12 blood test is recommended",
    "clinician_judgement": "whether to test is for your clinician to judge",
    "not_indicated": "a B12 test is not indicated by NICE's criterion",
    "out_of_scope": "b12pain's rules are for people aged 16 and over",
}
_CLINICIAN_TESTING: dict[TestingStatus, str] = {
    "recommended": "B12 test recommended",
    "clinician_judgement": "B12 test: clinical judgement",
    "not_indicated": "B12 test not indicated (NG239 criterion not met)",
    "out_of_scope": "Out of scope (under 16)",
}
_PLAIN_BANDS: dict[Band, str] = {
    "deficiency_confirmed": (
        "in the range NICE uses for B12 deficiency (a clinician confirms the diagnosis)"
    ),
    "indeterminate": "in the grey zone: it neither shows nor rules out a shortage",
    "unlikely": "in the range where B12 deficiency is unlikely",
    "not_interpretable": "not something b12pain can interpret (see the notes)",
    "raised": "raised (above the laboratory's upper limit); on its own not a diagnosis",
    "within_range": "within the laboratory's range",
}
_PLAIN_FOLATE: dict[Band, str] = {
    "deficiency_confirmed": "in the low folate range",
    "indeterminate": "in the borderline folate range",
    "unlikely": "in the normal folate range",
}
_CLINICIAN_BANDS: dict[Band, str] = {
    "deficiency_confirmed": "deficiency range (NG239 band)",
    "indeterminate": "indeterminate",
    "unlikely": "deficiency unlikely",
    "not_interpretable": "not interpretable",
    "raised": "raised (above the upper reference limit)",
    "within_range": "within reference range",
}
_PLAIN_DEFICIENCY: dict[Deficiency, str] = {
    "confirmed": (
        "Your results are in the range NICE uses for B12 deficiency. A clinician confirms the "
        "diagnosis."
    ),
    "indeterminate": "Your results do not yet show whether you are short of B12.",
    "unlikely": "Your results make a B12 shortage unlikely.",
    "unknown": "There is no B12 result yet.",
    "discordant": (
        "Your results and your symptoms point different ways; a clinician needs to review them."
    ),
}
_CLINICIAN_DEFICIENCY: dict[Deficiency, str] = {
    "confirmed": "Deficiency: in the NG239 deficiency range (or indeterminate with raised MMA)",
    "indeterminate": "Deficiency: indeterminate",
    "unlikely": "Deficiency: unlikely",
    "unknown": "Deficiency: no readable result",
    "discordant": "Deficiency: discordant (result vs clinical features; review)",
}
#: What each verification level means (clinical-spec §0.1), for the numbered source list.
LEVEL_WORDS = {
    "P": "primary text read",
    "P*": "primary, partly read",
    "S": "secondary source",
    "policy": "b12pain's own rule, not a guideline",
}


def urgency_words(urgency: Urgency, clinician: bool = False) -> str:
    """The overall urgency in words."""
    return (_CLINICIAN_URGENCY if clinician else _PLAIN_URGENCY)[urgency]


def testing_words(status: TestingStatus, clinician: bool = False) -> str:
    """The testing status in words."""
    return (_CLINICIAN_TESTING if clinician else _PLAIN_TESTING)[status]


def band_words(test: str, band: Band, clinician: bool = False) -> str:
    """A lab band in words; plain words never say "deficiency confirmed" (§J.7)."""
    if clinician:
        return _CLINICIAN_BANDS[band]
    if test == "folate" and band in _PLAIN_FOLATE:
        return _PLAIN_FOLATE[band]
    return _PLAIN_BANDS[band]


def deficiency_words(deficiency: Deficiency, clinician: bool = False) -> str:
    """The overall B12 status in words; plain words never say "deficiency confirmed" (§J.7)."""
    return (_CLINICIAN_DEFICIENCY if clinician else _PLAIN_DEFICIENCY)[deficiency]


def test_names(tests: Iterable[str], kb: KnowledgeBase, clinician: bool = False) -> str:
    """Blood tests in words: their plain names for people, their ids for clinicians."""
    if clinician:
        return ", ".join(tests)
    names = []
    for test in tests:
        entry = kb.entries.get(test)
        names.append(str(getattr(entry, "plain", "") or test.replace("_", " ")))
    return ", ".join(names)


def red_flag_text(flag: RedFlag, clinician: bool = False) -> str:
    """What to do about a red flag: the plain summary for people, the action for clinicians."""
    if clinician or not flag.summary:
        return flag.action
    return flag.summary


def red_flag_headline(assessment: Assessment, clinician: bool = False) -> str | None:
    """The most pressing red flag's words (flags are sorted emergencies first), or None."""
    if not assessment.red_flags:
        return None
    return red_flag_text(assessment.red_flags[0], clinician)


@dataclass(frozen=True)
class NumberedSource:
    """One line of the numbered source list."""

    number: int
    source: str
    section: str
    level: str
    title: str
    url: str | None = None

    def text(self) -> str:
        """The line as text: `3. ng239-bmj §What you need to know [P*] — title`."""
        section = f" §{self.section}" if self.section else ""
        return f"{self.number}. {self.source}{section} [{self.level}] — {self.title}"


@dataclass
class Footnotes:
    """Numbers each distinct citation once, in the order they are first shown."""

    numbers: dict[Citation, int] = field(default_factory=dict)

    def numbers_for(self, citations: Iterable[Citation]) -> list[int]:
        """The footnote numbers of these citations (numbering new ones), without repeats."""
        marks: list[int] = []
        for citation in citations:
            number = self.numbers.setdefault(citation, len(self.numbers) + 1)
            if number not in marks:
                marks.append(number)
        return marks

    def mark(self, citations: Iterable[Citation]) -> str:
        """The footnote marks for these citations, e.g. `[1,3]` (empty when none)."""
        marks = self.numbers_for(citations)
        return "[" + ",".join(str(m) for m in marks) + "]" if marks else ""

    def sources(self, kb: KnowledgeBase) -> tuple[NumberedSource, ...]:
        """The numbered source list, in number order: print it wherever numbers are shown."""
        lines = []
        for citation, number in sorted(self.numbers.items(), key=lambda item: item[1]):
            source = kb.sources.get(citation.source)
            lines.append(
                NumberedSource(
                    number=number,
                    source=citation.source,
                    section=citation.section,
                    level=citation.level,
                    title=source.title if source else citation.source,
                    url=source.url if source else None,
                )
            )
        return tuple(lines)


def footnotes_for(assessment: Assessment) -> Footnotes:
    """Footnotes numbered in the order an assessment is shown: red flags, testing, labs, before
    treatment, treatment, findings, plan (surfaces that show in this order get 1, 2, 3 …)."""
    notes = Footnotes()
    for flag in assessment.red_flags:
        notes.numbers_for(flag.citations)
    notes.numbers_for(assessment.testing.citations)
    for lab in assessment.labs:
        notes.numbers_for(lab.citations)
    if assessment.before_treatment is not None:
        notes.numbers_for(assessment.before_treatment.citations)
    if assessment.treatment is not None:
        notes.numbers_for(assessment.treatment.citations)
        for tier in assessment.treatment.consumer_tiers:
            if tier.applies:
                notes.numbers_for(tier.citations)
    for finding in assessment.findings:
        notes.numbers_for(finding.citations)
    for point in assessment.plan:
        notes.numbers_for(point.citations)
    return notes
