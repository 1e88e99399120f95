"""The food database's SQLite schema: foods, nutrients per 100 g, portions, and two FTS5 indexes.

`food_fts` (unicode61 words, BM25) answers normal and prefix queries; `food_trigram` (trigram
tokenizer) is the typo fallback. Both are external-content indexes over `food`, rebuilt after
each import. `head` is the first comma-separated part of the description ("Milk" in "Milk,
whole, …"), indexed with a high weight so the plain food ranks first. `shadowed` hides a starter
row once an import holds the same USDA record; `staple` marks the imported record a starter row
names (the plain form of a common food), which search ranks first among equals.
"""

from __future__ import annotations

import sqlite3

SCHEMA_VERSION = 1

DDL = """
CREATE TABLE IF NOT EXISTS food (
    rowid INTEGER PRIMARY KEY,
    food_id TEXT NOT NULL UNIQUE,
    source TEXT NOT NULL,
    data_type TEXT NOT NULL,
    ndb_number TEXT,
    description TEXT NOT NULL,
    head TEXT NOT NULL,
    food_group TEXT NOT NULL DEFAULT '',
    common_names TEXT NOT NULL DEFAULT '',
    b12_ug REAL,
    b12_added_ug REAL,
    citation TEXT,
    shadowed INTEGER NOT NULL DEFAULT 0,
    staple INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS food_source ON food(source, data_type);
CREATE INDEX IF NOT EXISTS food_b12 ON food(b12_ug);
CREATE INDEX IF NOT EXISTS food_staple ON food(staple) WHERE staple = 1;
CREATE TABLE IF NOT EXISTS nutrient (
    number TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    unit TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS food_nutrient (
    food_id TEXT NOT NULL,
    number TEXT NOT NULL,
    per_100g REAL NOT NULL,
    PRIMARY KEY (food_id, number)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS portion (
    food_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    amount REAL NOT NULL,
    unit TEXT NOT NULL,
    grams REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS portion_food ON portion(food_id);
CREATE VIRTUAL TABLE IF NOT EXISTS food_fts USING fts5(
    head, description, common_names, food_group,
    content='food', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2',
    prefix='2 3'
);
CREATE VIRTUAL TABLE IF NOT EXISTS food_trigram USING fts5(
    description, content='food', content_rowid='rowid', tokenize='trigram'
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


def connect(path: str) -> sqlite3.Connection:
    """Open the database with the settings the importer and search rely on."""
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA foreign_keys=OFF")
    conn.execute("PRAGMA cache_size=-65536")
    conn.execute("PRAGMA temp_store=MEMORY")
    return conn


def create(conn: sqlite3.Connection) -> None:
    """Create the tables if they are missing (idempotent)."""
    conn.executescript(DDL)
    conn.execute(
        "INSERT OR IGNORE INTO meta(key, value) VALUES ('schema_version', ?)",
        (str(SCHEMA_VERSION),),
    )


def rebuild_indexes(conn: sqlite3.Connection) -> None:
    """Rebuild both full-text indexes from `food` (inside the caller's transaction)."""
    conn.execute("INSERT INTO food_fts(food_fts) VALUES ('rebuild')")
    conn.execute("INSERT INTO food_trigram(food_trigram) VALUES ('rebuild')")


def head_of(description: str) -> str:
    """The first comma-separated part of a description, e.g. `Milk` of `Milk, whole, …`."""
    return description.split(",", 1)[0].strip()
