"""What real extracts look like, read right: each case here was met on a health system's data
(issue 14) and is read as docs/cohort.md says."""

from __future__ import annotations

from pathlib import Path

from b12pain.cohort.screen import screen
from b12pain.cohort.synth import RULE_A, RULE_B, RULE_C
from cohort_helpers import (
    AS_OF,
    B12_MOLAR,
    METFORMIN,
    PMOL_L,
    Omop,
    b12_observation,
    day,
    metformin_request,
    patient,
    write_ndjson,
)

#: OMOP operator concepts ("<", ">") as the Oxford OMOP mapper writes them.
LESS_THAN, GREATER_THAN = 4171756, 4172704


def flagged(result: object, rule: str) -> set[str]:
    flags = result.flags  # type: ignore[attr-defined]
    return {
        p
        for p, r in zip(
            flags.column("person_id").to_pylist(), flags.column("rule_id").to_pylist(), strict=True
        )
        if r == rule
    }


def test_fhir_deceased_boolean_is_dead_and_not_flagged(tmp_path: Path) -> None:
    write_ndjson(
        tmp_path,
        "Patient",
        [patient("alive"), patient("dead", deceasedBoolean=True), patient("lab")],
    )
    write_ndjson(
        tmp_path,
        "MedicationRequest",
        [
            metformin_request(p, -200, {"value": 180, "unit": "days", "code": "d"})
            for p in ("alive", "dead")
        ],
    )
    write_ndjson(tmp_path, "Observation", [b12_observation("lab", -10)])
    result = screen(tmp_path, "fhir-bulk", AS_OF, [RULE_A])
    assert flagged(result, RULE_A) == {"alive"}


def test_fhir_censored_value_string_counts_as_a_test_and_as_low(tmp_path: Path) -> None:
    """`valueString "<50 pg/mL"` is a B12 test (so rule a does not flag "no test") and a low
    result with its direction (rule c flags it)."""
    write_ndjson(tmp_path, "Patient", [patient("p")])
    write_ndjson(
        tmp_path,
        "MedicationRequest",
        [metformin_request("p", -300, {"value": 250, "unit": "days", "code": "d"})],
    )
    write_ndjson(tmp_path, "Observation", [b12_observation("p", -20, valueString="<50 pg/mL")])
    result = screen(tmp_path, "fhir-bulk", AS_OF, [RULE_A, RULE_C])
    assert result.completeness.b12_tests == 1
    assert flagged(result, RULE_A) == set()
    row = result.flags.to_pylist()[0]
    assert row["rule_id"] == RULE_C
    assert (row["last_test_comparator"], row["last_test_value"], row["last_test_unit"]) == (
        "<",
        50.0,
        "pg/mL",
    )
    assert "<50 pg/mL" in row["reason_text"]


def test_fhir_value_quantity_comparator_greater_than_is_not_low(tmp_path: Path) -> None:
    write_ndjson(tmp_path, "Patient", [patient("high"), patient("low")])
    write_ndjson(
        tmp_path,
        "Observation",
        [
            b12_observation(
                "high", -20, valueQuantity={"value": 100, "comparator": ">", "code": "pg/mL"}
            ),
            b12_observation("low", -20, valueQuantity={"value": 100, "code": "pg/mL"}),
        ],
    )
    # A prescribing feed (rule c needs one to see treatment): 10 days of metformin.
    write_ndjson(tmp_path, "MedicationRequest", [metformin_request("high", -50, {"value": 10})])
    assert flagged(screen(tmp_path, "fhir-bulk", AS_OF, [RULE_C]), RULE_C) == {"low"}


def test_fhir_subject_as_full_url_is_linked(tmp_path: Path) -> None:
    write_ndjson(tmp_path, "Patient", [patient("p1"), patient("lab")])
    url = "https://ehr.example.org/fhir/Patient/p1/_history/3"
    write_ndjson(
        tmp_path,
        "MedicationRequest",
        [metformin_request("p1", -300, {"value": 200, "code": "d"}, subject=url)],
    )
    write_ndjson(tmp_path, "Observation", [b12_observation("lab", -5)])
    assert flagged(screen(tmp_path, "fhir-bulk", AS_OF, [RULE_A]), RULE_A) == {"p1"}


def test_fhir_supply_in_weeks_and_months_is_converted_to_days(tmp_path: Path) -> None:
    write_ndjson(tmp_path, "Patient", [patient(p) for p in ("weeks", "months", "days", "lab")])
    write_ndjson(
        tmp_path,
        "MedicationRequest",
        [
            metformin_request("weeks", -300, {"value": 18, "unit": "weeks", "code": "wk"}),
            metformin_request("months", -300, {"value": 5, "unit": "month"}),
            # 18 days only: not long-term (were weeks taken as days, all three would be alike).
            metformin_request("days", -300, {"value": 18, "code": "d"}),
        ],
    )
    write_ndjson(tmp_path, "Observation", [b12_observation("lab", -5)])
    rows = {
        r["person_id"]: r for r in screen(tmp_path, "fhir-bulk", AS_OF, [RULE_A]).flags.to_pylist()
    }
    assert set(rows) == {"weeks", "months"}
    assert rows["weeks"]["cumulative_days"] == 126
    assert rows["months"]["cumulative_days"] == 150


