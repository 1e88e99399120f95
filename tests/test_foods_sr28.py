"""The real USDA SR28 archive, imported once per test session (skips when the archive is absent)."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from b12pain.foods import FoodDatabase, ImportReport
from b12pain.foods.starter import starter_foods

pytestmark = [pytest.mark.sr28, pytest.mark.xdist_group("sr28")]


@pytest.fixture(scope="session")
def sr28_import(
    sr28_zip: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[FoodDatabase, ImportReport]]:
    db = FoodDatabase.open(tmp_path_factory.mktemp("sr28") / "foods.sqlite")
    report = db.import_archive(sr28_zip)
    yield db, report
    db.close()


@pytest.fixture(scope="session")
def sr28_db(sr28_import: tuple[FoodDatabase, ImportReport]) -> FoodDatabase:
    return sr28_import[0]


def test_sr28_counts(sr28_import: tuple[FoodDatabase, ImportReport]) -> None:
    db, report = sr28_import
    # USDA's SR28 documentation lists 8,789 foods. FOOD_DES.txt's last line has no CRLF, so a
    # line count (`wc -l`) says 8,788, the figure in issue 4; the importer reads every record.
    assert report.foods == 8789
    assert report.foods_with_b12 == 7596
    assert report.nutrient_values == 679_045
    assert report.portions == 15_438
    assert report.skipped == ()
    assert db.counts()["sr28"] == {"foods": 8789, "with_b12": 7596}


def test_sr28_food_des_really_holds_8789_records(sr28_zip: Path) -> None:
    with zipfile.ZipFile(sr28_zip) as archive:
        raw = archive.read("FOOD_DES.txt")
    assert raw.count(b"\r\n") == 8788 and not raw.endswith(b"\r\n")
    rows = list(csv.reader(io.StringIO(raw.decode("latin-1")), delimiter="^", quotechar="~"))
    assert len({row[0] for row in rows}) == 8789


@pytest.mark.parametrize(
    ("ndb", "b12", "words"),
    [
        ("13325", 59.3, "liver, raw"),
        ("01123", 0.89, "Egg, whole, raw"),
        ("11457", 0.0, "Spinach, raw"),
    ],
)
def test_sr28_known_values(sr28_db: FoodDatabase, ndb: str, b12: float, words: str) -> None:
    food = sr28_db.get(ndb)
    assert words in food.description
    assert food.b12_ug == pytest.approx(b12)
    assert food.source == "sr28" and food.ndb_number == ndb


def test_sr28_keeps_group_nutrients_added_b12_and_portions(sr28_db: FoodDatabase) -> None:
    liver = sr28_db.get("13325")
    assert liver.food_group == "Beef Products"
    assert len(liver.nutrients) > 50
    assert {"208", "418"} <= {n.number for n in liver.nutrients}
    b12 = next(n for n in liver.nutrients if n.number == "418")
    assert b12.unit == "µg" and b12.name == "Vitamin B-12"
    assert [(p.amount, p.unit, p.grams) for p in liver.portions] == [(3.0, "oz", 85.0)]
    assert {"large", "medium", "small"} <= {p.unit for p in sr28_db.get("01123").portions}
    fortified = sr28_db.search("cereals ready-to-eat", min_b12_ug=5, limit=50)
    assert sum(1 for h in fortified if (h.b12_added_ug or 0) > 0) >= 10
    assert sr28_db.get("1123").food_id == "01123"  # leading zero may be left out


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("milk", "Milk, whole, 3.25% milkfat"),
        ("egg", "Egg, whole, raw, fresh"),
        ("eggs", "Egg, whole, raw, fresh"),
        ("salmon", "salmon"),
        ("sal", "salmon"),
        ("salmn", "Salmon"),
        ("beef liver", "liver"),
        ("spinach", "Spinach, raw"),
        ("chese", "Cheese"),
        ("chick", "Chicken"),
    ],
)
def test_sr28_ranking_puts_the_plain_food_first(
    sr28_db: FoodDatabase, query: str, expected: str
) -> None:
    top = sr28_db.search(query, limit=5)[0]
    assert expected.lower() in top.description.lower()
    assert "chocolate" not in top.description.lower()


def test_sr28_fortified_cereal_finds_ready_to_eat_cereals_richest_first(
    sr28_db: FoodDatabase,
) -> None:
    hits = sr28_db.search("fortified cereal", limit=20)
    assert len(hits) == 20
    assert all(h.description.startswith("Cereals ready-to-eat") for h in hits[:10])
    assert all((h.b12_added_ug or 0) > 0 for h in hits)
    b12 = [h.b12_ug or 0 for h in hits]
    assert b12 == sorted(b12, reverse=True) and b12[0] >= 20


def test_sr28_milk_chocolate_is_not_above_milk(sr28_db: FoodDatabase) -> None:
    hits = [h.description for h in sr28_db.search("milk", limit=100)]
    chocolate = next(i for i, d in enumerate(hits) if "milk chocolate" in d.lower())
    plain = next(i for i, d in enumerate(hits) if d.startswith("Milk, whole"))
    assert plain < chocolate


def test_starter_rows_are_shadowed_by_the_import(sr28_db: FoodDatabase) -> None:
    hits = sr28_db.search("egg", limit=50)
    assert all(not h.food_id.startswith("starter-01123") for h in hits)
    assert sr28_db.get("starter-01123").description == "Egg, whole, raw"  # still readable by id


def test_vegan_richest_sources_in_sr28_are_fortified(sr28_db: FoodDatabase) -> None:
    hits = sr28_db.richest_sources("vegan", limit=10)
    assert len(hits) == 10
    for hit in hits:
        assert hit.b12_added_ug and hit.b12_ug == pytest.approx(hit.b12_added_ug, abs=0.05)
    omnivore = sr28_db.richest_sources("omnivore", limit=3)
    assert omnivore[0].b12_ug >= hits[0].b12_ug


def test_sr28_measure(sr28_db: FoodDatabase) -> None:
    liver = sr28_db.measure("3 oz beef liver")
    assert liver.food_id == "13325"
    assert liver.grams == pytest.approx(85.05, abs=0.01)
    assert liver.b12_ug == pytest.approx(59.3 * 0.8505, rel=1e-3)
    eggs = sr28_db.measure("2 eggs")
    assert eggs.food_id == "01123"
    large = next(p for p in sr28_db.get("01123").portions if p.unit == "large")
    assert eggs.grams == pytest.approx(2 * large.grams)


def test_starter_table_names_real_sr28_records(sr28_db: FoodDatabase) -> None:
    """Each starter row's NDB number exists in SR28, describes the same food, and agrees on
    whether the food has any B12 (b12pain's values are its own, so only the order of magnitude
    is compared)."""
    for row in starter_foods():
        if not row.get("ndb"):
            continue
        record = sr28_db.get(row["ndb"])
        starter_words = set(re.findall(r"[a-z]+", row["description"].lower()))
        record_words = set(re.findall(r"[a-z]+", record.description.lower()))
        assert len(starter_words & record_words) >= 1, (row["ndb"], record.description)
        if row.get("b12") is None or record.b12_ug is None:
            continue
        if row["b12"] == 0:
            assert record.b12_ug < 0.1, row["ndb"]
        else:
            assert record.b12_ug / 5 <= row["b12"] <= record.b12_ug * 5, (row["ndb"], record.b12_ug)


def test_failed_sr28_import_midway_leaves_previous_data(sr28_zip: Path, tmp_path: Path) -> None:
    """Stop the import half-way through NUT_DATA (as Ctrl-C would): nothing changes."""
    db = FoodDatabase.open(tmp_path / "foods.sqlite")
    before = db.counts()
    seen: list[str] = []

    def stop_midway(phase: str, done: int, total: int) -> None:
        seen.append(phase)
        if phase == "NUT_DATA.txt" and done > total // 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        db.import_archive(sr28_zip, progress=stop_midway)
    assert "FOOD_DES.txt" in seen
    assert db.counts() == before
    assert db.search("milk")[0].food_id == "starter-01077"
    db.close()
