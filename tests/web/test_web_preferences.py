"""Settings › Units and targets: the preferences form, its API, and the pages that follow it.

The form is the accessible pattern of every other form (labelled fields, hints, an error summary
linking to each refused field, the title starting "Error: "); a refused form saves nothing.
Saved preferences are used where they apply: the Labs form's unit, the intake target of Food,
Insights and Settings (region and life stage), Insights' B12 chart unit; delete everything
forgets them.
"""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from test_web_pages import assert_refused

DEFAULTS = {"b12_unit": None, "intake_region": "us", "intake_life_stage": "from_profile"}
GOOD = {"b12_unit": "pmol/L", "intake_region": "eu", "intake_life_stage": "from_profile"}


def saved(client: TestClient) -> dict[str, object]:
    response = client.get("/api/v1/preferences")
    assert response.status_code == 200
    return dict(response.json())


def selected_options(html: str, select_id: str) -> list[str]:
    block = re.search(rf'<select id="{select_id}".*?</select>', html, re.S)
    assert block, f"no select #{select_id}"
    return re.findall(r'<option value="([^"]*)" selected>', block.group(0))


def checked(html: str, name: str) -> list[str]:
    return re.findall(rf'<input type="radio" name="{name}" value="([^"]+)" checked>', html)


def with_profile(client: TestClient, **profile: object) -> None:
    assert client.put("/api/v1/profile", json={"age": 40, **profile}).status_code == 201


def test_the_form_is_labelled_and_shows_the_defaults(client: TestClient) -> None:
    html = client.get("/settings").text
    assert '<label for="f-b12-unit">Unit for B12 blood results</label>' in html
    assert 'id="f-b12-unit-hint"' in html and 'aria-describedby="f-b12-unit-hint"' in html
    for fieldset in ("f-intake-region", "f-intake-life-stage"):
        assert f'<fieldset class="" id="{fieldset}"' in html
    assert "<legend>Whose reference intake for food</legend>" in html
    assert selected_options(html, "f-b12-unit") == [""]  # "Ask each time"
    assert checked(html, "intake_region") == ["us"]
    assert checked(html, "intake_life_stage") == ["from_profile"]
    assert saved(client) == DEFAULTS


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("b12_unit", "mmol/L"),
        ("b12_unit", "<script>alert(1)</script>"),
        ("intake_region", "mars"),
        ("intake_region", ""),
        ("intake_life_stage", "teenager"),
    ],
)
def test_each_bad_field_is_refused_and_nothing_is_saved(
    client: TestClient, field: str, value: str
) -> None:
    response = client.post("/settings/preferences", data={**GOOD, field: value})
    assert_refused(response, field.replace("_", "-"))
    assert "<script>alert(1)</script>" not in response.text  # what was typed is escaped
    assert saved(client) == DEFAULTS


def test_every_bad_field_is_named_at_once(client: TestClient) -> None:
    response = client.post(
        "/settings/preferences",
        data={"b12_unit": "mmol/L", "intake_region": "mars", "intake_life_stage": "x"},
    )
    assert_refused(response, "b12-unit", "intake-region", "intake-life-stage")
    assert "one of ng/L, pg/mL, pmol/L, ng/mL" in response.text
    assert "one of us, eu" in response.text
    assert selected_options(response.text, "f-b12-unit") == []  # "mmol/L" is not an option
    assert saved(client) == DEFAULTS


def test_saved_preferences_come_back_on_the_form(client: TestClient) -> None:
    response = client.post("/settings/preferences", data=GOOD)
    assert response.status_code == 200 and "Preferences saved." in response.text
    assert saved(client) == GOOD
    html = client.get("/settings").text
    assert selected_options(html, "f-b12-unit") == ["pmol/L"]
    assert checked(html, "intake_region") == ["eu"]
    back = client.post("/settings/preferences", data={**GOOD, "b12_unit": ""})
    assert back.status_code == 200 and saved(client)["b12_unit"] is None


def test_labs_form_starts_with_the_preferred_unit(client: TestClient) -> None:
    assert "selected" not in client.get("/labs").text.split('id="f-unit"')[1].split("</select>")[0]
    client.post("/settings/preferences", data=GOOD)
    units = client.get("/labs").text.split('id="f-unit"')[1].split("</select>")[0]
    assert set(re.findall(r'<option value="([^"]*)" selected>', units)) == {"pmol/L"}
    # A refused entry keeps what the person chose, not the preference.
    refused = client.post("/labs", data={"test": "total_b12", "value": "", "unit": "ng/L"})
    kept = refused.text.split('id="f-unit"')[1].split("</select>")[0]
    assert set(re.findall(r'<option value="([^"]*)" selected>', kept)) == {"ng/L"}


def test_the_self_checks_blood_test_step_starts_with_the_preferred_unit(client: TestClient) -> None:
    assert selected_options(client.get("/self-check/blood-tests").text, "f-lab-unit") == []
    client.post("/settings/preferences", data=GOOD)
    assert set(selected_options(client.get("/self-check/blood-tests").text, "f-lab-unit")) == {
        "pmol/L"
    }


