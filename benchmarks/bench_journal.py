"""Journal throughput: bulk insert of one dense year and the dashboard aggregates over it; and
(issue 18) the everyday reads on one dense year vs ten dense years, to show their cost follows
what is asked for, not the size of the journal.

One year = 365 days x 10 entries a day of every kind (pain x3 with regions and a comment on one,
dose, sleep, exercise, stress, mood, food, and a lab or symptom check or saved assessment in
turn), generated deterministically. Baselines in the same process: the same number of rows
written with raw `sqlite3.executemany` into one flat table, and a raw `sqlite3` read of the
year's pain rows. Target: dashboard under 50 ms on SQLite.

Run: `.venv/bin/python benchmarks/bench_journal.py` (also part of `make bench`);
`.venv/bin/python benchmarks/bench_journal.py growth` for the one-year vs ten-year table.
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


def dense_year(seed: int = 2026, years: int = 1, until: dt.date | None = None) -> list[Entry]:
    """`years` x 365 days x 10 records of every kind, ending on `until` (default TODAY); a
    supplement plan starting halfway through the last year, a profile version every 90 days."""
    rng = random.Random(seed)
    zone = dt.timezone(dt.timedelta(hours=1))
    last_day = until or TODAY
    first_day = last_day - dt.timedelta(days=DAYS * years - 1)
    plan_start = last_day - dt.timedelta(days=DAYS - 1) + dt.timedelta(days=DAYS // 2)
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
    for d in range(DAYS * years):
        day = first_day + dt.timedelta(days=d)
        at = [dt.datetime.combine(day, dt.time(h, rng.randrange(60)), zone) for h in range(7, 22)]
        level = 6 if day < plan_start else 4
        comment = [{"at": at[14], "text": "evening note"}]
        if d % 90 == 0:
            records.append(
                make_record("profile", at=at[0], profile={"age": 50 + d // 365, "diet": "vegan"})
            )
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


# one dense year vs ten dense years (issue 18) ---------------------------------------------


def _median_ms(call: Any, runs: int) -> float:
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        timings.append(time.perf_counter() - start)
    return 1000 * statistics.median(timings)


def _baseline_recent_pain(path: Path, since: dt.datetime) -> Any:
    """A raw `sqlite3` read of the last 30 days of pain rows (the same-process baseline)."""

    def read() -> None:
        conn = sqlite3.connect(path)
        conn.execute(
            "SELECT e.recorded_at, p.nrs FROM entries e JOIN pain_entries p ON p.entry_id = e.id "
            "WHERE e.owner = 'local' AND e.kind = 'pain' AND e.recorded_at >= ?",
            (since.replace(tzinfo=None).isoformat(sep=" "),),
        ).fetchall()
        conn.close()

    return read


def _reads(journal: Journal, path: Path, records: list[Entry]) -> dict[str, Any]:
    """The everyday reads through the service layer, as calls to time."""
    from b12pain.knowledge import load
    from b12pain.service import diary, insights, plans, profile
    from b12pain.service.context import Context

    now = dt.datetime.combine(TODAY, dt.time(21), dt.timezone(dt.timedelta(hours=1)))
    ctx = Context(store=journal, kb=load(), owner="local", now=now, today=TODAY)
    one = records[len(records) // 2].uid
    month = TODAY - dt.timedelta(days=29)
    return {
        "entries_30_days_ms": lambda: diary.list_entries(ctx, start=month, end=TODAY),
        "get_ms": lambda: diary.get_entry(ctx, one[:8]),
        "current_profile_ms": lambda: profile.current_profile(ctx),
        "dashboard_ms": lambda: insights.insights(ctx),
        "due_today_ms": lambda: plans.due_today(ctx),
        "whole_series_dashboard_ms": lambda: dashboard(read_series(journal), TODAY, None),
        "baseline_30_days_pain_ms": _baseline_recent_pain(path, now - dt.timedelta(days=30)),
    }


QUICK = ("get_ms", "current_profile_ms", "due_today_ms", "baseline_30_days_pain_ms")
QUICK_REPEATS = 20


def growth(runs: int = 9) -> dict[str, tuple[float, float, float]]:
    """Each read on one dense year and on ten, and the ten-year / one-year ratio. The two
    journals are measured in turn, call by call, so a busy machine slows both alike."""
    with tempfile.TemporaryDirectory() as folder:
        paths = {years: Path(folder) / f"journal-{years}.sqlite" for years in (1, 10)}
        stores = {years: Journal.open(f"sqlite:///{paths[years]}") for years in (1, 10)}
        try:
            calls = {}
            for years, store in stores.items():
                records = dense_year(years=years)
                store.add_many(records)
                calls[years] = _reads(store, paths[years], records)
            timings: dict[tuple[int, str], list[float]] = {}
            for _ in range(runs):
                for key in calls[1]:
                    repeat = QUICK_REPEATS if key in QUICK else 1  # millisecond calls: more runs
                    for _ in range(repeat):
                        for years in (1, 10):
                            start = time.perf_counter()
                            calls[years][key]()
                            elapsed = time.perf_counter() - start
                            timings.setdefault((years, key), []).append(elapsed)
        finally:
            for store in stores.values():
                store.close()
    result = {}
    for key in calls[1]:
        one, ten = (1000 * statistics.median(timings[(y, key)]) for y in (1, 10))
        result[key] = (one, ten, ten / one)
    return result


def test_journal_reads_on_ten_years(benchmark: Any) -> None:
    """pytest-benchmark entry: the dashboard through the service on ten dense years."""
    from b12pain.knowledge import load
    from b12pain.service import insights
    from b12pain.service.context import Context

    now = dt.datetime.combine(TODAY, dt.time(21), dt.UTC)
    with (
        tempfile.TemporaryDirectory() as folder,
        Journal.open(f"sqlite:///{folder}/j.sqlite") as journal,
    ):
        journal.add_many(dense_year(years=10))
        ctx = Context(store=journal, kb=load(), owner="local", now=now, today=TODAY)
        benchmark(lambda: insights.insights(ctx))


if __name__ == "__main__":
    import sys

    if sys.argv[1:] == ["growth"]:
        for key, (one_year, ten_years, ratio) in growth().items():
            print(f"{key}: one year {one_year:.4g}, ten years {ten_years:.4g}, ratio x{ratio:.2f}")
        raise SystemExit(0)
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
