"""The Spark engine on a standalone cluster (one master, two workers, started here on the
loopback address with PySpark's bundled `spark-class`) and in local mode gives the same flags
as DuckDB, planted truth included, for OMOP and FHIR input."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from b12pain.cohort.engines import java_runtime
from b12pain.cohort.screen import screen
from b12pain.cohort.synth import (
    DEFAULT_AS_OF,
    PLANTED_TRUTH,
    RULE_D,
    generate_omop,
    render_fhir,
)
from cohort_helpers import run_cli

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
def cluster() -> Iterator[str]:
    """A standalone cluster (master + 2 workers) for this module; yields its master URL."""
    from b12pain.cohort.standalone import standalone_cluster

    with standalone_cluster(workers=2, cores=1, memory="1g") as running:
        assert running.alive_workers() == 2
        yield running.master_url


def screen_with_spark(source: Path, fmt: str, out: Path, master: str | None) -> pa.Table:
    """`b12pain screen --engine spark` in its own process (one Spark context per process: the
    shared local session of the other Spark tests must not be reused or stopped here)."""
    args = ["screen", "--input", str(source), "--format", fmt, "--as-of", "2026-06-30"]
    args += ["--out", str(out), "--engine", "spark", "--no-cache", "--json"]
    if master:
        args += ["--spark-master", master]
    done = run_cli(*args)
    assert done.returncode == 0, done.stderr[-2000:]
    summary = json.loads(done.stdout)
    assert summary["engine"] == "spark"
    return pq.read_table(out)


def rows(flags: pa.Table) -> list[dict[str, object]]:
    return sorted(flags.select(COMPARED).to_pylist(), key=lambda r: (r["rule_id"], r["person_id"]))


def planted(flags: pa.Table) -> dict[int, set[str]]:
    found: dict[int, set[str]] = {}
    for row in flags.select(["person_id", "rule_id"]).to_pylist():
        pid = int(row["person_id"])
        if pid < 100:
            found.setdefault(pid, set()).add(row["rule_id"])
    return found


@pytest.mark.parametrize("fmt", ["omop", "fhir-bulk"])
def test_standalone_cluster_gives_the_duckdb_flags(
    cluster: str, population: dict[str, Path], fmt: str, tmp_path: Path
) -> None:
    assert cluster.startswith("spark://127.0.0.1:")
    on_duckdb = screen(population[fmt], fmt, DEFAULT_AS_OF).flags  # type: ignore[arg-type]
    on_cluster = screen_with_spark(population[fmt], fmt, tmp_path / "flags.parquet", cluster)
    assert rows(on_cluster) == rows(on_duckdb)
    # Rule (d) is refused without a site diet concept set; every other planted flag is found.
    assert planted(on_cluster) == {p: r for p, r in PLANTED_TRUTH.items() if RULE_D not in r}
    assert set(on_cluster.column("engine").to_pylist()) == {"spark"}
    assert on_cluster.num_rows > 50


def test_local_mode_gives_the_duckdb_flags(population: dict[str, Path], tmp_path: Path) -> None:
    on_duckdb = screen(population["omop"], "omop", DEFAULT_AS_OF).flags
    on_local = screen_with_spark(population["omop"], "omop", tmp_path / "flags.parquet", None)
    assert rows(on_local) == rows(on_duckdb)
