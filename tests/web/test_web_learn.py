"""Learn and Sources: every statement cited, numbered sources listed, topics linked to each other."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from b12pain.knowledge import load
from b12pain.knowledge.schema.learn import LearnTopic

TOPICS = load().of_kind("learn_topic", LearnTopic)


def slug(topic: LearnTopic) -> str:
    return topic.id.removeprefix("learn.")


def test_the_articles_topics_are_all_there() -> None:
    ids = {t.id for t in TOPICS}
    assert {
        "learn.nerve_health", "learn.neuropathic_symptoms", "learn.pain_types", "learn.blood_test",
        "learn.food_sources", "learn.supplement_forms", "learn.dosage", "learn.pain_plan",
        "learn.when_to_get_help",
    } <= ids


def test_learn_index_links_every_topic(client: TestClient) -> None:
    html = client.get("/learn").text
    for topic in TOPICS:
        assert f'href="/learn/{slug(topic)}"' in html


def test_every_statement_carries_footnotes_that_resolve(client: TestClient) -> None:
    for topic in TOPICS:
        response = client.get(f"/learn/{slug(topic)}")
        assert response.status_code == 200
        html = response.text
        for section in topic.sections:
            for statement in section.statements:
                text = re.escape(statement.text.replace('"', "&#34;").replace("'", "&#39;"))
                assert re.search(text + r'<sup class="cite"><a href="#source-\d+"', html), (
                    topic.id, statement.text[:40]
                )
        cited = set(re.findall(r'href="#source-(\d+)"', html))
        listed = set(re.findall(r'<li id="source-(\d+)"', html))
        assert cited and cited == listed, topic.id
        assert "Not medical advice" in html


def test_topics_link_to_each_other_and_to_their_tools(client: TestClient) -> None:
    html = client.get("/learn/blood_test").text
    assert 'href="/learn/supplement_forms"' in html  # see also
    assert 'href="/labs"' in html  # Learn › blood test → Labs
    assert "Enter a blood test result" in html


def test_pain_types_show_the_articles_claim_beside_the_evidence(client: TestClient) -> None:
    html = client.get("/learn/pain_types").text
    assert "The article says:" in html and "What the evidence we hold says:" in html
    assert html.count('class="card"') >= 6


def test_unknown_topic_is_404(client: TestClient) -> None:
    assert client.get("/learn/not_a_topic").status_code == 404
    assert client.get("/learn/%3Cscript%3E").status_code == 404


def test_sources_page_lists_every_source_with_its_level(client: TestClient) -> None:
    html = client.get("/sources").text
    for source in load().sources.values():
        assert f'id="{source.id}"' in html
    for level in ("P", "P*", "S", "policy"):
        assert f'<span class="level">{level}</span>' in html
