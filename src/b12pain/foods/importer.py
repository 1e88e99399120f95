"""Load one archive into the food database in a single transaction.

Re-importing a source replaces that source's rows (idempotent); any error, or Ctrl-C, rolls the
whole import back so the previous data stays intact. Full-text indexes are rebuilt at the end,
inside the same transaction.
"""

from __future__ import annotations

import sqlite3
import stat
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

from b12pain.errors import InputError
from b12pain.foods import schema
from b12pain.foods._dataset import Dataset, FoodRow, NutrientValue, PortionRow, ProgressCallback
from b12pain.foods.fdc import FDCArchive, looks_like_fdc
from b12pain.foods.model import VITAMIN_B12, VITAMIN_B12_ADDED, ImportReport
from b12pain.foods.sr28 import SR28Archive, looks_like_sr28


def open_archive(path: Path, progress: ProgressCallback | None = None) -> Dataset:
    """Open an SR28 ASCII zip or a FoodData Central CSV zip; `InputError` for anything else."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise InputError.single(
            "path", str(path), "no such file; give an SR28 or FDC CSV zip"
        ) from None
    except OSError as exc:  # a name too long, a folder that cannot be looked into …
        raise InputError.single("path", str(path), f"cannot be read ({exc.strerror})") from None
    if not stat.S_ISREG(mode):  # a folder, a named pipe (never waited on) or a device
        raise InputError.single(
            "path", str(path), "not a regular file; give an SR28 or FDC CSV zip"
        )
    try:
        with zipfile.ZipFile(path) as archive:
            is_sr28, is_fdc = looks_like_sr28(archive), looks_like_fdc(archive)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        raise InputError.single("path", str(path), "not a zip file (or a damaged one)") from None
    except OSError as exc:
        raise InputError.single("path", str(path), f"cannot be read ({exc.strerror})") from None
    if is_sr28:
        return SR28Archive(path, progress)
    if is_fdc:
        return FDCArchive(path, progress)
    raise InputError.single(
        "path",
        str(path),
        "not a USDA archive: expected the SR28 ASCII files (FOOD_DES.txt, NUT_DATA.txt …) or "
        "FoodData Central CSVs (food.csv, food_nutrient.csv, nutrient.csv)",
    )


def import_dataset(conn: sqlite3.Connection, dataset: Dataset) -> ImportReport:
    """Replace `dataset`'s source rows in one transaction and rebuild the search indexes."""
    started = time.perf_counter()
    try:
        data_types = dataset.data_types()
    except BaseException:
        dataset.close()
        raise
    marks = ",".join("?" * len(data_types))
    scope = f"source = ? AND data_type IN ({marks})"
    params = (dataset.source, *data_types)
    conn.execute("BEGIN IMMEDIATE")
    try:
        old = f"SELECT food_id FROM food WHERE {scope}"
        conn.execute(f"DELETE FROM food_nutrient WHERE food_id IN ({old})", params)
        conn.execute(f"DELETE FROM portion WHERE food_id IN ({old})", params)
        conn.execute(f"DELETE FROM food WHERE {scope}", params)
        conn.executemany(
            "INSERT OR REPLACE INTO nutrient(number, name, unit) VALUES (?, ?, ?)",
            dataset.nutrient_definitions(),
        )
        food_ids: set[str] = set()
        conn.executemany(
            "INSERT INTO food(food_id, source, data_type, ndb_number, description, head,"
            " food_group, common_names) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            _food_rows(dataset, food_ids),
        )
        if not food_ids:
            raise _would_empty(dataset, dataset.foods_file, "no foods")
        values = conn.executemany(
            "INSERT OR REPLACE INTO food_nutrient(food_id, number, per_100g) VALUES (?, ?, ?)",
            _known(dataset.nutrient_values(), food_ids, dataset, "nutrient value"),
        ).rowcount
        if values <= 0:
            raise _would_empty(dataset, dataset.values_file, "no nutrient values")
        portions = conn.executemany(
            "INSERT INTO portion(food_id, seq, amount, unit, grams) VALUES (?, ?, ?, ?, ?)",
            _known(dataset.portions(), food_ids, dataset, "portion"),
        ).rowcount
        conn.execute(
            f"UPDATE food SET"
            f" b12_ug = (SELECT per_100g FROM food_nutrient n"
            f"           WHERE n.food_id = food.food_id AND n.number = '{VITAMIN_B12}'),"
            f" b12_added_ug = (SELECT per_100g FROM food_nutrient n"
            f"           WHERE n.food_id = food.food_id AND n.number = '{VITAMIN_B12_ADDED}')"
            f" WHERE {scope}",
            params,
        )
        with_b12 = conn.execute(
            f"SELECT count(*) FROM food WHERE {scope} AND b12_ug IS NOT NULL", params
        ).fetchone()[0]
        schema.finish(conn)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    finally:
        dataset.close()
    return ImportReport(
        source=dataset.source,
        data_types=data_types,
        foods=len(food_ids),
        nutrient_values=max(values, 0),
        portions=max(portions, 0),
        foods_with_b12=with_b12,
        skipped=dataset.skipped.report(),
        seconds=round(time.perf_counter() - started, 3),
    )


def _would_empty(dataset: Dataset, member: str, what: str) -> InputError:
    """Refuse an archive that would replace the earlier import with nothing."""
    return InputError.single(
        "path",
        str(dataset.path),
        f"{member} holds {what} b12pain can use, so importing it would empty the food "
        f"database; nothing was changed (any earlier {dataset.source} import is kept)",
    )


def _food_rows(dataset: Dataset, seen: set[str]) -> Iterator[tuple[object, ...]]:
    source = dataset.source
    for row in dataset.foods():
        food_id: str = row[0]
        if food_id in seen:
            dataset.skipped.skip("foods", "duplicate food id", food_id)
            continue
        seen.add(food_id)
        yield _food_params(source, row)


def _food_params(source: str, row: FoodRow) -> tuple[object, ...]:
    food_id, description, group, common, data_type, ndb = row
    return (
        food_id,
        source,
        data_type,
        ndb,
        description,
        schema.head_of(description),
        group,
        common,
    )


def _known(
    rows: Iterator[NutrientValue] | Iterator[PortionRow],
    food_ids: set[str],
    dataset: Dataset,
    what: str,
) -> Iterator[tuple[object, ...]]:
    for row in rows:
        if row[0] in food_ids:
            yield row
        else:
            dataset.skipped.skip(what + "s", f"{what} for a food not in the archive", row[0])
