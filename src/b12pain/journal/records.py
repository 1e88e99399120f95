"""What a person records, as validated pydantic models: the one shape shared by the store,
the CLI and the JSON export (`b12pain.journal/1`).

Every record has a stable `uid`, the local time it refers to (`at`, with its UTC offset) and an
optional free-text `note`. The database repeats these limits as CHECK constraints.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Annotated, Any, Literal, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from b12pain.clinical.profile import LabResult, Profile
from b12pain.days import check_day
from b12pain.journal.pain_words import BODY_REGIONS as BODY_REGIONS  # re-exported
from b12pain.journal.pain_words import PAIN_TYPES as PAIN_TYPES  # re-exported
from b12pain.journal.pain_words import pain_type_id, region_ids

#: Body regions and pain types, and the words people use for them: `journal.pain_words`.
DOSE_STATUSES = ("planned", "taken", "skipped", "late")
DOSE_FORMS = ("oral", "sublingual", "injection")
INJECTION_SITES = (
    "deltoid_left",
    "deltoid_right",
    "thigh_left",
    "thigh_right",
    "gluteal_left",
    "gluteal_right",
    "other",
)
KINDS = (
    "profile", "lab", "pain", "symptoms", "instrument", "sleep", "exercise", "stress", "mood",
    "plan", "dose", "food", "assessment", "stock",
)  # fmt: skip

MAX_NOTE = 2000
MAX_OFFSET_MINUTES = 14 * 60
_ID = re.compile(r"^[a-z][a-z0-9_]{0,59}$")

_MODEL = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

Note = Annotated[str, Field(min_length=1, max_length=MAX_NOTE)]
Label = Annotated[str, Field(min_length=1, max_length=80)]


def new_uid() -> str:
    """A fresh record id: stable across export and import, unique across stores."""
    return uuid.uuid4().hex


Day = Annotated[dt.date, AfterValidator(check_day)]


def _one_of(allowed: tuple[str, ...], what: str) -> AfterValidator:
    """A check of one id against `allowed`, so an error names the item (`regions[1]`)."""

    def check(value: str) -> str:
        value = value.lower().replace(" ", "_")  # `Lower back` is `lower_back`
        if value not in allowed:
            raise ValueError(f"unknown {what}; one of {', '.join(allowed)}")
        return value

    return AfterValidator(check)


def _once(values: tuple[str, ...], what: str) -> tuple[str, ...]:
    if len(set(values)) != len(values):
        raise ValueError(f"each {what} once")
    return values


def _check_ids(values: tuple[str, ...], allowed: tuple[str, ...], what: str) -> tuple[str, ...]:
    wrong = [v for v in values if v not in allowed]
    if wrong:
        raise ValueError(f"unknown {what} {', '.join(wrong)}; one of {', '.join(allowed)}")
    if len(set(values)) != len(values):
        raise ValueError(f"each {what} once")
    return values


class Comment(BaseModel):
    """A comment on an entry: the person's own note, or later a clinician's."""

    model_config = _MODEL

    uid: str = Field(default_factory=new_uid, pattern=r"^[0-9a-f]{32}$")
    at: dt.datetime
    author: Label = "me"
    text: Note

    @field_validator("at")
    @classmethod
    def _aware(cls, value: dt.datetime) -> dt.datetime:
        return _check_aware(value)


def _check_aware(value: dt.datetime) -> dt.datetime:
    offset = value.utcoffset()
    check_day(value)
    if offset is None:
        raise ValueError("a date-time with a UTC offset, e.g. 2026-11-24T08:30:00+01:00")
    if abs(offset.total_seconds()) > MAX_OFFSET_MINUTES * 60 or offset.total_seconds() % 60:
        raise ValueError("UTC offset between -14:00 and +14:00 in whole minutes")
    return value


class Entry(BaseModel):
    """Fields every journal record has."""

    model_config = _MODEL

    uid: str = Field(default_factory=new_uid, pattern=r"^[0-9a-f]{32}$")
    at: dt.datetime
    note: Note | None = None
    comments: tuple[Comment, ...] = ()

    @field_validator("at")
    @classmethod
    def _aware(cls, value: dt.datetime) -> dt.datetime:
        return _check_aware(value)

    @property
    def day(self) -> dt.date:
        """The person's own calendar day of this entry (local to its UTC offset)."""
        return self.at.date()


