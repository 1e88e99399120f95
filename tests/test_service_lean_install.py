"""Lean install: the core (knowledge, clinical, instruments, journal on SQLite, the service layer)
imports and works with every optional package blocked, and a feature whose package is missing
names the extra to install. Each check runs in a fresh interpreter whose import system refuses
the blocked packages, as if they were not installed."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

#: Every optional package of pyproject's extras (cli, cohort, spark, postgres, web, pdf, fhir,
#: ical), plus pandas (dev only).
OPTIONAL = (
    "typer", "rich", "click", "duckdb", "pyarrow", "pyspark", "psycopg", "fastapi", "starlette",
    "uvicorn", "jinja2", "multipart", "pydantic_settings", "argon2", "asgi_csrf", "jwt", "typst",
    "vl_convert", "fhir", "ical", "pandas",
)  # fmt: skip

BLOCKER = """
import importlib.abc, sys
BLOCKED = set({blocked!r})
class Blocker(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ModuleNotFoundError(f"No module named {{name!r}}", name=name)
        return None
sys.meta_path.insert(0, Blocker())
"""


def run_blocked(
    code: str, blocked: tuple[str, ...], data_dir: Path
) -> subprocess.CompletedProcess[str]:
    program = BLOCKER.format(blocked=sorted(blocked)) + textwrap.dedent(code)
    env = {**os.environ, "B12PAIN_DATA_DIR": str(data_dir)}
    env.pop("B12PAIN_DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, env=env, timeout=300
    )


CORE = """
import datetime as dt
import b12pain
from b12pain import assess, parse_profile
from b12pain.instruments import score
profile = parse_profile({"age": 58, "diet": "vegan", "symptoms": ["tingling"],
    "labs": [{"test": "total_b12", "value": 150, "unit": "ng/L"}]})
result = assess(profile, dt.date(2026, 11, 24))
assert result.labs[0].band and result.disclaimer
assert score("nrs", {"nrs": 6}).score == 6
import b12pain.knowledge, b12pain.clinical, b12pain.insights, b12pain.foods, b12pain.journal
import b12pain.presentation.entries
from b12pain.knowledge import load
from b12pain.service import diary, labs, plans, profile as profiles, intake, insights, transfer
from b12pain.service.context import local_session
now = dt.datetime(2026, 11, 24, 9, tzinfo=dt.UTC)
with local_session(now) as ctx:
    diary.log_pain(ctx, diary.PainInput(5))
    plans.record_own_supplement(ctx, plans.OwnSupplementInput(1000))
    assert insights.insights(ctx).daily_pain
    assert transfer.export_journal(ctx)["entries"]
blocked = sorted(m for m in sys.modules if m.split(".")[0] in BLOCKED)
assert not blocked, blocked
print("core ok")
"""


def test_the_core_imports_and_works_without_any_optional_package(tmp_path: Path) -> None:
    done = run_blocked(CORE, OPTIONAL, tmp_path)
    assert done.returncode == 0, done.stderr
    assert "core ok" in done.stdout


def test_the_blocker_really_blocks(tmp_path: Path) -> None:
    done = run_blocked("import duckdb", OPTIONAL, tmp_path)
    assert done.returncode != 0 and "ModuleNotFoundError" in done.stderr


def test_the_command_without_the_cli_extra_says_what_to_install(tmp_path: Path) -> None:
    done = run_blocked(
        "import sys; sys.argv = ['b12pain', '--help']\nfrom b12pain.cli.main import run\nrun()",
        ("typer", "rich", "click"),
        tmp_path,
    )
    assert done.returncode == 2 and "b12pain[cli]" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("blocked", "args", "extra"),
    [
        (
            ("pyspark",),
            ["screen", "--input", "{folder}", "--out", "{folder}/f.parquet", "--engine", "spark"],
            "b12pain[spark]",
        ),
        (
            ("duckdb", "pyarrow", "pyspark"),
            ["screen", "--input", "{folder}", "--out", "{folder}/f.parquet"],
            "b12pain[cohort]",
        ),
    ],
)
def test_a_feature_without_its_package_names_the_extra(
    tmp_path: Path, blocked: tuple[str, ...], args: list[str], extra: str
) -> None:
    argv = [a.format(folder=tmp_path) for a in args]
    code = f"import sys; sys.argv = ['b12pain', *{argv!r}]\nfrom b12pain.cli.main import run\nrun()"
    done = run_blocked(code, blocked, tmp_path)
    assert done.returncode == 2, done.stderr
    assert extra in done.stderr and "bug" not in done.stderr and "Traceback" not in done.stderr


def test_an_optional_import_error_names_its_extra() -> None:
    from b12pain.extras import extra_for, missing_package_problem

    assert extra_for("pyspark.sql") == "spark" and extra_for("yaml") is None
    problem = missing_package_problem(
        ModuleNotFoundError("No module named 'psycopg'", name="psycopg")
    )
    assert problem is not None and "b12pain[postgres]" in problem.message
