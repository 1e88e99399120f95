"""The report laid out once, as simple blocks: headings, paragraphs, lists, tables, figures.

`layout(report, chart_svg)` decides what goes on page 1 (readable in a minute) and what follows.
The HTML and the PDF renderers only turn these blocks into markup, so both show the same text in
the same order. Text stays plain text here; each renderer escapes it for its own format.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Literal

from b12pain.reports.model import LabLine, Report

Tone = Literal["normal", "alert", "muted", "plain"]


@dataclass(frozen=True)
class Heading:
    """A section heading (level 1: the title; 2: sections)."""

    text: str
    level: int = 2
    type: str = "heading"


@dataclass(frozen=True)
class Paragraph:
    """A paragraph; `alert` draws attention (red flags), `muted` is small print."""

    text: str
    tone: Tone = "normal"
    type: str = "paragraph"


@dataclass(frozen=True)
class Bullets:
    """A bulleted list (`plain`: no bullets, e.g. the numbered sources)."""

    items: tuple[str, ...]
    tone: Tone = "normal"
    type: str = "bullets"


@dataclass(frozen=True)
class Table:
    """A table with a header row; `caption` names it for screen readers."""

    caption: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    type: str = "table"


@dataclass(frozen=True)
class Figure:
    """An SVG chart with its text alternative."""

    name: str
    svg: str
    alt: str
    type: str = "figure"


Block = Heading | Paragraph | Bullets | Table | Figure


@dataclass(frozen=True)
class Document:
    """Title, page 1, the following pages, and the line printed at the foot of every page."""

    title: str
    page_one: tuple[Block, ...]
    following: tuple[Block, ...]
    footer: str
    lang: str = "en"

    def as_json(self) -> dict[str, Any]:
        """Plain JSON data (the Typst template reads this)."""
        data: dict[str, Any] = dataclasses.asdict(self)
        return data


def cite(numbers: tuple[int, ...]) -> str:
    """` [1, 4-7]` after a statement (runs of numbers shortened), or nothing."""
    if not numbers:
        return ""
    runs: list[list[int]] = []
    for n in sorted(set(numbers)):
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    parts = [f"{r[0]}-{r[-1]}" if len(r) > 2 else ", ".join(map(str, r)) for r in runs]
    return f" [{', '.join(parts)}]"


def number(value: float | None, digits: int = 1) -> str:
    """A number as a clinician reads it: `210`, `0.45`, `5.3`; `–` when unknown."""
    if value is None:
        return "–"
    return f"{value:.{digits}f}".rstrip("0").rstrip(".") if digits else f"{value:.0f}"


def _lab_value(lab: LabLine) -> str:
    return f"{number(lab.value, 3)} {lab.unit}"


def _lab_rows(labs: tuple[LabLine, ...]) -> tuple[tuple[str, ...], ...]:
    return tuple(
        (
            lab.taken_on.isoformat(),
            lab.test,
            _lab_value(lab),
            lab.band + cite(lab.cites),
            lab.lab_range or "not given",
            lab.lab or "",
        )
        for lab in labs
    )


#: Page 1 lists this many questionnaires (the newest); all of them follow on later pages.
PAGE_ONE_SCORES = 5

LAB_HEADER = ("Date", "Test", "Result", "Band (b12pain reading)", "Lab's own range", "Lab")


def page_one(report: Report) -> tuple[Block, ...]:
    """The summary a clinician reads in a minute: red flags first, questions last."""
    period = f"{report.start.isoformat()} to {report.end.isoformat()}"
    blocks: list[Block] = [
        Heading("B12 and pain: summary for the clinician", 1),
        Paragraph(
            f"Period {period}. Generated {report.generated_at:%Y-%m-%d %H:%M %z}. "
            f"{report.prepared_by} {report.disclaimer}",
            "muted",
        ),
        Heading("Red flags"),
    ]
    if report.red_flags:
        blocks.append(
            Bullets(
                tuple(f"{f.title}. {f.clinician_action}{cite(f.cites)}" for f in report.red_flags),
                "alert",
            )
        )
    else:
        blocks.append(Paragraph("None reported from the recorded symptoms and signs."))
    blocks.append(Heading("Current B12 status"))
    blocks.append(Paragraph(report.b12_status))
    if report.latest_labs:
        latest = tuple(
            (
                lab.test,
                _lab_value(lab),
                lab.taken_on.isoformat(),
                lab.band + cite(lab.cites),
                lab.lab_range or "not given",
            )
            for lab in report.latest_labs
        )
        blocks.append(
            Table("Latest results", ("Test", "Result", "Date", "Band", "Lab's own range"), latest)
        )
    blocks.append(Heading("Questionnaire scores"))
    if report.scores:
        newest = sorted(report.scores, key=lambda s: s.on, reverse=True)
        rows = [
            (s.name, s.on.isoformat(), s.score, s.meaning + cite(s.cites))
            for s in newest[:PAGE_ONE_SCORES]
        ]
        if len(newest) > PAGE_ONE_SCORES:
            more = len(newest) - PAGE_ONE_SCORES
            rows.append((f"… and {more} more (see Questionnaires)", "", "", ""))
        blocks.append(
            Table(
                "Latest questionnaire scores",
                ("Questionnaire", "Date", "Score", "Meaning"),
                tuple(rows),
            )
        )
    else:
        blocks.append(Paragraph("No questionnaire completed in this period."))
    blocks.append(Heading("Current regimen, adherence and stock"))
    if report.regimens:
        blocks.append(
            Table(
                "Supplement plans",
                ("Plan", "Dose", "Since", "Doses taken", "Stock"),
                tuple(
                    (
                        r.name + cite(r.cites),
                        r.dose,
                        r.since.isoformat()
                        + (f" (stopped {r.stopped_on.isoformat()})" if r.stopped_on else ""),
                        r.adherence,
                        r.stock or "not counted",
                    )
                    for r in report.regimens
                ),
            )
        )
    else:
        blocks.append(Paragraph("No B12 supplement plan recorded."))
    blocks.append(Heading("Pain trend"))
    blocks.append(Paragraph(report.pain.message))
    blocks.append(Heading("What changed since the last report"))
    blocks.append(Bullets(report.changes) if report.changes else Paragraph("Nothing new."))
    blocks.append(Heading("Questions to discuss"))
    blocks.append(Bullets(report.questions) if report.questions else Paragraph("None noted."))
    return tuple(blocks)


def following_pages(report: Report, chart_svg: str | None) -> tuple[Block, ...]:
    """The detail: labs, charts, diary, intake, plan, medicines, sources, provenance."""
    blocks: list[Block] = []
    if report.red_flags:  # first on every page that has them: here in the person's words
        blocks.append(Heading("Red flags in plain words"))
        blocks.append(Bullets(tuple(f"{f.title}: {f.action}" for f in report.red_flags), "alert"))
    blocks.append(Heading("Laboratory results"))
    if report.labs:
        blocks.append(Table("All results in the period", LAB_HEADER, _lab_rows(report.labs)))
    else:
        blocks.append(Paragraph("No blood-test results in this period."))
    if report.scores:
        blocks.append(Heading("Questionnaires"))
        blocks.append(
            Table(
                "Latest result of each questionnaire, with the item answers",
                ("Questionnaire", "Date", "Score", "Meaning", "Answers"),
                tuple(
                    (
                        s.name,
                        s.on.isoformat(),
                        s.score,
                        s.meaning + cite(s.cites),
                        ", ".join(f"{item}: {answer}" for item, answer in s.answers) or "–",
                    )
                    for s in report.scores
                ),
            )
        )
    blocks.append(Heading("Charts"))
    if chart_svg is not None:
        blocks.append(
            Figure(
                "timeline",
                chart_svg,
                "Pain (daily average, 0 to 10), B12 blood results, supplement doses and B12 "
                f"from food, on one time axis from {report.start} to {report.end}.",
            )
        )
    else:
        blocks.append(Paragraph("Nothing to chart in this period."))
    blocks.append(Heading("Diary summary"))
    if report.diary:
        blocks.append(
            Table(
                "Diary entries in the period",
                ("Diary", "Entries", "Summary"),
                tuple((d.kind, str(d.entries), d.summary) for d in report.diary),
            )
        )
    else:
        blocks.append(Paragraph("No diary entries in this period."))
    if report.pain.caveat:
        blocks.append(Paragraph(report.pain.caveat, "muted"))
    if report.notes:
        blocks.append(Heading("Notes the person wrote", 3))
        blocks.append(
            Table(
                "Notes (most recent first)",
                ("Date", "Entry", "Note"),
                tuple((n.on.isoformat(), n.kind, n.text) for n in report.notes),
            )
        )
    blocks.append(Heading("Intake of B12 from food"))
    intake = report.intake
    if intake is None or not intake.days_logged:
        blocks.append(Paragraph("No food logged in this period."))
    else:
        text = (
            f"{intake.days_logged} days with food logged; on average "
            f"{number(intake.mean_daily_ug, 2)} µg of B12 a day"
        )
        if intake.reference:
            text += f" ({intake.reference})"
        blocks.append(Paragraph(text + "."))
        if intake.top_foods:
            blocks.append(Paragraph("Main sources: " + "; ".join(intake.top_foods) + "."))
    blocks.append(Heading("Plan"))
    if report.plan:
        blocks.append(
            Table(
                "Upcoming doses, reviews and tests",
                ("Date", "What", "Kind"),
                tuple((s.on.isoformat(), s.what, s.kind) for s in report.plan),
            )
        )
    else:
        blocks.append(Paragraph("Nothing scheduled."))
    blocks.append(Heading("Medicines"))
    if report.medicines:
        blocks.append(
            Table(
                "Medicines from the person's profile",
                ("Medicine", "Dose", "Since"),
                tuple((m.name, m.dose or "", m.since or "") for m in report.medicines),
            )
        )
    else:
        blocks.append(Paragraph("No medicines recorded in the profile."))
    blocks.append(Heading("Sources"))
    if report.sources:
        blocks.append(Bullets(tuple(f"[{s.number}] {s.text}" for s in report.sources), "plain"))
    else:
        blocks.append(Paragraph("No statement in this report needed a source."))
    blocks.append(Heading("About this report"))
    blocks.append(
        Bullets(
            (
                f"Generated: {report.generated_at.isoformat(timespec='minutes')}",
                f"Knowledge version: {report.knowledge_version}",
                f"Date range: {report.start.isoformat()} to {report.end.isoformat()}",
                f"Changes counted since: {report.last_report_on.isoformat()}",
                report.prepared_by,
                report.disclaimer,
            )
        )
    )
    return tuple(blocks)


def layout(report: Report, chart_svg: str | None) -> Document:
    """The whole report as blocks: page 1, then the following pages."""
    return Document(
        title=f"B12 and pain report, {report.start.isoformat()} to {report.end.isoformat()}",
        page_one=page_one(report),
        following=following_pages(report, chart_svg),
        footer=f"{report.start.isoformat()} to {report.end.isoformat()}. Prepared by the person, "
        "not a clinical record. Not medical advice.",
    )
