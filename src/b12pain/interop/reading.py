"""FHIR → b12pain: read resources into the facts b12pain knows (labs, pain, medicines …).

One reader serves both directions that take FHIR in: `b12pain fhir import` (strict: a code or
unit b12pain does not know is refused, naming the resource, the path and the allowed values) and
the CDS Hooks service (lenient: an EHR sends a whole record, so codes b12pain does not read are
listed as not read, never guessed at). Every resource is first parsed by its `fhir.resources`
R4B model, so a malformed resource is refused at the path the model names.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.resource import Resource
from pydantic import ValidationError

from b12pain.clinical.profile import ALLOWED_UNITS, Medication
from b12pain.clinical.vocabulary import Vocabulary, resolve
from b12pain.errors import Problem
from b12pain.interop.codes import (
    LOCAL_CONDITION,
    LOCAL_INSTRUMENT,
    LOCAL_MEDICINE,
    LOCAL_REGIMEN,
    LOCAL_ROUTE,
    LOCAL_SYMPTOM,
    LOINC,
    QUESTIONNAIRE_BASE,
    CodeTable,
    code_table,
)
from b12pain.interop.export import (
    B12_TREATMENT,
    LAST_DOSE_EXTENSION,
    TREATMENT_ROUTE_WORDS,
    parse_reference_range,
)
from b12pain.knowledge import KnowledgeBase
from b12pain.knowledge.schema.cohort import ConceptSet
from b12pain.userfiles import parse_json

#: Resource types whose content b12pain takes in.
READ_TYPES = (
    "Patient",
    "Observation",
    "QuestionnaireResponse",
    "MedicationStatement",
    "MedicationRequest",
    "Condition",
)
#: Statuses that say a record did not happen (or is not current) and is not read.
_NOT_HAPPENED = {"entered-in-error", "cancelled", "not-taken", "refuted", "stopped", "draft"}
_INACTIVE_CONDITION = {"inactive", "remission", "resolved"}
_FHIR_SYSTEM_OF_VOCABULARY = {
    "RxNorm": "http://www.nlm.nih.gov/research/umls/rxnorm",
    "SNOMED": "http://snomed.info/sct",
    "LOINC": LOINC,
    "ICD10CM": "http://hl7.org/fhir/sid/icd-10-cm",
    "ATC": "http://www.whocc.no/atc",
}


@dataclass(frozen=True)
class LabFact:
    """A lab result read from an Observation (units already checked against the code)."""

    source: str
    test: str
    value: float
    unit: str
    taken_on: dt.date | None
    at: dt.datetime | None
    reference_low: float | None = None
    reference_high: float | None = None
    reference_text: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class PainFact:
    """A 0-10 pain rating read from an Observation coded LOINC 72514-3."""

    source: str
    nrs: int
    at: dt.datetime | dt.date
    note: str | None = None


@dataclass(frozen=True)
class QuestionnaireFact:
    """A b12pain questionnaire read back from its QuestionnaireResponse (and score Observation)."""

    source: str
    resource_id: str
    instrument: str
    answers: dict[str, Any]
    authored: dt.datetime | None


@dataclass
class FhirFacts:
    """Everything read from a set of resources, plus what was refused and what was not read."""

    sex: str | None = None
    birth_date: dt.date | None = None
    birth_text: str | None = None
    labs: list[LabFact] = field(default_factory=list)
    pains: list[PainFact] = field(default_factory=list)
    questionnaires: list[QuestionnaireFact] = field(default_factory=list)
    scores: dict[str, tuple[float, str | None]] = field(default_factory=dict)
    medications: list[Medication] = field(default_factory=list)
    conditions: list[str] = field(default_factory=list)
    symptoms: list[str] = field(default_factory=list)
    #: The profile's `b12_treatment` as b12pain exported it (route, since, last_dose), if any.
    b12_treatment: dict[str, str] | None = None
    problems: list[Problem] = field(default_factory=list)
    not_read: list[str] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)


#: Most JSON values one FHIR document may hold (the file size bounds it first).
MAX_FHIR_VALUES = 5_000_000


def resources_from_text(text: str, field: str = "file") -> Iterator[tuple[str, Any]]:
    """`(where, resource JSON)` from a Bundle, one resource, or Bulk NDJSON (one per line).

    Parsed strictly (`userfiles.parse_json`: unique keys, bounded numbers and depth), so a
    duplicated key is refused, not silently "last one wins". `ValueError` when the text is
    neither a JSON document nor NDJSON; `UserFileError` (an `InputError`) when it is unsafe.
    """
    stripped = text.strip()
    if not stripped:
        raise ValueError("the file is empty; expected a FHIR Bundle or NDJSON")
    try:
        json.loads(stripped)  # only to tell one document from NDJSON
        one_document = True
    except json.JSONDecodeError:
        one_document = False
        if len(stripped.splitlines()) < 2:
            raise ValueError("not JSON: expected a FHIR Bundle or NDJSON") from None
    if one_document:
        yield from _from_document(
            parse_json(stripped, field, max_items=MAX_FHIR_VALUES, source=field)
        )
        return
    for number, line in enumerate(stripped.splitlines(), start=1):
        if line.strip():
            where = f"line {number}"
            yield where, parse_json(line, f"{field} {where}", max_items=MAX_FHIR_VALUES)


def _from_document(whole: Any) -> Iterator[tuple[str, Any]]:
    if not isinstance(whole, dict) or "resourceType" not in whole:
        raise ValueError("a FHIR resource or Bundle needs a resourceType")
    if whole.get("resourceType") == "Bundle":
        entries = whole.get("entry") or []
        if not isinstance(entries, list):
            raise ValueError("Bundle.entry must be a list")
        for index, entry in enumerate(entries):
            resource = entry.get("resource") if isinstance(entry, dict) else None
            yield f"Bundle.entry[{index}]", resource
        return
    yield "resource", whole


def parse_resource(where: str, data: Any) -> Resource | Problem:
    """The `fhir.resources` model of one resource, or the first Problem that stops it."""
    if not isinstance(data, dict) or not isinstance(data.get("resourceType"), str):
        return Problem(where, None, "a FHIR resource with a resourceType")
    kind = data["resourceType"]
    label = f"{kind}/{data.get('id', '?')}"
    try:
        model = get_fhir_model_class(kind)
    except (KeyError, ValueError):
        return Problem(f"{label} resourceType", kind, "not a FHIR R4 resource type")
    try:
        parsed = model.model_validate(data)
        if not isinstance(parsed, Resource):  # every resourceType's model is one; be sure
            return Problem(f"{label} resourceType", kind, "not a FHIR R4 resource type")
        return parsed
    except ValidationError as exc:
        err = exc.errors()[0]
        path = ".".join(str(p) for p in err["loc"])
        value = err.get("input")
        shown = value if isinstance(value, str | int | float | bool) or value is None else None
        return Problem(f"{label} {path}", shown, str(err["msg"]).removeprefix("Value error, "))


class FhirReader:
    """Reads parsed resources into `FhirFacts`. `strict`: unknown codes are problems."""

    def __init__(self, kb: KnowledgeBase, strict: bool) -> None:
        self.table: CodeTable = code_table(kb)
        self.strict = strict
        self.facts = FhirFacts()
        self._drug_sets, self._condition_sets = _concept_maps(kb)

    def read_all(self, items: Iterable[tuple[str, Any]]) -> FhirFacts:
        """Parse and read every `(where, json)` pair."""
        for where, data in items:
            parsed = parse_resource(where, data)
            if isinstance(parsed, Problem):
                self.facts.problems.append(parsed)
            else:
                self.read(parsed)
        return self.facts

    def read(self, resource: Resource) -> None:
        """Read one parsed resource (types b12pain does not take in are counted as skipped)."""
        kind = resource.get_resource_type()
        reader = getattr(self, f"_read_{kind}", None)
        if reader is None:
            self.facts.skipped[kind] += 1
            return
        reader(resource, f"{kind}/{resource.id or '?'}")

    # --- helpers ------------------------------------------------------------------------------

    def _unknown(self, label: str, path: str, value: str | None, allowed: str) -> None:
        if self.strict:
            self.facts.problems.append(Problem(f"{label} {path}", value, allowed))
        else:
            self.facts.not_read.append(f"{label}: {value} ({path}) is not a code b12pain reads")

    @staticmethod
    def _tokens(concept: CodeableConcept | None) -> list[tuple[str | None, str | None]]:
        if concept is None:
            return []
        return [(c.system, c.code) for c in concept.coding or []]

    # --- resources ---------------------------------------------------------------------------

    def _read_Patient(self, patient: Any, label: str) -> None:
        gender = patient.gender
        self.facts.sex = {"female": "female", "male": "male", "other": "intersex"}.get(
            gender or "", "unspecified"
        )
        birth = patient.birthDate
        if birth is not None:
            self.facts.birth_text = str(birth)
            self.facts.birth_date = birth if isinstance(birth, dt.date) else _partial_date(birth)

    def _read_Observation(self, obs: Any, label: str) -> None:
        if obs.status in _NOT_HAPPENED:
            return
        tokens = self._tokens(obs.code)
        for system, code in tokens:
            if system == LOCAL_INSTRUMENT and code:
                self._read_score(obs, code)
                return
            if system == LOCAL_SYMPTOM and code:
                self._add_symptom(code, label, "code.coding")
                return
            found = self.table.find(system, code)
            if found is None:
                continue
            if found.refers_to == self.table.pain_code().refers_to:
                self._read_pain(obs, label)
                return
            if found.refers_to in ALLOWED_UNITS:
                self._read_lab(obs, label, found.code, found.refers_to, found.ucum_units)
                return
        allowed = ", ".join(f"{c.code} ({c.display})" for c in self.table.lab_codes())
        pain = self.table.pain_code()
        shown = ", ".join(f"{s}|{c}" for s, c in tokens) or None
        self._unknown(
            label,
            "code.coding",
            shown,
            f"not a test b12pain reads; LOINC one of {allowed}, {pain.code} ({pain.display})",
        )

    def _read_lab(
        self, obs: Any, label: str, loinc: str, test: str, units: tuple[str, ...]
    ) -> None:
        quantity = obs.valueQuantity
        if quantity is None or quantity.value is None:
            self._unknown(label, "valueQuantity", None, "a numeric result with a UCUM unit")
            return
        unit = quantity.code or quantity.unit
        if unit not in units or (quantity.system not in (None, "http://unitsofmeasure.org")):
            self._unknown(
                label,
                "valueQuantity.code",
                unit,
                f"not a unit for LOINC {loinc}; UCUM one of {', '.join(units)}",
            )
            return
        low = high = None
        text = None
        for reference in obs.referenceRange or []:
            text = reference.text
            for bound, name in ((reference.low, "low"), (reference.high, "high")):
                if bound is None or bound.value is None:
                    continue
                bound_unit = bound.code or bound.unit
                if bound_unit not in (None, unit):
                    self._unknown(
                        label,
                        f"referenceRange.{name}.code",
                        bound_unit,
                        f"the result's unit {unit}",
                    )
                    return
                if name == "low":
                    low = float(bound.value)
                else:
                    high = float(bound.value)
            break
        if text is None and (low is not None or high is not None):
            text = _range_text(low, high)
        effective = _effective(obs)
        self.facts.labs.append(
            LabFact(
                source=label,
                test=test,
                value=float(quantity.value),
                unit=unit,
                taken_on=effective.date() if isinstance(effective, dt.datetime) else effective,
                at=effective if isinstance(effective, dt.datetime) else None,
                reference_low=low,
                reference_high=high,
                reference_text=text,
                note=_note(obs),
            )
        )

    def _read_pain(self, obs: Any, label: str) -> None:
        value = obs.valueInteger
        if value is None and obs.valueQuantity is not None and obs.valueQuantity.value is not None:
            value = obs.valueQuantity.value
        effective = _effective(obs)
        if value is None or not 0 <= value <= 10 or value != int(value):
            self._unknown(label, "value", str(value), "a whole number from 0 to 10")
            return
        if effective is None:
            self._unknown(label, "effectiveDateTime", None, "the date and time of the rating")
            return
        self.facts.pains.append(PainFact(label, int(value), effective, _note(obs)))

    def _read_score(self, obs: Any, instrument: str) -> None:
        for derived in obs.derivedFrom or []:
            if derived.reference and obs.valueQuantity is not None:
                category = obs.interpretation[0].text if obs.interpretation else None
                key = derived.reference.removeprefix("urn:uuid:").replace("-", "")
                self.facts.scores[key] = (float(obs.valueQuantity.value), category)

    def _read_QuestionnaireResponse(self, response: Any, label: str) -> None:
        canonical = str(response.questionnaire or "")
        if not canonical.startswith(f"{QUESTIONNAIRE_BASE}/"):
            self._unknown(label, "questionnaire", canonical or None, "a b12pain questionnaire")
            return
        answers: dict[str, Any] = {}
        for item in response.item or []:
            values = [_answer_value(a) for a in item.answer or []]
            answers[item.linkId] = values[0] if len(values) == 1 else values
        authored = response.authored if isinstance(response.authored, dt.datetime) else None
        self.facts.questionnaires.append(
            QuestionnaireFact(
                label,
                str(response.id or ""),
                canonical.removeprefix(f"{QUESTIONNAIRE_BASE}/"),
                answers,
                authored,
            )
        )

    def _read_MedicationStatement(self, statement: Any, label: str) -> None:
        if _is_b12pain_plan(statement.medicationCodeableConcept):
            self.facts.skipped["MedicationStatement"] += 1  # the person's own B12 supplement
            return
        if (LOCAL_MEDICINE, B12_TREATMENT) in self._tokens(statement.medicationCodeableConcept):
            self._read_b12_treatment(statement, label)
            return
        if statement.status in _NOT_HAPPENED or statement.status == "completed":
            return
        start = None
        if statement.effectivePeriod is not None:
            start = statement.effectivePeriod.start
        elif statement.effectiveDateTime is not None:
            start = statement.effectiveDateTime
        dose = statement.dosage[0].text if statement.dosage else None
        self._add_medication(statement.medicationCodeableConcept, label, start, dose)

    def _read_b12_treatment(self, statement: Any, label: str) -> None:
        """b12pain's own "B12 treatment" statement: route, since, the last dose (extension)."""
        routes = [
            code
            for dosage in statement.dosage or []
            for system, code in self._tokens(dosage.route)
            if system == LOCAL_ROUTE and code
        ]
        if len(routes) != 1 or routes[0] not in TREATMENT_ROUTE_WORDS:
            allowed = ", ".join(TREATMENT_ROUTE_WORDS)
            self._unknown(
                label, "dosage.route.coding", ",".join(routes) or None, f"one of {allowed}"
            )
            return
        last_dose = next(
            (e.valueDate for e in statement.extension or [] if e.url == LAST_DOSE_EXTENSION), None
        )
        since = statement.effectivePeriod.start if statement.effectivePeriod else None
        self.facts.b12_treatment = {
            "route": routes[0],
            **({"last_dose": last_dose.isoformat()} if last_dose else {}),
            **({"since": since.isoformat()} if since else {}),
        }

    def _read_MedicationRequest(self, request: Any, label: str) -> None:
        if request.status not in (None, "active", "on-hold"):
            return
        if _is_b12pain_plan(request.medicationCodeableConcept):
            self.facts.skipped["MedicationRequest"] += 1  # b12pain's own plan: not a medicine
            return
        start = request.authoredOn
        dose = request.dosageInstruction[0].text if request.dosageInstruction else None
        self._add_medication(request.medicationCodeableConcept, label, start, dose)

    def _add_medication(
        self, concept: CodeableConcept | None, label: str, start: Any, dose: str | None
    ) -> None:
        tokens = self._tokens(concept)
        medicine = None
        for system, code in tokens:
            if system == LOCAL_MEDICINE and code and resolve("medicine", code):
                medicine = resolve("medicine", code)
                break
            found = self.table.find(system, code)
            if found is not None and resolve("medicine", found.refers_to):
                medicine = resolve("medicine", found.refers_to)
                break
            from_set = self._drug_sets.get(f"{system}|{code}")
            if from_set is not None:
                medicine = from_set
                break
        if medicine is None:
            allowed = ", ".join(f"{c.code} ({c.display})" for c in self.table.medicine_codes())
            shown = ", ".join(f"{s}|{c}" for s, c in tokens) or (concept.text if concept else None)
            self._unknown(
                label,
                "medicationCodeableConcept.coding",
                shown,
                f"not a medicine b12pain knows; RxNorm/ATC one of {allowed}",
            )
            return
        since = start.date() if isinstance(start, dt.datetime) else start
        if not isinstance(since, dt.date):
            since = None
        for index, known in enumerate(self.facts.medications):
            if known.name == medicine:
                earliest = (
                    min(d for d in (known.since, since) if d is not None)
                    if (known.since or since)
                    else None
                )
                self.facts.medications[index] = known.model_copy(update={"since": earliest})
                return
        self.facts.medications.append(Medication(name=medicine, since=since, dose=dose))

    def _read_Condition(self, condition: Any, label: str) -> None:
        status = self._tokens(condition.clinicalStatus)
        if any(code in _INACTIVE_CONDITION for _, code in status):
            return
        verification = self._tokens(condition.verificationStatus)
        if any(code in _NOT_HAPPENED for _, code in verification):
            return
        tokens = self._tokens(condition.code)
        for system, code in tokens:
            if system == LOCAL_SYMPTOM and code:
                self._add_symptom(code, label, "code.coding")
                return
            if system == LOCAL_CONDITION and code and resolve("condition", code):
                self._add_condition(str(resolve("condition", code)))
                return
            found = self.table.find(system, code)
            if found is not None and resolve("condition", found.refers_to):
                self._add_condition(str(resolve("condition", found.refers_to)))
                return
            from_set = self._condition_sets.get(f"{system}|{code}")
            if from_set is not None:
                self._add_condition(from_set)
                return
        allowed = ", ".join(f"{c.code} ({c.display})" for c in self.table.condition_codes())
        shown = ", ".join(f"{s}|{c}" for s, c in tokens) or None
        self._unknown(
            label,
            "code.coding",
            shown,
            f"not a condition b12pain knows; SNOMED CT one of {allowed}",
        )

    def _add_condition(self, condition_id: str) -> None:
        if condition_id not in self.facts.conditions:
            self.facts.conditions.append(condition_id)

    def _add_symptom(self, code: str, label: str, path: str) -> None:
        symptom = resolve("symptom", code)
        if symptom is None:
            self._unknown(label, path, code, "a b12pain symptom id")
        elif symptom not in self.facts.symptoms:
            self.facts.symptoms.append(symptom)


