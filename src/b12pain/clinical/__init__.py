"""Pure decision logic: units, lab bands, who to test, red flags, regimens, plan, assessment.

No I/O and no clock: every function that depends on the date takes `today`.
"""

from b12pain.clinical.assessment import assess
from b12pain.clinical.parse import parse_profile

__all__ = ["assess", "parse_profile"]
