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
    MAX_TEXT_FIELD,
    FoodRow,
    NutrientDefinition,
    NutrientValue,
    PortionRow,
    ProgressCallback,
    ZipArchive,
    archive_problem,
    finite_amount,
    parse_float,
)

REQUIRED = ("food.csv", "food_nutrient.csv", "nutrient.csv")
#: The columns b12pain reads from each file; a file without them is refused by name.
COLUMNS = {
    "food.csv": ("fdc_id", "data_type", "description"),
    "food_nutrient.csv": ("fdc_id", "nutrient_id", "amount"),
    "nutrient.csv": ("id", "name", "unit_name"),
    "food_portion.csv": ("fdc_id", "gram_weight"),
    "measure_unit.csv": ("id", "name"),
    "food_category.csv": ("id", "description"),
    "branded_food.csv": ("fdc_id",),
    "sr_legacy_food.csv": ("fdc_id", "NDB_number"),
    "foundation_food.csv": ("fdc_id", "NDB_number"),
}


def looks_like_fdc(archive: zipfile.ZipFile) -> bool:
    """True when the zip holds FoodData Central CSV files."""
    names = {Path(n).name.lower() for n in archive.namelist()}
    return set(REQUIRED) <= names


class FDCArchive(ZipArchive):
    """A FoodData Central CSV zip opened for import."""

    source = "fdc"
    foods_file = "food.csv"
    values_file = "food_nutrient.csv"

    def __init__(self, path: Path, progress: ProgressCallback | None = None) -> None:
        super().__init__(path, progress, str.lower, REQUIRED, "a FoodData Central CSV archive")
        self._nutrient_numbers: dict[str, str] | None = None
        self._types: tuple[str, ...] | None = None

    def _rows(self, name: str) -> Iterator[dict[str, str]]:
        if self._has(name):
            reader = csv.DictReader(self._text_lines(name, "utf-8-sig"))
            yield from self._csv(name, self._with_columns(name, reader), reader)

    def _with_columns(self, name: str, reader: csv.DictReader[str]) -> Iterator[dict[str, str]]:
        """The rows, after checking the header names every column b12pain reads."""
        wanted = COLUMNS.get(name, ())
        header = reader.fieldnames or []
        missing = [c for c in wanted if c not in header]
        if missing:
            raise archive_problem(
                self.path,
                self._names[self._fold(name)],
                f"missing column(s) {', '.join(missing)}; a FoodData Central {name} has a header "
                f"row naming {', '.join(wanted)}",
            )
        for row in reader:
            yield {k: v if isinstance(v, str) else "" for k, v in row.items() if k is not None}

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
            if len(description) > MAX_TEXT_FIELD:
                self.skipped.skip(
                    "food.csv", f"text longer than {MAX_TEXT_FIELD} characters", fdc_id
                )
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
        member = self._names["food_nutrient.csv"]
        for line, row in enumerate(self._rows("food_nutrient.csv"), start=2):
            amount = finite_amount(self.path, member, line, "amount", row.get("amount", ""))
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
