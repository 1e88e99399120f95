"""The terminology b12pain speaks in FHIR: one table, read from `knowledge/data/codes.yaml`.

Lab results are coded in LOINC with UCUM units; conditions in SNOMED CT; medicines in RxNorm (or
ATC for B12 itself, whose RxNorm codes are UNVERIFIED, clinical-spec §F). A code maps to the
knowledge id it `refers_to` (`2132-9` → `total_b12`). Things with no verified public code (most
symptoms, some conditions, routes, injection sites) travel under b12pain's own code systems,
`LOCAL_BASE/...`, so b12pain can read back what it wrote but never pretends a code is standard.
"""

from __future__ import annotations

from dataclasses import dataclass
from weakref import WeakKeyDictionary

from b12pain.clinical.profile import ALLOWED_UNITS
from b12pain.clinical.vocabulary import resolve
from b12pain.knowledge import KnowledgeBase
from b12pain.knowledge.schema.clinical import TerminologyCode

LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
ATC = "http://www.whocc.no/atc"
ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
UCUM = "http://unitsofmeasure.org"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
INTERPRETATION = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"
CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
CONDITION_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category"

#: b12pain's own code systems (no public terminology holds these ids). `.invalid` (RFC 2606)
#: makes plain that nobody resolves these URLs.
LOCAL_BASE = "https://b12pain.invalid/fhir"
LOCAL_CONDITION = f"{LOCAL_BASE}/CodeSystem/condition"
LOCAL_SYMPTOM = f"{LOCAL_BASE}/CodeSystem/symptom"
LOCAL_MEDICINE = f"{LOCAL_BASE}/CodeSystem/medicine"
LOCAL_ROUTE = f"{LOCAL_BASE}/CodeSystem/route"
LOCAL_SITE = f"{LOCAL_BASE}/CodeSystem/injection-site"
LOCAL_INSTRUMENT = f"{LOCAL_BASE}/CodeSystem/instrument-score"
LOCAL_REGIMEN = f"{LOCAL_BASE}/CodeSystem/regimen"
QUESTIONNAIRE_BASE = f"{LOCAL_BASE}/Questionnaire"

SYSTEM_URLS: dict[str, str] = {
    "LOINC": LOINC,
    "SNOMED CT": SNOMED,
    "RxNorm": RXNORM,
    "ATC": ATC,
    "ICD-10-CM": ICD10CM,
}

#: The pain rating's knowledge id in `codes.yaml` (LOINC 72514-3).
PAIN_NRS = "pain_nrs"


@dataclass(frozen=True)
class Code:
    """One code as FHIR writes it: system URL, code, display, and what it means in b12pain."""

    system: str
    code: str
    display: str
    refers_to: str
    verification: str
    ucum_units: tuple[str, ...] = ()

    @property
    def token(self) -> str:
        """`system|code`, the FHIR search-token form used in messages and prefetch queries."""
        return f"{self.system}|{self.code}"


class CodeTable:
    """Look-ups over the code table in both directions (export and import)."""

    def __init__(self, entries: list[TerminologyCode]) -> None:
        self.codes = tuple(
            Code(
                SYSTEM_URLS[e.system],
                e.code,
                e.display,
                e.refers_to,
                e.verification,
                e.ucum_units,
            )
            for e in entries
        )
        self._by_token = {c.token: c for c in self.codes}

    def find(self, system: str | None, code: str | None) -> Code | None:
        """The table's entry for `system|code`, or None."""
        return self._by_token.get(f"{system}|{code}")

    def lab_code(self, test: str, unit: str) -> Code | None:
        """The LOINC code for a result of `test` reported in `unit` (mass vs molar), or None."""
        for code in self.codes:
            if code.system == LOINC and code.refers_to == test and unit in code.ucum_units:
                return code
        return None

    def lab_codes(self) -> tuple[Code, ...]:
        """Every LOINC code of a blood test b12pain reads."""
        return tuple(c for c in self.codes if c.system == LOINC and c.refers_to in ALLOWED_UNITS)

    def pain_code(self) -> Code:
        """LOINC 72514-3, pain severity 0-10."""
        return next(c for c in self.codes if c.refers_to == PAIN_NRS)

    def condition_code(self, condition_id: str) -> Code | None:
        """The SNOMED CT code for a condition id, or None when §F verifies none."""
        for code in self.codes:
            if code.system == SNOMED and code.refers_to == condition_id:
                return code
        return None

    def condition_codes(self) -> tuple[Code, ...]:
        """SNOMED CT codes that name a b12pain condition id."""
        return tuple(
            c
            for c in self.codes
            if c.system == SNOMED and resolve("condition", c.refers_to) == c.refers_to
        )

    def medicine_code(self, medicine_id: str) -> Code | None:
        """The RxNorm (or ATC) code of a medicine id, or None."""
        for system in (RXNORM, ATC):
            for code in self.codes:
                if code.system == system and code.refers_to == medicine_id:
                    return code
        return None

    def medicine_codes(self) -> tuple[Code, ...]:
        """RxNorm and ATC codes that name a b12pain medicine id."""
        return tuple(
            c
            for c in self.codes
            if c.system in (RXNORM, ATC) and resolve("medicine", c.refers_to) is not None
        )


def code_table(kb: KnowledgeBase) -> CodeTable:
    """The code table of a knowledge base (built once per knowledge base, forgotten with it)."""
    table = _TABLES.get(kb)
    if table is None:
        table = CodeTable(kb.of_kind("code", TerminologyCode))
        _TABLES[kb] = table
    return table


_TABLES: WeakKeyDictionary[KnowledgeBase, CodeTable] = WeakKeyDictionary()
