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
    "LabResult": "b12pain.clinical.profile",
    "Medication": "b12pain.clinical.profile",
    "Profile": "b12pain.clinical.profile",
}

__all__ = sorted(_EXPORTS)

if TYPE_CHECKING:
    from b12pain.clinical.profile import LabResult, Medication, Profile


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'b12pain' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return [*__all__, "__version__"]
