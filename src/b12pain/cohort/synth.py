"""Synthetic populations for tests and benchmarks: OMOP-shaped Parquet, optionally FHIR NDJSON.

Deterministic for a seed (DuckDB `hash` of seed, person and purpose), with documented
prevalences (`PREVALENCE`) and ~20 events per person. Person ids 1–99 are planted edge cases
whose correct flags are written down by hand in `PLANTED_TRUTH`, independently of the rules
code: the tests check that every engine and both renderings recover exactly these.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DEFAULT_AS_OF = dt.date(2026, 6, 30)
FIRST_RANDOM_ID = 100
#: People generated per pass; larger populations are written as part files per table.
CHUNK = 2_000_000

#: Share of the random population with each feature (docs/cohort.md).
PREVALENCE = {
    "metformin": 0.08,
    "ppi": 0.10,
    "neuropathy": 0.03,
    "paraesthesia": 0.04,
    "vegan": 0.02,
    "b12_tested": 0.20,
    "treated_after_test": 0.15,
    "outside_observation": 0.05,
    "dead": 0.01,
}

#: OMOP concept ids the generator uses, with the code it writes in the FHIR rendering.
CONCEPTS = {
    "metformin": (1503297, "http://www.nlm.nih.gov/research/umls/rxnorm", "6809"),
    "omeprazole": (923645, "http://www.nlm.nih.gov/research/umls/rxnorm", "7646"),
    "cyanocobalamin": (1308738, "http://www.nlm.nih.gov/research/umls/rxnorm", "309594"),
    "b12_mass": (3000593, "http://loinc.org", "2132-9"),
    "b12_molar": (3009035, "http://loinc.org", "14685-2"),
    "neuropathy_t2dm": (37016354, "http://snomed.info/sct", "368581000119106"),
    "paraesthesia": (4236484, "http://snomed.info/sct", "91019004"),
    #: Diet codes are UNVERIFIED in OMOP: the generator uses a site-local concept id (>2e9),
    #: which a site concept set maps to; the FHIR rendering uses SNOMED 24930006.
    "vegan": (2000000001, "http://snomed.info/sct", "24930006"),
}
UNIT_CONCEPTS = {"pg/mL": 8845, "pmol/L": 8729}

RULE_A = "b12.long_term_drug.no_test_12m"
RULE_B = "b12.neuropathy.no_test_12m"
RULE_C = "b12.low_result.untreated_90d"
RULE_D = "b12.diet.symptoms_no_test_12m"


@dataclass(frozen=True)
class Planted:
    """One planted person: what they have (days relative to the as-of date) and why."""

    person_id: int
    story: str
    drugs: tuple[
        tuple[str, int, int | None, int | None], ...
    ] = ()  # (concept, start, end, days_supply)
    conditions: tuple[tuple[str, int], ...] = ()
    tests: tuple[tuple[str, int, float, str | None], ...] = ()  # (concept, day, value, unit)
    observations: tuple[tuple[str, int], ...] = ()
    birth: dt.date = dt.date(1960, 5, 5)
    observed: tuple[int, int] = (-3000, 100)
    death: int | None = None


M, P, B12 = "metformin", "omeprazole", "cyanocobalamin"

PLANTED: tuple[Planted, ...] = (
    Planted(1, "metformin 119 days", drugs=((M, -200, -82, None),)),
    Planted(2, "metformin 120 days", drugs=((M, -200, -81, None),)),
    Planted(3, "metformin 121 days", drugs=((M, -200, -80, None),)),
    Planted(
        4,
        "metformin, B12 test exactly 365 days before as-of",
        drugs=((M, -300, -1, None),),
        tests=(("b12_mass", -365, 400.0, "pg/mL"),),
    ),
    Planted(
        5,
        "metformin, B12 test 366 days before as-of",
        drugs=((M, -300, -1, None),),
        tests=(("b12_mass", -366, 400.0, "pg/mL"),),
    ),
    Planted(
        6,
        "two overlapping metformin exposures: 90 days covered, 120 if summed",
        drugs=((M, -300, -241, None), (M, -270, -211, None)),
    ),
    Planted(
        7,
        "metformin, no end dates, days_supply 60 twice",
        drugs=((M, -300, None, 60), (M, -200, None, 60)),
    ),
    Planted(
        8,
        "metformin, no end date and no days_supply, four fills (default 30 days)",
        drugs=(
            (M, -400, None, None),
            (M, -300, None, None),
            (M, -200, None, None),
            (M, -100, None, None),
        ),
    ),
    Planted(
        9,
        "metformin, observation period ended before as-of",
        drugs=((M, -600, -301, None),),
        observed=(-3000, -300),
    ),
    Planted(
        10,
        "metformin, observation period starts after as-of",
        drugs=((M, -300, -1, None),),
        observed=(10, 400),
    ),
    Planted(
        11,
        "low B12 (150 pg/mL), treatment on day 0",
        tests=(("b12_mass", -200, 150.0, "pg/mL"),),
        drugs=((B12, -200, -170, None),),
    ),
    Planted(
        12,
        "low B12 (150 pg/mL), treatment on day 90",
        tests=(("b12_mass", -200, 150.0, "pg/mL"),),
        drugs=((B12, -110, -80, None),),
    ),
    Planted(
        13,
        "low B12 (150 pg/mL), treatment on day 91",
        tests=(("b12_mass", -200, 150.0, "pg/mL"),),
        drugs=((B12, -109, -79, None),),
    ),
    Planted(
        14, "B12 120 pmol/L (below 133), untreated", tests=(("b12_molar", -150, 120.0, "pmol/L"),)
    ),
    Planted(
        15,
        "B12 140 pmol/L (indeterminate; would be low if read as pg/mL)",
        tests=(("b12_molar", -150, 140.0, "pmol/L"),),
    ),
    Planted(16, "B12 179 pg/mL, untreated", tests=(("b12_mass", -150, 179.0, "pg/mL"),)),
    Planted(
        17,
        "B12 180 pg/mL (boundary, indeterminate), untreated",
        tests=(("b12_mass", -150, 180.0, "pg/mL"),),
    ),
    Planted(18, "neuropathy, no B12 test", conditions=(("neuropathy_t2dm", -500),)),
    Planted(
        19,
        "neuropathy, B12 test 100 days ago",
        conditions=(("neuropathy_t2dm", -500),),
        tests=(("b12_mass", -100, 500.0, "pg/mL"),),
    ),
    Planted(
        20,
        "vegan diet and paraesthesia, no test",
        observations=(("vegan", -700),),
        conditions=(("paraesthesia", -30),),
    ),
    Planted(21, "vegan diet, no symptoms", observations=(("vegan", -700),)),
    Planted(
        22, "metformin 300 days, died before as-of", drugs=((M, -400, -101, None),), death=-100
    ),
    Planted(
        23,
        "aged 15 with neuropathy",
        conditions=(("neuropathy_t2dm", -100),),
        birth=dt.date(2011, 1, 1),
    ),
    Planted(24, "omeprazole 365 days", drugs=((P, -400, -36, None),)),
    Planted(25, "omeprazole 364 days", drugs=((P, -400, -37, None),)),
    Planted(
        26,
        "low B12 then a later normal result",
        tests=(("b12_mass", -300, 150.0, "pg/mL"), ("b12_mass", -100, 450.0, "pg/mL")),
    ),
    Planted(
        27,
        "metformin 300 days, all before the 730-day exposure window",
        drugs=((M, -1100, -801, None),),
    ),
    Planted(
        28,
        "low B12 in pmol/L with unit only as an OMOP unit concept",
        tests=(("b12_molar", -150, 100.0, None),),
    ),
)

#: The flags each planted person must get (person_id -> rule ids), written down by hand.
PLANTED_TRUTH: dict[int, set[str]] = {
    2: {RULE_A},
    3: {RULE_A},
    5: {RULE_A},
    7: {RULE_A},
    8: {RULE_A},
    24: {RULE_A},
    13: {RULE_C},
    14: {RULE_C},
    16: {RULE_C},
    28: {RULE_C},
    18: {RULE_B},
    20: {RULE_D},
}


def _planted_rows(as_of: dt.date) -> dict[str, list[tuple[Any, ...]]]:
    def day(offset: int) -> dt.date:
        return as_of + dt.timedelta(days=offset)

    rows: dict[str, list[tuple[Any, ...]]] = {
        k: []
        for k in (
            "person",
            "observation_period",
            "death",
            "drug_exposure",
            "condition_occurrence",
            "measurement",
            "observation",
        )
    }
    for p in PLANTED:
        pid = p.person_id
        rows["person"].append(
            (pid, 8532, p.birth.year, p.birth.month, p.birth.day, f"planted-{pid:04d}")
        )
        rows["observation_period"].append((pid, pid, day(p.observed[0]), day(p.observed[1])))
        if p.death is not None:
            rows["death"].append((pid, day(p.death)))
        for j, (concept, start, end, supply) in enumerate(p.drugs):
            rows["drug_exposure"].append(
                (
                    pid * 1000 + j,
                    pid,
                    CONCEPTS[concept][0],
                    day(start),
                    None if end is None else day(end),
                    supply,
                    concept,
                )
            )
        for j, (concept, start) in enumerate(p.conditions):
            rows["condition_occurrence"].append(
                (pid * 1000 + j, pid, CONCEPTS[concept][0], day(start), concept)
            )
        for j, (concept, offset, value, unit) in enumerate(p.tests):
            unit_concept = UNIT_CONCEPTS["pg/mL" if concept == "b12_mass" else "pmol/L"]
            rows["measurement"].append(
                (
                    pid * 1000 + j,
                    pid,
                    CONCEPTS[concept][0],
                    day(offset),
                    value,
                    unit_concept,
                    unit,
                    concept,
                )
            )
        for j, (concept, offset) in enumerate(p.observations):
            rows["observation"].append(
                (pid * 1000 + j, pid, CONCEPTS[concept][0], day(offset), None, concept)
            )
    return rows


def _u(seed: int, salt: int, column: str = "person_id") -> str:
    """A uniform number in [0, 1) from the seed, the row and a purpose `salt` (DuckDB SQL)."""
    return f"((hash({int(seed)}, {column}, {int(salt)}) % 1000003) / 1000003.0)"


def generate_omop(
    out: Path,
    patients: int,
    seed: int = 1,
    as_of: dt.date = DEFAULT_AS_OF,
    threads: int | None = None,
) -> dict[str, int]:
    """Write an OMOP-shaped Parquet population to `out`; return the row count of each table.

    The first `len(PLANTED)` people are the planted edge cases; the rest are random people
    following `PREVALENCE`. The same arguments always give the same files.
    """
    import duckdb

    out.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    con.execute("SET preserve_insertion_order = false")
    a = f"DATE '{as_of.isoformat()}'"
    pv = PREVALENCE
    tables = (
        ("person", "person_id"),
        ("observation_period", "person_id"),
        ("death", "person_id"),
        ("drug_exposure", "person_id, drug_exposure_id"),
        ("condition_occurrence", "person_id, condition_occurrence_id"),
        ("measurement", "person_id, measurement_id"),
        ("observation", "person_id, observation_id"),
    )

    def build(first: int, last: int, planted: bool) -> None:
        con.execute(
            f"CREATE TEMP TABLE people AS SELECT i AS person_id FROM range({first}, {last}) t(i)"
        )

        def u(salt: int, column: str = "person_id") -> str:
            return _u(seed, salt, column)

        con.execute(f"""CREATE TEMP TABLE person AS SELECT person_id,
            CASE WHEN {u(1)} < 0.5 THEN 8507 ELSE 8532 END AS gender_concept_id,
            CAST(year({a}) - 12 - floor({u(2)} * 80) AS INTEGER) AS year_of_birth,
            CAST(1 + floor({u(3)} * 12) AS INTEGER) AS month_of_birth,
            CAST(1 + floor({u(4)} * 28) AS INTEGER) AS day_of_birth,
            md5(CAST(person_id AS VARCHAR)) AS person_source_value
          FROM people""")
        con.execute(f"""CREATE TEMP TABLE observation_period AS SELECT person_id AS observation_period_id, person_id,
            CAST({a} - CAST(400 + floor({u(5)} * 3000) AS INTEGER) AS DATE) AS observation_period_start_date,
            CASE WHEN {u(6)} < {pv["outside_observation"]} THEN CAST({a} - CAST(10 + floor({u(7)} * 300) AS INTEGER) AS DATE)
                 ELSE CAST({a} + 30 AS DATE) END AS observation_period_end_date
          FROM people""")
        con.execute(f"""CREATE TEMP TABLE death AS SELECT person_id,
            CAST({a} - CAST(1 + floor({u(8)} * 300) AS INTEGER) AS DATE) AS death_date
          FROM people WHERE {u(9)} < {pv["dead"]}""")
        fills = f"""
          SELECT p.person_id, r.j, {u(20, "p.person_id * 16 + r.j")} AS jitter FROM people p, range(0, 8) r(j)"""
        con.execute(f"""CREATE TEMP TABLE drug_exposure AS
          WITH f AS ({fills})
          SELECT person_id * 64 + j AS drug_exposure_id, person_id, {CONCEPTS["metformin"][0]} AS drug_concept_id,
            CAST({a} + CAST(-720 + j * 90 + floor(jitter * 20) AS INTEGER) AS DATE) AS drug_exposure_start_date,
            CASE WHEN jitter < 0.05 THEN NULL ELSE CAST({a} + CAST(-720 + j * 90 + floor(jitter * 20) + 89 AS INTEGER) AS DATE) END AS drug_exposure_end_date,
            CASE WHEN jitter < 0.03 THEN NULL ELSE 90 END AS days_supply, 'metformin 500 MG Oral Tablet' AS drug_source_value
          FROM f WHERE {u(10)} < {pv["metformin"]} AND j < 1 + floor({u(11)} * 8)
          UNION ALL
          SELECT person_id * 64 + 8 + j, person_id, {CONCEPTS["omeprazole"][0]},
            CAST({a} + CAST(-700 + j * 60 + floor(jitter * 10) AS INTEGER) AS DATE),
            CAST({a} + CAST(-700 + j * 60 + floor(jitter * 10) + 59 AS INTEGER) AS DATE), 60, 'omeprazole 20 MG Delayed Release Oral Capsule'
          FROM f WHERE {u(12)} < {pv["ppi"]} AND j < 1 + floor({u(13)} * 8)
          UNION ALL
          SELECT person_id * 64 + 16 + j, person_id, 1308216 + j,
            CAST({a} - CAST(floor(jitter * 1500) AS INTEGER) AS DATE),
            CAST({a} + CAST(29 - floor(jitter * 1500) AS INTEGER) AS DATE), 30, 'other medicine, oral tablet, 30 day supply'
          FROM f WHERE j < 4""")
        con.execute(f"""CREATE TEMP TABLE measurement AS
          WITH t AS (SELECT p.person_id, r.j, {u(30, "p.person_id * 16 + r.j")} AS v, {u(31, "p.person_id * 16 + r.j")} AS w
                     FROM people p, range(0, 2) r(j) WHERE {u(14)} < {pv["b12_tested"]})
          SELECT person_id * 64 + j AS measurement_id, person_id,
            CASE WHEN w < 0.5 THEN {CONCEPTS["b12_mass"][0]} ELSE {CONCEPTS["b12_molar"][0]} END AS measurement_concept_id,
            CAST({a} - CAST(floor(w * 1000) AS INTEGER) AS DATE) AS measurement_date,
            round(CASE WHEN w < 0.5 THEN 100 + v * 800 ELSE 74 + v * 590 END, 1) AS value_as_number,
            CASE WHEN w < 0.5 THEN 8845 ELSE 8729 END AS unit_concept_id,
            CASE WHEN v < 0.1 THEN NULL WHEN w < 0.5 THEN 'pg/mL' ELSE 'pmol/L' END AS unit_source_value,
            'vitamin B12 serum' AS measurement_source_value
          FROM t WHERE j = 0 OR v < 0.3
          UNION ALL
          SELECT p.person_id * 64 + 8 + r.j, p.person_id, 3025315 + r.j,
            CAST({a} - CAST(floor({u(32, "p.person_id * 16 + r.j")} * 2000) AS INTEGER) AS DATE),
            round(40 + {u(33, "p.person_id * 16 + r.j")} * 60, 1), 9529, 'kg', 'routine observation panel value'
          FROM people p, range(0, 10) r(j)""")
        con.execute(f"""INSERT INTO drug_exposure
          SELECT m.person_id * 64 + 40, m.person_id, {CONCEPTS["cyanocobalamin"][0]},
            CAST(m.measurement_date + CAST(floor({u(15, "m.person_id")} * 150) AS INTEGER) AS DATE),
            CAST(m.measurement_date + CAST(floor({u(15, "m.person_id")} * 150) + 29 AS INTEGER) AS DATE), 30,
            'cyanocobalamin 1000 MCG/ML Injectable Solution'
          FROM measurement m WHERE m.measurement_id = m.person_id * 64 AND {u(16, "m.person_id")} < {pv["treated_after_test"]}""")
        con.execute(f"""CREATE TEMP TABLE condition_occurrence AS
          SELECT person_id * 64 AS condition_occurrence_id, person_id, {CONCEPTS["neuropathy_t2dm"][0]} AS condition_concept_id,
            CAST({a} - CAST(floor({u(17)} * 2000) AS INTEGER) AS DATE) AS condition_start_date, 'neuropathy due to type 2 diabetes' AS condition_source_value
          FROM people WHERE {u(18)} < {pv["neuropathy"]}
          UNION ALL
          SELECT person_id * 64 + 1, person_id, {CONCEPTS["paraesthesia"][0]},
            CAST({a} - CAST(floor({u(19)} * 700) AS INTEGER) AS DATE), 'paresthesia'
          FROM people WHERE {u(21)} < {pv["paraesthesia"]}
          UNION ALL
          SELECT p.person_id * 64 + 8 + r.j, p.person_id, 201826 + r.j,
            CAST({a} - CAST(floor({u(22, "p.person_id * 16 + r.j")} * 3000) AS INTEGER) AS DATE), 'other condition recorded at a visit'
          FROM people p, range(0, 3) r(j)""")
        con.execute(f"""CREATE TEMP TABLE observation AS
          SELECT person_id * 64 AS observation_id, person_id, {CONCEPTS["vegan"][0]} AS observation_concept_id,
            CAST({a} - CAST(floor({u(23)} * 1500) AS INTEGER) AS DATE) AS observation_date,
            CAST(NULL AS BIGINT) AS value_as_concept_id, 'diet: vegan' AS observation_source_value
          FROM people WHERE {u(24)} < {pv["vegan"]}
          UNION ALL
          SELECT p.person_id * 64 + 8 + r.j, p.person_id, 40770471 + r.j,
            CAST({a} - CAST(floor({u(25, "p.person_id * 16 + r.j")} * 2000) AS INTEGER) AS DATE), NULL, 'social history item'
          FROM people p, range(0, 2) r(j)""")
        if planted:
            _insert_planted(con, as_of)

    n_random = max(0, patients - len(PLANTED))
    chunks = [
        (FIRST_RANDOM_ID + k, min(FIRST_RANDOM_ID + n_random, FIRST_RANDOM_ID + k + CHUNK))
        for k in range(0, max(n_random, 1), CHUNK)
    ]
    counts = {table: 0 for table, _ in tables}
    for index, (first, last) in enumerate(chunks):
        build(first, last, planted=index == 0)
        for table, order in tables:
            target = (
                out / f"{table}.parquet"
                if len(chunks) == 1
                else out / table / f"part-{index:04d}.parquet"
            )
            target.parent.mkdir(parents=True, exist_ok=True)
            con.execute(
                f"COPY (SELECT * FROM {table} ORDER BY {order}) TO '{target}' (FORMAT parquet)"
            )
            counts[table] += int(con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0])
            con.execute(f"DROP TABLE {table}")
        con.execute("DROP TABLE people")
    con.close()
    return counts


def _insert_planted(con: Any, as_of: dt.date) -> None:
    rows = _planted_rows(as_of)
    con.executemany("INSERT INTO person VALUES (?, ?, ?, ?, ?, ?)", rows["person"])
    con.executemany(
        "INSERT INTO observation_period VALUES (?, ?, ?, ?)", rows["observation_period"]
    )
    con.executemany("INSERT INTO death VALUES (?, ?)", rows["death"])
    con.executemany("INSERT INTO drug_exposure VALUES (?, ?, ?, ?, ?, ?, ?)", rows["drug_exposure"])
    con.executemany(
        "INSERT INTO condition_occurrence VALUES (?, ?, ?, ?, ?)", rows["condition_occurrence"]
    )
    con.executemany("INSERT INTO measurement VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows["measurement"])
    con.executemany("INSERT INTO observation VALUES (?, ?, ?, ?, ?, ?)", rows["observation"])


def render_fhir(omop_dir: Path, out: Path) -> dict[str, int]:
    """Write the same people as FHIR Bulk NDJSON (Patient, Coverage, MedicationRequest,
    Condition, Observation); only events with a code in `CONCEPTS` are rendered."""
    import duckdb

    out.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    codes = ", ".join(f"({cid}, '{system}', '{code}')" for cid, system, code in CONCEPTS.values())
    con.execute(
        f"CREATE TEMP TABLE codes AS SELECT * FROM (VALUES {codes}) t(concept_id, system, code)"
    )

    def src(table: str) -> str:
        single = omop_dir / f"{table}.parquet"
        return f"read_parquet('{single if single.exists() else omop_dir / table / '*.parquet'}')"

    queries = {
        "Patient": f"""SELECT 'Patient' AS resourceType, CAST(p.person_id AS VARCHAR) AS id,
              CASE p.gender_concept_id WHEN 8507 THEN 'male' ELSE 'female' END AS gender,
              strftime(make_date(p.year_of_birth, p.month_of_birth, p.day_of_birth), '%Y-%m-%d') AS birthDate,
              [{{'type': {{'coding': [{{'system': 'http://terminology.hl7.org/CodeSystem/v2-0203', 'code': 'MR'}}]}},
                'system': 'urn:b12pain:synthetic-mrn', 'value': p.person_source_value}}] AS identifier,
              strftime(d.death_date, '%Y-%m-%d') AS deceasedDateTime
            FROM {src("person")} p LEFT JOIN {src("death")} d USING (person_id)""",
        "Coverage": f"""SELECT 'Coverage' AS resourceType, 'cov-' || observation_period_id AS id, 'active' AS status,
              {{'reference': 'Patient/' || person_id}} AS beneficiary,
              {{'start': strftime(observation_period_start_date, '%Y-%m-%d'), 'end': strftime(observation_period_end_date, '%Y-%m-%d')}} AS period
            FROM {src("observation_period")}""",
        "MedicationRequest": f"""SELECT 'MedicationRequest' AS resourceType, 'mr-' || drug_exposure_id AS id,
              'completed' AS status, 'order' AS intent,
              {{'coding': [{{'system': c.system, 'code': c.code}}]}} AS medicationCodeableConcept,
              {{'reference': 'Patient/' || person_id}} AS subject,
              strftime(drug_exposure_start_date, '%Y-%m-%d') AS authoredOn,
              {{'validityPeriod': {{'start': strftime(drug_exposure_start_date, '%Y-%m-%d'), 'end': strftime(drug_exposure_end_date, '%Y-%m-%d')}},
                'expectedSupplyDuration': {{'value': days_supply, 'unit': 'days', 'system': 'http://unitsofmeasure.org', 'code': 'd'}}}} AS dispenseRequest
            FROM {src("drug_exposure")} JOIN codes c ON c.concept_id = drug_concept_id""",
        "Condition": f"""SELECT 'Condition' AS resourceType, 'c-' || condition_occurrence_id AS id,
              {{'coding': [{{'system': c.system, 'code': c.code}}]}} AS code,
              {{'reference': 'Patient/' || person_id}} AS subject,
              strftime(condition_start_date, '%Y-%m-%d') AS onsetDateTime
            FROM {src("condition_occurrence")} JOIN codes c ON c.concept_id = condition_concept_id""",
        "Observation": f"""SELECT 'Observation' AS resourceType, 'm-' || measurement_id AS id, 'final' AS status,
              {{'coding': [{{'system': c.system, 'code': c.code}}]}} AS code,
              {{'reference': 'Patient/' || person_id}} AS subject,
              strftime(measurement_date, '%Y-%m-%d') AS effectiveDateTime,
              {{'value': value_as_number, 'unit': coalesce(unit_source_value, CASE unit_concept_id WHEN 8845 THEN 'pg/mL' WHEN 8729 THEN 'pmol/L' END),
                'system': 'http://unitsofmeasure.org',
                'code': coalesce(unit_source_value, CASE unit_concept_id WHEN 8845 THEN 'pg/mL' WHEN 8729 THEN 'pmol/L' END)}} AS valueQuantity
            FROM {src("measurement")} JOIN codes c ON c.concept_id = measurement_concept_id""",
        "Observation.001": f"""SELECT 'Observation' AS resourceType, 'o-' || observation_id AS id, 'final' AS status,
              {{'coding': [{{'system': c.system, 'code': c.code}}]}} AS code,
              {{'reference': 'Patient/' || person_id}} AS subject,
              strftime(observation_date, '%Y-%m-%d') AS effectiveDateTime
            FROM {src("observation")} JOIN codes c ON c.concept_id = observation_concept_id""",
    }
    counts: dict[str, int] = {}
    for name, query in queries.items():
        file = out / (f"{name}.ndjson" if "." in name else f"{name}.000.ndjson")
        con.execute(f"COPY ({query}) TO '{file}' (FORMAT json)")
        counts[name] = int(con.execute(f"SELECT count(*) FROM ({query})").fetchall()[0][0])
    con.close()
    return counts
