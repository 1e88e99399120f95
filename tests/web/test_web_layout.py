"""Every page: reachable from the navigation, titled, calm errors, no external requests."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient

from b12pain.knowledge import load
from b12pain.web.templating import NAVIGATION

PAGES = [path for path, _ in NAVIGATION]


class _Links(HTMLParser):
    """Collects every URL-bearing attribute (href, src, action, …) of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in {"href", "src", "action", "hx-get", "hx-post", "poster", "srcset", "data"}:
                self.urls.append((tag, name, value or ""))


def urls_of(html: str) -> list[tuple[str, str, str]]:
    parser = _Links()
    parser.feed(html)
    return parser.urls


def cited_source_urls() -> set[str]:
    return {s.url for s in load().sources.values() if s.url}


@pytest.mark.parametrize("path", PAGES)
def test_every_navigation_page_answers_with_the_whole_navigation(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200, response.text[:500]
    html = response.text
    for target, label in NAVIGATION:
        assert f'href="{target}"' in html, f"{path} has no link to {label}"
    assert 'aria-current="page"' in html
    assert re.search(r"<title>[^<]+ – b12pain</title>", html)
    assert "Not medical advice" in html


@pytest.mark.parametrize("path", PAGES)
def test_pages_reference_no_external_url_except_cited_sources(client: TestClient, path: str) -> None:
    allowed = cited_source_urls()
    for tag, attribute, url in urls_of(client.get(path).text):
        if re.match(r"^(https?:)?//", url):
            assert tag == "a" and attribute == "href" and url in allowed, (
                f"{path}: <{tag} {attribute}={url!r}> points outside the app"
            )


def test_learn_topics_reference_no_external_url_except_cited_sources(client: TestClient) -> None:
    allowed = cited_source_urls()
    index = client.get("/learn").text
    topics = sorted({url for _, _, url in urls_of(index) if url.startswith("/learn/")})
    assert topics
    for topic in topics:
        for tag, attribute, url in urls_of(client.get(topic).text):
            if re.match(r"^(https?:)?//", url):
                assert tag == "a" and attribute == "href" and url in allowed, (topic, url)


def test_security_headers_forbid_external_loads(client: TestClient) -> None:
    policy = client.get("/").headers["content-security-policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy


def test_unknown_page_is_a_404_page_with_error_title(client: TestClient) -> None:
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "<title>Error: Page not found – b12pain</title>" in response.text
    assert 'class="error-summary"' in response.text


def test_unknown_api_path_is_a_404_problem_list(client: TestClient) -> None:
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.json()["errors"][0]["field"] == "path"


def test_static_files_are_served(client: TestClient) -> None:
    assert client.get("/static/app.css").status_code == 200
    js = client.get("/static/htmx.min.js")
    assert js.status_code == 200 and "htmx" in js.text


def test_a_form_posted_from_another_site_is_refused(client: TestClient) -> None:
    response = client.post("/settings", headers={"origin": "http://evil.example"})
    assert response.status_code == 403
    assert "another web site" in response.text


def test_a_foreign_host_name_is_refused(client: TestClient) -> None:
    """DNS rebinding: a page at evil.example resolving to 127.0.0.1 cannot read the journal."""
    response = client.get("/", headers={"host": "evil.example"})
    assert response.status_code == 400


def test_a_form_from_another_site_is_refused_by_fetch_metadata(client: TestClient) -> None:
    response = client.post("/diary/pain", data={"nrs": "5"}, headers={"sec-fetch-site": "cross-site"})
    assert response.status_code == 403
    same = client.post("/diary/pain", data={"nrs": "5"}, headers={"sec-fetch-site": "same-origin"}, follow_redirects=False)
    assert same.status_code == 303
