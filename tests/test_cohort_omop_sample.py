"""The OMOP adapter on the OHDSI Synthea27Nj CDM 5.4 sample (read from ../shared at test time,
never copied into the project), plus a few rows appended at test time for rule-level truth."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from pathlib import Path

import pytest

from b12pain.cohort.screen import screen
from b12pain.cohort.synth import RULE_A, RULE_B, RULE_C

AS_OF = dt.date(2022, 6, 30)


@pytest.fixture(scope="module")
def synthea_zip(shared_dir: Path) -> Path:
    path = shared_dir / "data/omop-synthea27nj/Synthea27Nj_5.4.zip"
    if not path.exists():
        pytest.skip(f"OMOP sample not found at {path}")
    return path


def read_csv(archive: Path, name: str) -> list[dict[str, str]]:
    with zipfile.ZipFile(archive) as zf:
        return list(csv.DictReader(io.TextIOWrapper(zf.open(name), encoding="utf-8")))


def eligible_people(archive: Path) -> list[str]:
    """People aged 16+, alive and under observation on AS_OF, computed straight from the CSVs."""
    dead = {
        r["person_id"]
        for r in read_csv(archive, "DEATH.csv")
        if dt.date.fromisoformat(r["death_date"]) <= AS_OF
    }
    observed = {
        r["person_id"]
        for r in read_csv(archive, "OBSERVATION_PERIOD.csv")
        if dt.date.fromisoformat(r["observation_period_start_date"])
        <= AS_OF
        <= dt.date.fromisoformat(r["observation_period_end_date"])
    }
    adults = {
        r["person_id"]
        for r in read_csv(archive, "PERSON.csv")
        if AS_OF.year - int(r["year_of_birth"]) >= 17
    }
    return sorted((observed & adults) - dead, key=int)


def test_sample_is_read_and_no_test_rules_refuse(synthea_zip: Path) -> None:
    result = screen(synthea_zip, "omop", AS_OF)
    people = read_csv(synthea_zip, "PERSON.csv")
    assert result.completeness.persons == len(people)
    assert result.completeness.b12_tests == 0
    periods = read_csv(synthea_zip, "OBSERVATION_PERIOD.csv")
    covered = {
        r["person_id"]
        for r in periods
        if dt.date.fromisoformat(r["observation_period_start_date"])
        <= AS_OF
        <= dt.date.fromisoformat(r["observation_period_end_date"])
    }
    assert result.completeness.covered_at_as_of == len(covered)
    assert result.completeness.date_ranges["drugs"] == (None, None)  # no screened drug at all
    assert {RULE_A, RULE_B} <= set(result.refused)
    assert "no B12 measurements" in result.refused[RULE_A]
    assert result.flags.num_rows == 0  # rule c ran and found no low results


def test_rules_on_the_sample_with_rows_added_at_test_time(
    synthea_zip: Path, tmp_path: Path
) -> None:
    with zipfile.ZipFile(synthea_zip) as zf:
        for name in zf.namelist():
            if name.endswith(".csv") and "__MACOSX" not in name:
                zf.extract(name, tmp_path)
    people = eligible_people(synthea_zip)
    assert len(people) >= 3
    neuro, metformin, low = people[:3]

    def append(table: str, row: dict[str, object]) -> None:
        path = tmp_path / table
        with path.open(encoding="utf-8") as fh:
            header = next(csv.reader(fh))
        with path.open("a", encoding="utf-8", newline="") as fh:
            csv.writer(fh).writerow([row.get(col, "") for col in header])

    day = lambda n: (AS_OF - dt.timedelta(days=n)).isoformat()  # noqa: E731
    append(
        "CONDITION_OCCURRENCE.csv",
        {
            "condition_occurrence_id": 900001,
            "person_id": neuro,
            "condition_concept_id": 37016354,
            "condition_start_date": day(400),
            "condition_type_concept_id": 32020,
        },
    )
    append(
        "DRUG_EXPOSURE.csv",
        {
            "drug_exposure_id": 900002,
            "person_id": metformin,
            "drug_concept_id": 1503297,
            "drug_exposure_start_date": day(300),
            "drug_exposure_end_date": day(101),
            "drug_type_concept_id": 32869,
        },
    )
    # A result in pmol/L known only by its unit concept: the site's vocabulary says 8729 is UCUM pmol/L.
    append(
        "MEASUREMENT.csv",
        {
            "measurement_id": 900003,
            "person_id": low,
            "measurement_concept_id": 3009035,
            "measurement_date": day(120),
            "measurement_type_concept_id": 32856,
            "value_as_number": 110,
            "unit_concept_id": 8729,
        },
    )
    result = screen(tmp_path, "omop", AS_OF)
    flagged = {
        (r["person_id"], r["rule_id"])
        for r in result.flags.select(["person_id", "rule_id"]).to_pylist()
    }
    assert flagged == {(neuro, RULE_B), (metformin, RULE_A), (low, RULE_C)}
    low_row = next(r for r in result.flags.to_pylist() if r["rule_id"] == RULE_C)
    assert (low_row["last_test_value"], low_row["last_test_unit"]) == (110.0, "pmol/L")
