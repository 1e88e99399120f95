"""A blood test reading in plain words: what its band means, the published limits of the bands,
and what each next test is for. The words come from knowledge (thresholds, lab tests, testing
rules), so the terminal, the web and the report say the same."""

from __future__ import annotations

from collections.abc import Iterable

from b12pain.clinical.result import LabReading
from b12pain.knowledge import Entry, KnowledgeBase
from b12pain.knowledge.schema.clinical import Threshold


def test_title(kb: KnowledgeBase, test: str) -> str:
    """A test's name for people ("vitamin B12 blood level (total B12)"), else its id in words."""
    entry = kb.entries.get(test)
    words = str(getattr(entry, "plain", "") or test.replace("_", " "))
    return words[:1].upper() + words[1:]


def band_limits(kb: KnowledgeBase, reading: LabReading) -> str:
    """The published bands the reading was read against, in the reference unit: "Published
    bands: below 180 ng/L low; 180 to 350 ng/L grey zone; above 350 ng/L a shortage is
    unlikely." Empty when the test has no published bands (it is read against the lab's range)."""
    for threshold in kb.of_kind("threshold", Threshold):
        if threshold.analyte == reading.test and threshold.unit == reading.reference_unit:
            low, high, unit = threshold.deficiency_below, threshold.unlikely_above, threshold.unit
            if reading.test == "folate":
                return (
                    f"Published bands: below {low:g} {unit} low folate; {low:g} to {high:g} "
                    f"{unit} borderline; above {high:g} {unit} normal."
                )
            return (
                f"Published bands: below {low:g} {unit} in the deficiency range; {low:g} to "
                f"{high:g} {unit} the grey zone; above {high:g} {unit} a shortage is unlikely."
            )
    if reading.band in ("raised", "within_range"):
        return "Read against the upper limit of the laboratory's range."
    return ""


def next_test_purposes(kb: KnowledgeBase, tests: Iterable[str]) -> list[str]:
    """Each next test with what it is for: "MMA (a second test that shows whether the body is
    short of B12)"; a test without its own entry is explained by the testing rule that names it."""
    purposes = []
    for test in tests:
        entry = kb.entries.get(test)
        plain = str(getattr(entry, "plain", "") or "")
        if not plain:
            every_rule: list[Entry] = kb.of_kind("test_rule")
            rules = [r for r in every_rule if test in getattr(r, "tests", ())]
            why = str(getattr(rules[0], "plain", "") or "") if rules else ""
            name = test.replace("_", " ")
            plain = f"{name}: {why}" if why else name
        purposes.append(plain)
    return purposes


__all__ = ["band_limits", "next_test_purposes", "test_title"]
