"""LANSS and S-LANSS: weighted yes/no items (5, 5, 3, 2, 1, 5, 3), positive at 12 or more.

LANSS items 6-7 are bedside tests entered by a clinician; S-LANSS items 6-7 are self-tests.
Weights and the cut-off come from knowledge; item text is not reproduced.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from b12pain.instruments._common import banded
from b12pain.instruments.result import InstrumentResult


def score_lanss(answers: Mapping[str, Any], *, field_prefix: str = "") -> InstrumentResult:
    """LANSS score 0-24 from yes/no answers `q1`…`q7`."""
    return banded("lanss", answers, field_prefix=field_prefix)


def score_slanss(answers: Mapping[str, Any], *, field_prefix: str = "") -> InstrumentResult:
    """S-LANSS score 0-24 from self-reported yes/no answers `q1`…`q7`."""
    return banded("slanss", answers, field_prefix=field_prefix)
