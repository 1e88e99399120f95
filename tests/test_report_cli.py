"""`b12pain report`, `b12pain plan ics`, `export --csv` and `import --csv`, run as a person runs
them (the installed command in a subprocess, a real journal folder)."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from ical.calendar_stream import IcsCalendarStream

import reportdata as rd
from b12pain.service import diary, labs, plans
from b12pain.service.context import open_store

TODAY = dt.date.today()


def run(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "B12PAIN_DATA_DIR": str(data_dir)}
    env.pop("B12PAIN_DATABASE_URL", None)
    code = "import sys; from b12pain.cli.main import run; sys.argv[0] = 'b12pain'; run()"
    return subprocess.run(
        [sys.executable, "-c", code, *args, "--data-dir", str(data_dir)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


@pytest.fixture(scope="module")
def journal(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A few weeks of entries up to today, written through the service layer."""
    folder = tmp_path_factory.mktemp("cli-journal")
    store = open_store(data_dir=folder)
    start = TODAY - dt.timedelta(days=40)
    ctx = rd.context_at(store, rd.at(start, 8))
    from b12pain.service.profile import save_profile

    save_profile(ctx, rd.PROFILE)
    labs.add_lab(
        ctx, labs.LabInput("total_b12", 190, "ng/L", taken_on=start, reference_range="180-900")
    )
    plan = plans.start_plan(
        ctx,
        plans.PlanFromRegimen(
            "im_hydroxocobalamin_no_neuro", starts_on=start + dt.timedelta(days=10)
        ),
    )
    for offset in range(40):
        day = start + dt.timedelta(days=offset)
        day_ctx = rd.context_at(store, rd.at(day, 21))
        note = "=cmd|' /C calc'!A0" if offset == 3 else None
        diary.log_pain(
            day_ctx, diary.PainInput(nrs=6 if offset < 20 else 4, note=note, at=rd.at(day, 20))
        )
        if day in {s.date for s in plan.schedule if s.kind == "dose"}:
            plans.log_dose(day_ctx, plans.DoseInput(plan=plan.uid, at=rd.at(day, 10)))
    store.close()
    return folder


def test_report_writes_private_pdf_and_html(journal: Path, tmp_path: Path) -> None:
    pdf, html = tmp_path / "r.pdf", tmp_path / "r.html"
    first = (TODAY - dt.timedelta(days=40)).isoformat()
    done = run(
        "report",
        "--from",
        first,
        "--to",
        TODAY.isoformat(),
        "--pdf",
        str(pdf),
        "--html",
        str(html),
        data_dir=journal,
    )
    assert done.returncode == 0, done.stderr
    assert pdf.read_bytes().startswith(b"%PDF") and "<!DOCTYPE html>" in html.read_text()
    assert stat.S_IMODE(pdf.stat().st_mode) == 0o600 == stat.S_IMODE(html.stat().st_mode)
    assert "Not medical advice" in done.stdout
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True
        ).stdout
        assert f"Period {first} to {TODAY.isoformat()}" in text
        assert "190 ng/L" in text and "180-900" in text


def test_report_without_files_prints_page_one(journal: Path) -> None:
    done = run("report", data_dir=journal)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert (
        out.index("RED FLAGS") < out.index("CURRENT B12 STATUS") < out.index("QUESTIONS TO DISCUSS")
    )
    assert "hydroxocobalamin (regimen R3)" in out


def test_report_json(journal: Path) -> None:
    done = run("report", "--json", data_dir=journal)
    data = json.loads(done.stdout)
    assert data["to"] == TODAY.isoformat() and data["red_flags"] == [] and data["disclaimer"]


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (("--from", "2026-05-01", "--to", "2026-04-01"), "to"),
        (("--to", "2026-13-01"), "to"),
        (("--from", "yesterday"), "from"),
        (("--to", (TODAY + dt.timedelta(days=2)).isoformat()), "to"),
    ],
)
def test_bad_dates_are_refused_by_field(journal: Path, args: tuple[str, ...], field: str) -> None:
    done = run("report", *args, "--json", data_dir=journal)
    assert done.returncode == 2
    assert json.loads(done.stdout)["errors"][0]["field"] == field
    assert "Traceback" not in done.stderr


