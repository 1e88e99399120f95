"""The Spark engine on a standalone cluster (one master, two workers, started here on the
loopback address with PySpark's bundled `spark-class`) and in local mode gives the same flags
as DuckDB, planted truth included, for OMOP and FHIR input."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from b12pain.cohort.engines import SparkEngine, java_runtime, local_spark_session
from b12pain.cohort.screen import screen
from b12pain.cohort.synth import (
    DEFAULT_AS_OF,
    PLANTED_TRUTH,
    RULE_D,
    generate_omop,
    render_fhir,
)

pytestmark = [
    pytest.mark.spark,
    pytest.mark.slow,
    pytest.mark.xdist_group("spark"),
    pytest.mark.skipif(java_runtime() is None, reason="no Java runtime: Spark cannot start"),
]
pytest.importorskip("pyspark", reason="pyspark is the b12pain[spark] extra")

#: Every column that does not name the run or the engine.
COMPARED = [
    "person_id",
    "person_source_value",
    "rule_id",
    "reason_text",
    "index_date",
    "evidence_start",
    "evidence_end",
    "cumulative_days",
    "last_test_date",
    "last_test_value",
    "last_test_unit",
    "last_test_comparator",
    "matched_codes",
    "matched_code_names",
]


@pytest.fixture(scope="module")
def population(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("cluster")
    generate_omop(root / "omop", 1000, seed=5)
    render_fhir(root / "omop", root / "fhir")
    return {"omop": root / "omop", "fhir-bulk": root / "fhir"}


@pytest.fixture(scope="module")
def cluster_engine() -> Iterator[SparkEngine]:
    from b12pain.cohort.standalone import standalone_cluster

    with standalone_cluster(workers=2, cores=1, memory="1g") as cluster:
        assert cluster.alive_workers() == 2
        spark = local_spark_session(cluster.master_url, "b12pain-cluster-test")
        spark.sparkContext.setLogLevel("ERROR")
        try:
            yield SparkEngine(spark=spark)
        finally:
            spark.stop()


def rows(result: object) -> list[dict[str, object]]:
    flags = result.flags.select(COMPARED)  # type: ignore[attr-defined]
    return sorted(flags.to_pylist(), key=lambda r: (r["rule_id"], r["person_id"]))


def planted(result: object) -> dict[int, set[str]]:
    found: dict[int, set[str]] = {}
    for row in result.flags.select(["person_id", "rule_id"]).to_pylist():  # type: ignore[attr-defined]
        pid = int(row["person_id"])
        if pid < 100:
            found.setdefault(pid, set()).add(row["rule_id"])
    return found


@pytest.mark.parametrize("fmt", ["omop", "fhir-bulk"])
def test_standalone_cluster_gives_the_duckdb_flags(
    cluster_engine: SparkEngine, population: dict[str, Path], fmt: str
) -> None:
    on_duckdb = screen(population[fmt], fmt, DEFAULT_AS_OF)  # type: ignore[arg-type]
    on_cluster = screen(population[fmt], fmt, DEFAULT_AS_OF, engine=cluster_engine)  # type: ignore[arg-type]
    master = cluster_engine.spark.sparkContext.master
    assert master.startswith("spark://127.0.0.1:")
    assert rows(on_cluster) == rows(on_duckdb)
    # Rule (d) is refused without a site diet concept set; every other planted flag is found.
    assert planted(on_cluster) == {p: r for p, r in PLANTED_TRUTH.items() if RULE_D not in r}
    assert on_cluster.flags.num_rows > 50


def test_local_mode_gives_the_duckdb_flags(population: dict[str, Path]) -> None:
    on_duckdb = screen(population["omop"], "omop", DEFAULT_AS_OF)
    on_local = screen(population["omop"], "omop", DEFAULT_AS_OF, engine="spark")
    assert rows(on_local) == rows(on_duckdb)
    assert set(on_local.flags.column("engine").to_pylist()) == {"spark"}
