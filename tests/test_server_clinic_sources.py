"""The clinic's pages cite what they say: a red flag, a B12 status and a lab band each carry
footnote marks, and the numbered source list follows on the same page (SQLite and PostgreSQL)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from b12pain.knowledge import load
from b12pain.service import diary, labs, sharing
from b12pain.service.context import Context
from serverkit import make_account, server_app, signed_in, store_of
from servicekit import NOW

_MARK = re.compile(r'<a href="#source-(\d+)" aria-label="source \d+">')


@pytest.fixture
def clinic(journal_url: str) -> Iterator[TestClient]:
    app: FastAPI = server_app(journal_url)
    store = store_of(app)
    make_account(store, "ann", "person", display_name="Ann Example")
    make_account(store, "okafor", "clinician", display_name="Dr Okafor")
    ctx = Context(store=store, kb=load(), owner="ann", now=NOW, today=NOW.date())
    diary.log_symptoms(ctx, diary.SymptomsInput(symptoms=["saddle_numbness"]))
    labs.add_lab(ctx, labs.LabInput(test="total_b12", value=150, unit="ng/L"))
    sharing.share(ctx, "okafor")
    with TestClient(app) as client:
        yield signed_in(client, "okafor")


def _cited(html: str) -> tuple[set[int], set[int]]:
    """Footnote numbers marked in the text, and the numbers in the source list."""
    marked = {int(n) for n in _MARK.findall(html)}
    listed = {int(n) for n in re.findall(r'<li id="source-(\d+)"', html)}
    return marked, listed


@pytest.mark.parametrize("path", ["/clinic", "/clinic/ann", "/clinic/ann/labs"])
def test_each_clinic_page_cites_its_findings_and_lists_the_sources(
    clinic: TestClient, path: str
) -> None:
    page = clinic.get(path)
    assert page.status_code == 200
    marked, listed = _cited(page.text)
    assert marked, f"{path}: no footnote marks"
    assert marked == listed, f"{path}: marks {marked} but listed {listed}"
    assert listed == set(range(1, len(listed) + 1))  # numbered 1..n, none missing


def test_the_red_flag_is_cited_before_anything_else(clinic: TestClient) -> None:
    html = clinic.get("/clinic/ann").text
    flag = html.index('class="red-flag"')
    first_mark = _MARK.search(html)
    assert first_mark is not None
    assert flag < first_mark.start() < html.index("</section>", flag)  # inside the red flags


def test_the_clinicians_insights_use_the_reference_unit_whatever_the_person_chose(
    clinic: TestClient,
) -> None:
    """Ann reads her B12 in pmol/L (her preference); Dr Okafor's view of her Insights keeps the
    laboratory reference unit, from the same kept timeline (one rule picks the test shown)."""
    from b12pain.service import preferences

    store = store_of(clinic.app)  # type: ignore[arg-type]
    ann = Context(store=store, kb=load(), owner="ann", now=NOW, today=NOW.date())
    preferences.save_preferences(ann, {"b12_unit": "pmol/L"})
    page = clinic.get("/clinic/ann/insights")
    assert page.status_code == 200
    assert '<td>total_b12 (ng/L)</td><td class="num">150</td>' in page.text
    assert "pmol/L" not in page.text
    from b12pain.service import insights

    mine = insights.insights_view(ann).timeline
    assert (mine.b12_unit, [v for _, v in mine.b12]) == ("pmol/L", [110.7])
