"""CDS Hooks 2.0 service: the specification's own examples, its response rules, and b12pain cards."""

from __future__ import annotations

import datetime as dt
import json
import stat
import uuid
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from b12pain.interop.cds import SERVICE_ID, prefetch_templates
from b12pain.knowledge import load
from b12pain.web.app import create_app
from b12pain.web.settings import Settings
from cds_requests import PREFETCH_KEYS, lab, request, symptom

FIXTURES = Path(__file__).parent / "fixtures" / "cds-hooks"
SERVICE = f"/cds-services/{SERVICE_ID}"
TODAY = dt.date.today()
PATIENT = {"resourceType": "Patient", "id": "p1", "gender": "female",
           "birthDate": f"{TODAY.year - 64}-01-15"}  # fmt: skip
METFORMIN_2019 = {
    "resourceType": "MedicationRequest", "id": "mr1", "status": "active", "intent": "order",
    "subject": {"reference": "Patient/p1"}, "authoredOn": "2019-01-05",
    "medicationCodeableConcept": {"coding": [
        {"system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": "860975"}]},
}  # fmt: skip


def fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


@pytest.fixture
def client(tmp_path: Path) -> TestClient:
    return TestClient(create_app(Settings(data_dir=tmp_path)))


# --- response rules of the specification, as a checker --------------------------------------


def card_problems(card: dict[str, Any], need_uuid: bool) -> list[str]:
    """What a card breaks of the CDS Hooks "Card attributes" rules."""
    problems = []
    summary = card.get("summary")
    if not isinstance(summary, str) or not summary or len(summary) >= 140:
        problems.append("summary: one sentence under 140 characters")
    if card.get("indicator") not in ("info", "warning", "critical"):
        problems.append("indicator: info, warning or critical")
    source = card.get("source")
    if not isinstance(source, dict) or not source.get("label"):
        problems.append("source.label: required")
    if "detail" in card and not isinstance(card["detail"], str):
        problems.append("detail: markdown text")
    if "uuid" in card or need_uuid:
        try:
            uuid.UUID(str(card.get("uuid")))
        except ValueError:
            problems.append("uuid: a UUID, sent back in feedback")
    for link in card.get("links") or []:
        if link.get("type") not in ("absolute", "smart") or not link.get("url"):
            problems.append("links: label, url and type absolute|smart")
    return problems


def test_rule_checker_accepts_the_specifications_example_cards() -> None:
    for card in fixture("cards-response.json")["cards"]:
        assert card_problems(card, need_uuid=False) == []
    # The specification's `autolaunchable` example leaves out the REQUIRED `indicator`.
    (card,) = fixture("cards-response-autolaunchable.json")["cards"]
    assert card_problems(card, need_uuid=False) == ["indicator: info, warning or critical"]


def test_rule_checker_catches_broken_cards() -> None:
    bad = {"summary": "x" * 140, "indicator": "urgent", "source": {}, "uuid": "nope"}
    assert len(card_problems(bad, need_uuid=True)) == 4


# --- discovery ------------------------------------------------------------------------------


def test_discovery_offers_patient_view_with_prefetch(client: TestClient) -> None:
    response = client.get("/cds-services")
    assert response.status_code == 200
    (service,) = response.json()["services"]
    expected = fixture("discovery-response.json")["services"][0]  # same fields as the example
    assert set(expected) <= set(service)
    assert service["hook"] == "patient-view" and service["id"] == SERVICE_ID
    assert tuple(service["prefetch"]) == PREFETCH_KEYS
    prefetch = service["prefetch"]
    assert prefetch["patient"] == "Patient/{{context.patientId}}"
    for key, codes in {"b12": ("2132-9", "14685-2", "72160-5"), "mma": ("13964-2",),
                       "homocysteine": ("13965-9",), "folate": ("2284-8",)}.items():  # fmt: skip
        assert all(f"http://loinc.org|{code}" in prefetch[key] for code in codes)
    assert "status=active" in prefetch["medicationRequests"]
    assert "status=active" in prefetch["medicationStatements"]
    assert prefetch["conditions"].startswith("Condition?patient=")
    assert "no calls to the FHIR server" in service["usageRequirements"]


# --- the specification's request: missing prefetch is a 412 -----------------------------------


def test_spec_example_request_without_our_prefetch_is_412(client: TestClient) -> None:
    response = client.post(SERVICE, json=fixture("patient-view-request.json"))
    assert response.status_code == 412
    reason = response.json()["reason"]
    assert "makes no FHIR server calls" in reason
    assert all(key in reason for key in PREFETCH_KEYS if key != "patient")


