"""Cold start of `b12pain --help`, against a bare `python -c pass` in the same run.

Run: `.venv/bin/python benchmarks/bench_cli_startup.py` (also part of `make bench`).
The ratio tells how much b12pain adds on top of starting Python itself.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

BIN = Path(sys.executable).parent


def _time(command: list[str], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return times


def measure(runs: int = 15) -> dict[str, float]:
    """Median wall time (ms) of a bare interpreter start and of `b12pain --help`."""
    baseline = _time([sys.executable, "-c", "pass"], runs)
    cli = _time([str(BIN / "b12pain"), "--help"], runs)
    return {
        "python_start_ms": 1000 * statistics.median(baseline),
        "b12pain_help_ms": 1000 * statistics.median(cli),
        "ratio": statistics.median(cli) / statistics.median(baseline),
    }


def test_cli_help_cold_start(benchmark: object) -> None:
    """pytest-benchmark entry: times `b12pain --help` end to end (one subprocess per round)."""
    result = measure(runs=5)
    print(
        f"\n--help: {result['b12pain_help_ms']:.0f} ms; python -c pass: "
        f"{result['python_start_ms']:.0f} ms; ratio {result['ratio']:.1f}x"
    )
    benchmark.pedantic(  # type: ignore[attr-defined]
        subprocess.run,
        args=([str(BIN / "b12pain"), "--help"],),
        kwargs={"check": True, "stdout": subprocess.DEVNULL},
        rounds=10,
    )


if __name__ == "__main__":
    result = measure()
    for key, value in result.items():
        print(f"{key}: {value:.1f}")
