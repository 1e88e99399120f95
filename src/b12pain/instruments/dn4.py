"""DN4 (10 items, >= 4) and DN4-interview (7 items, >= 3): neuropathic pain screening.

Scores yes/no answers by item id (`q1`…`q10`); items 8-10 are examination items entered by a
clinician. The questionnaire text is not reproduced (licence); descriptors are our own.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from b12pain.instruments._common import banded, item_sum, number
from b12pain.instruments.result import InstrumentResult
from b12pain.knowledge.schema.instruments import InstrumentInfo


def _parts(entry: InstrumentInfo, answers: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "interview": number(item_sum(entry, answers, "interview")),
        "examination": number(item_sum(entry, answers, "examination")),
    }


def score_dn4(answers: Mapping[str, Any], *, field_prefix: str = "") -> InstrumentResult:
    """DN4 score 0-10 (number of yes answers) with interview and examination sub-totals."""
    return banded("dn4", answers, field_prefix=field_prefix, subscores=_parts)


def score_dn4_interview(answers: Mapping[str, Any], *, field_prefix: str = "") -> InstrumentResult:
    """DN4-interview score 0-7 (the seven self-reported items), positive at 3 or more."""
    return banded("dn4_interview", answers, field_prefix=field_prefix)
