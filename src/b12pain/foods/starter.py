"""The starter table that ships in the package: a few dozen cited foods, loaded on first use."""

from __future__ import annotations

import hashlib
import sqlite3
from importlib import resources
from typing import Any

import yaml

from b12pain.foods import schema

SOURCE = "starter"
DATA_TYPE = "b12pain_starter"
_TEXT = resources.files("b12pain.foods") / "data" / "starter.yaml"


def starter_text() -> str:
    """The starter table's YAML text."""
    return _TEXT.read_text(encoding="utf-8")


def starter_foods() -> list[dict[str, Any]]:
    """The starter rows as written in `starter.yaml`."""
    rows: list[dict[str, Any]] = yaml.safe_load(starter_text())["foods"]
    return rows


def food_id(row: dict[str, Any]) -> str:
    """`starter-<key>` when the row has a key (kept stable once shipped), else `starter-<NDB>`."""
    if row.get("key"):
        return f"starter-{row['key']}"
    return f"starter-{row['ndb']}"


def citation(row: dict[str, Any]) -> str:
    """Where the row's values come from, shown with the food."""
    basis = {
        "ods-t2": "NIH ODS Vitamin B12 fact sheet, Table 2",
        "b12pain-estimate": "b12pain estimate",
        "ods-plant": "NIH ODS QuickFacts: plant foods have no vitamin B12 unless fortified",
    }[row["basis"]]
    record = f"USDA SR NDB {row['ndb']}" if row.get("ndb") else "no USDA SR record"
    note = f"; {row['note']}" if row.get("note") else ""
    return f"{basis} ({record}){note}"


def version() -> str:
    """A short hash of the starter file, stored in the database to reload it when it changes."""
    return hashlib.sha256(starter_text().encode()).hexdigest()[:16]


def load_starter(conn: sqlite3.Connection) -> None:
    """Replace the starter rows with the shipped table, in one transaction (no-op if current)."""
    row = conn.execute("SELECT value FROM meta WHERE key = 'starter_version'").fetchone()
    if row and row[0] == version():
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        old = "SELECT food_id FROM food WHERE source = 'starter'"
        conn.execute(f"DELETE FROM food_nutrient WHERE food_id IN ({old})")
        conn.execute(f"DELETE FROM portion WHERE food_id IN ({old})")
        conn.execute("DELETE FROM food WHERE source = 'starter'")
        for nutrient in (("418", "Vitamin B-12", "µg"), ("578", "Vitamin B-12, added", "µg")):
            conn.execute(
                "INSERT OR IGNORE INTO nutrient(number, name, unit) VALUES (?, ?, ?)", nutrient
            )
        for food in starter_foods():
            fid = food_id(food)
            conn.execute(
                "INSERT INTO food(food_id, source, data_type, ndb_number, description, head,"
                " food_group, common_names, b12_ug, b12_added_ug, citation)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    fid,
                    SOURCE,
                    DATA_TYPE,
                    food.get("ndb"),
                    food["description"],
                    schema.head_of(food["description"]),
                    food["group"],
                    food.get("common", ""),
                    food.get("b12"),
                    food.get("added"),
                    citation(food),
                ),
            )
            for number, key in (("418", "b12"), ("578", "added")):
                if food.get(key) is not None:
                    conn.execute(
                        "INSERT INTO food_nutrient(food_id, number, per_100g) VALUES (?, ?, ?)",
                        (fid, number, food[key]),
                    )
            for seq, (amount, unit, grams) in enumerate(food.get("portions") or [], start=1):
                conn.execute(
                    "INSERT INTO portion(food_id, seq, amount, unit, grams) VALUES (?, ?, ?, ?, ?)",
                    (fid, seq, amount, unit, grams),
                )
        schema.finish(conn)
        conn.execute(
            "INSERT OR REPLACE INTO meta(key, value) VALUES ('starter_version', ?)", (version(),)
        )
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
