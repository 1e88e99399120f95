"""What the assessment takes from a profile's `instruments:` answers (issue 3).

`instruments_for_assessment(profile.instruments)` scores every instrument, builds the pain-type
profile, and says which positive neuropathic screens (DN4, DN4-interview, LANSS, S-LANSS, MNSI)
count as neuropathic symptoms for the T1 testing rule.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from b12pain.instruments.pain_profile import pain_type_profile
from b12pain.instruments.registry import score_profile_instruments
from b12pain.instruments.result import InstrumentsForAssessment
from b12pain.knowledge import Citation

#: Instruments whose positive result counts as neuropathic symptoms for testing rule T1.
NEUROPATHIC_SCREENS = ("dn4", "dn4_interview", "lanss", "slanss", "mnsi", "mnsi_exam")


def instruments_for_assessment(
    answers_by_instrument: Mapping[str, Mapping[str, Any]],
) -> InstrumentsForAssessment:
    """Scores, pain-type profile and neuropathic-screen verdict; `InputError` on bad answers."""
    results = score_profile_instruments(answers_by_instrument)
    positive = tuple(r for r in results if r.instrument in NEUROPATHIC_SCREENS and r.positive)
    citations: tuple[Citation, ...] = tuple(dict.fromkeys(c for r in positive for c in r.citations))
    return InstrumentsForAssessment(
        results=results,
        pain_types=pain_type_profile(results),
        neuropathic_positive=tuple(r.instrument for r in positive),
        neuropathic_citations=citations,
    )