def _concept_maps(kb: KnowledgeBase) -> tuple[dict[str, str], dict[str, str]]:
    """`system|code` → medicine or condition id, from the cohort concept sets (same codes the
    population screen uses, so a patient's card and the cohort agree)."""
    drugs: dict[str, str] = {}
    conditions: dict[str, str] = {}
    for concept_set in kb.of_kind("concept_set", ConceptSet):
        if concept_set.unverified or concept_set.domain not in ("drug", "condition"):
            continue
        set_name = concept_set.id.removeprefix("concept_set.")
        vocabulary: Vocabulary = "medicine" if concept_set.domain == "drug" else "condition"
        for item in concept_set.items:
            if item.exclude or item.vocabulary is None or item.code is None:
                continue
            known = resolve(vocabulary, item.display) or resolve(vocabulary, set_name)
            if known is None:
                continue
            token = f"{_FHIR_SYSTEM_OF_VOCABULARY[item.vocabulary]}|{item.code}"
            (drugs if vocabulary == "medicine" else conditions)[token] = known
    return drugs, conditions


def _is_b12pain_plan(concept: CodeableConcept | None) -> bool:
    """True for b12pain's own B12 plans and supplements (coded in its regimen system)."""
    return any(c.system == LOCAL_REGIMEN for c in (concept.coding if concept else None) or [])


