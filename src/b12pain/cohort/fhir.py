"""FHIR Bulk Data NDJSON input: flatten `Type.*.ndjson` files once into canonical Parquet.

Flattening runs on DuckDB (fast, embedded); every engine then reads the same Parquet files.
Codes become `concept_key = "<vocabulary>:<code>"` (RxNorm, LOINC, SNOMED, ICD10CM), one row per
coding. Records whose status says they did not happen (entered-in-error, cancelled, refuted,
not-taken) are dropped. Coverage comes from `Coverage.period`; without Coverage resources a
person counts as observed from their first dated record onwards (until death).
"""

from __future__ import annotations

from pathlib import Path

from b12pain.cohort.concepts import FHIR_SYSTEMS
from b12pain.errors import InputError

CANONICAL = (
    "persons",
    "deaths",
    "coverage",
    "drugs",
    "conditions",
    "measurements",
    "observations",
)


def _date(expr: str) -> str:
    """A FHIR date/dateTime (possibly partial: YYYY or YYYY-MM) as a DATE."""
    return (
        f"CASE length({expr}) WHEN 4 THEN try_cast({expr} || '-01-01' AS DATE) "
        f"WHEN 7 THEN try_cast({expr} || '-01' AS DATE) ELSE try_cast(left({expr}, 10) AS DATE) END"
    )


def _person(expr: str) -> str:
    return f"regexp_replace({expr}, '^(Patient/|urn:uuid:)', '')"


def _vocab(system_sql: str) -> str:
    cases = " ".join(f"WHEN '{url}' THEN '{vocab}'" for url, vocab in FHIR_SYSTEMS.items())
    return f"CASE {system_sql} {cases} ELSE NULL END"


def _codings(path: str) -> str:
    """Unnest the codings of a CodeableConcept at `path` of the resource `r` as `cd`."""
    return f"unnest(coalesce(from_json(r->'{path}.coding', '[\"JSON\"]'), []::JSON[])) AS u(cd)"


