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

from b12pain.cohort.csvcache import CacheEntry, CsvCache
from b12pain.cohort.engines import Dialect, Engine
from b12pain.cohort.tablecheck import Column, check_table, reading, regular_file, typed_sql
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

#: The columns the screener reads from each OMOP table (CDM 5.3/5.4 names), with their kind and
#: whether the table must have them; an optional column that is absent reads as NULL.
COLUMNS: dict[str, tuple[Column, ...]] = {
    "person": (
        Column("person_id", "id"),
        Column("year_of_birth", "int"),
        Column("month_of_birth", "int", False),
        Column("day_of_birth", "int", False),
        Column("person_source_value", "text", False),
    ),
    "observation_period": (
        Column("person_id", "id"),
        Column("observation_period_start_date", "date"),
        Column("observation_period_end_date", "date"),
    ),
    "death": (Column("person_id", "id"), Column("death_date", "date", False)),
    "drug_exposure": (
        Column("person_id", "id"),
        Column("drug_concept_id", "id"),
        Column("drug_exposure_start_date", "date"),
        Column("drug_exposure_end_date", "date", False),
        Column("days_supply", "int", False),
    ),
    "condition_occurrence": (
        Column("person_id", "id"),
        Column("condition_concept_id", "id"),
        Column("condition_start_date", "date"),
    ),
    "measurement": (
        Column("person_id", "id"),
        Column("measurement_concept_id", "id"),
        Column("measurement_date", "date"),
        Column("value_as_number", "number", False),
        Column("operator_concept_id", "id", False),
        Column("unit_concept_id", "id", False),
        Column("unit_source_value", "text", False),
        Column("value_source_value", "text", False),
    ),
    "observation": (
        Column("person_id", "id"),
        Column("observation_concept_id", "id"),
        Column("observation_date", "date"),
        Column("value_as_concept_id", "id", False),
    ),
    "concept": (
        Column("concept_id", "id"),
        Column("concept_name", "text", False),
        Column("vocabulary_id", "text"),
        Column("concept_code", "text"),
    ),
    "concept_ancestor": (
        Column("ancestor_concept_id", "id"),
        Column("descendant_concept_id", "id"),
    ),
}

#: OMOP unit concept ids whose UCUM code is known without a vocabulary (population-design §1.1).
UNIT_HINTS = {8845: "pg/mL", 8729: "pmol/L"}

#: OMOP `operator_concept_id`s of censored results ("<50"): the ids the Oxford OMOP mapper
#: (`oxford-omop-mapper`) writes for each operator, also used by an independent ETL.
OPERATORS = {4171756: "<", 4171754: "<=", 4172704: ">", 4171755: ">="}

#: Bumped when the cached conversion of a CSV changes shape, so old cache files are not reused.
CONVERSION_VERSION = 3


def find_tables(
    source: Path, workdir: Path, cache: CsvCache | None = None
) -> dict[str, list[Path]]:
    """Checked Parquet files per OMOP table. CSV (a folder or a .zip) and DuckDB inputs are
    checked and converted into `workdir`, or into `cache` (CSV only) to be reused while the file
    is unchanged; Parquet is checked and read where it is."""
    if not source.exists():
        raise InputError.single("--input", str(source), "no such file or folder")
    if not source.is_dir():
        regular_file(source, "--input")
    if source.is_file() and source.suffix.lower() == ".zip":
        return _from_zip(source, workdir, cache)
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
            parts = [regular_file(part, stem) for part in sorted(path.glob("*.parquet"))]
            if parts:
                found[stem] = _checked_parquet(stem, parts, workdir)
        elif path.suffix.lower() == ".parquet":
            regular_file(path, stem)
            found[stem] = _checked_parquet(stem, [*found.get(stem, []), path], workdir)
        elif path.suffix.lower() in (".csv", ".tsv"):
            found[stem] = [_converted_csv(regular_file(path, stem), stem, workdir, cache)]
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


