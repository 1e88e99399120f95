"""Any word typed into `report`, `plan ics`, `export --csv` or `import --csv`, and any bytes in a
CSV file, are answered with exit 0 or 2 and a clean message, never a traceback (issue 17)."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from b12pain.cli.errors import run_guarded
from b12pain.cli.main import app

FUZZ = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def run(monkeypatch, capsys, *args: str) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "argv", ["b12pain", *args])
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    code = run_guarded(app)
    out = capsys.readouterr()
    return code, out.out, out.err


def assert_clean(code: int, out: str, err: str) -> None:
    assert code in (0, 2), (code, out[-500:], err[-500:])
    assert "bug in b12pain" not in err and "Traceback" not in err, err[-800:]


WORD_COMMANDS = [
    ["report", "--from", "WORD"],
    ["report", "--to", "WORD"],
    ["report", "--since", "WORD"],
    ["report", "--pdf", "WORD"],
    ["plan", "ics", "OUT", "--zone", "WORD"],
    ["plan", "ics", "OUT", "--at", "WORD"],
    ["plan", "ics", "WORD"],
    ["export", "--csv", "WORD"],
    ["import", "--csv", "WORD"],
]


@pytest.mark.parametrize("template", WORD_COMMANDS, ids=" ".join)
@FUZZ
@given(word=st.text(max_size=40).filter(lambda w: not w.startswith("-")))
def test_any_word_is_answered_cleanly(
    template: list[str], word: str, data_dir: Path, tmp_path: Path, monkeypatch, capsys
) -> None:
    monkeypatch.chdir(tmp_path)  # relative paths typed land in the test's own folder
    args = [
        word if a == "WORD" else str(tmp_path / "out.ics") if a == "OUT" else a for a in template
    ]
    assert_clean(*run(monkeypatch, capsys, *args))


@FUZZ
@given(
    name=st.sampled_from(["pain.csv", "sleep.csv", "plan.csv", "instrument-dn4.csv", "x.csv"]),
    data=st.binary(max_size=400) | st.text(max_size=400).map(str.encode),
)
def test_any_bytes_as_a_csv_file_are_answered_cleanly(
    name: str, data: bytes, data_dir: Path, tmp_path: Path, monkeypatch, capsys
) -> None:
    folder = tmp_path / "csv"
    folder.mkdir(exist_ok=True)
    for old in folder.iterdir():
        old.unlink()
    (folder / name).write_bytes(data)
    code, out, err = run(monkeypatch, capsys, "import", "--csv", str(folder))
    assert_clean(code, out, err)
    assert code == 2 or not data.strip()  # random bytes are never a valid journal
