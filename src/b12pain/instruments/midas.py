"""MIDAS: sum of five day counts over the last 3 months, graded I-IV (user-entered values only)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from b12pain.instruments._common import banded
from b12pain.instruments.result import InstrumentResult


def score_midas(answers: Mapping[str, Any], *, field_prefix: str = "") -> InstrumentResult:
    """MIDAS score (days, `q1`…`q5`) and grade I (0-5), II (6-10), III (11-20), IV (21+)."""
    return banded("midas", answers, field_prefix=field_prefix)
