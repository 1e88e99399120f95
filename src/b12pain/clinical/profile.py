"""The profile: what a person (or their clinician) tells b12pain (CONTRACT.md, "Profile").

Field names are fixed by the contract. Validation here is structural (types, ranges, units);
ids of symptoms and conditions are checked against `knowledge/` by `clinical.vocabulary`.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from b12pain.errors import MISSING

Sex = Literal["female", "male", "intersex", "unspecified"]
Diet = Literal["omnivore", "pescatarian", "vegetarian", "vegan", "low_animal"]
NitrousOxide = Literal["none", "recreational", "medical_recent"]
PainType = Literal[
    "diabetic_neuropathy",
    "sciatica",
    "peripheral_neuropathy",
    "back_pain",
    "fibromyalgia",
    "migraine",
    "other",
]
Route = Literal["im", "oral", "sublingual"]
LabTest = Literal["total_b12", "active_b12", "mma", "homocysteine", "folate", "haemoglobin", "mcv"]

#: Units accepted for each test, in the spelling b12pain stores (CONTRACT.md, clinical-spec §A.5).
ALLOWED_UNITS: dict[str, tuple[str, ...]] = {
    "total_b12": ("ng/L", "pg/mL", "pmol/L", "ng/mL"),
    "active_b12": ("pmol/L",),
    "mma": ("umol/L", "nmol/L", "nmol/mL"),
    "homocysteine": ("umol/L",),
    "folate": ("ug/L", "ng/mL"),
    "haemoglobin": ("g/L", "g/dL"),
    "mcv": ("fL",),
}

_UNIT_SPELLINGS = {"µ": "u", "μ": "u", "mcg": "ug", " ": ""}
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([ymwd])\s*$", re.IGNORECASE)
_DAYS_PER = {"y": 365.25, "m": 30.4375, "w": 7.0, "d": 1.0}

_MODEL = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


def canonical_unit(test: str, unit: str) -> str | None:
    """The stored spelling of `unit` for `test` (`µmol/l` → `umol/L`), or None if not allowed."""
    cleaned = unit
    for variant, plain in _UNIT_SPELLINGS.items():
        cleaned = cleaned.replace(variant, plain)
    for allowed in ALLOWED_UNITS.get(test, ()):
        if cleaned.lower() == allowed.lower():
            return allowed
    return None


@lru_cache(maxsize=1024)
def duration_in_days(text: str) -> float:
    """Days in a duration such as `6y`, `18m`, `10w`, `30d`; `ValueError` otherwise."""
    match = _DURATION.match(text)
    if not match:
        raise ValueError("a duration such as 6y, 18m, 10w or 30d")
    return float(match.group(1)) * _DAYS_PER[match.group(2).lower()]


class Medication(BaseModel):
    """A medicine the person takes: a name or id, and since when or for how long."""

    model_config = _MODEL

    name: str = Field(min_length=1, max_length=100)
    dose: str | None = Field(default=None, max_length=100)
    since: dt.date | None = None
    duration: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_name(cls, value: Any) -> Any:
        return {"name": value} if isinstance(value, str) else value

    @field_validator("duration")
    @classmethod
    def _check_duration(cls, value: str | None) -> str | None:
        if value is not None:
            duration_in_days(value)
        return value

    def days_taken(self, today: dt.date) -> float | None:
        """How long it has been taken by `today`, in days, or None if unknown."""
        if self.since is not None:
            return float((today - self.since).days)
        if self.duration is not None:
            return duration_in_days(self.duration)
        return None


class Pain(BaseModel):
    """The person's pain: which of the seed's types, and how strong now (NRS 0–10)."""

    model_config = _MODEL

    types: tuple[PainType, ...] = ()
    nrs: int | None = Field(default=None, ge=0, le=10)


class B12Treatment(BaseModel):
    """Current or recent B12 treatment (matters for interpreting a result after an injection)."""

    model_config = _MODEL

    route: Route
    last_dose: dt.date | None = None
    since: dt.date | None = None


class LabResult(BaseModel):
    """One blood-test result as reported: test id, value, unit, optional date and lab range."""

    model_config = _MODEL

    test: LabTest
    value: float = Field(gt=0, allow_inf_nan=False)
    unit: str
    date: dt.date | None = None
    lab: str | None = Field(default=None, max_length=200)
    reference_low: float | None = Field(default=None, ge=0, allow_inf_nan=False)
    reference_high: float | None = Field(default=None, gt=0, allow_inf_nan=False)

    @model_validator(mode="before")
    @classmethod
    def _unit_present(cls, data: Any) -> Any:
        # A missing unit is checked by `_check_unit` so the message can list the allowed units.
        if isinstance(data, dict) and data.get("unit") is None:
            return {**data, "unit": MISSING}
        return data

    @field_validator("unit", mode="before")
    @classmethod
    def _check_unit(cls, unit: Any, info: ValidationInfo) -> str:
        test = info.data.get("test")
        if test not in ALLOWED_UNITS:
            return str(unit)  # the Literal on `test` already reports the unknown test
        allowed = ", ".join(ALLOWED_UNITS[test])
        if not isinstance(unit, str) or not unit.strip() or unit == MISSING:
            raise ValueError(f"one of {allowed}")
        canonical = canonical_unit(test, unit)
        if canonical is None:
            raise ValueError(f"not a unit for {test}; one of {allowed}")
        return canonical


class Profile(BaseModel):
    """Everything the assessment needs about one person (CONTRACT.md). `today` is not part of it."""

    model_config = _MODEL

    age: int = Field(ge=0, le=120)
    sex: Sex = "unspecified"
    pregnant: bool = False
    breastfeeding: bool = False
    combined_oral_contraceptive: bool = False
    ethnicity: str | None = Field(default=None, max_length=50)
    diet: Diet = "omnivore"
    medications: tuple[Medication, ...] = ()
    conditions: tuple[str, ...] = ()
    nitrous_oxide: NitrousOxide = "none"
    symptoms: tuple[str, ...] = ()
    pain: Pain = Pain()
    b12_treatment: B12Treatment | None = None
    labs: tuple[LabResult, ...] = ()
    #: Questionnaire answers keyed by instrument id (`dn4`, `acr2016` …), scored by `instruments`.
    instruments: dict[str, dict[str, Any]] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _pregnancy_possible(self) -> Profile:
        if self.pregnant and self.sex == "male":
            raise ValueError("pregnant: true needs sex female, intersex or unspecified")
        return self
