"""Planted edge cases of the synthetic population are recovered exactly, on DuckDB and on Spark,
from the OMOP rendering and from the FHIR rendering of the same people; and both engines give
identical flags for every rule over the whole population."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from b12pain.cohort import codes
from b12pain.cohort.concepts import read_site_set
from b12pain.cohort.engines import SparkEngine
from b12pain.cohort.screen import ScreenResult, screen
from b12pain.cohort.synth import (
    DEFAULT_AS_OF,
    FIRST_RANDOM_ID,
    PLANTED,
    PLANTED_TRUTH,
    generate_omop,
    render_fhir,
)

COMPARED = [
    "person_id",
    "rule_id",
    "rule_version",
    "as_of_date",
    "index_date",
    "evidence_start",
    "evidence_end",
    "cumulative_days",
    "last_test_date",
    "last_test_value",
    "last_test_unit",
]


@pytest.fixture(scope="module")
def population(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """3,000 synthetic people (planted cases included), as OMOP Parquet and as FHIR NDJSON."""
    root = tmp_path_factory.mktemp("synth")
    generate_omop(root / "omop", 3000, seed=11)
    render_fhir(root / "omop", root / "fhir")
    # The site's own verified diet codes (the shipped ones are UNVERIFIED): the OMOP local concept
    # the generator uses and the SNOMED code of the FHIR rendering.
    diet = root / "diet.json"
    diet.write_text(
        json.dumps(
            {
                "items": [
                    {
                        "concept": {
                            "CONCEPT_ID": 2000000001,
                            "CONCEPT_NAME": "Vegan diet (site local)",
                        },
                        "includeDescendants": False,
                    },
                    {
                        "concept": {
                            "CONCEPT_ID": 0,
                            "CONCEPT_NAME": "Vegan",
                            "VOCABULARY_ID": "SNOMED",
                            "CONCEPT_CODE": "24930006",
                        }
                    },
                ]
            }
        )
    )
    return {"omop": root / "omop", "fhir-bulk": root / "fhir", "diet": diet}


def site_sets(population: dict[str, Path]) -> dict[str, Any]:
    set_id = "concept_set.diet_vegan_vegetarian"
    return {set_id: read_site_set(set_id, population["diet"])}


def planted_flags(result: ScreenResult) -> dict[int, set[str]]:
    found: dict[int, set[str]] = {}
    for row in result.flags.select(["person_id", "rule_id"]).to_pylist():
        person = int(row["person_id"])
        if person < FIRST_RANDOM_ID:
            found.setdefault(person, set()).add(row["rule_id"])
    return found


def comparable(flags: pa.Table) -> list[dict[str, Any]]:
    return flags.select([*COMPARED, "matched_codes"]).to_pylist()


def test_planted_truth_is_written_for_real_people() -> None:
    assert set(PLANTED_TRUTH) <= {p.person_id for p in PLANTED}
    assert all(p.person_id < FIRST_RANDOM_ID for p in PLANTED)


@pytest.mark.parametrize("fmt", ["omop", "fhir-bulk"])
def test_planted_truth_recovered_on_duckdb(population: dict[str, Path], fmt: str) -> None:
    result = screen(
        population[fmt], fmt, DEFAULT_AS_OF, engine="duckdb", site_sets=site_sets(population)
    )  # type: ignore[arg-type]
    assert result.refused == {}
    assert planted_flags(result) == PLANTED_TRUTH


def test_omop_and_fhir_renderings_give_the_same_flags(population: dict[str, Path]) -> None:
    omop = screen(population["omop"], "omop", DEFAULT_AS_OF, site_sets=site_sets(population))
    fhir = screen(
        population["fhir-bulk"], "fhir-bulk", DEFAULT_AS_OF, site_sets=site_sets(population)
    )
    keys = [
        "person_id",
        "rule_id",
        "index_date",
        "evidence_start",
        "evidence_end",
        "cumulative_days",
        "last_test_date",
        "last_test_value",
        "last_test_unit",
    ]
    assert omop.flags.num_rows > 100
    # Each sorts by person in its own id type (OMOP numbers, FHIR text): compare as rows.
    order = [("rule_id", "ascending"), ("person_id", "ascending")]
    assert (
        omop.flags.select(keys).sort_by(order).to_pylist()
        == fhir.flags.select(keys).sort_by(order).to_pylist()
    )


def test_evidence_columns_of_planted_people(population: dict[str, Path]) -> None:
    result = screen(population["omop"], "omop", DEFAULT_AS_OF, site_sets=site_sets(population))
    rows = {(r["person_id"], r["rule_id"]): r for r in result.flags.to_pylist()}
    overlapping_fill = rows[("7", "b12.long_term_drug.no_test_12m")]
    assert overlapping_fill["cumulative_days"] == 120
    assert overlapping_fill["matched_codes"] == ["OMOP:1503297"]
    old_test = rows[("5", "b12.long_term_drug.no_test_12m")]
    assert (DEFAULT_AS_OF - old_test["last_test_date"]).days == 366
    low = rows[("14", "b12.low_result.untreated_90d")]
    assert (low["last_test_value"], low["last_test_unit"]) == (120.0, "pmol/L")
    assert low["index_date"] == low["last_test_date"]


@pytest.fixture(scope="session")
def spark_engine() -> Iterator[SparkEngine]:
    """One local Spark session (loopback, UTC, UI off) shared by every Spark test."""
    pytest.importorskip("pyspark")
    if shutil.which("java") is None and not os.environ.get("CI"):
        pytest.skip("Spark needs a Java runtime (JDK 17+); .ci/run installs one")
    engine = SparkEngine(master="local[2]")
    engine.spark.sparkContext.setLogLevel("ERROR")
    yield engine
    engine.spark.stop()


def test_both_code_encodings_give_identical_flags(
    population: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Codes gathered as bit masks (the usual case) and as lists (more than 63 codes in a run,
    forced here) give the same flags, matched codes included."""
    sets = site_sets(population)
    as_masks = screen(population["omop"], "omop", DEFAULT_AS_OF, site_sets=sets)
    monkeypatch.setattr(codes, "MASK_BITS", 0)
    as_lists = screen(population["omop"], "omop", DEFAULT_AS_OF, site_sets=sets)
    assert as_masks.flags.num_rows > 100
    assert comparable(as_masks.flags) == comparable(as_lists.flags)
    assert any(len(c) > 1 for c in as_lists.flags.column("matched_codes").to_pylist())


