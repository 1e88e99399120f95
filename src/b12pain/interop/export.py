"""Journal → FHIR R4 Bundle: what a person recorded, in resources a clinic's system can take in.

Every resource is a `fhir.resources` R4B model (never hand-built JSON). Resource ids are stable:
a journal record keeps its uid; resources drawn from the profile (Patient, conditions, medicines)
get a name-based UUID, so exporting the same journal twice, or after an import round trip, gives
the same ids. What goes out (docs/fhir.md):

- Patient: sex and a birth year derived from the age given; no name, no identifiers.
- Observation per lab result (US Core laboratory result: category `laboratory`, LOINC code,
  subject, effective date, UCUM `valueQuantity`, the lab's reference range in the same UCUM unit,
  interpretation from b12pain's reading of the result).
- Observation per pain rating (LOINC 72514-3, 0-10, UCUM `{score}`).
- QuestionnaireResponse per questionnaire (item link ids are the instrument's item ids; no item
  text, which may be licensed) and an Observation for its score, derived from it.
- MedicationStatement per medicine in the profile; Condition per condition in the profile.
- MedicationRequest (intent `plan`) per B12 plan from a cited regimen, with its timing; a
  MedicationStatement per B12 supplement the person bought themselves; MedicationAdministration
  per dose taken, late or skipped (route and injection site).
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from fhir.resources.R4B.annotation import Annotation
from fhir.resources.R4B.bundle import Bundle, BundleEntry
from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.coding import Coding
from fhir.resources.R4B.condition import Condition
from fhir.resources.R4B.domainresource import DomainResource
from fhir.resources.R4B.dosage import Dosage, DosageDoseAndRate
from fhir.resources.R4B.extension import Extension
from fhir.resources.R4B.medicationadministration import (
    MedicationAdministration,
    MedicationAdministrationDosage,
)
from fhir.resources.R4B.medicationrequest import MedicationRequest
from fhir.resources.R4B.medicationstatement import MedicationStatement
from fhir.resources.R4B.observation import Observation, ObservationReferenceRange
from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.period import Period
from fhir.resources.R4B.quantity import Quantity
from fhir.resources.R4B.questionnaireresponse import (
    QuestionnaireResponse,
    QuestionnaireResponseItem,
    QuestionnaireResponseItemAnswer,
)
from fhir.resources.R4B.reference import Reference
from fhir.resources.R4B.timing import Timing, TimingRepeat

from b12pain.clinical.catalogue import catalogue
from b12pain.clinical.labs import LabContext, lab_context, read_lab
from b12pain.clinical.profile import B12Treatment, LabResult, Medication, Profile
from b12pain.clinical.result import LabReading
from b12pain.interop.codes import (
    ATC,
    CONDITION_CATEGORY,
    CONDITION_CLINICAL,
    INTERPRETATION,
    LOCAL_BASE,
    LOCAL_CONDITION,
    LOCAL_INSTRUMENT,
    LOCAL_MEDICINE,
    LOCAL_REGIMEN,
    LOCAL_ROUTE,
    LOCAL_SITE,
    OBSERVATION_CATEGORY,
    QUESTIONNAIRE_BASE,
    UCUM,
    Code,
    CodeTable,
    code_table,
)
from b12pain.journal.records import (
    DoseEvent,
    Entry,
    InstrumentEntry,
    LabEntry,
    PainEntry,
    PlanEntry,
    ProfileEntry,
)
from b12pain.knowledge import KnowledgeBase
from b12pain.presentation.assessment import band_words

#: Namespace of b12pain's name-based resource ids (uuid5).
ID_NAMESPACE = uuid.UUID("6f2b8a53-2b4e-5d0c-9a57-b12fa1000001")

US_CORE_LAB = "http://hl7.org/fhir/us/core/StructureDefinition/us-core-observation-lab"

#: The `LOCAL_REGIMEN` code of a supplement the person bought themselves (no cited regimen).
OWN_SUPPLEMENT = "own_supplement"

#: Plain words of each dose route, as FHIR `Dosage.route.text`.
ROUTE_WORDS = {"oral": "oral", "sublingual": "sublingual", "injection": "intramuscular injection"}

_RANGE = re.compile(
    r"^\s*(?:(?P<low>\d+(?:\.\d+)?)\s*(?:-|–|to)\s*(?P<high>\d+(?:\.\d+)?)"
    r"|<\s*=?\s*(?P<only_high>\d+(?:\.\d+)?)|>\s*=?\s*(?P<only_low>\d+(?:\.\d+)?))\s*$"
)


@dataclass(frozen=True)
class JournalContent:
    """What an export reads from a journal: its records (any kinds) and the current profile."""

    records: Sequence[Entry]
    profile: ProfileEntry | None


def name_id(*parts: str) -> str:
    """A stable resource id from names (`name_id("Condition", "coeliac")`)."""
    return uuid.uuid5(ID_NAMESPACE, "/".join(parts)).hex


def full_url(resource_id: str) -> str:
    """`urn:uuid:` form of a 32-hex id, as Bundle.entry.fullUrl."""
    return f"urn:uuid:{uuid.UUID(hex=resource_id)}"


def coding(code: Code) -> Coding:
    """A FHIR Coding from a row of the code table."""
    return Coding(system=code.system, code=code.code, display=code.display)


def local_coding(system: str, code: str, display: str | None = None) -> Coding:
    """A Coding in one of b12pain's own code systems."""
    return Coding(system=system, code=code, display=display or code.replace("_", " "))


