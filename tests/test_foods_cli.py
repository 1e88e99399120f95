"""`b12pain foods import|search|show` end to end, through the real CLI runner (exit codes, JSON)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from b12pain.cli.errors import run_guarded
from b12pain.cli.main import app
from test_foods_fdc import make_zip


def run(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "argv", ["b12pain", *args])
    code = run_guarded(app)
    out, err = capsys.readouterr()
    return code, out, err


def test_search_json(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(monkeypatch, capsys, "foods", "search", "salmon", "--json")
    assert code == 0
    results = json.loads(out)["results"]
    assert results[0]["description"].startswith("Salmon")
    assert (data_dir / "foods.sqlite").exists()


def test_search_table_and_richest(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(monkeypatch, capsys, "foods", "search", "egg")
    assert code == 0 and "Egg, whole, raw" in out
    code, out, _ = run(monkeypatch, capsys, "foods", "search", "--richest-for", "vegan", "--json")
    vegan = [r["food_id"] for r in json.loads(out)["results"]]
    assert code == 0 and vegan[0] == "starter-nutritional-yeast-fortified"
    assert "starter-cereal-fortified-25dv" in vegan


def test_show_json_has_per_portion_b12(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(monkeypatch, capsys, "foods", "show", "starter-01123", "--json")
    assert code == 0
    shown = json.loads(out)
    assert shown["food"]["b12_ug"] == 0.89
    large = next(p for p in shown["per_portion"] if p["portion"].startswith("1 large"))
    assert large["b12_ug"] == pytest.approx(0.445)


def test_bad_input_exits_2_without_traceback(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(monkeypatch, capsys, "foods", "show", "99999999")
    assert code == 2 and "food_id" in err and "Traceback" not in err
    code, out, _ = run(monkeypatch, capsys, "foods", "search", "", "--json")
    assert code == 2 and json.loads(out)["errors"][0]["field"] == "TEXT"
    code, out, err = run(monkeypatch, capsys, "foods", "import", str(data_dir / "missing.zip"))
    assert code == 2 and "no such file" in err


def test_import_fdc_json_report(
    data_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    archive = make_zip(tmp_path / "fdc.zip")
    code, out, _ = run(monkeypatch, capsys, "foods", "import", str(archive), "--json")
    assert code == 0
    result = json.loads(out)
    assert result["report"]["foods"] == 5
    assert result["database"]["fdc"] == {"foods": 5, "with_b12": 4}
    code, out, _ = run(monkeypatch, capsys, "foods", "import", str(archive))
    assert code == 0 and "Imported 5 foods (4 with a vitamin B12 value)" in out
    assert "Skipped rows:" in out


def test_search_table_keeps_ids_whole_at_80_columns(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    code, out, _ = run(monkeypatch, capsys, "foods", "search", "fortified cereal")
    assert code == 0
    assert all(len(line) <= 80 for line in out.splitlines())
    assert "starter-cereal-fortified-25dv" in out  # whole, so it can be copied
    header = next(line for line in out.splitlines() if line.strip().startswith("id"))
    assert header.index("B12") < header.index("food")  # B12 before the description
    code, out, _ = run(monkeypatch, capsys, "foods", "search", "nutritional yeast")
    assert "starter-nutritional-yeast-fortified" in out and "55.30" in out


def test_match_shows_food_grams_b12_and_alternatives(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(monkeypatch, capsys, "foods", "match", "1 glass milk")
    assert code == 0
    assert "1 glass milk → Milk, reduced fat, 2% milkfat  [starter-01079]" in out
    assert "244 g" in out and "vitamin B12: 1.29 µg" in out and "policy: a glass" in out
    assert "starter-01077" in out  # whole milk offered, with --food to pick it
    code, out, _ = run(
        monkeypatch, capsys, "foods", "match", "1 glass milk", "--food", "starter-01077"
    )
    assert code == 0 and "Milk, whole" in out
    code, out, _ = run(monkeypatch, capsys, "foods", "match", "salmn", "--json")
    assert code == 0 and json.loads(out)["match"]["did_you_mean"].startswith("Not sure")
    code, _, err = run(monkeypatch, capsys, "foods", "match", "2 slices egg")
    assert code == 2 and "no portion 'slice'" in err and "bug" not in err
