"""Checking an input table before screening: required columns, values of the expected type,
plausible dates; and turning an engine's failure to read a file into a clean `InputError`.

What a site's analyst sees is the table, the column and the format expected, with a count of
rows that do not fit. Never a cell value: the engines' own messages quote the offending line
("Original Line: …"), which is patient data, so they are never passed on.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from b12pain.errors import InputError, Problem

Kind = Literal["id", "int", "number", "date", "text"]

#: What each kind of column must hold, as said to the person whose file it is.
EXPECTED = {
    "id": "an integer id",
    "int": "a whole number",
    "number": "a number",
    "date": "a date as YYYY-MM-DD (years 1800-2199)",
    "text": "text",
}

#: DuckDB types a column of each kind may already have (text is checked value by value).
NATIVE = {
    "id": (
        "BIGINT",
        "INTEGER",
        "HUGEINT",
        "SMALLINT",
        "TINYINT",
        "UBIGINT",
        "UINTEGER",
        "USMALLINT",
        "UTINYINT",
        "DECIMAL",
    ),
    "int": (
        "BIGINT",
        "INTEGER",
        "HUGEINT",
        "SMALLINT",
        "TINYINT",
        "UBIGINT",
        "UINTEGER",
        "USMALLINT",
        "UTINYINT",
        "DECIMAL",
        "DOUBLE",
        "FLOAT",
    ),
    "number": (
        "BIGINT",
        "INTEGER",
        "HUGEINT",
        "SMALLINT",
        "TINYINT",
        "UBIGINT",
        "UINTEGER",
        "DECIMAL",
        "DOUBLE",
        "FLOAT",
    ),
    "date": (
        "DATE",
        "TIMESTAMP",
        "TIMESTAMP WITH TIME ZONE",
        "TIMESTAMP_NS",
        "TIMESTAMP_MS",
        "TIMESTAMP_S",
    ),
    "text": (),
}

#: SQL type each kind is stored as once checked.
SQL_TYPE = {"id": "BIGINT", "int": "INTEGER", "number": "DOUBLE", "date": "DATE", "text": "VARCHAR"}

EARLIEST, LATEST = "1800-01-01", "2199-12-31"


@dataclass(frozen=True)
class Column:
    """A column the screener reads: its name, kind, and whether the table must have it."""

    name: str
    kind: Kind
    required: bool = True


def _is_text(duck_type: str) -> bool:
    return duck_type.upper() in ("VARCHAR", "BLOB") or duck_type.upper().startswith("VARCHAR")


def _native(kind: Kind, duck_type: str) -> bool:
    base = duck_type.upper().split("(")[0]
    return kind == "text" or base in NATIVE[kind]


def typed_sql(column: Column, present: dict[str, str]) -> str:
    """The column as its SQL type (text cleaned of blanks), or a typed NULL when absent."""
    sql_type = SQL_TYPE[column.kind]
    actual = present.get(column.name)
    if actual is None:
        return f"CAST(NULL AS {sql_type}) AS {column.name}"
    quoted = f'"{column.name}"'
    if column.kind == "text":
        return f"nullif(trim(CAST({quoted} AS VARCHAR)), '') AS {column.name}"
    if _is_text(actual):
        return f"try_cast(nullif(trim({quoted}), '') AS {sql_type}) AS {column.name}"
    return f"CAST({quoted} AS {sql_type}) AS {column.name}"


def _bad_values_sql(column: Column, actual: str) -> str | None:
    """SQL counting the rows whose value does not fit the column's kind (None: nothing to check)."""
    quoted = f'"{column.name}"'
    if column.kind == "text" or not _is_text(actual):
        return None
    value = f"nullif(trim({quoted}), '')"
    parsed = f"try_cast({value} AS {SQL_TYPE[column.kind]})"
    bad = f"{value} IS NOT NULL AND {parsed} IS NULL"
    if column.kind == "date":
        bad = f"({bad}) OR {parsed} < DATE '{EARLIEST}' OR {parsed} > DATE '{LATEST}'"
    return f"count(*) FILTER (WHERE {bad})"


