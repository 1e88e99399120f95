"""CDS Hooks 2.0 `patient-view` service logic: discovery, request → profile → `assess` → cards.

The web layer serves it (`web/routes/cds_hooks.py`); nothing here talks HTTP. b12pain makes no
FHIR server calls: everything it reads comes in the request's `prefetch`, so a request that lacks
a prefetch key the service asked for is answered `412 Precondition Failed` as the specification
says for a service that cannot fetch what it needs. A malformed request is a `400` with a reason.

Cards (CDS Hooks "Card attributes"): red flags first, each its own `critical` card; without a
result, what comes before treatment (§J.4: blood samples first; with suspected neurological
involvement, blood samples then treatment without waiting, `critical`); then one card per finding of the same `assess` the CLI and web run, the indicator from the finding's urgency
(emergency/urgent → critical, routine → warning, none → info), the summary under 140
characters, the reasoning and the numbered sources in the markdown `detail`, and `source` naming
the first cited guideline with its URL.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from b12pain.clinical import assess
from b12pain.clinical.profile import LabResult, Profile
from b12pain.clinical.result import Assessment, Severity, Urgency
from b12pain.errors import Problem
from b12pain.interop.codes import LOINC, code_table
from b12pain.interop.reading import FhirFacts, FhirReader, parse_resource
from b12pain.knowledge import Citation, KnowledgeBase
from b12pain.presentation.assessment import urgency_words

SERVICE_ID = "b12pain-patient-view"
HOOK = "patient-view"
MAX_SUMMARY = 139  # "<140-character summary"
CARD_NAMESPACE = uuid.UUID("6f2b8a53-2b4e-5d0c-9a57-b12fa1000002")

Indicator = Literal["info", "warning", "critical"]
INDICATOR_OF_URGENCY: dict[Urgency, Indicator] = {
    "emergency": "critical",
    "urgent": "critical",
    "routine": "warning",
    "none": "info",
}
#: A finding's severity as the urgency `assess` counts it (clinical.assessment), then an indicator.
URGENCY_OF_SEVERITY: dict[Severity, Urgency] = {
    "emergency": "emergency",
    "urgent": "urgent",
    "warning": "routine",
    "caution": "routine",
    "info": "none",
}
_INDICATOR_ORDER = {"critical": 0, "warning": 1, "info": 2}

_MODEL = ConfigDict(frozen=True, extra="forbid")
_OPEN = ConfigDict(frozen=True, extra="allow")  # requests may carry extensions and more fields


# --- CDS Hooks shapes -----------------------------------------------------------------------


class CdsCoding(BaseModel):
    """CDS Hooks `Coding` (code, system, display)."""

    model_config = _OPEN

    code: str
    system: str | None = None
    display: str | None = None


class CdsService(BaseModel):
    """One service in the discovery response."""

    model_config = _MODEL

    hook: str
    title: str
    description: str
    id: str
    prefetch: dict[str, str]
    usageRequirements: str | None = None


class Discovery(BaseModel):
    """`GET /cds-services` response."""

    model_config = _MODEL

    services: tuple[CdsService, ...]


class Source(BaseModel):
    """Card `source`: the guideline the card rests on."""

    model_config = _MODEL

    label: str = Field(min_length=1)
    url: str | None = None
    topic: CdsCoding | None = None


class Link(BaseModel):
    """Card `links[]` item."""

    model_config = _MODEL

    label: str
    url: str
    type: Literal["absolute", "smart"] = "absolute"


class Card(BaseModel):
    """One card; `summary` under 140 characters, `detail` GitHub-flavoured markdown."""

    model_config = _MODEL

    uuid: str
    summary: str = Field(min_length=1, max_length=MAX_SUMMARY)
    detail: str
    indicator: Indicator
    source: Source
    links: tuple[Link, ...] | None = None


class CdsResponse(BaseModel):
    """Service response: `{"cards": [...]}`."""

    model_config = _MODEL

    cards: tuple[Card, ...]


class PatientViewContext(BaseModel):
    """`patient-view` context (userId and patientId required; encounterId optional)."""

    model_config = _OPEN

    userId: str = Field(min_length=1)
    patientId: str = Field(min_length=1)
    encounterId: str | None = None


class CdsRequest(BaseModel):
    """A service call (CDS Hooks "HTTP Request" fields)."""

    model_config = _OPEN

    hook: str
    hookInstance: str = Field(min_length=1)
    fhirServer: str | None = None
    fhirAuthorization: dict[str, Any] | None = None
    context: PatientViewContext
    prefetch: dict[str, Any] | None = None


class OverrideReason(BaseModel):
    """Feedback `overrideReason`: a coded reason and/or the user's comment."""

    model_config = _OPEN

    reason: CdsCoding | None = None
    userComment: str | None = Field(default=None, max_length=2000)


