"""The result every instrument returns, and the pain-type profile built from several results."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from b12pain.knowledge import Citation

_RESULT = ConfigDict(frozen=True, extra="forbid")

#: What the evidence b12pain holds says about B12 for a pain type.
B12Evidence = Literal["treatable_if_deficient", "limited", "emerging"]


class InstrumentResult(BaseModel):
    """One scored instrument: score, category, cut-off verdict, both wordings, sources, licence.

    `positive` is True/False where the instrument has a cut-off or criteria, else None. A positive
    result means "meets the published cut-off or criteria", never a diagnosis.
    """

    model_config = _RESULT

    instrument: str
    title: str
    score: int | float | None
    score_range: tuple[float, float]
    category: str
    positive: bool | None
    subscores: dict[str, Any] = Field(default_factory=dict)
    summary: str
    clinician_summary: str
    citations: tuple[Citation, ...] = Field(min_length=1)
    licence: str
    licence_status: str
    #: The validated answers by stable item id (FHIR QuestionnaireResponse export uses these).
    answers: dict[str, Any] = Field(default_factory=dict)

    def to_json_dict(self) -> dict[str, Any]:
        """JSON shape: `instrument`, `score`, `category`, `positive`, the sub-scores at top level too."""
        data = self.model_dump(mode="json")
        for name, value in data["subscores"].items():
            data.setdefault(name, value)
        return data


class PainTypeSupport(BaseModel):
    """One of the seed's pain types that the instrument answers support, and what B12 evidence says."""

    model_config = _RESULT

    pain_type: str
    title: str
    supported_by: tuple[str, ...]
    b12_evidence: B12Evidence
    summary: str
    clinician_summary: str
    evidence: str
    citations: tuple[Citation, ...] = Field(min_length=1)


class InstrumentsForAssessment(BaseModel):
    """What the assessment needs from the profile's instrument answers (issue 3, "Into the assessment").

    `section` is the `Assessment.instruments` list; `neuropathic_positive` feeds the T1 testing rule
    as neuropathic symptoms; `pain_types` shapes the pain-management plan.
    """

    model_config = _RESULT

    results: tuple[InstrumentResult, ...] = ()
    pain_types: tuple[PainTypeSupport, ...] = ()
    neuropathic_positive: tuple[str, ...] = ()
    neuropathic_citations: tuple[Citation, ...] = ()

    @property
    def section(self) -> tuple[dict[str, Any], ...]:
        """Entries for `Assessment.instruments`: each score, category and citations."""
        return tuple(result.to_json_dict() for result in self.results)

    @property
    def supported_pain_types(self) -> tuple[str, ...]:
        """Ids of the pain types the answers support (for the plan)."""
        return tuple(support.pain_type for support in self.pain_types)
