"""Food search latency: p50 and p99 over SR28 and over a generated 500,000-food branded table.

Baseline in the same run: a plain `LIKE '%word%'` scan of the descriptions (no ranking), the
obvious alternative to FTS5. The branded-size table is generated here, in a temporary directory
(invented brands and foods; no USDA data), with the same schema and indexes as a real import.

Run: `.venv/bin/python benchmarks/bench_foods_search.py [N_FOODS]` (default 500,000).
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from b12pain.foods import FoodDatabase
from b12pain.foods.schema import finish, head_of

ROOT = Path(__file__).resolve().parents[1]
SR28 = Path(os.environ.get("B12PAIN_SR28", ROOT.parent / "shared/data/usda-sr28/sr28asc.zip"))

#: 1–3 word queries people type (whole words and prefixes while typing).
QUERIES = [
    "milk",
    "egg",
    "salmon",
    "beef liver",
    "cheddar cheese",
    "chicken breast roasted",
    "yogurt plain",
    "sal",
    "chick",
    "tuna canned",
    "fortified cereal",
    "spinach raw",
    "apple",
    "whole wheat bread",
    "orange juice",
    "oat milk",
    "greek yogurt",
    "soy",
]
TYPOS = ["salmn", "chese", "yoghrt", "spinnach"]

NOUNS = [
    "Milk",
    "Yogurt",
    "Cheese",
    "Cereal",
    "Bread",
    "Juice",
    "Chicken",
    "Beef",
    "Salmon",
    "Tuna",
    "Egg",
    "Apple",
    "Oat Milk",
    "Soy Milk",
    "Almond Milk",
    "Cookies",
    "Crackers",
    "Chips",
    "Soup",
    "Pasta",
    "Rice",
    "Granola",
    "Bar",
    "Spinach",
    "Beans",
    "Butter",
    "Ice Cream",
    "Sausage",
    "Ham",
    "Turkey",
    "Pizza",
    "Muffin",
    "Bagel",
    "Tortilla",
    "Salsa",
    "Hummus",
]
ADJECTIVES = [
    "Organic",
    "Whole",
    "Low Fat",
    "Greek",
    "Plain",
    "Vanilla",
    "Chocolate",
    "Strawberry",
    "Honey",
    "Roasted",
    "Smoked",
    "Canned",
    "Frozen",
    "Fortified",
    "Sliced",
    "Original",
    "Unsweetened",
    "Spicy",
    "Classic",
    "Light",
    "Whole Wheat",
    "Multigrain",
    "Crunchy",
]
FORMS = ["", "", "Family Size", "Snack Pack", "With Added Vitamins", "Reduced Sugar", "Bites"]


def branded_rows(count: int, seed: int = 4) -> Iterator[tuple[object, ...]]:
    """Invented branded foods: brand, qualifiers, noun, pack form; a B12 value for most."""
    rng = random.Random(seed)
    brands = [f"BRAND{i:03d}" for i in range(300)]
    for i in range(count):
        words = [rng.choice(brands), *rng.sample(ADJECTIVES, rng.randint(0, 2)), rng.choice(NOUNS)]
        form = rng.choice(FORMS)
        description = " ".join(words) + (f", {form}" if form else "")
        b12 = None if rng.random() < 0.3 else round(rng.random() * 3, 2)
        yield (
            f"9{i:07d}",
            "bench",
            "branded_food",
            None,
            description,
            head_of(description),
            "Branded",
            "",
            b12,
            None,
        )


def build_branded(path: Path, count: int) -> tuple[FoodDatabase, float]:
    """A food database with `count` generated branded foods; returns it and the build time."""
    db = FoodDatabase.open(path)
    start = time.perf_counter()
    conn = db.conn
    conn.execute("BEGIN")
    conn.executemany(
        "INSERT INTO food(food_id, source, data_type, ndb_number, description, head, food_group,"
        " common_names, b12_ug, b12_added_ug) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        branded_rows(count),
    )
    finish(conn)
    conn.execute("COMMIT")
    return db, time.perf_counter() - start


def _percentiles(times: list[float]) -> tuple[float, float]:
    times = sorted(times)
    p99 = times[min(len(times) - 1, round(0.99 * (len(times) - 1)))]
    return 1000 * statistics.median(times), 1000 * p99


def latency(db: FoodDatabase, queries: list[str], repeats: int) -> tuple[float, float]:
    """p50 and p99 (ms) of `db.search(q, limit=20)`."""
    for q in queries:  # warm the page cache
        db.search(q, limit=20)
    times = []
    for _ in range(repeats):
        for q in queries:
            t0 = time.perf_counter()
            db.search(q, limit=20)
            times.append(time.perf_counter() - t0)
    return _percentiles(times)


def like_latency(db: FoodDatabase, queries: list[str], repeats: int) -> tuple[float, float]:
    """p50 and p99 (ms) of a LIKE scan returning 20 unranked matches."""
    times = []
    for _ in range(repeats):
        for q in queries:
            words = q.split()
            where = " AND ".join("description LIKE ?" for _ in words)
            t0 = time.perf_counter()
            db.conn.execute(
                f"SELECT food_id, description FROM food WHERE {where} LIMIT 20",
                [f"%{w}%" for w in words],
            ).fetchall()
            times.append(time.perf_counter() - t0)
    return _percentiles(times)


def measure(n_foods: int = 500_000, repeats: int = 20) -> dict[str, float]:
    """Search and LIKE latencies over SR28 (if present) and a generated branded table."""
    result: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        if SR28.exists():
            db = FoodDatabase.open(Path(tmp) / "sr28.sqlite")
            db.import_archive(SR28)
            result["sr28_p50_ms"], result["sr28_p99_ms"] = latency(db, QUERIES, repeats)
            result["sr28_typo_p50_ms"], result["sr28_typo_p99_ms"] = latency(db, TYPOS, repeats)
            result["sr28_like_p50_ms"], result["sr28_like_p99_ms"] = like_latency(
                db, QUERIES, repeats
            )
            db.close()
        db, build_s = build_branded(Path(tmp) / "branded.sqlite", n_foods)
        result["branded_foods"] = n_foods
        result["branded_build_s"] = build_s
        result["branded_p50_ms"], result["branded_p99_ms"] = latency(db, QUERIES, repeats)
        result["branded_typo_p50_ms"], result["branded_typo_p99_ms"] = latency(db, TYPOS, repeats)
        result["branded_like_p50_ms"], result["branded_like_p99_ms"] = like_latency(
            db, QUERIES, repeats
        )
        db.close()
        size = sum(p.stat().st_size for p in Path(tmp).glob("branded.sqlite*"))
        result["branded_db_mb"] = size / 1e6
    return result


def test_search_latency(benchmark: object) -> None:
    """pytest-benchmark entry: search over a 50,000-food generated table (the script does 500k)."""
    with tempfile.TemporaryDirectory() as tmp:
        db, _ = build_branded(Path(tmp) / "branded.sqlite", 50_000)
        benchmark(lambda: [db.search(q, limit=20) for q in QUERIES])  # type: ignore[operator]
        db.close()


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 500_000
    for key, value in measure(count).items():
        print(f"{key}: {value:.2f}")
