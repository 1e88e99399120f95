"""The clinician report as a web page in Chromium (issue 17): no serious axe-core violation,
readable on a small phone, red flags first, nothing fetched from outside the machine."""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import axe_violations, horizontal_overflow
from servekit import free_port, running_serve

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
    port = free_port()
    env = {**os.environ, "B12PAIN_DATA_DIR": str(data)}
    env.pop("B12PAIN_DATABASE_URL", None)
    with running_serve(env, port) as address:
        yield address


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
