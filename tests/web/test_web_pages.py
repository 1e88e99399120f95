"""Every page route in-process: what it saves and shows, and every form's bad input (422 with
an error summary whose links reach the fields; nothing saved; never a 500)."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from fastapi.testclient import TestClient


def summary_links(html: str) -> list[str]:
    """The fields an error summary links to (`#f-nrs` …)."""
    block = re.search(r'<div class="error-summary".*?</div>', html, re.S)
    return re.findall(r'href="#([^"]+)"', block.group(0)) if block else []


def assert_refused(response, *fields: str) -> None:
    """A form refused: 422, title starting "Error: ", a summary linking to existing fields."""
    assert response.status_code == 422, response.text[:300]
    assert "<title>Error: " in response.text
    links = summary_links(response.text)
    assert links, "no error summary"
    for link in links:
        assert f'id="{link}"' in response.text, f"summary links to #{link}, which is not on the page"
    for field in fields:
        assert f"f-{field}" in links, (field, links)


def new_uid(response) -> str:
    return response.headers["location"].split("saved=")[1].split("&")[0]


# Today --------------------------------------------------------------------------------------


def test_today_invites_to_the_self_check_when_nothing_is_known(client: TestClient) -> None:
    html = client.get("/").text
    assert "Start the self-check" in html and "Due today" in html


def test_quick_pain_entry_from_today_goes_back_to_today(client: TestClient) -> None:
    response = client.post("/diary/pain?next=today", data={"nrs": "7"}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/?saved=")
    assert "pain 7/10" in client.get("/").text.lower()


def test_today_shows_red_flags_first(client: TestClient) -> None:
    client.post("/self-check/warning-signs", data={"red_flags": ["saddle_numbness"], "go": "next"})
    client.post("/self-check/about-you", data={"age": "50", "go": "next"})
    client.post("/self-check/blood-tests", data={"go": "next"})
    html = client.get("/").text
    assert 'class="red-flags"' in html
    assert html.index('class="red-flags"') < html.index("Due today")


# Diary --------------------------------------------------------------------------------------


def test_pain_entry_with_body_map_regions_is_listed(client: TestClient) -> None:
    response = client.post(
        "/diary/pain",
        data={"nrs": "6", "regions": ["feet", "hands"], "pain_type": "burning",
              "descriptors": ["tingling"], "note": "<script>alert(1)</script>"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    html = client.get("/diary").text
    assert "pain 6/10 (burning) in feet, hands" in html.lower()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html


def test_body_map_regions_are_focusable_controls_including_feet_and_hands(client: TestClient) -> None:
    html = client.get("/diary").text
    regions = re.findall(r'<g class="region" role="checkbox" tabindex="0" aria-checked="false" aria-label="([^"]+)" data-region="(\w+)"', html)
    ids = {r[1] for r in regions}
    assert {"feet", "hands", "lower_back", "jaw_left"} <= ids
    from b12pain.journal.records import BODY_REGIONS

    assert ids == set(BODY_REGIONS)
    assert all(label for label, _ in regions)


@pytest.mark.parametrize(
    ("kind", "data", "field"),
    [
        ("pain", {"nrs": ""}, "nrs"),
        ("pain", {"nrs": "eleven"}, "nrs"),
        ("pain", {"nrs": "11"}, "nrs"),
        ("pain", {"nrs": "5", "regions": ["elbow"]}, "regions"),
        ("pain", {"nrs": "5", "pain_type": "sharpish"}, "pain-type"),
        ("pain", {"nrs": "5", "at": "yesterday"}, "at"),
        ("pain", {"nrs": "5", "at": "2999-01-01T10:00"}, "at"),
        ("sleep", {"hours": "lots"}, "sleep-hours"),
        ("sleep", {"hours": "30"}, "sleep-hours"),
        ("exercise", {"minutes": "-5"}, "exercise-minutes"),
        ("stress", {"level": "11"}, "stress-level"),
        ("mood", {"level": ""}, "mood-level"),
    ],
)
def test_diary_forms_refuse_bad_input_and_save_nothing(client: TestClient, kind: str, data: dict, field: str) -> None:
    assert_refused(client.post(f"/diary/{kind}", data=data), field)
    assert "No entries yet" in client.get("/diary").text


@pytest.mark.parametrize(("kind", "data", "shown"), [
    ("sleep", {"hours": "6.5", "quality": "3"}, "sleep 6.5 h, quality 3/4"),
    ("exercise", {"minutes": "30", "activity": "walking"}, "exercise 30 min (walking)"),
    ("stress", {"level": "4"}, "stress 4/10"),
    ("mood", {"level": "2"}, "mood 2/4"),
])
def test_other_diary_entries(client: TestClient, kind: str, data: dict, shown: str) -> None:
    assert client.post(f"/diary/{kind}", data=data, follow_redirects=False).status_code == 303
    assert shown in client.get("/diary").text.lower()


def test_the_diary_shows_a_week_and_one_more_week_on_request(client: TestClient) -> None:
    import datetime as dt

    ten_days_ago = (dt.datetime.now() - dt.timedelta(days=10)).strftime("%Y-%m-%dT09:00")
    for data in ({"nrs": "3", "note": "this week"}, {"nrs": "7", "note": "ten days ago", "at": ten_days_ago}):
        assert client.post("/diary/pain", data=data, follow_redirects=False).status_code == 303
    week = client.get("/diary").text
    assert "The last 7 days" in week and "this week" in week and "ten days ago" not in week
    assert 'href="/diary?weeks=2#entries-title"' in week
    two = client.get("/diary?weeks=2").text
    assert "The last 2 weeks" in two and "ten days ago" in two and "weeks=3" in two
    assert "weeks=53" not in client.get("/diary?weeks=52").text  # the most it shows


@pytest.mark.parametrize("weeks", ["0", "53", "two", "-1", "1.5"])
def test_a_bad_number_of_weeks_is_refused(client: TestClient, weeks: str) -> None:
    answer = client.get(f"/diary?weeks={weeks}")
    assert answer.status_code == 422
    assert "weeks" in answer.text and "from 1 to 52" in answer.text


def test_unknown_diary_kind_is_refused(client: TestClient) -> None:
    assert client.post("/diary/weather", data={}).status_code == 422


def test_edit_then_undo_then_delete_then_undo(client: TestClient) -> None:
    uid = new_uid(client.post("/diary/pain", data={"nrs": "6", "note": "first"}, follow_redirects=False))
    assert client.get(f"/diary/{uid}/edit").status_code == 200
    assert_refused(client.post(f"/diary/{uid}/edit", data={"nrs": "12"}), "nrs")
    edited = client.post(f"/diary/{uid}/edit", data={"nrs": "3", "note": "changed"}, follow_redirects=True)
    assert "pain 3/10" in edited.text.lower() and "Undo" in edited.text
    undone = client.post("/diary/undo", follow_redirects=True).text.lower()
    assert "pain 6/10" in undone and "first" in undone
    deleted = client.post(f"/diary/{uid}/delete", follow_redirects=True).text
    assert "The entry was deleted" in deleted and "pain 6/10" not in deleted.lower()
    assert "pain 6/10" in client.post("/diary/undo", follow_redirects=True).text.lower()
    assert client.post("/diary/undo").status_code == 404  # nothing left to undo


def test_comment_on_an_entry(client: TestClient) -> None:
    uid = new_uid(client.post("/diary/sleep", data={"hours": "7"}, follow_redirects=False))
    assert client.post(f"/diary/{uid}/comment", data={"comment": "woke twice"}, follow_redirects=False).status_code == 303
    assert "woke twice" in client.get("/diary").text
    assert client.post(f"/diary/{uid}/comment", data={"comment": "  "}).status_code == 422


def test_unknown_entry_is_404(client: TestClient) -> None:
    assert client.get("/diary/0123abcd/edit").status_code == 404
    assert client.post("/diary/0123abcd/delete").status_code == 404
    assert client.post("/diary/0123abcd/edit", data={"nrs": "3"}).status_code == 404


# Self-check ---------------------------------------------------------------------------------

STEPS = ["warning-signs", "about-you", "medicines", "conditions", "symptoms", "pain", "blood-tests"]


def walk(client: TestClient, **answers: dict) -> None:
    for step in STEPS:
        response = client.post(f"/self-check/{step}", data={**answers.get(step, {}), "go": "next"}, follow_redirects=False)
        assert response.status_code == 303, (step, response.text[:400])


def test_self_check_start_page_lists_the_steps(client: TestClient) -> None:
    html = client.get("/self-check").text
    assert "Start the self-check" in html and "Warning signs" in html


def test_each_step_shows_progress(client: TestClient) -> None:
    for n, step in enumerate(STEPS, start=1):
        html = client.get(f"/self-check/{step}").text
        assert f'<progress max="7" value="{n}"' in html and f"Step {n} of 7" in html


def test_cauda_equina_feature_shows_the_emergency_at_once_and_first_in_the_result(client: TestClient) -> None:
    client.post("/self-check/warning-signs", data={"red_flags": ["saddle_numbness"], "go": "next"})
    next_step = client.get("/self-check/about-you").text
    assert "urgency-emergency" in next_step
    assert next_step.index('class="red-flags"') < next_step.index("<h1>")
    walk(client, **{"warning-signs": {"red_flags": ["saddle_numbness"]}, "about-you": {"age": "45"},
                    "pain": {"pain_types": ["back_pain"], "nrs": "8"}})
    result = client.get("/self-check/result").text
    assert result.index('class="red-flags"') < result.index("testing-title")
    assert "Not medical advice" in result and 'id="source-1"' in result


def test_answers_are_kept_and_back_goes_back(client: TestClient) -> None:
    client.post("/self-check/warning-signs", data={"go": "next"})
    client.post("/self-check/about-you", data={"age": "61", "go": "next"})
    back = client.post("/self-check/medicines", data={"medicines": ["metformin"], "duration_metformin": "6y", "go": "back"}, follow_redirects=False)
    assert back.headers["location"] == "/self-check/about-you"
    assert 'value="61"' in client.get("/self-check/about-you").text
    assert 'value="metformin" checked' in client.get("/self-check/medicines").text
    assert "Continue where you left off" in client.get("/self-check").text


def test_result_reads_a_lab_in_pmol_per_litre(client: TestClient) -> None:
    walk(client, **{"about-you": {"age": "58", "diet": "vegan"}, "symptoms": {"symptoms": ["tingling"]},
                    "blood-tests": {"lab_test": "total_b12", "lab_value": "150", "lab_unit": "pmol/L"}})
    result = client.get("/self-check/result").text
    assert 'data-band="indeterminate"' in result and "A B12 blood test is recommended" in result


@pytest.mark.parametrize(("step", "data", "field"), [
    ("about-you", {"age": ""}, "age"),
    ("about-you", {"age": "abc"}, "age"),
    ("about-you", {"age": "130"}, "age"),
    ("warning-signs", {"red_flags": ["not_a_flag"]}, "red-flags"),
    ("medicines", {"medicines": ["unobtainium"]}, "medicines"),
    ("conditions", {"conditions": ["gout_of_the_soul"]}, "conditions"),
    ("symptoms", {"symptoms": ["x"]}, "symptoms"),
    ("pain", {"nrs": "99"}, "nrs"),
    ("blood-tests", {"lab_test": "total_b12", "lab_value": "abc"}, "lab-value"),
    ("blood-tests", {"lab_test": "total_b12", "lab_value": "200"}, "lab-unit"),
])
def test_self_check_steps_refuse_bad_input(client: TestClient, step: str, data: dict, field: str) -> None:
    assert_refused(client.post(f"/self-check/{step}", data={**data, "go": "next"}), field)


def test_self_check_last_step_refuses_a_unit_that_does_not_fit(client: TestClient) -> None:
    client.post("/self-check/about-you", data={"age": "50", "go": "next"})
    response = client.post("/self-check/blood-tests", data={"lab_test": "active_b12", "lab_value": "20", "lab_unit": "ng/L", "go": "next"})
    assert_refused(response, "lab-unit")


def test_a_tampered_cookie_is_ignored(client: TestClient) -> None:
    client.cookies.set("b12pain_selfcheck", "%%%not-base64")
    assert client.get("/self-check/about-you").status_code == 200


def test_unknown_step_and_result_without_profile(client: TestClient) -> None:
    assert client.get("/self-check/nope").status_code == 404
    assert client.get("/self-check/result", follow_redirects=False).status_code == 303


# Labs ---------------------------------------------------------------------------------------


def test_lab_in_pmol_per_litre_shows_its_band_at_once(client: TestClient) -> None:
    html = client.post("/labs", data={"test": "total_b12", "value": "150", "unit": "pmol/L", "taken_on": "2026-11-01"}).text
    assert 'data-band="indeterminate"' in html and "Saved: what this result means" in html
    assert "<svg" in html and "Every result, newest first" in html


@pytest.mark.parametrize(("data", "fields"), [
    ({}, ("test", "value", "unit")),
    ({"test": "total_b12", "value": "-3", "unit": "ng/L"}, ("value",)),
    ({"test": "total_b12", "value": "210", "unit": "furlongs"}, ("unit",)),
    ({"test": "total_b12", "value": "abc", "unit": "ng/L"}, ("value",)),
    ({"test": "total_b12", "value": "210", "unit": "ng/L", "taken_on": "2999-01-01"}, ("taken-on",)),
    ({"test": "total_b12", "value": "210", "unit": "ng/L", "taken_on": "01/02/2026"}, ("taken-on",)),
    ({"test": "total_b12", "value": "210", "unit": "ng/L", "reference_low": "low"}, ("reference-low",)),
    ({"test": "unobtainium", "value": "1", "unit": "ng/L"}, ("test",)),
])
def test_lab_form_refuses_bad_input(client: TestClient, data: dict, fields: tuple[str, ...]) -> None:
    assert_refused(client.post("/labs", data=data), *fields)
    assert "No results yet" in client.get("/labs").text


# Supplements --------------------------------------------------------------------------------


def test_dose_checked_off_changes_adherence(client: TestClient) -> None:
    client.post("/supplements/own", data={"amount": "1000", "form": "tablet", "every": "daily", "stock": "30"})
    html = client.get("/supplements").text
    uid = re.search(r'name="plan" value="([0-9a-f]{32})"', html).group(1)
    before = re.search(rf'data-adherence="{uid}">([^<]*)<', html).group(1)
    client.post("/supplements/dose", data={"plan": uid, "status": "taken"})
    after = re.search(rf'data-adherence="{uid}">([^<]*)<', client.get("/supplements").text).group(1)
    assert before == "–" and after == "100%"


def test_own_supplement_is_compared_with_cited_regimens(client: TestClient) -> None:
    html = client.post("/supplements/own", data={"amount": "1000", "form": "tablet", "every": "daily"}).text
    assert "compares with the cited regimens" in html and 'href="#source-1"' in html


def test_plan_from_a_regimen_has_a_dated_schedule_and_appears_on_today(client: TestClient) -> None:
    response = client.post("/supplements/plan", data={"regimen": "oral_cyanocobalamin_dietary", "amount": "100", "stock": "60"}, follow_redirects=False)
    assert response.status_code == 303
    assert "Dated schedule" in client.get("/supplements").text
    assert "Mark as taken" in client.get("/").text


@pytest.mark.parametrize(("path", "data", "field"), [
    ("/supplements/own", {"amount": ""}, "own-amount"),
    ("/supplements/own", {"amount": "lots"}, "own-amount"),
    ("/supplements/own", {"amount": "99999999"}, "own-amount"),
    ("/supplements/own", {"amount": "1000", "form": "pill"}, "own-form"),
    ("/supplements/own", {"amount": "1000", "every": "sometimes"}, "own-every"),
    ("/supplements/plan", {}, "plan-regimen"),
    ("/supplements/plan", {"regimen": "snake_oil"}, "plan-regimen"),
    ("/supplements/plan", {"regimen": "oral_cyanocobalamin_dietary", "amount": "50000"}, "plan-amount"),
])
def test_supplement_forms_refuse_bad_input(client: TestClient, path: str, data: dict, field: str) -> None:
    assert_refused(client.post(path, data=data), field)
    assert "No plans yet" in client.get("/supplements").text


def test_dose_stock_and_stop_refuse_bad_input(client: TestClient) -> None:
    assert client.post("/supplements/dose", data={"plan": "nope"}).status_code in (404, 422)
    assert client.post("/supplements/stock", data={"units": "many"}).status_code == 422
    assert client.post("/supplements/0123abcd/stop").status_code in (404, 422)


# Food ---------------------------------------------------------------------------------------


def test_food_search_as_you_type_and_log(client: TestClient) -> None:
    hits = client.get("/food/search?q=egg").text
    assert 'name="food_id"' in hits and "<html" not in hits  # a fragment for htmx
    assert client.post("/food/log", data={"amount": "2 eggs"}, follow_redirects=False).status_code == 303
    assert "eaten today" in client.get("/food").text.lower()


def test_food_logged_shows_intake_against_the_target(client: TestClient) -> None:
    walk(client, **{"about-you": {"age": "40"}})
    client.post("/food/log", data={"amount": "2 eggs"})
    html = client.get("/food").text
    assert re.search(r"data-intake-today>[^<]*µg<", html) and "Reference intake for you" in html


@pytest.mark.parametrize(("data", "field"), [({"amount": ""}, "amount"), ({"amount": "3 zorblax"}, "amount")])
def test_food_log_refuses_bad_input(client: TestClient, data: dict, field: str) -> None:
    assert_refused(client.post("/food/log", data=data), field)


def test_food_search_no_hits_and_long_query(client: TestClient) -> None:
    assert "No food found" in client.get("/food/search?q=zzzzqqq").text
    assert client.get("/food?q=" + "a" * 5000).status_code == 200


# Insights -----------------------------------------------------------------------------------


def test_insights_charts_have_captions_and_tables(client: TestClient) -> None:
    today = dt.date.today()
    for i in range(8):
        client.post("/diary/pain", data={"nrs": str(2 + i % 5), "at": f"{today - dt.timedelta(days=i)}T09:00"})
    client.post("/labs", data={"test": "total_b12", "value": "180", "unit": "ng/L"})
    html = client.get("/insights").text
    figures = re.findall(r'<figure class="chart" aria-labelledby="([^"]+)">(.*?)</figure>', html, re.S)
    assert len(figures) >= 2
    for caption_id, body in figures:
        assert f'id="{caption_id}"' in body and "<svg" in body
    assert html.count("<table") >= 2 and "Is it helping?" in html and "Not medical advice" in html


def test_insights_with_no_data(client: TestClient) -> None:
    html = client.get("/insights").text
    assert "<svg" not in html and "Write in your diary" in html


# Settings -----------------------------------------------------------------------------------


def test_export_import_backup_and_delete_everything(client: TestClient) -> None:
    client.post("/diary/pain", data={"nrs": "4"})
    export = client.get("/settings/export")
    assert export.status_code == 200 and "attachment" in export.headers["content-disposition"]
    document = export.json()
    assert len(document["entries"]) == 1
    clash = client.post("/settings/import", files={"file": ("e.json", json.dumps(document), "application/json")})
    assert clash.status_code == 409 and summary_links(clash.text) == ["f-file"]
    assert "Backup saved" in client.post("/settings/backup").text
    assert "This cannot be undone" in client.get("/settings/delete").text
    assert_refused(client.post("/settings/delete", data={"confirm": "yes"}), "confirm")
    assert "Deleted 1 entries" in client.post("/settings/delete", data={"confirm": "delete"}).text
    assert "No entries yet" in client.get("/diary").text
    imported = client.post("/settings/import", files={"file": ("e.json", json.dumps(document), "application/json")})
    assert "Imported 1 entries" in imported.text


@pytest.mark.parametrize("content", [b"not json", b"\xff\xfe", json.dumps({"schema": "b12pain.journal/1", "entries": [{"kind": "pain", "nrs": 99}]}).encode()])
def test_import_refuses_bad_files_and_imports_nothing(client: TestClient, content: bytes) -> None:
    response = client.post("/settings/import", files={"file": ("e.json", content, "application/json")})
    assert_refused(response, "file")
    assert "No entries yet" in client.get("/diary").text


def test_import_without_a_file(client: TestClient) -> None:
    assert_refused(client.post("/settings/import", data={}), "file")


# Questionnaires -----------------------------------------------------------------------------


def test_questionnaires_offered_are_the_self_reported_ones(client: TestClient) -> None:
    html = client.get("/self-check/questionnaires").text
    offered = set(re.findall(r'href="/self-check/questionnaires/(\w+)"', html))
    assert {"dn4_interview", "slanss", "mnsi", "acr2016", "hit6", "rmdq", "start_back"} <= offered
    assert "dn4" not in offered and "mnsi_exam" not in offered  # examination items: a clinician's
    for instrument in offered:
        assert client.get(f"/self-check/questionnaires/{instrument}").status_code == 200
    assert client.get("/self-check/questionnaires/dn4").status_code == 404


def test_questionnaire_is_scored_saved_and_cited(client: TestClient) -> None:
    answers = {"q1": "yes", "q2": "yes", "q3": "no", "q4": "yes", "q5": "no", "q6": "no", "q7": "yes"}
    html = client.post("/self-check/questionnaires/dn4_interview", data=answers).text
    assert "Your result" in html and "not a diagnosis" in html and 'id="source-1"' in html
    assert "dn4_interview score 4" in client.get("/diary").text.lower()


@pytest.mark.parametrize(("instrument", "data", "field"), [
    ("dn4_interview", {"q1": "maybe"}, "q1"),
    ("dn4_interview", {}, "q2"),
    ("midas", {"q1": "abc"}, "q1"),
    ("midas", {"q1": "500"}, "q1"),
    ("acr2016", {"painful_areas": ["elbow"]}, "painful-areas"),
])
def test_questionnaires_refuse_bad_answers(client: TestClient, instrument: str, data: dict, field: str) -> None:
    assert_refused(client.post(f"/self-check/questionnaires/{instrument}", data=data), field)


def test_entries_made_elsewhere_can_get_a_note_in_the_diary(client: TestClient) -> None:
    client.post("/self-check/questionnaires/dn4_interview", data={f"q{i}": "no" for i in range(1, 8)})
    uid = re.findall(r"/diary/([0-9a-f]{32})/edit", client.get("/diary").text)[0]
    assert "felt odd" in client.post(f"/diary/{uid}/edit", data={"note": "felt odd"}, follow_redirects=True).text


@pytest.mark.parametrize("cookie", [
    {"red_flag_answers": 5, "medications": "metformin", "pain": [1], "labs": {"x": 1}, "age": "old"},
    {"medications": [{"name": 3}], "pain": {"types": "back_pain", "nrs": True}, "labs": [[1]]},
    {"_done": "everything", "conditions": [None, {"a": 1}]},
])
def test_an_edited_cookie_never_breaks_a_step(client: TestClient, cookie: dict) -> None:
    import base64

    client.cookies.set("b12pain_selfcheck", base64.urlsafe_b64encode(json.dumps(cookie).encode()).decode())
    for step in STEPS:
        assert client.get(f"/self-check/{step}").status_code == 200, step
    assert client.get("/self-check").status_code == 200
    assert client.post("/self-check/blood-tests", data={"go": "next"}).status_code in (303, 422)


def test_food_search_shows_household_portions(client: TestClient) -> None:
    assert re.search(r"Portions: 1 cup \(\d+(\.\d+)? g\)", client.get("/food/search?q=milk").text)


def test_settings_links_to_the_clinician_downloads_and_they_answer(client: TestClient) -> None:
    html = client.get("/settings").text
    for path in ("/report", "/report.pdf", "/calendar.ics", "/api/v1/fhir/bundle", "/export.csv.zip"):
        assert f'href="{path}"' in html
        assert client.get(path).status_code == 200, path
