"""Population screening at scale: generator, ingest, DuckDB (cold/warm), Spark, pandas baseline.

Run: `.venv/bin/python benchmarks/bench_cohort.py --patients 1000000 [--spark] [--pandas]
[--ingest] [--csv-cache] [--cluster]`
Each measurement runs in its own child process so its peak RSS (ru_maxrss) is its own; results
print as JSON lines and go into docs/benchmarks.md by hand. Data lands in
`$B12PAIN_BENCH_DIR` (default /tmp/b12pain-bench) and is reused across runs.
`make bench` runs the small pytest-benchmark entry at the bottom (10k patients).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

AS_OF = dt.date(2026, 6, 30)
DIET = "concept_set.diet_vegan_vegetarian"


def bench_dir() -> Path:
    return Path(os.environ.get("B12PAIN_BENCH_DIR", "/tmp/b12pain-bench"))


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _site_sets(root: Path) -> dict[str, Any]:
    from b12pain.cohort.concepts import read_site_set

    path = root / "diet.json"
    path.write_text(
        json.dumps(
            {
                "items": [
                    {"concept": {"CONCEPT_ID": 2000000001, "CONCEPT_NAME": "Vegan (site local)"}}
                ]
            }
        )
    )
    return {DIET: read_site_set(DIET, path)}


def measure_generate(patients: int) -> dict[str, Any]:
    from b12pain.cohort.synth import generate_omop

    out = bench_dir() / f"{patients}" / "omop"
    start = time.perf_counter()
    counts = generate_omop(out, patients, seed=1, as_of=AS_OF)
    seconds = time.perf_counter() - start
    events = sum(v for k, v in counts.items() if k not in ("person", "observation_period", "death"))
    size = sum(p.stat().st_size for p in out.rglob("*.parquet"))
    return {
        "patients": patients,
        "events": events,
        "seconds": seconds,
        "parquet_mb": size / 1e6,
        "peak_mib": _peak_mib(),
    }


#: The columns the rules read from each event table: the yardstick scans exactly these.
YARDSTICK_COLUMNS = {
    "drug_exposure": "person_id, drug_concept_id, drug_exposure_start_date, drug_exposure_end_date, days_supply",
    "measurement": "person_id, measurement_concept_id, measurement_date, value_as_number, unit_concept_id, unit_source_value",
    "condition_occurrence": "person_id, condition_concept_id, condition_start_date",
    "observation": "person_id, observation_concept_id, observation_date",
    "person": "person_id, year_of_birth, month_of_birth, day_of_birth",
    "observation_period": "person_id, observation_period_start_date, observation_period_end_date",
}


def yardstick(omop: Path) -> float:
    """The baseline run in the same process as the screen: one DuckDB pass reading every
    column the rules read (an aggregate per table, nothing else). A screen cannot be cheaper
    than reading its input, so `screen / yardstick` says how far above that floor it is, and
    the ratio moves much less than the seconds when the shared machine is busy."""
    import duckdb

    con = duckdb.connect()
    start = time.perf_counter()
    for table, columns in YARDSTICK_COLUMNS.items():
        single = omop / f"{table}.parquet"
        source = single if single.exists() else omop / table / "*.parquet"
        sums = ", ".join(f"count({c.strip()})" for c in columns.split(","))
        con.execute(f"SELECT {sums} FROM read_parquet('{source}')").fetchall()
    seconds = time.perf_counter() - start
    con.close()
    return seconds


def measure_duckdb(patients: int, repeats: int = 3) -> dict[str, Any]:
    """All rules with DuckDB: the first (cold) run, then the best and median of warm runs, each
    warm run next to a yardstick pass (`yardstick`) in the same process."""
    import statistics

    from b12pain.cohort.screen import screen

    root = bench_dir() / f"{patients}"
    sets = _site_sets(root)
    load_before = os.getloadavg()[0]
    start = time.perf_counter()
    cold = screen(root / "omop", "omop", AS_OF, site_sets=sets)
    cold_s = time.perf_counter() - start
    warm, floor, ratios = [], [], []
    for _ in range(repeats):
        floor.append(yardstick(root / "omop"))
        start = time.perf_counter()
        again = screen(root / "omop", "omop", AS_OF, site_sets=sets)
        warm.append(time.perf_counter() - start)
        ratios.append(warm[-1] / floor[-1])
        assert again.flags.num_rows == cold.flags.num_rows
    per_rule = {s.rule_id: s.flagged for s in cold.summary}
    return {
        "patients": patients,
        "cold_s": cold_s,
        "warm_best_s": min(warm),
        "warm_median_s": statistics.median(warm),
        "yardstick_best_s": min(floor),
        "ratio_to_yardstick_median": statistics.median(ratios),
        "flags": cold.flags.num_rows,
        "per_rule": per_rule,
        "peak_mib": _peak_mib(),
        "load_avg_1m": load_before,
        "load_avg_1m_after": os.getloadavg()[0],
    }


def measure_csv_cache(patients: int) -> dict[str, Any]:
    """A screen of an OMOP CSV folder: without the cache, first with it (converting into the
    cache), then again (reusing it), in one process."""
    import duckdb

    from b12pain.cohort.csvcache import CsvCache
    from b12pain.cohort.screen import screen

    root = bench_dir() / f"{patients}"
    csv_dir = root / "csv_omop"
    if not csv_dir.exists():
        csv_dir.mkdir()
        con = duckdb.connect()
        for table in (*YARDSTICK_COLUMNS, "death"):
            single = root / "omop" / f"{table}.parquet"
            source = single if single.exists() else root / "omop" / table / "*.parquet"
            con.execute(f"COPY (SELECT * FROM '{source}') TO '{csv_dir / table}.csv' (HEADER)")
        con.close()
    sets = _site_sets(root)
    cache = CsvCache(root / "cache")
    for old in cache.folder.glob("*.parquet") if cache.folder.exists() else []:
        old.unlink()
    load_before = os.getloadavg()[0]
    times = {}
    for label, use in (("no_cache", None), ("cache_first", cache), ("cache_second", cache)):
        start = time.perf_counter()
        result = screen(csv_dir, "omop", AS_OF, site_sets=sets, cache=use)
        times[label] = time.perf_counter() - start
    parquet = screen(root / "omop", "omop", AS_OF, site_sets=sets)
    return {
        "patients": patients,
        "csv_gb": sum(p.stat().st_size for p in csv_dir.glob("*.csv")) / 1e9,
        "same_flags_as_parquet": parquet.flags.num_rows == result.flags.num_rows,
        **{f"{k}_s": v for k, v in times.items()},
        "flags": result.flags.num_rows,
        "load_avg_1m": load_before,
    }


def measure_cluster(patients: int) -> dict[str, Any]:
    """All rules on a Spark standalone cluster started here (one master, two workers of one
    core and 2 GiB each, loopback), checked row for row against DuckDB."""
    from b12pain.cohort.engines import SparkEngine, local_spark_session
    from b12pain.cohort.screen import screen
    from b12pain.cohort.standalone import standalone_cluster

    root = bench_dir() / f"{patients}"
    sets = _site_sets(root)
    load_before = os.getloadavg()[0]
    start = time.perf_counter()
    with standalone_cluster(workers=2, cores=1, memory="2g") as cluster:
        spark = local_spark_session(cluster.master_url, "b12pain-bench")
        spark.sparkContext.setLogLevel("ERROR")
        startup = time.perf_counter() - start
        start = time.perf_counter()
        result = screen(
            root / "omop", "omop", AS_OF, engine=SparkEngine(spark=spark), site_sets=sets
        )
        run_s = time.perf_counter() - start
        spark.stop()
    reference = screen(root / "omop", "omop", AS_OF, site_sets=sets)
    keys = [
        "person_id",
        "rule_id",
        "reason_text",
        "cumulative_days",
        "last_test_date",
        "matched_codes",
    ]

    def ordered(table: Any) -> Any:
        return table.select(keys).sort_by([("rule_id", "ascending"), ("person_id", "ascending")])

    return {
        "patients": patients,
        "cluster_and_session_start_s": startup,
        "run_s": run_s,
        "flags": result.flags.num_rows,
        "identical_to_duckdb": ordered(result.flags).equals(ordered(reference.flags)),
        "driver_peak_mib": _peak_mib(),
        "load_avg_1m": load_before,
    }


def measure_spark(patients: int) -> dict[str, Any]:
    from b12pain.cohort.engines import SparkEngine
    from b12pain.cohort.screen import screen

    root = bench_dir() / f"{patients}"
    start = time.perf_counter()
    engine = SparkEngine(master="local[2]")
    engine.spark.sparkContext.setLogLevel("ERROR")
    startup = time.perf_counter() - start
    start = time.perf_counter()
    result = screen(root / "omop", "omop", AS_OF, engine=engine, site_sets=_site_sets(root))
    run_s = time.perf_counter() - start
    engine.close()
    return {
        "patients": patients,
        "startup_s": startup,
        "run_s": run_s,
        "flags": result.flags.num_rows,
        "driver_peak_mib": _peak_mib(),
    }


def measure_pandas(patients: int, repeats: int = 2, evidence: bool = False) -> dict[str, Any]:
    """The pandas baseline: best of `repeats` runs; peak RSS of the process. With `evidence`,
    it also works out every evidence column the engine reports (the same work, row for row)."""
    sys.path.insert(0, str(Path(__file__).parent))
    from pandas_baseline import screen_pandas

    root = bench_dir() / f"{patients}"
    load_before = os.getloadavg()[0]
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        flags = screen_pandas(root / "omop", AS_OF, evidence=evidence)
        times.append(time.perf_counter() - start)
    flags.to_parquet(root / ("pandas_evidence.parquet" if evidence else "pandas_flags.parquet"))
    return {
        "evidence": evidence,
        "patients": patients,
        "best_s": min(times),
        "runs_s": times,
        "flags": len(flags),
        "peak_mib": _peak_mib(),
        "load_avg_1m": load_before,
    }


def _rows(frame: Any) -> set[tuple[Any, ...]]:
    """Evidence rows as comparable tuples (dates as ISO text, codes joined, values rounded)."""
    import pandas as pd

    columns = []
    for name in frame.columns:
        column = frame[name]
        if name == "matched_codes":
            column = column.map(lambda codes: ";".join(codes))
        elif name.endswith("_date") or name.startswith("evidence_"):
            column = pd.to_datetime(column).dt.strftime("%Y-%m-%d")
        elif name == "last_test_value":
            column = column.round(6)
        columns.append(column.astype(object).where(column.notna(), None).tolist())
    return set(zip(*columns, strict=True))


def check_pandas_equal(patients: int) -> dict[str, Any]:
    """The pandas baseline and the DuckDB engine flag exactly the same (person, rule) pairs,
    and, where the evidence baseline ran, give the same evidence columns on every row."""
    import pandas as pd

    sys.path.insert(0, str(Path(__file__).parent))
    from pandas_baseline import EVIDENCE_COLUMNS

    from b12pain.cohort.screen import screen

    root = bench_dir() / f"{patients}"
    engine = screen(root / "omop", "omop", AS_OF, site_sets=_site_sets(root)).flags
    same_rows: dict[str, Any] = {}
    if (root / "pandas_evidence.parquet").exists():
        ours_rows = _rows(engine.select(EVIDENCE_COLUMNS).to_pandas())
        theirs_rows = _rows(pd.read_parquet(root / "pandas_evidence.parquet")[EVIDENCE_COLUMNS])
        same_rows = {
            "rows_equal": ours_rows == theirs_rows,
            "rows_only_engine": len(ours_rows - theirs_rows),
            "rows_only_pandas": len(theirs_rows - ours_rows),
            "example_engine": sorted(ours_rows - theirs_rows)[:2],
            "example_pandas": sorted(theirs_rows - ours_rows)[:2],
        }
    ours = set(
        zip(
            engine.column("person_id").to_pylist(),
            engine.column("rule_id").to_pylist(),
            strict=True,
        )
    )
    baseline = pd.read_parquet(root / "pandas_flags.parquet")
    theirs = set(zip(baseline.person_id, baseline.rule_id, strict=True))
    return {
        "patients": patients,
        "equal": ours == theirs,
        "only_engine": len(ours - theirs),
        "only_pandas": len(theirs - ours),
        **same_rows,
    }


def measure_ingest(patients: int) -> dict[str, Any]:
    """CSV → Parquet (OMOP adapter) and FHIR NDJSON → canonical Parquet (FHIR adapter), MB/s."""
    import duckdb

    from b12pain.cohort import fhir, omop
    from b12pain.cohort.synth import render_fhir

    root = bench_dir() / f"{patients}"
    csv_dir = root / "csv"
    csv_dir.mkdir(exist_ok=True)
    con = duckdb.connect()
    for table in ("measurement", "drug_exposure"):
        single = root / "omop" / f"{table}.parquet"
        source = single if single.exists() else root / "omop" / table / "*.parquet"
        con.execute(f"COPY (SELECT * FROM '{source}') TO '{csv_dir / table}.csv' (HEADER)")
    csv_bytes = sum(p.stat().st_size for p in csv_dir.glob("*.csv"))
    start = time.perf_counter()
    for path in csv_dir.glob("*.csv"):
        omop._csv_to_parquet(path, root / "ingest" / f"{path.stem}.parquet", path.stem)
    csv_s = time.perf_counter() - start
    fhir_dir = root / "fhir"
    if not fhir_dir.exists():
        render_fhir(root / "omop", fhir_dir)
    ndjson_bytes = sum(p.stat().st_size for p in fhir_dir.glob("*.ndjson"))
    start = time.perf_counter()
    fhir.flatten(fhir_dir, root / "fhir_flat", 30)
    ndjson_s = time.perf_counter() - start
    return {
        "patients": patients,
        "csv_mb": csv_bytes / 1e6,
        "csv_mb_s": csv_bytes / 1e6 / csv_s,
        "ndjson_mb": ndjson_bytes / 1e6,
        "ndjson_mb_s": ndjson_bytes / 1e6 / ndjson_s,
    }


MEASURES = {
    "generate": measure_generate,
    "duckdb": measure_duckdb,
    "spark": measure_spark,
    "pandas": measure_pandas,
    "pandas_evidence": lambda patients: measure_pandas(patients, evidence=True),
    "pandas_equal": check_pandas_equal,
    "ingest": measure_ingest,
    "csv_cache": measure_csv_cache,
    "cluster": measure_cluster,
}


def child(measure: str, patients: int) -> dict[str, Any]:
    """Run one measurement in a fresh interpreter and return its JSON result."""
    done = subprocess.run(
        [sys.executable, __file__, "--child", measure, "--patients", str(patients)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        return {"measure": measure, "error": done.stderr.strip().splitlines()[-1:]}
    return {"measure": measure, **json.loads(done.stdout.strip().splitlines()[-1])}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--patients", type=int, default=1_000_000)
    parser.add_argument("--spark", action="store_true")
    parser.add_argument("--pandas", action="store_true")
    parser.add_argument("--ingest", action="store_true")
    parser.add_argument("--csv-cache", action="store_true")
    parser.add_argument("--cluster", action="store_true")
    parser.add_argument("--child")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(MEASURES[args.child](args.patients), default=str))
        return
    plan = ["generate", "duckdb"]
    if args.pandas:
        plan += ["pandas", "pandas_evidence", "pandas_equal"]
    if args.spark:
        plan.append("spark")
    if args.ingest:
        plan.append("ingest")
    if args.csv_cache:
        plan.append("csv_cache")
    if args.cluster:
        plan.append("cluster")
    for measure in plan:
        print(json.dumps(child(measure, args.patients), default=str), flush=True)


def test_screen_10k_duckdb(benchmark: Any, tmp_path: Path) -> None:
    """pytest-benchmark entry (`make bench`): all rules on 10k synthetic people with DuckDB."""
    from b12pain.cohort.screen import screen
    from b12pain.cohort.synth import generate_omop

    generate_omop(tmp_path / "omop", 10_000, seed=1, as_of=AS_OF)
    sets = _site_sets(tmp_path)
    result = benchmark(lambda: screen(tmp_path / "omop", "omop", AS_OF, site_sets=sets))
    assert result.flags.num_rows > 0


if __name__ == "__main__":
    main()