def ucum_quantity(value: float, unit: str) -> Quantity:
    """A UCUM quantity (`unit` is the UCUM code, shown as is)."""
    return Quantity(value=_decimal(value), unit=unit, system=UCUM, code=unit)


def _decimal(value: float) -> Decimal:
    return Decimal(repr(value)) if value != int(value) else Decimal(int(value))


def export_bundle(
    content: JournalContent,
    kb: KnowledgeBase,
    today: dt.date,
    generated_at: dt.datetime,
) -> Bundle:
    """The journal as one FHIR `collection` Bundle (see the module docstring for what goes out)."""
    table = code_table(kb)
    profile = Profile.model_validate(content.profile.profile) if content.profile else None
    patient_id = name_id("Patient")
    subject = Reference(reference=full_url(patient_id))
    resources: list[DomainResource] = [_patient(patient_id, profile, today)]
    if profile is not None and content.profile is not None:
        saved_on = content.profile.at.date()
        resources += [_condition(c, subject, table) for c in profile.conditions]
        resources += [_statement(m, subject, table, saved_on) for m in profile.medications]
        if profile.b12_treatment is not None:
            resources.append(_b12_treatment(profile.b12_treatment, subject))
    for record in content.records:
        if isinstance(record, LabEntry):
            resources.append(_lab(record, subject, table, profile, today))
        elif isinstance(record, PainEntry):
            resources.append(_pain(record, subject, table))
        elif isinstance(record, InstrumentEntry):
            response = _questionnaire_response(record, subject)
            resources.append(response)
            if record.score is not None:
                resources.append(_score(record, subject))
        elif isinstance(record, PlanEntry):
            resources.append(_plan(record, subject, today))
        elif isinstance(record, DoseEvent) and record.status != "planned":
            resources.append(_dose(record, subject))
    entries = [
        BundleEntry(fullUrl=full_url(str(resource.id)), resource=resource) for resource in resources
    ]
    return Bundle(
        id=uuid.uuid4().hex,
        type="collection",
        timestamp=generated_at,
        entry=entries,
    )


def _patient(patient_id: str, profile: Profile | None, today: dt.date) -> Patient:
    gender = {"female": "female", "male": "male", "intersex": "other"}.get(
        profile.sex if profile else "", "unknown"
    )
    # Year precision only: the person gave an age, not a date of birth.
    birth_year = str(today.year - profile.age) if profile is not None else None
    return Patient(id=patient_id, gender=gender, birthDate=birth_year)


def _condition(condition_id: str, subject: Reference, table: CodeTable) -> Condition:
    codings = [local_coding(LOCAL_CONDITION, condition_id)]
    standard = table.condition_code(condition_id)
    if standard is not None:
        codings.insert(0, coding(standard))
    return Condition(
        id=name_id("Condition", condition_id),
        clinicalStatus=CodeableConcept(coding=[Coding(system=CONDITION_CLINICAL, code="active")]),
        category=[
            CodeableConcept(coding=[Coding(system=CONDITION_CATEGORY, code="problem-list-item")])
        ],
        code=CodeableConcept(coding=codings, text=condition_id.replace("_", " ")),
        subject=subject,
    )


def medication_concept(medicine_id: str, table: CodeTable) -> CodeableConcept:
    """A medicine as a CodeableConcept: its RxNorm/ATC code (if §F has one) and b12pain's id."""
    codings = [local_coding(LOCAL_MEDICINE, medicine_id)]
    standard = table.medicine_code(medicine_id)
    if standard is not None:
        codings.insert(0, coding(standard))
    return CodeableConcept(coding=codings, text=medicine_id.replace("_", " "))


