"""The clinician report as plain, frozen data: one source of truth for HTML and PDF.

Built by `b12pain.service.reports.build_report` from the service layer's results; rendered by
`reports.document` (layout) and then `reports.html` / `reports.pdf`. Citation numbers (`cites`)
point into `Report.sources`, the numbered list printed at the end.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

#: Printed on every report: what it is, and what it is not.
PREPARED_BY = "Prepared by the person from their own b12pain journal; not a clinical record."
NOT_ADVICE = (
    "Not medical advice: b12pain prepares a conversation with a clinician; it does not diagnose."
)


@dataclass(frozen=True)
class Source:
    """One entry of the numbered source list (`[3]` in the text points here)."""

    number: int
    text: str


@dataclass(frozen=True)
class RedFlagLine:
    """A red flag: plain words for the person and the clinical action, with its sources."""

    title: str
    action: str
    clinician_action: str
    cites: tuple[int, ...] = ()


@dataclass(frozen=True)
class LabLine:
    """One blood-test result: as the lab reported it, its band, and the lab's own range."""

    taken_on: dt.date
    test: str
    value: float
    unit: str
    band: str
    lab_range: str | None = None
    lab: str | None = None
    cites: tuple[int, ...] = ()


@dataclass(frozen=True)
class ScoreLine:
    """A questionnaire result: the score, what it means, and the item answers behind it."""

    on: dt.date
    name: str
    score: str
    meaning: str
    answers: tuple[tuple[str, str], ...] = ()
    cites: tuple[int, ...] = ()


@dataclass(frozen=True)
class RegimenLine:
    """A supplement plan: what, since when, how many doses were taken, and the stock left."""

    name: str
    dose: str
    since: dt.date
    stopped_on: dt.date | None
    adherence: str
    stock: str | None = None
    cites: tuple[int, ...] = ()


@dataclass(frozen=True)
class PainTrend:
    """Pain over the period, and the average before vs after starting treatment."""

    days_with_entries: int
    mean: float | None
    first_week_mean: float | None
    last_week_mean: float | None
    treatment_started: dt.date | None
    before_mean: float | None
    after_mean: float | None
    message: str
    caveat: str


@dataclass(frozen=True)
class DiaryLine:
    """One diary kind over the period: how many entries and a one-line summary."""

    kind: str
    entries: int
    summary: str


@dataclass(frozen=True)
class NoteLine:
    """A note the person wrote on an entry (their words, shown as typed)."""

    on: dt.date
    kind: str
    text: str


@dataclass(frozen=True)
class IntakeLine:
    """B12 from food over the period."""

    days_logged: int
    mean_daily_ug: float | None
    reference: str | None
    top_foods: tuple[str, ...] = ()


@dataclass(frozen=True)
class PlanStepLine:
    """A dated step of a plan: a dose, a review or a follow-up test."""

    on: dt.date
    what: str
    kind: str


@dataclass(frozen=True)
class MedicineLine:
    """A medicine from the person's profile (as they typed it)."""

    name: str
    dose: str | None = None
    since: str | None = None


@dataclass(frozen=True)
class ChartData:
    """The dated series the charts draw, all within the report's date range."""

    pain: tuple[tuple[dt.date, float], ...] = ()
    #: (day, test, value in the reference unit, reference unit)
    labs: tuple[tuple[dt.date, str, float, str], ...] = ()
    #: (day, status: taken | late | skipped | planned)
    doses: tuple[tuple[dt.date, str], ...] = ()
    #: (day, µg of B12 from food)
    intake: tuple[tuple[dt.date, float], ...] = ()

    @property
    def empty(self) -> bool:
        """True when there is nothing to draw."""
        return not (self.pain or self.labs or self.doses or self.intake)


@dataclass(frozen=True)
class Report:
    """Everything the clinician report shows, in the order page 1 shows it."""

    generated_at: dt.datetime
    knowledge_version: str
    start: dt.date
    end: dt.date
    last_report_on: dt.date
    red_flags: tuple[RedFlagLine, ...]
    b12_status: str
    latest_labs: tuple[LabLine, ...]
    scores: tuple[ScoreLine, ...]
    regimens: tuple[RegimenLine, ...]
    pain: PainTrend
    changes: tuple[str, ...]
    questions: tuple[str, ...]
    labs: tuple[LabLine, ...] = ()
    charts: ChartData = field(default_factory=ChartData)
    diary: tuple[DiaryLine, ...] = ()
    notes: tuple[NoteLine, ...] = ()
    intake: IntakeLine | None = None
    plan: tuple[PlanStepLine, ...] = ()
    medicines: tuple[MedicineLine, ...] = ()
    sources: tuple[Source, ...] = ()
    disclaimer: str = NOT_ADVICE
    prepared_by: str = PREPARED_BY