def _literal(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def _listed(paths: list[Path]) -> str:
    return "[" + ", ".join(_literal(str(p)) for p in paths) + "]"


def _typed_select(table: str, present: dict[str, str]) -> str:
    """The columns of `table` the screener reads that the source has, typed (absent optional
    columns are added as NULL by `canonical_views`)."""
    return ", ".join(typed_sql(c, present) for c in COLUMNS[table] if c.name in present)


def _checked_parquet(table: str, paths: list[Path], workdir: Path) -> list[Path]:
    """Parquet files checked for the columns the screener reads; files whose columns are text
    where numbers or dates are expected are rewritten typed into `workdir`."""
    import duckdb

    origin = str(paths[0].parent if len(paths) > 1 else paths[0])
    with duckdb.connect() as con:
        with reading(table, origin):
            con.execute(
                f"CREATE VIEW raw AS SELECT * FROM read_parquet({_listed(paths)}, union_by_name = true)"
            )
        present = check_table(con, "raw", table, COLUMNS[table], origin)
        needs_typing = any(
            c.kind != "text" and c.name in present and present[c.name].upper().startswith("VARCHAR")
            for c in COLUMNS[table]
        )
        if not needs_typing:
            return paths
        target = workdir / f"{table}.parquet"
        workdir.mkdir(parents=True, exist_ok=True)
        with reading(table, origin):
            con.execute(
                f"COPY (SELECT {_typed_select(table, present)} FROM raw) TO ? (FORMAT parquet)",
                [str(target)],
            )
    return [target]


def _csv_header(csv: Path, delim: str, table: str) -> list[str]:
    """The column names of a CSV file's first line (a BOM is allowed)."""
    import csv as csvmodule

    try:
        with csv.open(encoding="utf-8-sig", newline="") as handle:
            header = next(csvmodule.reader(handle, delimiter=delim), [])
    except UnicodeDecodeError:
        raise InputError.single(
            table, str(csv), "not UTF-8 text; expected a UTF-8 encoded CSV file"
        ) from None
    except csvmodule.Error:
        raise InputError.single(table, str(csv), "the header row is not valid CSV") from None
    names = [name.strip() for name in header]
    if not names or any(not name for name in names):
        raise InputError.single(
            table,
            str(csv),
            "no header row (or an empty column name); expected one header row naming the OMOP columns",
        )
    return names


def _csv_to_parquet(
    csv: Path, target: Path, table: str | None = None, entry: CacheEntry | None = None
) -> Path:
    """Check one OMOP CSV and convert the columns the screener reads to typed Parquet (DuckDB).

    With a cache `entry`, the result is written there (and reused by the caller next time, while
    the CSV's size and modification time are unchanged) instead of to `target`.
    """
    import duckdb

    table = table or csv.name.split(".")[0].lower()
    target.parent.mkdir(parents=True, exist_ok=True)
    delim = "\t" if csv.suffix.lower() == ".tsv" else ","
    names = _csv_header(csv, delim, table)
    if len({n.lower() for n in names}) != len(names):
        raise InputError.single(table, str(csv), "a column name appears twice in the header row")
    columns = "{" + ", ".join(f"{_literal(n)}: 'VARCHAR'" for n in names) + "}"
    with duckdb.connect() as con:
        con.execute(
            f"""CREATE VIEW raw AS SELECT * FROM read_csv({_literal(str(csv))}, header = true,
                delim = {_literal(delim)}, quote = '"', escape = '"', auto_detect = false,
                strict_mode = true, null_padding = false, columns = {columns})"""
        )
        present = check_table(con, "raw", table, COLUMNS[table], str(csv))
        written = target if entry is None else entry.temporary()
        try:
            with reading(table, csv):
                con.execute(
                    f"COPY (SELECT {_typed_select(table, present)} FROM raw) TO ? (FORMAT parquet)",
                    [str(written)],
                )
        except BaseException:
            if entry is not None:
                written.unlink(missing_ok=True)
            raise
    return written if entry is None else entry.commit(written)


def _converted_csv(csv: Path, table: str, workdir: Path, cache: CsvCache | None) -> Path:
    """The typed Parquet of one CSV: from the cache when this version was converted before."""
    if cache is None:
        return _csv_to_parquet(csv, workdir / f"{table}.parquet", table)
    entry = cache.entry(csv, f"{table}-v{CONVERSION_VERSION}")
    return entry.hit() or _csv_to_parquet(csv, workdir / f"{table}.parquet", table, entry)


def _from_zip(archive: Path, workdir: Path, cache: CsvCache | None = None) -> dict[str, list[Path]]:
    found: dict[str, list[Path]] = {}
    try:
        zf = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, OSError):
        raise InputError.single(
            "--input", str(archive), "not a readable .zip archive (cut short or damaged?)"
        ) from None
    with zf:
        for info in zf.infolist():
            name = Path(info.filename)
            stem = name.name.split(".")[0].lower()
            if "__MACOSX" in name.parts or stem not in TABLES or name.suffix.lower() != ".csv":
                continue
            entry = (
                cache.entry(archive, f"{stem}:{info.filename}-v{CONVERSION_VERSION}")
                if cache
                else None
            )
            if entry is not None and (hit := entry.hit()) is not None:
                found[stem] = [hit]
                continue
            try:
                extracted = Path(zf.extract(info, workdir / "csv"))
            except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError):
                raise InputError.single(
                    stem,
                    f"{archive}:{info.filename}",
                    "this archive member cannot be extracted (damaged, encrypted or an unsupported compression)",
                ) from None
            try:
                found[stem] = [_csv_to_parquet(extracted, workdir / f"{stem}.parquet", stem, entry)]
            finally:
                extracted.unlink()
    _check_required(found, archive)
    return found