def _statement(
    medication: Medication, subject: Reference, table: CodeTable, saved_on: dt.date
) -> MedicationStatement:
    start = medication.since
    if start is None and medication.duration is not None:
        days = medication.days_taken(saved_on)
        start = saved_on - dt.timedelta(days=round(days)) if days is not None else None
    return MedicationStatement(
        id=name_id("MedicationStatement", medication.name),
        status="active",
        medicationCodeableConcept=medication_concept(medication.name, table),
        subject=subject,
        effectivePeriod=Period(start=start) if start is not None else None,
        dosage=[Dosage(text=medication.dose)] if medication.dose else None,
    )


#: The route words of a profile's `b12_treatment` (CONTRACT.md: im | oral | sublingual).
TREATMENT_ROUTE_WORDS = {
    "im": "intramuscular injection",
    "oral": "oral",
    "sublingual": "sublingual",
}
#: b12pain's own code for "the B12 treatment the person is on or had recently" (profile field).
B12_TREATMENT = "b12_treatment"
#: Extension holding the day of the last B12 dose (no core MedicationStatement element says it).
LAST_DOSE_EXTENSION = f"{LOCAL_BASE}/StructureDefinition/last-dose"


def _b12_treatment(treatment: B12Treatment, subject: Reference) -> MedicationStatement:
    """The profile's current or recent B12 treatment: route, since when, the last dose."""
    extension = None
    if treatment.last_dose is not None:
        extension = [Extension(url=LAST_DOSE_EXTENSION, valueDate=treatment.last_dose)]
    route = CodeableConcept(
        coding=[local_coding(LOCAL_ROUTE, treatment.route)],
        text=TREATMENT_ROUTE_WORDS[treatment.route],
    )
    return MedicationStatement(
        id=name_id("MedicationStatement", B12_TREATMENT),
        extension=extension,
        status="active",
        medicationCodeableConcept=CodeableConcept(
            coding=[local_coding(LOCAL_MEDICINE, B12_TREATMENT, "vitamin B12 treatment")],
            text="vitamin B12 treatment",
        ),
        subject=subject,
        effectivePeriod=Period(start=treatment.since) if treatment.since else None,
        dosage=[Dosage(route=route)],
    )


def parse_reference_range(text: str | None) -> tuple[float | None, float | None] | None:
    """`(low, high)` from a lab's printed range such as `180-914`, `<0.28` or `>4`; else None."""
    if not text:
        return None
    match = _RANGE.match(text)
    if match is None:
        return None
    low = match.group("low") or match.group("only_low")
    high = match.group("high") or match.group("only_high")
    return (float(low) if low else None, float(high) if high else None)


def _lab(
    record: LabEntry,
    subject: Reference,
    table: CodeTable,
    profile: Profile | None,
    today: dt.date,
) -> Observation:
    code = table.lab_code(record.test, record.unit)
    if code is None:  # pragma: no cover - every stored unit has a code (tests/test_fhir_codes.py)
        raise LookupError(f"no LOINC code for {record.test} in {record.unit}")
    taken_on = record.taken_on or record.at.date()
    bounds = parse_reference_range(record.reference_range)
    reference_range = None
    if bounds is not None:
        low, high = bounds
        reference_range = [
            ObservationReferenceRange(
                low=ucum_quantity(low, record.unit) if low is not None else None,
                high=ucum_quantity(high, record.unit) if high is not None else None,
                text=record.reference_range,
            )
        ]
    elif record.reference_range:
        reference_range = [ObservationReferenceRange(text=record.reference_range)]
    reading = _reading(record, bounds, profile, today)
    interpretation = interpretation_of(reading)
    return Observation(
        id=record.uid,
        meta={"profile": [US_CORE_LAB]},
        status="final",
        category=[
            CodeableConcept(
                coding=[Coding(system=OBSERVATION_CATEGORY, code="laboratory")],
            )
        ],
        code=CodeableConcept(coding=[coding(code)], text=code.display),
        subject=subject,
        effectiveDateTime=taken_on,
        valueQuantity=ucum_quantity(record.value, record.unit),
        referenceRange=reference_range,
        interpretation=[interpretation] if interpretation is not None else None,
        note=[Annotation(text=record.note)] if record.note else None,
    )


def _reading(
    record: LabEntry,
    bounds: tuple[float | None, float | None] | None,
    profile: Profile | None,
    today: dt.date,
) -> LabReading:
    low, high = bounds if bounds is not None else (None, None)
    lab = LabResult(
        test=record.test,  # validated when the record was made
        value=record.value,
        unit=record.unit,
        date=record.taken_on,
        reference_low=low,
        reference_high=high,
    )
    # Without a profile the result is read as the quick reading reads it: for an adult.
    context = lab_context(profile, today) if profile is not None else LabContext(today=today)
    return read_lab(lab, context, catalogue())


