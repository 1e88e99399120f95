"""The screening policies of docs/cohort.md ("Policies"), one test per decision, each on the
smallest source that shows it."""

from __future__ import annotations

from pathlib import Path

import pytest

from b12pain.cohort.concepts import SiteConceptSet
from b12pain.cohort.screen import screen
from b12pain.cohort.synth import RULE_A, RULE_C, RULE_D
from b12pain.knowledge.schema.cohort import ConceptItem
from cohort_helpers import (
    AS_OF,
    CYANOCOBALAMIN,
    FAMOTIDINE,
    METFORMIN,
    NEUROPATHY,
    OMEPRAZOLE,
    PARAESTHESIA,
    Omop,
    b12_observation,
    day,
    metformin_request,
    patient,
    write_ndjson,
)

SITE_DIET_CONCEPT = 2000000001


def people(result: object, rule: str) -> set[str]:
    flags = result.flags  # type: ignore[attr-defined]
    return {
        p
        for p, r in zip(
            flags.column("person_id").to_pylist(), flags.column("rule_id").to_pylist(), strict=True
        )
        if r == rule
    }


def test_same_day_results_any_low_counts_as_low(tmp_path: Path) -> None:
    """Policy: two results on the latest day, one low and one not: the day reads as low (the
    lowest result of the day is kept), so the person is flagged."""
    data = Omop().person(1).test(1, -40, 150).test(1, -40, 420).person(2).test(2, -40, 420)
    result = screen(data.write(tmp_path), "omop", AS_OF, [RULE_C])
    [row] = result.flags.to_pylist()
    assert (row["person_id"], row["last_test_value"]) == ("1", 150.0)


def test_rule_d_neuropathy_any_time_symptoms_only_within_365_days(tmp_path: Path) -> None:
    """Policy: rule (d) takes neuropathy recorded at any time before as-of, but paraesthesia or
    numbness only in the 365 days up to it (the diet in the 1825 days)."""
    data = (
        Omop()
        .person(1)  # diet + neuropathy 3 years ago: flagged
        .observation(1, SITE_DIET_CONCEPT, -300)
        .condition(1, NEUROPATHY, -1100)
        .person(2)  # diet + paraesthesia 400 days ago: not flagged
        .observation(2, SITE_DIET_CONCEPT, -300)
        .condition(2, PARAESTHESIA, -400)
        .person(3)  # diet + paraesthesia 365 days ago: flagged (closed window)
        .observation(3, SITE_DIET_CONCEPT, -300)
        .condition(3, PARAESTHESIA, -365)
    )
    site = {
        "concept_set.diet_vegan_vegetarian": SiteConceptSet(
            "concept_set.diet_vegan_vegetarian",
            (ConceptItem(display="vegan diet (site code)", concept_id=SITE_DIET_CONCEPT),),
            "test",
        )
    }
    result = screen(data.write(tmp_path), "omop", AS_OF, [RULE_D], site_sets=site)
    assert people(result, RULE_D) == {"1", "3"}


@pytest.mark.parametrize(("h2ra_days", "flagged"), [(165, True), (164, False)])
def test_ppi_and_h2ra_days_are_pooled(tmp_path: Path, h2ra_days: int, flagged: bool) -> None:
    """Policy: PPI and H2RA days add up (one acid-suppression exposure): 200 days of
    omeprazole then 165 of famotidine make 365."""
    data = (
        Omop()
        .person(1)
        .drug(1, OMEPRAZOLE, -600, -401)
        .drug(1, FAMOTIDINE, -400, -400 + h2ra_days - 1)
    )
    result = screen(data.write(tmp_path), "omop", AS_OF, [RULE_A])
    assert people(result, RULE_A) == ({"1"} if flagged else set())


