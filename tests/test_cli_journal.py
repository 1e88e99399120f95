"""The journal's CLI: log, history, plan, today, insights, export/import, backup, delete-all,
and `labs_add` for `b12pain labs add`. Runs the real app in-process through the same guard as
the console script, so exit codes and messages are what a user sees."""

from __future__ import annotations

import json
import sqlite3
import sys
from pathlib import Path
from typing import Any

import pytest

from b12pain.cli.errors import run_guarded
from b12pain.cli.journal_cmds import labs_add
from b12pain.cli.main import app
from b12pain.errors import InputError


class Cli:
    def __init__(self, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch):
        self.capsys, self.monkeypatch = capsys, monkeypatch

    def __call__(self, *args: str) -> tuple[int, str, str]:
        self.monkeypatch.setattr(sys, "argv", ["b12pain", *args])
        code = run_guarded(app)
        captured = self.capsys.readouterr()
        return code, captured.out, captured.err

    def json(self, *args: str) -> Any:
        code, out, err = self(*args, "--json")
        assert code == 0, err
        return json.loads(out)


@pytest.fixture
def cli(data_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Cli:
    return Cli(capsys, monkeypatch)


def test_log_pain_then_history(cli: Cli, data_dir: Path) -> None:
    code, out, _ = cli(
        "log",
        "pain",
        "6",
        "--regions",
        "feet,hands",
        "--type",
        "burning",
        "--note",
        "worse at night",
        "--at",
        "2026-11-20T21:30+01:00",
    )
    assert code == 0 and "pain 6/10 (burning) in feet, hands" in out
    (entry,) = cli.json("history")["entries"]
    assert entry["nrs"] == 6 and entry["regions"] == ["feet", "hands"]
    assert entry["note"] == "worse at night" and entry["at"] == "2026-11-20T21:30:00+01:00"
    assert (data_dir / "journal.sqlite").exists()
    assert cli.json("history", "--from", "2026-11-21")["entries"] == []
    code, out, _ = cli("history", "--all")  # the default is one line a day (issue 13)
    assert "worse at night" in out


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["log", "pain", "11"], "nrs: 11"),
        (["log", "pain", "5", "--regions", "knee"], "regions"),
        (["log", "pain", "5", "--at", "yesterday"], "at: 'yesterday'"),
        (["log", "sleep", "30"], "hours: 30"),
        (["log", "stress", "12"], "level: 12"),
        (["log", "dose"], "form"),
        (["log", "dose", "--form", "oral", "--site", "deltoid_left"], "site"),
        (["plan", "start", "megadose"], "regimen: 'megadose'"),
        (["plan", "start", "oral_cyanocobalamin_dietary", "--amount", "5000"], "amount: 5000"),
        (["history", "--from", "1st of May"], "from"),
        (["delete-all"], "--yes"),
    ],
)
def test_bad_input_exits_2_with_the_field_and_writes_nothing(
    cli: Cli, args: list[str], field: str
) -> None:
    code, out, err = cli(*args)
    assert code == 2 and field in err and "Traceback" not in err + out
    assert cli.json("history")["entries"] == []


def test_errors_as_json(cli: Cli) -> None:
    code, out, _ = cli("log", "mood", "7", "--json")
    assert code == 2
    (problem,) = json.loads(out)["errors"]
    assert problem["field"] == "level" and problem["value"] == 7


def test_plan_dose_and_today(cli: Cli) -> None:
    plan = cli.json(
        "plan",
        "start",
        "oral_cyanocobalamin_dietary",
        "--amount",
        "50",
        "--start",
        "2026-11-01",
        "--stock",
        "30",
    )["saved"]
    due = cli.json("today", "--today", "2026-11-24")["due"]
    assert [(d["kind"], d["done"]) for d in due] == [("dose", False)]
    dose = cli.json("log", "dose", "--at", "2026-11-24T08:00+00:00")["saved"]
    assert (dose["plan_uid"], dose["form"], dose["amount_ug"]) == (plan["uid"], "oral", 50.0)
    due = cli.json("today", "--today", "2026-11-24")["due"]
    assert due[0]["done"] is True and due[0]["stock"]["remaining"] == 29
    code, out, _ = cli("today", "--today", plan["review_on"])
    assert "[due]" in out and "review with your clinician" in out and "follow-up check" in out
    assert cli.json("plan", "list")["plans"][0]["uid"] == plan["uid"]
    cli("plan", "stock", "90", "--at", "2026-11-24T20:00+00:00", "--note", "new box")
    cli("log", "dose", "--at", "2026-11-25T08:00+00:00")
    due = cli.json("today", "--today", "2026-11-25")["due"]
    assert due[0]["stock"]["remaining"] == 89  # the count, less the one dose taken since
    code, _, err = cli("plan", "stock", "-3")
    assert code == 2 and "units" in err
    code, _, err = cli("log", "dose", "--plan", "ffff")
    assert code == 2 and "plan" in err


