"""OMOP CDM 5.3/5.4 input: find the tables, turn CSV/zip/DuckDB files into Parquet once, then
define the canonical event views over them in SQL that DuckDB and Spark both run.

Canonical views (all dates DATE; `person_id` stays the OMOP integer here, which keeps joins and
sorts fast, and becomes text only in the flags output, as FHIR ids are):
`persons(person_id, birth_date)`, `deaths(person_id, death_date)`,
`coverage(person_id, start_date, end_date)`,
`drugs(person_id, concept_id, start_date, end_date)`, `conditions(person_id, concept_id,
start_date)`, `measurements(person_id, concept_id, date, value, unit)`,
`observations(person_id, concept_id, date)`, and, when the source has a vocabulary,
`concept(concept_id, vocabulary_id, concept_code)` and `concept_ancestor(ancestor_concept_id,
descendant_concept_id)`.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from b12pain.cohort.engines import Dialect, Engine
from b12pain.errors import InputError

TABLES = (
    "person",
    "observation_period",
    "death",
    "drug_exposure",
    "condition_occurrence",
    "measurement",
    "observation",
    "concept",
    "concept_ancestor",
)
REQUIRED = ("person", "observation_period")

#: Columns the views read that CDM 5.3/5.4 allows to be absent or that some ETLs leave out;
#: a missing one reads as NULL.
OPTIONAL_COLUMNS = {
    "person": {"month_of_birth": "INT", "day_of_birth": "INT"},
    "drug_exposure": {"drug_exposure_end_date": "DATE", "days_supply": "INT"},
    "measurement": {
        "value_as_number": "DOUBLE",
        "unit_concept_id": "BIGINT",
        "unit_source_value": "STRING",
    },
    "observation": {"value_as_concept_id": "BIGINT"},
}

#: OMOP unit concept ids whose UCUM code is known without a vocabulary (population-design §1.1).
UNIT_HINTS = {8845: "pg/mL", 8729: "pmol/L"}


def find_tables(source: Path, workdir: Path) -> dict[str, list[Path]]:
    """Parquet files per OMOP table; CSV, zipped CSV and DuckDB inputs are converted into `workdir`."""
    if not source.exists():
        raise InputError.single("--input", str(source), "no such file or folder")
    if source.is_file() and source.suffix.lower() == ".zip":
        return _from_zip(source, workdir)
    if source.is_file() and source.suffix.lower() in (".duckdb", ".db"):
        return _from_duckdb(source, workdir)
    if not source.is_dir():
        raise InputError.single(
            "--input",
            str(source),
            "expected a folder of OMOP CSV/Parquet files, a .zip of CSVs or a .duckdb file",
        )
    found: dict[str, list[Path]] = {}
    for path in sorted(source.iterdir()):
        stem = path.name.split(".")[0].lower()
        if stem not in TABLES:
            continue
        if path.is_dir():
            parts = sorted(path.glob("*.parquet"))
            if parts:
                found[stem] = parts
        elif path.suffix.lower() == ".parquet":
            found.setdefault(stem, []).append(path)
        elif path.suffix.lower() in (".csv", ".tsv"):
            found[stem] = [_csv_to_parquet(path, workdir / f"{stem}.parquet")]
    _check_required(found, source)
    return found


def _check_required(found: dict[str, list[Path]], source: Path) -> None:
    missing = [t for t in REQUIRED if t not in found]
    if missing:
        raise InputError.single(
            "--input",
            str(source),
            f"OMOP tables missing: {', '.join(missing)} (needs {', '.join(REQUIRED)}; optional {', '.join(t for t in TABLES if t not in REQUIRED)})",
        )


def _csv_to_parquet(csv: Path, target: Path) -> Path:
    """Convert one OMOP CSV to Parquet with DuckDB (all columns as text; the views cast them)."""
    import duckdb

    target.parent.mkdir(parents=True, exist_ok=True)
    delim = "\t" if csv.suffix.lower() == ".tsv" else ","
    with duckdb.connect() as con:
        con.execute(
            "COPY (SELECT * FROM read_csv(?, header = true, all_varchar = true, delim = ?)) TO ? (FORMAT parquet)",
            [str(csv), delim, str(target)],
        )
    return target


def _from_zip(archive: Path, workdir: Path) -> dict[str, list[Path]]:
    found: dict[str, list[Path]] = {}
    with zipfile.ZipFile(archive) as zf:
        for info in zf.infolist():
            name = Path(info.filename)
            stem = name.name.split(".")[0].lower()
            if "__MACOSX" in name.parts or stem not in TABLES or name.suffix.lower() != ".csv":
                continue
            extracted = Path(zf.extract(info, workdir / "csv"))
            found[stem] = [_csv_to_parquet(extracted, workdir / f"{stem}.parquet")]
            extracted.unlink()
    _check_required(found, archive)
    return found


def _from_duckdb(database: Path, workdir: Path) -> dict[str, list[Path]]:
    import duckdb

    found: dict[str, list[Path]] = {}
    with duckdb.connect(str(database), read_only=True) as con:
        names = {
            row[0].lower(): row[0]
            for row in con.execute("SELECT table_name FROM information_schema.tables").fetchall()
        }
        for table in TABLES:
            if table in names:
                target = workdir / f"{table}.parquet"
                workdir.mkdir(parents=True, exist_ok=True)
                con.execute(
                    f'COPY (SELECT * FROM "{names[table]}") TO ? (FORMAT parquet)', [str(target)]
                )
                found[table] = [target]
    _check_required(found, database)
    return found


def _unit_sql(raw_sql: str) -> str:
    """Normalise a unit string to the UCUM spelling used by the thresholds."""
    return (
        f"CASE lower(trim({raw_sql})) WHEN 'pg/ml' THEN 'pg/mL' WHEN 'ng/l' THEN 'ng/L' "
        f"WHEN 'pmol/l' THEN 'pmol/L' WHEN 'ng/ml' THEN 'ng/mL' ELSE trim({raw_sql}) END"
    )


def canonical_views(
    engine: Engine, tables: dict[str, list[Path]], default_supply_days: int
) -> bool:
    """Register the OMOP tables and define the canonical views; return True if a vocabulary exists."""
    for table, paths in tables.items():
        engine.register_parquet(f"omop_{table}_raw", paths)
        present = {c.lower() for c in engine.columns(f"omop_{table}_raw")}
        missing = [
            f"CAST(NULL AS {kind}) AS {column}"
            for column, kind in OPTIONAL_COLUMNS.get(table, {}).items()
            if column not in present
        ]
        engine.create_view(
            f"omop_{table}", f"SELECT {', '.join(['*', *missing])} FROM omop_{table}_raw"
        )
    d: Dialect = engine.dialect
    has = set(tables)
    has_vocabulary = "concept" in has and "concept_ancestor" in has
    empty = "WHERE 1 = 0"

    engine.create_view(
        "persons",
        """SELECT CAST(p.person_id AS BIGINT) AS person_id,
            make_date(CAST(p.year_of_birth AS INT), coalesce(CAST(p.month_of_birth AS INT), 1),
                      coalesce(CAST(p.day_of_birth AS INT), 1)) AS birth_date
        FROM omop_person p""",
    )
    engine.create_view(
        "deaths",
        "SELECT CAST(person_id AS BIGINT) AS person_id, CAST(death_date AS DATE) AS death_date FROM omop_death"
        if "death" in has
        else f"SELECT CAST(NULL AS BIGINT) AS person_id, CAST(NULL AS DATE) AS death_date {empty}",
    )
    engine.create_view(
        "coverage",
        """SELECT CAST(person_id AS BIGINT) AS person_id,
            CAST(observation_period_start_date AS DATE) AS start_date,
            CAST(observation_period_end_date AS DATE) AS end_date
        FROM omop_observation_period""",
    )
    if "drug_exposure" in has:
        supply = f"CASE WHEN CAST(days_supply AS INT) > 0 THEN CAST(days_supply AS INT) ELSE {default_supply_days} END"
        engine.create_view(
            "drugs",
            f"""SELECT person_id, concept_id, start_date,
                greatest(start_date, coalesce(end_date, {d.add_days("start_date", f"{supply} - 1")})) AS end_date
            FROM (SELECT CAST(person_id AS BIGINT) AS person_id,
                         CAST(drug_concept_id AS BIGINT) AS concept_id,
                         CAST(drug_exposure_start_date AS DATE) AS start_date,
                         CAST(drug_exposure_end_date AS DATE) AS end_date, days_supply
                  FROM omop_drug_exposure) x""",
        )
    else:
        engine.create_view(
            "drugs",
            f"SELECT CAST(NULL AS BIGINT) AS person_id, CAST(NULL AS BIGINT) AS concept_id, CAST(NULL AS DATE) AS start_date, CAST(NULL AS DATE) AS end_date {empty}",
        )
    if "condition_occurrence" in has:
        engine.create_view(
            "conditions",
            """SELECT CAST(person_id AS BIGINT) AS person_id,
                CAST(condition_concept_id AS BIGINT) AS concept_id,
                CAST(condition_start_date AS DATE) AS start_date
            FROM omop_condition_occurrence""",
        )
    else:
        engine.create_view(
            "conditions",
            f"SELECT CAST(NULL AS BIGINT) AS person_id, CAST(NULL AS BIGINT) AS concept_id, CAST(NULL AS DATE) AS start_date {empty}",
        )
    if "measurement" in has:
        hint = " ".join(f"WHEN {k} THEN '{v}'" for k, v in UNIT_HINTS.items())
        unit = f"coalesce({_unit_sql('m.unit_source_value')}, CASE CAST(m.unit_concept_id AS BIGINT) {hint} END)"
        join = ""
        if has_vocabulary:
            unit = f"coalesce(u.concept_code, {unit})"
            join = "LEFT JOIN (SELECT CAST(concept_id AS BIGINT) AS concept_id, concept_code FROM omop_concept WHERE vocabulary_id = 'UCUM') u ON u.concept_id = CAST(m.unit_concept_id AS BIGINT)"
        engine.create_view(
            "measurements",
            f"""SELECT CAST(m.person_id AS BIGINT) AS person_id,
                CAST(m.measurement_concept_id AS BIGINT) AS concept_id,
                CAST(m.measurement_date AS DATE) AS date,
                CAST(m.value_as_number AS DOUBLE) AS value,
                {unit} AS unit
            FROM omop_measurement m {join}""",
        )
    else:
        engine.create_view(
            "measurements",
            f"SELECT CAST(NULL AS BIGINT) AS person_id, CAST(NULL AS BIGINT) AS concept_id, CAST(NULL AS DATE) AS date, CAST(NULL AS DOUBLE) AS value, CAST(NULL AS STRING) AS unit {empty}",
        )
    if "observation" in has:
        engine.create_view(
            "observations",
            """SELECT CAST(person_id AS BIGINT) AS person_id,
                CAST(observation_concept_id AS BIGINT) AS concept_id,
                CAST(observation_date AS DATE) AS date
            FROM omop_observation
            UNION ALL
            SELECT CAST(person_id AS BIGINT) AS person_id,
                CAST(value_as_concept_id AS BIGINT) AS concept_id,
                CAST(observation_date AS DATE) AS date
            FROM omop_observation WHERE CAST(value_as_concept_id AS BIGINT) > 0""",
        )
    else:
        engine.create_view(
            "observations",
            f"SELECT CAST(NULL AS BIGINT) AS person_id, CAST(NULL AS BIGINT) AS concept_id, CAST(NULL AS DATE) AS date {empty}",
        )
    if has_vocabulary:
        engine.create_view(
            "concept",
            "SELECT CAST(concept_id AS BIGINT) AS concept_id, vocabulary_id, CAST(concept_code AS STRING) AS concept_code FROM omop_concept",
        )
        engine.create_view(
            "concept_ancestor",
            "SELECT CAST(ancestor_concept_id AS BIGINT) AS ancestor_concept_id, CAST(descendant_concept_id AS BIGINT) AS descendant_concept_id FROM omop_concept_ancestor",
        )
    return has_vocabulary