def test_non_patient_resources_in_patient_file_are_not_people(tmp_path: Path) -> None:
    write_ndjson(
        tmp_path,
        "Patient",
        [
            patient("p"),
            {"resourceType": "OperationOutcome", "id": "oo", "issue": []},
            {"resourceType": "Practitioner", "id": "dr"},
        ],
    )
    write_ndjson(tmp_path, "Observation", [b12_observation("p", -5)])
    assert screen(tmp_path, "fhir-bulk", AS_OF).completeness.persons == 1


def test_fhir_patient_identifier_is_kept_for_the_ehr(tmp_path: Path) -> None:
    mrn = {"type": {"coding": [{"code": "MR"}]}, "system": "urn:hospital", "value": "MRN-77"}
    write_ndjson(
        tmp_path,
        "Patient",
        [patient("p", identifier=[{"system": "urn:ssn", "value": "other"}, mrn]), patient("lab")],
    )
    write_ndjson(tmp_path, "MedicationRequest", [metformin_request("p", -300, {"value": 200})])
    write_ndjson(tmp_path, "Observation", [b12_observation("lab", -5)])
    [row] = screen(tmp_path, "fhir-bulk", AS_OF, [RULE_A]).flags.to_pylist()
    assert row["person_source_value"] == "MRN-77"


def test_omop_empty_unit_source_value_does_not_hide_the_unit_concept(tmp_path: Path) -> None:
    """ "" in unit_source_value is no unit: the unit concept (8729, pmol/L) is used."""
    data = Omop().person(1).test(1, -30, 100, PMOL_L, "", concept=B12_MOLAR)
    result = screen(data.write(tmp_path), "omop", AS_OF, [RULE_C])
    [row] = result.flags.to_pylist()
    assert (row["person_id"], row["last_test_unit"]) == ("1", "pmol/L")


def test_omop_duplicated_person_row_gives_one_flag(tmp_path: Path) -> None:
    data = Omop().person(1).drug(1, METFORMIN, -300, -100)
    data.rows["person"].append(data.rows["person"][-1])
    result = screen(data.write(tmp_path), "omop", AS_OF, [RULE_A])
    assert result.flags.column("person_id").to_pylist() == ["1"]
    assert result.flags.column("person_source_value").to_pylist() == ["MRN-1"]


def test_omop_censored_results_read_with_their_direction(tmp_path: Path) -> None:
    data = (
        Omop()
        .person(1)
        .test(1, -30, 50, operator=LESS_THAN)  # "<50": surely below 180 pg/mL
        .person(2)
        .test(2, -30, None, value_source="<50")  # the same, written only as text
        .person(3)
        .test(3, -30, 200, operator=LESS_THAN)  # "<200": may or may not be below 180
        .person(4)
        .test(4, -30, 100, operator=GREATER_THAN)  # ">100": not known to be low
        .person(5)
        .test(5, -30, None, value_source="> 2000")
    )
    result = screen(data.write(tmp_path), "omop", AS_OF, [RULE_C])
    rows = {r["person_id"]: r for r in result.flags.to_pylist()}
    assert set(rows) == {"1", "2"}
    assert rows["2"]["last_test_value"] == 50.0 and rows["2"]["last_test_comparator"] == "<"


def test_omop_reason_names_the_drug_and_duration_and_codes_carry_names(tmp_path: Path) -> None:
    data = Omop().person(1).drug(1, METFORMIN, -300, -100)
    [row] = screen(data.write(tmp_path), "omop", AS_OF, [RULE_A]).flags.to_pylist()
    assert row["matched_codes"] == ["OMOP:1503297"]
    assert row["matched_code_names"] == ["metformin"]
    assert "metformin" in row["reason_text"] and "201 days" in row["reason_text"]
    assert "no B12 test on record" in row["reason_text"]


def test_rule_b_reason_names_the_diagnosis(tmp_path: Path) -> None:
    from cohort_helpers import NEUROPATHY

    data = Omop().person(1).condition(1, NEUROPATHY, -500).test(1, -700, 300)
    [row] = screen(data.write(tmp_path), "omop", AS_OF, [RULE_B]).flags.to_pylist()
    assert row["reason_text"].startswith("Neuropathy due to type 2 diabetes mellitus recorded")
    assert f"last B12 test {day(-700)}, 300 pg/mL" in row["reason_text"]
