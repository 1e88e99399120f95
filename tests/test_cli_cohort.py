"""`b12pain screen` and `b12pain synth` from the command line: files written, only counts printed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from b12pain.cohort.synth import PLANTED_TRUTH, RULE_A


def run(*args: str) -> subprocess.CompletedProcess[str]:
    code = "from b12pain.cli.main import run; run()"
    return subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=120
    )


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("cli")
    done = run(
        "synth", "--patients", "400", "--out", str(out), "--format", "both", "--seed", "4", "--json"
    )
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["rows"]["omop"]["person"] == 400 and summary["rows"]["fhir"]["Patient"] == 400
    return out


def test_screen_writes_flags_and_prints_only_suppressed_counts(
    synthetic: Path, tmp_path: Path
) -> None:
    out = tmp_path / "flags.parquet"
    groups = tmp_path / "groups"
    done = run(
        "screen",
        "--input",
        str(synthetic / "omop"),
        "--format",
        "omop",
        "--as-of",
        "2026-06-30",
        "--out",
        str(out),
        "--fhir-groups",
        str(groups),
    )
    assert done.returncode == 0, done.stderr
    flags = pq.read_table(out)
    assert oct(os.stat(out).st_mode & 0o777) == "0o600"
    per_rule: dict[str, int] = {}
    for rule in flags.column("rule_id").to_pylist():
        per_rule[rule] = per_rule.get(rule, 0) + 1
    for rule, count in per_rule.items():
        assert rule in done.stdout
        if count < 11:
            assert "<11" in done.stdout
    # No person-level row is printed: no planted person's id appears as a table cell.
    assert not any(f" {pid} " in done.stdout for pid in PLANTED_TRUTH if pid > 9)
    assert "not medical advice" in done.stdout.lower() or "does not diagnose" in done.stdout.lower()
    group = json.loads((groups / f"{RULE_A}.Group.json").read_text())
    assert group["resourceType"] == "Group" and group["actual"] is True
    assert group["quantity"] == per_rule[RULE_A] == len(group["member"])


def test_screen_json_and_csv(synthetic: Path, tmp_path: Path) -> None:
    out = tmp_path / "flags.csv"
    done = run(
        "screen",
        "--input",
        str(synthetic / "fhir"),
        "--format",
        "fhir-bulk",
        "--as-of",
        "2026-06-30",
        "--out",
        str(out),
        "--json",
        "--rules",
        RULE_A,
    )
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert [r["rule_id"] for r in summary["rules"]] == [RULE_A]
    assert summary["completeness"]["persons"] == "400"
    header = out.read_text().splitlines()[0]
    assert header.startswith('"person_id","person_source_value","rule_id"')


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["--as-of", "2026-02-30"], "--as-of"),
        (["--format", "hl7v2"], "--format"),
        (["--engine", "oracle"], "--engine"),
        (["--rules", "b12.nope"], "--rules"),
        (["--concept-set", "concept_set.nope=x.json"], "--concept-set"),
    ],
)
def test_bad_input_is_refused_with_field_and_value(
    synthetic: Path, tmp_path: Path, args: list[str], field: str
) -> None:
    base = {
        "--input": str(synthetic / "omop"),
        "--format": "omop",
        "--as-of": "2026-06-30",
        "--out": str(tmp_path / "f.parquet"),
    }
    for key, value in zip(args[::2], args[1::2], strict=True):
        base[key] = value
    done = run("screen", *[x for kv in base.items() for x in kv])
    assert done.returncode == 2, done.stderr
    assert field in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "f.parquet").exists()


def test_refused_rule_asked_by_name_exits_2_with_the_reason(
    synthetic: Path, tmp_path: Path
) -> None:
    done = run(
        "screen",
        "--input",
        str(synthetic / "omop"),
        "--format",
        "omop",
        "--as-of",
        "2026-06-30",
        "--out",
        str(tmp_path / "f.parquet"),
        "--rules",
        "b12.diet.symptoms_no_test_12m",
    )
    assert done.returncode == 2
    assert "UNVERIFIED" in done.stderr
