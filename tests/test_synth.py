"""The synthetic population generator: deterministic, documented prevalences, planted cases."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import duckdb
import pytest

from b12pain.cohort.synth import FIRST_RANDOM_ID, PLANTED, PREVALENCE, generate_omop, render_fhir


def digest(folder: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.glob("*.parquet"))
    }


def test_same_seed_same_files_other_seed_other_files(tmp_path: Path) -> None:
    generate_omop(tmp_path / "a", 2000, seed=5)
    generate_omop(tmp_path / "b", 2000, seed=5)
    generate_omop(tmp_path / "c", 2000, seed=6)
    assert digest(tmp_path / "a") == digest(tmp_path / "b")
    assert digest(tmp_path / "a")["person.parquet"] != digest(tmp_path / "c")["person.parquet"]


def test_prevalences_and_event_volume(tmp_path: Path) -> None:
    n = 20_000
    counts = generate_omop(tmp_path, n, seed=2)
    con = duckdb.connect()

    def share(sql: str) -> float:
        return con.execute(sql.format(d=tmp_path, first=FIRST_RANDOM_ID)).fetchall()[0][0] / (
            n - len(PLANTED)
        )

    assert counts["person"] == n
    metformin = share(
        "SELECT count(DISTINCT person_id) FROM '{d}/drug_exposure.parquet' WHERE drug_concept_id = 1503297 AND person_id >= {first}"
    )
    tested = share(
        "SELECT count(DISTINCT person_id) FROM '{d}/measurement.parquet' WHERE measurement_concept_id IN (3000593, 3009035) AND person_id >= {first}"
    )
    neuropathy = share(
        "SELECT count(DISTINCT person_id) FROM '{d}/condition_occurrence.parquet' WHERE condition_concept_id = 37016354 AND person_id >= {first}"
    )
    assert metformin == pytest.approx(PREVALENCE["metformin"], abs=0.01)
    assert tested == pytest.approx(PREVALENCE["b12_tested"], abs=0.015)
    assert neuropathy == pytest.approx(PREVALENCE["neuropathy"], abs=0.006)
    events = sum(v for k, v in counts.items() if k not in ("person", "observation_period", "death"))
    assert 15 <= events / n <= 25


def test_planted_people_are_in_both_renderings(tmp_path: Path) -> None:
    generate_omop(tmp_path / "omop", 500, seed=1)
    counts = render_fhir(tmp_path / "omop", tmp_path / "fhir")
    patients = [
        json.loads(line)
        for line in (tmp_path / "fhir" / "Patient.000.ndjson").read_text().splitlines()
    ]
    ids = {p["id"] for p in patients}
    assert {str(p.person_id) for p in PLANTED} <= ids
    assert counts["Patient"] == 500 and counts["Coverage"] == 500
    dead = next(p for p in patients if p["id"] == "22")
    assert dead["deceasedDateTime"]


def test_large_populations_are_written_in_parts_and_screen_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from b12pain.cohort import synth
    from b12pain.cohort.screen import screen

    generate_omop(tmp_path / "whole", 2500, seed=3)
    monkeypatch.setattr(synth, "CHUNK", 1000)
    counts = generate_omop(tmp_path / "parts", 2500, seed=3)
    assert len(list((tmp_path / "parts" / "measurement").glob("part-*.parquet"))) == 3
    assert counts["person"] == 2500
    whole = screen(tmp_path / "whole", "omop", synth.DEFAULT_AS_OF)
    parts = screen(tmp_path / "parts", "omop", synth.DEFAULT_AS_OF)
    keys = ["person_id", "rule_id", "index_date", "cumulative_days", "last_test_date"]
    assert whole.flags.select(keys).to_pylist() == parts.flags.select(keys).to_pylist()
