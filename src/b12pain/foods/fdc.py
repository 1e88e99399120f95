"""Reader for FoodData Central CSV zips (food.csv, food_nutrient.csv, nutrient.csv, food_portion.csv,
measure_unit.csv, food_category.csv, branded_food.csv; UTF-8, comma-separated, header row).

Files may sit in a folder inside the zip, as in USDA's downloads. Nutrients are keyed by their SR
number (`nutrient_nbr`, e.g. 418 for vitamin B-12) so SR28 and FDC foods share one vocabulary.
"""

from __future__ import annotations

import csv
import zipfile
from collections.abc import Iterator
from pathlib import Path

from b12pain.foods._dataset import (
    FoodRow,
    NutrientDefinition,
    NutrientValue,
    PortionRow,
    ProgressCallback,
    ZipArchive,
    parse_float,
)

REQUIRED = ("food.csv", "food_nutrient.csv", "nutrient.csv")


def looks_like_fdc(archive: zipfile.ZipFile) -> bool:
    """True when the zip holds FoodData Central CSV files."""
    names = {Path(n).name.lower() for n in archive.namelist()}
    return set(REQUIRED) <= names


class FDCArchive(ZipArchive):
    """A FoodData Central CSV zip opened for import."""

    source = "fdc"

    def __init__(self, path: Path, progress: ProgressCallback | None = None) -> None:
        super().__init__(path, progress, str.lower, REQUIRED, "a FoodData Central CSV archive")
        self._nutrient_numbers: dict[str, str] | None = None
        self._types: tuple[str, ...] | None = None

    def _rows(self, name: str) -> Iterator[dict[str, str]]:
        if self._has(name):
            yield from csv.DictReader(self._text_lines(name, "utf-8-sig"))

    def data_types(self) -> tuple[str, ...]:
        """The FDC data types in food.csv (e.g. `branded_food`, `foundation_food`)."""
        if self._types is None:
            self._types = tuple(
                sorted({row.get("data_type", "") for row in self._rows("food.csv")})
            )
        return self._types

    def _numbers(self) -> dict[str, str]:
        if self._nutrient_numbers is None:
            numbers = {}
            for row in self._rows("nutrient.csv"):
                nbr = (row.get("nutrient_nbr") or "").strip()
                if nbr.endswith(".0"):
                    nbr = nbr[:-2]
                numbers[row["id"]] = nbr or f"fdc:{row['id']}"
            self._nutrient_numbers = numbers
        return self._nutrient_numbers

    def nutrient_definitions(self) -> Iterator[NutrientDefinition]:
        """Nutrient number (SR number when FDC gives one), name and unit."""
        numbers = self._numbers()
        for row in self._rows("nutrient.csv"):
            yield numbers[row["id"]], row.get("name", ""), row.get("unit_name", "")

    def foods(self) -> Iterator[FoodRow]:
        """One row per food: fdcId, description, category (or branded category), brand owner."""
        categories = {r["id"]: r.get("description", "") for r in self._rows("food_category.csv")}
        branded = {
            r["fdc_id"]: (r.get("branded_food_category", ""), r.get("brand_owner", ""))
            for r in self._rows("branded_food.csv")
        }
        ndb: dict[str, str] = {}
        for name in ("sr_legacy_food.csv", "foundation_food.csv"):
            for r in self._rows(name):
                number = (r.get("NDB_number") or "").strip()
                if number.isdigit():
                    ndb[r["fdc_id"]] = number.zfill(5)
        for row in self._rows("food.csv"):
            fdc_id, description = row.get("fdc_id", ""), row.get("description", "")
            if not fdc_id or not description:
                self.skipped.skip("food.csv", "missing fdc_id or description", str(row)[:120])
                continue
            group = categories.get(row.get("food_category_id") or "", "")
            brand = ""
            if fdc_id in branded:
                group, brand = branded[fdc_id][0] or group, branded[fdc_id][1]
            yield fdc_id, description, group, brand, row.get("data_type", ""), ndb.get(fdc_id)

    def nutrient_values(self) -> Iterator[NutrientValue]:
        """Every nutrient amount (per 100 g)."""
        numbers = self._numbers()
        skip = self.skipped.skip
        for row in self._rows("food_nutrient.csv"):
            amount = parse_float(row.get("amount", ""))
            number = numbers.get(row.get("nutrient_id", ""))
            if amount is None or number is None:
                reason = "unknown nutrient" if number is None else "missing or unreadable amount"
                skip("food_nutrient.csv", reason, f"{row.get('fdc_id')} {row.get('nutrient_id')}")
                continue
            yield row["fdc_id"], number, amount

    def portions(self) -> Iterator[PortionRow]:
        """Household measures (food_portion.csv) and branded serving sizes (branded_food.csv)."""
        units = {r["id"]: r.get("name", "") for r in self._rows("measure_unit.csv")}
        for row in self._rows("food_portion.csv"):
            grams = parse_float(row.get("gram_weight", ""))
            amount = parse_float(row.get("amount", "")) or 1.0
            unit = units.get(row.get("measure_unit_id", ""), "")
            if unit in ("", "undetermined"):
                unit = row.get("portion_description") or row.get("modifier") or ""
            elif row.get("modifier"):
                unit = f"{unit}, {row['modifier']}"
            if grams is None or grams <= 0 or not unit:
                skip_text = f"{row.get('fdc_id')} {row.get('portion_description')}"
                self.skipped.skip("food_portion.csv", "missing measure or weight", skip_text)
                continue
            yield row["fdc_id"], int(parse_float(row.get("seq_num", "")) or 0), amount, unit, grams
        for row in self._rows("branded_food.csv"):
            size = parse_float(row.get("serving_size", ""))
            unit = (row.get("serving_size_unit") or "").lower()
            if size is None or size <= 0 or unit not in ("g", "ml", "grm", "mlt"):
                continue
            household = (row.get("household_serving_fulltext") or "").strip()
            label = f"serving ({household})" if household else "serving"
            yield row["fdc_id"], 0, 1.0, label, size
