"""Units of lab results: which unit a result is classified in, and conversions for display.

Rule (clinical-spec §A.5): classify in the unit the threshold is published in. A result in a unit
that is the same quantity as a published one (pg/mL = ng/L, ng/mL = 1000 ng/L, nmol/mL = µmol/L)
is rescaled by that identity; total B12 in pmol/L is classified against the pmol/L bands and
converted to ng/L (×1.355, BASPATH) only for display.
"""

from __future__ import annotations

from dataclasses import dataclass

from b12pain.clinical.catalogue import Catalogue, catalogue
from b12pain.knowledge import Citation


@dataclass(frozen=True)
class Measured:
    """A value in the unit it is classified in, with the conversion used to get there (if any)."""

    value: float
    unit: str
    citations: tuple[Citation, ...] = ()


def published_units(analyte: str, cat: Catalogue | None = None) -> tuple[str, ...]:
    """Units in which bands or limits for `analyte` are published."""
    cat = cat or catalogue()
    units = {unit for (a, unit) in cat.thresholds if a == analyte}
    units.update(limit.unit for limit in cat.limits.get(analyte, ()))
    info = cat.lab_tests.get(analyte)
    if info is not None and info.reference_unit:
        units.add(info.reference_unit)
    return tuple(sorted(units))


def to_unit(
    analyte: str, value: float, unit: str, target: str, cat: Catalogue | None = None
) -> float:
    """`value` in `unit` expressed in `target`, through the cited conversions (either direction).

    `ValueError` when no conversion links the two units.
    """
    cat = cat or catalogue()
    if unit == target:
        return value
    forward = cat.conversions.get((analyte, unit))
    if forward is not None and forward.to_unit == target:
        return value * forward.factor
    backward = cat.conversions.get((analyte, target))
    if backward is not None and backward.to_unit == unit:
        return value / backward.factor
    if forward is not None and backward is not None and forward.to_unit == backward.to_unit:
        return value * forward.factor / backward.factor
    raise ValueError(f"no conversion for {analyte} from {unit} to {target}")


def classification_value(
    analyte: str, value: float, unit: str, cat: Catalogue | None = None
) -> Measured:
    """The value in the unit its bands are published in.

    A unit with its own published band stays as it is; otherwise the result is converted to the
    analyte's reference unit (the conversion's citations come along).
    """
    cat = cat or catalogue()
    if (analyte, unit) in cat.thresholds:
        return Measured(value, unit)
    info = cat.lab_tests[analyte]
    target = info.reference_unit
    if unit == target:
        return Measured(value, unit)
    conversion = cat.conversions.get((analyte, unit))
    citations = conversion.citations if conversion is not None else ()
    return Measured(to_unit(analyte, value, unit, target, cat), target, citations)


def display_equivalent(
    analyte: str, value: float, unit: str, cat: Catalogue | None = None
) -> Measured | None:
    """The same result in the analyte's reference unit, for display only (None if already in it)."""
    cat = cat or catalogue()
    info = cat.lab_tests.get(analyte)
    if info is None or not info.reference_unit or unit == info.reference_unit:
        return None
    conversion = cat.conversions.get((analyte, unit))
    if conversion is None:
        return None
    return Measured(round(value * conversion.factor, 3), conversion.to_unit, conversion.citations)
