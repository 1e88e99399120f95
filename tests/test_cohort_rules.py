"""Rules and concept sets as data: validation, knowledge references, ATLAS JSON, and the
exposure primitive's interval arithmetic checked against a plain-Python reference."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from b12pain.cohort.codes import CodeLists
from b12pain.cohort.concepts import read_site_set, resolve, shipped_sets
from b12pain.cohort.engines import DuckDBEngine
from b12pain.cohort.rules import Exposure, Primitive, read_rule, shipped_rules
from b12pain.cohort.sql import Compiler
from b12pain.errors import InputError
from b12pain.knowledge import load


def test_shipped_rules_cover_the_four_cases_and_cite_knowledge() -> None:
    rules = {r.id: r for r in shipped_rules()}
    assert len(rules) == 4
    kb = load()
    for rule in rules.values():
        assert all(entry in kb.entries for entry in rule.evidence), rule.id
        assert rule.concept_sets() <= set(kb.entries)
    assert rules["b12.low_result.untreated_90d"].not_followed_by is not None
    assert not rules["b12.low_result.untreated_90d"].needs_b12_tests()
    assert rules["b12.neuropathy.no_test_12m"].needs_b12_tests()


def test_rule_with_unknown_knowledge_is_refused_naming_file_and_id(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(
        "id: x.y\nversion: 1\ntitle: t\nreason: r\nmaps_to: testing.recommended\n"
        "evidence: [threshold.made_up]\n"
        "include: {condition: {concept_sets: [concept_set.nope]}}\n"
    )
    with pytest.raises(InputError) as err:
        read_rule(path)
    text = str(err.value)
    assert "bad.yaml.evidence: 'threshold.made_up'" in text
    assert "concept_set.nope" in text


def test_rule_with_two_primitives_in_one_node_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "two.yaml"
    path.write_text(
        "id: x.y\nversion: 1\ntitle: t\nreason: r\nmaps_to: testing.recommended\nevidence: [param.min_age_years]\n"
        "include: {condition: {concept_sets: [concept_set.ppi]}, observation: {concept_sets: [concept_set.ppi]}}\n"
    )
    with pytest.raises(InputError) as err:
        read_rule(path)
    assert "exactly one" in str(err.value)


def test_atlas_concept_set_json_is_read(tmp_path: Path) -> None:
    path = tmp_path / "atlas.json"
    path.write_text(
        json.dumps(
            {
                "expression": {
                    "items": [
                        {
                            "concept": {
                                "CONCEPT_ID": 1503297,
                                "CONCEPT_NAME": "metformin",
                                "VOCABULARY_ID": "RxNorm",
                                "CONCEPT_CODE": "6809",
                            },
                            "includeDescendants": True,
                        },
                        {
                            "concept": {
                                "CONCEPT_ID": 1503328,
                                "CONCEPT_NAME": "Metformin ER 500 mg",
                            },
                            "isExcluded": True,
                        },
                    ]
                }
            }
        )
    )
    site = read_site_set("concept_set.metformin", path)
    assert [(i.concept_id, i.include_descendants, i.exclude) for i in site.items] == [
        (1503297, True, False),
        (1503328, False, True),
    ]
    assert site.items[0].vocabulary == "RxNorm" and site.items[0].code == "6809"


def test_concept_set_file_without_items_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "empty.json"
    path.write_text("{}")
    with pytest.raises(InputError, match="at least one item"):
        read_site_set("concept_set.metformin", path)


def test_resolution_expands_descendants_and_drops_exclusions() -> None:
    engine = DuckDBEngine()
    engine.register_arrow(
        "concept",
        pa.table(
            {
                "concept_id": [1503297, 1503328, 99],
                "vocabulary_id": ["RxNorm", "RxNorm", "RxNorm"],
                "concept_code": ["6809", "861007", "1"],
            }
        ),
    )
    engine.register_arrow(
        "concept_ancestor",
        pa.table(
            {"ancestor_concept_id": [1503297, 1503297], "descendant_concept_id": [1503297, 1503328]}
        ),
    )
    sets = shipped_sets(load())
    resolve(engine, sets, {"concept_set.metformin"}, has_vocabulary=True)
    keys = {row[0] for row in engine.con.execute("SELECT concept_key FROM concept_map").fetchall()}
    assert {"OMOP:1503297", "OMOP:1503328", "RxNorm:6809", "RxNorm:860975"} == keys


AS_OF = dt.date(2026, 6, 30)
intervals = st.one_of(
    st.lists(st.tuples(st.integers(-900, 30), st.integers(0, 200)), min_size=1, max_size=6),
    # Many intervals starting on the same few days: the sweep must not depend on their order.
    st.lists(
        st.tuples(st.sampled_from([-400, -300, -250]), st.integers(0, 200)), min_size=2, max_size=8
    ),
)


@settings(max_examples=80, deadline=None)
@given(intervals)
def test_exposure_days_are_the_union_of_intervals_clipped_to_the_window(
    spans: list[tuple[int, int]],
) -> None:
    """Overlaps count once; days outside [as_of - 730, as_of] do not count."""
    kb = load()
    engine = DuckDBEngine(threads=1)
    starts = [AS_OF + dt.timedelta(days=s) for s, _ in spans]
    ends = [AS_OF + dt.timedelta(days=s + length) for s, length in spans]
    engine.register_arrow(
        "drugs_hits",
        pa.table(
            {
                "set_no": [1] * len(spans),
                "person_id": ["p"] * len(spans),
                "code_no": [1] * len(spans),
                "start_date": starts,
                "end_date": ends,
            }
        ),
    )
    sets = shipped_sets(kb)
    sets.numbers = {"concept_set.metformin": 1}
    compiler = Compiler(kb, sets, engine.dialect, AS_OF, CodeLists(engine.dialect))
    name = compiler.compile(
        Primitive(exposure=Exposure(concept_sets=("concept_set.metformin",), min_days=1))
    )
    rows = engine.con.execute(
        f"WITH {', '.join(compiler.ctes)} SELECT cum_days FROM {name}"
    ).fetchall()
    window_start = AS_OF - dt.timedelta(days=730)
    covered = {
        start + dt.timedelta(days=k)
        for start, end in zip(starts, ends, strict=True)
        for k in range((end - start).days + 1)
        if window_start <= start + dt.timedelta(days=k) <= AS_OF
    }
    assert (rows[0][0] if rows else 0) == len(covered)
