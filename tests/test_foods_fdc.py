"""FoodData Central CSV import, on a fixture of invented foods zipped at test time."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from b12pain.errors import InputError
from b12pain.foods import FoodDatabase

FIXTURE = Path(__file__).parent / "fixtures" / "fdc"


def make_zip(target: Path, drop_foods: set[str] = frozenset(), corrupt: str | None = None) -> Path:
    """Zip the fixture CSVs inside a folder, as USDA ships them; optionally drop foods or corrupt one file."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for csv_file in sorted(FIXTURE.glob("*.csv")):
            lines = csv_file.read_text(encoding="utf-8").splitlines(keepends=True)
            kept = [line for line in lines if not any(f'"{fid}"' in line for fid in drop_foods)]
            archive.writestr(f"FoodData_Central_test/{csv_file.name}", "".join(kept))
    if corrupt:
        _corrupt_member(target, corrupt)
    return target


def _corrupt_member(path: Path, name: str) -> None:
    """Flip bytes in the middle of one member's compressed data, so reading it fails part-way."""
    with zipfile.ZipFile(path) as archive:
        info = next(i for i in archive.infolist() if i.filename.endswith(name))
    data = bytearray(path.read_bytes())
    header = info.header_offset
    name_len = int.from_bytes(data[header + 26 : header + 28], "little")
    extra_len = int.from_bytes(data[header + 28 : header + 30], "little")
    start = header + 30 + name_len + extra_len
    middle = start + info.compress_size // 2
    for i in range(middle, min(middle + 8, start + info.compress_size)):
        data[i] ^= 0xFF
    path.write_bytes(bytes(data))


@pytest.fixture
def db(tmp_path: Path) -> FoodDatabase:
    database = FoodDatabase.open(tmp_path / "foods.sqlite")
    yield database
    database.close()


def test_fdc_import_keeps_ids_groups_nutrients_and_portions(
    db: FoodDatabase, tmp_path: Path
) -> None:
    report = db.import_archive(make_zip(tmp_path / "fdc.zip"))
    assert report.source == "fdc"
    assert report.data_types == ("branded_food", "foundation_food")
    assert report.foods == 5
    assert report.foods_with_b12 == 4  # the invented bean has no B12 row
    milk = db.get("2000001")
    assert milk.ndb_number == "01077"  # from sr_legacy_food.csv, zero-padded as in SR28
    assert milk.food_group == "Dairy and Egg Products"
    assert milk.b12_ug == 0.5 and milk.b12_added_ug is None
    assert {n.number for n in milk.nutrients} == {"208", "418", "203"}
    assert [(p.unit, p.grams) for p in milk.portions] == [("cup", 244.0)]
    drink = db.get("3000001")
    assert drink.data_type == "branded_food"
    assert drink.food_group == "Plant Based Milk"
    assert drink.common_names == "Zorbo Foods Ltd (invented)"
    assert drink.b12_ug == 0.38 and drink.b12_added_ug == 0.38
    assert [(p.unit, p.grams) for p in drink.portions] == [("serving (1 cup)", 240.0)]
    fish = db.get("2000002")
    assert [(p.unit, p.grams) for p in fish.portions] == [("1 fillet", 120.0)]
    assert db.get("2000003").b12_ug is None


def test_fdc_import_reports_skipped_rows_with_reasons(db: FoodDatabase, tmp_path: Path) -> None:
    report = db.import_archive(make_zip(tmp_path / "fdc.zip"))
    reasons = {(s.file, s.reason): s.count for s in report.skipped}
    assert reasons[("nutrient values", "nutrient value for a food not in the archive")] == 1
    assert reasons[("food_nutrient.csv", "unknown nutrient")] == 1
    assert reasons[("food_nutrient.csv", "missing or unreadable amount")] == 1
    assert reasons[("food_portion.csv", "missing measure or weight")] == 1


