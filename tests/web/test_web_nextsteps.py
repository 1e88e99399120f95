"""The self-check's result page ends with the same next steps as `b12pain check`
(`service.next_steps.after_check`), each linking to its page; red flags stay first, the steps
come after the result, and the result is said to be saved in the diary (the last step saved it)."""

from __future__ import annotations

import datetime as dt
import html as htmllib
import re
from pathlib import Path

from fastapi.testclient import TestClient
from test_web_pages import walk

from b12pain.service import profile
from b12pain.service.context import local_session
from b12pain.service.next_steps import after_check


def steps_on(page: str) -> list[tuple[str, str | None]]:
    block = re.search(r'<ol class="next-steps">(.*?)</ol>', page, re.S)
    assert block, "no next steps on the page"
    found = []
    for item in re.findall(r"<li>(.*?)</li>", block.group(1), re.S):
        link = re.search(r'<a href="([^"]+)">', item)
        text = re.sub(r"\s*<a .*", "", item, flags=re.S)
        found.append((htmllib.unescape(text.strip()), link.group(1) if link else None))
    return found


def expected_steps(data_dir: Path) -> list[tuple[str, str | None]]:
    """The CLI's next steps for the saved profile (the same use case, on the same journal)."""
    with local_session(dt.datetime.now().astimezone(), data_dir=data_dir) as ctx:
        assessment = profile.assess_current(ctx)
    assert assessment is not None
    return [(s.what, s.page) for s in after_check(assessment, saved=True)]


def test_result_page_ends_with_the_cli_next_steps_linked_to_pages(
    client: TestClient, data_dir: Path
) -> None:
    walk(
        client,
        **{
            "about-you": {"age": "64"},
            "medicines": {"medicines": ["metformin"]},
            "symptoms": {"symptoms": ["tingling"]},
        },
    )
    page = client.get("/self-check/result").text
    steps = steps_on(page)
    assert steps == expected_steps(data_dir)
    assert (
        "Ask for the blood test the result recommends; when you have it, read it here.",
        "/labs",
    ) in steps
    assert [p for _, p in steps] == ["/report", "/labs", "/diary"]
    for path in ("/report", "/labs", "/diary"):
        assert client.get(path).status_code == 200  # every link opens a page
    assert ">Go to Labs</a>" in page and ">Go to Summary report</a>" in page
    # After the result (testing, findings), before the sources; saved in the diary.
    assert (
        page.index("testing-title") < page.index("next-steps-title") < page.index('id="source-1"')
    )
    assert "Your answers and this result are saved in your" in page
    assert (
        "b12pain " not in page.split('id="next-steps"')[1].split("</section>")[0]
    )  # pages, not commands


def test_a_red_flag_stays_first_and_is_the_first_next_step(
    client: TestClient, data_dir: Path
) -> None:
    walk(
        client, **{"warning-signs": {"red_flags": ["saddle_numbness"]}, "about-you": {"age": "45"}}
    )
    page = client.get("/self-check/result").text
    assert (
        page.index('class="red-flags"')
        < page.index("testing-title")
        < page.index("next-steps-title")
    )
    steps = steps_on(page)
    assert steps == expected_steps(data_dir)
    assert steps[0] == (
        "Act on the red flag above now (emergency care), before anything else.",
        None,
    )


def test_the_last_step_saved_the_result_and_viewing_it_saves_nothing_more(
    client: TestClient,
) -> None:
    walk(client, **{"about-you": {"age": "50"}})
    kinds = [e["kind"] for e in client.get("/api/v1/entries").json()]
    assert sorted(kinds) == ["assessment", "profile"]  # answers and result, in the diary
    client.get("/self-check/result")
    client.get("/self-check/result")
    assert len(client.get("/api/v1/entries").json()) == len(kinds)
