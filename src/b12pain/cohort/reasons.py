"""The reason on each flag, in words a care team can act on: which drug or diagnosis, for how
long, which result, and when the person was last tested.

A rule's `reason` is a template with placeholders filled from the flag's own columns
(`{names}`, `{cumulative_days}`, `{evidence_start}`, `{evidence_end}`, `{index_date}`,
`{result}`, `{last_test}`, `{followup}`). Rendering is column-wise (Arrow compute), so a run
that flags a million people spends milliseconds on it, not a Python loop.
"""

from __future__ import annotations

import datetime as dt
import string
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pyarrow as pa

PLACEHOLDERS = (
    "names",
    "cumulative_days",
    "evidence_start",
    "evidence_end",
    "index_date",
    "result",
    "last_test",
    "followup",
)


def placeholders(template: str) -> list[str]:
    """The placeholder names a reason template uses (for validating rule files)."""
    return [field for _, field, _, _ in string.Formatter().parse(template) if field is not None]


def _text(array: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    import pyarrow as pa
    import pyarrow.compute as pc

    return pc.cast(array, pa.string())


def _join(*parts: object) -> pa.Array | pa.ChunkedArray:
    """Concatenate string arrays and literals element-wise (a null part reads as empty)."""
    import pyarrow.compute as pc

    return pc.binary_join_element_wise(*parts, "", null_handling="replace", null_replacement="")


def _result(value: pa.ChunkedArray, unit: pa.ChunkedArray, comparator: pa.ChunkedArray) -> pa.Array:
    """ "<50 pg/mL", "150 pg/mL", or "(no value)" for a result recorded without a number."""
    import pyarrow.compute as pc

    written = _join(comparator, _text(value), " ", unit)
    return pc.if_else(pc.is_null(value), "(no value)", pc.utf8_trim_whitespace(written))


def render(template: str, flags: pa.Table, as_of: dt.date, followup_days: int) -> pa.Array:
    """The reason text of every row of `flags` (the typed flags table) from `template`."""
    import pyarrow as pa
    import pyarrow.compute as pc

    n = flags.num_rows
    columns = {
        "names": pc.binary_join(flags.column("matched_code_names"), ", "),
        "cumulative_days": _text(flags.column("cumulative_days")),
        "evidence_start": _text(flags.column("evidence_start")),
        "evidence_end": _text(flags.column("evidence_end")),
        "index_date": _text(flags.column("index_date")),
    }
    needed = set(placeholders(template))
    if "result" in needed or "last_test" in needed:
        result = _result(
            flags.column("last_test_value"),
            flags.column("last_test_unit"),
            flags.column("last_test_comparator"),
        )
        columns["result"] = result
        tested = pc.is_valid(flags.column("last_test_date"))
        columns["last_test"] = pc.if_else(
            tested,
            _join("last B12 test ", _text(flags.column("last_test_date")), ", ", result),
            "no B12 test on record",
        )
    if "followup" in needed:
        index = flags.column("index_date")
        seen = pc.days_between(index, pa.scalar(as_of, pa.date32()))
        incomplete = pc.less(seen, followup_days)
        columns["followup"] = pc.if_else(
            incomplete,
            _join(
                "so far (follow-up not complete: ",
                _text(seen),
                f" of {followup_days} days)",
            ),
            f"in the {followup_days} days after it",
        )
    parts: list[object] = []
    for literal, field, _, _ in string.Formatter().parse(template):
        if literal:
            parts.append(literal)
        if field is not None:
            parts.append(columns[field])
    if not parts:
        return pa.array([""] * n, pa.string())
    if all(isinstance(p, str) for p in parts):
        return pa.array(["".join(str(p) for p in parts)] * n, pa.string())
    rendered = _join(*parts)
    if isinstance(rendered, pa.ChunkedArray):
        return rendered.combine_chunks() if rendered.num_chunks else pa.array([], pa.string())
    return rendered
