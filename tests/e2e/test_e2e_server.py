"""The clinic server end to end, in Debian's chromium against a real `b12pain serve --multi-user`
(uvicorn) over a fresh journal: the admin adds a person and a clinician; the person answers the
self-check with a red-flag symptom, logs pain and shares with the clinician; the clinician signs
in, sees the red flag first (above a patient with higher pain but no red flag) and comments on an
entry; the person sees the comment and the clinician's visits in the access log. Every page on
the way passes axe-core with no serious or critical violation."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from conftest import axe_violations, screenshot
from servekit import free_port, running_server

ADMIN_PASSWORD = "admin password for the e2e"
PASSWORD = "a long enough password"


def _b12pain(*args: str, env: dict[str, str], stdin: str = "") -> None:
    subprocess.run(
        [sys.executable, "-c", "from b12pain.cli.main import run; run()", *args],
        env=env,
        input=stdin.encode(),
        check=True,
        capture_output=True,
    )


@pytest.fixture(scope="module")
def clinic(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The address of a running server-mode b12pain with one admin account."""
    data = tmp_path_factory.mktemp("e2e-server")
    port = free_port()
    env = {**os.environ, "B12PAIN_DATA_DIR": str(data), "B12PAIN_SECRET_KEY": "e2e-" + "k" * 48}
    env.pop("B12PAIN_DATABASE_URL", None)
    _b12pain(
        "users",
        "add",
        "root",
        "--role",
        "admin",
        "--name",
        "Clinic admin",
        "--password-stdin",
        env=env,
        stdin=ADMIN_PASSWORD + "\n",
    )
    with running_server(env, port) as address:
        yield address


def go(page: Any, locator: Any) -> None:
    """Click a control that loads a new page, and wait for it."""
    with page.expect_navigation():
        locator.click()


def sign_in(page: Any, clinic: str, username: str, password: str, next_path: str = "/") -> None:
    page.context.clear_cookies()
    page.goto(f"{clinic}/login?next={next_path}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    go(page, page.get_by_role("button", name="Sign in"))


def clean(page: Any) -> None:
    assert axe_violations(page) == [], page.url


def add_account(page: Any, username: str, name: str, role: str) -> None:
    page.get_by_label("Username").fill(username)
    page.get_by_label("Name shown").fill(name)
    page.get_by_label("Role").select_option(role)
    page.get_by_label("First password").fill(PASSWORD)
    go(page, page.get_by_role("button", name="Add the account"))
    assert page.locator(f"tr[data-account='{username}']").is_visible()


def log_pain(page: Any, clinic: str, nrs: int) -> None:
    page.goto(clinic + "/")
    page.locator(f"input[name=nrs][value='{nrs}']").first.check()
    go(page, page.get_by_role("button", name="Save pain entry").first)


def share_with(page: Any, clinic: str, clinician: str) -> None:
    page.goto(clinic + "/sharing")
    page.get_by_label("The clinician's username").fill(clinician)
    go(page, page.get_by_role("button", name="Share my diary"))
    assert "Shared." in page.locator("main").inner_text()


def test_admin_person_and_clinician_in_the_clinic(clinic: str, page: Any) -> None:
    # The admin adds two people and a clinician; the admin's pages pass axe; no diary for them.
    sign_in(page, clinic, "root", ADMIN_PASSWORD, "/admin/accounts")
    assert page.url.endswith("/admin/accounts")
    clean(page)
    add_account(page, "ann", "Ann Example", "person")
    add_account(page, "bob", "Bob Example", "person")
    add_account(page, "okafor", "Dr Okafor", "clinician")
    screenshot(page, "server-admin-accounts")
    assert page.goto(clinic + "/diary").status == 403

    # Bob: pain 9, no red flag, shares first.
    sign_in(page, clinic, "bob", PASSWORD)
    log_pain(page, clinic, 9)
    share_with(page, clinic, "okafor")

    # Ann: the self-check with a cauda equina feature, then pain 3, then she shares.
    sign_in(page, clinic, "ann", PASSWORD)
    page.goto(clinic + "/self-check/warning-signs")
    page.locator("input[name=red_flags][value=saddle_numbness]").check()
    go(page, page.get_by_role("button", name="Next"))
    page.get_by_label("Your age in years").fill("47")
    go(page, page.get_by_role("button", name="Next"))
    for _ in range(5):
        go(page, page.get_by_role("button", name=re.compile("Next|See my result")))
    assert page.url.endswith("/self-check/result")
    log_pain(page, clinic, 3)
    assert page.locator(".red-flags").first.is_visible()  # red flags first on her Today too
    share_with(page, clinic, "okafor")
    clean(page)

    # The clinician: Ann's red flag comes first, above Bob's higher pain, in clinical words.
    sign_in(page, clinic, "okafor", PASSWORD, "/clinic")
    assert page.url.endswith("/clinic")
    rows = page.locator("tr[data-patient]")
    assert [rows.nth(i).get_attribute("data-patient") for i in range(rows.count())] == [
        "ann",
        "bob",
    ]
    flags = page.locator(".red-flags").first
    assert flags.is_visible() and "Ann Example" in flags.inner_text()
    assert "emergency (immediate referral)" in flags.inner_text().lower()
    assert page.evaluate(
        "document.querySelector('.red-flags').compareDocumentPosition("
        "document.querySelector('table')) & Node.DOCUMENT_POSITION_FOLLOWING"
    )
    clean(page)
    screenshot(page, "server-clinic-patients")

    go(page, page.get_by_role("link", name="Ann Example").first)
    assert page.locator(".red-flags .urgency-emergency").first.is_visible()
    clean(page)
    for view in ("Insights", "Labs"):
        go(page, page.get_by_role("link", name=view, exact=True))
        clean(page)
    go(page, page.get_by_role("link", name="Today", exact=True))
    entry = page.locator("li[id^=entry-]").filter(has_text="pain").first
    entry.locator("summary").click()
    entry.get_by_label(re.compile("Your comment")).fill("Please book an urgent review today.")
    go(page, entry.get_by_role("button", name="Save comment"))
    assert "Comment saved" in page.locator("main").inner_text()
    screenshot(page, "server-clinic-patient")

    # Ann sees the comment on her entry, and who looked, on her Sharing page.
    sign_in(page, clinic, "ann", PASSWORD, "/diary")
    assert "Dr Okafor" in page.locator("main").inner_text()
    assert "Please book an urgent review today." in page.locator("main").inner_text()
    page.goto(clinic + "/sharing")
    text = page.locator("main").inner_text()
    assert "Please book an urgent review today." in text
    assert "Dr Okafor" in text and "Comment" in text and "Insights" in text
    clean(page)
    screenshot(page, "server-sharing")

    # She stops sharing; the clinician's next look is refused.
    go(page, page.get_by_role("button", name=re.compile("Stop sharing")))
    assert "Stopped." in page.locator("main").inner_text()
    sign_in(page, clinic, "okafor", PASSWORD, "/clinic")
    assert page.goto(clinic + "/clinic/ann").status == 404
    assert page.external_requests == []
