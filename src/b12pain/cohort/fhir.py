"""FHIR Bulk Data NDJSON input: flatten `Type.*.ndjson` files once into canonical Parquet.

Flattening runs on DuckDB (fast, embedded); every engine then reads the same Parquet files.
Codes become `concept_key = "<vocabulary>:<code>"` (RxNorm, LOINC, SNOMED, ICD10CM), one row per
coding. Records whose status says they did not happen (entered-in-error, cancelled, refuted,
not-taken) are dropped. Coverage comes from `Coverage.period`; a person without a Coverage
resource counts as observed from their first dated record onwards
(until death). A damaged line, an impossible date or a Patient without an id is refused with
the resource and element named, never the value.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from b12pain.cohort.concepts import FHIR_SYSTEMS
from b12pain.cohort.omop import _unit_sql, censored_comparator, censored_value
from b12pain.cohort.tablecheck import EARLIEST, LATEST, reading, regular_file
from b12pain.errors import InputError, Problem

#: Days in one unit of a FHIR Duration (`expectedSupplyDuration`), by UCUM code or unit text.
#: A month is 30 days and a year 365 (the supply is an estimate anyway); an unknown unit
#: falls back to the default supply.
DURATION_DAYS = {
    "d": 1,
    "day": 1,
    "days": 1,
    "wk": 7,
    "week": 7,
    "weeks": 7,
    "mo": 30,
    "month": 30,
    "months": 30,
    "a": 365,
    "year": 365,
    "years": 365,
    "h": 1 / 24,
    "hour": 1 / 24,
    "hours": 1 / 24,
}

#: Dated elements checked in each resource type: a value present that is not a FHIR date is
#: refused (resource, element, expected format) rather than silently read as "no date".
DATED = {
    "Patient": ("birthDate", "deceasedDateTime"),
    "Coverage": ("period.start", "period.end"),
    "MedicationRequest": (
        "authoredOn",
        "dispenseRequest.validityPeriod.start",
        "dispenseRequest.validityPeriod.end",
    ),
    "MedicationStatement": ("effectiveDateTime", "effectivePeriod.start", "effectivePeriod.end"),
    "Condition": ("onsetDateTime", "onsetPeriod.start", "recordedDate"),
    "Observation": ("effectiveDateTime", "effectivePeriod.start", "issued"),
}

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
    """A FHIR date/dateTime (possibly partial: YYYY or YYYY-MM) as a DATE.

    A dateTime with a time zone ("2026-06-30T23:30:00-05:00") gives the local date as written
    (2026-06-30), not the UTC date: the day the clinician or pharmacist saw (docs/cohort.md,
    policies)."""
    return (
        f"CASE length({expr}) WHEN 4 THEN try_cast({expr} || '-01-01' AS DATE) "
        f"WHEN 7 THEN try_cast({expr} || '-01' AS DATE) ELSE try_cast(left({expr}, 10) AS DATE) END"
    )


def _person(expr: str) -> str:
    """The Patient id of a reference: `Patient/123`, a full URL `https://…/Patient/123`
    (with or without `/_history/n`), or `urn:uuid:…`."""
    bare = f"regexp_replace({expr}, '/_history/[^/]*$', '')"
    return f"regexp_replace({bare}, '^(urn:uuid:|.*Patient/)', '')"


def _supply_days(duration: str) -> str:
    """SQL: the days of a FHIR Duration at JSON path `duration` of `r` (NULL when unknown)."""
    unit = f"lower(trim(coalesce(r->>'{duration}.code', r->>'{duration}.unit', 'd')))"
    cases = " ".join(f"WHEN '{k}' THEN {float(v)!r}" for k, v in DURATION_DAYS.items())
    return f"ceil(try_cast(r->>'{duration}.value' AS DOUBLE) * CASE {unit} {cases} END)"


def _identifier() -> str:
    """SQL: the Patient identifier an EHR knows: the medical record number (type MR) when
    there is one, else the first identifier's value."""
    ids = "from_json(r->'$.identifier', '[\"JSON\"]')"
    mrn = (
        f"list_filter(list_transform({ids}, lambda i: CASE WHEN i->>'$.type.coding[0].code' = 'MR' "
        "THEN i->>'$.value' END), lambda x: x IS NOT NULL)[1]"
    )
    return f"coalesce({mrn}, r->>'$.identifier[0].value')"