def test_injection_plan_lists_its_schedule(cli: Cli) -> None:
    code, out, err = cli("plan", "start", "im_hydroxocobalamin_no_neuro", "--start", "2026-11-24")
    assert code == 0, err
    assert "2026-11-26" in out and "loading" in out
    due = cli.json("today", "--today", "2026-11-26")["due"]
    assert [d["kind"] for d in due] == ["dose"]
    assert cli.json("today", "--today", "2026-11-25")["due"] == []


def test_lifestyle_and_insights(cli: Cli) -> None:
    for args in (
        ["sleep", "6.5", "--quality", "2"],
        ["exercise", "30", "--kind", "walking"],
        ["stress", "7"],
        ["mood", "3"],
        ["symptoms", "tingling,fatigue"],
    ):
        code, _, err = cli("log", *args, "--at", "2026-11-20T08:00+00:00")
        assert code == 0, err
    cli("log", "pain", "5", "--at", "2026-11-20T09:00+00:00")
    board = cli.json("insights", "--today", "2026-11-24")
    assert board["daily_pain"] == {"2026-11-20": 5.0}
    assert board["helping"]["status"] == "no_supplement"
    assert [f["status"] for f in board["factors"]] == ["not_enough_data"] * 4
    assert "Not medical advice" in board["disclaimer"]
    code, out, _ = cli("insights", "--today", "2026-11-24")
    assert code == 0 and "Not enough data yet" in out and "Not medical advice" in out


def test_log_food_uses_the_food_database(cli: Cli) -> None:
    saved = cli.json("log", "food", "2 eggs")["saved"]
    assert saved["grams"] > 0 and saved["b12_ug"] is not None and saved["b12_ug"] > 0
    assert saved["amount_text"] == "2 eggs"
    cereal = cli.json("log", "food", "1 cup fortified cereal")["saved"]
    assert cereal["b12_added_ug"] > 0  # kept for the natural vs added split of intake


def test_comment_on_an_entry(cli: Cli) -> None:
    entry = cli.json("log", "pain", "4")["saved"]
    code, _, err = cli("log", "comment", entry["uid"][:8], "eased after a walk")
    assert code == 0, err
    (stored,) = cli.json("history")["entries"]
    assert [c["text"] for c in stored["comments"]] == ["eased after a walk"]
    assert cli("log", "comment", "00000000", "x")[0] == 2


def test_export_import_round_trip_and_delete_all(cli: Cli, tmp_path: Path) -> None:
    cli("log", "pain", "6", "--note", "é ü ✓")
    cli("log", "sleep", "7")
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    assert cli.json("export", str(first))["exported"] == 2
    assert cli.json("delete-all", "--yes")["deleted"] == 2
    assert cli.json("history")["entries"] == []
    assert cli.json("import", str(first))["imported"] == 2
    cli("export", str(second))
    assert first.read_bytes() == second.read_bytes()
    code, _, err = cli("import", str(first))  # the same entries again: refused, nothing added
    assert code == 2 and "refused" in err
    assert len(cli.json("history")["entries"]) == 2


