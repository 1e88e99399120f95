"""Matched codes: how the concept codes behind a flag travel through the SQL and come back.

Every event row carries a `code_no` (`concepts.resolve` numbers the run's distinct concept keys
1, 2, … in sorted order). Gathering a person's codes as text would be the most expensive part of
a large run, so the SQL gathers numbers instead, and `decode` turns them into sorted lists of
concept keys at the end, for the flagged people only:

- `CodeMask` (the usual case: at most 63 distinct codes in the run) keeps one bit per code in
  a BIGINT and gathers with `bit_or`, an aggregate as cheap as `sum`;
- `CodeLists` (a site vocabulary that expands a set to more codes) gathers sorted lists of the
  numbers instead.

Both spell their SQL for the engine's dialect and give the same flags (tests/test_cohort_codes.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from b12pain.cohort.engines import Dialect

if TYPE_CHECKING:
    import pyarrow as pa

#: The most codes one BIGINT mask holds (bits 0–62; the sign bit is left alone).
MASK_BITS = 63


@dataclass(frozen=True)
class CodeMask:
    """Codes as bits of a BIGINT: bit `code_no - 1` is set when that code matched."""

    dialect: Dialect

    def one(self, code_sql: str) -> str:
        """The codes value of a single `code_no`."""
        if self.dialect.name == "spark":
            return f"shiftleft(CAST(1 AS BIGINT), {code_sql} - 1)"
        return f"(CAST(1 AS BIGINT) << ({code_sql} - 1))"

    def gather(self, code_sql: str) -> str:
        """Aggregate: every `code_no` of the group."""
        return f"bit_or({self.one(code_sql)})"

    def gather_codes(self, codes_sql: str) -> str:
        """Aggregate: every code of a column of codes values."""
        return f"bit_or({codes_sql})"

    def merge(self, codes_sql: list[str]) -> str:
        """Row function: the codes of several codes values together."""
        return "(" + " | ".join(codes_sql) + ")"

    def decode(self, masks: pa.ChunkedArray | pa.Array, keys: pa.Array) -> pa.Array:
        """Masks as sorted lists of concept keys; a missing mask becomes an empty list."""
        import pyarrow as pa
        import pyarrow.compute as pc

        names = keys.to_pylist()
        masks = pc.fill_null(masks.cast(pa.int64()), 0)
        distinct = pc.unique(masks).to_pylist()
        decoded = pa.array(
            [[names[bit + 1] for bit in range(MASK_BITS) if mask >> bit & 1] for mask in distinct],
            pa.list_(pa.string()),
        )
        return decoded.take(pc.index_in(masks, value_set=pa.array(distinct, pa.int64())))


@dataclass(frozen=True)
class CodeLists:
    """Codes as sorted lists of distinct `code_no` integers (any number of codes)."""

    dialect: Dialect

    def one(self, code_sql: str) -> str:
        """The codes value of a single `code_no`."""
        if self.dialect.name == "spark":
            return f"array({code_sql})"
        return f"list_value({code_sql})"

    def gather(self, code_sql: str) -> str:
        """Aggregate: every `code_no` of the group."""
        if self.dialect.name == "spark":
            return f"array_sort(collect_set({code_sql}))"
        return f"list_sort(list_distinct(list({code_sql})))"

    def gather_codes(self, codes_sql: str) -> str:
        """Aggregate: every code of a column of codes values."""
        if self.dialect.name == "spark":
            return f"array_sort(array_distinct(flatten(collect_list({codes_sql}))))"
        return f"list_sort(list_distinct(flatten(list({codes_sql}))))"

    def merge(self, codes_sql: list[str]) -> str:
        """Row function: the codes of several codes values together."""
        if self.dialect.name == "spark":
            return f"array_sort(array_distinct(concat({', '.join(codes_sql)})))"
        merged = codes_sql[0]
        for other in codes_sql[1:]:
            merged = f"list_concat({merged}, {other})"
        return f"list_sort(list_distinct({merged}))"

    def decode(self, lists: pa.ChunkedArray | pa.Array, keys: pa.Array) -> pa.Array:
        """Lists of numbers as lists of concept keys (`keys[code_no]`); a missing list becomes
        an empty one."""
        import pyarrow as pa
        import pyarrow.compute as pc

        if isinstance(lists, pa.ChunkedArray):
            lists = lists.combine_chunks() if lists.num_chunks else pa.array([], lists.type)
        numbers = lists.cast(pa.list_(pa.int32()))
        numbers = pc.fill_null(numbers, pa.scalar([], pa.list_(pa.int32())))
        values = pc.take(keys, numbers.flatten())
        offsets = pc.subtract(numbers.offsets, numbers.offsets[0])
        return pa.ListArray.from_arrays(offsets, values)


Codes = CodeMask | CodeLists


def codes_for(dialect: Dialect, distinct_codes: int) -> Codes:
    """The encoding for a run with this many distinct codes: a mask when they fit in one."""
    return CodeMask(dialect) if distinct_codes <= MASK_BITS else CodeLists(dialect)