def test_plan_ics(journal: Path, tmp_path: Path) -> None:
    path = tmp_path / "plan.ics"
    done = run(
        "plan", "ics", str(path), "--zone", "Europe/Paris", "--at", "08:30", data_dir=journal
    )
    assert done.returncode == 0, done.stderr
    calendar = IcsCalendarStream.calendar_from_ics(path.read_text())
    assert [tz.tz_id for tz in calendar.timezones] == ["Europe/Paris"]
    starts = {e.dtstart.time() for e in calendar.events if isinstance(e.dtstart, dt.datetime)}
    assert starts == {dt.time(8, 30)}
    refused = run(
        "plan", "ics", str(path), "--zone", "Nowhere/Atlantis", "--json", data_dir=journal
    )
    assert refused.returncode == 2 and json.loads(refused.stdout)["errors"][0]["field"] == "zone"


def test_export_and_import_csv(journal: Path, tmp_path: Path) -> None:
    folder = tmp_path / "csv"
    done = run("export", "--csv", str(folder), data_dir=journal)
    assert done.returncode == 0, done.stderr
    assert (folder / "pain.csv").exists() and (folder / "plan.csv").exists()
    assert "'=cmd|' /C calc'!A0" in (folder / "pain.csv").read_text("utf-8-sig")
    other = tmp_path / "other"
    imported = run("import", "--csv", str(folder), "--json", data_dir=other)
    assert imported.returncode == 0, imported.stderr
    assert json.loads(imported.stdout)["imported"] > 40
    again = run("import", "--csv", str(folder), data_dir=other)
    assert again.returncode == 2 and "error:" in again.stderr and "Traceback" not in again.stderr


def test_export_needs_exactly_one_target(journal: Path, tmp_path: Path) -> None:
    neither = run("export", "--json", data_dir=journal)
    assert neither.returncode == 2 and json.loads(neither.stdout)["errors"][0]["field"] == "file"
    both = run("export", str(tmp_path / "x.json"), "--csv", str(tmp_path / "d"), data_dir=journal)
    assert both.returncode == 2 and "not both" in both.stderr


def test_bad_targets_are_refused_by_field(journal: Path, tmp_path: Path) -> None:
    missing = run(
        "report", "--pdf", str(tmp_path / "no-such-folder" / "r.pdf"), "--json", data_dir=journal
    )
    assert missing.returncode == 2 and json.loads(missing.stdout)["errors"][0]["field"] == "--pdf"
    folder = run("report", "--html", str(tmp_path), "--json", data_dir=journal)
    assert folder.returncode == 2 and json.loads(folder.stdout)["errors"][0]["field"] == "--html"
    inside = run("export", "--csv", str(journal / "csv"), "--json", data_dir=journal)
    assert inside.returncode == 2 and json.loads(inside.stdout)["errors"][0]["field"] == "--csv"
    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    onto_file = run("export", "--csv", str(a_file), data_dir=journal)
    assert onto_file.returncode == 2 and "Traceback" not in onto_file.stderr
    no_folder = run("import", "--csv", str(tmp_path / "nothing-here"), "--json", data_dir=journal)
    assert (
        no_folder.returncode == 2 and json.loads(no_folder.stdout)["errors"][0]["field"] == "folder"
    )
    ics = run("plan", "ics", str(tmp_path / "nope" / "x.ics"), data_dir=journal)
    assert ics.returncode == 2 and "Traceback" not in ics.stderr


def test_copies_are_noted_for_delete_all(journal: Path, tmp_path: Path) -> None:
    pdf = tmp_path / "noted.pdf"
    assert run("report", "--pdf", str(pdf), data_dir=journal).returncode == 0
    ledger = (journal / "copies-made.txt").read_text()
    assert str(pdf.resolve()) in ledger
