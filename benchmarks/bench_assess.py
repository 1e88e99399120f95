"""Speed of `assess()`: per-call latency (median, p99) and batch throughput on one core.

Baseline in the same process: `parse_profile` alone (validation of the input), so the ratio shows
what the decision logic adds on top of reading the profile.

Run: `.venv/bin/python benchmarks/bench_assess.py [N]` (default 100,000 profiles), or via
`make bench` (pytest-benchmark, smaller N).

Comparing two versions of the code on a busy machine (both cannot be imported in one process):

- `bench_assess.py --compare OLD_SRC NEW_SRC [N] [ROUNDS]` runs `--cpu N` with each `src/`
  folder first on `PYTHONPATH`, alternately, ROUNDS times each, and prints every run: CPU time
  (`time.process_time`, which another process's load disturbs far less than wall time) per
  assessment in the first pass over N distinct profiles (memos filling) and the best of five
  warm passes.
- `bench_assess.py --callgrind N [PASSES]` is for running under
  `valgrind --tool=callgrind --instr-atstart=no`: instrumentation is switched on (with
  `callgrind_control`) only around the passes and a profile is dumped after each, so the dumps
  count the instructions of exactly N assessments per pass, independent of the machine's load.
"""

from __future__ import annotations

import gc
import json
import os
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from generate_profiles import generate_profiles

from b12pain import Profile, assess, parse_profile

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


def _parsed(count: int) -> list[Profile]:
    """`count` generated profiles, parsed, with the collector kept off the harness's heap."""
    profiles = [parse_profile(p) for p in generate_profiles(count)]
    gc.collect()
    gc.freeze()
    return profiles


def cpu(count: int, warm_passes: int = 5) -> dict[str, float]:
    """CPU µs per assessment: the first pass over `count` profiles, then the best warm pass."""
    profiles = _parsed(count)
    passes = []
    for _ in range(1 + warm_passes):
        start = time.process_time()
        for profile in profiles:
            assess(profile, TODAY)
        passes.append(1e6 * (time.process_time() - start) / count)
    return {"first_pass_cpu_us": passes[0], "warm_cpu_us": min(passes[1:])}


def compare(old_src: str, new_src: str, count: int, rounds: int) -> list[dict[str, object]]:
    """`cpu(count)` for two `src/` folders in separate processes, alternately, `rounds` each."""
    runs: list[dict[str, object]] = []
    for _ in range(rounds):
        for label, src in (("old", old_src), ("new", new_src)):
            env = {**os.environ, "PYTHONPATH": src, "PYTHONHASHSEED": "0"}
            out = subprocess.run(
                [sys.executable, __file__, "--cpu", str(count)],
                env=env,
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            runs.append({"code": label, **json.loads(out)})
    return runs


def callgrind(count: int, passes: int) -> None:
    """Instrument only the passes (run under `valgrind --tool=callgrind --instr-atstart=no`)."""
    profiles = _parsed(count)

    def control(*args: str) -> None:
        subprocess.run(
            ["callgrind_control", *args, str(os.getpid())], check=True, stdout=subprocess.DEVNULL
        )

    control("--instr=on")
    control("--zero")
    for number in range(passes):
        for profile in profiles:
            assess(profile, TODAY)
        control(f"--dump=pass{number}")


def test_assess_latency(benchmark: object) -> None:
    """pytest-benchmark entry: one assessment of a typical profile."""
    profile = parse_profile(generate_profiles(1, seed=7)[0])
    benchmark(assess, profile, TODAY)  # type: ignore[operator]


def test_assess_batch(benchmark: object) -> None:
    """pytest-benchmark entry: 2,000 assessments."""
    profiles = [parse_profile(p) for p in generate_profiles(2_000)]
    benchmark.pedantic(lambda: [assess(p, TODAY) for p in profiles], rounds=3)  # type: ignore[attr-defined]


if __name__ == "__main__":
    args = sys.argv[1:]
    if args[:1] == ["--cpu"]:
        print(json.dumps(cpu(int(args[1]))))
    elif args[:1] == ["--compare"]:
        size = int(args[3]) if len(args) > 3 else 10_000
        for run in compare(args[1], args[2], size, int(args[4]) if len(args) > 4 else 3):
            print(json.dumps(run))
    elif args[:1] == ["--callgrind"]:
        callgrind(int(args[1]), int(args[2]) if len(args) > 2 else 2)
    else:
        n = int(args[0]) if args else 100_000
        for key, value in measure(n).items():
            print(f"{key}: {value:,.1f}")
