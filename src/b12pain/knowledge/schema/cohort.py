"""Entry kinds for population case-finding: concept sets (codes as data) and rule parameters."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from b12pain.knowledge._model import Entry
from b12pain.knowledge.schema._registry import entry_kind

__all__ = ["CohortParameter", "ConceptItem", "ConceptSet"]

#: Vocabulary ids as OMOP spells them; FHIR code systems are mapped onto these.
Vocabulary = Literal["RxNorm", "LOINC", "SNOMED", "ICD10CM", "ATC", "UCUM"]


class ConceptItem(BaseModel):
    """One code of a concept set: `(vocabulary, code)` and/or a verified OMOP concept id hint.

    At run time the code is resolved against the site's own vocabulary when one is present;
    the hint is used as is when not. `verification` says how the pairing was checked
    (population-design §1.2): `verified`, `single-source`, `from-data`.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    display: str
    vocabulary: Vocabulary | None = None
    code: str | None = None
    concept_id: int | None = None
    include_descendants: bool = True
    exclude: bool = False
    verification: Literal["verified", "single-source", "from-data", "unverified"] = "verified"

    @model_validator(mode="after")
    def _has_a_key(self) -> ConceptItem:
        if self.concept_id is None and (self.vocabulary is None or self.code is None):
            raise ValueError("give a concept_id or both vocabulary and code")
        return self


@entry_kind("concept_set")
class ConceptSet(Entry):
    """A named set of codes a screening rule looks for (drugs, diagnoses, tests, diet).

    `analyte` (measurement sets only) names the lab test whose thresholds classify results.
    """

    domain: Literal["drug", "condition", "measurement", "observation"]
    analyte: Literal["total_b12", "active_b12"] | None = None
    items: tuple[ConceptItem, ...] = Field(min_length=1)


@entry_kind("cohort_parameter")
class CohortParameter(Entry):
    """A number a screening rule uses (a window, a minimum duration), written once with its reason."""

    value: int = Field(ge=0)
    unit: Literal["days", "years", "people"]