#: b12pain's reading of a result → HL7 v3 ObservationInterpretation (L, N, H, IND). Total and
#: active B12 and folate are low when deficient; MMA and homocysteine are raised (§J.6).
_INTERPRETATION: dict[str, tuple[str, str]] = {
    "deficiency_confirmed": ("L", "Low"),
    "indeterminate": ("IND", "Indeterminate"),
    "unlikely": ("N", "Normal"),
    "raised": ("H", "High"),
    "within_range": ("N", "Normal"),
}
#: Haemoglobin and MCV are read against the lab's own printed range (flags of the reading).
_LAB_RANGE_FLAGS: dict[str, tuple[str, str]] = {
    "below_lab_range": ("L", "Low"),
    "above_lab_range": ("H", "High"),
    "within_lab_range": ("N", "Normal"),
}


def interpretation_of(reading: LabReading) -> CodeableConcept | None:
    """The v3 interpretation code of b12pain's reading, or None (not interpretable), with the
    clinician words for the band as text (never the bare band name, §J.7)."""
    pair = next((_LAB_RANGE_FLAGS[f] for f in reading.flags if f in _LAB_RANGE_FLAGS), None)
    if pair is None:
        pair = _INTERPRETATION.get(str(reading.band))
    if pair is None:
        return None
    return CodeableConcept(
        coding=[Coding(system=INTERPRETATION, code=pair[0], display=pair[1])],
        text=band_words(reading.test, reading.band, clinician=True),
    )


def _pain(record: PainEntry, subject: Reference, table: CodeTable) -> Observation:
    code = table.pain_code()
    return Observation(
        id=record.uid,
        status="final",
        category=[CodeableConcept(coding=[Coding(system=OBSERVATION_CATEGORY, code="survey")])],
        code=CodeableConcept(coding=[coding(code)], text=code.display),
        subject=subject,
        effectiveDateTime=record.at,
        valueQuantity=ucum_quantity(record.nrs, code.ucum_units[0]),
        note=[Annotation(text=record.note)] if record.note else None,
    )


def _answer(value: Any) -> QuestionnaireResponseItemAnswer:
    if isinstance(value, bool):
        return QuestionnaireResponseItemAnswer(valueBoolean=value)
    if isinstance(value, int):
        return QuestionnaireResponseItemAnswer(valueInteger=value)
    if isinstance(value, float):
        return QuestionnaireResponseItemAnswer(valueDecimal=_decimal(value))
    return QuestionnaireResponseItemAnswer(valueString=str(value))


def _questionnaire_response(record: InstrumentEntry, subject: Reference) -> QuestionnaireResponse:
    items = []
    for link_id, value in record.answers.items():
        values = value if isinstance(value, list | tuple) else [value]
        items.append(
            QuestionnaireResponseItem(linkId=str(link_id), answer=[_answer(v) for v in values])
        )
    return QuestionnaireResponse(
        id=record.uid,
        questionnaire=f"{QUESTIONNAIRE_BASE}/{record.instrument}",
        status="completed",
        subject=subject,
        authored=record.at,
        item=items or None,
    )


def score_id(record: InstrumentEntry) -> str:
    """Id of the score Observation of a questionnaire record."""
    return name_id("Observation", "score", record.uid)


def _score(record: InstrumentEntry, subject: Reference) -> Observation:
    return Observation(
        id=score_id(record),
        status="final",
        category=[CodeableConcept(coding=[Coding(system=OBSERVATION_CATEGORY, code="survey")])],
        code=CodeableConcept(
            coding=[
                local_coding(LOCAL_INSTRUMENT, record.instrument, f"{record.instrument} score")
            ],
            text=f"{record.instrument} score",
        ),
        subject=subject,
        effectiveDateTime=record.at,
        valueQuantity=ucum_quantity(float(record.score or 0), "{score}"),
        interpretation=[CodeableConcept(text=record.category)] if record.category else None,
        derivedFrom=[Reference(reference=full_url(record.uid))],
    )