def test_spec_example_request_with_our_prefetch_keys_gets_cards(client: TestClient) -> None:
    body = fixture("patient-view-request.json")
    patient = body["prefetch"]["patientToGreet"]
    body["prefetch"] = {key: None for key in prefetch_templates(load())}
    body["prefetch"]["patient"] = patient
    response = client.post(SERVICE, json=body)
    assert response.status_code == 200
    cards = response.json()["cards"]
    assert cards and all(card_problems(c, need_uuid=True) == [] for c in cards)


def test_operation_outcome_in_prefetch_is_412(client: TestClient) -> None:
    body = request(PATIENT)
    body["prefetch"]["b12"] = {"resourceType": "OperationOutcome", "issue": [
        {"severity": "error", "code": "timeout"}]}  # fmt: skip
    response = client.post(SERVICE, json=body)
    assert response.status_code == 412
    assert "prefetch.b12" in response.json()["reason"]


def test_a_paginated_prefetch_is_412(client: TestClient) -> None:
    body = request(PATIENT, labs=[lab("b1", "p1", "2132-9", 300, "ng/L", "2026-01-05")])
    body["prefetch"]["b12"]["link"] = [
        {"relation": "next", "url": "https://ehr.example/fhir/Observation?page=2"}
    ]
    response = client.post(SERVICE, json=body)
    assert response.status_code == 412
    assert "one page of several" in response.json()["reason"]


# --- cards ---------------------------------------------------------------------------------


def _cards(client: TestClient, body: dict[str, Any]) -> list[dict[str, Any]]:
    response = client.post(SERVICE, json=body)
    assert response.status_code == 200, response.text
    cards: list[dict[str, Any]] = response.json()["cards"]
    for card in cards:
        assert card_problems(card, need_uuid=True) == [], card
    return cards


def test_metformin_for_years_without_a_b12_result(client: TestClient) -> None:
    cards = _cards(client, request(PATIENT, medication_requests=[METFORMIN_2019]))
    metformin = [c for c in cards if "metformin" in (c["summary"] + c["detail"]).lower()]
    assert metformin, [c["summary"] for c in cards]
    sources = " ".join(c["detail"] for c in metformin)
    assert "MHRA" in sources or "American Diabetes Association" in sources


def test_indeterminate_b12_with_neuropathic_symptoms_suggests_mma(client: TestClient) -> None:
    body = request(
        PATIENT,
        labs=[lab("b12", "p1", "2132-9", 210, "ng/L", (TODAY - dt.timedelta(days=10)).isoformat())],
        conditions=[symptom("s1", "p1", "tingling"), symptom("s2", "p1", "burning")],
    )
    cards = _cards(client, body)
    summaries = " | ".join(c["summary"] for c in cards)
    assert "210" in summaries and "indeterminate" in summaries.lower()
    mma = [c for c in cards if "MMA" in c["summary"] or "methylmalonic" in c["summary"].lower()]
    assert mma, summaries
    assert mma[0]["indicator"] == "warning"
    assert mma[0]["source"]["url"].startswith("https://")


def test_red_flags_come_first_as_their_own_critical_cards(client: TestClient) -> None:
    body = request(
        PATIENT,
        labs=[lab("b12", "p1", "2132-9", 150, "ng/L", (TODAY - dt.timedelta(days=3)).isoformat())],
        conditions=[symptom("s1", "p1", "saddle_numbness"),
                    symptom("s2", "p1", "urinary_retention")],
    )  # fmt: skip
    cards = _cards(client, body)
    assert cards[0]["indicator"] == "critical"
    assert cards[0]["summary"].startswith("Red flag:")
    red = [c for c in cards if c["summary"].startswith("Red flag:")]
    assert cards[: len(red)] == red  # every red flag before every other card
    assert all(c["indicator"] == "critical" for c in red)
    assert "Saddle" in red[0]["detail"] or "saddle" in red[0]["detail"]
    order = {"critical": 0, "warning": 1, "info": 2}
    ranks = [order[c["indicator"]] for c in cards]
    assert ranks == sorted(ranks)


def test_suspected_neurological_involvement_without_a_result_says_bloods_then_treat(
    client: TestClient,
) -> None:
    body = request(
        PATIENT,
        medication_requests=[METFORMIN_2019],
        conditions=[symptom(f"s{i}", "p1", s) for i, s in
                    enumerate(("unsteady_gait", "reduced_vibration_sense", "tingling"))],
    )  # fmt: skip
    cards = _cards(client, body)
    assert cards[0]["summary"].startswith("Red flag:")
    bloods = [c for c in cards if "blood samples" in c["summary"].lower()]
    assert len(bloods) == 1 and bloods[0]["indicator"] == "critical"
    assert "**Blood tests:**" in bloods[0]["detail"]


