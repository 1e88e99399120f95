"""Every page in Chromium: no serious or critical axe-core violation, no horizontal scroll at
375 px, no request leaving the machine; screenshots of the main pages."""

from __future__ import annotations

from typing import Any

import pytest

from b12pain.knowledge import load
from b12pain.knowledge.schema.learn import LearnTopic
from b12pain.web.templating import NAVIGATION
from conftest import axe_violations, horizontal_overflow, screenshot

PAGES = [path for path, _ in NAVIGATION]
TOPICS = [f"/learn/{t.id.removeprefix('learn.')}" for t in load().of_kind("learn_topic", LearnTopic)]
OTHER = ["/no-such-page", "/self-check/questionnaires", "/self-check/questionnaires/dn4_interview",
         "/self-check/questionnaires/acr2016", "/self-check/warning-signs", "/self-check/medicines",
         "/self-check/blood-tests", "/settings/delete"]


def _name(path: str) -> str:
    return path.strip("/").replace("/", "-") or "today"


@pytest.mark.parametrize("path", PAGES + TOPICS + OTHER)
def test_page_has_no_serious_accessibility_violation(server: str, page: Any, path: str) -> None:
    page.goto(server + path)
    assert axe_violations(page) == []
    assert page.external_requests == []


@pytest.mark.parametrize("path", PAGES + TOPICS + OTHER)
def test_page_fits_a_375px_screen(server: str, phone: Any, path: str) -> None:
    phone.goto(server + path)
    assert horizontal_overflow(phone) <= 0


@pytest.mark.parametrize("path", PAGES)
def test_every_page_title_names_the_app(server: str, page: Any, path: str) -> None:
    page.goto(server + path)
    assert page.title().endswith("b12pain")
    if path in ("/self-check", "/learn", "/sources"):  # pages with data: test_e2e_flows.py
        screenshot(page, _name(path))


def test_navigation_is_reachable_by_keyboard(server: str, page: Any) -> None:
    page.goto(server + "/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent").strip() == "Skip to main content"
    page.keyboard.press("Enter")
    labels = []
    page.goto(server + "/")
    for _ in range(15):
        page.keyboard.press("Tab")
        labels.append(page.evaluate("document.activeElement.textContent").strip())
    for _, label in NAVIGATION:
        assert label in labels
