"""Roland-Morris Disability Questionnaire: number of the 24 statements that apply today (0-24).

An item marked `not_applicable` is scored as not ticked (Roland & Fairbank 2000). There are no
severity cut-offs, so `positive` is None and the category says where the score lies.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from b12pain.instruments._common import info, item_sum, result, validate
from b12pain.instruments.result import InstrumentResult


def score_rmdq(answers: Mapping[str, Any], *, field_prefix: str = "") -> InstrumentResult:
    """RMDQ score 0-24 from `q1`…`q24` (true, false or not_applicable)."""
    entry = info("rmdq")
    clean = validate(entry, answers, "rmdq", field_prefix)
    total = item_sum(entry, clean)
    shown = f"{int(total)} of 24"
    return result(
        "rmdq",
        entry,
        score=total,
        category="scored",
        positive=None,
        summary=(
            f"{shown} statements about everyday activities apply to you because of your back; "
            "higher means back pain limits more of daily life. There is no pass mark."
        ),
        clinician_summary=f"RMDQ {shown} (higher = more disability; no published severity cut-offs).",
        answers=clean,
    )
