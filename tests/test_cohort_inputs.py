"""The OMOP adapter reads Parquet, CSV folders and DuckDB files into the same flags; the
data-completeness checks refuse "no test" rules on a source without any B12 result."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from b12pain.cohort.screen import screen
from b12pain.cohort.synth import DEFAULT_AS_OF, PLANTED_TRUTH, RULE_A, RULE_B, RULE_C, generate_omop
from b12pain.errors import InputError

TABLES = (
    "person",
    "observation_period",
    "death",
    "drug_exposure",
    "condition_occurrence",
    "measurement",
    "observation",
)
KEYS = [
    "person_id",
    "rule_id",
    "index_date",
    "cumulative_days",
    "last_test_date",
    "last_test_value",
    "last_test_unit",
]


@pytest.fixture(scope="module")
def parquet(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("inputs") / "omop"
    generate_omop(out, 1500, seed=9)
    return out


def test_csv_folder_and_duckdb_file_give_the_parquet_flags(parquet: Path, tmp_path: Path) -> None:
    csv_dir = tmp_path / "csv"
    csv_dir.mkdir()
    database = tmp_path / "cdm.duckdb"
    con = duckdb.connect(str(database))
    for table in TABLES:
        # Upper-case file names, as OHDSI exports write them.
        con.execute(
            f"COPY (SELECT * FROM '{parquet / table}.parquet') TO '{csv_dir / table.upper()}.csv' (HEADER)"
        )
        con.execute(f"CREATE TABLE {table.upper()} AS SELECT * FROM '{parquet / table}.parquet'")
    con.close()
    expected = screen(parquet, "omop", DEFAULT_AS_OF).flags.select(KEYS).to_pylist()
    assert expected
    assert screen(csv_dir, "omop", DEFAULT_AS_OF).flags.select(KEYS).to_pylist() == expected
    assert screen(database, "omop", DEFAULT_AS_OF).flags.select(KEYS).to_pylist() == expected


def test_source_without_b12_results_refuses_no_test_rules(parquet: Path, tmp_path: Path) -> None:
    folder = tmp_path / "no-lab-feed"
    folder.mkdir()
    for table in TABLES:
        if table != "measurement":
            (folder / f"{table}.parquet").symlink_to(parquet / f"{table}.parquet")
    result = screen(folder, "omop", DEFAULT_AS_OF)
    assert result.completeness.b12_tests == 0
    assert {RULE_A, RULE_B} <= set(result.refused)
    assert "no B12 measurements" in result.refused[RULE_A]
    assert set(result.flags.column("rule_id").to_pylist()) <= {RULE_C}
    assert not any(s.flagged for s in result.summary if s.rule_id in (RULE_A, RULE_B))


def test_missing_required_table_is_an_input_error(parquet: Path, tmp_path: Path) -> None:
    folder = tmp_path / "no-periods"
    folder.mkdir()
    (folder / "person.parquet").symlink_to(parquet / "person.parquet")
    with pytest.raises(InputError, match="observation_period"):
        screen(folder, "omop", DEFAULT_AS_OF)


def test_planted_truth_is_unchanged_by_the_rules_subset(parquet: Path) -> None:
    result = screen(parquet, "omop", DEFAULT_AS_OF, [RULE_B])
    flagged = {int(p) for p in result.flags.column("person_id").to_pylist() if int(p) < 100}
    assert flagged == {p for p, rules in PLANTED_TRUTH.items() if RULE_B in rules}


def test_a_run_reports_as_many_steps_as_the_progress_bar_counts(parquet: Path) -> None:
    """The CLI's bar is sized `STEPS_BESIDES_RULES + rules`; every step a run reports after
    "reading input" advances it, so the two must agree."""
    from b12pain.cohort.screen import STEPS_BESIDES_RULES

    messages: list[str] = []
    rules = [RULE_A, RULE_B, RULE_C]
    screen(parquet, "omop", DEFAULT_AS_OF, rules, progress=messages.append)
    advancing = [m for m in messages if m != "reading input"]
    assert len(advancing) == STEPS_BESIDES_RULES + len(rules)
    assert sorted(m for m in messages if m.startswith("rule ")) == sorted(
        f"rule {r}" for r in rules
    )