def _from_duckdb(database: Path, workdir: Path) -> dict[str, list[Path]]:
    import duckdb

    found: dict[str, list[Path]] = {}
    with reading("--input", database):
        con = duckdb.connect(str(database), read_only=True)
    with con:
        names = {
            row[0].lower(): row[0]
            for row in con.execute("SELECT table_name FROM information_schema.tables").fetchall()
        }
        for table in TABLES:
            if table in names:
                target = workdir / f"{table}.parquet"
                workdir.mkdir(parents=True, exist_ok=True)
                relation = f'"{names[table]}"'
                present = check_table(
                    con, relation, table, COLUMNS[table], f"{database}:{names[table]}"
                )
                with reading(table, database):
                    con.execute(
                        f"COPY (SELECT {_typed_select(table, present)} FROM {relation}) TO ? (FORMAT parquet)",
                        [str(target)],
                    )
                found[table] = [target]
    _check_required(found, database)
    return found


#: How each kind of column is written in SQL that both engines read.
SPARK_TYPES = {"id": "BIGINT", "int": "INT", "number": "DOUBLE", "date": "DATE", "text": "STRING"}

#: A leading comparison in a result written as text ("<50 pg/mL", "> 2000"); no backslashes,
#: so Spark and DuckDB read the same pattern.
_COMPARATOR = "^[ ]*(<=|>=|<|>)"
_NUMBER = "([0-9]+([.][0-9]+)?)"


def censored_comparator(text_sql: str) -> str:
    """SQL: the comparator a text result starts with ("<", "<=", ">", ">="), else NULL."""
    return f"nullif(regexp_extract({text_sql}, '{_COMPARATOR}', 1), '')"


def censored_value(text_sql: str) -> str:
    """SQL: the number in a text result ("<50 pg/mL" → 50), else NULL."""
    return f"try_cast(nullif(regexp_extract({text_sql}, '{_NUMBER}', 1), '') AS DOUBLE)"


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
    given: dict[str, set[str]] = {}
    for table, paths in tables.items():
        engine.register_parquet(f"omop_{table}_raw", paths)
        present = {c.lower() for c in engine.columns(f"omop_{table}_raw")}
        given[table] = present
        missing = [
            f"CAST(NULL AS {SPARK_TYPES[column.kind]}) AS {column.name}"
            for column in COLUMNS[table]
            if column.name not in present
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
                      coalesce(CAST(p.day_of_birth AS INT), 1)) AS birth_date,
            CAST(p.person_source_value AS STRING) AS source_value
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
        source_unit = "nullif(trim(m.unit_source_value), '')"
        unit = (
            f"coalesce({_unit_sql(source_unit)}, CASE CAST(m.unit_concept_id AS BIGINT) {hint} END)"
        )
        join = ""
        if has_vocabulary:
            unit = f"coalesce(u.concept_code, {unit})"
            join = "LEFT JOIN (SELECT CAST(concept_id AS BIGINT) AS concept_id, concept_code FROM omop_concept WHERE vocabulary_id = 'UCUM') u ON u.concept_id = CAST(m.unit_concept_id AS BIGINT)"
        # Censored results are read only from the columns the source has (reading an absent
        # column as NULL through a regular expression still costs a pass over every row).
        columns = given["measurement"]
        value = "CAST(m.value_as_number AS DOUBLE)"
        comparators = []
        if "operator_concept_id" in columns:
            operator = " ".join(f"WHEN {k} THEN '{v}'" for k, v in OPERATORS.items())
            comparators.append(f"CASE CAST(m.operator_concept_id AS BIGINT) {operator} END")
        if "value_source_value" in columns:
            value = f"coalesce({value}, {censored_value('m.value_source_value')})"
            comparators.append(censored_comparator("m.value_source_value"))
        comparator = (
            f"coalesce({', '.join(comparators)}, CAST(NULL AS STRING))"
            if comparators
            else "CAST(NULL AS STRING)"
        )
        engine.create_view(
            "measurements",
            f"""SELECT CAST(m.person_id AS BIGINT) AS person_id,
                CAST(m.measurement_concept_id AS BIGINT) AS concept_id,
                CAST(m.measurement_date AS DATE) AS date,
                {value} AS value,
                {unit} AS unit,
                {comparator} AS comparator
            FROM omop_measurement m {join}""",
        )
    else:
        engine.create_view(
            "measurements",
            f"SELECT CAST(NULL AS BIGINT) AS person_id, CAST(NULL AS BIGINT) AS concept_id, CAST(NULL AS DATE) AS date, CAST(NULL AS DOUBLE) AS value, CAST(NULL AS STRING) AS unit, CAST(NULL AS STRING) AS comparator {empty}",
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
            "SELECT CAST(concept_id AS BIGINT) AS concept_id, vocabulary_id, CAST(concept_code AS STRING) AS concept_code, CAST(concept_name AS STRING) AS concept_name FROM omop_concept",
        )
        engine.create_view(
            "concept_ancestor",
            "SELECT CAST(ancestor_concept_id AS BIGINT) AS ancestor_concept_id, CAST(descendant_concept_id AS BIGINT) AS descendant_concept_id FROM omop_concept_ancestor",
        )
    return has_vocabulary
