"""Speed of `assess()`: per-call latency (median, p99) and batch throughput on one core.

Baseline in the same process: `parse_profile` alone (validation of the input), so the ratio shows
what the decision logic adds on top of reading the profile.

Run: `.venv/bin/python benchmarks/bench_assess.py [N]` (default 100,000 profiles), or via
`make bench` (pytest-benchmark, smaller N).
"""

from __future__ import annotations

import gc
import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from generate_profiles import generate_profiles

from b12pain import assess, parse_profile

TODAY = date(2026, 11, 24)


def measure(count: int) -> dict[str, float]:
    """Latency percentiles (µs) and throughput (assessments/s) over `count` generated profiles."""
    raw = generate_profiles(count)
    start = time.perf_counter()
    profiles = [parse_profile(p) for p in raw]
    parse_seconds = time.perf_counter() - start
    # The harness keeps every input profile alive; move them (and the loaded knowledge) out of
    # the collector's reach so the cyclic GC does not re-scan the harness's own heap during the
    # timed loops. A batch job that streams its profiles has no such heap to scan.
    gc.collect()
    gc.freeze()

    latencies = []
    for profile in profiles:
        t0 = time.perf_counter()
        assess(profile, TODAY)
        latencies.append(time.perf_counter() - t0)
    latencies.sort()

    start = time.perf_counter()
    for profile in profiles:
        assess(profile, TODAY)
    batch_seconds = time.perf_counter() - start
    return {
        "profiles": count,
        "assess_median_us": 1e6 * statistics.median(latencies),
        "assess_p99_us": 1e6 * latencies[int(0.99 * (len(latencies) - 1))],
        "assess_per_second": count / batch_seconds,
        "parse_per_second": count / parse_seconds,
        "assess_vs_parse_ratio": batch_seconds / parse_seconds,
    }


def test_assess_latency(benchmark: object) -> None:
    """pytest-benchmark entry: one assessment of a typical profile."""
    profile = parse_profile(generate_profiles(1, seed=7)[0])
    benchmark(assess, profile, TODAY)  # type: ignore[operator]


def test_assess_batch(benchmark: object) -> None:
    """pytest-benchmark entry: 2,000 assessments."""
    profiles = [parse_profile(p) for p in generate_profiles(2_000)]
    benchmark.pedantic(lambda: [assess(p, TODAY) for p in profiles], rounds=3)  # type: ignore[attr-defined]


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    for key, value in measure(n).items():
        print(f"{key}: {value:,.1f}")
