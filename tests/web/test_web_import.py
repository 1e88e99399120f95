"""Settings › Import: a b12pain export, a FHIR R4 Bundle or Bulk NDJSON, uploaded in the browser.

Each goes through the service's use cases (`transfer.import_document`, `fhir.import_fhir`): every
entry is checked first and written in one transaction, so a bad file shows the error summary
(linking to the file field) and nothing of it is written.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from test_web_pages import assert_refused

from b12pain.web import Settings, create_app

LAB = {"test": "total_b12", "value": "180", "unit": "pmol/L", "taken_on": "2026-01-10"}


@pytest.fixture
def source(tmp_path: Path) -> Iterator[TestClient]:
    """A second person's app, with a profile, a pain entry and a B12 result, to export from."""
    with TestClient(create_app(Settings(data_dir=tmp_path / "source"))) as other:
        assert other.put("/api/v1/profile", json={"age": 52, "sex": "female"}).status_code == 201
        assert other.post("/diary/pain", data={"nrs": "6", "regions": "feet"}).status_code == 200
        assert other.post("/labs", data=LAB).status_code == 200
        yield other


def upload(client: TestClient, text: str, name: str = "file.json") -> object:
    return client.post(
        "/settings/import", files={"file": (name, text.encode(), "application/json")}
    )


def entries(client: TestClient) -> list[dict[str, object]]:
    return list(client.get("/api/v1/export").json()["entries"])


def notice(html: str) -> str:
    start = html.index('<div class="notice" role="status">')
    return html[start : html.index("</div>", start)]


def test_a_b12pain_export_round_trips(client: TestClient, source: TestClient) -> None:
    exported = source.get("/settings/export").text
    response = upload(client, exported)
    count = len(entries(source))  # the profile, its assessment, the pain entry, the result
    assert response.status_code == 200 and f"Imported {count} entries." in notice(response.text)
    assert entries(client) == entries(source)
    twice = upload(client, exported)  # the same file again: refused, nothing doubled
    assert twice.status_code == 409 and entries(client) == entries(source)


def test_a_fhir_bundle_round_trips(client: TestClient, source: TestClient) -> None:
    bundle = source.get("/api/v1/fhir/bundle").text
    assert json.loads(bundle)["resourceType"] == "Bundle"
    response = upload(client, bundle, "bundle.json")
    assert response.status_code == 200, response.text[:500]
    said = notice(response.text)
    assert "Imported 1 blood-test result." in said and "Imported 1 pain rating." in said
    assert "Profile updated" in said
    mine = {e["kind"]: e for e in entries(client)}
    theirs = {e["kind"]: e for e in entries(source)}
    assert (mine["lab"]["value"], mine["lab"]["unit"]) == (180, "pmol/L")
    assert mine["pain"]["nrs"] == theirs["pain"]["nrs"] == 6
    assert mine["profile"]["profile"]["age"] == 52
    before = entries(client)
    again = upload(client, bundle, "bundle.json")  # the same file twice: refused, not doubled
    assert again.status_code == 409 and "already" in again.text
    assert entries(client) == before


def test_bulk_ndjson_is_imported(client: TestClient, source: TestClient) -> None:
    bundle = json.loads(source.get("/api/v1/fhir/bundle").text)
    lines = "\n".join(json.dumps(e["resource"]) for e in bundle["entry"])
    response = upload(client, lines + "\n", "Observation.ndjson")
    assert response.status_code == 200, response.text[:500]
    assert "Imported 1 blood-test result." in notice(response.text)


def test_a_bad_fhir_resource_refuses_the_whole_file(client: TestClient, source: TestClient) -> None:
    bundle = source.get("/api/v1/fhir/bundle").text
    broken = bundle.replace('"pmol/L"', '"mol/L"')  # the lab's unit: not one for its LOINC code
    response = upload(client, broken, "bundle.json")
    assert_refused(response, "file")
    assert "not a unit for LOINC" in response.text
    assert entries(client) == []  # the pain rating, which was fine, was not written either


@pytest.mark.parametrize(
    "text",
    [
        "",
        "not json at all",
        '{"resourceType": "Bundle", "type": "collection", "entry": [',
        '{"resourceType": "Observation"}\n{"resourceType": ',
        '{"schema": "b12pain.journal/1", "entries": [{"kind": "pain", "nrs": 11}]}',
        '{"schema": "someone-else/9", "entries": []}',
        "[1, 2, 3]",
    ],
)
def test_unreadable_files_are_refused_and_nothing_is_written(client: TestClient, text: str) -> None:
    response = upload(client, text)
    assert_refused(response, "file")
    assert "Traceback" not in response.text
    assert entries(client) == []


def test_what_a_file_says_is_escaped(client: TestClient) -> None:
    text = json.dumps(
        {"schema": "b12pain.journal/1", "entries": [{"kind": "<script>x</script>", "nrs": 1}]}
    )
    response = upload(client, text)
    assert_refused(response, "file")
    assert "<script>x</script>" not in response.text
