"""The food database's SQLite schema: foods, nutrients per 100 g, portions, full-text indexes.

`food_fts` (unicode61 words) answers word and prefix queries; `term_trigram` indexes the words of
that index by trigram, to correct typos. After every import `finish` renumbers `food` so the
plainest foods come first in rowid order (generic before branded, staples first, then fewest
qualifiers and shortest description): a common word's first matches in rowid order are then
its plainest foods, so search can take a small candidate pool without ranking every match.
`head` is the first comma-separated part of the description ("Milk" in "Milk, whole, …").
`shadowed` hides a starter row once an import holds the same USDA record; `staple` marks the
imported record a starter row names (the plain form of a common food).
"""

from __future__ import annotations

import sqlite3

SCHEMA_VERSION = 2

_FOOD_COLUMNS = """
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
"""
_COPY = (
    "food_id, source, data_type, ndb_number, description, head, food_group, common_names,"
    " b12_ug, b12_added_ug, citation, shadowed, staple"
)
_FOOD_INDEXES = """
CREATE INDEX IF NOT EXISTS food_source ON food(source, data_type);
CREATE INDEX IF NOT EXISTS food_b12 ON food(b12_ug);
CREATE INDEX IF NOT EXISTS food_staple ON food(staple) WHERE staple = 1;
CREATE INDEX IF NOT EXISTS food_ndb ON food(ndb_number) WHERE ndb_number IS NOT NULL;
"""
#: Static "plainness" order of rowids (see the module docstring).
_PLAIN_ORDER = (
    "data_type LIKE 'branded%', staple = 0, shadowed,"
    " length(description) - length(replace(description, ',', '')), length(description), food_id"
)

DDL = f"""
CREATE TABLE IF NOT EXISTS food ({_FOOD_COLUMNS});
{_FOOD_INDEXES}
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
CREATE VIRTUAL TABLE IF NOT EXISTS food_terms USING fts5vocab(food_fts, 'row');
CREATE VIRTUAL TABLE IF NOT EXISTS term_trigram USING fts5(term, tokenize='trigram');
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
    """Create the tables if missing; a database of an older schema is emptied and rebuilt.

    The food database holds only data that can be re-imported (USDA archives, starter table),
    never anything a person typed, so rebuilding is safe.
    """
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if "meta" in tables:
        row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        if row is None or row[0] != str(SCHEMA_VERSION):
            for name in (
                "food_terms",
                "term_trigram",
                "food_trigram",
                "food_fts",
                "meta",
                "portion",
                "food_nutrient",
                "nutrient",
                "food",
            ):
                conn.execute(f"DROP TABLE IF EXISTS {name}")
    conn.executescript(DDL)
    conn.execute(
        "INSERT OR IGNORE INTO meta(key, value) VALUES ('schema_version', ?)",
        (str(SCHEMA_VERSION),),
    )


def finish(conn: sqlite3.Connection) -> None:
    """After an import (inside its transaction): shadowing, plainness order, search indexes."""
    conn.execute(
        "UPDATE food SET staple = coalesce(source != 'starter' AND ndb_number IN"
        " (SELECT ndb_number FROM food WHERE source = 'starter' AND ndb_number IS NOT NULL), 0)"
    )
    conn.execute(
        "UPDATE food SET shadowed = coalesce(source = 'starter' AND ndb_number IN"
        " (SELECT ndb_number FROM food WHERE source != 'starter' AND ndb_number IS NOT NULL), 0)"
    )
    conn.execute("DROP TABLE IF EXISTS food_sorted")
    conn.execute(f"CREATE TABLE food_sorted ({_FOOD_COLUMNS})")
    conn.execute(
        f"INSERT INTO food_sorted({_COPY}) SELECT {_COPY} FROM food ORDER BY {_PLAIN_ORDER}"
    )
    conn.execute("DROP TABLE food")
    conn.execute("ALTER TABLE food_sorted RENAME TO food")
    for statement in _FOOD_INDEXES.strip().splitlines():
        conn.execute(statement)
    conn.execute("INSERT INTO food_fts(food_fts) VALUES ('rebuild')")
    conn.execute("DELETE FROM term_trigram")
    conn.execute(
        "INSERT INTO term_trigram(term) SELECT term FROM food_terms"
        " WHERE length(term) >= 3 AND term GLOB '*[a-z]*'"
    )


def head_of(description: str) -> str:
    """The first comma-separated part of a description, e.g. `Milk` of `Milk, whole, …`."""
    return description.split(",", 1)[0].strip()
