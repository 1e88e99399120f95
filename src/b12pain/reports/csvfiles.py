"""The journal as CSV files, one per diary kind, and back again without losing anything.

Layout (docs/export-format.md describes every column):

- `<kind>.csv` for each kind with entries (`pain.csv`, `sleep.csv`, `lab.csv`, `plan.csv` …);
  questionnaires get one file each, `instrument-<id>.csv`, with one `answer.<item>` column per
  item beside the total (`score`) and its category.
- Every file starts with `uid` and `at` (ISO 8601 with the UTC offset the person was in) and
  ends with `note` and `comments`. Lists and mappings (regions, a plan's schedule, a profile,
  comments) are JSON in their cell; answers are JSON unless they are plain text.
- UTF-8 with a byte-order mark, so spreadsheets show µ and accents; files are 0600 in a 0700
  folder.
- Cells that a spreadsheet would run as a formula (`=`, `+`, `-`, `@` …) start with `'`; so
  does any text that itself began with `'`. Import removes exactly one leading `'`, so every
  note comes back as typed.

Import reads every file, checks every header, row and cell, and either returns all the records
or raises one `InputError` listing each problem by file, row and column.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from functools import cache
from pathlib import Path
from typing import Any

from b12pain.errors import InputError, Problem
from b12pain.journal.records import KINDS, RECORD_TYPES, Entry, InstrumentEntry
from b12pain.textsafe import csv_cell

COMMON_FIRST = ("uid", "at")
COMMON_LAST = ("note", "comments")
ANSWER = "answer."
INSTRUMENT_PREFIX = "instrument-"
#: The largest CSV file read back (a busy decade of food entries is far below this).
MAX_CSV_BYTES = 200 * 1024 * 1024
#: At most this many problems are reported (the first ones, in file and row order).
MAX_PROBLEMS = 50


@cache
def fields_of(kind: str) -> tuple[str, ...]:
    """The record fields of `kind` written between the common first and last columns."""
    model = RECORD_TYPES[kind]
    skip = {*COMMON_FIRST, *COMMON_LAST, "kind"}
    if kind == "instrument":
        skip.add("answers")
    return tuple(name for name in model.model_fields if name not in skip)


@cache
def json_fields(kind: str) -> frozenset[str]:
    """Fields of `kind` whose cell holds JSON (lists and mappings), from the model's schema."""
    properties = RECORD_TYPES[kind].model_json_schema()["properties"]

    def structured(schema: dict[str, Any]) -> bool:
        options = schema.get("anyOf", [schema])
        return any(o.get("type") in ("array", "object") or "$ref" in o for o in options)

    return frozenset(name for name, schema in properties.items() if structured(schema))


def columns_of(kind: str, answer_items: Sequence[str] = ()) -> tuple[str, ...]:
    """The columns of a kind's file, in order (questionnaires add their answer columns)."""
    answers = tuple(f"{ANSWER}{item}" for item in answer_items)
    return (*COMMON_FIRST, *fields_of(kind), *COMMON_LAST, *answers)


def file_name(record: Entry) -> str:
    """`pain.csv`, or `instrument-dn4.csv` for a questionnaire."""
    if isinstance(record, InstrumentEntry):
        return f"{INSTRUMENT_PREFIX}{record.instrument}.csv"
    return f"{record.kind}.csv"  # type: ignore[attr-defined]


# cells -------------------------------------------------------------------------------------


def to_cell(text: str) -> str:
    """Text for a cell: formula starts neutralised with `'` (and a leading `'` doubled)."""
    if text.startswith("'"):
        return "'" + text
    shown = csv_cell(text)
    return str(shown)


def from_cell(cell: str) -> str:
    """The text a cell holds, with the one `'` that `to_cell` may have added removed."""
    return cell[1:] if cell.startswith("'") else cell


def _value_cell(value: Any, structured: bool) -> str:
    if value is None:
        return ""
    if structured:
        return to_cell(json.dumps(value, ensure_ascii=False, sort_keys=False))
    if isinstance(value, bool):
        return "true" if value else "false"
    return to_cell(str(value))


def answer_cell(value: Any) -> str:
    """An answer: JSON (`true`, `3`, `["a"]`), or plain text when it is text that is not JSON."""
    if isinstance(value, str):
        try:
            json.loads(value)
        except (ValueError, RecursionError):
            return to_cell(value)
    return to_cell(json.dumps(value, ensure_ascii=False))


def answer_value(cell: str) -> Any:
    """The answer `answer_cell` wrote."""
    text = from_cell(cell)
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return text


# writing -----------------------------------------------------------------------------------


def _answer_items(records: Sequence[InstrumentEntry]) -> list[str]:
    """Item ids in the questionnaire's own order where known, then any others as found."""
    order: list[str] = []
    try:
        from b12pain.instruments.registry import instrument

        order = [item.id for item in instrument(records[0].instrument).info.items]
    except (InputError, AttributeError):
        pass
    seen = [k for r in records for k in r.answers]
    return [i for i in order if i in seen] + list(dict.fromkeys(k for k in seen if k not in order))