def test_card_detail_is_markdown_with_numbered_sources_and_disclaimer(client: TestClient) -> None:
    cards = _cards(client, request(PATIENT, medication_requests=[METFORMIN_2019]))
    for card in cards:
        assert "**Sources**" in card["detail"] and "\n1. " in card["detail"]
        assert "Not medical advice" in card["detail"]


def test_card_uuids_are_unique_and_stable_for_a_hook_instance(client: TestClient) -> None:
    body = request(PATIENT, medication_requests=[METFORMIN_2019])
    first = [c["uuid"] for c in _cards(client, body)]
    assert len(set(first)) == len(first)
    assert [c["uuid"] for c in _cards(client, body)] == first


def test_link_back_to_b12pain_when_configured(tmp_path: Path) -> None:
    app = create_app(Settings(data_dir=tmp_path, cds_link_url="https://b12pain.clinic.example/"))
    cards = _cards(TestClient(app), request(PATIENT, medication_requests=[METFORMIN_2019]))
    assert all(c["links"] == [{"label": "Open b12pain", "url": "https://b12pain.clinic.example/",
                               "type": "absolute"}] for c in cards)  # fmt: skip


def test_patient_without_birth_date_gets_one_info_card(client: TestClient) -> None:
    body = request({"resourceType": "Patient", "id": "p1", "gender": "male"})
    (card,) = _cards(client, body)
    assert card["indicator"] == "info" and "birthDate" in card["summary"]


# --- malformed requests: 400 with a reason, never 500 ---------------------------------------


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        (b"not json", "not JSON"),
        (b"[]", "JSON object"),
        (json.dumps({"hook": "patient-view"}).encode(), "hookInstance"),
        (json.dumps({**request(PATIENT), "hook": "order-sign"}).encode(), "patient-view"),
        (json.dumps({**request(PATIENT), "context": {"userId": "x"}}).encode(), "patientId"),
        (json.dumps({**request(PATIENT), "prefetch": {
            **request(PATIENT)["prefetch"], "b12": "Observation/1"}}).encode(), "prefetch.b12"),
        (json.dumps(request({**PATIENT, "birthDate": "1960-13-45"})).encode(), "birthDate"),
        (json.dumps({**request(PATIENT), "prefetch": {**request(PATIENT)["prefetch"],
                     "patient": {**PATIENT, "id": "other"}}}).encode(), "context.patientId"),
    ],
)  # fmt: skip
def test_malformed_requests_are_400_with_a_reason(
    client: TestClient, body: bytes, needle: str
) -> None:
    response = client.post(SERVICE, content=body, headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert needle in response.json()["reason"]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=8),
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner,
                                                                       max_size=3),
        max_leaves=12,
    )
)  # fmt: skip
def test_no_body_reaches_a_500(client: TestClient, junk: Any) -> None:
    body = request(PATIENT)
    for key in ("context", "prefetch", "hookInstance"):
        mutated = {**body, key: junk}
        response = client.post(SERVICE, json=mutated)
        assert response.status_code in (200, 400, 412), response.text
    response = client.post(SERVICE, json=junk)
    assert response.status_code in (400, 412)


# --- feedback ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["feedback-accepted.json", "feedback-overridden.json", "feedback-overridden-with-reason.json"],
)
def test_spec_feedback_examples_are_recorded(client: TestClient, name: str) -> None:
    response = client.post(f"{SERVICE}/feedback", json=fixture(name))
    assert response.status_code == 200 and response.json() == {"recorded": 1}
    listed = client.get("/admin/cds-feedback").json()["feedback"]
    assert [item["feedback"]["card"] for item in listed] == [fixture(name)["feedback"][0]["card"]]


def test_feedback_is_listed_for_the_admin_in_order(client: TestClient, tmp_path: Path) -> None:
    for name in ("feedback-accepted.json", "feedback-overridden-with-reason.json"):
        assert client.post(f"{SERVICE}/feedback", json=fixture(name)).status_code == 200
    listed = client.get("/admin/cds-feedback").json()["feedback"]
    assert [i["feedback"]["outcome"] for i in listed] == ["accepted", "overridden"]
    assert listed[1]["feedback"]["overrideReason"]["userComment"].startswith("A comment")
    log = tmp_path / "cds-feedback.jsonl"
    assert stat.S_IMODE(log.stat().st_mode) == 0o600


