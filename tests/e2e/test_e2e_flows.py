"""What a person does, in Chromium against a real server: the self-check (by mouse and by
keyboard alone), a lab result, food, a dose checked off, diary entries edited and deleted, and
every form's error state (focus on the error summary, "Error:" title, no axe violation)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest

from conftest import axe_violations, horizontal_overflow, screenshot


def submit(page: Any, locator: Any) -> None:
    """Click a control that loads a new page, and wait for that page."""
    with page.expect_navigation():
        locator.click()


def test_self_check_with_a_cauda_equina_feature_shows_the_emergency_first(server: str, page: Any) -> None:
    page.goto(server + "/self-check")
    submit(page, page.get_by_role("link", name=re.compile("Start the self-check|Continue")))
    page.locator("input[name=red_flags][value=saddle_numbness]").check()
    submit(page, page.get_by_role("button", name="Next"))
    # The emergency is shown at once, above the next question.
    flags = page.locator(".red-flags")
    assert flags.is_visible()
    assert "urgency-emergency" in flags.inner_html()
    assert page.evaluate("document.querySelector('.red-flags').compareDocumentPosition(document.querySelector('h1')) & Node.DOCUMENT_POSITION_FOLLOWING")
    page.get_by_label("Your age in years").fill("47")
    submit(page, page.get_by_role("button", name="Next"))
    for _ in range(5):
        submit(page, page.get_by_role("button", name=re.compile("Next|See my result")))
    assert page.url.endswith("/self-check/result")
    main = page.locator("main")
    first_section = main.locator("section").first
    assert "red-flags" in (first_section.get_attribute("class") or "")
    assert "not medical advice" in main.inner_text().lower()
    assert axe_violations(page) == []
    screenshot(page, "self-check-emergency")


def test_keyboard_only_pass_through_the_self_check(server: str, page: Any) -> None:
    page.goto(server + "/self-check/warning-signs")
    # Warning signs: none apply; Tab to the Next button and press Enter.
    _press_until_focused(page, "button[value=next]")
    page.keyboard.press("Enter")
    page.wait_for_url("**/self-check/about-you")
    _press_until_focused(page, "#f-age")
    page.keyboard.type("64")
    page.keyboard.press("Enter")  # submits the form with its first (Next) button
    page.wait_for_url("**/self-check/medicines")
    _press_until_focused(page, "input[name=medicines][value=metformin]")
    page.keyboard.press("Space")
    for step in ("conditions", "symptoms", "pain", "blood-tests"):
        _press_until_focused(page, "button[value=next]")
        page.keyboard.press("Enter")
        page.wait_for_url(f"**/self-check/{step}")
        if step == "symptoms":
            _press_until_focused(page, "input[name=symptoms][value=tingling]")
            page.keyboard.press("Space")
    _press_until_focused(page, "button[value=next]")
    page.keyboard.press("Enter")
    page.wait_for_url("**/self-check/result")
    text = page.locator("main").inner_text()
    assert "blood test is recommended" in text and "metformin" in text.lower()


def _press_until_focused(page: Any, selector: str, limit: int = 120) -> None:
    """Press Tab until `selector` has focus (as a keyboard user would)."""
    for _ in range(limit):
        if page.evaluate("(s) => document.activeElement === document.querySelector(s)", selector):
            return
        page.keyboard.press("Tab")
    pytest.fail(f"{selector} never received focus by Tab")


def test_a_lab_in_pmol_per_litre_shows_its_band(server: str, page: Any) -> None:
    page.goto(server + "/labs")
    page.get_by_label("Which test?").select_option("total_b12")
    page.get_by_label("Result", exact=True).fill("150")
    page.get_by_label("Unit").select_option("pmol/L")
    submit(page, page.get_by_role("button", name="Save and read the result"))
    band = page.locator("[data-band]").first
    assert band.get_attribute("data-band") == "indeterminate"
    assert "grey zone" in band.inner_text()
    assert page.locator("figure.chart svg").count() == 1
    assert axe_violations(page) == []
    screenshot(page, "labs")


def test_food_logged_shows_intake(server: str, page: Any) -> None:
    # Intake is compared with the reference for the person's own age: save a profile with one.
    page.request.post(server + "/self-check/about-you", form={"age": "52", "go": "next"})
    page.request.post(server + "/self-check/blood-tests", form={"go": "next"})
    page.goto(server + "/food")
    search = page.get_by_label("Or search the food list")
    search.press_sequentially("egg", delay=40)
    page.wait_for_selector("#food-hits form.food-hit")
    page.get_by_label("What did you eat, and how much?").fill("2 eggs")
    submit(page, page.get_by_role("button", name="Log food"))
    today = page.locator("[data-intake-today]").inner_text()
    assert re.search(r"\d+(\.\d+)? µg", today), today
    assert "Eaten today" in page.locator("main").inner_text()
    assert axe_violations(page) == []
    screenshot(page, "food")


def test_a_dose_checked_off_changes_adherence(server: str, page: Any) -> None:
    page.goto(server + "/supplements")
    page.locator("summary", has_text="A supplement I bought").click()
    page.locator("#f-own-amount").fill("1000")
    page.locator("#f-own-every").fill("daily")
    page.locator("#f-own-stock").fill("30")
    submit(page, page.get_by_role("button", name="Save supplement"))
    adherence = page.locator("[data-adherence]").first
    before = adherence.inner_text()
    submit(page, page.get_by_role("button", name=re.compile("Mark today's dose as taken")).first)
    after = page.locator("[data-adherence]").first.inner_text()
    assert before == "–" and after == "100%"
    assert axe_violations(page) == []
    screenshot(page, "supplements")


def test_an_entry_with_the_body_map_is_edited_and_deleted(server: str, page: Any) -> None:
    page.goto(server + "/diary")
    page.locator("input[name=nrs][value='6']").check()
    # The body map by keyboard: Tab to "Feet", Space.
    _press_until_focused(page, "[data-region=feet]")
    page.keyboard.press("Space")
    assert page.locator("[data-region=feet]").get_attribute("aria-checked") == "true"
    page.locator("[data-region=hands] rect").first.click()  # one hand of the pair
    submit(page, page.get_by_role("button", name="Save pain entry"))
    uid = page.url.split("saved=")[1].split("&")[0]
    entry = page.locator(f"#entry-{uid}")
    assert "pain 6/10 in feet, hands" in entry.inner_text().lower()
    submit(page, entry.get_by_role("link", name=re.compile("Change")))
    page.locator("input[name=nrs][value='3']").check()
    submit(page, page.get_by_role("button", name="Save changes"))
    assert "pain 3/10" in page.locator(f"#entry-{uid}").inner_text().lower()
    submit(page, page.locator(f"#entry-{uid}").get_by_role("button", name=re.compile("Delete")))
    assert "The entry was deleted" in page.locator("main").inner_text()
    assert "pain 3/10" not in page.locator("main").inner_text().lower()
    submit(page, page.get_by_role("button", name="Undo"))
    assert "pain 3/10" in page.locator("main").inner_text().lower()
    for day in range(1, 12):  # a few more days of entries for the insights screenshot
        when = (dt.date.today() - dt.timedelta(days=day)).isoformat()
        page.request.post(server + "/diary/pain", form={"nrs": str(3 + day % 4), "at": f"{when}T09:00"})
    screenshot(page, "diary")


FORMS = [
    ("/diary", "Save pain entry", "#f-nrs"),
    ("/labs", "Save and read the result", "#f-test"),
    ("/food", "Log food", "#f-amount"),
    ("/self-check/about-you", "Next", "#f-age"),
    ("/settings/delete", "Delete everything", "#f-confirm"),
]


@pytest.mark.parametrize(("path", "button", "field"), FORMS)
def test_error_state_moves_focus_to_the_summary_and_passes_axe(server: str, page: Any, phone: Any, path: str, button: str, field: str) -> None:
    page.goto(server + path)
    submit(page, page.get_by_role("button", name=button, exact=True).first)
    assert page.title().startswith("Error: ")
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    link = page.locator(f".error-summary a[href='{field}']")
    link.click()
    assert page.evaluate("(s) => document.activeElement === document.querySelector(s) || document.querySelector(s).contains(document.activeElement)", field)
    assert axe_violations(page) == []
    phone.goto(server + path)
    submit(phone, phone.get_by_role("button", name=button, exact=True).first)
    assert horizontal_overflow(phone) <= 0
    if path == "/diary":
        screenshot(page, "error-state")


DATA_PAGES = ["/", "/diary", "/supplements", "/labs", "/food", "/insights", "/self-check/result", "/settings"]


@pytest.mark.parametrize("path", DATA_PAGES)
def test_pages_with_data_pass_axe_and_fit_375px(server: str, page: Any, phone: Any, path: str) -> None:
    page.goto(server + path)
    assert axe_violations(page) == []
    phone.goto(server + path)
    assert horizontal_overflow(phone) <= 0
    assert page.external_requests == [] and phone.external_requests == []
    if path in ("/", "/insights", "/settings"):  # the others are captured mid-flow above
        screenshot(page, path.strip("/") or "today")
    if path == "/":
        screenshot(phone, "today-phone")
