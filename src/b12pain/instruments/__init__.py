"""Validated pain instruments: pure scoring of answers by stable item id, with cited cut-offs.

`score("dn4", {"q1": True, ...})` returns an `InstrumentResult`; `score_profile_instruments`
scores a profile's `instruments:` section; `pain_type_profile` says which of the seed's pain types
the results support and what the B12 evidence is; `instruments_for_assessment` gives the
assessment everything it needs. Depends only on `knowledge` (and the shared `errors`).
"""

from b12pain.instruments.for_assessment import NEUROPATHIC_SCREENS, instruments_for_assessment
from b12pain.instruments.pain_profile import pain_type_profile
from b12pain.instruments.registry import (
    INSTRUMENTS,
    Instrument,
    instrument,
    omitted,
    score,
    score_profile_instruments,
)
from b12pain.instruments.result import InstrumentResult, InstrumentsForAssessment, PainTypeSupport

__all__ = [
    "INSTRUMENTS",
    "NEUROPATHIC_SCREENS",
    "Instrument",
    "InstrumentResult",
    "InstrumentsForAssessment",
    "PainTypeSupport",
    "instrument",
    "instruments_for_assessment",
    "omitted",
    "pain_type_profile",
    "score",
    "score_profile_instruments",
]