def _check(con: Any, resource: str, name: str, files: list[str]) -> None:
    """Read every line of a resource's files (a damaged line is refused, naming the resource
    and line, never its content) and check its dates and, for Patient, its id."""
    dated = DATED.get(resource, ())
    bad = []
    for element in dated:
        raw = f"r->>'$.{element}'"
        parsed = _date(raw)
        bad.append(
            f"count(*) FILTER (WHERE ({raw}) IS NOT NULL AND (({parsed}) IS NULL OR "
            f"({parsed}) NOT BETWEEN DATE '{EARLIEST}' AND DATE '{LATEST}'))"
        )
    if resource == "Patient":
        bad.append("count(*) FILTER (WHERE coalesce(r->>'$.id', '') = '')")
    if not bad:
        return
    origin = files[0] if len(files) == 1 else f"{len(files)} {resource} files"
    with reading(resource, origin):
        counts = con.execute(f"SELECT {', '.join(bad)} FROM {name}").fetchall()[0]
    problems = []
    for element, count in zip((*dated, "id"), counts, strict=False):
        if count:
            rows = "1 resource does" if count == 1 else f"{count} resources do"
            expected = (
                "an id (every Patient needs one)"
                if element == "id"
                else "a FHIR date (YYYY, YYYY-MM, YYYY-MM-DD or a dateTime; years 1800-2199)"
            )
            problems.append(
                Problem(
                    f"{resource}.{element}",
                    origin,
                    f"{rows} not hold {expected} (values not shown: patient data)",
                )
            )
    if problems:
        raise InputError(problems)


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
        found = sorted(source.glob(f"{resource}.*ndjson"))
        return [str(regular_file(p, resource)) for p in found]

    if not files("Patient"):
        raise InputError.single("--input", str(source), "no Patient.*.ndjson file in this folder")
    out = workdir / "canonical"
    out.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()

    def read(resource: str, name: str) -> None:
        found = files(resource)
        if found:
            listed = ", ".join("'" + f.replace("'", "''") + "'" for f in found)
            # Only resources of the file's type: a Bulk file may carry others (an
            # OperationOutcome, a Bundle); they are neither people nor events.
            con.execute(
                f"""CREATE TEMP VIEW {name} AS SELECT json AS r FROM read_ndjson_objects([{listed}])
                WHERE json->>'$.resourceType' = '{resource}'"""
            )
            _check(con, resource, name, found)
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
    supply_sql = _supply_days("$.dispenseRequest.expectedSupplyDuration")
    med_codes = f"""
        SELECT {_person("r->>'$.subject.reference'")} AS person_id, {key} AS concept_key,
          coalesce({_date("r->>'$.dispenseRequest.validityPeriod.start'")}, {_date("r->>'$.authoredOn'")}) AS start_date,
          {_date("r->>'$.dispenseRequest.validityPeriod.end'")} AS end_date,
          _SUPPLY_ AS supply
        FROM medreq, {_codings("$.medicationCodeableConcept")}
        WHERE coalesce(r->>'$.status', '') NOT IN ('entered-in-error', 'cancelled', 'draft')
        UNION ALL
        SELECT {_person("r->>'$.subject.reference'")}, {key},
          coalesce({_date("r->>'$.dispenseRequest.validityPeriod.start'")}, {_date("r->>'$.authoredOn'")}),
          {_date("r->>'$.dispenseRequest.validityPeriod.end'")},
          _SUPPLY_
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
          _SUPPLY_
        FROM (SELECT q.r AS r, m.r AS m FROM medreq q JOIN medication m
                ON regexp_replace(q.r->>'$.medicationReference.reference', '^Medication/', '') = (m.r->>'$.id')),
          unnest(coalesce(from_json(m->'$.code.coding', '["JSON"]'), []::JSON[])) AS u(cd)
        WHERE coalesce(r->>'$.status', '') NOT IN ('entered-in-error', 'cancelled', 'draft')"""
    med_codes = med_codes.replace("_SUPPLY_", supply_sql)
    supply = (
        f"CASE WHEN supply > 0 THEN CAST(supply AS INTEGER) ELSE {int(default_supply_days)} END"
    )
    queries = {
        # One row per Patient id, even when an export repeats a Patient.
        "persons": f"""
            SELECT r->>'$.id' AS person_id, min({_date("r->>'$.birthDate'")}) AS birth_date,
              min({_date("r->>'$.deceasedDateTime'")}) AS death_date,
              bool_or(coalesce(try_cast(r->>'$.deceasedBoolean' AS BOOLEAN), false)
                      OR (r->>'$.deceasedDateTime') IS NOT NULL) AS deceased,
              min({_identifier()}) AS source_value
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
              coalesce(try_cast(r->>'$.valueQuantity.value' AS DOUBLE), {censored_value("r->>'$.valueString'")}) AS value,
              coalesce(r->>'$.valueQuantity.code', r->>'$.valueQuantity.unit',
                       {_unit_sql("nullif(regexp_extract(r->>'$.valueString', '[0-9.]+[ ]*(.*)$', 1), '')")}) AS unit,
              coalesce(r->>'$.valueQuantity.comparator', {censored_comparator("r->>'$.valueString'")}) AS comparator
            FROM obs, {_codings("$.code")}
            WHERE coalesce(r->>'$.status', 'final') IN ('final', 'amended', 'corrected', 'preliminary')""",
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
        with reading(name, source):
            con.execute(f"COPY ({queries[name]}) TO '{target}' (FORMAT parquet)")
        paths[name] = [target]
    deaths_target = out / "deaths.parquet"
    con.execute(
        f"COPY (SELECT person_id, death_date FROM read_parquet('{out / 'persons.parquet'}') "
        f"WHERE deceased) TO '{deaths_target}' (FORMAT parquet)"
    )
    paths["deaths"] = [deaths_target]
    coverage_target = out / "coverage.parquet"
    # Coverage periods for the people who have Coverage resources; everyone else counts as
    # observed from their first dated record onwards, until death (docs/cohort.md, policies).
    dated = " UNION ALL ".join(
        f"SELECT person_id, {col} AS d FROM read_parquet('{out / name}.parquet')"
        for name, col in (
            ("drugs", "start_date"),
            ("conditions", "start_date"),
            ("measurements", "date"),
            ("observations", "date"),
        )
    )
    with reading("Coverage", source):
        con.execute(
            f"""CREATE TEMP TABLE covered AS
        SELECT {_person("r->>'$.beneficiary.reference'")} AS person_id,
          {_date("r->>'$.period.start'")} AS start_date, {_date("r->>'$.period.end'")} AS end_date
        FROM cov WHERE coalesce(r->>'$.status', 'active') <> 'entered-in-error'"""
        )
    coverage = f"""
        SELECT person_id, start_date, end_date FROM covered
        UNION ALL
        SELECT e.person_id, min(e.d) AS start_date, max(p.death_date) AS end_date
        FROM ({dated}) e JOIN read_parquet('{out / "persons.parquet"}') p ON p.person_id = e.person_id
        WHERE NOT EXISTS (SELECT 1 FROM covered c WHERE c.person_id = e.person_id)
        GROUP BY e.person_id"""
    con.execute(f"COPY ({coverage}) TO '{coverage_target}' (FORMAT parquet)")
    paths["coverage"] = [coverage_target]
    con.close()
    return paths
