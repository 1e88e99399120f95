"""Reader for the USDA SR28 / SR Legacy ASCII archive (caret-separated, tilde-quoted, Latin-1, CRLF).

The layout is USDA's (see ../shared/data/usda-sr28/README.md): FOOD_DES, FD_GROUP, NUTR_DEF,
NUT_DATA and WEIGHT are read; nutrient values are per 100 g edible portion.
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

DATA_TYPE = "sr28"
REQUIRED = ("FOOD_DES.txt", "FD_GROUP.txt", "NUTR_DEF.txt", "NUT_DATA.txt", "WEIGHT.txt")
#: The fields b12pain reads from each file (USDA SR28 documentation, chapter 2): a first line with
#: fewer is refused (the file is not in SR layout); later short lines are skipped and reported.
FIELDS = {
    "FOOD_DES.txt": ("NDB_No", "FdGrp_Cd", "Long_Desc", "Shrt_Desc", "ComName"),
    "FD_GROUP.txt": ("FdGrp_Cd", "FdGrp_Desc"),
    "NUTR_DEF.txt": ("Nutr_No", "Units", "Tagname", "NutrDesc"),
    "NUT_DATA.txt": ("NDB_No", "Nutr_No", "Nutr_Val"),
    "WEIGHT.txt": ("NDB_No", "Seq", "Amount", "Msre_Desc", "Gm_Wgt"),
}


def looks_like_sr28(archive: zipfile.ZipFile) -> bool:
    """True when the zip holds the SR ASCII files."""
    names = {Path(n).name.upper() for n in archive.namelist()}
    return {r.upper() for r in REQUIRED} <= names


class SR28Archive(ZipArchive):
    """An SR28 ASCII zip opened for import."""

    source = "sr28"
    foods_file = "FOOD_DES.txt"
    values_file = "NUT_DATA.txt"

    def __init__(self, path: Path, progress: ProgressCallback | None = None) -> None:
        super().__init__(path, progress, str.upper, REQUIRED, "an SR28 ASCII archive")

    def data_types(self) -> tuple[str, ...]:
        """SR28 holds one data type."""
        return (DATA_TYPE,)

    def _rows(self, name: str) -> Iterator[list[str]]:
        reader = csv.reader(self._text_lines(name, "latin-1"), delimiter="^", quotechar="~")
        yield from self._csv(name, self._laid_out(name, reader), reader)

    def _laid_out(self, name: str, reader: Iterator[list[str]]) -> Iterator[list[str]]:
        """The rows, after checking that the first one has the fields b12pain reads."""
        fields = FIELDS[name]
        for number, row in enumerate(reader):
            if number == 0 and len(row) < len(fields):
                raise archive_problem(
                    self.path,
                    self._names[self._fold(name)],
                    f"line 1 has {len(row)} field(s); an SR28 {name} line has at least "
                    f"{len(fields)}: {'^'.join(fields)} (caret-separated, ~text~)",
                )
            yield row

    def _groups(self) -> dict[str, str]:
        return {row[0]: row[1] for row in self._rows("FD_GROUP.txt") if len(row) >= 2}

    def nutrient_definitions(self) -> Iterator[NutrientDefinition]:
        """Nutrient number, name and unit (µg spelled as in the file, Latin-1 decoded)."""
        for row in self._rows("NUTR_DEF.txt"):
            if len(row) < 4 or not row[0]:
                self.skipped.skip("NUTR_DEF.txt", "too few fields", "^".join(row))
                continue
            yield row[0], row[3], row[1]

    def foods(self) -> Iterator[FoodRow]:
        """One row per food: NDB number, description, food group, common names."""
        groups = self._groups()
        for row in self._rows("FOOD_DES.txt"):
            if len(row) < 5 or not row[0] or not row[2]:
                self.skipped.skip(
                    "FOOD_DES.txt", "missing NDB number or description", "^".join(row)
                )
                continue
            if max(len(row[2]), len(row[4])) > MAX_TEXT_FIELD:
                self.skipped.skip(
                    "FOOD_DES.txt", f"text longer than {MAX_TEXT_FIELD} characters", row[0]
                )
                continue
            ndb = row[0]
            group = groups.get(row[1], "")
            if not group:
                self.skipped.skip("FOOD_DES.txt", f"unknown food group {row[1]!r} (kept)", ndb)
            yield ndb, row[2], group, row[4], DATA_TYPE, ndb

    def nutrient_values(self) -> Iterator[NutrientValue]:
        """Every nutrient value (per 100 g) of every food."""
        skip = self.skipped.skip
        member = self._names["NUT_DATA.TXT"]
        for line, row in enumerate(self._rows("NUT_DATA.txt"), start=1):
            value = (
                finite_amount(self.path, member, line, "Nutr_Val", row[2])
                if len(row) >= 3
                else None
            )
            if value is None:
                skip("NUT_DATA.txt", "missing or unreadable value", "^".join(row[:3]))
                continue
            yield row[0], row[1], value

    def portions(self) -> Iterator[PortionRow]:
        """Every household measure (WEIGHT.txt)."""
        for row in self._rows("WEIGHT.txt"):
            amount = parse_float(row[2]) if len(row) > 4 else None
            grams = parse_float(row[4]) if len(row) > 4 else None
            if amount is None or grams is None or amount <= 0 or grams <= 0 or not row[3]:
                self.skipped.skip("WEIGHT.txt", "missing amount, measure or weight", "^".join(row))
                continue
            yield row[0], int(row[1] or 0), amount, row[3], grams
