"""Full USDA SR28 import: wall time, peak memory (RSS) and database size.

Baseline in the same run: reading and parsing every row of the archive with the same reader but
writing nothing, so the ratio shows what SQLite (inserts, FTS5 and trigram indexes) adds.
Each measurement runs in a fresh subprocess so peak RSS is that of the import alone.

Run: `.venv/bin/python benchmarks/bench_foods_import.py [SR28_ZIP]` (default ../shared/...).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_ZIP = Path(
    os.environ.get("B12PAIN_SR28", ROOT.parent / "shared/data/usda-sr28/sr28asc.zip")
)

_CHILD = r"""
import json, resource, sys, time
from pathlib import Path
mode, archive, target = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
start = time.perf_counter()
if mode == "parse":
    from b12pain.foods.sr28 import SR28Archive
    data = SR28Archive(archive)
    rows = sum(1 for _ in data.foods()) + sum(1 for _ in data.nutrient_values())
    rows += sum(1 for _ in data.portions())
    data.close()
else:
    from b12pain.foods import FoodDatabase
    db = FoodDatabase.open(target)
    report = db.import_archive(archive)
    rows = report.foods + report.nutrient_values + report.portions
    db.close()
seconds = time.perf_counter() - start
peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "peak_rss_mb": peak_mb, "rows": rows}))
"""


def _run(mode: str, archive: Path, target: Path) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, mode, str(archive), str(target)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    result: dict[str, float] = json.loads(out.strip().splitlines()[-1])
    return result


def measure(archive: Path = DEFAULT_ZIP, runs: int = 3) -> dict[str, float]:
    """Median import and parse-only times, peak RSS of each, and the database size on disk."""
    imports, parses = [], []
    size_mb = 0.0
    for i in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            target = Path(tmp) / "foods.sqlite"
            imports.append(_run("import", archive, target))
            for suffix in ("", "-wal", "-shm"):
                extra = Path(str(target) + suffix)
                if extra.exists() and i == 0:
                    size_mb += extra.stat().st_size / 1e6
        parses.append(_run("parse", archive, Path("/dev/null")))
    import_s = statistics.median(r["seconds"] for r in imports)
    parse_s = statistics.median(r["seconds"] for r in parses)
    return {
        "import_s": import_s,
        "parse_only_s": parse_s,
        "ratio_import_vs_parse": import_s / parse_s,
        "import_peak_rss_mb": max(r["peak_rss_mb"] for r in imports),
        "parse_peak_rss_mb": max(r["peak_rss_mb"] for r in parses),
        "db_size_mb": size_mb,
        "rows": imports[0]["rows"],
    }


def test_sr28_import(benchmark: object) -> None:
    """pytest-benchmark entry: one full import per round (skips without the archive)."""
    import pytest

    if not DEFAULT_ZIP.exists():
        pytest.skip(f"SR28 archive not found at {DEFAULT_ZIP}")
    result = measure(runs=1)
    print("\n" + json.dumps(result, indent=1))

    def once() -> None:
        with tempfile.TemporaryDirectory() as tmp:
            _run("import", DEFAULT_ZIP, Path(tmp) / "foods.sqlite")

    benchmark.pedantic(once, rounds=2)  # type: ignore[attr-defined]


if __name__ == "__main__":
    archive = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_ZIP
    for key, value in measure(archive).items():
        print(f"{key}: {value:.2f}")
