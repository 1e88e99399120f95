"""Property tests of the FHIR mapping: any result b12pain stores comes back as itself, and a unit
that does not belong to its LOINC code is always refused."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from b12pain.clinical.profile import ALLOWED_UNITS
from b12pain.interop.export import JournalContent, export_bundle
from b12pain.interop.reading import FhirReader
from b12pain.journal import make_record
from b12pain.knowledge import load

KB = load()
TODAY = dt.date(2026, 11, 30)
NOW = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)
UNITS = sorted(
    {unit for units in ALLOWED_UNITS.values() for unit in units} | {"mg/dL", "%", "mmol/L"}
)

results = st.sampled_from(sorted(ALLOWED_UNITS)).flatmap(
    lambda test: st.tuples(
        st.just(test),
        st.sampled_from(ALLOWED_UNITS[test]),
        st.floats(min_value=0.01, max_value=50_000, allow_nan=False, allow_infinity=False)
        .map(lambda v: round(v, 3))
        .filter(lambda v: v > 0),
        st.dates(min_value=dt.date(1990, 1, 1), max_value=TODAY),
    )
)


@settings(max_examples=150, deadline=None)
@given(results)
def test_a_result_survives_export_and_import(result: tuple[str, str, float, dt.date]) -> None:
    test, unit, value, day = result
    record = make_record("lab", at=NOW, test=test, value=value, unit=unit, taken_on=day)
    bundle = export_bundle(JournalContent([record], None), KB, TODAY, NOW)
    reader = FhirReader(KB, strict=True)
    for entry in bundle.entry or []:
        reader.read(entry.resource)
    facts = reader.facts
    assert facts.problems == []
    (fact,) = facts.labs
    assert (fact.test, fact.unit, fact.value, fact.taken_on) == (test, unit, value, day)


@settings(max_examples=150, deadline=None)
@given(results, st.sampled_from(UNITS))
def test_a_unit_outside_the_codes_units_is_refused(
    result: tuple[str, str, float, dt.date], other_unit: str
) -> None:
    test, unit, value, day = result
    record = make_record("lab", at=NOW, test=test, value=value, unit=unit, taken_on=day)
    bundle = export_bundle(JournalContent([record], None), KB, TODAY, NOW)
    observation = next(
        e.resource for e in bundle.entry or [] if e.resource.get_resource_type() == "Observation"
    )
    code = observation.code.coding[0].code
    allowed = next(c.ucum_units for c in FhirReader(KB, True).table.lab_codes() if c.code == code)
    observation.valueQuantity.code = other_unit
    observation.valueQuantity.unit = other_unit
    reader = FhirReader(KB, strict=True)
    reader.read(observation)
    if other_unit in allowed:
        assert reader.facts.problems == [] and reader.facts.labs[0].unit == other_unit
    else:
        (problem,) = reader.facts.problems
        assert problem.field.endswith("valueQuantity.code") and problem.value == other_unit
        assert reader.facts.labs == []
