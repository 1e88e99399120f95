"""The rules exported as OHDSI Circe cohort definitions (`cohort.circe`): valid for
`ohdsi-cohort-schemas`, readable by `ohdsi-circepy`, and, run by circepy's SQL (translated for
DuckDB by its SqlRender port) on a synthetic OMOP database, they select the same people as
`b12pain screen`. Rule (a) is the one Circe cannot express exactly (covered days in a window):
its export selects a wider cohort, which must contain every person b12pain flags."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import duckdb
import pytest

from b12pain.cohort.circe import APPROXIMATE, cohort_definition
from b12pain.cohort.concepts import SiteConceptSet, shipped_sets
from b12pain.cohort.rules import shipped_rules
from b12pain.cohort.screen import screen
from b12pain.cohort.sql import years_before
from b12pain.cohort.synth import DEFAULT_AS_OF, RULE_A, RULE_D, generate_omop
from b12pain.knowledge import load
from b12pain.knowledge.schema.cohort import ConceptItem

circe_api = pytest.importorskip("circe.api", reason="ohdsi-circepy is a dev dependency")
schemas = pytest.importorskip(
    "ohdsi_cohort_schemas", reason="ohdsi-cohort-schemas is a dev dependency"
)

TABLES = (
    "person",
    "observation_period",
    "death",
    "drug_exposure",
    "condition_occurrence",
    "measurement",
    "observation",
)
#: CDM columns Circe's SQL reads that the synthetic generator does not write (all NULL here).
MISSING_CDM_COLUMNS = {
    "person": ("race_concept_id", "ethnicity_concept_id", "provider_id", "care_site_id"),
    "observation_period": ("period_type_concept_id",),
    "death": (
        "death_datetime",
        "death_type_concept_id",
        "cause_concept_id",
        "cause_source_value",
        "cause_source_concept_id",
    ),
    "drug_exposure": (
        "drug_type_concept_id",
        "stop_reason",
        "refills",
        "quantity",
        "sig",
        "route_concept_id",
        "lot_number",
        "provider_id",
        "visit_occurrence_id",
        "visit_detail_id",
        "drug_source_concept_id",
        "route_source_value",
        "dose_unit_source_value",
        "verbatim_end_date",
    ),
    "condition_occurrence": (
        "condition_end_date",
        "condition_type_concept_id",
        "condition_status_concept_id",
        "stop_reason",
        "provider_id",
        "visit_occurrence_id",
        "visit_detail_id",
        "condition_source_concept_id",
        "condition_status_source_value",
    ),
    "measurement": (
        "measurement_datetime",
        "measurement_type_concept_id",
        "operator_concept_id",
        "value_as_concept_id",
        "range_low",
        "range_high",
        "provider_id",
        "visit_occurrence_id",
        "visit_detail_id",
        "measurement_source_concept_id",
        "value_source_value",
    ),
    "observation": (
        "observation_type_concept_id",
        "value_as_number",
        "value_as_string",
        "qualifier_concept_id",
        "unit_concept_id",
        "provider_id",
        "visit_occurrence_id",
        "visit_detail_id",
        "observation_source_concept_id",
        "unit_source_value",
        "qualifier_source_value",
    ),
}
DIET = "concept_set.diet_vegan_vegetarian"
SITE_DIET = {
    DIET: SiteConceptSet(
        DIET, (ConceptItem(display="Vegan diet (site concept)", concept_id=2000000001),), "test"
    )
}


def sets_with_site_diet() -> object:
    sets = shipped_sets(load())
    sets.overrides.update(SITE_DIET)
    return sets


def column_type(column: str) -> str:
    """The CDM type of a column, from its name."""
    if column.endswith("_datetime"):
        return "TIMESTAMP"
    if column.endswith("_date"):
        return "DATE"
    if column.endswith(("_value", "_reason", "sig", "lot_number", "value_as_string")):
        return "VARCHAR"
    if column in ("quantity", "range_low", "range_high", "value_as_number"):
        return "DOUBLE"
    return "BIGINT"


@pytest.fixture(scope="module")
def omop(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("circe") / "omop"
    generate_omop(folder, 3000, seed=11)
    return folder


@pytest.fixture(scope="module")
def database(omop: Path) -> duckdb.DuckDBPyConnection:
    """The synthetic CDM in DuckDB, with a minimal vocabulary (each concept its own ancestor)
    and an empty cohort table."""
    con = duckdb.connect()
    for table in TABLES:
        con.execute(f"CREATE TABLE {table} AS SELECT * FROM read_parquet('{omop / table}.parquet')")
    for table, columns in MISSING_CDM_COLUMNS.items():
        present = {r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()}
        for column in columns:
            if column not in present:
                kind = column_type(column)
                con.execute(f"ALTER TABLE {table} ADD COLUMN {column} {kind}")
    con.execute(
        """CREATE TABLE concept AS SELECT DISTINCT concept_id, 'concept ' || concept_id AS concept_name,
             'Unknown' AS domain_id, 'None' AS vocabulary_id, 'None' AS concept_class_id,
             'S' AS standard_concept, CAST(concept_id AS VARCHAR) AS concept_code,
             DATE '1970-01-01' AS valid_start_date, DATE '2099-12-31' AS valid_end_date,
             CAST(NULL AS VARCHAR) AS invalid_reason
           FROM (SELECT drug_concept_id AS concept_id FROM drug_exposure
                 UNION SELECT condition_concept_id FROM condition_occurrence
                 UNION SELECT measurement_concept_id FROM measurement
                 UNION SELECT observation_concept_id FROM observation
                 UNION SELECT unit_concept_id FROM measurement)"""
    )
    con.execute(
        "CREATE TABLE concept_ancestor AS SELECT concept_id AS ancestor_concept_id, "
        "concept_id AS descendant_concept_id, 0 AS min_levels_of_separation, "
        "0 AS max_levels_of_separation FROM concept"
    )
    con.execute(
        "CREATE TABLE cohort (cohort_definition_id BIGINT, subject_id BIGINT, "
        "cohort_start_date DATE, cohort_end_date DATE)"
    )
    return con


def run_definition(
    con: duckdb.DuckDBPyConnection, definition: dict[str, object], cohort_id: int
) -> set[str]:
    """Build the definition's SQL with circepy, translate it for DuckDB, run it, and return
    the people in the cohort."""
    from circe.cohortdefinition import BuildExpressionQueryOptions
    from circe.sqlrender import render, split_sql, translate

    expression = circe_api.cohort_expression_from_json(json.dumps(definition))
    options = BuildExpressionQueryOptions()
    options.cdm_schema = options.result_schema = options.vocabulary_schema = "main"
    options.target_table = "cohort"
    options.cohort_id = cohort_id
    sql = render(
        circe_api.build_cohort_query(expression, options),
        cdm_database_schema="main",
        vocabulary_database_schema="main",
        target_database_schema="main",
        results_database_schema="main",
        target_cohort_table="cohort",
        target_cohort_id=cohort_id,
    )
    for statement in split_sql(translate(sql, "duckdb")):
        if statement.strip():
            con.execute(statement)
    rows = con.execute(
        "SELECT DISTINCT subject_id FROM cohort WHERE cohort_definition_id = ?", [cohort_id]
    ).fetchall()
    return {str(r[0]) for r in rows}


def age_boundary_people(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> set[str]:
    """People old enough by calendar year but not yet by birthday on the as-of date: Circe
    counts age from `year_of_birth`, b12pain from the birth date (a documented difference)."""
    min_age = 16
    born_by = years_before(as_of, min_age)
    rows = con.execute(
        "SELECT person_id FROM person WHERE ? - year_of_birth >= ? AND "
        "make_date(year_of_birth, coalesce(month_of_birth, 1), coalesce(day_of_birth, 1)) > ?",
        [as_of.year, min_age, born_by],
    ).fetchall()
    return {str(r[0]) for r in rows}


@pytest.mark.parametrize("rule", shipped_rules(), ids=lambda r: r.id)
def test_every_rule_exports_a_valid_circe_definition(rule: object) -> None:
    definition = cohort_definition(rule, load(), sets_with_site_diet(), DEFAULT_AS_OF)  # type: ignore[arg-type]
    parsed = schemas.validate_strict(definition)
    assert parsed.primary_criteria.criteria_list
    expression = circe_api.cohort_expression_from_json(json.dumps(definition))
    assert expression.inclusion_rules and len(expression.inclusion_rules) >= 3
    assert DEFAULT_AS_OF.isoformat() in json.dumps(definition)
    assert (APPROXIMATE in definition["Description"]) == (rule.id == RULE_A)  # type: ignore[attr-defined]


@pytest.mark.parametrize("rule", shipped_rules(), ids=lambda r: r.id)
def test_circe_selects_the_people_b12pain_flags(
    rule: object, omop: Path, database: duckdb.DuckDBPyConnection
) -> None:
    rule_id: str = rule.id  # type: ignore[attr-defined]
    as_of = DEFAULT_AS_OF
    definition = cohort_definition(rule, load(), sets_with_site_diet(), as_of)  # type: ignore[arg-type]
    cohort_id = sorted(r.id for r in shipped_rules()).index(rule_id) + 1
    by_circe = run_definition(database, definition, cohort_id)
    result = screen(omop, "omop", as_of, [rule_id], site_sets=SITE_DIET)
    by_b12pain = set(result.flags.column("person_id").to_pylist())
    boundary = age_boundary_people(database, as_of)
    assert by_b12pain - boundary, "the synthetic population should give this rule some flags"
    if rule_id == RULE_A:
        # Circe asks for one exposure in the window, b12pain for covered days: wider.
        assert by_b12pain <= by_circe
        assert len(by_circe - by_b12pain) > 0
    else:
        assert by_circe - boundary == by_b12pain - boundary
    if rule_id == RULE_D:
        assert "20" in by_b12pain  # the planted vegan with paraesthesia


def test_cli_writes_one_definition_per_rule(tmp_path: Path) -> None:
    from cohort_helpers import run_cli

    done = run_cli(
        "circe-export", "--as-of", "2026-06-30", "--out", str(tmp_path / "atlas"), "--json"
    )
    assert done.returncode == 0, done.stderr
    files = [Path(f) for f in json.loads(done.stdout)["files"]]
    assert sorted(f.name for f in files) == sorted(f"{r.id}.circe.json" for r in shipped_rules())
    for file in files:
        schemas.validate_strict(json.loads(file.read_text()))
    bad = run_cli("circe-export", "--as-of", "2026-13-01", "--out", str(tmp_path / "x"))
    assert bad.returncode == 2 and "--as-of" in bad.stderr