def flatten(source: Path, workdir: Path, default_supply_days: int) -> dict[str, list[Path]]:
    """Write the canonical tables for a FHIR Bulk export folder; return their Parquet files."""
    import duckdb

    if not source.is_dir():
        raise InputError.single(
            "--input",
            str(source),
            "expected a folder of FHIR Bulk NDJSON files (Patient.000.ndjson …)",
        )

    def files(resource: str) -> list[str]:
        return sorted(str(p) for p in source.glob(f"{resource}.*ndjson"))

    if not files("Patient"):
        raise InputError.single("--input", str(source), "no Patient.*.ndjson file in this folder")
    out = workdir / "canonical"
    out.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()

    def read(resource: str, name: str) -> None:
        found = files(resource)
        if found:
            listed = ", ".join("'" + f.replace("'", "''") + "'" for f in found)
            con.execute(
                f"CREATE TEMP VIEW {name} AS SELECT json AS r FROM read_ndjson_objects([{listed}])"
            )
        else:
            con.execute(f"CREATE TEMP VIEW {name} AS SELECT CAST(NULL AS JSON) AS r WHERE 1 = 0")

    for resource, name in (
        ("Patient", "patient"),
        ("Coverage", "cov"),
        ("MedicationRequest", "medreq"),
        ("MedicationStatement", "medstmt"),
        ("Medication", "medication"),
        ("Condition", "cond"),
        ("Observation", "obs"),
    ):
        read(resource, name)

    key = "(" + _vocab("cd->>'$.system'") + " || ':' || (cd->>'$.code'))"
    med_codes = f"""
        SELECT {_person("r->>'$.subject.reference'")} AS person_id, {key} AS concept_key,
          coalesce({_date("r->>'$.dispenseRequest.validityPeriod.start'")}, {_date("r->>'$.authoredOn'")}) AS start_date,
          {_date("r->>'$.dispenseRequest.validityPeriod.end'")} AS end_date,
          try_cast(r->>'$.dispenseRequest.expectedSupplyDuration.value' AS DOUBLE) AS supply
        FROM medreq, {_codings("$.medicationCodeableConcept")}
        WHERE coalesce(r->>'$.status', '') NOT IN ('entered-in-error', 'cancelled', 'draft')
        UNION ALL
        SELECT {_person("r->>'$.subject.reference'")}, {key},
          coalesce({_date("r->>'$.dispenseRequest.validityPeriod.start'")}, {_date("r->>'$.authoredOn'")}),
          {_date("r->>'$.dispenseRequest.validityPeriod.end'")},
          try_cast(r->>'$.dispenseRequest.expectedSupplyDuration.value' AS DOUBLE)
        FROM medreq, {_codings("$.medication.concept")}
        WHERE coalesce(r->>'$.status', '') NOT IN ('entered-in-error', 'cancelled', 'draft')
        UNION ALL
        SELECT {_person("r->>'$.subject.reference'")}, {key},
          coalesce({_date("r->>'$.effectivePeriod.start'")}, {_date("r->>'$.effectiveDateTime'")}),
          {_date("r->>'$.effectivePeriod.end'")}, NULL
        FROM medstmt, {_codings("$.medicationCodeableConcept")}
        WHERE coalesce(r->>'$.status', '') NOT IN ('entered-in-error', 'not-taken', 'intended')
        UNION ALL
        SELECT {_person("r->>'$.subject.reference'")}, {key},
          coalesce({_date("r->>'$.dispenseRequest.validityPeriod.start'")}, {_date("r->>'$.authoredOn'")}),
          {_date("r->>'$.dispenseRequest.validityPeriod.end'")},
          try_cast(r->>'$.dispenseRequest.expectedSupplyDuration.value' AS DOUBLE)
        FROM (SELECT q.r AS r, m.r AS m FROM medreq q JOIN medication m
                ON regexp_replace(q.r->>'$.medicationReference.reference', '^Medication/', '') = (m.r->>'$.id')),
          unnest(coalesce(from_json(m->'$.code.coding', '["JSON"]'), []::JSON[])) AS u(cd)
        WHERE coalesce(r->>'$.status', '') NOT IN ('entered-in-error', 'cancelled', 'draft')"""
    supply = (
        f"CASE WHEN supply > 0 THEN CAST(supply AS INTEGER) ELSE {int(default_supply_days)} END"
    )
    queries = {
        # One row per Patient id, even when an export repeats a Patient.
        "persons": f"""
            SELECT r->>'$.id' AS person_id, min({_date("r->>'$.birthDate'")}) AS birth_date,
              min({_date("r->>'$.deceasedDateTime'")}) AS death_date
            FROM patient GROUP BY r->>'$.id'""",
        "drugs": f"""
            SELECT person_id, concept_key, start_date,
              greatest(start_date, coalesce(end_date, CAST(start_date + ({supply} - 1) AS DATE))) AS end_date
            FROM ({med_codes}) x
            WHERE concept_key IS NOT NULL AND start_date IS NOT NULL""",
        "conditions": f"""
            SELECT {_person("r->>'$.subject.reference'")} AS person_id, {key} AS concept_key,
              coalesce({_date("r->>'$.onsetDateTime'")}, {_date("r->>'$.onsetPeriod.start'")},
                       {_date("r->>'$.recordedDate'")}) AS start_date
            FROM cond, {_codings("$.code")}
            WHERE coalesce(r->>'$.verificationStatus.coding[0].code', '') NOT IN ('refuted', 'entered-in-error')""",
        "measurements": f"""
            SELECT {_person("r->>'$.subject.reference'")} AS person_id, {key} AS concept_key,
              coalesce({_date("r->>'$.effectiveDateTime'")}, {_date("r->>'$.effectivePeriod.start'")},
                       {_date("r->>'$.effectiveInstant'")}, {_date("r->>'$.issued'")}) AS date,
              try_cast(r->>'$.valueQuantity.value' AS DOUBLE) AS value,
              coalesce(r->>'$.valueQuantity.code', r->>'$.valueQuantity.unit') AS unit
            FROM obs, {_codings("$.code")}
            WHERE (r->'$.valueQuantity') IS NOT NULL
              AND coalesce(r->>'$.status', 'final') IN ('final', 'amended', 'corrected', 'preliminary')""",
        "observations": f"""
            SELECT person_id, concept_key, date FROM (
              SELECT {_person("r->>'$.subject.reference'")} AS person_id, {key} AS concept_key,
                coalesce({_date("r->>'$.effectiveDateTime'")}, {_date("r->>'$.effectivePeriod.start'")},
                         {_date("r->>'$.issued'")}) AS date
              FROM obs, {_codings("$.code")}
              WHERE coalesce(r->>'$.status', 'final') NOT IN ('entered-in-error', 'cancelled')
              UNION ALL
              SELECT {_person("r->>'$.subject.reference'")}, {key},
                coalesce({_date("r->>'$.effectiveDateTime'")}, {_date("r->>'$.effectivePeriod.start'")},
                         {_date("r->>'$.issued'")})
              FROM obs, {_codings("$.valueCodeableConcept")}
              WHERE coalesce(r->>'$.status', 'final') NOT IN ('entered-in-error', 'cancelled'))
            WHERE concept_key IS NOT NULL""",
    }
    paths: dict[str, list[Path]] = {}
    for name in ("persons", "drugs", "conditions", "measurements", "observations"):
        target = out / f"{name}.parquet"
        con.execute(f"COPY ({queries[name]}) TO '{target}' (FORMAT parquet)")
        paths[name] = [target]
    deaths_target = out / "deaths.parquet"
    con.execute(
        f"COPY (SELECT person_id, death_date FROM read_parquet('{out / 'persons.parquet'}') "
        f"WHERE death_date IS NOT NULL) TO '{deaths_target}' (FORMAT parquet)"
    )
    paths["deaths"] = [deaths_target]
    coverage_target = out / "coverage.parquet"
    if files("Coverage"):
        coverage = f"""
            SELECT {_person("r->>'$.beneficiary.reference'")} AS person_id,
              {_date("r->>'$.period.start'")} AS start_date, {_date("r->>'$.period.end'")} AS end_date
            FROM cov WHERE coalesce(r->>'$.status', 'active') <> 'entered-in-error'"""
    else:
        dated = " UNION ALL ".join(
            f"SELECT person_id, {col} AS d FROM read_parquet('{out / name}.parquet')"
            for name, col in (
                ("drugs", "start_date"),
                ("conditions", "start_date"),
                ("measurements", "date"),
                ("observations", "date"),
            )
        )
        coverage = f"""
            SELECT e.person_id, min(e.d) AS start_date, max(p.death_date) AS end_date
            FROM ({dated}) e JOIN read_parquet('{out / "persons.parquet"}') p ON p.person_id = e.person_id
            GROUP BY e.person_id"""
    con.execute(f"COPY ({coverage}) TO '{coverage_target}' (FORMAT parquet)")
    paths["coverage"] = [coverage_target]
    con.close()
    return paths
