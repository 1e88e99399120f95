"""Writing flags (Parquet or CSV, typed columns), FHIR Group work lists, and the printed summary.

Person-level rows only ever go to files the user chose (mode 0600, written to a temporary name
then renamed, so nothing is half-written); what is printed is a count per rule, with counts
under the small-cell threshold shown as "<11".
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from b12pain.errors import InputError

if TYPE_CHECKING:
    import pyarrow as pa

    from b12pain.cohort.rules import Rule

#: Columns of the flags table, in order.
FLAG_COLUMNS = (
    "person_id",
    "person_source_value",
    "rule_id",
    "rule_version",
    "as_of_date",
    "reason_text",
    "index_date",
    "evidence_start",
    "evidence_end",
    "cumulative_days",
    "last_test_date",
    "last_test_value",
    "last_test_unit",
    "last_test_comparator",
    "matched_codes",
    "matched_code_names",
    "run_id",
    "engine",
)


def flags_schema() -> pa.Schema:
    """The typed schema every engine's result is cast to before writing or comparing."""
    import pyarrow as pa

    return pa.schema(
        [
            ("person_id", pa.string()),
            ("person_source_value", pa.string()),
            ("rule_id", pa.string()),
            ("rule_version", pa.int32()),
            ("as_of_date", pa.date32()),
            ("reason_text", pa.string()),
            ("index_date", pa.date32()),
            ("evidence_start", pa.date32()),
            ("evidence_end", pa.date32()),
            ("cumulative_days", pa.int32()),
            ("last_test_date", pa.date32()),
            ("last_test_value", pa.float64()),
            ("last_test_unit", pa.string()),
            ("last_test_comparator", pa.string()),
            ("matched_codes", pa.list_(pa.string())),
            ("matched_code_names", pa.list_(pa.string())),
            ("run_id", pa.string()),
            ("engine", pa.string()),
        ]
    )


#: Rows in the block a constant column is made of (`constant`).
CONSTANT_BLOCK = 65_536


def constant(value: Any, kind: pa.DataType, n: int) -> pa.ChunkedArray:
    """`n` copies of one value: one block of copies, shared by every chunk. Far cheaper than
    `n` separate copies of a long text, and no chunk ever nears a string array's 2 GiB limit."""
    import pyarrow as pa

    block = pa.repeat(pa.scalar(value, kind), min(n, CONSTANT_BLOCK))
    full, rest = divmod(n, CONSTANT_BLOCK)
    chunks = [block] * full + ([block.slice(0, rest)] if rest else [])
    return pa.chunked_array(chunks, kind)


def normalise(
    raw: pa.Table,
    rule: Rule,
    as_of: dt.date,
    run_id: str,
    engine: str,
    decode: Callable[[pa.ChunkedArray], pa.Array],
    decode_names: Callable[[pa.ChunkedArray], pa.Array] | None = None,
    followup_days: int = 0,
) -> pa.Table:
    """One rule's person-level rows from an engine (`sql.flags_sql`, sorted there by person in
    the source's own id type: numerically for OMOP) as the typed flags table, with the matched
    codes decoded by `decode` (their names by `decode_names`), the reason written for each row
    (`reasons.render`) and the columns that are the same on every row added here."""
    import pyarrow as pa

    from b12pain.cohort.reasons import render

    n = raw.num_rows
    same = {
        "rule_id": rule.id,
        "rule_version": rule.version,
        "as_of_date": as_of,
        "run_id": run_id,
        "engine": engine,
    }
    schema = flags_schema()
    columns = {name: constant(value, schema.field(name).type, n) for name, value in same.items()}
    columns["matched_codes"] = decode(raw.column("matched_codes"))
    columns["matched_code_names"] = (decode_names or decode)(raw.column("matched_codes"))
    columns["reason_text"] = pa.nulls(n, pa.string())
    for field in schema:
        if field.name not in columns:
            columns[field.name] = raw.column(field.name).cast(field.type)
    table = pa.table([columns[f.name] for f in schema], schema=schema)
    reason = render(rule.reason, table, as_of, followup_days)
    return table.set_column(
        schema.get_field_index("reason_text"), schema.field("reason_text"), reason
    )