class ProfileEntry(Entry):
    """A version of the CONTRACT.md profile; saving a new one keeps the old ones."""

    kind: Literal["profile"] = "profile"
    profile: dict[str, Any]

    @field_validator("profile")
    @classmethod
    def _valid_profile(cls, value: dict[str, Any]) -> dict[str, Any]:
        return Profile.model_validate(value).model_dump(mode="json", exclude_defaults=True)


class LabEntry(Entry):
    """A blood-test result as the lab reported it, with the lab's own reference range."""

    kind: Literal["lab"] = "lab"
    test: str
    value: float
    unit: str
    taken_on: Day | None = None
    lab: Annotated[str, Field(max_length=200)] | None = None
    reference_range: Annotated[str, Field(max_length=80)] | None = None

    @model_validator(mode="before")
    @classmethod
    def _valid_lab(cls, data: Any) -> Any:
        if isinstance(data, dict):
            fields = {k: data.get(k) for k in ("test", "value", "unit")}
            checked = LabResult.model_validate(fields)  # canonical unit, value > 0, known test
            data = {**data, "test": checked.test, "value": checked.value, "unit": checked.unit}
        return data

    @field_validator("taken_on")
    @classmethod
    def _not_after_entry(cls, value: dt.date | None, info: ValidationInfo) -> dt.date | None:
        at = info.data.get("at")
        if value is not None and at is not None and value > at.date():
            raise ValueError(f"the day the blood was taken, on or before {at.date()}")
        return value


def _region_word(word: str) -> str:
    """`word` if it names one or more regions (`pain_words.region_ids`); ValueError otherwise."""
    region_ids(word)
    return word


