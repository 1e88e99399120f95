"""The self-check result in Chromium ends with next steps (the same as `b12pain check`), each a
link to its page that opens; red flags stay first; axe clean at full width and at 375 px.
Writes docs/screenshots/self-check-result.png when B12PAIN_SCREENSHOTS is set."""

from __future__ import annotations

import re
from typing import Any

from conftest import axe_violations, horizontal_overflow, screenshot


def answer(page: Any, server: str) -> None:
    """A metformin user with tingling: a blood test is recommended (no red flag)."""
    for step, form in (
        ("warning-signs", {}),
        ("about-you", {"age": "64"}),
        ("medicines", {"medicines": "metformin", "duration_metformin": "6y"}),
        ("conditions", {}),
        ("symptoms", {"symptoms": "tingling"}),
        ("pain", {"pain_types": "peripheral_neuropathy", "nrs": "6"}),
        ("blood-tests", {}),
    ):
        response = page.request.post(f"{server}/self-check/{step}", form={**form, "go": "next"})
        assert response.ok, (step, response.status)


def test_result_ends_with_next_steps_that_link_to_pages(server: str, page: Any) -> None:
    answer(page, server)
    page.goto(server + "/self-check/result")
    steps = page.locator("#next-steps li")
    assert steps.count() == 3
    assert "blood test" in steps.nth(1).inner_text()
    heading = page.get_by_role("heading", name="Next steps")
    testing = page.get_by_role("heading", name=re.compile("blood test"))
    assert testing.bounding_box()["y"] < heading.bounding_box()["y"]  # after the result
    assert axe_violations(page) == []
    screenshot(page, "self-check-result")
    with page.expect_navigation():
        page.get_by_role("link", name="Go to Labs").click()
    assert page.url.endswith("/labs")
    assert page.get_by_role("heading", level=1).inner_text() == "Labs"


def test_result_with_next_steps_fits_a_phone(server: str, phone: Any) -> None:
    answer(phone, server)
    phone.goto(server + "/self-check/result")
    assert phone.locator("#next-steps li").count() >= 3
    assert horizontal_overflow(phone) <= 0
