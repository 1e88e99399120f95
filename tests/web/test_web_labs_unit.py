"""Labs › history chart in the person's B12 unit (Settings): total B12 results are drawn in the
preferred unit, converted with knowledge's cited factor (pmol/L × 1.355 = ng/L), one chart for
all of them; with no unit chosen, one chart per unit of the bands, as before."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from b12pain.service.lab_units import in_preferred_unit


def add(client: TestClient, value: float, unit: str, day: str) -> None:
    lab = {"test": "total_b12", "value": value, "unit": unit, "taken_on": day}
    assert client.post("/api/v1/labs", json=lab).status_code == 201


def captions(page: str) -> list[str]:
    return [
        re.sub(r"\s+", " ", c)
        for c in re.findall(r"<figcaption[^>]*>(.*?)</figcaption>", page, re.S)
    ]


def test_without_a_preferred_unit_each_unit_has_its_own_chart(client: TestClient) -> None:
    add(client, 150, "pmol/L", "2026-09-01")
    add(client, 300, "ng/L", "2026-10-01")
    page = client.get("/labs").text
    shown = captions(page)
    assert len(shown) == 2
    assert any("in pmol/L" in c for c in shown) and any("in ng/L" in c for c in shown)
    assert '<th scope="col" class="num">In ' not in page


def test_the_chart_and_table_show_b12_in_the_preferred_unit(client: TestClient) -> None:
    add(client, 150, "pmol/L", "2026-09-01")
    add(client, 300, "ng/L", "2026-10-01")
    saved = client.put("/api/v1/preferences", json={"b12_unit": "pmol/L"})
    assert saved.status_code == 200
    page = client.get("/labs").text
    (caption,) = captions(page)
    assert (
        "over time, in pmol/L (your unit in Settings; results in other units converted" in caption
    )
    assert "2 results, the latest 221.4 pmol/L" in caption  # 300 / 1.355
    assert '<th scope="col" class="num">In pmol/L</th>' in page
    # The lab's own value stays beside its value in the preferred unit.
    assert '<td class="num">300 ng/L</td><td class="num">221.4</td>' in page
    assert '<td class="num">150 pmol/L</td><td class="num">150</td>' in page


def test_preferred_ng_per_litre_converts_pmol_results(client: TestClient) -> None:
    add(client, 150, "pmol/L", "2026-09-01")
    client.put("/api/v1/preferences", json={"b12_unit": "ng/L"})
    (caption,) = captions(client.get("/labs").text)
    assert "in ng/L" in caption and "the latest 203.2 ng/L" in caption  # 150 × 1.355


def test_the_conversion_applies_only_to_total_b12_with_a_unit_chosen() -> None:
    assert in_preferred_unit("total_b12", 150, "pmol/L", "ng/L") == (203.2, "ng/L")
    assert in_preferred_unit("total_b12", 150, "pmol/L", None) is None
    assert in_preferred_unit("active_b12", 50, "pmol/L", "ng/L") is None
    assert in_preferred_unit("total_b12", 150, "furlongs", "ng/L") is None