def test_days_supply_zero_reads_as_missing(tmp_path: Path) -> None:
    """Policy: `days_supply = 0` with no end date is a missing supply, so the default 30 days
    (`cohort.default_supply_days`) apply, not 0 and not 1."""
    data = Omop().person(1)
    for start in (-400, -300, -200, -100):
        data.drug(1, METFORMIN, start, None, 0)
    [row] = screen(data.write(tmp_path), "omop", AS_OF, [RULE_A]).flags.to_pylist()
    assert row["cumulative_days"] == 120


@pytest.mark.parametrize(("death", "flagged"), [(0, False), (-1, False), (1, True)])
def test_death_on_the_as_of_date_counts_as_dead(tmp_path: Path, death: int, flagged: bool) -> None:
    """Policy: a person who died on the as-of date is not flagged (death on or before as-of)."""
    data = Omop().person(1).drug(1, METFORMIN, -300, -100).death(1, death)
    assert people(screen(data.write(tmp_path), "omop", AS_OF, [RULE_A]), RULE_A) == (
        {"1"} if flagged else set()
    )


def test_follow_up_crossing_the_as_of_date_is_clipped_and_said(tmp_path: Path) -> None:
    """Policy: a low result less than 90 days before as-of is flagged when untreated so far;
    treatment is looked for only up to the as-of date (a later record is not seen), and the
    reason says the follow-up is not complete."""
    data = (
        Omop()
        .person(1)  # low 30 days ago, treated 10 days after as-of: not seen, flagged
        .test(1, -30, 150)
        .drug(1, CYANOCOBALAMIN, 10, 40)
        .person(2)  # low 30 days ago, treated 5 days ago: not flagged
        .test(2, -30, 150)
        .drug(2, CYANOCOBALAMIN, -5, 25)
    )
    [row] = screen(data.write(tmp_path), "omop", AS_OF, [RULE_C]).flags.to_pylist()
    assert row["person_id"] == "1"
    assert "follow-up not complete: 30 of 90 days" in row["reason_text"]


def test_fhir_timestamps_use_the_local_date_as_written(tmp_path: Path) -> None:
    """Policy: "2025-06-29T23:30:00-05:00" is 29 June (as the lab wrote it), not 30 June (UTC).
    366 days before as-of is outside the 365-day test window, so the person is flagged."""
    write_ndjson(tmp_path, "Patient", [patient("late"), patient("lab")])
    late = b12_observation("late", -366)
    late["effectiveDateTime"] = f"{day(-366)}T23:30:00-05:00"
    write_ndjson(tmp_path, "Observation", [late, b12_observation("lab", -5)])
    write_ndjson(tmp_path, "MedicationRequest", [metformin_request("late", -300, {"value": 200})])
    result = screen(tmp_path, "fhir-bulk", AS_OF, [RULE_A])
    [row] = result.flags.to_pylist()
    assert (row["person_id"], str(row["last_test_date"])) == ("late", day(-366))


def test_fhir_coverage_is_per_person_not_all_or_nothing(tmp_path: Path) -> None:
    """Policy: Coverage resources give the observation periods of the people they name; a
    person with no Coverage at all counts as observed from their first record (as in an
    export without Coverage), instead of being dropped because others have Coverage."""
    write_ndjson(tmp_path, "Patient", [patient("ended"), patient("uncovered"), patient("lab")])
    write_ndjson(
        tmp_path,
        "Coverage",
        [
            {
                "resourceType": "Coverage",
                "id": "c1",
                "status": "active",
                "beneficiary": {"reference": "Patient/ended"},
                "period": {"start": day(-2000), "end": day(-10)},
            }
        ],
    )
    write_ndjson(
        tmp_path,
        "MedicationRequest",
        [metformin_request(p, -300, {"value": 250}) for p in ("ended", "uncovered")],
    )
    write_ndjson(tmp_path, "Observation", [b12_observation("lab", -5)])
    assert people(screen(tmp_path, "fhir-bulk", AS_OF, [RULE_A]), RULE_A) == {"uncovered"}