@pytest.mark.spark
@pytest.mark.slow
@pytest.mark.xdist_group("spark")
@pytest.mark.parametrize(
    ("fmt", "mask_bits"), [("omop", codes.MASK_BITS), ("fhir-bulk", codes.MASK_BITS), ("omop", 0)]
)
def test_spark_gives_identical_flags_and_planted_truth(
    population: dict[str, Path],
    spark_engine: SparkEngine,
    fmt: str,
    mask_bits: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Same flags on both engines, with codes as masks and (mask_bits 0) as lists."""
    monkeypatch.setattr(codes, "MASK_BITS", mask_bits)
    sets = site_sets(population)
    on_spark = screen(population[fmt], fmt, DEFAULT_AS_OF, engine=spark_engine, site_sets=sets)  # type: ignore[arg-type]
    on_duckdb = screen(population[fmt], fmt, DEFAULT_AS_OF, engine="duckdb", site_sets=sets)  # type: ignore[arg-type]
    assert planted_flags(on_spark) == PLANTED_TRUTH
    assert on_spark.flags.schema == on_duckdb.flags.schema
    for rule in {s.rule_id for s in on_duckdb.summary}:
        spark_rows = [r for r in comparable(on_spark.flags) if r["rule_id"] == rule]
        duck_rows = [r for r in comparable(on_duckdb.flags) if r["rule_id"] == rule]
        assert spark_rows == duck_rows, rule
    assert set(on_spark.flags.column("engine").to_pylist()) == {"spark"}


@pytest.mark.spark
@pytest.mark.slow
@pytest.mark.xdist_group("spark")
def test_engine_name_spark_reuses_a_running_session_and_leaves_it_running(
    population: dict[str, Path], spark_engine: SparkEngine
) -> None:
    """One Spark context per process: `engine="spark"` uses the session already running (and
    does not stop it), and asking for another master is refused by field."""
    from b12pain.errors import InputError

    master = spark_engine.spark.sparkContext.master
    on_spark = screen(
        population["omop"], "omop", DEFAULT_AS_OF, engine="spark", spark_master=master
    )
    assert on_spark.flags.num_rows > 0
    assert spark_engine.spark.sparkContext._jsc is not None  # still running
    assert spark_engine.spark.sql("SELECT 1").collect()[0][0] == 1
    with pytest.raises(InputError, match="--spark-master"):
        screen(
            population["omop"],
            "omop",
            DEFAULT_AS_OF,
            engine="spark",
            spark_master="spark://127.0.0.1:1",
        )