class PainEntry(Entry):
    """A pain rating (NRS 0–10) with where, what kind, what triggered it and what helped."""

    kind: Literal["pain"] = "pain"
    nrs: int = Field(ge=0, le=10)
    #: Each item is checked on its own (an error names `regions[1]`); a word for a pair
    #: ("knees") then stands for both regions, and a region named twice counts once.
    regions: tuple[Annotated[str, AfterValidator(_region_word)], ...] = ()
    pain_type: Annotated[str, AfterValidator(pain_type_id)] | None = None
    descriptors: tuple[Annotated[str, AfterValidator(pain_type_id)], ...] = ()
    triggers: tuple[Label, ...] = ()
    helped: tuple[Label, ...] = ()

    @field_validator("regions")
    @classmethod
    def _regions(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(dict.fromkeys(r for word in value for r in region_ids(word)))

    @field_validator("descriptors")
    @classmethod
    def _descriptors(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(dict.fromkeys(value))


#: Validation context for records read back from the store: ids checked against the
#: vocabulary when written are not re-checked, so a later knowledge release never locks a journal.
STORED = {"stored": True}


def _symptom_id(name: str, info: ValidationInfo) -> str:
    """The knowledge id of a symptom name or synonym ("pins and needles" → `tingling`)."""
    from b12pain.clinical.vocabulary import known_ids, resolve

    if info.context == STORED:
        return name
    found = resolve("symptom", name)
    if found is None:
        raise ValueError(f"unknown symptom; one of {', '.join(known_ids('symptom'))}")
    return found


class SymptomCheck(Entry):
    """Which symptoms (knowledge ids such as `tingling`, `fatigue`) were present at a check."""

    kind: Literal["symptoms"] = "symptoms"
    symptoms: tuple[Annotated[str, AfterValidator(_symptom_id)], ...]


class InstrumentEntry(Entry):
    """A questionnaire result: the answers and the score the instruments package gave."""

    kind: Literal["instrument"] = "instrument"
    instrument: Annotated[str, Field(pattern=_ID.pattern)]
    answers: dict[str, Any] = Field(default_factory=dict)
    score: float | None = Field(default=None, allow_inf_nan=False)
    category: Label | None = None


class SleepEntry(Entry):
    """Last night's sleep: hours, and quality on the 0 (very bad) to 4 (very good) scale."""

    kind: Literal["sleep"] = "sleep"
    hours: float = Field(ge=0, le=24, allow_inf_nan=False)
    quality: int | None = Field(default=None, ge=0, le=4)


class ExerciseEntry(Entry):
    """Exercise: minutes and what kind."""

    kind: Literal["exercise"] = "exercise"
    minutes: int = Field(ge=0, le=1440)
    activity: Label | None = None


class StressEntry(Entry):
    """Stress level 0 (none) to 10 (worst)."""

    kind: Literal["stress"] = "stress"
    level: int = Field(ge=0, le=10)


class MoodEntry(Entry):
    """Mood 0 (very bad) to 4 (very good), the pain-diary condition scale."""

    kind: Literal["mood"] = "mood"
    level: int = Field(ge=0, le=4)


class ScheduledItem(BaseModel):
    """One dated step of a plan's schedule (from `clinical.regimens.build_schedule`)."""

    model_config = _MODEL

    date: Day
    what: Annotated[str, Field(min_length=1, max_length=300)]
    kind: Literal["dose", "review", "test"] = "dose"


class PlanEntry(Entry):
    """A supplement plan: a cited regimen (`clinical` regimen id) as prescribed, or a supplement
    the person bought (`regimen_id` None, its name in `product`).

    Doses repeat `every_days` from `starts_on` (daily tablets), and/or follow the dated
    `schedule` (injection loading and maintenance, reviews, follow-up tests). A stopped or
    changed plan has `stopped_on`, the first day without its doses. Whether the amount fits a
    regimen is `clinical.dosing`'s question, asked by the service layer before storing.
    """

    kind: Literal["plan"] = "plan"
    regimen_id: Annotated[str, Field(pattern=_ID.pattern)] | None = None
    product: Annotated[str, Field(min_length=1, max_length=120)] | None = None
    form: Literal["oral", "sublingual", "injection"]
    amount_ug: float = Field(gt=0, le=1_000_000, allow_inf_nan=False)
    every_days: int | None = Field(default=None, ge=1, le=366)
    starts_on: Day
    ends_on: Day | None = None
    stock_units: int | None = Field(default=None, ge=0, le=100_000)
    review_on: Day | None = None
    schedule: tuple[ScheduledItem, ...] = ()
    stopped_on: Day | None = None

    @property
    def own_supplement(self) -> bool:
        """True for a supplement the person bought rather than a cited regimen."""
        return self.regimen_id is None

    @property
    def name(self) -> str:
        """What the plan is called: its regimen id, or the product ("my supplement")."""
        return self.regimen_id or self.product or "my supplement"

    def active_on(self, day: dt.date) -> bool:
        """True when `day` lies in the plan's run (started, not ended, not stopped)."""
        if day < self.starts_on or (self.ends_on is not None and day > self.ends_on):
            return False
        return self.stopped_on is None or day < self.stopped_on

    @model_validator(mode="after")
    def _stopped_after_start(self) -> PlanEntry:
        if self.stopped_on is not None and self.stopped_on < self.starts_on:
            raise ValueError(f"stopped_on on or after starts_on ({self.starts_on})")
        if self.regimen_id is None and self.every_days is None:
            raise ValueError("a supplement without a regimen needs every_days")
        return self

    @field_validator("ends_on")
    @classmethod
    def _dates(cls, value: dt.date | None, info: ValidationInfo) -> dt.date | None:
        starts_on = info.data.get("starts_on")
        if value is not None and starts_on is not None and value < starts_on:
            raise ValueError(f"on or after starts_on ({starts_on})")
        return value

    @field_validator("schedule")
    @classmethod
    def _when(
        cls, value: tuple[ScheduledItem, ...], info: ValidationInfo
    ) -> tuple[ScheduledItem, ...]:
        if not value and info.data.get("every_days") is None:
            raise ValueError("a plan needs every_days or a schedule of dated doses")
        return value


class DoseEvent(Entry):
    """A dose: planned, taken, skipped or taken late; injections say where."""

    kind: Literal["dose"] = "dose"
    plan_uid: Annotated[str, Field(pattern=r"^[0-9a-f]{32}$")] | None = None
    status: Literal["planned", "taken", "skipped", "late"] = "taken"
    form: Literal["oral", "sublingual", "injection"]
    site: str | None = None
    amount_ug: float | None = Field(default=None, gt=0, le=1_000_000, allow_inf_nan=False)

    @field_validator("site")
    @classmethod
    def _site(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is not None:
            if info.data.get("form") != "injection":
                raise ValueError("only for injections (form injection)")
            _check_ids((value,), INJECTION_SITES, "injection site")
        return value


class StockCount(Entry):
    """Units of a plan's supplement on hand, counted now (a restock or a recount)."""

    kind: Literal["stock"] = "stock"
    plan_uid: Annotated[str, Field(pattern=r"^[0-9a-f]{32}$")]
    units: int = Field(ge=0, le=100_000)


class FoodEntry(Entry):
    """Something eaten: the food id, the amount as typed, grams and its B12 (None: unknown)."""

    kind: Literal["food"] = "food"
    food_id: Label
    description: Annotated[str, Field(min_length=1, max_length=300)]
    amount_text: Label
    grams: float = Field(gt=0, le=10_000, allow_inf_nan=False)
    b12_ug: float | None = Field(default=None, ge=0, le=100_000, allow_inf_nan=False)
    #: Of which added by fortification (None: unknown), for the natural vs added split.
    b12_added_ug: float | None = Field(default=None, ge=0, le=100_000, allow_inf_nan=False)


class SavedAssessment(Entry):
    """A saved assessment: the full Assessment JSON and the knowledge version that produced it."""

    kind: Literal["assessment"] = "assessment"
    knowledge_version: Label
    assessment: dict[str, Any]


Record = Annotated[
    ProfileEntry
    | LabEntry
    | PainEntry
    | SymptomCheck
    | InstrumentEntry
    | SleepEntry
    | ExerciseEntry
    | StressEntry
    | MoodEntry
    | PlanEntry
    | DoseEvent
    | FoodEntry
    | SavedAssessment
    | StockCount,
    Field(discriminator="kind"),
]

RECORD_TYPES: dict[str, type[Entry]] = {
    "profile": ProfileEntry,
    "lab": LabEntry,
    "pain": PainEntry,
    "symptoms": SymptomCheck,
    "instrument": InstrumentEntry,
    "sleep": SleepEntry,
    "exercise": ExerciseEntry,
    "stress": StressEntry,
    "mood": MoodEntry,
    "plan": PlanEntry,
    "dose": DoseEvent,
    "food": FoodEntry,
    "assessment": SavedAssessment,
    "stock": StockCount,
}

_Kind = TypeVar("_Kind", bound=Entry)


def entry_as(record: Entry, model: type[_Kind]) -> _Kind:
    """`record` typed as the `model` its kind says it is; `TypeError` (a bug, never bad input)
    if it is another kind. An explicit check, unlike `assert`, which `python -O` removes."""
    if not isinstance(record, model):
        raise TypeError(f"expected a {model.__name__} record, got {type(record).__name__}")
    return record