class AcceptedSuggestion(BaseModel):
    """Feedback `acceptedSuggestions[]` item."""

    model_config = _OPEN

    id: str


class Feedback(BaseModel):
    """One feedback item: a card's uuid, the outcome and when (UTC, RFC 3339)."""

    model_config = _OPEN

    card: str = Field(min_length=1, max_length=200)
    outcome: Literal["accepted", "overridden"]
    acceptedSuggestions: tuple[AcceptedSuggestion, ...] | None = None
    overrideReason: OverrideReason | None = None
    outcomeTimestamp: dt.datetime

    @field_validator("outcomeTimestamp")
    @classmethod
    def _aware(cls, value: dt.datetime) -> dt.datetime:
        if value.utcoffset() is None:
            raise ValueError("a UTC date-time such as 2021-12-11T10:05:31Z")
        return value

    @model_validator(mode="after")
    def _accepted_names_suggestions(self) -> Feedback:
        if self.outcome == "accepted" and not self.acceptedSuggestions:
            raise ValueError("acceptedSuggestions: required when outcome is accepted")
        return self


class FeedbackRequest(BaseModel):
    """`POST .../feedback` body: `{"feedback": [...]}`."""

    model_config = _OPEN

    feedback: tuple[Feedback, ...] = Field(min_length=1)


# --- errors --------------------------------------------------------------------------------


class CdsError(Exception):
    """A request the service cannot answer with cards: HTTP `status` and a `reason` for the EHR."""

    def __init__(self, status: Literal[400, 412], reason: str) -> None:
        self.status = status
        self.reason = reason
        super().__init__(f"{status}: {reason}")