def b12_concept(regimen_id: str | None) -> CodeableConcept:
    """The B12 product of a regimen: ATC code when its title names the substance.

    A plan the person recorded themselves (no regimen) is "vitamin B12", uncoded.
    """
    if regimen_id is None:
        return CodeableConcept(text="vitamin B12")
    regimen = catalogue().regimens.get(regimen_id)
    words = f"{regimen_id} {regimen.title if regimen else ''}".lower()
    codings = [local_coding(LOCAL_REGIMEN, regimen_id, regimen.title if regimen else regimen_id)]
    for substance, atc in (("hydroxocobalamin", "B03BA03"), ("cyanocobalamin", "B03BA01")):
        if substance in words:
            codings.insert(0, Coding(system=ATC, code=atc, display=substance))
            return CodeableConcept(coding=codings, text=substance)
    return CodeableConcept(coding=codings, text="vitamin B12")


def _route(form: str) -> CodeableConcept:
    return CodeableConcept(coding=[local_coding(LOCAL_ROUTE, form)], text=ROUTE_WORDS[form])


def _plan_dosage(record: PlanEntry, last_day: dt.date | None) -> Dosage:
    """The plan's dose, route and timing (every n days, or the dated schedule)."""
    bounds = Period(start=record.starts_on, end=last_day)
    if record.every_days is not None:
        repeat = TimingRepeat(
            boundsPeriod=bounds, frequency=1, period=Decimal(record.every_days), periodUnit="d"
        )
        timing = Timing(repeat=repeat)
    else:
        dose_dates = [item.date for item in record.schedule if item.kind == "dose"]
        timing = Timing(event=dose_dates, repeat=TimingRepeat(boundsPeriod=bounds))
    return Dosage(
        text=_plan_text(record),
        timing=timing,
        route=_route(record.form),
        doseAndRate=[DosageDoseAndRate(doseQuantity=ucum_quantity(record.amount_ug, "ug"))],
    )


def _plan(
    record: PlanEntry, subject: Reference, today: dt.date
) -> MedicationRequest | MedicationStatement:
    """A plan from a cited regimen is a MedicationRequest (intent `plan`); a supplement the
    person bought themselves is a MedicationStatement (what they take)."""
    stopped_on = getattr(record, "stopped_on", None)
    last_day = stopped_on - dt.timedelta(days=1) if stopped_on is not None else record.ends_on
    stopped = stopped_on is not None and stopped_on <= today
    finished = record.ends_on is not None and record.ends_on < today
    dosage = _plan_dosage(record, last_day)
    note = [Annotation(text=record.note)] if record.note else None
    if record.regimen_id is None:
        product = getattr(record, "product", None) or "vitamin B12"
        return MedicationStatement(
            id=record.uid,
            status="stopped" if stopped else "completed" if finished else "active",
            medicationCodeableConcept=CodeableConcept(
                coding=[local_coding(LOCAL_REGIMEN, OWN_SUPPLEMENT, "the person's own supplement")],
                text=product,
            ),
            subject=subject,
            effectivePeriod=Period(start=record.starts_on, end=last_day),
            dateAsserted=record.at,
            dosage=[dosage],
            note=note,
        )
    return MedicationRequest(
        id=record.uid,
        status="stopped" if stopped else "completed" if finished else "active",
        intent="plan",
        medicationCodeableConcept=b12_concept(record.regimen_id),
        subject=subject,
        authoredOn=record.at,
        dosageInstruction=[dosage],
        note=note,
    )


def _plan_text(record: PlanEntry) -> str:
    amount = f"{record.amount_ug:g} micrograms {ROUTE_WORDS[record.form]}"
    if record.every_days is not None:
        spacing = "every day" if record.every_days == 1 else f"every {record.every_days} days"
        return f"{amount} {spacing}{_regimen_words(record)}"
    return f"{amount} on the scheduled dates{_regimen_words(record)}"


def _regimen_words(record: PlanEntry) -> str:
    regimen_id = getattr(record, "regimen_id", None)
    return f" (regimen {regimen_id})" if regimen_id else " (the person's own supplement)"


def _dose(record: DoseEvent, subject: Reference) -> MedicationAdministration:
    site = None
    if record.site is not None:
        site = CodeableConcept(
            coding=[local_coding(LOCAL_SITE, record.site)], text=record.site.replace("_", " ")
        )
    return MedicationAdministration(
        id=record.uid,
        status="not-done" if record.status == "skipped" else "completed",
        medicationCodeableConcept=CodeableConcept(text="vitamin B12"),
        subject=subject,
        effectiveDateTime=record.at,
        request=Reference(reference=full_url(record.plan_uid)) if record.plan_uid else None,
        dosage=MedicationAdministrationDosage(
            route=_route(record.form),
            site=site,
            dose=ucum_quantity(record.amount_ug, "ug") if record.amount_ug else None,
        ),
        note=[Annotation(text=record.note)] if record.note else None,
    )
