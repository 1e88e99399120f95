"""CDS Hooks 2.0 `patient-view` service logic: discovery, request → profile → `assess` → cards.

The web layer serves it (`web/routes/cds_hooks.py`); nothing here talks HTTP. b12pain makes no
FHIR server calls: everything it reads comes in the request's `prefetch`, so a request that lacks
a prefetch key the service asked for (or sends one page of several) is answered `412
Precondition Failed`, as the specification says for a service that cannot fetch what it needs.
A malformed request is a `400` with a reason. The shapes are in `cds_types`, the cards in
`cds_cards`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from b12pain.clinical import assess
from b12pain.clinical.profile import B12Treatment, LabResult, Profile
from b12pain.clinical.result import Assessment
from b12pain.errors import Problem
from b12pain.interop.cds_cards import cards_for, not_assessed_card
from b12pain.interop.cds_types import (
    MAX_SUMMARY,
    Card,
    CdsError,
    CdsRequest,
    CdsResponse,
    CdsService,
    Discovery,
    Feedback,
    FeedbackRequest,
    validation_reason,
)
from b12pain.interop.codes import LOINC, code_table
from b12pain.interop.reading import FhirFacts, FhirReader, parse_resource
from b12pain.knowledge import KnowledgeBase

__all__ = [
    "HOOK",
    "MAX_SUMMARY",
    "SERVICE_ID",
    "Card",
    "CdsError",
    "CdsRequest",
    "CdsResponse",
    "Discovery",
    "Feedback",
    "FeedbackRequest",
    "PatientView",
    "age_on",
    "cards_for",
    "discovery",
    "parse_feedback",
    "parse_request",
    "patient_view",
    "prefetch_templates",
    "profile_from_facts",
    "read_prefetch",
    "respond",
]

SERVICE_ID = "b12pain-patient-view"
HOOK = "patient-view"


def prefetch_templates(kb: KnowledgeBase) -> dict[str, str]:
    """The prefetch templates, built from the code table (no code written twice)."""
    table = code_table(kb)

    def loinc_for(*tests: str) -> str:
        codes = [c for c in table.lab_codes() if c.refers_to in tests]
        return ",".join(f"{LOINC}|{c.code}" for c in codes)

    patient = "{{context.patientId}}"
    observation = f"Observation?patient={patient}&code="
    return {
        "patient": f"Patient/{patient}",
        "b12": observation + loinc_for("total_b12", "active_b12"),
        "mma": observation + loinc_for("mma"),
        "homocysteine": observation + loinc_for("homocysteine"),
        "folate": observation + loinc_for("folate"),
        "medicationRequests": f"MedicationRequest?patient={patient}&status=active",
        "medicationStatements": f"MedicationStatement?patient={patient}&status=active",
        "conditions": f"Condition?patient={patient}",
    }


def discovery(kb: KnowledgeBase) -> Discovery:
    """The discovery document: one `patient-view` service with its prefetch templates."""
    return Discovery(
        services=(
            CdsService(
                hook=HOOK,
                title="b12pain: could low vitamin B12 be part of this pain?",
                description=(
                    "Reads the patient's B12, MMA, homocysteine and folate results, medicines and "
                    "conditions, and returns cited cards: red flags first, who to test, how to "
                    "read a result, guideline treatment. Not a diagnosis."
                ),
                id=SERVICE_ID,
                prefetch=prefetch_templates(kb),
                usageRequirements=(
                    "Every prefetch key must be sent (null when there is no data): this service "
                    "makes no calls to the FHIR server and answers 412 without them."
                ),
            ),
        )
    )


@dataclass(frozen=True)
class PatientView:
    """What a request became: the profile assessed, its assessment and records not read."""

    request: CdsRequest
    profile: Profile | None
    assessment: Assessment | None
    not_read: tuple[str, ...]
    reason_not_assessed: str | None = None


def parse_request(body: Any) -> CdsRequest:
    """The request, checked against the specification; `CdsError(400)` with the reason if not."""
    if not isinstance(body, dict):
        raise CdsError(400, "the body must be a JSON object (CDS Hooks service request)")
    try:
        request = CdsRequest.model_validate(body)
    except ValidationError as exc:
        raise CdsError(400, validation_reason(exc)) from None
    if request.hook != HOOK:
        raise CdsError(400, f"hook: {request.hook!r}; this service answers {HOOK!r} only")
    return request


def _prefetched(request: CdsRequest, kb: KnowledgeBase) -> Iterator[tuple[str, Any]]:
    """`(where, resource)` for every prefetched resource; 412 when a key is missing."""
    templates = prefetch_templates(kb)
    given = request.prefetch or {}
    missing = [key for key in templates if key not in given]
    if missing:
        raise CdsError(
            412,
            "prefetch missing for "
            + ", ".join(missing)
            + ": b12pain makes no FHIR server calls, so every prefetch key in its discovery "
            "document must be sent (null when there is no data)",
        )
    for key in templates:
        value = given[key]
        if value is None:
            continue
        if not isinstance(value, dict) or not isinstance(value.get("resourceType"), str):
            raise CdsError(400, f"prefetch.{key}: expected a FHIR resource, a Bundle or null")
        if value["resourceType"] == "OperationOutcome":
            raise CdsError(
                412,
                f"prefetch.{key}: the EHR could not fetch this data (OperationOutcome); "
                "b12pain makes no FHIR server calls of its own",
            )
        if value["resourceType"] == "Bundle":
            links = value.get("link") or []
            if isinstance(links, list) and any(
                isinstance(link, dict) and link.get("relation") == "next" for link in links
            ):
                raise CdsError(
                    412,
                    f"prefetch.{key}: the EHR sent one page of several; b12pain makes no FHIR "
                    "server calls to fetch the rest, so send the whole result",
                )
            entries = value.get("entry") or []
            if not isinstance(entries, list):
                raise CdsError(400, f"prefetch.{key}.entry: expected a list")
            for index, entry in enumerate(entries):
                resource = entry.get("resource") if isinstance(entry, dict) else None
                if isinstance(resource, dict) and resource.get("resourceType") == (
                    "OperationOutcome"
                ):
                    continue  # a search's warning, not data
                yield f"prefetch.{key}.entry[{index}].resource", resource
        else:
            yield f"prefetch.{key}", value


def read_prefetch(request: CdsRequest, kb: KnowledgeBase) -> FhirFacts:
    """The facts in the prefetched resources (lenient: codes b12pain does not read are listed)."""
    reader = FhirReader(kb, strict=False)
    patient_seen = False
    for where, data in _prefetched(request, kb):
        parsed = parse_resource(where, data)
        if isinstance(parsed, Problem):
            raise CdsError(400, f"{where}: {parsed}")
        if parsed.get_resource_type() == "Patient":
            if where != "prefetch.patient":
                continue
            if parsed.id and parsed.id != request.context.patientId:
                raise CdsError(400, f"prefetch.patient.id {parsed.id!r} is not context.patientId")
            patient_seen = True
        reader.read(parsed)
    if not patient_seen:
        raise CdsError(412, "prefetch.patient: the Patient is needed (age and sex)")
    return reader.facts


def age_on(birth: dt.date, today: dt.date) -> int:
    """Whole years from `birth` to `today`."""
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def profile_from_facts(facts: FhirFacts, today: dt.date) -> tuple[Profile | None, list[str]]:
    """A CONTRACT.md profile from what FHIR said, and the records left out (with why)."""
    left_out: list[str] = list(facts.not_read)
    if facts.birth_date is None:
        return None, [*left_out, "Patient.birthDate: missing; b12pain needs the age"]
    age = age_on(facts.birth_date, today)
    if not 0 <= age <= 120:
        return None, [*left_out, f"Patient.birthDate: {facts.birth_text}; an age from 0 to 120"]
    labs: list[LabResult] = []
    for fact in facts.labs:
        if fact.taken_on is not None and fact.taken_on > today:
            left_out.append(f"{fact.source}: dated after today ({fact.taken_on})")
            continue
        try:
            labs.append(
                LabResult(
                    test=fact.test,  # a key of ALLOWED_UNITS, checked by LabResult
                    value=fact.value,
                    unit=fact.unit,
                    date=fact.taken_on,
                    reference_low=fact.reference_low,
                    reference_high=fact.reference_high,
                )
            )
        except ValidationError as exc:
            left_out.append(f"{fact.source}: {validation_reason(exc)}")
    medications = [
        m if m.since is None or m.since <= today else m.model_copy(update={"since": None})
        for m in facts.medications
    ]
    treatment = None
    if facts.b12_treatment is not None:
        try:
            treatment = B12Treatment.model_validate(facts.b12_treatment)
        except ValidationError as exc:
            left_out.append(f"B12 treatment: {validation_reason(exc)}")
        else:
            if any(d is not None and d > today for d in (treatment.last_dose, treatment.since)):
                left_out.append("B12 treatment: dated after today")
                treatment = None
    profile = Profile(
        age=age,
        sex=facts.sex or "unspecified",  # one of the Sex literals, checked by Profile
        medications=tuple(medications),
        conditions=tuple(facts.conditions),
        symptoms=tuple(facts.symptoms),
        labs=tuple(labs),
        b12_treatment=treatment,
    )
    return profile, left_out


def patient_view(body: Any, kb: KnowledgeBase, today: dt.date) -> PatientView:
    """Parse a `patient-view` call, build the profile from its prefetch and run `assess`."""
    request = parse_request(body)
    facts = read_prefetch(request, kb)
    profile, left_out = profile_from_facts(facts, today)
    if profile is None:
        return PatientView(request, None, None, tuple(left_out), left_out[-1])
    return PatientView(request, profile, assess(profile, today), tuple(left_out))


def respond(view: PatientView, kb: KnowledgeBase, app_url: str | None = None) -> CdsResponse:
    """The service response for a parsed and assessed request."""
    if view.assessment is None:
        reason = view.reason_not_assessed or "no profile"
        return CdsResponse(cards=(not_assessed_card(reason, view.request.hookInstance),))
    viewer = view.request.context.userId
    for_person = viewer.startswith(("Patient/", "RelatedPerson/"))
    cards = cards_for(view.assessment, kb, view.request.hookInstance, app_url, for_person)
    return CdsResponse(cards=tuple(cards))


def parse_feedback(body: Any) -> FeedbackRequest:
    """A feedback body checked against the specification; `CdsError(400)` if not."""
    if not isinstance(body, dict):
        raise CdsError(400, "the body must be a JSON object with a feedback list")
    try:
        return FeedbackRequest.model_validate(body)
    except ValidationError as exc:
        raise CdsError(400, validation_reason(exc)) from None
