"""Michigan Neuropathy Screening Instrument: questionnaire (>= 7) and examination (>= 2.5).

Michigan scoring, not PhenX's: yes to items 1-3, 5-6, 8-9, 11-12, 14-15 scores 1; no to items 7
and 13 scores 1; items 4 and 10 are asked but not scored. The questionnaire cut-off is
configurable (`cutoff`), defaulting to the published 7.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from b12pain.instruments._common import banded, info, item_sum, result, validate
from b12pain.instruments.result import InstrumentResult


def score_mnsi(
    answers: Mapping[str, Any], *, field_prefix: str = "", cutoff: int | None = None
) -> InstrumentResult:
    """MNSI questionnaire score 0-13 from yes/no answers `q1`…`q15`.

    With `cutoff` set, abnormal means a score at or above it; the default reads the cited band.
    """
    if cutoff is None:
        return banded("mnsi", answers, field_prefix=field_prefix)
    entry = info("mnsi")
    clean = validate(entry, answers, "mnsi", field_prefix)
    total = item_sum(entry, clean)
    positive = total >= cutoff
    return result(
        "mnsi",
        entry,
        score=total,
        category="abnormal" if positive else "normal",
        positive=positive,
        summary=(
            f"The answers {'reach' if positive else 'are below'} the chosen MNSI cut-off of {cutoff}."
        ),
        clinician_summary=(
            f"MNSI questionnaire {int(total)}/13 against a user-chosen cut-off of {cutoff} "
            "(published default 7)."
        ),
        answers=clean,
        subscores={"cutoff": cutoff},
    )


def score_mnsi_exam(answers: Mapping[str, Any], *, field_prefix: str = "") -> InstrumentResult:
    """MNSI examination score 0-8 (both feet), abnormal at 2.5 or more."""
    return banded("mnsi_exam", answers, field_prefix=field_prefix)
