"""Speed of instrument scoring: per-instrument latency and a whole profile's `instruments:` section.

Baseline in the same process: a hand-written DN4 sum (`sum(answers.values())`, no validation, no
knowledge, no result object), so the ratio shows what validation, cited bands and the result
model add.

Run: `.venv/bin/python benchmarks/bench_instruments.py [N]` (default 20,000 rounds), or via
`make bench` (pytest-benchmark).
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from datetime import date
from typing import Any

from b12pain import assess, parse_profile
from b12pain.instruments import INSTRUMENTS, instruments_for_assessment, score

TODAY = date(2026, 11, 24)

ANSWERS: dict[str, dict[str, Any]] = {
    "nrs": {"nrs": 6, "baseline": 8},
    "dn4": {f"q{i}": i in (1, 2, 8, 9) for i in range(1, 11)},
    "dn4_interview": {f"q{i}": i < 4 for i in range(1, 8)},
    "slanss": {f"q{i}": i in (1, 2, 4) for i in range(1, 8)},
    "lanss": {f"q{i}": i in (1, 2, 4) for i in range(1, 8)},
    "mnsi": {f"q{i}": i in (1, 2, 3, 5, 7, 11, 12) for i in range(1, 16)},
    "mnsi_exam": {
        f"{side}_{part}": value
        for side in ("left", "right")
        for part, value in (
            ("appearance", "normal"),
            ("ulceration", "absent"),
            ("ankle_reflex", "reinforcement"),
            ("vibration", "decreased"),
        )
    },
    "acr2016": {
        "painful_areas": [
            "shoulder_girdle_left",
            "hip_left",
            "hip_right",
            "neck",
            "lower_back",
            "upper_leg_left",
            "upper_arm_right",
        ],
        "fatigue": 2,
        "waking_unrefreshed": 2,
        "cognitive_symptoms": 1,
        "headaches": False,
        "lower_abdominal_pain": False,
        "depression": False,
        "duration_months": 6,
    },
    "ichd3": {
        "without_aura_attacks": 6,
        "attack_hours": 8,
        "unilateral": True,
        "pulsating": True,
        "nausea_or_vomiting": True,
    },
    "midas": {f"q{i}": 2 for i in range(1, 6)},
    "hit6": {f"q{i}": "sometimes" for i in range(1, 7)},
    "rmdq": {f"q{i}": i <= 8 for i in range(1, 25)},
    "start_back": {f"q{i}": i in (1, 5, 6) for i in range(1, 9)} | {"q9": "very_much"},
}


def _median_us(call: Callable[[], object], rounds: int) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return 1e6 * statistics.median(times)


def measure(rounds: int) -> dict[str, float]:
    """Median latency (µs) per instrument, for a whole profile section, and the plain-sum baseline."""
    instruments_for_assessment(ANSWERS)  # load knowledge once
    results = {
        f"{name}_us": _median_us(lambda name=name: score(name, ANSWERS[name]), rounds)  # type: ignore[misc]
        for name in INSTRUMENTS
    }
    results["all_13_for_assessment_us"] = _median_us(
        lambda: instruments_for_assessment(ANSWERS), rounds // 10
    )
    dn4 = ANSWERS["dn4"]
    results["baseline_plain_dn4_sum_us"] = _median_us(lambda: sum(dn4.values()) >= 4, rounds)
    results["dn4_vs_plain_sum_ratio"] = results["dn4_us"] / results["baseline_plain_dn4_sum_us"]
    base = {"age": 60, "medications": [{"name": "metformin", "duration": "5y"}]}
    plain = parse_profile(base)
    with_two = parse_profile(
        base | {"instruments": {"dn4": ANSWERS["dn4"], "acr2016": ANSWERS["acr2016"]}}
    )
    results["assess_without_instruments_us"] = _median_us(
        lambda: assess(plain, TODAY), rounds // 10
    )
    results["assess_with_dn4_acr2016_us"] = _median_us(
        lambda: assess(with_two, TODAY), rounds // 10
    )
    return results


def test_score_dn4(benchmark: Any) -> None:
    """pytest-benchmark entry: one DN4."""
    benchmark(score, "dn4", ANSWERS["dn4"])


def test_score_all_instruments_for_assessment(benchmark: Any) -> None:
    """pytest-benchmark entry: a profile with all 13 instruments, scored and profiled."""
    benchmark(instruments_for_assessment, ANSWERS)


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    for key, value in measure(n).items():
        print(f"{key}: {value:,.2f}")
