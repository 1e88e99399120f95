"""Matched codes decode from their numbers: bit masks and lists give sorted concept keys."""

from __future__ import annotations

import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from b12pain.cohort.codes import MASK_BITS, CodeLists, CodeMask, codes_for
from b12pain.cohort.engines import DUCKDB, SPARK, DuckDBEngine

KEYS = pa.array([None, *(f"OMOP:{1000 + n}" for n in range(1, MASK_BITS + 1))], pa.string())


def test_mask_decodes_to_the_keys_of_its_bits() -> None:
    masks = pa.array([0b101, None, 0b10, 0], pa.int64())
    decoded = CodeMask(DUCKDB).decode(masks, KEYS).to_pylist()
    assert decoded == [["OMOP:1001", "OMOP:1003"], [], ["OMOP:1002"], []]


def test_lists_decode_to_keys_and_a_missing_list_to_none_found() -> None:
    lists = pa.chunked_array(
        [pa.array([[1, 3], None], pa.list_(pa.int32())), pa.array([[2]], pa.list_(pa.int32()))]
    )
    assert CodeLists(DUCKDB).decode(lists, KEYS).to_pylist() == [
        ["OMOP:1001", "OMOP:1003"],
        [],
        ["OMOP:1002"],
    ]


def test_encoding_is_a_mask_only_while_the_codes_fit() -> None:
    assert isinstance(codes_for(DUCKDB, MASK_BITS), CodeMask)
    assert isinstance(codes_for(SPARK, MASK_BITS + 1), CodeLists)


code_sets = st.lists(
    st.sets(st.integers(1, MASK_BITS), min_size=1, max_size=5), min_size=1, max_size=8
)


@settings(max_examples=40, deadline=None)
@given(code_sets)
def test_gathering_in_sql_then_decoding_gives_the_sorted_distinct_keys(
    groups: list[set[int]],
) -> None:
    """Per group, DuckDB gathers the codes (mask or list), merges them with another group's,
    and decoding gives exactly the sorted distinct keys: the same for both encodings."""
    engine = DuckDBEngine(threads=1)
    rows = [(g, c) for g, group in enumerate(groups) for c in sorted(group) for _ in range(2)]
    engine.register_arrow(
        "events",
        pa.table(
            {"g": [g for g, _ in rows], "code_no": pa.array([c for _, c in rows], pa.int32())}
        ),
    )
    expected = [
        sorted(KEYS[c].as_py() for c in group | groups[(g + 1) % len(groups)])
        for g, group in enumerate(groups)
    ]
    for encoding in (CodeMask(DUCKDB), CodeLists(DUCKDB)):
        gathered = f"SELECT g, {encoding.gather('code_no')} AS codes FROM events GROUP BY g"
        merged = engine.to_arrow(
            f"WITH x AS ({gathered}) SELECT a.g, {encoding.merge(['a.codes', 'b.codes'])} AS codes "
            f"FROM x a JOIN x b ON b.g = (a.g + 1) % {len(groups)} ORDER BY a.g"
        )
        assert encoding.decode(merged.column("codes"), KEYS).to_pylist() == expected
    engine.close()


def test_a_constant_column_has_every_value_whatever_its_length() -> None:
    """Columns that are the same on every flag are built from one shared block of copies."""
    from b12pain.cohort.output import CONSTANT_BLOCK, constant

    for n in (0, 1, CONSTANT_BLOCK, 2 * CONSTANT_BLOCK + 3):
        column = constant("reason text", pa.string(), n)
        assert column.type == pa.string() and len(column) == n
        assert column.null_count == 0
        assert set(column.unique().to_pylist()) == ({"reason text"} if n else set())
