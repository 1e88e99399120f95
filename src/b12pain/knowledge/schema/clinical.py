"""Entry kinds for the `clinical` area: thresholds, vocabularies, rules, regimens, red flags, plan.

Each kind is the shape of one YAML file in `knowledge/data/` (clinical-spec §A-§F). An entry
marked `unverified: true` may be shown as a visible note but never drives a rule: kinds whose
entries drive decisions refuse `unverified: true` (`_Rule`).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from b12pain.knowledge._model import Entry
from b12pain.knowledge.schema._registry import entry_kind

__all__ = [
    "Condition",
    "Conversion",
    "DosageTier",
    "DoseForm",
    "DoseLimit",
    "DoseWindow",
    "FollowUp",
    "LabLimit",
    "LabTestInfo",
    "Medicine",
    "Note",
    "PainTypeInfo",
    "Parameter",
    "PlanItem",
    "RedFlagRule",
    "Regimen",
    "RiskFactor",
    "Symptom",
    "TerminologyCode",
    "TestRule",
    "Threshold",
]

Analyte = Literal["total_b12", "active_b12", "mma", "homocysteine", "folate", "haemoglobin", "mcv"]
PainTypeId = Literal[
    "diabetic_neuropathy",
    "sciatica",
    "peripheral_neuropathy",
    "back_pain",
    "fibromyalgia",
    "migraine",
    "other",
]


class _Rule(Entry):
    """An entry that drives a decision: it may not be an UNVERIFIED item (clinical-spec §0.1)."""

    @model_validator(mode="after")
    def _verified(self) -> _Rule:
        if self.unverified:
            raise ValueError(
                f"{self.kind or 'rule'} entries drive decisions and cannot be unverified; "
                "ship an unverified item as a `note` instead"
            )
        return self


@entry_kind("note")
class Note(Entry):
    """A cited statement shown to people as text (a disclaimer, an explanation, a caveat)."""

    text: str | None = None
    clinician_text: str | None = None


@entry_kind("parameter")
class Parameter(_Rule):
    """A number a rule uses (an age limit, a window in days), written once with its source."""

    value: float
    unit: Literal["days", "years", "months"]


@entry_kind("threshold")
class Threshold(_Rule):
    """Published interpretation bands of one analyte in one unit (clinical-spec §A.3).

    Below `deficiency_below` deficiency is confirmed, above `unlikely_above` it is unlikely; both
    boundary values themselves are indeterminate ("below X", "X to Y", "above Y").
    """

    analyte: Analyte
    unit: str
    deficiency_below: float = Field(gt=0)
    unlikely_above: float = Field(gt=0)

    @model_validator(mode="after")
    def _ordered(self) -> Threshold:
        if self.deficiency_below > self.unlikely_above:
            raise ValueError("deficiency_below must not exceed unlikely_above")
        return self


@entry_kind("conversion")
class Conversion(_Rule):
    """`value_in_to_unit = value_in_from_unit * factor` for one analyte (clinical-spec §A.5)."""

    analyte: Analyte
    from_unit: str
    to_unit: str
    factor: float = Field(gt=0)


@entry_kind("lab_limit")
class LabLimit(_Rule):
    """A one-sided limit that raises a flag: a lab's upper reference limit, or a plausibility limit.

    `meaning` says what crossing it means: `raised` (above a lab upper limit, e.g. MMA > 0.40
    µmol/L) or `implausible` (tool policy: confirm units or a recent injection).
    """

    analyte: Analyte
    unit: str
    above: float | None = Field(default=None, gt=0)
    below: float | None = Field(default=None, gt=0)
    meaning: Literal["raised", "implausible"]
    flag: str

    @model_validator(mode="after")
    def _one_side(self) -> LabLimit:
        if self.above is None and self.below is None:
            raise ValueError("give `above` or `below`")
        return self


@entry_kind("lab_test")
class LabTestInfo(Entry):
    """A blood test b12pain reads: names, the unit its bands are published in, and its caveats."""

    plain: str
    reference_unit: str
    uses_lab_reference_range: bool = False


@entry_kind("symptom")
class Symptom(Entry):
    """A symptom or sign with its synonyms and the lists it comes from (clinical-spec §A.1, §E).

    `t1` marks a common symptom or sign that satisfies the NG239 testing criterion; `neurological`
    marks a feature of possible neurological involvement (§E.1); `strong_feature` marks an
    examination sign (posterior column) that counts as a strong clinical feature (BSH-2014 rec 4).
    """

    plain: str
    synonyms: tuple[str, ...] = ()
    lists: tuple[Literal["seed_neuropathic", "seed_general", "ng239", "sign", "red_flag"], ...] = ()
    t1: bool = False
    neurological: bool = False
    strong_feature: bool = False
    #: The self-check question that asks about it first (red-flag features; `service.selfcheck`).
    self_check: Literal["spine", "head", "general"] | None = None


@entry_kind("condition")
class Condition(Entry):
    """A condition id a profile may name, with synonyms (CONTRACT.md canonical ids)."""

    plain: str
    synonyms: tuple[str, ...] = ()


@entry_kind("medicine")
class Medicine(Entry):
    """A medicine id a profile may name; `group` joins brands and members (famotidine → H2RA)."""

    plain: str
    group: str | None = None
    synonyms: tuple[str, ...] = ()
    b12_treatment: bool = False


RiskCategory = Literal[
    "diet", "medicine", "condition", "surgery", "nitrous_oxide", "family_history"
]
Cause = Literal[
    "dietary",
    "metformin",
    "malabsorption",
    "malabsorption_irreversible",
    "autoimmune_gastritis",
    "nitrous_oxide",
]


@entry_kind("risk_factor")
class RiskFactor(_Rule):
    """A common risk factor of the NG239 criterion (T1), matched by diet, medicine or condition id.

    `cause` is the likely cause it points to when deficiency is found (it steers the regimen,
    §B.1); `duration_note_days` is a duration after which a source says the risk matters more
    (informational; NG239 itself gives none).
    """

    category: RiskCategory
    matches: tuple[str, ...] = Field(min_length=1)
    plain: str
    cause: Cause | None = None
    duration_note_days: int | None = Field(default=None, gt=0)
    duration_note: str | None = None


@entry_kind("test_rule")
class TestRule(_Rule):
    """A rule about who to test and which test (clinical-spec §A.1, §A.2: T1, T2a-T2h)."""

    rule: str
    text: str
    plain: str
    tests: tuple[str, ...] = ()


class LoadingPhase(BaseModel):
    """How loading doses are spaced: on given weekdays offsets or every N days, for how long."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    every_days: int | None = Field(default=None, gt=0)
    day_offsets_per_week: tuple[int, ...] = ()
    for_days: int | None = Field(default=None, gt=0)
    until_no_further_improvement: bool = False
    #: Tool policy: how many days of an open-ended loading phase the schedule lists.
    shown_days: int | None = Field(default=None, gt=0)


