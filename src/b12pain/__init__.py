"""b12pain: could low vitamin B12 be part of this pain, and what should be done about it?

The library API. CLI, web, FHIR and cohort code call these same functions.

Names are imported lazily (PEP 562) so that `import b12pain` and `b12pain --help` stay fast;
`from b12pain import assess` works as usual. To export a name, add it to `_EXPORTS`.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

#: Public name -> module that defines it.
_EXPORTS: dict[str, str] = {
    "Assessment": "b12pain.clinical.result",
    "Finding": "b12pain.clinical.result",
    "InputError": "b12pain.errors",
    "LabReading": "b12pain.clinical.result",
    "LabResult": "b12pain.clinical.profile",
    "Medication": "b12pain.clinical.profile",
    "PlanPoint": "b12pain.clinical.result",
    "Problem": "b12pain.errors",
    "Profile": "b12pain.clinical.profile",
    "RedFlag": "b12pain.clinical.result",
    "ScheduledDose": "b12pain.clinical.result",
    "Testing": "b12pain.clinical.result",
    "Treatment": "b12pain.clinical.result",
    "assess": "b12pain.clinical.assessment",
    "build_schedule": "b12pain.clinical.regimens",
    "parse_profile": "b12pain.clinical.parse",
}

__all__ = sorted(_EXPORTS)

if TYPE_CHECKING:
    from b12pain.clinical.assessment import assess as assess
    from b12pain.clinical.parse import parse_profile as parse_profile
    from b12pain.clinical.profile import LabResult as LabResult
    from b12pain.clinical.profile import Medication as Medication
    from b12pain.clinical.profile import Profile as Profile
    from b12pain.clinical.regimens import build_schedule as build_schedule
    from b12pain.clinical.result import Assessment as Assessment
    from b12pain.clinical.result import Finding as Finding
    from b12pain.clinical.result import LabReading as LabReading
    from b12pain.clinical.result import PlanPoint as PlanPoint
    from b12pain.clinical.result import RedFlag as RedFlag
    from b12pain.clinical.result import ScheduledDose as ScheduledDose
    from b12pain.clinical.result import Testing as Testing
    from b12pain.clinical.result import Treatment as Treatment
    from b12pain.errors import InputError as InputError
    from b12pain.errors import Problem as Problem


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'b12pain' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return [*__all__, "__version__"]
