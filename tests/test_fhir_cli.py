"""`b12pain fhir export FILE [--from --to]` and `b12pain fhir import FILE`."""

from __future__ import annotations

import json
import stat
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from b12pain.cli.errors import run_guarded
from b12pain.cli.main import app
from fhir_journal import filled_journal


@pytest.fixture
def runner(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> SimpleNamespace:
    """`runner.invoke(app, args)` through the real entry point (exit codes, clean errors)."""

    def invoke(_app: object, args: list[str]) -> SimpleNamespace:
        monkeypatch.setattr(sys, "argv", ["b12pain", *args])
        code = run_guarded(app)
        captured = capsys.readouterr()
        return SimpleNamespace(exit_code=code, output=captured.out + captured.err)

    return SimpleNamespace(invoke=invoke)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    filled_journal(folder).close()
    return folder


def test_export_then_import_into_another_journal(
    runner: SimpleNamespace, data_dir: Path, tmp_path: Path
) -> None:
    target = tmp_path / "bundle.json"
    # The journal file name the fixture uses is the default one in --data-dir.
    result = runner.invoke(
        app, ["fhir", "export", str(target), "--data-dir", str(data_dir), "--json"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["exported"] > 10
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert json.loads(target.read_text())["resourceType"] == "Bundle"
    other = tmp_path / "other"
    other.mkdir()
    result = runner.invoke(app, ["fhir", "import", str(target), "--data-dir", str(other)])
    assert result.exit_code == 0, result.output
    assert "Imported 8 blood-test results." in result.output
    assert "Imported 2 pain ratings." in result.output
    assert "Imported 1 questionnaire." in result.output
    assert "Not imported: 1 MedicationRequest resource " in result.output


def test_export_date_range(runner: SimpleNamespace, data_dir: Path, tmp_path: Path) -> None:
    target = tmp_path / "week.json"
    result = runner.invoke(
        app,
        ["fhir", "export", str(target), "--from", "2026-11-06", "--to", "2026-11-07",
         "--data-dir", str(data_dir)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    kinds = [e["resource"]["resourceType"] for e in json.loads(target.read_text())["entry"]]
    assert kinds.count("Observation") == 2


def test_import_refusal_exits_2_naming_resource_and_path(
    runner: SimpleNamespace, tmp_path: Path
) -> None:
    source = tmp_path / "bad.json"
    source.write_text(json.dumps({
        "resourceType": "Observation", "id": "glucose", "status": "final",
        "code": {"coding": [{"system": "http://loinc.org", "code": "2345-7"}]},
        "valueQuantity": {"value": 5, "unit": "mmol/L"},
    }))  # fmt: skip
    result = runner.invoke(app, ["fhir", "import", str(source), "--data-dir", str(tmp_path)])
    assert result.exit_code == 2
    assert "Observation/glucose code.coding" in result.output
    assert "2132-9" in result.output
    assert "Traceback" not in result.output


def test_bad_dates_exit_2(runner: SimpleNamespace, tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["fhir", "export", str(tmp_path / "x.json"), "--from", "2026-02-30",
              "--data-dir", str(tmp_path)],
    )  # fmt: skip
    assert result.exit_code == 2
    assert "--from" in result.output
