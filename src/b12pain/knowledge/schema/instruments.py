"""Entry kinds for the `instruments` area: instruments, their items and bands, licences, pain support.

An instrument's items, weights, cut-offs and bands are data here, cited; `instruments/` scores
answers against them. Item descriptors are b12pain's own short words wherever the licence forbids
reproducing the item text (`../shared/docs/instruments-spec.md` §13).
"""

from __future__ import annotations

from fractions import Fraction
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from b12pain.knowledge._model import Entry
from b12pain.knowledge.schema._registry import entry_kind

__all__ = [
    "AnswerKind",
    "InstrumentBand",
    "InstrumentInfo",
    "InstrumentItem",
    "InstrumentLicence",
    "PainTypeSupport",
    "SupportRule",
]

#: How an item is answered: yes/no, one word of a published scale, a whole number, a number,
#: or a subset of named options (ACR 2016 painful areas).
AnswerKind = Literal["yes_no", "choice", "integer", "number", "areas"]

_PART = ConfigDict(frozen=True, extra="forbid")


class InstrumentItem(BaseModel):
    """One item (or field) of an instrument: stable id, our own descriptor, how it is answered."""

    model_config = _PART

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    descriptor: str
    answer: AnswerKind = "yes_no"
    #: Points per answer (`yes`/`no` for yes/no items, the published word for choice items).
    points: dict[str, float] = Field(default_factory=dict)
    minimum: float | None = None
    maximum: float | None = None
    options: tuple[str, ...] = ()
    part: str = ""
    clinician_entered: bool = False
    #: False for items that are asked but not scored (MNSI items 4 and 10).
    scored: bool = True
    required: bool = True

    @model_validator(mode="after")
    def _complete(self) -> InstrumentItem:
        if self.answer == "choice" and not self.points:
            raise ValueError(f"choice item {self.id} needs `points` for each allowed word")
        if self.answer in ("integer", "number") and (self.minimum is None or self.maximum is None):
            raise ValueError(f"{self.answer} item {self.id} needs `minimum` and `maximum`")
        if self.answer == "areas" and not self.options:
            raise ValueError(f"areas item {self.id} needs `options`")
        return self

    def yes_no_points(self) -> tuple[float, float]:
        """Points for (yes, no); a plain yes/no item scores 1 for yes."""
        return self.points.get("yes", 1.0), self.points.get("no", 0.0)


class InstrumentBand(BaseModel):
    """A score range (both ends inclusive; None = open) with its category and wording."""

    model_config = _PART

    category: str
    minimum: float | None = None
    maximum: float | None = None
    positive: bool | None = None
    plain: str
    clinician: str

    def contains(self, score: float | Fraction) -> bool:
        """True when `score` lies in this band."""
        above = self.minimum is None or score >= self.minimum
        below = self.maximum is None or score <= self.maximum
        return above and below


@entry_kind("instrument")
class InstrumentInfo(Entry):
    """A validated pain instrument: purpose, items, score range, bands and its licence entry."""

    short_name: str
    purpose: str
    kind_of_tool: Literal["screening", "classification", "severity", "disability", "stratification"]
    licence: str
    score_minimum: float
    score_maximum: float
    items: tuple[InstrumentItem, ...] = ()
    bands: tuple[InstrumentBand, ...] = ()
    #: Named rule numbers (cut-offs, durations) used by scorers that are more than a sum.
    parameters: dict[str, float] = Field(default_factory=dict)
    #: Named id lists used by rule-based scorers (ACR 2016 regions, ICHD-3 feature sets).
    groups: dict[str, tuple[str, ...]] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _decisions_are_verified(self) -> InstrumentInfo:
        if self.unverified:
            raise ValueError("instrument entries drive scores and cannot be unverified")
        ids = [item.id for item in self.items]
        if len(ids) != len(set(ids)):
            raise ValueError(f"{self.id}: duplicate item ids")
        return self

    def band_for(self, score: float | Fraction) -> InstrumentBand | None:
        """The first band containing `score`, or None when the instrument has no bands there."""
        return next((band for band in self.bands if band.contains(score)), None)


@entry_kind("instrument_licence")
class InstrumentLicence(Entry):
    """What b12pain may ship of an instrument (spec §13): item text, scoring only, or nothing."""

    status: Literal["free", "scoring_only", "omitted"]
    item_text_allowed: bool
    holder: str
    summary: str


class SupportRule(BaseModel):
    """One condition on a scored instrument: it is positive, has a minimum score, or an item is yes."""

    model_config = _PART

    instrument: str
    when: Literal["positive", "score_at_least", "item_yes"]
    value: float | None = None
    item: str | None = None


@entry_kind("pain_type_support")
class PainTypeSupport(Entry):
    """Which instrument results support one of the seed's pain types, and what B12 evidence says.

    `rules` is any-of groups of all-of conditions. `pain_type` names the clinical `pain_type.*`
    entry whose evidence text is reused.
    """

    pain_type: str
    b12_evidence: Literal["treatable_if_deficient", "limited", "emerging"]
    rules: tuple[tuple[SupportRule, ...], ...] = Field(min_length=1)
    plain: str
    clinician: str
