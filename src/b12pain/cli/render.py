"""Render an `Assessment` for the terminal: red flags first, then testing, labs, treatment, plan,
and the numbered sources.

The renderer only lays out what `clinical.assess` decided; the words come from
`b12pain.presentation.assessment` (shared with the web and the PDF report).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from rich.console import Console, Group
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from b12pain.clinical.result import Assessment
from b12pain.knowledge import Citation, load
from b12pain.presentation.assessment import (
    LEVEL_WORDS,
    Footnotes,
    band_words,
    deficiency_words,
    footnotes_for,
    red_flag_text,
    test_names,
    testing_words,
    urgency_words,
)
from b12pain.presentation.entries import ROUTE_WORDS  # plain words shared with web and PDF

URGENCY_STYLE = {
    "emergency": "bold white on red",
    "urgent": "bold red",
    "routine": "yellow",
    "none": "green",
}
SEVERITY_STYLE = {
    "emergency": "bold red",
    "urgent": "red",
    "warning": "yellow",
    "caution": "yellow",
    "info": "cyan",
}


def cite(citations: Iterable[Citation]) -> str:
    """Citations as a short bracketed list of source ids and levels, e.g. `[ng239-bmj P*; pulse S]`."""
    parts = list(dict.fromkeys(f"{c.source} {c.level}" for c in citations))
    return escape("[" + "; ".join(parts) + "]") if parts else ""


def print_sources(notes: Footnotes, console: Console) -> None:
    """Print the numbered source list of every footnote shown (clinical-spec §J.13)."""
    lines = [escape(f"{line.text()}") for line in notes.sources(load())]
    if not lines:
        return
    levels = "; ".join(f"{level}: {words}" for level, words in LEVEL_WORDS.items())
    console.print(
        Panel("\n".join([f"[dim]Levels — {escape(levels)}[/dim]", *lines]), title="Sources")
    )


def render_assessment(assessment: Assessment, console: Console, clinician: bool = False) -> None:
    """Print the whole assessment; `clinician=True` shows clinician wording instead of plain words.

    Red flags first: people read each flag's plain summary, clinicians its action (§J.7). Every
    bracketed number refers to the numbered source list printed at the end (§J.13).
    """
    notes = footnotes_for(assessment)

    def cite(citations: Iterable[Citation]) -> str:
        return escape(notes.mark(citations))

    for flag in assessment.red_flags:
        body = Text.from_markup(
            f"[bold]{escape(flag.title)}[/bold]\n{escape(red_flag_text(flag, clinician))}"
            f"\n[dim]{cite(flag.citations)}[/dim]"
        )
        console.print(Panel(body, title=f"RED FLAG — {flag.urgency.upper()}", border_style="red"))
    style = URGENCY_STYLE.get(assessment.urgency, "")
    console.print(
        Text(f"Overall urgency: {urgency_words(assessment.urgency, clinician)}", style=style)
    )

    testing = assessment.testing
    lines = [f"[bold]B12 test:[/bold] {escape(testing_words(testing.status, clinician))}"]
    if testing.tests:
        lines.append("Tests: " + escape(test_names(testing.tests, load(), clinician)))
    if testing.monitoring_suggested:
        lines.append("Periodic B12 monitoring suggested (a routine check, no set interval).")
    lines += [f"• {escape(r)}" for r in testing.reasons]
    if testing.citations:
        lines.append(f"[dim]{cite(testing.citations)}[/dim]")
    console.print(Panel("\n".join(lines), title="Testing"))

    if assessment.labs:
        table = Table(title="Blood tests", show_lines=True)
        for column in ("test", "result", "what it shows", "next", "flags", "sources"):
            table.add_column(column, overflow="fold")
        for lab in assessment.labs:
            shown = f"{lab.value:g} {lab.unit}"
            if lab.equivalent_value is not None:
                shown += f" (≈{lab.equivalent_value:.4g} {lab.equivalent_unit})"
            table.add_row(
                lab.test,
                shown,
                escape(band_words(lab.test, lab.band, clinician)),
                ", ".join(lab.next_tests),
                ", ".join(lab.flags),
                cite(lab.citations),
            )
        console.print(table)
    console.print(
        escape(deficiency_words(assessment.deficiency, clinician))
        + ("   Neurological involvement suspected" if assessment.neurological_involvement else "")
    )

    if assessment.before_treatment is not None:
        before = assessment.before_treatment
        text = before.clinician_summary if clinician else before.summary
        console.print(
            Panel(
                Text.from_markup(
                    f"{escape(text)}\nTests first: {escape(test_names(before.tests, load(), clinician))}"
                    f"\n[dim]{cite(before.citations)}[/dim]"
                ),
                title="Before any treatment",
            )
        )
    if assessment.treatment is not None:
        _render_treatment(assessment, console, cite)

    # In plain wording the testing findings are the Testing panel above; not repeated here.
    findings = [f for f in assessment.findings if clinician or not f.code.startswith("testing.")]
    if findings:
        table = Table(title="Findings", show_lines=True)
        table.add_column("", width=9)
        table.add_column("what it means" if not clinician else "for the clinician", overflow="fold")
        table.add_column("sources", overflow="fold")
        for finding in findings:
            text = finding.clinician_summary if clinician else finding.summary
            if finding.unverified:
                text += " (unverified: not yet checked against the primary source)"
            table.add_row(
                Text(finding.severity, style=SEVERITY_STYLE.get(finding.severity, "")),
                escape(text),
                cite(finding.citations),
            )
        console.print(table)

    if assessment.instruments:
        table = Table(title="Pain questionnaires")
        for column in ("instrument", "score", "category", "positive", "sources"):
            table.add_column(column, overflow="fold")
        for result in assessment.instruments:
            row = [
                str(_get(result, k, "")) for k in ("instrument", "score", "category", "positive")
            ]
            table.add_row(
                *(escape(cell) for cell in row), cite(_get(result, "citations", ()) or ())
            )
        console.print(table)

    if assessment.plan:
        rows = []
        for item in assessment.plan:
            title = _get(item, "title", "")
            why = _get(item, "why", "") or _get(item, "summary", "")
            rows.append(
                f"• [bold]{escape(str(title))}[/bold] — {escape(str(why))} "
                f"[dim]{cite(_get(item, 'citations', ()) or ())}[/dim]"
            )
        console.print(Panel("\n".join(rows), title="Points to discuss with your clinician"))

    print_sources(notes, console)
    console.print(
        Panel(escape(assessment.disclaimer), title="Not medical advice", border_style="dim")
    )


def _render_treatment(
    assessment: Assessment, console: Console, cite: Callable[[Iterable[Citation]], str]
) -> None:
    treatment = assessment.treatment
    assert treatment is not None
    if treatment.dose:
        heading = (
            f"[bold]{escape(treatment.regimen_id)}[/bold]: {escape(treatment.dose)} "
            f"{ROUTE_WORDS.get(treatment.route, treatment.route)}, "
            f"{escape(treatment.frequency)}"
        )
    else:  # the cited options, chosen by the clinician
        heading = f"[bold]{escape(treatment.summary)}[/bold]"
    lines = [heading]
    if treatment.maintenance:
        lines.append(
            f"Maintenance: {escape(treatment.maintenance)}"
            + (" (lifelong)" if treatment.lifelong else "")
        )
    lines.append(f"Review after {treatment.review_after_days} days")
    if treatment.alternatives:
        lines.append("Alternatives: " + ", ".join(treatment.alternatives))
    lines += [f"• {escape(n)}" for n in treatment.notes]
    lines.append(f"[dim]{cite(treatment.citations)}[/dim]")
    parts: list[Any] = [Text.from_markup("\n".join(lines))]
    if treatment.schedule:
        table = Table(show_header=True, box=None)
        table.add_column("date")
        table.add_column("what")
        for step in treatment.schedule[:12]:
            table.add_row(step.date.isoformat(), escape(step.what))
        if len(treatment.schedule) > 12:
            table.add_row("…", f"{len(treatment.schedule) - 12} more (see --json)")
        parts.append(table)
    elif assessment.before_treatment is not None:
        parts.append(Text("No dated schedule until the blood samples have been taken."))
    console.print(Panel(Group(*parts), title="Treatment to discuss (a clinician decides)"))
    tiers = [t for t in treatment.consumer_tiers if t.applies]
    if tiers:
        table = Table(
            title="What the article's dosage tiers say, beside the guideline", show_lines=True
        )
        table.add_column("article's tier", overflow="fold")
        table.add_column("agreement")
        table.add_column("why", overflow="fold")
        table.add_column("sources")
        for tier in tiers:
            table.add_row(
                escape(tier.tier),
                tier.agreement.replace("_", " "),
                escape(tier.explanation),
                cite(tier.citations),
            )
        console.print(table)


def _get(item: Any, key: str, default: Any) -> Any:
    if isinstance(item, dict):
        return item.get(key, default)
    return getattr(item, key, default)