def test_import_of_a_bad_file_names_the_entries(cli: Cli, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(
        json.dumps(
            {
                "schema": "b12pain.journal/1",
                "entries": [
                    {"kind": "pain", "at": "2026-11-01T09:00:00+00:00", "nrs": 3},
                    {"kind": "pain", "at": "2026-11-01T10:00:00+00:00", "nrs": 30},
                ],
            }
        ),
        encoding="utf-8",
    )
    code, _, err = cli("import", str(bad))
    assert code == 2 and "entries[1].nrs: 30" in err
    assert cli.json("history")["entries"] == []


def test_backup_is_a_sound_copy(cli: Cli, tmp_path: Path) -> None:
    cli("log", "pain", "3")
    path = Path(cli.json("backup", "--to", str(tmp_path / "bk"))["backup"])
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("SELECT count(*) FROM pain_entries").fetchone() == (1,)


def test_data_dir_option_moves_the_journal(cli: Cli, tmp_path: Path, data_dir: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    cli("log", "pain", "2", "--data-dir", str(elsewhere))
    assert (elsewhere / "journal.sqlite").exists() and not (data_dir / "journal.sqlite").exists()
    assert len(cli.json("history", "--data-dir", str(elsewhere))["entries"]) == 1


def test_database_url_selects_the_server(
    cli: Cli, journal_url: str, monkeypatch: pytest.MonkeyPatch, data_dir: Path
) -> None:
    monkeypatch.setenv("B12PAIN_DATABASE_URL", journal_url)
    cli("log", "pain", "7", "--regions", "lower_back")
    (entry,) = cli.json("history")["entries"]
    assert entry["regions"] == ["lower_back"]
    assert not (data_dir / "journal.sqlite").exists()


def test_labs_add_stores_and_validates(cli: Cli, capsys: pytest.CaptureFixture[str]) -> None:
    labs_add("total_b12", 180, "pmol/l", "2026-11-01", "City Lab", "145-569 pmol/L", None, True)
    saved = json.loads(capsys.readouterr().out)["saved"]
    assert (saved["unit"], saved["taken_on"], saved["lab"]) == ("pmol/L", "2026-11-01", "City Lab")
    with pytest.raises(InputError) as error:
        labs_add("total_b12", 180, "mg", None, None, None, None, False)
    assert error.value.problems[0].field == "unit"
    with pytest.raises(InputError) as error:
        labs_add("total_b12", 180, "ng/L", "01/11/2026", None, None, None, False)
    assert error.value.problems[0].field == "date"
    assert len(cli.json("history", "--kind", "lab")["entries"]) == 1


PROFILE = """\
age: 58
sex: female
diet: vegan
medications: [metformin]
symptoms: [tingling, burning]
labs:
  - {test: total_b12, value: 150, unit: ng/L, date: 2026-11-01}
"""


def test_profile_versions_and_saved_assessment(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "me.yaml"
    path.write_text(PROFILE, encoding="utf-8")
    first = cli.json("log", "profile", str(path))
    assert first["version"] == 1 and first["assessment"] is None
    path.write_text(PROFILE.replace("age: 58", "age: 59"), encoding="utf-8")
    second = cli.json("log", "profile", str(path), "--assess", "--today", "2026-11-24")
    assert second["version"] == 2 and second["saved"]["profile"]["age"] == 59
    saved = second["assessment"]
    assert saved["knowledge_version"] == saved["assessment"]["knowledge_version"]
    assert saved["assessment"]["schema"] == "b12pain.assessment/1"
    code, out, _ = cli("log", "profile", str(path), "--assess", "--today", "2026-11-24")
    if saved["assessment"]["red_flags"]:
        assert out.startswith("RED FLAG")  # red flags come first
    assert "not medical advice" in out.lower()
    kinds = [e["kind"] for e in cli.json("history")["entries"]]
    assert kinds.count("profile") == 3 and kinds.count("assessment") == 2
    path.write_text("age: 300\n", encoding="utf-8")
    code, _, err = cli("log", "profile", str(path))
    assert code == 2 and "age: 300" in err
    assert [e["kind"] for e in cli.json("history")["entries"]].count("profile") == 3


def test_log_instrument_scores_and_stores(cli: Cli) -> None:
    saved = cli.json("log", "instrument", "nrs", '{"nrs": 6}')
    assert saved["saved"]["score"] == 6 and saved["saved"]["answers"]["nrs"] == 6
    code, _, err = cli("log", "instrument", "nrs", '{"nrs": 16}')
    assert code == 2 and "nrs: 16" in err
    code, _, err = cli("log", "instrument", "nrs", "not json")
    assert code == 2 and "answers" in err
    assert len(cli.json("history", "--kind", "instrument")["entries"]) == 1


def test_insights_compare_intake_only_with_a_saved_profile(cli: Cli, tmp_path: Path) -> None:
    cli("log", "food", "2 eggs", "--at", "2026-11-23T08:00+00:00")
    board = cli.json("insights", "--today", "2026-11-24")
    assert board["intake"] is None and board["foods_logged"] == 1
    code, out, _ = cli("insights", "--today", "2026-11-24")
    assert code == 0 and "save a profile" in out
    path = tmp_path / "me.yaml"
    path.write_text(PROFILE, encoding="utf-8")
    cli("log", "profile", str(path))
    intake = cli.json("insights", "--today", "2026-11-24")["intake"]
    assert intake["foods"] == 1 and intake["target"]["citations"]


def test_unwritable_export_and_missing_import_are_clean_errors(cli: Cli, tmp_path: Path) -> None:
    code, out, err = cli("export", str(tmp_path / "no" / "such" / "dir" / "j.json"))
    assert code == 2 and "cannot be written" in err and "Traceback" not in out + err
    code, _, err = cli("import", str(tmp_path))
    assert code == 2 and "folder" in err
    code, _, err = cli("import", str(tmp_path / "missing.json"))
    assert code == 2 and "no such file" in err


def test_my_supplement_change_stop_and_list(cli: Cli) -> None:
    """Issue 13: the supplements people buy, through the thin CLI over `service.plans`."""
    code, out, err = cli("plan", "mine", "1000", "--stock", "60", "--name", "B12 1000")
    assert code == 0, err
    assert "plan B12 1000: 1000 µg oral" in out
    assert "NICE floor for absorption problems" in out and "Not medical advice" in out
    saved = cli.json("plan", "mine", "500", "--form", "lozenge", "--every", "weekly")
    assert saved["saved"]["form"] == "sublingual" and saved["saved"]["every_days"] == 7
    assert saved["comparison"]["text"] and saved["comparison"]["regimens"]
    assert cli("log", "dose", "--plan", saved["saved"]["uid"][:8])[0] == 0
    listed = cli.json("plan", "list")["plans"]
    assert [p["regimen_id"] for p in listed] == [None, None]
    assert listed[1]["adherence"]["taken"] == 1 and listed[0]["stock"]["remaining"] == 60
    code, out, _ = cli("plan", "stop", "--plan", saved["saved"]["uid"][:8])
    assert code == 0 and "stopped from" in out
    code, _, err = cli("plan", "stop", "--plan", saved["saved"]["uid"][:8])
    assert code == 2 and "stopped already" in err
    changed = cli.json("plan", "change", "--amount", "250", "--every", "every 2 days")
    assert changed["saved"]["amount_ug"] == 250 and changed["replaced"] == listed[0]["uid"]
    code, _, err = cli("plan", "mine", "999999")
    assert code == 2 and "amount: 999999" in err and "policy" in err
    code, _, err = cli("plan", "start", "oral_cyanocobalamin_dietary", "--amount", "1000")
    assert code == 2 and "oral_cyanocobalamin_malabsorption" in err and "your own" in err


def test_edit_delete_and_undo_one_entry(cli: Cli) -> None:
    entry = cli.json("log", "pain", "6", "--note", "night")["saved"]
    short = entry["uid"][:8]
    edited = cli.json("edit", short, "--set", "nrs=4", "--set", "regions=feet,hands")["saved"]
    assert (edited["nrs"], edited["regions"], edited["uid"]) == (4, ["feet", "hands"], entry["uid"])
    code, out, _ = cli("delete", short)
    assert code == 0 and "b12pain undo" in out and "delete-all" not in out
    assert cli.json("history")["entries"] == []
    assert cli.json("undo")["undone"] == "delete"
    assert cli.json("undo")["entry"]["nrs"] == 6
    code, _, err = cli("undo")
    assert code == 2 and "no edit or delete to undo" in err
    code, _, err = cli("edit", short, "--set", "nrs=40")
    assert code == 2 and "nrs: 40" in err
    code, _, err = cli("delete", "00000000")
    assert code == 2 and "entry" in err
