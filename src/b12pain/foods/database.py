"""`FoodDatabase`: the one door to the food database (its own SQLite file in the data directory).

Open it, import USDA archives into it, search it, look a food up, and weigh an amount typed by a
person. The starter table is loaded on first open, so search works before any import.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from b12pain.errors import InputError, Problem
from b12pain.foods import schema
from b12pain.foods import search as _search
from b12pain.foods._dataset import ProgressCallback
from b12pain.foods.diets import DIET_GROUPS, FORTIFIED_ONLY
from b12pain.foods.model import Food, ImportReport, MeasuredFood, NutrientAmount, Portion, SearchHit
from b12pain.foods.portions import choose_portion, parse_amount
from b12pain.foods.starter import load_starter

if TYPE_CHECKING:
    from b12pain.foods.phrases import PhraseMatch

FILE_NAME = "foods.sqlite"


def default_path() -> Path:
    """`foods.sqlite` in the b12pain data directory (`B12PAIN_DATA_DIR`)."""
    from b12pain.paths import data_dir

    return data_dir() / FILE_NAME


class FoodDatabase:
    """The food database: USDA imports plus the shipped starter table, with search and portions."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self.conn = conn
        self.path = path

    @classmethod
    def open(cls, path: Path | str | None = None) -> FoodDatabase:
        """Open (creating if needed) the food database; loads the starter table on first use."""
        from b12pain.privacy import ensure_private_file, private_dir
        from b12pain.userfile import usable_folder

        if path is None:  # the data folder: private (0700), whatever the umask
            target = usable_folder(default_path, "B12PAIN_DATA_DIR")
            usable_folder(lambda: private_dir(target.parent), "data_dir")
        else:
            target = Path(path)
            usable_folder(lambda: _created(target.parent), "data_dir")
        conn: sqlite3.Connection | None = None
        try:
            ensure_private_file(target)  # 0600; SQLite gives its -wal and -shm files that mode
            conn = schema.connect(str(target))
            schema.create(conn)
            load_starter(conn)
        except (sqlite3.DatabaseError, OSError) as exc:  # not a food database, or unreadable
            if conn is not None:
                conn.close()
            raise InputError.single(
                "food database", str(target), f"cannot be opened ({exc}); move it away to rebuild"
            ) from None
        return cls(conn, target)

    def close(self) -> None:
        """Close the connection."""
        self.conn.close()

    def __enter__(self) -> FoodDatabase:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # -- import -----------------------------------------------------------------------------
    def import_archive(
        self, archive: Path | str, progress: ProgressCallback | None = None
    ) -> ImportReport:
        """Import an SR28 ASCII zip or an FDC CSV zip, replacing that source's previous rows."""
        from b12pain.foods.importer import import_dataset, open_archive

        dataset = open_archive(Path(archive), progress)
        return import_dataset(self.conn, dataset)

    def counts(self) -> dict[str, dict[str, int]]:
        """Foods and foods with a B12 value, per source."""
        rows = self.conn.execute(
            "SELECT source, count(*), count(b12_ug) FROM food GROUP BY source ORDER BY source"
        )
        return {source: {"foods": n, "with_b12": b} for source, n, b in rows}

    # -- search -----------------------------------------------------------------------------
    def search(
        self,
        text: str,
        *,
        limit: int = 20,
        group: str | None = None,
        min_b12_ug: float | None = None,
        data_type: str | None = None,
        source: str | None = None,
    ) -> list[SearchHit]:
        """Foods matching `text`, plain foods first (see `foods.search`).

        `InputError` for a limit outside 1–1000, a B12 minimum that is not a number from 0 to
        100000 µg, or a data type the database does not hold (each names what is allowed).
        """
        problems = _check_limit(limit)
        if min_b12_ug is not None and not 0 <= min_b12_ug <= MAX_B12_PER_100G:
            problems.append(
                Problem("min_b12", min_b12_ug, f"a number from 0 to {MAX_B12_PER_100G:g} µg")
            )
        if data_type is not None:
            held = {r[0] for r in self.conn.execute("SELECT DISTINCT data_type FROM food")}
            known = held | set(DATA_TYPES)
            if data_type not in known:
                problems.append(Problem("type", data_type, f"one of {', '.join(sorted(known))}"))
        if problems:
            raise InputError(problems)
        filters = _search.Filters(group, min_b12_ug, data_type, source)
        return _search.search(self.conn, text, limit, filters)

    def richest_sources(self, diet: str = "omnivore", limit: int = 10) -> list[SearchHit]:
        """Foods richest in B12 per 100 g that fit a diet pattern; vegan → fortified plant foods."""
        problems = _check_limit(limit)
        diet = diet.strip().lower()
        if diet not in DIET_GROUPS:
            problems.append(Problem("diet", diet, f"one of {', '.join(DIET_GROUPS)}"))
        if problems:
            raise InputError(problems)
        clauses: list[str] = ["shadowed = 0", "b12_ug > 0"]
        params: list[object] = []
        groups = DIET_GROUPS[diet]
        if groups is not None:
            clauses.append(f"food_group IN ({','.join('?' * len(groups))})")
            params.extend(groups)
        if diet in FORTIFIED_ONLY:
            clauses.append("b12_added_ug > 0 AND b12_ug - b12_added_ug <= 0.05")
        rows = self.conn.execute(
            "SELECT food_id, description, head, food_group, data_type, b12_ug, b12_added_ug, 0"
            f" FROM food WHERE {' AND '.join(clauses)} ORDER BY b12_ug DESC LIMIT ?",
            [*params, limit],
        ).fetchall()
        return [_search._hit(row, "richest source") for row in rows]

    # -- one food ---------------------------------------------------------------------------
    def get(self, food_id: str) -> Food:
        """The food with this id (NDB number, fdcId or starter id); `InputError` if unknown."""
        key = str(food_id).strip()
        row = self.conn.execute(
            "SELECT food_id, description, food_group, common_names, source, data_type,"
            " ndb_number, b12_ug, b12_added_ug, citation FROM food WHERE food_id = ?",
            (key,),
        ).fetchone()
        if row is None and key.isdigit() and len(key) < 5:
            return self.get(key.zfill(5))
        if row is None:
            raise InputError.single(
                "food_id", food_id, "no such food; find one with `b12pain foods search`"
            )
        nutrients = tuple(
            NutrientAmount(number=n, name=name, unit=unit, per_100g=value)
            for n, name, unit, value in self.conn.execute(
                "SELECT fn.number, coalesce(n.name, fn.number), coalesce(n.unit, ''), fn.per_100g"
                " FROM food_nutrient fn LEFT JOIN nutrient n ON n.number = fn.number"
                " WHERE fn.food_id = ? ORDER BY CAST(fn.number AS INTEGER)",
                (row[0],),
            )
        )
        return Food(
            food_id=row[0],
            description=row[1],
            food_group=row[2],
            common_names=row[3],
            source=row[4],
            data_type=row[5],
            ndb_number=row[6],
            b12_ug=row[7],
            b12_added_ug=row[8],
            citation=row[9],
            nutrients=nutrients,
            portions=self.portions(row[0]),
        )

    def food_id_for_ndb(self, ndb_number: str) -> str | None:
        """The food holding this USDA SR record: an imported one before the starter row."""
        row = self.conn.execute(
            "SELECT food_id FROM food WHERE ndb_number = ?"
            " ORDER BY shadowed, source = 'starter', rowid LIMIT 1",
            (ndb_number,),
        ).fetchone()
        return None if row is None else str(row[0])

    def portions(self, food_id: str) -> tuple[Portion, ...]:
        """The household portions of a food, in the source's order."""
        return tuple(
            Portion(amount=a, unit=u, grams=g)
            for a, u, g in self.conn.execute(
                "SELECT amount, unit, grams FROM portion WHERE food_id = ? ORDER BY seq, rowid",
                (food_id,),
            )
        )

    def match_phrase(self, text: str, *, food_id: str | None = None) -> PhraseMatch:
        """What a food phrase in people's words means ("2 slices toast"); see `foods.phrases`."""
        from b12pain.foods.phrases import match_phrase

        return match_phrase(self, text, food_id=food_id)

    def measure(self, amount_text: str, food_id: str | None = None) -> MeasuredFood:
        """Weigh "2 eggs" / "150 g salmon" (food found by search) or "1/2 cup" of `food_id`."""
        parsed = parse_amount(amount_text)
        if food_id is None:
            if not parsed.food_text:
                raise InputError.single(
                    "amount", amount_text, 'name the food, e.g. "1 cup milk", or choose one first'
                )
            hits = self.search(parsed.food_text, limit=1)
            if not hits:
                raise InputError.single(
                    "amount", amount_text, f"no food matches {parsed.food_text!r}"
                )
            food_id = hits[0].food_id
        food = self.get(food_id)
        grams, portion = choose_portion(parsed, food.portions, food.description)
        b12 = None if food.b12_ug is None else round(food.b12_ug * grams / 100, 4)
        added = None if food.b12_added_ug is None else round(food.b12_added_ug * grams / 100, 4)
        return MeasuredFood(
            food_id=food.food_id,
            description=food.description,
            grams=grams,
            b12_ug=b12,
            b12_added_ug=added,
            amount_text=amount_text,
            portion=portion,
        )


#: Data types b12pain's importers write (SR28, the starter set, FoodData Central's own).
DATA_TYPES = (
    "sr28",
    "b12pain_starter",
    "branded_food",
    "foundation_food",
    "sr_legacy_food",
    "survey_fndds_food",
    "experimental_food",
)

#: No food holds more B12 than this per 100 g (a bound for search filters, not a food value).
MAX_B12_PER_100G = 100_000.0


def _check_limit(limit: int) -> list[Problem]:
    """The problem with a result limit outside 1–1000, if any."""
    return [] if 1 <= limit <= 1000 else [Problem("limit", limit, "between 1 and 1000")]


def _created(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return folder
