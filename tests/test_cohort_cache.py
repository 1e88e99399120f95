"""The CSV→Parquet conversion of an OMOP extract is cached privately and reused while the CSV
files are unchanged (keyed by size and modification time)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from b12pain.cohort.csvcache import CsvCache
from b12pain.cohort.screen import screen
from b12pain.cohort.synth import RULE_A
from cohort_helpers import AS_OF, METFORMIN, Omop


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_second_screen_reuses_the_conversion_and_a_change_invalidates_it(
    tmp_path: Path,
) -> None:
    old_umask = os.umask(0o022)  # a usual umask: without care, files would be 0644
    try:
        folder = Omop().person(1).drug(1, METFORMIN, -300, -100).write(tmp_path / "omop")
        cache = CsvCache(tmp_path / "data" / "cohort-cache")
        first = screen(folder, "omop", AS_OF, [RULE_A], cache=cache)
        files = sorted(cache.folder.glob("*.parquet"))
        assert len(files) == len(list(folder.glob("*.csv")))
        assert mode(cache.folder) == 0o700
        assert {mode(f) for f in files} == {0o600}
        stamps = {f: f.stat().st_mtime_ns for f in files}

        again = screen(folder, "omop", AS_OF, [RULE_A], cache=cache)
        assert again.flags.select(["person_id", "cumulative_days"]).to_pylist() == (
            first.flags.select(["person_id", "cumulative_days"]).to_pylist()
        )
        assert {f: f.stat().st_mtime_ns for f in cache.folder.glob("*.parquet")} == stamps

        # Change one CSV (size and mtime): only its conversion is redone, the old copy removed.
        Omop().person(1).drug(1, METFORMIN, -300, -50).write(folder)
        changed = screen(folder, "omop", AS_OF, [RULE_A], cache=cache)
        assert changed.flags.column("cumulative_days").to_pylist() == [251]
        now = sorted(cache.folder.glob("*.parquet"))
        assert len(now) == len(files)
        assert not list(cache.folder.glob(".converting-*"))
    finally:
        os.umask(old_umask)


def test_cli_uses_the_cache_in_the_data_folder(tmp_path: Path) -> None:
    from cohort_helpers import run_cli

    folder = Omop().person(1).drug(1, METFORMIN, -300, -100).write(tmp_path / "omop")
    env = {**os.environ, "B12PAIN_DATA_DIR": str(tmp_path / "data")}
    args = ("screen", "--input", str(folder), "--as-of", AS_OF.isoformat())
    done = run_cli(*args, "--out", str(tmp_path / "a.csv"), env=env)
    assert done.returncode == 0, done.stderr
    assert list((tmp_path / "data" / "cohort-cache").glob("*.parquet"))
    off = run_cli(
        *args,
        "--out",
        str(tmp_path / "b.csv"),
        "--no-cache",
        env={**env, "B12PAIN_DATA_DIR": str(tmp_path / "other")},
    )
    assert off.returncode == 0, off.stderr
    assert not (tmp_path / "other" / "cohort-cache").exists()
