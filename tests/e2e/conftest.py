"""End-to-end fixtures: a real `b12pain serve` (uvicorn, `servekit.running_serve`) on a free port
over a temporary journal, and Debian's chromium driven by Playwright (never a downloaded
browser), with axe-core injected from the npm-locked package.

Set `B12PAIN_SCREENSHOTS=1` to write the main pages' screenshots to docs/screenshots/.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from servekit import free_port, running_serve

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
AXE = ROOT / "node_modules/axe-core/axe.min.js"
SCREENSHOTS = ROOT / "docs/screenshots"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP = {"width": 1100, "height": 900}
PHONE = {"width": 375, "height": 740}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The address of a running `b12pain serve` in local mode over a fresh journal."""
    data = tmp_path_factory.mktemp("e2e-data")
    port = free_port()
    env = {**os.environ, "B12PAIN_DATA_DIR": str(data)}
    env.pop("B12PAIN_DATABASE_URL", None)
    with running_serve(env, port) as address:
        yield address


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's chromium under Playwright; skips with the reason when it is not installed."""
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium not installed at /usr/bin/chromium (apt-get install chromium)")
    if not AXE.exists():
        pytest.skip("axe-core not installed (run `npm ci`)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield launched
        launched.close()


def _new_page(browser: Any, viewport: dict[str, int]) -> Iterator[Any]:
    # bypass_csp: the tests inject axe-core as an inline script, which the app's CSP forbids.
    context = browser.new_context(viewport=viewport, bypass_csp=True, locale="en-GB")
    page = context.new_page()
    external: list[str] = []
    page.on(
        "request",
        lambda r: (
            external.append(r.url) if not r.url.startswith(("http://127.0.0.1", "data:")) else None
        ),
    )
    page.external_requests = external
    yield page
    context.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A desktop-sized page; `page.external_requests` lists any request that left the machine."""
    yield from _new_page(browser, DESKTOP)


@pytest.fixture
def phone(browser: Any) -> Iterator[Any]:
    """A 375 px wide page (a small phone)."""
    yield from _new_page(browser, PHONE)


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """Serious and critical axe-core violations on the page as it is now."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
        }
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def horizontal_overflow(page: Any) -> int:
    """How many CSS pixels the page is wider than the viewport (0 means no horizontal scroll)."""
    return int(
        page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    )


def screenshot(page: Any, name: str) -> None:
    """Save a full-page screenshot to docs/screenshots/NAME.png when B12PAIN_SCREENSHOTS is set."""
    if not os.environ.get("B12PAIN_SCREENSHOTS"):
        return
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
