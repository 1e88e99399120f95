"""B12 results in the unit a person prefers to read them in (Settings: `b12_unit`).

The conversion is knowledge's own (`clinical.units.to_unit`, with the cited factors, e.g.
pmol/L × 1.355 = ng/L, BASPATH); this module only says when it applies: total B12, a preferred
unit chosen, and a conversion that links the two units. Used where results are shown (the Labs
history chart), never where they are classified (bands stay in the unit they are published in).
"""

from __future__ import annotations

#: The test whose unit the `b12_unit` preference chooses.
PREFERRED_UNIT_TEST = "total_b12"


def in_preferred_unit(
    test: str, value: float, unit: str, preferred: str | None
) -> tuple[float, str] | None:
    """`value` (in `unit`) in the `preferred` unit, rounded to 0.1, with that unit; None when no
    unit is preferred, the test is not total B12, or no cited conversion links the units."""
    from b12pain.clinical.units import to_unit

    if preferred is None or test != PREFERRED_UNIT_TEST:
        return None
    try:
        return round(to_unit(test, value, unit, preferred), 1), preferred
    except (ValueError, KeyError):
        return None


__all__ = ["PREFERRED_UNIT_TEST", "in_preferred_unit"]