def _reason(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors()[:5]:
        where = ".".join(str(p) for p in err["loc"]) or "(body)"
        parts.append(f"{where}: {str(err['msg']).removeprefix('Value error, ')}")
    return "; ".join(parts)


# --- discovery -----------------------------------------------------------------------------


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


# --- request → profile ---------------------------------------------------------------------


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
        raise CdsError(400, _reason(exc)) from None
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
            left_out.append(f"{fact.source}: {_reason(exc)}")
    medications = [
        m if m.since is None or m.since <= today else m.model_copy(update={"since": None})
        for m in facts.medications
    ]
    profile = Profile(
        age=age,
        sex=facts.sex or "unspecified",  # one of the Sex literals, checked by Profile
        medications=tuple(medications),
        conditions=tuple(facts.conditions),
        symptoms=tuple(facts.symptoms),
        labs=tuple(labs),
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


# --- assessment → cards --------------------------------------------------------------------


def _clip(text: str, limit: int = MAX_SUMMARY) -> str:
    """`text` on one line, cut at a word boundary to under `limit` characters."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + "…"


def source_of(citations: tuple[Citation, ...], kb: KnowledgeBase) -> Source:
    """The card source: the first cited source that has a URL (else the first one)."""
    chosen = next(
        (c for c in citations if kb.sources[c.source].url), citations[0] if citations else None
    )
    if chosen is None:
        return Source(label="b12pain")
    source = kb.sources[chosen.source]
    label = _clip(f"{source.organisation}: {source.title}", 100)
    return Source(label=label, url=source.url)


def _markdown_escape(text: str) -> str:
    """Text from knowledge shown literally in GitHub-flavoured markdown."""
    out = text
    for char in "\\`*_[]<>|#":
        out = out.replace(char, "\\" + char)
    return out


def _sources_markdown(citations: tuple[Citation, ...], kb: KnowledgeBase) -> str:
    lines = ["**Sources**", ""]
    for number, citation in enumerate(citations, start=1):
        source = kb.sources[citation.source]
        title = _markdown_escape(f"{source.organisation}: {source.title}")
        named = f"[{title}]({source.url})" if source.url else title
        section = f", {_markdown_escape(citation.section)}" if citation.section else ""
        lines.append(f"{number}. {named}{section} [{citation.level}]")
    return "\n".join(lines)


def _detail(
    clinician: str,
    plain: str,
    citations: tuple[Citation, ...],
    kb: KnowledgeBase,
    extra: str,
    for_person: bool = False,
) -> str:
    clinician_part = f"**For the clinician:** {_markdown_escape(clinician)}"
    plain_part = f"**In plain words:** {_markdown_escape(plain)}" if plain != clinician else ""
    ordered = [plain_part, clinician_part] if for_person else [clinician_part, plain_part]
    parts = [part for part in ordered if part and part.split(":** ", 1)[1]]
    if extra:
        parts.append(extra)
    parts.append(_sources_markdown(citations, kb))
    parts.append("_b12pain informs a conversation; it does not diagnose. Not medical advice._")
    return "\n\n".join(parts)


def cards_for(
    assessment: Assessment,
    kb: KnowledgeBase,
    hook_instance: str,
    app_url: str | None = None,
    for_person: bool = False,
) -> list[Card]:
    """The cards of one assessment: red flags first (critical), then every finding.

    Summaries are in clinical words; `for_person` (the patient or a proxy opened the record, per
    `context.userId`) puts the plain words first ("go to A&E now") and the clinician's second.
    """
    links = (Link(label="Open b12pain", url=app_url),) if app_url else None

    def words(clinician: str, plain: str) -> str:
        return (plain or clinician) if for_person else (clinician or plain)

    cards: list[tuple[int, int, Card]] = []

    def card_id(code: str) -> str:
        return str(uuid.uuid5(CARD_NAMESPACE, f"{hook_instance}/{code}"))

    for order, flag in enumerate(assessment.red_flags):
        if for_person:  # what to do first, in plain words ("Emergency: get medical help now")
            summary = _clip(f"Red flag: {urgency_words(flag.urgency)}. {flag.summary}")
        else:
            summary = _clip(f"Red flag: {flag.title}. {flag.action}")
        extra = ""
        if flag.triggered_by:
            extra = "**Triggered by:** " + ", ".join(
                _markdown_escape(t.replace("_", " ")) for t in flag.triggered_by
            )
        card = Card(
            uuid=card_id(f"red_flag.{flag.id}"),
            summary=summary,
            detail=_detail(flag.action, flag.summary, flag.citations, kb, extra, for_person),
            indicator="critical",
            source=source_of(flag.citations, kb),
            links=links,
        )
        cards.append((-1, order, card))
    before = assessment.before_treatment
    if before is not None:
        # §J.4: no result yet; blood samples first (and, with suspected neurological
        # involvement, treatment without waiting for the result: urgent, so critical).
        indicator: Indicator = "critical" if before.status == "bloods_then_treat" else "warning"
        tests = ", ".join(_markdown_escape(t.replace("_", " ")) for t in before.tests)
        card = Card(
            uuid=card_id(f"before_treatment.{before.status}"),
            summary=_clip(words(before.clinician_summary, before.summary)),
            detail=_detail(
                before.clinician_summary,
                before.summary,
                before.citations,
                kb,
                f"**Blood tests:** {tests}" if tests else "",
                for_person,
            ),
            indicator=indicator,
            source=source_of(before.citations, kb),
            links=links,
        )
        cards.append((_INDICATOR_ORDER[indicator], -1, card))
    for order, finding in enumerate(assessment.findings):
        indicator = INDICATOR_OF_URGENCY[URGENCY_OF_SEVERITY[finding.severity]]
        extra = ""
        if finding.evidence in ("policy", "unverified"):
            extra = f"_Evidence: {finding.evidence} (b12pain's own rule or an unverified note)._"
        card = Card(
            uuid=card_id(finding.code),
            summary=_clip(words(finding.clinician_summary, finding.summary)),
            detail=_detail(
                finding.clinician_summary, finding.summary, finding.citations, kb, extra, for_person
            ),
            indicator=indicator,
            source=source_of(finding.citations, kb),
            links=links,
        )
        cards.append((_INDICATOR_ORDER[indicator], order, card))
    cards.sort(key=lambda item: (item[0], item[1]))
    return [card for _, _, card in cards]


def not_assessed_card(reason: str, hook_instance: str) -> Card:
    """The one card when the prefetched data cannot be assessed (e.g. no date of birth)."""
    return Card(
        uuid=str(uuid.uuid5(CARD_NAMESPACE, f"{hook_instance}/not_assessed")),
        summary=_clip(f"b12pain could not assess this patient: {reason}"),
        detail=_markdown_escape(reason),
        indicator="info",
        source=Source(label="b12pain"),
    )


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
        raise CdsError(400, _reason(exc)) from None