def _effective(obs: Any) -> dt.datetime | dt.date | None:
    if obs.effectiveDateTime is not None:
        value = obs.effectiveDateTime
        return value if isinstance(value, dt.datetime | dt.date) else _partial_date(str(value))
    if obs.effectivePeriod is not None and obs.effectivePeriod.start is not None:
        return obs.effectivePeriod.start  # type: ignore[no-any-return]
    if obs.effectiveInstant is not None:
        return obs.effectiveInstant  # type: ignore[no-any-return]
    return None


def _partial_date(text: str) -> dt.date | None:
    """A FHIR partial date (`1968`, `1968-05`) as its first day; None if unreadable."""
    parts = str(text).split("-")
    try:
        year = int(parts[0])
        month = int(parts[1]) if len(parts) > 1 else 1
        day = int(parts[2][:2]) if len(parts) > 2 else 1
        return dt.date(year, month, day)
    except (ValueError, IndexError):
        return None


def _range_text(low: float | None, high: float | None) -> str:
    if low is not None and high is not None:
        return f"{low:g}-{high:g}"
    if high is not None:
        return f"<{high:g}"
    return f">{low:g}"


def _note(resource: Any) -> str | None:
    notes = [n.text for n in resource.note or [] if n.text]
    return "\n".join(notes) if notes else None


def _answer_value(answer: Any) -> Any:
    for name in ("valueBoolean", "valueInteger", "valueDecimal", "valueString"):
        value = getattr(answer, name, None)
        if value is not None:
            return float(value) if name == "valueDecimal" else value
    return None


__all__ = [
    "READ_TYPES",
    "FhirFacts",
    "FhirReader",
    "LabFact",
    "PainFact",
    "QuestionnaireFact",
    "parse_reference_range",
    "parse_resource",
    "resources_from_text",
]
