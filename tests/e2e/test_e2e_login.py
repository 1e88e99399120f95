"""Signing in and out of a clinic server in Debian's chromium (a real `b12pain serve --multi-user`):
signed out, a page leads to the sign-in form and back; a wrong password comes back with the error
summary focused and the page title "Error: …"; the header says who is signed in; signing out on
every device ends the other browser's session too. axe clean, no horizontal scroll at 375 px."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from conftest import axe_violations, horizontal_overflow
from servekit import free_port, running_server

PASSWORD = "a long enough password"


@pytest.fixture(scope="module")
def clinic(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A running server-mode b12pain with one person, "ann"."""
    data = tmp_path_factory.mktemp("e2e-login")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("B12PAIN_")}
    env.update({"B12PAIN_DATA_DIR": str(data), "B12PAIN_SECRET_KEY": "e2e-" + "k" * 48})
    run = [sys.executable, "-c", "from b12pain.cli.main import run; run()"]
    subprocess.run(
        [*run, "users", "add", "ann", "--name", "Ann Smith", "--password-stdin"],
        env=env, input=(PASSWORD + "\n").encode(), check=True, capture_output=True,
    )  # fmt: skip
    with running_server(env, port) as address:
        yield address


def _submit(page: Any) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()


def test_sign_in_with_a_wrong_then_the_right_password(page: Any, clinic: str) -> None:
    page.goto(clinic + "/diary")
    assert page.url == clinic + "/login?next=/diary"
    assert page.title() == "Sign in – b12pain"
    assert axe_violations(page) == []
    page.get_by_label("Username").fill("ann")
    page.get_by_label("Password").fill("not the password")
    _submit(page)
    assert page.title().startswith("Error: Sign in")
    summary = page.locator(".error-summary")
    assert summary.is_visible() and "username or password is not right" in summary.inner_text()
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    assert page.get_by_label("Username").input_value() == "ann"
    assert page.get_by_label("Password").input_value() == ""
    assert axe_violations(page) == []
    page.get_by_label("Password").fill(PASSWORD)
    _submit(page)
    assert page.url == clinic + "/diary"
    assert "Signed in as Ann Smith" in page.locator("header").inner_text()
    assert axe_violations(page) == []
    assert page.external_requests == []


def test_sign_out_on_every_device(browser: Any, page: Any, clinic: str) -> None:
    other = browser.new_context(locale="en-GB").new_page()
    for tab in (page, other):
        tab.goto(clinic + "/login")
        tab.get_by_label("Username").fill("ann")
        tab.get_by_label("Password").fill(PASSWORD)
        _submit(tab)
        assert tab.url == clinic + "/"
    with page.expect_navigation():
        page.get_by_role("button", name="Sign out on every device").click()
    assert page.url == clinic + "/login"
    other.goto(clinic + "/labs")
    assert other.url == clinic + "/login?next=/labs"
    other.context.close()


def test_the_sign_in_page_fits_a_phone(phone: Any, clinic: str) -> None:
    phone.goto(clinic + "/login")
    assert horizontal_overflow(phone) == 0
    assert axe_violations(phone) == []
