"""Small hand-written OMOP and FHIR sources for the cohort tests: a few people, each row chosen
to show one reader behaviour or one policy. Dates are given as days relative to `AS_OF`."""

from __future__ import annotations

import csv
import datetime as dt
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

AS_OF = dt.date(2026, 6, 30)
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"

METFORMIN, OMEPRAZOLE, FAMOTIDINE, CYANOCOBALAMIN = 1503297, 923645, 953076, 1308738
B12_MASS, B12_MOLAR, NEUROPATHY, PARAESTHESIA = 3000593, 3009035, 37016354, 4236484
PG_ML, PMOL_L = 8845, 8729
#: A person whose only job is to give the source a lab feed and a prescribing feed (one B12
#: test, one unrelated drug), so that the rules needing either may run.
LAB_FEED_PERSON = 900
#: An OMOP drug concept in no concept set (the synthetic generator's "other medicine").
OTHER_DRUG = 1308216

COLUMNS = {
    "person": ("person_id", "gender_concept_id", "year_of_birth", "person_source_value"),
    "observation_period": (
        "observation_period_id",
        "person_id",
        "observation_period_start_date",
        "observation_period_end_date",
    ),
    "death": ("person_id", "death_date"),
    "drug_exposure": (
        "drug_exposure_id",
        "person_id",
        "drug_concept_id",
        "drug_exposure_start_date",
        "drug_exposure_end_date",
        "days_supply",
    ),
    "condition_occurrence": (
        "condition_occurrence_id",
        "person_id",
        "condition_concept_id",
        "condition_start_date",
    ),
    "measurement": (
        "measurement_id",
        "person_id",
        "measurement_concept_id",
        "measurement_date",
        "value_as_number",
        "unit_concept_id",
        "unit_source_value",
        "operator_concept_id",
        "value_source_value",
    ),
    "observation": ("observation_id", "person_id", "observation_concept_id", "observation_date"),
}


def day(offset: int) -> str:
    """The ISO date `offset` days from the as-of date."""
    return (AS_OF + dt.timedelta(days=offset)).isoformat()


class Omop:
    """An OMOP CSV folder built row by row; every person is born in 1960 and observed from
    3000 days before to 100 days after the as-of date unless said otherwise."""

    def __init__(self, lab_feed: bool = True) -> None:
        self.rows: dict[str, list[tuple[Any, ...]]] = {table: [] for table in COLUMNS}
        self._ids = 0
        if lab_feed:
            self.person(LAB_FEED_PERSON)
            self.test(LAB_FEED_PERSON, -30, 400)
            self.drug(LAB_FEED_PERSON, OTHER_DRUG, -30, -1)

    def _next(self) -> int:
        self._ids += 1
        return self._ids

    def person(
        self,
        pid: Any,
        born: int = 1960,
        observed: tuple[int, int] | None = (-3000, 100),
        source: str | None = None,
    ) -> Omop:
        self.rows["person"].append((pid, 8532, born, source or f"MRN-{pid}"))
        if observed is not None:
            self.rows["observation_period"].append(
                (self._next(), pid, day(observed[0]), day(observed[1]))
            )
        return self

    def drug(self, pid: Any, concept: int, start: int, end: int | None, supply: Any = None) -> Omop:
        end_date = None if end is None else day(end)
        self.rows["drug_exposure"].append(
            (self._next(), pid, concept, day(start), end_date, supply)
        )
        return self

    def test(
        self,
        pid: Any,
        offset: int,
        value: float | None,
        unit_concept: int | None = PG_ML,
        unit_source: str | None = None,
        concept: int = B12_MASS,
        operator: int | None = None,
        value_source: str | None = None,
    ) -> Omop:
        self.rows["measurement"].append(
            (
                self._next(),
                pid,
                concept,
                day(offset),
                value,
                unit_concept,
                unit_source,
                operator,
                value_source,
            )
        )
        return self

    def condition(self, pid: Any, concept: int, offset: int) -> Omop:
        self.rows["condition_occurrence"].append((self._next(), pid, concept, day(offset)))
        return self

    def observation(self, pid: Any, concept: int, offset: int) -> Omop:
        self.rows["observation"].append((self._next(), pid, concept, day(offset)))
        return self

    def death(self, pid: Any, offset: int) -> Omop:
        self.rows["death"].append((pid, day(offset)))
        return self

    def write(self, folder: Path, skip: tuple[str, ...] = ()) -> Path:
        """Write one CSV per table (None as an empty field, "" quoted as an empty string)."""
        folder.mkdir(parents=True, exist_ok=True)
        for table, columns in COLUMNS.items():
            if table in skip:
                continue
            with (folder / f"{table}.csv").open("w", newline="", encoding="utf-8") as handle:
                writer = csv.writer(handle, quoting=csv.QUOTE_MINIMAL)
                writer.writerow(columns)
                for row in self.rows[table]:
                    writer.writerow(["" if v is None else v for v in row])
        return folder


def write_ndjson(folder: Path, name: str, resources: list[dict[str, Any]]) -> None:
    """One NDJSON file `<name>.000.ndjson` (or `<name>` when it already ends in .ndjson)."""
    folder.mkdir(parents=True, exist_ok=True)
    file = folder / (name if name.endswith(".ndjson") else f"{name}.000.ndjson")
    file.write_text("".join(json.dumps(r) + "\n" for r in resources), encoding="utf-8")


def patient(pid: str, **extra: Any) -> dict[str, Any]:
    return {"resourceType": "Patient", "id": pid, "birthDate": "1960-05-05", **extra}


def b12_observation(
    pid: str, offset: int, subject: str | None = None, **value: Any
) -> dict[str, Any]:
    """A final total-B12 Observation; `value` is e.g. valueQuantity=… or valueString=…."""
    return {
        "resourceType": "Observation",
        "id": f"b12-{pid}-{offset}",
        "status": "final",
        "code": {"coding": [{"system": LOINC, "code": "2132-9"}]},
        "subject": {"reference": subject or f"Patient/{pid}"},
        "effectiveDateTime": day(offset),
        **(value or {"valueQuantity": {"value": 400, "unit": "pg/mL", "code": "pg/mL"}}),
    }


def metformin_request(
    pid: str, start: int, supply: dict[str, Any] | None = None, subject: str | None = None
) -> dict[str, Any]:
    """A completed metformin order authored `start` days from as-of, with an optional supply."""
    request: dict[str, Any] = {
        "resourceType": "MedicationRequest",
        "id": f"mr-{pid}-{start}",
        "status": "completed",
        "intent": "order",
        "subject": {"reference": subject or f"Patient/{pid}"},
        "medicationCodeableConcept": {"coding": [{"system": RXNORM, "code": "6809"}]},
        "authoredOn": day(start),
    }
    if supply is not None:
        request["dispenseRequest"] = {"expectedSupplyDuration": supply}
    return request


def run_cli(
    *args: str, env: dict[str, str] | None = None, prelude: str = ""
) -> subprocess.CompletedProcess[str]:
    """Run `b12pain` in a fresh interpreter (`prelude` runs first, e.g. to hide a module)."""
    code = f"{prelude}\nfrom b12pain.cli.main import run; run()"
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
