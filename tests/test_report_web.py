"""The web app's downloads (issue 17): the report as a page and as PDF, the calendar feed and
the CSV archive, served in process by the real app over a real journal file."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from ical.calendar_stream import IcsCalendarStream

import reportdata as rd
from b12pain.service import diary, labs, plans
from b12pain.service.context import open_store
from b12pain.service.reports import import_csv
from b12pain.service.transfer import export_journal
from b12pain.web import Settings, create_app

TODAY = dt.date.today()
START = TODAY - dt.timedelta(days=30)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    store = open_store(data_dir=folder)
    ctx = rd.context_at(store, rd.at(START, 9))
    labs.add_lab(
        ctx, labs.LabInput("total_b12", 170, "ng/L", taken_on=START, reference_range="180-900")
    )
    plans.start_plan(
        ctx, plans.PlanFromRegimen("oral_cyanocobalamin_malabsorption", starts_on=START)
    )
    for offset in range(30):
        day = START + dt.timedelta(days=offset)
        day_ctx = rd.context_at(store, rd.at(day, 21))
        note = "<script>alert('x')</script> #set text(red)" if offset == 2 else None
        diary.log_pain(day_ctx, diary.PainInput(nrs=5, note=note, at=rd.at(day, 20)))
    store.close()
    return folder


@pytest.fixture
def client(data_dir: Path) -> Iterator[TestClient]:
    with TestClient(
        create_app(Settings(data_dir=data_dir)), raise_server_exceptions=False
    ) as test_client:
        yield test_client


def test_report_page_is_the_report_with_text_escaped(client: TestClient) -> None:
    page = client.get("/report", params={"from": START.isoformat(), "to": TODAY.isoformat()})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    html = page.text
    assert "summary for the clinician" in html and "170 ng/L" in html and "180-900" in html
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; #set text(red)" in html


def test_report_pdf_download(client: TestClient) -> None:
    answer = client.get("/report.pdf")
    assert answer.status_code == 200 and answer.headers["content-type"] == "application/pdf"
    assert answer.headers["content-disposition"].startswith("attachment;")
    assert answer.content.startswith(b"%PDF")


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": "2026-13-01"}, "from"),
        ({"from": "2026-05-01", "to": "2026-04-01"}, "to"),
        ({"from": "0001-01-01"}, "from"),
    ],
)
def test_bad_dates_are_422_by_field(client: TestClient, params: dict[str, str], field: str) -> None:
    answer = client.get("/report.pdf", params=params, headers={"Accept": "application/json"})
    assert answer.status_code == 422
    assert field in str(answer.json())


def test_calendar_feed(client: TestClient) -> None:
    answer = client.get("/calendar.ics", params={"zone": "Europe/London", "at": "07:45"})
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/calendar")
    calendar = IcsCalendarStream.calendar_from_ics(answer.text)
    doses = [e for e in calendar.events if isinstance(e.dtstart, dt.datetime)]
    assert doses and all(e.dtstart.time() == dt.time(7, 45) for e in doses)
    refused = client.get(
        "/calendar.ics", params={"zone": "Nowhere/Atlantis"}, headers={"Accept": "application/json"}
    )
    assert refused.status_code == 422 and "zone" in str(refused.json())


def test_csv_archive_reimports_losslessly(
    client: TestClient, data_dir: Path, tmp_path: Path
) -> None:
    answer = client.get("/export.csv.zip")
    assert answer.status_code == 200 and answer.headers["content-type"] == "application/zip"
    folder = tmp_path / "unzipped"
    with zipfile.ZipFile(io.BytesIO(answer.content)) as archive:
        assert {"pain.csv", "lab.csv", "plan.csv"} <= set(archive.namelist())
        archive.extractall(folder)
    target = rd.context_at(rd.open_store(tmp_path / "target"), rd.at(TODAY, 23))
    import_csv(target, folder)
    source = rd.context_at(open_store(data_dir=data_dir), rd.at(TODAY, 23))
    assert {e["uid"]: e for e in export_journal(target)["entries"]} == {
        e["uid"]: e for e in export_journal(source)["entries"]
    }
    target.store.close()
    source.store.close()


def test_empty_journal_report_page(tmp_path: Path) -> None:
    with TestClient(create_app(Settings(data_dir=tmp_path / "empty"))) as client:
        page = client.get("/report")
    assert page.status_code == 200
    assert "No blood-test results in this period" in page.text
