"""The clinician report as a web page in Chromium (issue 17): no serious axe-core violation,
readable on a small phone, red flags first, nothing fetched from outside the machine."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from conftest import _free_port, axe_violations, horizontal_overflow

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import reportdata as rd


@pytest.fixture(scope="module")
def report_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`b12pain serve` over a crowded journal (red flags, every lab, three plans)."""
    data = tmp_path_factory.mktemp("report-e2e")
    from b12pain.service.context import open_store

    store = open_store(data_dir=data)
    rd.crowded(store, dt.date.today())
    store.close()
    port = _free_port()
    env = {**os.environ, "B12PAIN_DATA_DIR": str(data)}
    env.pop("B12PAIN_DATABASE_URL", None)
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from b12pain.cli.main import run; run()",
            "serve",
            "--port",
            str(port),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    address = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                httpx.get(address + "/learn", timeout=2)
                break
            except httpx.TransportError:
                if process.poll() is not None:
                    pytest.fail("b12pain serve stopped")
                time.sleep(0.1)
        yield address
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_report_page_is_accessible_and_red_flags_come_first(report_server: str, page: Any) -> None:
    page.goto(report_server + "/report")
    assert axe_violations(page) == []
    headings = page.locator("h2").all_inner_texts()
    assert headings[0] == "Red flags"
    assert page.locator("ul.alert li").count() >= 4
    assert page.locator("figure img[alt]").count() == 1
    assert page.external_requests == []


def test_report_page_fits_a_small_phone(report_server: str, phone: Any) -> None:
    phone.goto(report_server + "/report")
    assert horizontal_overflow(phone) == 0
