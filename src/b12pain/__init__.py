"""b12pain: could low vitamin B12 be part of this pain, and what should be done about it?

The library API. CLI, web, FHIR and cohort code call these same functions.
"""

from b12pain.clinical.profile import LabResult, Medication, Profile

__all__ = ["LabResult", "Medication", "Profile"]
__version__ = "0.1.0"
