"""The code table (knowledge/data/codes.yaml) as FHIR uses it: clinical-spec §F, one row per code."""

from __future__ import annotations

import pytest

from b12pain.clinical.profile import ALLOWED_UNITS
from b12pain.interop.codes import LOINC, RXNORM, SNOMED, CodeTable, code_table
from b12pain.knowledge import load

#: Issue 11's list, with the verification level clinical-spec §F gives each code.
EXPECTED_LOINC = {
    "2132-9": ("total_b12", "verified", ("ng/L", "pg/mL", "ng/mL")),
    "14685-2": ("total_b12", "partly", ("pmol/L",)),
    "72160-5": ("active_b12", "partly", ("pmol/L",)),
    "13964-2": ("mma", "verified", ("umol/L", "nmol/L", "nmol/mL")),
    "13965-9": ("homocysteine", "verified", ("umol/L",)),
    "2284-8": ("folate", "verified", ("ug/L", "ng/mL")),
    "787-2": ("mcv", "verified", ("fL",)),
    "718-7": ("haemoglobin", "verified", ("g/L", "g/dL")),
    "72514-3": ("pain_nrs", "partly", ("{score}",)),
}


@pytest.fixture(scope="module")
def table() -> CodeTable:
    return code_table(load())


@pytest.mark.parametrize("code", sorted(EXPECTED_LOINC))
def test_each_loinc_code_with_its_level_and_units(table: CodeTable, code: str) -> None:
    found = table.find(LOINC, code)
    assert found is not None, code
    refers_to, level, units = EXPECTED_LOINC[code]
    assert (found.refers_to, found.verification, found.ucum_units) == (refers_to, level, units)


def test_every_stored_unit_has_exactly_one_loinc_code(table: CodeTable) -> None:
    for test, units in ALLOWED_UNITS.items():
        for unit in units:
            matches = [c for c in table.lab_codes() if c.refers_to == test and unit in c.ucum_units]
            assert len(matches) == 1, (test, unit, matches)


def test_mass_and_molar_b12_are_different_codes(table: CodeTable) -> None:
    assert table.lab_code("total_b12", "ng/L").code == "2132-9"
    assert table.lab_code("total_b12", "pg/mL").code == "2132-9"
    assert table.lab_code("total_b12", "pmol/L").code == "14685-2"
    assert table.lab_code("active_b12", "pmol/L").code == "72160-5"
    assert table.lab_code("total_b12", "umol/L") is None


def test_no_lab_code_allows_a_unit_the_profile_refuses(table: CodeTable) -> None:
    for code in table.lab_codes():
        assert set(code.ucum_units) <= set(ALLOWED_UNITS[code.refers_to]), code


def test_snomed_and_rxnorm_codes_map_to_known_ids(table: CodeTable) -> None:
    assert table.condition_code("sciatica").code in {"23056005", "128196005"}
    assert table.condition_code("diabetic_neuropathy").code == "230572002"
    assert table.condition_code("type2_diabetes") is None  # §F verifies no code for it
    assert table.medicine_code("omeprazole").system == RXNORM
    assert table.medicine_code("omeprazole").code == "7646"
    assert {c.system for c in table.condition_codes()} == {SNOMED}


def test_unverified_codes_are_absent(table: CodeTable) -> None:
    codes = {c.code for c in table.codes}
    assert "11248" not in codes  # RxNorm cyanocobalamin: UNVERIFIED in §F
    assert "5553" not in codes  # RxNorm hydroxocobalamin: UNVERIFIED in §F
    assert {c.verification for c in table.codes} <= {"verified", "partly"}
