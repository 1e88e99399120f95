"""Journal throughput: bulk insert of one dense year and the dashboard aggregates over it.

One year = 365 days x 10 entries a day of every kind (pain x3 with regions and a comment on one,
dose, sleep, exercise, stress, mood, food, and a lab or symptom check or saved assessment in
turn), generated deterministically. Baselines in the same process: the same number of rows
written with raw `sqlite3.executemany` into one flat table, and a raw `sqlite3` read of the
year's pain rows. Target: dashboard under 50 ms on SQLite.

Run: `.venv/bin/python benchmarks/bench_journal.py` (also part of `make bench`).
"""

from __future__ import annotations

import datetime as dt
import os
import random
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from b12pain.clinical.intake import target_for
from b12pain.insights import dashboard
from b12pain.journal import Journal, make_record, read_series
from b12pain.journal.records import BODY_REGIONS, Entry

DAYS = 365
PER_DAY = 10
FIRST_DAY = dt.date(2025, 11, 24)
TODAY = FIRST_DAY + dt.timedelta(days=DAYS - 1)


def dense_year(seed: int = 2026) -> list[Entry]:
    """365 days x 10 records of every kind, a supplement plan starting halfway."""
    rng = random.Random(seed)
    zone = dt.timezone(dt.timedelta(hours=1))
    plan_start = FIRST_DAY + dt.timedelta(days=DAYS // 2)
    plan = make_record(
        "plan",
        at=dt.datetime.combine(plan_start, dt.time(7), zone),
        regimen_id="oral_cyanocobalamin_dietary",
        form="oral",
        amount_ug=50,
        every_days=1,
        starts_on=plan_start,
        stock_units=400,
    )
    records: list[Entry] = [plan]
    for d in range(DAYS):
        day = FIRST_DAY + dt.timedelta(days=d)
        at = [dt.datetime.combine(day, dt.time(h, rng.randrange(60)), zone) for h in range(7, 22)]
        level = 6 if day < plan_start else 4
        comment = [{"at": at[14], "text": "evening note"}]
        records += [
            make_record(
                "pain",
                at=at[0],
                nrs=min(10, max(0, level + rng.randint(-2, 2))),
                regions=rng.sample(BODY_REGIONS, 2),
                pain_type="burning",
            ),
            make_record(
                "pain",
                at=at[6],
                nrs=min(10, max(0, level + rng.randint(-2, 2))),
                regions=["feet"],
                descriptors=["tingling"],
            ),
            make_record(
                "pain",
                at=at[13],
                nrs=min(10, max(0, level + rng.randint(-2, 2))),
                comments=comment,
                note="after dinner",
            ),
            make_record(
                "sleep", at=at[1], hours=round(rng.uniform(4, 9), 1), quality=rng.randint(0, 4)
            ),
            make_record("exercise", at=at[10], minutes=rng.choice([0, 20, 45]), activity="walking"),
            make_record("stress", at=at[11], level=rng.randint(0, 10)),
            make_record("mood", at=at[12], level=rng.randint(0, 4)),
            make_record(
                "food",
                at=at[5],
                food_id="egg",
                description="Egg, whole",
                amount_text="2 eggs",
                grams=100,
                b12_ug=0.89,
            ),
        ]
        if day >= plan_start:
            status = "taken" if rng.random() < 0.85 else "skipped"
            records.append(
                make_record(
                    "dose", at=at[2], plan_uid=plan.uid, status=status, form="oral", amount_ug=50
                )
            )
        else:
            records.append(make_record("symptoms", at=at[2], symptoms=["tingling", "fatigue"]))
        if d % 30 == 0:
            records.append(
                make_record(
                    "lab", at=at[3], test="total_b12", value=rng.uniform(150, 400), unit="ng/L"
                )
            )
        else:
            records.append(make_record("mood", at=at[3], level=2))
    return records


def _baseline_insert(path: Path, rows: int) -> float:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute(
        "CREATE TABLE flat (id INTEGER PRIMARY KEY, at TEXT, kind TEXT, value REAL, note TEXT)"
    )
    data = [(f"2026-01-01T{i % 24:02d}:00", "pain", i % 11, None) for i in range(rows)]
    start = time.perf_counter()
    with conn:
        conn.executemany("INSERT INTO flat (at, kind, value, note) VALUES (?, ?, ?, ?)", data)
    elapsed = time.perf_counter() - start
    conn.close()
    return elapsed


def _baseline_read(path: Path) -> float:
    conn = sqlite3.connect(path)
    start = time.perf_counter()
    conn.execute(
        "SELECT e.recorded_at, e.utc_offset_minutes, p.nrs FROM entries e "
        "JOIN pain_entries p ON p.entry_id = e.id"
    ).fetchall()
    elapsed = time.perf_counter() - start
    conn.close()
    return elapsed


def measure(runs: int = 7, url: str | None = None) -> dict[str, Any]:
    """Insert the dense year (one transaction) and time the dashboard over it (median of runs)."""
    records = dense_year()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "journal.sqlite"
        with Journal.open(url or f"sqlite:///{path}") as journal:
            journal.delete_all()
            start = time.perf_counter()
            journal.add_many(records)
            insert_s = time.perf_counter() - start
            singles = []
            for i in range(50):  # what one `b12pain log ...` costs inside the store
                one = make_record("stress", at=dt.datetime(2027, 1, 1, tzinfo=dt.UTC), level=i % 11)
                start = time.perf_counter()
                journal.add(one)
                singles.append(time.perf_counter() - start)
            target = target_for(58)
            timings = []
            for _ in range(runs):
                start = time.perf_counter()
                board = dashboard(read_series(journal), TODAY, target)
                timings.append(time.perf_counter() - start)
            if url:
                journal.delete_all()
        baseline_insert = _baseline_insert(Path(folder) / "flat.sqlite", len(records))
        baseline_read = (
            statistics.median(_baseline_read(path) for _ in range(runs)) if not url else None
        )
    dashboard_s = statistics.median(timings)
    return {
        "records": len(records),
        "insert_s": insert_s,
        "insert_per_s": len(records) / insert_s,
        "baseline_insert_s": baseline_insert,
        "insert_ratio": insert_s / baseline_insert,
        "single_add_ms": 1000 * statistics.median(singles),
        "dashboard_ms": 1000 * dashboard_s,
        "baseline_read_ms": None if baseline_read is None else 1000 * baseline_read,
        "dashboard_ratio": None if baseline_read is None else dashboard_s / baseline_read,
        "helping": board.helping.message,
    }


def test_journal_dense_year(benchmark: Any) -> None:
    """pytest-benchmark entry: the dashboard over a dense year already in SQLite."""
    result = measure(runs=3)
    print(
        f"\ninsert {result['records']} records: {result['insert_s']:.2f} s "
        f"(x{result['insert_ratio']:.0f} raw executemany); dashboard {result['dashboard_ms']:.1f} ms "
        f"(x{result['dashboard_ratio']:.1f} raw pain read)"
    )
    with (
        tempfile.TemporaryDirectory() as folder,
        Journal.open(f"sqlite:///{folder}/j.sqlite") as journal,
    ):
        journal.add_many(dense_year())
        target = target_for(58)
        benchmark(lambda: dashboard(read_series(journal), TODAY, target))


if __name__ == "__main__":
    sqlite_result = measure()
    for key, value in sqlite_result.items():
        print(
            f"sqlite {key}: {value:.4g}" if isinstance(value, float) else f"sqlite {key}: {value}"
        )
    pg = os.environ.get("B12PAIN_BENCH_PG_URL")
    if pg:
        for key, value in measure(runs=5, url=pg).items():
            print(
                f"postgres {key}: {value:.4g}"
                if isinstance(value, float)
                else f"postgres {key}: {value}"
            )
