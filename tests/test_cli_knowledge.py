"""`b12pain sources` and `b12pain explain`: the bibliography and any entry, with citations."""

from __future__ import annotations

import io
import json
import sys

import pytest

from b12pain.cli.errors import run_guarded
from b12pain.cli.main import app
from b12pain.knowledge import load


def cli(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "argv", ["b12pain", *args])
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    code = run_guarded(app)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_sources_lists_the_whole_bibliography(monkeypatch, capsys) -> None:
    code, out, _ = cli(monkeypatch, capsys, "sources", "--json")
    assert code == 0
    payload = json.loads(out)
    assert {s["id"] for s in payload["sources"]} == set(load().sources)
    assert payload["knowledge_version"] == load().version
    assert all(s["level"] in {"P", "P*", "S", "policy"} for s in payload["sources"])


def test_sources_table(monkeypatch, capsys) -> None:
    code, out, _ = cli(monkeypatch, capsys, "sources")
    assert code == 0 and "ng239-bmj" in out


def test_explain_a_threshold_shows_values_and_citations(monkeypatch, capsys) -> None:
    code, out, _ = cli(monkeypatch, capsys, "explain", "threshold.total_b12.ng_l", "--json")
    assert code == 0
    payload = json.loads(out)
    assert payload["entry"]["deficiency_below"] == 180
    assert payload["entry"]["unlikely_above"] == 350
    assert payload["sources"] and all(s["title"] for s in payload["sources"])


def test_explain_text_and_source(monkeypatch, capsys) -> None:
    code, out, _ = cli(monkeypatch, capsys, "explain", "threshold.total_b12.ng_l")
    assert code == 0 and "Sources" in out
    code, out, _ = cli(monkeypatch, capsys, "explain", "ng239-bmj", "--json")
    assert code == 0
    assert "oral_cyanocobalamin_malabsorption" in json.loads(out)["cited_by"]


def test_explain_lists_ids_by_kind(monkeypatch, capsys) -> None:
    code, out, _ = cli(monkeypatch, capsys, "explain", "--list", "threshold", "--json")
    assert code == 0
    assert "threshold.total_b12.pmol_l" in json.loads(out)["threshold"]
    code, _, err = cli(monkeypatch, capsys, "explain", "--list", "nonsense")
    assert code == 2 and "--list: 'nonsense'; one of all," in err


def test_explain_unknown_id_suggests_close_ids(monkeypatch, capsys) -> None:
    code, _, err = cli(monkeypatch, capsys, "explain", "total_b12.ng")
    assert code == 2
    assert "did you mean:" in err and "threshold.total_b12.ng_l" in err
    code, _, err = cli(monkeypatch, capsys, "explain")
    assert code == 2 and "ID: missing" in err
