"""What to do after the guided check: the next steps, each with the command or page that does it.

Shared by every surface that ends a check, so the terminal and the browser point the same way.
The steps follow the result: a red flag comes first and alone decides what to do now; then the
talk with a clinician (with the report to bring when the result was saved), a blood test when
testing is recommended or reading one already in hand, and the diary that shows whether
anything helps.
"""

from __future__ import annotations

from dataclasses import dataclass

from b12pain.clinical.result import Assessment

#: Where the web app answers when started on this machine (`make run` or `b12pain serve`).
LOCAL_ADDRESS = "http://127.0.0.1:8000"


@dataclass(frozen=True)
class NextStep:
    """One thing to do, in plain words, with the command and the web page that do it."""

    what: str
    command: str | None = None
    page: str | None = None


def after_check(assessment: Assessment, saved: bool) -> list[NextStep]:
    """The next steps after a guided check, most pressing first; `saved`: the answers and the
    result are in the person's diary."""
    steps: list[NextStep] = []
    if assessment.red_flags:
        urgency = {"emergency": "now (emergency care)", "urgent": "today (urgent care)"}
        when = urgency.get(assessment.urgency, "soon")
        steps.append(NextStep(f"Act on the red flag above {when}, before anything else."))
    if saved:
        steps.append(
            NextStep(
                "Talk the result over with a clinician; bring the summary report.",
                "b12pain report --pdf my-report.pdf",
                "/report",
            )
        )
    else:
        steps.append(
            NextStep(
                "Talk the result over with a clinician. To keep it, save your answers to a "
                "file and add them to your diary.",
                "b12pain check --save my-profile.yaml, then "
                "b12pain log profile my-profile.yaml --assess",
                "/self-check",
            )
        )
    if not assessment.labs and assessment.testing.status == "recommended":
        steps.append(
            NextStep(
                "Ask for the blood test the result recommends; when you have it, read it here.",
                "b12pain labs total_b12 VALUE UNIT",
                "/labs",
            )
        )
    elif not assessment.labs:
        steps.append(
            NextStep(
                "If you have a B12 blood test result, read it here.",
                "b12pain labs total_b12 VALUE UNIT",
                "/labs",
            )
        )
    steps.append(
        NextStep(
            "Keep a pain diary (a line a day shows whether anything helps).",
            'b12pain log pain 5 --regions feet --at "08:30", then b12pain history',
            "/diary",
        )
    )
    return steps


__all__ = ["LOCAL_ADDRESS", "NextStep", "after_check"]