def test_intake_target_follows_region_and_life_stage(client: TestClient) -> None:
    assert "Add your age" in client.get("/settings").text  # no profile age: no target, any region
    client.post("/settings/preferences", data=GOOD)
    assert "Add your age" in client.get("/settings").text
    with_profile(client, sex="female")
    client.post("/settings/preferences", data={**GOOD, "intake_region": "us"})
    assert (
        "<strong>2.4 µg a day</strong> (RDA, adults 19 years and over)"
        in client.get("/settings").text
    )
    client.post("/settings/preferences", data=GOOD)
    assert (
        "<strong>4 µg a day</strong> (AI, adults 18 years and over)" in client.get("/settings").text
    )
    client.post("/settings/preferences", data={**GOOD, "intake_life_stage": "breastfeeding"})
    assert "<strong>5 µg a day</strong> (AI, breastfeeding)" in client.get("/settings").text


def test_pregnancy_in_the_profile_can_be_overridden(client: TestClient) -> None:
    with_profile(client, sex="female", pregnant=True)
    assert "(RDA, pregnancy)" in client.get("/settings").text
    client.post(
        "/settings/preferences",
        data={**GOOD, "intake_region": "us", "intake_life_stage": "neither"},
    )
    assert "(RDA, adults 19 years and over)" in client.get("/settings").text


def test_food_and_insights_compare_with_the_chosen_target(client: TestClient) -> None:
    with_profile(client)
    assert client.post("/api/v1/intake", json={"amount_text": "2 eggs"}).status_code == 201
    assert client.get("/api/v1/intake").json()["target"]["amount_ug"] == 2.4
    assert "reference intake of 2.4 µg a day" in client.get("/insights").text
    client.post("/settings/preferences", data=GOOD)
    assert client.get("/api/v1/intake").json()["target"]["amount_ug"] == 4
    assert "reference intake of 4 µg a day" in client.get("/insights").text


def test_insights_shows_b12_in_the_preferred_unit(client: TestClient) -> None:
    lab = {"test": "total_b12", "value": "271", "unit": "ng/L", "taken_on": "2026-01-10"}
    assert client.post("/labs", data=lab).status_code == 200
    row = re.compile(
        r"<td>2026-01-10</td><td>[^<]*\(total B12\) \(([^)]+)\)</td><td class=\"num\">([^<]+)</td>"
    )
    assert row.findall(client.get("/insights").text) == [("ng/L", "271")]
    client.post("/settings/preferences", data=GOOD)
    # 271 ng/L is 200 pmol/L (÷ 1.355, the cited conversion); the chart's axis says so too.
    html = client.get("/insights").text
    assert row.findall(html) == [("pmol/L", "200")]
    assert "right axis, pmol/L" in html


def test_delete_everything_forgets_the_preferences(client: TestClient) -> None:
    client.post("/settings/preferences", data=GOOD)
    assert client.post("/settings/delete", data={"confirm": "delete"}).status_code == 200
    assert saved(client) == DEFAULTS


# the JSON API ----------------------------------------------------------------------------------


def test_api_reads_and_replaces_the_preferences(client: TestClient) -> None:
    assert saved(client) == DEFAULTS
    response = client.put("/api/v1/preferences", json={"b12_unit": "pmol/L"})
    assert response.status_code == 200 and response.json() == {**DEFAULTS, "b12_unit": "pmol/L"}
    replaced = client.put("/api/v1/preferences", json={"intake_region": "eu"})
    assert replaced.json() == {**DEFAULTS, "intake_region": "eu"}  # PUT replaces: unit default
    assert saved(client) == {**DEFAULTS, "intake_region": "eu"}


@pytest.mark.parametrize(
    ("body", "field", "value", "allowed"),
    [
        ({"b12_unit": "mmol/L"}, "b12_unit", "mmol/L", "one of ng/L, pg/mL, pmol/L, ng/mL"),
        ({"b12_unit": 5}, "b12_unit", 5, "one of ng/L"),
        ({"intake_region": "mars"}, "intake_region", "mars", "one of us, eu"),
        ({"intake_life_stage": None}, "intake_life_stage", None, "one of from_profile"),
        ({"theme": "dark"}, "theme", "dark", "not a preference; one of b12_unit"),
    ],
)
def test_api_refuses_bad_preferences_naming_field_value_and_allowed(
    client: TestClient, body: dict[str, object], field: str, value: object, allowed: str
) -> None:
    client.put("/api/v1/preferences", json=GOOD)
    response = client.put("/api/v1/preferences", json=body)
    assert response.status_code == 422
    (problem,) = response.json()["errors"]
    assert problem["field"] == field and problem["value"] == value
    assert problem["message"].startswith(allowed)
    assert saved(client) == GOOD  # nothing changed


@pytest.mark.parametrize("body", ["[1, 2]", "not json", '"pmol/L"'])
def test_api_refuses_a_body_that_is_not_an_object(client: TestClient, body: str) -> None:
    response = client.put(
        "/api/v1/preferences", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 422 and response.json()["errors"]
    assert saved(client) == DEFAULTS


def test_openapi_describes_the_preferences(client: TestClient) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    operations = spec["paths"]["/api/v1/preferences"]
    assert set(operations) == {"get", "put"}
    schema = operations["put"]["requestBody"]["content"]["application/json"]["schema"]
    assert schema["additionalProperties"] is False
    assert schema["properties"]["intake_region"]["enum"] == ["us", "eu"]
    assert "422" in operations["put"]["responses"]
    assert not any(path.startswith("/settings") for path in spec["paths"])  # pages stay out
