"""Whatever is typed into any form, the answer is a page (saved, or refused with its problems):
never a server error. Hypothesis fills every field of every form with arbitrary text."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from b12pain.web import Settings, create_app

FORMS = {
    "/diary/pain": ("nrs", "regions", "pain_type", "descriptors", "note", "at"),
    "/diary/sleep": ("hours", "quality", "note", "at"),
    "/diary/exercise": ("minutes", "activity"),
    "/diary/stress": ("level",),
    "/diary/mood": ("level",),
    "/labs": ("test", "value", "unit", "taken_on", "reference_low", "reference_high", "note"),
    "/supplements/own": ("amount", "form", "every", "name", "stock", "start"),
    "/supplements/plan": ("regimen", "amount", "form", "start", "stock"),
    "/supplements/dose": ("plan", "status", "at"),
    "/supplements/stock": ("units", "plan"),
    "/food/log": ("amount", "food_id"),
    "/self-check/about-you": ("age", "sex", "diet", "pregnant"),
    "/self-check/medicines": ("medicines", "nitrous_oxide", "duration_metformin"),
    "/self-check/pain": ("pain_types", "nrs"),
    "/self-check/blood-tests": ("lab_test", "lab_value", "lab_unit", "lab_date", "lab_low", "lab_high"),
    "/settings/delete": ("confirm",),
    "/self-check/questionnaires/dn4_interview": ("q1", "q2", "q3", "q4", "q5", "q6", "q7"),
    "/self-check/questionnaires/acr2016": ("painful_areas", "fatigue", "symptoms_3_months"),
    "/self-check/questionnaires/midas": ("q1", "q2", "q3", "q4", "q5"),
}
ANSWERS = {200, 303, 404, 409, 422}

typed = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["", " ", "0", "-1", "10", "11", "1e309", "nan", "inf", "2026-02-30",
                     "2999-01-01T10:00", "<script>", "feet", "total_b12", "ng/L", "daily", "1,5"]),
)


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    folder: Path = tmp_path_factory.mktemp("forms-fuzz")
    with TestClient(create_app(Settings(data_dir=folder)), raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.mark.parametrize("path", sorted(FORMS))
def test_any_typed_text_is_answered_without_a_server_error(client: TestClient, path: str) -> None:
    fields = FORMS[path]

    @settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(st.fixed_dictionaries({f: typed for f in fields}))
    def post(data: dict[str, str]) -> None:
        response = client.post(path, data={**data, "go": "next"}, follow_redirects=False)
        assert response.status_code in ANSWERS, (path, data, response.status_code, response.text[:300])

    post()