def check_table(
    con: Any, relation: str, table: str, columns: tuple[Column, ...], origin: str
) -> dict[str, str]:
    """Check `relation` (a DuckDB relation holding OMOP table `table`, read from `origin`);
    return its column names (lower case) and DuckDB types. Raise `InputError` naming the table,
    the column and the format expected for every missing column and every column with values
    that do not fit; the values themselves are never quoted."""
    with reading(table, origin):
        described = con.execute(f"DESCRIBE SELECT * FROM {relation}").fetchall()
    present = {str(row[0]).lower(): str(row[1]) for row in described}
    problems = [
        Problem(
            f"{table}.{c.name}",
            origin,
            f"column missing; table {table} needs {', '.join(x.name for x in columns if x.required)}",
        )
        for c in columns
        if c.required and c.name not in present
    ]
    wrong_type = [
        Problem(
            f"{table}.{c.name}",
            origin,
            f"column is stored as {present[c.name]}; expected {EXPECTED[c.kind]}",
        )
        for c in columns
        if c.name in present
        and not _is_text(present[c.name])
        and not _native(c.kind, present[c.name])
    ]
    problems += wrong_type
    checks = {
        c.name: sql
        for c in columns
        if c.name in present and (sql := _bad_values_sql(c, present[c.name])) is not None
    }
    if checks and not problems:
        names = list(checks)
        with reading(table, origin):
            counts = con.execute(
                f"SELECT {', '.join(checks[n] for n in names)} FROM {relation}"
            ).fetchall()[0]
        kinds = {c.name: c.kind for c in columns}
        for name, count in zip(names, counts, strict=True):
            if count:
                rows = "1 row does" if count == 1 else f"{count} rows do"
                problems.append(
                    Problem(
                        f"{table}.{name}",
                        origin,
                        f"{rows} not hold {EXPECTED[kinds[name]]} (values not shown: patient data)",
                    )
                )
    if problems:
        raise InputError(problems)
    return present


def regular_file(path: Path, table: str) -> Path:
    """`path` if it is a regular file; a named pipe, a device or a socket would hang or
    mislead the reader, so it is refused, naming the table."""
    import stat

    try:
        mode = path.stat().st_mode
    except OSError:
        raise InputError.single(
            table, str(path), "cannot be read (missing or no permission)"
        ) from None
    if not stat.S_ISREG(mode):
        raise InputError.single(table, str(path), "not a regular file (a pipe, device or socket?)")
    return path


_LINE = re.compile(r"(?i)\bline:? (\d+)")
_COLUMNS = re.compile(r"Expected Number of Columns: (\d+) Found: (\d+)")


def describe_failure(message: str, origin: str) -> str:
    """What went wrong reading a file, in words that quote no cell of it."""
    text = message.lower()
    where = f" (line {m.group(1)})" if (m := _LINE.search(message)) else ""
    if m2 := _COLUMNS.search(message):
        return (
            f"malformed CSV{where}: a row has {m2.group(2)} fields, the header {m2.group(1)} "
            "(file cut short, or an unquoted delimiter); expected one header row and the same "
            "number of fields on every row"
        )
    if "unterminated quote" in text:
        return f"malformed CSV{where}: a quoted value is never closed (file cut short?)"
    if "utf-8" in text or "unicode" in text or "encoding" in text:
        return "not UTF-8 text; expected a UTF-8 encoded file"
    if "parquet" in text or "magic" in text or "too small" in text or "footer" in text:
        return "not a readable Parquet file (cut short or damaged?)"
    if "json" in text:
        return f"not valid NDJSON{where} (a line cut short or damaged?); expected one FHIR resource as JSON per line"
    if "csv" in text or "sniff" in text:
        return f"malformed CSV{where}; expected comma-separated values with one header row"
    return "the file could not be read (damaged or not in the expected format)"


@contextmanager
def reading(table: str, origin: str | Path) -> Iterator[None]:
    """Turn a DuckDB error while reading `origin` into an `InputError` naming the table and
    file, with the engine's message reduced to what it says about the problem."""
    import duckdb

    try:
        yield
    except duckdb.Error as exc:
        raise InputError.single(
            table, str(origin), describe_failure(str(exc), str(origin))
        ) from None