@pytest.mark.parametrize(
    ("item", "needle"),
    [
        ({"card": "c", "outcome": "maybe", "outcomeTimestamp": "2021-12-11T10:05:31Z"}, "outcome"),
        ({"card": "c", "outcome": "accepted", "outcomeTimestamp": "2021-12-11T10:05:31Z"},
         "acceptedSuggestions"),
        ({"card": "c", "outcome": "overridden"}, "outcomeTimestamp"),
        ({"card": "c", "outcome": "overridden", "outcomeTimestamp": "2021-12-11T10:05:31"}, "UTC"),
    ],
)  # fmt: skip
def test_malformed_feedback_is_400(client: TestClient, item: dict[str, Any], needle: str) -> None:
    response = client.post(f"{SERVICE}/feedback", json={"feedback": [item]})
    assert response.status_code == 400
    assert needle in response.json()["reason"]
    assert client.get("/admin/cds-feedback").json() == {"feedback": []}


# --- FHIR Bundle download ------------------------------------------------------------------


def test_fhir_bundle_download(client: TestClient) -> None:
    response = client.get("/api/v1/fhir/bundle")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/fhir+json")
    assert "attachment" in response.headers["content-disposition"]
    bundle = response.json()
    assert bundle["resourceType"] == "Bundle" and bundle["type"] == "collection"
    assert client.get("/api/v1/fhir/bundle?from=2026-02-30").status_code == 422
    assert client.get("/api/v1/fhir/bundle?to=9999-12-31").status_code == 422  # no overflow
    assert client.get("/api/v1/fhir/bundle?from=2026-05-01&to=2026-04-01").status_code == 422


def test_a_damaged_feedback_line_is_skipped_not_a_500(client: TestClient, tmp_path: Path) -> None:
    assert (
        client.post(f"{SERVICE}/feedback", json=fixture("feedback-accepted.json")).status_code
        == 200
    )
    with (tmp_path / "cds-feedback.jsonl").open("a", encoding="utf-8") as log:
        log.write('{"received_at": "2026-1')
    listed = client.get("/admin/cds-feedback")
    assert listed.status_code == 200 and len(listed.json()["feedback"]) == 1


def test_unreadable_client_keys_are_503_not_500(tmp_path: Path) -> None:
    settings = Settings(
        data_dir=tmp_path,
        cds_trusted_issuers=("https://ehr.example/",),
        cds_jwks_file=tmp_path / "missing.json",
    )
    response = TestClient(create_app(settings)).get("/cds-services")
    assert response.status_code == 503 and "cds_jwks_file" in response.json()["reason"]


def test_a_patient_viewing_their_own_record_gets_plain_words_first(client: TestClient) -> None:
    body = request(
        PATIENT,
        conditions=[symptom("s1", "p1", "saddle_numbness"),
                    symptom("s2", "p1", "urinary_retention")],
    )  # fmt: skip
    clinician = _cards(client, body)
    body["context"]["userId"] = "Patient/p1"
    person = _cards(client, body)
    assert len(person) == len(clinician)
    assert person[0]["indicator"] == "critical" and person[0]["summary"].startswith("Red flag:")
    assert person[0]["summary"] != clinician[0]["summary"]
    assert "get medical help now" in person[0]["summary"]
    assert person[0]["detail"].startswith("**In plain words:**") and "A&E" in person[0]["detail"]
    assert clinician[0]["detail"].startswith("**For the clinician:**")


def test_a_b12pain_bundle_as_prefetch_carries_the_b12_treatment(
    client: TestClient, tmp_path: Path
) -> None:
    """Another b12pain's export (same codes) read by the service: a recent injection is seen."""
    from b12pain.service import fhir
    from b12pain.service.context import local_context
    from fhir_journal import filled_journal

    (tmp_path / "other").mkdir()
    journal = filled_journal(tmp_path / "other")
    exported = json.loads(
        fhir.export_bundle(local_context(journal, load(), dt.datetime.now(dt.UTC)))
    )
    journal.close()
    by_type: dict[str, list[dict[str, Any]]] = {}
    for entry in exported["entry"]:
        by_type.setdefault(entry["resource"]["resourceType"], []).append(entry["resource"])
    (patient,) = by_type["Patient"]
    body = request(patient)
    body["prefetch"]["medicationStatements"] = {
        "resourceType": "Bundle", "type": "searchset",
        "entry": [{"resource": r} for r in by_type["MedicationStatement"]],
    }  # fmt: skip
    view_profile = _profile_of(body)
    assert view_profile.b12_treatment is not None
    assert view_profile.b12_treatment.route == "im"
    assert {m.name for m in view_profile.medications} == {"metformin", "omeprazole"}
    assert _cards(client, body)


def _profile_of(body: dict[str, Any]) -> Any:
    from b12pain.interop.cds import parse_request, profile_from_facts, read_prefetch

    profile, _ = profile_from_facts(read_prefetch(parse_request(body), load()), TODAY)
    return profile
