"""Settings in Chromium: preferences chosen by keyboard apply to Labs; a refused preference and a
bad import file show the error summary (focus moved there, "Error:" title, no axe violation,
no horizontal scroll at 375 px)."""

from __future__ import annotations

from typing import Any

from conftest import axe_violations, horizontal_overflow


def submit(page: Any, locator: Any) -> None:
    """Click a control that loads a new page, and wait for that page."""
    with page.expect_navigation():
        locator.click()


def assert_error_state(page: Any, field: str) -> None:
    assert page.title().startswith("Error: ")
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    page.locator(f".error-summary a[href='{field}']").click()
    assert page.evaluate(
        "(s) => document.activeElement === document.querySelector(s)"
        " || document.querySelector(s).contains(document.activeElement)",
        field,
    )
    assert axe_violations(page) == []


def test_preferences_chosen_by_keyboard_apply_to_labs(server: str, page: Any) -> None:
    page.goto(server + "/settings")
    page.locator("#f-b12-unit").focus()
    page.keyboard.press("End")  # the last unit: ng/mL; then up to pmol/L
    page.keyboard.press("ArrowUp")
    assert page.locator("#f-b12-unit").input_value() == "pmol/L"
    page.get_by_label("Europe (EFSA: adequate intake)").check()
    submit(page, page.get_by_role("button", name="Save preferences"))
    assert "Preferences saved." in page.locator("main").inner_text()
    assert axe_violations(page) == []
    page.goto(server + "/labs")
    assert page.locator("#f-unit").input_value() == "pmol/L"
    assert page.external_requests == []


def test_a_refused_preference_shows_the_error_summary(server: str, page: Any, phone: Any) -> None:
    for tab in (page, phone):
        tab.goto(server + "/settings")
        # A form from an older version offering a unit no longer allowed.
        tab.evaluate(
            "() => { const s = document.querySelector('#f-b12-unit');"
            " s.add(new Option('mmol/L', 'mmol/L')); s.value = 'mmol/L'; }"
        )
        submit(tab, tab.get_by_role("button", name="Save preferences"))
    assert_error_state(page, "#f-b12-unit")
    assert horizontal_overflow(phone) <= 0


def test_a_bad_import_file_shows_the_error_summary(server: str, page: Any) -> None:
    page.goto(server + "/settings")
    page.locator("#f-file").set_input_files(
        files=[
            {"name": "bundle.json", "mimeType": "application/json", "buffer": b'{"resourceType": '}
        ]
    )
    submit(page, page.get_by_role("button", name="Import", exact=True))
    assert_error_state(page, "#f-file")
    assert "nothing is imported" in page.locator("main").inner_text()