def csv_texts(records: Iterable[Entry]) -> dict[str, str]:
    """File name → CSV text for `records` (one file per kind or questionnaire)."""
    groups: dict[str, list[Entry]] = {}
    for record in records:
        groups.setdefault(file_name(record), []).append(record)
    texts = {}
    for name, group in sorted(groups.items()):
        kind: str = group[0].kind  # type: ignore[attr-defined]
        items = _answer_items(group) if kind == "instrument" else []  # type: ignore[arg-type]
        structured = json_fields(kind)
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(columns_of(kind, items))
        for record in group:
            data = record.model_dump(mode="json")
            row = [data["uid"], data["at"]]
            row += [_value_cell(data.get(f), f in structured) for f in fields_of(kind)]
            row += [_value_cell(data.get("note"), False)]
            row += [_value_cell(data["comments"], True) if data["comments"] else ""]
            if kind == "instrument":
                answers = data["answers"]
                row += [answer_cell(answers[i]) if i in answers else "" for i in items]
            writer.writerow(row)
        texts[name] = out.getvalue()
    return texts


def write_folder(records: Iterable[Entry], folder: Path) -> list[Path]:
    """Write the CSV files into `folder` (0700; files 0600, each written atomically)."""
    from b12pain.privacy import private_dir, write_private

    private_dir(folder)
    written = []
    for name, text in csv_texts(records).items():
        written.append(write_private(folder / name, "\ufeff" + text))
    return written


# reading -----------------------------------------------------------------------------------


def _kind_of(name: str) -> str | None:
    if name.startswith(INSTRUMENT_PREFIX):
        return "instrument"
    stem = name.removesuffix(".csv")
    return stem if stem in RECORD_TYPES and name.endswith(".csv") else None


def read_texts(texts: dict[str, str]) -> list[Entry]:
    """Records from CSV texts (file name → text); `InputError` naming file, row and column."""
    problems: list[Problem] = []
    records: list[Entry] = []
    for name, text in sorted(texts.items(), key=lambda item: _order(item[0])):
        kind = _kind_of(name)
        if kind is None:
            allowed = ", ".join(f"{k}.csv" for k in KINDS if k != "instrument")
            problems.append(
                Problem(
                    name, None, f"not a b12pain CSV file; one of {allowed}, instrument-<id>.csv"
                )
            )
            continue
        rows = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
        try:
            _read_file(name, kind, rows, records, problems)
        except csv.Error as exc:  # a NUL byte, a cell beyond the csv module's size limit …
            problems.append(
                Problem(f"{name} row {rows.line_num}", None, f"not readable as CSV ({exc})")
            )
        if len(problems) >= MAX_PROBLEMS:
            break
    if problems:
        raise InputError(problems[:MAX_PROBLEMS])
    return records


def _read_file(
    name: str, kind: str, rows: Any, records: list[Entry], problems: list[Problem]
) -> None:
    """Check one file's header, then read its rows into `records` (problems into `problems`)."""
    header = next(rows, None)
    expected = columns_of(kind)
    if header is None or tuple(header[: len(expected)]) != expected:
        problems.append(
            Problem(f"{name} row 1", None, f"the header must start {','.join(expected)}")
        )
        return
    answers = header[len(expected) :]
    wrong = [c for c in answers if not c.startswith(ANSWER) or kind != "instrument"]
    if wrong:
        problems.append(Problem(f"{name} row 1 column {wrong[0]}", wrong[0], "unknown column"))
        return
    for line, row in enumerate(rows, start=2):
        where = f"{name} row {line}"
        if len(row) != len(header):
            problems.append(Problem(where, None, f"{len(row)} cells; the header has {len(header)}"))
            continue
        record = _read_row(kind, header, row, where, problems)
        if record is not None:
            records.append(record)
        if len(problems) >= MAX_PROBLEMS:
            return


def _order(name: str) -> tuple[int, str]:
    """Profiles and plans first (doses and stock counts refer to plans)."""
    kind = _kind_of(name) or ""
    return (KINDS.index(kind) if kind in KINDS else len(KINDS), name)


def _read_row(
    kind: str, header: Sequence[str], row: Sequence[str], where: str, problems: list[Problem]
) -> Entry | None:
    from b12pain.journal.store import parse_record

    structured = json_fields(kind)
    data: dict[str, Any] = {"kind": kind}
    answers: dict[str, Any] = {}
    bad = False
    for column, cell in zip(header, row, strict=True):
        if column.startswith(ANSWER):
            if cell != "":
                answers[column.removeprefix(ANSWER)] = answer_value(cell)
            continue
        if cell == "":
            continue
        text = from_cell(cell)
        if column in structured:
            try:
                data[column] = json.loads(text)
            except (ValueError, RecursionError):
                problems.append(
                    Problem(f"{where} column {column}", text, "JSON, as b12pain writes it")
                )
                bad = True
        else:
            data[column] = text
    if kind == "instrument":
        data["answers"] = answers
    if bad:
        return None
    try:
        return parse_record(data)
    except InputError as error:
        for problem in error.problems:
            column = problem.field.split(".")[0].split("[")[0] or "(row)"
            if column == "answers" and "." in problem.field:  # `answers.q1` is column `answer.q1`
                column = ANSWER + problem.field.split(".", 1)[1]
            problems.append(Problem(f"{where} column {column}", problem.value, problem.message))
        return None


def read_folder(folder: Path) -> list[Entry]:
    """Every b12pain CSV file in `folder`, as validated records (all of them, or `InputError`)."""
    from b12pain.userfiles import read_user_text

    if not folder.is_dir():
        raise InputError.single("folder", str(folder), "a folder of CSV files b12pain exported")
    names = sorted(p.name for p in folder.iterdir() if p.suffix.lower() == ".csv")
    if not names:
        raise InputError.single("folder", str(folder), "holds no .csv files")
    texts = {name: read_user_text(folder / name, name, MAX_CSV_BYTES) for name in names}
    return read_texts(texts)
