"""HIT-6: six response words (never 6 … always 13) summed to 36-78 and banded by impact.

Only the user's response words are scored; the licensed item text is not shipped.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from b12pain.instruments._common import banded
from b12pain.instruments.result import InstrumentResult


def score_hit6(answers: Mapping[str, Any], *, field_prefix: str = "") -> InstrumentResult:
    """HIT-6 total (36-78) from `q1`…`q6` answered never / rarely / sometimes / very_often / always."""
    return banded("hit6", answers, field_prefix=field_prefix)