def _atomic(path: Path, write: Callable[[Path], None]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


#: A text cell starting with one of these is read by a spreadsheet as a formula (or a DDE
#: command): = + - @ tab carriage return (RE2 pattern).
FORMULA_START = r"^[=+\-@\t\r]"


def neutralise_formulas(column: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """Text cells that a spreadsheet would run as a formula (`=HYPERLINK(…)`, `+`, `-`, `@`,
    tab, carriage return) prefixed with an apostrophe, so they show as text (OWASP CSV
    injection advice). Every other cell is unchanged."""
    import pyarrow.compute as pc

    risky = pc.match_substring_regex(column, FORMULA_START)
    return pc.if_else(
        pc.fill_null(risky, False), pc.binary_join_element_wise("'", column, ""), column
    )


def csv_table(flags: pa.Table) -> pa.Table:
    """The flags as CSV cells: code lists joined with ';', formula-leading text neutralised."""
    import pyarrow as pa
    import pyarrow.compute as pc

    for name in ("matched_codes", "matched_code_names"):
        index = flags.column_names.index(name)
        joined = pc.binary_join(flags.column(name), ";")
        flags = flags.set_column(index, pa.field(name, pa.string()), joined)
    for index, field in enumerate(flags.schema):
        if pa.types.is_string(field.type):
            flags = flags.set_column(index, field, neutralise_formulas(flags.column(index)))
    return flags


def write_flags(flags: pa.Table, path: Path) -> None:
    """Write flags as Parquet (`.parquet`) or CSV (`.csv`, `csv_table`)."""
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    suffix = path.suffix.lower()
    if suffix == ".parquet":
        _atomic(path, lambda tmp: pq.write_table(flags, tmp))
    elif suffix == ".csv":
        flat = csv_table(flags)
        _atomic(path, lambda tmp: pacsv.write_csv(flat, tmp))
    else:
        raise InputError.single("--out", str(path), "file name must end in .parquet or .csv")


def fhir_groups(flags: pa.Table, titles: dict[str, str]) -> dict[str, dict[str, Any]]:
    """One FHIR R4 `Group` (actual, type person) per rule, members `Patient/<person_id>`."""
    groups: dict[str, dict[str, Any]] = {}
    rules = flags.column("rule_id").to_pylist()
    people = flags.column("person_id").to_pylist()
    known_as = flags.column("person_source_value").to_pylist()
    for rule_id, title in titles.items():
        members = [
            {"entity": _member(p, k)}
            for r, p, k in zip(rules, people, known_as, strict=True)
            if r == rule_id
        ]
        groups[rule_id] = {
            "resourceType": "Group",
            "id": rule_id.replace("_", "-"),
            "type": "person",
            "actual": True,
            "name": title,
            "quantity": len(members),
            "member": members,
        }
    return groups


def _member(person_id: str, source_value: str | None) -> dict[str, Any]:
    """A Group member's reference: the Patient, and the identifier an EHR knows them by
    (OMOP `person_source_value`, FHIR Patient identifier) when the source has one."""
    entity: dict[str, Any] = {"reference": f"Patient/{person_id}"}
    if source_value:
        entity["identifier"] = {"value": source_value}
    return entity


def write_text_file(path: Path, text: str) -> None:
    """Write a text file atomically (temporary name, then renamed), mode 0600."""

    def write(tmp: Path) -> None:
        tmp.write_text(text, encoding="utf-8")

    _atomic(path, write)


def write_groups(groups: dict[str, dict[str, Any]], folder: Path) -> list[Path]:
    """Write each Group as `<folder>/<rule_id>.Group.json`; return the paths."""
    written = []
    for rule_id, group in groups.items():
        path = folder / f"{rule_id}.Group.json"
        write_text_file(path, json.dumps(group, indent=1))
        written.append(path)
    return written


@dataclass(frozen=True)
class RuleSummary:
    """What is printed for one rule: never person-level, small counts suppressed."""

    rule_id: str
    title: str
    status: str  # "ran" or "refused"
    flagged: int | None
    shown: str
    message: str = ""


def suppressed(count: int, threshold: int) -> str:
    """A count for display (small-cell suppression): 0 as "0", 1 to `threshold` - 1 as
    "<threshold", larger counts as they are."""
    return f"<{threshold}" if 0 < count < threshold else str(count)
