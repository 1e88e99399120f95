"""Cohort rules and `clinical.assess` agree, person by person, where both apply.

Generated people are written both as OMOP rows (screened by the cohort rules) and as assessment
profiles (assessed one by one). The mapping, also in docs/cohort.md:

- rule (a) `b12.long_term_drug.no_test_12m`, metformin branch ⊇ `testing.monitoring_suggested`
  (the rule flags metformin for 120+ days with no B12 test in 12 months, for case-finding;
  `assess` suggests monitoring from `param.metformin_monitoring_years` of metformin alone: every
  person it suggests monitoring for is flagged, not the reverse);
- rule (b) `b12.neuropathy.no_test_12m` ↔ `testing.status` in {recommended, clinician_judgement}
  (a recorded neuropathy is entered as the symptom `numbness` and condition `peripheral_neuropathy`);
- rule (c) `b12.low_result.untreated_90d` ↔ `labs[0].band == "deficiency_confirmed"` (latest total
  B12 result, untreated, in ng/L or pmol/L around both thresholds);
- rule (d) `b12.diet.symptoms_no_test_12m` ↔ `testing.status == "recommended"` (vegan diet
  plus paraesthesia, entered as diet `vegan` and symptom `tingling`).
"""

from __future__ import annotations

import datetime as dt
import json
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from b12pain.clinical.assessment import assess
from b12pain.clinical.profile import LabResult, Medication, Profile
from b12pain.cohort.concepts import read_site_set
from b12pain.cohort.screen import screen
from b12pain.cohort.synth import CONCEPTS, RULE_A, RULE_B, RULE_C, RULE_D

TODAY = dt.date(2026, 6, 30)


@dataclass(frozen=True)
class Person:
    pid: int
    metformin_days: int | None
    neuropathy: bool
    vegan_tingling: bool
    b12: tuple[float, str] | None  # value, unit; measured 60 days ago, never treated


def people(n: int, seed: int) -> list[Person]:
    rng = random.Random(seed)
    found = []
    for pid in range(1, n + 1):
        kind = rng.choice(["metformin", "neuropathy", "diet", "lab", "none"])
        lab = None
        if kind == "lab":
            unit = rng.choice(["ng/L", "pg/mL", "pmol/L"])
            cut = 180 if unit != "pmol/L" else 133
            lab = (float(rng.choice([cut - 30, cut - 1, cut, cut + 1, cut + 200])), unit)
        found.append(
            Person(
                pid,
                rng.choice([30, 119, 120, 400, 1500]) if kind == "metformin" else None,
                kind == "neuropathy",
                kind == "diet",
                lab,
            )
        )
    return found


def write_omop(folder: Path, population: list[Person]) -> None:
    folder.mkdir()
    ids = [p.pid for p in population]
    day = lambda n: TODAY - dt.timedelta(days=n)  # noqa: E731
    tables: dict[str, dict[str, list[Any]]] = {
        "person": {
            "person_id": ids,
            "year_of_birth": [1966] * len(ids),
            "month_of_birth": [3] * len(ids),
            "day_of_birth": [3] * len(ids),
        },
        "observation_period": {
            "person_id": ids,
            "observation_period_start_date": [day(3000)] * len(ids),
            "observation_period_end_date": [day(-30)] * len(ids),
        },
    }
    drugs: dict[str, list[Any]] = {
        k: []
        for k in (
            "person_id",
            "drug_concept_id",
            "drug_exposure_start_date",
            "drug_exposure_end_date",
            "days_supply",
        )
    }
    conditions: dict[str, list[Any]] = {
        k: [] for k in ("person_id", "condition_concept_id", "condition_start_date")
    }
    tests: dict[str, list[Any]] = {
        k: []
        for k in (
            "person_id",
            "measurement_concept_id",
            "measurement_date",
            "value_as_number",
            "unit_concept_id",
            "unit_source_value",
        )
    }
    observations: dict[str, list[Any]] = {
        k: [] for k in ("person_id", "observation_concept_id", "observation_date")
    }
    for p in population:
        if p.metformin_days:
            for key, value in zip(
                drugs,
                (p.pid, CONCEPTS["metformin"][0], day(p.metformin_days), day(1), None),
                strict=True,
            ):
                drugs[key].append(value)
        if p.neuropathy:
            for key, value in zip(
                conditions, (p.pid, CONCEPTS["neuropathy_t2dm"][0], day(200)), strict=True
            ):
                conditions[key].append(value)
        if p.vegan_tingling:
            for key, value in zip(
                conditions, (p.pid, CONCEPTS["paraesthesia"][0], day(20)), strict=True
            ):
                conditions[key].append(value)
            for key, value in zip(
                observations, (p.pid, CONCEPTS["vegan"][0], day(300)), strict=True
            ):
                observations[key].append(value)
        if p.b12:
            concept = CONCEPTS["b12_molar" if p.b12[1] == "pmol/L" else "b12_mass"][0]
            row = (p.pid, concept, day(60), p.b12[0], 0, p.b12[1])
            for key, value in zip(tests, row, strict=True):
                tests[key].append(value)
    tables |= {
        "drug_exposure": drugs,
        "condition_occurrence": conditions,
        "measurement": tests,
        "observation": observations,
    }
    for name, columns in tables.items():
        schema = None
        if name == "drug_exposure":
            schema = pa.schema(
                [
                    ("person_id", pa.int64()),
                    ("drug_concept_id", pa.int64()),
                    ("drug_exposure_start_date", pa.date32()),
                    ("drug_exposure_end_date", pa.date32()),
                    ("days_supply", pa.int32()),
                ]
            )
        pq.write_table(pa.table(columns, schema=schema), folder / f"{name}.parquet")


