"""Keele STarT Back: low / medium / high risk from 9 user-entered answers (no item text).

Items 1-8 agree = 1; item 9 scores 1 only for very_much or extremely. Total 0-3 is low risk;
otherwise the distress subscale (items 5-9) of 4 or more is high risk, else medium.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from b12pain.instruments._common import band, info, item_sum, number, result, validate
from b12pain.instruments.result import InstrumentResult


def score_start_back(answers: Mapping[str, Any], *, field_prefix: str = "") -> InstrumentResult:
    """STarT Back total (0-9), distress subscale (0-5) and risk group."""
    entry = info("start_back")
    clean = validate(entry, answers, "start_back", field_prefix)
    total = item_sum(entry, clean)
    distress = item_sum(entry, clean, "distress")
    if total <= entry.parameters["low_risk_total_maximum"]:
        category = "low_risk"
    elif distress >= entry.parameters["high_risk_distress_minimum"]:
        category = "high_risk"
    else:
        category = "medium_risk"
    found = band(entry, category)
    return result(
        "start_back",
        entry,
        score=total,
        category=category,
        positive=None,
        summary=found.plain,
        clinician_summary=f"{found.clinician} (total {number(total)}, distress {number(distress)}).",
        answers=clean,
        subscores={"distress": number(distress)},
    )
