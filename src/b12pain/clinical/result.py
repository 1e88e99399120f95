"""The assessment: what b12pain concludes about one profile (CONTRACT.md, "Assessment").

Field names are fixed by the contract; add fields freely, never rename. Every object that states
a clinical fact carries `citations`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from b12pain.knowledge import Citation

SCHEMA = "b12pain.assessment/1"

Urgency = Literal["emergency", "urgent", "routine", "none"]
Severity = Literal["info", "caution", "warning", "urgent", "emergency"]
TestingStatus = Literal["recommended", "clinician_judgement", "not_indicated", "out_of_scope"]
#: Total/active B12 (and folate): the published bands. MMA and homocysteine are functional
#: markers read against the lab's upper limit: `raised` / `within_range` (clinical-spec §J.6).
Band = Literal[
    "deficiency_confirmed",
    "indeterminate",
    "unlikely",
    "not_interpretable",
    "raised",
    "within_range",
]
Evidence = Literal["primary", "secondary", "policy", "unverified"]
Deficiency = Literal["confirmed", "indeterminate", "unlikely", "unknown", "discordant"]

#: Urgencies from most to least pressing; `max` over findings uses this order.
URGENCY_ORDER: tuple[Urgency, ...] = ("emergency", "urgent", "routine", "none")

_RESULT = ConfigDict(frozen=True, extra="forbid")


class RedFlag(BaseModel):
    """A feature that needs urgent or emergency care; always listed first, never hidden."""

    model_config = _RESULT

    id: str
    urgency: Urgency
    title: str
    action: str
    summary: str = ""
    triggered_by: tuple[str, ...] = ()
    #: True when emergency-versus-urgent is b12pain's own decision, not the source's (§E.3).
    urgency_is_tool_decision: bool = False
    evidence: Evidence = "primary"
    citations: tuple[Citation, ...] = Field(min_length=1)


class Testing(BaseModel):
    """Whether a B12 test is indicated, which tests, and why."""

    model_config = _RESULT

    status: TestingStatus
    monitoring_suggested: bool = False
    tests: tuple[str, ...] = ()
    reasons: tuple[str, ...] = ()
    citations: tuple[Citation, ...] = ()


class LabReading(BaseModel):
    """One lab result read against its published band, with next tests and caveat flags."""

    model_config = _RESULT

    test: str
    value: float
    unit: str
    value_in_reference_unit: float
    reference_unit: str
    band: Band
    next_tests: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()
    date: dt.date | None = None
    equivalent_value: float | None = None
    equivalent_unit: str | None = None
    #: How directly the band's own source was read (e.g. `secondary` for the NG239 total B12
    #: bands, read only in secondary sources; `policy` for plausibility limits).
    evidence: Evidence = "primary"
    explanation: str = ""
    citations: tuple[Citation, ...] = ()


class ScheduledDose(BaseModel):
    """One dated step of a treatment schedule (a dose, a review or a re-test)."""

    model_config = _RESULT

    date: dt.date
    what: str
    kind: Literal["dose", "review", "test"] = "dose"
    regimen_id: str = ""
    dose: str | None = None


class TierComparison(BaseModel):
    """A consumer dosage tier of the seed article beside the guideline regimen (§B.3)."""

    model_config = _RESULT

    id: str
    tier: str
    agreement: Literal["partly_agrees", "differs", "not_covered"]
    explanation: str
    applies: bool = False
    citations: tuple[Citation, ...] = Field(min_length=1)


class Treatment(BaseModel):
    """The cited regimen that fits the cause and neurological involvement (clinical-spec §B.1)."""

    model_config = _RESULT

    regimen_id: str
    alternatives: tuple[str, ...] = ()
    route: str
    dose: str
    frequency: str
    maintenance: str
    lifelong: bool
    review_after_days: int
    schedule: tuple[ScheduledDose, ...] = ()
    notes: tuple[str, ...] = ()
    summary: str = ""
    consumer_tiers: tuple[TierComparison, ...] = ()
    citations: tuple[Citation, ...] = Field(min_length=1)


class BeforeTreatment(BaseModel):
    """What comes before any treatment when there is no result yet (clinical-spec §J.4).

    `tests_first`: blood samples first, treatment decided on the result. `bloods_then_treat`:
    suspected neurological involvement - blood samples, then treatment without waiting for the
    result. No dated schedule is proposed in either case.
    """

    model_config = _RESULT

    status: Literal["tests_first", "bloods_then_treat"]
    tests: tuple[str, ...]
    summary: str
    clinician_summary: str
    citations: tuple[Citation, ...] = Field(min_length=1)


class Finding(BaseModel):
    """One thing b12pain wants the person and their clinician to know, in both wordings."""

    model_config = _RESULT

    code: str
    severity: Severity
    summary: str
    clinician_summary: str
    citations: tuple[Citation, ...] = Field(min_length=1)
    unverified: bool = False
    #: How directly the cited sources were read: `primary` (P/P*), `secondary` (S only),
    #: `policy` (b12pain's own rule) or `unverified` (shown, never drives a decision).
    evidence: Evidence = "primary"


class PlanPoint(BaseModel):
    """A pain-plan point to discuss with a clinician (the seed's lifestyle and medical items)."""

    model_config = _RESULT

    id: str
    group: Literal["lifestyle", "medical"]
    title: str
    why: str
    discuss: str
    citations: tuple[Citation, ...] = Field(min_length=1)


class Assessment(BaseModel):
    """The whole result of `assess(profile, today)`; renders the same in CLI, web, PDF and FHIR."""

    model_config = _RESULT

    schema_: str = Field(default=SCHEMA, alias="schema", serialization_alias="schema")
    knowledge_version: str
    today: dt.date
    urgency: Urgency
    red_flags: tuple[RedFlag, ...] = ()
    testing: Testing
    labs: tuple[LabReading, ...] = ()
    deficiency: Deficiency
    neurological_involvement: bool
    treatment: Treatment | None = None
    #: Without a B12 result: what to test first, before any treatment (clinical-spec §J.4).
    before_treatment: BeforeTreatment | None = None
    findings: tuple[Finding, ...] = ()
    plan: tuple[PlanPoint, ...] = ()
    instruments: tuple[dict[str, Any], ...] = ()
    disclaimer: str

    def to_json_dict(self) -> dict[str, Any]:
        """The contract's JSON shape (`"schema"` key, ISO dates)."""
        return self.model_dump(mode="json", by_alias=True)


_Model = TypeVar("_Model", bound=BaseModel)


def trusted(model: type[_Model], values: dict[str, Any]) -> _Model:
    """A result object from values that are already valid, without validating them again.

    For the hot path of `assess` only: every value comes from validated objects (the input
    profile, knowledge entries, memoised results) or is typed by the caller, and `values` names
    every field in declaration order. `tests/test_assessment_trusted.py` checks, over generated
    profiles and every vignette, that each trusted object equals its validated twin (citations
    present, literals in range). Never for user input.
    """
    obj = _new(model)
    _set_dict(obj, "__dict__", values)
    _set_fields_set(obj, set(values))
    _set_extra(obj, None)
    _set_private(obj, None)
    return obj


#: `BaseModel`'s own slots, set directly as `model_construct` does (the model is frozen).
_new = object.__new__
_set_dict = object.__setattr__
_set_fields_set = BaseModel.__dict__["__pydantic_fields_set__"].__set__
_set_extra = BaseModel.__dict__["__pydantic_extra__"].__set__
_set_private = BaseModel.__dict__["__pydantic_private__"].__set__