def profile_of(p: Person) -> Profile:
    medications = ()
    if p.metformin_days:
        medications = (
            Medication(name="metformin", since=TODAY - dt.timedelta(days=p.metformin_days)),
        )
    labs = ()
    if p.b12:
        labs = (
            LabResult(
                test="total_b12", value=p.b12[0], unit=p.b12[1], date=TODAY - dt.timedelta(days=60)
            ),
        )
    return Profile(
        age=60,
        diet="vegan" if p.vegan_tingling else "omnivore",
        medications=medications,
        conditions=("peripheral_neuropathy",) if p.neuropathy else (),
        symptoms=("numbness",) if p.neuropathy else ("tingling",) if p.vegan_tingling else (),
        labs=labs,
    )


def test_cohort_rules_and_assess_agree(tmp_path: Path) -> None:
    population = people(400, seed=20261124)
    write_omop(tmp_path / "omop", population)
    diet = tmp_path / "diet.json"
    diet.write_text(
        json.dumps(
            {"items": [{"concept": {"CONCEPT_ID": CONCEPTS["vegan"][0], "CONCEPT_NAME": "Vegan"}}]}
        )
    )
    sets = {
        "concept_set.diet_vegan_vegetarian": read_site_set(
            "concept_set.diet_vegan_vegetarian", diet
        )
    }
    result = screen(tmp_path / "omop", "omop", TODAY, site_sets=sets)
    assert result.refused == {}
    flags = {(int(r["person_id"]), r["rule_id"]) for r in result.flags.to_pylist()}
    checked = {RULE_A: 0, RULE_B: 0, RULE_C: 0, RULE_D: 0}
    for p in population:
        assessment = assess(profile_of(p), TODAY)
        testing = assessment.testing
        if p.metformin_days and p.metformin_days >= 120:
            assert (p.pid, RULE_A) in flags, p
            checked[RULE_A] += 1
        if p.metformin_days:
            long_term = p.metformin_days >= 4 * 365.25  # param.metformin_monitoring_years
            assert testing.monitoring_suggested == long_term, p
        if not p.metformin_days:
            assert (p.pid, RULE_A) not in flags and not testing.monitoring_suggested, p
        if p.neuropathy or (not p.b12 and not p.vegan_tingling and not p.metformin_days):
            indicated = testing.status in ("recommended", "clinician_judgement")
            assert ((p.pid, RULE_B) in flags) == indicated, p
            checked[RULE_B] += 1
        if p.b12:
            confirmed = assessment.labs[0].band == "deficiency_confirmed"
            assert ((p.pid, RULE_C) in flags) == confirmed, p
            checked[RULE_C] += 1
        if p.vegan_tingling:
            assert ((p.pid, RULE_D) in flags) == (testing.status == "recommended"), p
            checked[RULE_D] += 1
    assert min(checked.values()) >= 30, checked