def test_an_sr_record_in_fdc_shadows_its_starter_row(db: FoodDatabase, tmp_path: Path) -> None:
    assert db.search("milk")[0].food_id == "starter-01077"
    db.import_archive(make_zip(tmp_path / "fdc.zip"))
    ids = [h.food_id for h in db.search("milk", limit=50)]
    assert "starter-01077" not in ids
    assert db.get("starter-01077").food_id == "starter-01077"


def test_fdc_foods_are_searchable_and_filterable(db: FoodDatabase, tmp_path: Path) -> None:
    db.import_archive(make_zip(tmp_path / "fdc.zip"))
    assert db.search("testfish")[0].food_id == "2000002"
    assert db.search("testfis")[0].food_id == "2000002"  # prefix while typing
    assert db.search("tsetfish")[0].food_id == "2000002"  # typo → trigram fallback
    branded = db.search("zorbo", data_type="branded_food")
    assert {h.food_id for h in branded} == {"3000001", "3000002"}
    assert [h.food_id for h in db.search("zorbo", min_b12_ug=1.0)] == ["3000002"]
    assert [h.food_id for h in db.search("invented", group="Legumes")] == ["2000003"]


def test_vegan_richest_sources_are_fortified_plant_foods(db: FoodDatabase, tmp_path: Path) -> None:
    db.import_archive(make_zip(tmp_path / "fdc.zip"))
    vegan = [h.food_id for h in db.richest_sources("vegan")]
    assert vegan[0] == "starter-nutritional-yeast-fortified"
    assert {"3000002", "starter-cereal-fortified-25dv"} <= set(vegan)
    assert "2000002" not in vegan and "2000001" not in vegan
    assert "2000002" in [h.food_id for h in db.richest_sources("pescatarian", limit=50)]
    with pytest.raises(InputError):
        db.richest_sources("carnivore")


def test_reimport_is_idempotent_and_replaces_the_source(db: FoodDatabase, tmp_path: Path) -> None:
    first = db.import_archive(make_zip(tmp_path / "fdc.zip"))
    second = db.import_archive(make_zip(tmp_path / "fdc.zip"))
    assert (second.foods, second.nutrient_values, second.portions) == (
        first.foods,
        first.nutrient_values,
        first.portions,
    )
    assert db.counts()["fdc"] == {"foods": 5, "with_b12": 4}
    smaller = make_zip(tmp_path / "fdc-smaller.zip", drop_foods={"2000003"})
    db.import_archive(smaller)
    assert db.counts()["fdc"]["foods"] == 4
    with pytest.raises(InputError):
        db.get("2000003")
    assert "2000003" not in {h.food_id for h in db.search("testbean")}


def test_failed_import_leaves_previous_data_intact(db: FoodDatabase, tmp_path: Path) -> None:
    db.import_archive(make_zip(tmp_path / "fdc.zip", drop_foods={"2000003"}))
    before = db.counts()
    broken = make_zip(tmp_path / "broken.zip", corrupt="food_portion.csv")
    with pytest.raises(InputError) as caught:  # zlib or CRC error, named by member
        db.import_archive(broken)
    assert "food_portion.csv: is damaged" in caught.value.problems[0].message
    assert db.counts() == before
    assert db.get("2000001").b12_ug == 0.5
    assert "2000003" not in {h.food_id for h in db.search("testbean")}
    assert db.search("testmilk")[0].food_id == "2000001"


def test_not_a_usda_archive_is_refused(db: FoodDatabase, tmp_path: Path) -> None:
    other = tmp_path / "other.zip"
    with zipfile.ZipFile(other, "w") as archive:
        archive.writestr("hello.txt", "hi")
    with pytest.raises(InputError) as caught:
        db.import_archive(other)
    assert "not a USDA archive" in caught.value.problems[0].message
    not_zip = tmp_path / "plain.txt"
    not_zip.write_text("x")
    with pytest.raises(InputError):
        db.import_archive(not_zip)
    with pytest.raises(InputError):
        db.import_archive(tmp_path / "missing.zip")