#: How a dose is taken: by mouth, under the tongue, or by intramuscular injection.
DoseRoute = Literal["oral", "sublingual", "im"]


class DoseWindow(BaseModel):
    """One phase of a regimen's dose as numbers: amount (µg), route and spacing (days).

    `clinical.dosing` reads these, never the prose `dose` text. An open-ended dose ("at least
    1 mg") is capped at the highest dose a cited source gives for that route; `cap` says so and
    `sources` (source ids, each among the regimen's own) name the sources of the numbers.
    Months are written as days: "every 2 months" is 59-62 days, "every 2-3 months" 59-92 days.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    phase: Literal["daily", "loading", "maintenance"]
    route: DoseRoute
    min_ug: float = Field(gt=0)
    max_ug: float = Field(gt=0)
    every_days_min: int = Field(gt=0)
    every_days_max: int = Field(gt=0)
    cap: str | None = None
    sources: tuple[str, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _ordered(self) -> DoseWindow:
        if self.min_ug > self.max_ug:
            raise ValueError("min_ug must not exceed max_ug")
        if self.every_days_min > self.every_days_max:
            raise ValueError("every_days_min must not exceed every_days_max")
        return self


@entry_kind("regimen")
class Regimen(_Rule):
    """A cited treatment regimen (clinical-spec §B.1, R1-R8); the only doses b12pain ever states.

    `doses` holds the structured amounts, routes and spacing `clinical.dosing` checks against;
    a regimen without `doses` cannot be scheduled. `plain_name` (and `plain_floor` for an
    open-ended dose) are the words a dose comparison uses ("the UK dose for diet-related
    deficiency"); regimens without a `plain_name` are not compared against.
    """

    rule: str
    indication: str
    route: Literal["oral", "im", "any", "none"]
    drug: str
    dose: str
    frequency: str
    maintenance: str
    lifelong: bool = False
    lifelong_if_irreversible: bool = False
    daily: bool = False
    loading: LoadingPhase | None = None
    maintenance_every_months: int | None = Field(default=None, gt=0)
    plain: str
    cautions: tuple[str, ...] = ()
    doses: tuple[DoseWindow, ...] = ()
    plain_name: str | None = None
    plain_floor: str | None = None

    @model_validator(mode="after")
    def _doses_cited(self) -> Regimen:
        cited = {ref.source for ref in self.sources}
        for window in self.doses:
            missing = sorted(set(window.sources) - cited)
            if missing:
                raise ValueError(
                    f"doses: {', '.join(missing)} must also be among the regimen's sources"
                )
        return self


@entry_kind("dose_form")
class DoseForm(Entry):
    """A product form a person may record (tablet, injection …) and the routes it is taken by."""

    plain: str
    routes: tuple[DoseRoute, ...] = Field(min_length=1)


@entry_kind("dose_limit")
class DoseLimit(_Rule):
    """Plausibility bound of a recorded single dose by route (tool policy, clinical-spec §J.9).

    Not a guideline dose: the largest single-dose product strength on sale, so an amount above
    it is far more likely a slip (µg typed as mg, an extra zero) than a real product.
    """

    routes: tuple[DoseRoute, ...] = Field(min_length=1)
    max_ug: float = Field(gt=0)
    reason: str


@entry_kind("follow_up")
class FollowUp(_Rule):
    """A follow-up rule (clinical-spec §B.2, F1-F4)."""

    rule: str
    text: str
    plain: str
    review_after_days: int | None = Field(default=None, gt=0)
    review_after_days_pregnant: int | None = Field(default=None, gt=0)


@entry_kind("red_flag")
class RedFlagRule(_Rule):
    """A red flag (clinical-spec §E, §J): any of `any_of` present, in context → `urgency`.

    `with_any_of`: one of these must be present too (fever with neck stiffness);
    `also_reported`: listed with the flag when present, never firing it alone (sexual dysfunction
    with cauda equina features). `replaced_by`: dropped when one of these more specific flags
    fires too. `pain_types` and `context_symptoms` restrict where it applies
    (both empty: everywhere; else one of those pain types, recorded as a pain type or a
    condition, or one of those symptoms). `requires` adds a fact evaluated by `clinical.triage`:
    nitrous oxide exposure, a confirmed deficiency, a B12 risk (risk factor, autoimmune
    gastritis, previous deficiency or B12 treatment) or age under 16 or over 50.
    """

    urgency: Literal["emergency", "urgent"]
    action: str
    plain: str
    any_of: tuple[str, ...] = Field(min_length=1)
    with_any_of: tuple[str, ...] = ()
    also_reported: tuple[str, ...] = ()
    replaced_by: tuple[str, ...] = ()
    pain_types: tuple[PainTypeId, ...] = ()
    context_symptoms: tuple[str, ...] = ()
    requires: Literal[
        "none", "nitrous_oxide", "deficiency_confirmed", "b12_risk", "age_under_16_or_over_50"
    ] = "none"
    urgency_is_tool_decision: bool = False


@entry_kind("pain_type")
class PainTypeInfo(Entry):
    """One of the seed's pain types, with what the seed claims and what the evidence says."""

    plain: str
    seed_claim: str
    evidence: str
    counts_as_b12_symptom: bool = False


@entry_kind("plan_item")
class PlanItem(Entry):
    """A pain-plan point to discuss with a clinician (the seed's lifestyle and medical items)."""

    group: Literal["lifestyle", "medical"]
    why: str
    discuss: str
    pain_types: tuple[PainTypeId, ...] = ()


@entry_kind("dosage_tier")
class DosageTier(Entry):
    """A consumer dosage tier of the seed article beside the closest guideline rule (§B.3)."""

    tier: str
    closest_regimens: tuple[str, ...] = ()
    agreement: Literal["partly_agrees", "differs", "not_covered"]
    explanation: str


@entry_kind("code")
class TerminologyCode(Entry):
    """A terminology code (LOINC, SNOMED CT, RxNorm, ATC, ICD-10-CM) with how it was verified."""

    system: Literal["LOINC", "SNOMED CT", "RxNorm", "ATC", "ICD-10-CM"]
    code: str
    display: str
    verification: Literal["verified", "partly"]
    refers_to: str
    #: UCUM units a result under this (LOINC) code is reported in, as FHIR writes them;
    #: the interop layer refuses any other unit for this code (clinical-spec §F).
    ucum_units: tuple[str, ...] = ()
